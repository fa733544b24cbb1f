package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.lakecast.LakecastErrors;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.CampaignShapes.WriteTreatmentResource;
import io.lakecast.model.ExperimentShapes.Arm;
import io.lakecast.model.ExperimentShapes.CampaignExperimentResponse;
import io.lakecast.model.ExperimentShapes.Comparison;
import io.lakecast.model.ExperimentShapes.Interval;
import io.lakecast.model.ExperimentShapes.SampleRatioMismatch;
import io.lakecast.model.Ids;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * get-campaign-experiment (Lakecast's): the campaign's arms from its send ledger, conversions from the event store
 * (a member converts when its endpoint records an event of the chosen type within the window after the ledger
 * row's time: the send, or for the holdout the time it was held out), and the statistics of {@link ExperimentShapes}.
 * Every occurrence of a recurring campaign adds its rows to the arms.
 */
public final class CampaignExperiment {
  /** 95%. */
  static final double Z = new NormalDistribution().inverseCumulativeProbability(0.975);
  static final double SRM_THRESHOLD = 0.001;

  /** The campaign, the conversion event type and the window after each send (hours). */
  public record Options(String applicationId, String campaignId, String conversionEventType, int windowHours) {
    public Options {
      if (conversionEventType == null || conversionEventType.isBlank()) {
        throw LakecastErrors.invalidOption("--conversion-event-type", String.valueOf(conversionEventType),
            "an event type, e.g. _monetization.purchase");
      }
      if (windowHours < 1) {
        throw LakecastErrors.invalidOption("--window-hours", String.valueOf(windowHours), "1 or more hours");
      }
    }
  }

  private final Warehouse warehouse;

  public CampaignExperiment(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  public CampaignExperimentResponse run(Options o) {
    CampaignCatalog catalog = new CampaignCatalog(warehouse);
    WriteCampaignRequest campaign = catalog.load(o.applicationId(), o.campaignId()).definition();
    Map<String, Double> planned = planned(campaign);
    Column arm = when(col("Arm").equalTo(AssignmentPlan.HOLDOUT), lit(AssignmentPlan.HOLDOUT))
        .otherwise(col("TreatmentId"));
    Dataset<Row> ledger = warehouse.read(Table.SEND_LEDGER)
        .filter(col("ApplicationId").equalTo(o.applicationId()).and(col("CampaignId").equalTo(o.campaignId())))
        .select(arm.as("arm"), col("EndpointId"), org.apache.spark.sql.functions.coalesce(col("ActivityId"), lit(""))
                .as("ActivityId"), col("Status"),
            unix_millis(col("UpdatedAt")).as("t0"))
        .localCheckpoint();
    Dataset<Row> flagged = ledger.withColumn("converted", lit(false)).withColumn("bounced", lit(false));
    Row span = ledger.agg(min("t0"), max("t0")).first();
    if (!span.isNullAt(0) && warehouse.exists(warehouse.path(Table.EVENTS))) {
      long window = o.windowHours() * 3_600_000L;
      Dataset<Row> events = warehouse.read(Table.EVENTS)
          .filter(col("app_id").equalTo(o.applicationId())
              .and(col("event_date").between(Ids.iso(Instant.ofEpochMilli(span.getLong(0))).substring(0, 10),
                  Ids.iso(Instant.ofEpochMilli(span.getLong(1) + window)).substring(0, 10)))
              .and(col("event_type").isin(o.conversionEventType(), "_email.hardbounce")))
          .select(col("client.client_id").as("client_id"), col("event_type"), col("event_timestamp"),
              col("attributes").getItem("campaign_activity_id").as("activity"));
      Dataset<Row> joined = ledger.join(events, ledger.col("EndpointId").equalTo(events.col("client_id")));
      Column conversion = col("event_type").equalTo(o.conversionEventType())
          .and(col("event_timestamp").between(col("t0"), col("t0").plus(window)));
      Column bounce = col("event_type").equalTo("_email.hardbounce").and(col("activity").equalTo(col("ActivityId")));
      Dataset<Row> marks = joined.groupBy(col("arm"), col("EndpointId"), col("ActivityId"), col("t0"))
          .agg(org.apache.spark.sql.functions.max(conversion).as("converted"),
              org.apache.spark.sql.functions.max(bounce).as("bounced"));
      flagged = ledger.join(marks, new String[] {"arm", "EndpointId", "ActivityId", "t0"}, "left");
    }
    Map<String, long[]> counts = new LinkedHashMap<>();
    for (Row r : flagged.groupBy("arm").agg(count(lit(1)),
            sum(when(col("Status").equalTo("SENT"), 1).otherwise(0)),
            sum(when(col("Status").equalTo("SENT").and(col("bounced").isNull().or(col("bounced").equalTo(false))), 1)
                .otherwise(0)),
            sum(when(col("converted").equalTo(true), 1).otherwise(0)))
        .orderBy("arm").collectAsList()) {
      counts.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4)});
    }
    for (String a : planned.keySet()) {
      counts.putIfAbsent(a, new long[4]);
    }
    long[] holdout = counts.get(AssignmentPlan.HOLDOUT);
    long[] byDefault = counts.get(AssignmentPlan.DEFAULT_TREATMENT);
    List<Arm> arms = new ArrayList<>();
    for (String a : ordered(counts.keySet())) {
      long[] c = counts.get(a);
      Double rate = c[0] == 0 ? null : (double) c[3] / c[0];
      arms.add(new Arm(a, 100 * planned.getOrDefault(a, 0.0), c[0], c[1], c[2], c[3], rate,
          c[0] == 0 ? null : wilson(c[3], c[0]),
          a.equals(AssignmentPlan.HOLDOUT) ? null : compare(c, holdout),
          a.equals(AssignmentPlan.HOLDOUT) || a.equals(AssignmentPlan.DEFAULT_TREATMENT) ? null
              : compare(c, byDefault)));
    }
    return new CampaignExperimentResponse(o.applicationId(), o.campaignId(), o.conversionEventType(),
        o.windowHours(), arms, srm(counts, planned));
  }

  /** HOLDOUT first, then the treatments by number. */
  private static List<String> ordered(java.util.Set<String> arms) {
    List<String> out = new ArrayList<>(arms);
    out.sort((x, y) -> x.equals(y) ? 0 : x.equals(AssignmentPlan.HOLDOUT) ? -1 : y.equals(AssignmentPlan.HOLDOUT) ? 1
        : Integer.compare(Integer.parseInt(x), Integer.parseInt(y)));
    return out;
  }

  /** Each arm's planned share of the audience: the holdout, the additional treatments, the default the rest. */
  static Map<String, Double> planned(WriteCampaignRequest c) {
    Map<String, Double> out = new LinkedHashMap<>();
    double rest = 1.0;
    if (c.holdoutPercent() != null && c.holdoutPercent() > 0) {
      out.put(AssignmentPlan.HOLDOUT, c.holdoutPercent() / 100.0);
      rest -= c.holdoutPercent() / 100.0;
    }
    List<WriteTreatmentResource> extra = c.additionalTreatments() == null ? List.of() : c.additionalTreatments();
    Map<String, Double> treatments = new LinkedHashMap<>();
    for (int i = 0; i < extra.size(); i++) {
      double share = extra.get(i).sizePercent() / 100.0;
      treatments.put(String.valueOf(i + 1), share);
      rest -= share;
    }
    out.put(AssignmentPlan.DEFAULT_TREATMENT, Math.max(0, rest));
    out.putAll(treatments);
    return out;
  }

  /** The 95% Wilson score interval of x successes in n. */
  static Interval wilson(long x, long n) {
    double p = (double) x / n;
    double z2 = Z * Z;
    double center = (p + z2 / (2 * n)) / (1 + z2 / n);
    double half = Z * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
    return new Interval(center - half, center + half);
  }

  /** This arm ({@code a}: members, sent, delivered, conversions) against {@code b}; null when either is empty. */
  static Comparison compare(long[] a, long[] b) {
    if (b == null || a[0] == 0 || b[0] == 0) {
      return null;
    }
    double pa = (double) a[3] / a[0];
    double pb = (double) b[3] / b[0];
    double diff = pa - pb;
    double se = Math.sqrt(pa * (1 - pa) / a[0] + pb * (1 - pb) / b[0]);
    Interval absolute = new Interval(diff - Z * se, diff + Z * se);
    Double relative = null;
    Interval relativeInterval = null;
    if (a[3] > 0 && b[3] > 0) {
      double logRatio = Math.log(pa / pb);
      double seLog = Math.sqrt(1.0 / a[3] - 1.0 / a[0] + 1.0 / b[3] - 1.0 / b[0]);
      relative = pa / pb - 1;
      relativeInterval = new Interval(Math.exp(logRatio - Z * seLog) - 1, Math.exp(logRatio + Z * seLog) - 1);
    }
    double pooled = (double) (a[3] + b[3]) / (a[0] + b[0]);
    double sePooled = Math.sqrt(pooled * (1 - pooled) * (1.0 / a[0] + 1.0 / b[0]));
    Double p = sePooled == 0 ? null
        : 2 * (1 - new NormalDistribution().cumulativeProbability(Math.abs(diff / sePooled)));
    return new Comparison(diff, absolute, relative, relativeInterval, p);
  }

  /** Chi-squared of the observed arm sizes against the planned shares (arms planned above 0 only). */
  static SampleRatioMismatch srm(Map<String, long[]> counts, Map<String, Double> planned) {
    long total = 0;
    int arms = 0;
    for (var e : planned.entrySet()) {
      if (e.getValue() > 0) {
        total += counts.getOrDefault(e.getKey(), new long[4])[0];
        arms++;
      }
    }
    if (total == 0 || arms < 2) {
      return null;
    }
    double chi = 0;
    for (var e : planned.entrySet()) {
      if (e.getValue() > 0) {
        double expected = total * e.getValue();
        double observed = counts.getOrDefault(e.getKey(), new long[4])[0];
        chi += (observed - expected) * (observed - expected) / expected;
      }
    }
    double p = 1 - new ChiSquaredDistribution(arms - 1).cumulativeProbability(chi);
    return new SampleRatioMismatch(chi, arms - 1, p, p < SRM_THRESHOLD);
  }
}
