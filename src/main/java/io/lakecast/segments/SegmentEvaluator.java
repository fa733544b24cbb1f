package io.lakecast.segments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.timestamp_millis;

import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.segments.SegmentPredicates.Context;
import io.lakecast.segments.SegmentPredicates.Source;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The members of a segment: an application's endpoints with what the predicate needs joined in (the last activity
 * for recency, membership of imported source segments), filtered by the compiled predicate. Never collects the
 * audience to the driver.
 *
 * <p>Last activity: the endpoint's latest app event in the event store at or before the as-of instant (any event
 * type except Lakecast's and Pinpoint's message events {@code _campaign.*}, {@code _journey.*}, {@code _email.*},
 * {@code _SMS.*}, {@code _test.*}), else its {@code EffectiveDate}.
 */
public final class SegmentEvaluator {
  private final Warehouse warehouse;
  private final String applicationId;

  public SegmentEvaluator(Warehouse warehouse, String applicationId) {
    this.warehouse = warehouse;
    this.applicationId = applicationId;
  }

  /** The compile context for this application as of {@code asOf}. */
  public Context context(Instant asOf) {
    return new Context(asOf, new SegmentCatalog(warehouse).sources(applicationId));
  }

  /**
   * The endpoints of a stored segment version: an IMPORT segment's recorded members, a DIMENSIONAL segment's
   * definition evaluated as of {@code asOf}.
   */
  public Dataset<Row> members(io.lakecast.model.SegmentShapes.SegmentResponse segment, Instant asOf) {
    if (!"IMPORT".equals(segment.segmentType())) {
      return members(SegmentCatalog.definition(segment), asOf);
    }
    Dataset<Row> ids =
        warehouse.read(Table.SEGMENT_MEMBERS)
            .filter(col("ApplicationId").equalTo(applicationId)
                .and(col("SegmentId").equalTo(segment.id()))
                .and(col("Version").equalTo(segment.version())))
            .select(col("EndpointId").as("_member_id"))
            .distinct();
    Dataset<Row> endpoints =
        warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(applicationId));
    return endpoints.join(ids, endpoints.col("Id").equalTo(ids.col("_member_id")), "left_semi");
  }

  /** The endpoints of the segment definition, as of {@code asOf}. */
  public Dataset<Row> members(WriteSegmentRequest definition, Instant asOf) {
    Context ctx = context(asOf);
    Column predicate = SegmentPredicates.compile(definition, ctx);
    Dataset<Row> endpoints =
        warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(applicationId));
    if (SegmentPredicates.usesRecency(definition, ctx)) {
      endpoints = withLastActivity(endpoints, ctx.asOf());
    }
    for (Source s : SegmentPredicates.importedSources(definition, ctx)) {
      String flag = SegmentPredicates.importedMemberColumn(s.id(), s.version());
      Dataset<Row> members =
          warehouse
              .read(Table.SEGMENT_MEMBERS)
              .filter(col("ApplicationId").equalTo(applicationId)
                  .and(col("SegmentId").equalTo(s.id()))
                  .and(col("Version").equalTo(s.version())))
              .select(col("EndpointId").as("_member_id"), lit(true).as(flag))
              .distinct();
      endpoints =
          endpoints.join(members, endpoints.col("Id").equalTo(members.col("_member_id")), "left")
              .drop("_member_id");
    }
    return endpoints.filter(predicate);
  }

  private Dataset<Row> withLastActivity(Dataset<Row> endpoints, Instant asOf) {
    Column type = col("event_type");
    Dataset<Row> last =
        warehouse
            .read(Table.EVENTS)
            .filter(col("app_id").equalTo(applicationId))
            .filter(col("event_timestamp").leq(asOf.toEpochMilli()))
            .filter(type.startsWith("_campaign.").or(type.startsWith("_journey.")).or(type.startsWith("_email."))
                .or(type.startsWith("_SMS.")).or(type.startsWith("_test.")).unary_$bang())
            .groupBy(col("client.client_id").as("_client_id"))
            .agg(max(col("event_timestamp")).as("_last_event"));
    Column effective = SegmentPredicates.instant(col("EffectiveDate"));
    return endpoints
        .join(last, endpoints.col("Id").equalTo(last.col("_client_id")), "left")
        .withColumn(SegmentPredicates.LAST_ACTIVITY,
            coalesce(timestamp_millis(col("_last_event")), effective))
        .drop("_client_id", "_last_event");
  }
}
