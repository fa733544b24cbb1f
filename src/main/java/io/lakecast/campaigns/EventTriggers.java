package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.transform_values;

import io.lakecast.LakecastErrors;
import io.lakecast.model.CampaignShapes.CampaignEventFilter;
import io.lakecast.model.CampaignShapes.EventDimensions;
import io.lakecast.model.CampaignShapes.Schedule;
import io.lakecast.model.PinpointEnums.FilterType;
import io.lakecast.segments.SegmentPredicates;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Event-triggered campaigns ({@code Schedule.Frequency: EVENT}): which stored events trigger the campaign, as
 * Column predicates over the event store. Pure: no clock, no I/O.
 *
 * <p>{@code FilterType: SYSTEM} matches the events Lakecast records itself (campaign, email, SMS, push, voice and
 * custom-channel events); {@code ENDPOINT} matches every other event, those applications report through PutEvents
 * or an events import. {@code Dimensions.EventType} is a SetDimension over the event type, {@code Attributes} an
 * AttributeDimension per event attribute (the event's single value stands for the list an endpoint attribute has),
 * {@code Metrics} a MetricDimension per event metric. The campaign's {@code StartTime} and {@code EndTime} bound the
 * events' own timestamps.
 */
public final class EventTriggers {
  private static final String SHAPE = "WriteCampaignRequest";
  private static final String PATH = "Schedule.EventFilter";

  /** Prefixes of the event types Lakecast itself records: the SYSTEM events. */
  static final List<String> SYSTEM_EVENT_PREFIXES =
      List.of("_campaign.", "_email.", "_SMS.", "_push.", "_voice.", "_custom.", "_inapp.", "_journey.");

  private EventTriggers() {}

  /**
   * Checks an event-triggered schedule: an EventFilter with FilterType and Dimensions whose criteria compile, and no
   * IsLocalTime (a triggered message goes out with the batch of events that triggered it).
   */
  static void validate(Schedule s) {
    CampaignEventFilter f = s.eventFilter();
    if (f == null) {
      throw LakecastErrors.missingMember(SHAPE, PATH);
    }
    if (f.filterType() == null) {
      throw LakecastErrors.missingMember(SHAPE, PATH + ".FilterType");
    }
    if (f.dimensions() == null) {
      throw LakecastErrors.missingMember(SHAPE, PATH + ".Dimensions");
    }
    if (Boolean.TRUE.equals(s.isLocalTime())) {
      throw LakecastErrors.unsupported(SHAPE, "Schedule.IsLocalTime with Frequency=EVENT",
          "event-triggered campaigns sent with the batch of events that triggers them");
    }
    matches(f);
  }

  /** Whether an event-store row matches the filter. */
  static Column matches(CampaignEventFilter f) {
    Column system = SYSTEM_EVENT_PREFIXES.stream().map(p -> col("event_type").startsWith(p))
        .reduce(Column::or).orElseThrow();
    Column out = f.filterType() == FilterType.SYSTEM ? system : not(system);
    EventDimensions d = f.dimensions();
    String at = PATH + ".Dimensions";
    out = out.and(SegmentPredicates.set(SHAPE, at + ".EventType", col("event_type"), d.eventType()));
    if (d.attributes() != null) {
      // The event's attribute map (string → string) as the list-valued map the attribute criteria read.
      Column lists = transform_values(col("attributes"), (k, v) -> array(v));
      for (Map.Entry<String, io.lakecast.model.SegmentShapes.AttributeDimension> e : d.attributes().entrySet()) {
        out = out.and(SegmentPredicates.attribute(SHAPE, at + ".Attributes." + e.getKey(), lists, e.getKey(),
            e.getValue()));
      }
    }
    if (d.metrics() != null) {
      for (Map.Entry<String, io.lakecast.model.SegmentShapes.MetricDimension> e : d.metrics().entrySet()) {
        out = out.and(SegmentPredicates.metric(SHAPE, at + ".Metrics." + e.getKey(), col("custom_metrics"),
            e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /**
   * The endpoints ({@code EndpointId}, distinct) with an event of the application that matches the filter, stored
   * after {@code afterMillis} and at or before {@code upToMillis} (arrival time), whose own timestamp lies in
   * [{@code start}, {@code end}) ({@code end} may be null).
   */
  static Dataset<Row> triggered(Dataset<Row> events, String appId, CampaignEventFilter f, long afterMillis,
      long upToMillis, Instant start, Instant end) {
    Column window = col("app_id").equalTo(appId)
        // The partition column first, so that only the days from StartTime on are read.
        .and(col("event_date").geq(lit(start.atOffset(ZoneOffset.UTC).toLocalDate().toString())))
        .and(col("arrival_timestamp").gt(afterMillis)).and(col("arrival_timestamp").leq(upToMillis))
        .and(col("event_timestamp").geq(start.toEpochMilli()));
    if (end != null) {
      window = window.and(col("event_timestamp").lt(end.toEpochMilli()));
    }
    return events.filter(window.and(matches(f)))
        .select(col("client").getField("client_id").as("EndpointId"))
        .filter(col("EndpointId").isNotNull())
        .distinct();
  }
}
