package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakecast.model.AppShapes.WriteApplicationSettingsRequest;
import io.lakecast.model.CampaignShapes.CampaignLimits;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Pinpoint's per-endpoint campaign limits, counted from the send ledger so that they are never exceeded:
 * {@code Daily}, messages to one endpoint in the 24 hours up to an occurrence's scheduled start, and {@code Total},
 * messages to one endpoint over all the campaign's occurrences. The campaign's own {@code Limits} apply, else the
 * application's; an application's {@code Daily} counts the messages of all its campaigns, a campaign's only its own.
 * A message counts once it is in the ledger to be sent (PENDING, DISPATCHING or SENT); 0 or absent means no limit.
 * Pure: Datasets in, Dataset out.
 *
 * @param daily at most this many messages per endpoint in 24 hours, or null
 * @param dailyAcrossCampaigns whether {@code daily} is the application's (counts every campaign)
 * @param total at most this many messages per endpoint from the campaign, or null
 */
public record SendLimits(Integer daily, boolean dailyAcrossCampaigns, Integer total) {
  /** Exclusion reasons, reported with the others in the run's {@code Excluded} and the activities' metrics. */
  public static final String DAILY_LIMIT = "ENDPOINT_DAILY_LIMIT";
  public static final String TOTAL_LIMIT = "ENDPOINT_TOTAL_LIMIT";

  /** The limits a run of {@code campaign} applies, given its application's settings. */
  static SendLimits of(WriteCampaignRequest campaign, WriteApplicationSettingsRequest app) {
    CampaignLimits own = campaign.limits();
    CampaignLimits inherited = app.limits();
    Integer ownDaily = own == null ? null : positive(own.daily());
    Integer appDaily = inherited == null ? null : positive(inherited.daily());
    Integer ownTotal = own == null ? null : positive(own.total());
    Integer appTotal = inherited == null ? null : positive(inherited.total());
    return new SendLimits(ownDaily != null ? ownDaily : appDaily, ownDaily == null && appDaily != null,
        ownTotal != null ? ownTotal : appTotal);
  }

  /** A limit's value: the campaign's own, else the application's, else null. */
  static Integer effective(WriteCampaignRequest campaign, WriteApplicationSettingsRequest app,
      java.util.function.Function<CampaignLimits, Integer> member) {
    Integer own = campaign.limits() == null ? null : member.apply(campaign.limits());
    return own != null ? own : app.limits() == null ? null : member.apply(app.limits());
  }

  private static Integer positive(Integer v) {
    return v == null || v == 0 ? null : v;
  }

  boolean none() {
    return daily == null && total == null;
  }

  /**
   * {@code classified} endpoints (column {@code Id}, and {@code DropReason} null for those still eligible) with
   * those at a limit given DAILY_LIMIT or TOTAL_LIMIT as their drop reason. {@code ledger} is the application's
   * send ledger; the rows of {@code runId} itself are not counted, so a re-run of the occurrence drops nothing it
   * had recorded.
   */
  Dataset<Row> apply(Dataset<Row> classified, Dataset<Row> ledger, String campaignId, String runId, Instant start) {
    if (none()) {
      return classified;
    }
    Column inCampaign = col("CampaignId").equalTo(campaignId);
    Column scheduled = col("ScheduledStart").cast("timestamp");
    Column inDay = scheduled.gt(lit(Timestamp.from(start.minus(Duration.ofHours(24)))))
        .and(scheduled.leq(lit(Timestamp.from(start))));
    // Only the rows a limit can count: the campaign's own (Delta skips other campaigns' files by statistics on
    // CampaignId), and other campaigns' only for the application's Daily, within its day.
    Column counted = dailyAcrossCampaigns && daily != null ? inCampaign.or(inDay) : inCampaign;
    Dataset<Row> counts = ledger
        .filter(counted.and(col("RunId").notEqual(runId)).and(col("Status").isin("PENDING", "DISPATCHING", "SENT")))
        .groupBy(col("EndpointId"))
        .agg(sum(when(inCampaign, 1).otherwise(0)).as("_total"),
            sum(when(dailyAcrossCampaigns ? inDay : inDay.and(inCampaign), 1).otherwise(0)).as("_daily"));
    Column eligible = col("DropReason").isNull();
    Column reason = col("DropReason");
    if (total != null) {
      reason = when(eligible.and(coalesce(col("_total"), lit(0L)).geq(total)), lit(TOTAL_LIMIT)).otherwise(reason);
    }
    if (daily != null) {
      reason = when(eligible.and(coalesce(col("_daily"), lit(0L)).geq(daily)), lit(DAILY_LIMIT)).otherwise(reason);
    }
    return classified.join(counts, classified.col("Id").equalTo(counts.col("EndpointId")), "left")
        .withColumn("DropReason", reason)
        .drop(counts.col("EndpointId")).drop("_total", "_daily");
  }
}
