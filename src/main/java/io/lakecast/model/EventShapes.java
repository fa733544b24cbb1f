package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * Event shapes: the answer of put-events ({@code EventsResponse}), event streams ({@code WriteEventStream},
 * {@code EventStream}) and the result of Lakecast's {@code stream-events}. The request of put-events
 * ({@code EventsRequest}) is read member by member in {@code events.PutEvents}, because one bad event must not fail
 * its neighbours.
 */
public final class EventShapes {
  private EventShapes() {}

  /** put-events result: per endpoint id, the endpoint's and its events' outcomes. */
  public record EventsResponse(@JsonProperty("Results") Map<String, ItemResponse> results) {}

  /** One endpoint's outcome and its events' outcomes (keyed by event id). */
  public record ItemResponse(
      @JsonProperty("EndpointItemResponse") EndpointItemResponse endpointItemResponse,
      @JsonProperty("EventsItemResponse") Map<String, EventItemResponse> eventsItemResponse) {}

  /** 202 with {@code Accepted}, or 400 with the reason. */
  public record EndpointItemResponse(
      @JsonProperty("Message") String message, @JsonProperty("StatusCode") int statusCode) {}

  /** 202 with {@code Accepted}, or 400 with the reason. */
  public record EventItemResponse(@JsonProperty("Message") String message, @JsonProperty("StatusCode") int statusCode) {}

  /** Body of put-event-stream. */
  public record WriteEventStream(
      @JsonProperty("DestinationStreamArn") String destinationStreamArn, @JsonProperty("RoleArn") String roleArn) {}

  /** An application's event stream. */
  public record EventStream(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("DestinationStreamArn") String destinationStreamArn,
      @JsonProperty("ExternalId") String externalId,
      @JsonProperty("LastModifiedDate") String lastModifiedDate,
      @JsonProperty("LastUpdatedBy") String lastUpdatedBy,
      @JsonProperty("RoleArn") String roleArn) {}

  /**
   * What compact-events did (Lakecast's): the event partitions (application, date) it merged, their data files before
   * and after, and the events they hold (the same before and after).
   */
  public record CompactEventsResult(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("PartitionsCompacted") long partitionsCompacted,
      @JsonProperty("FilesBefore") long filesBefore,
      @JsonProperty("FilesAfter") long filesAfter,
      @JsonProperty("Events") long events) {}

  /**
   * Lakecast's result of stream-events: the records delivered by this run, in how many calls, how many records the
   * destination refused at first and took on a retry, and the watermark now committed (the arrival time of the last
   * delivered event, ISO 8601).
   */
  public record StreamEventsResult(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("DestinationStreamArn") String destinationStreamArn,
      @JsonProperty("RecordsDelivered") long recordsDelivered,
      @JsonProperty("Calls") long calls,
      @JsonProperty("RecordsRetried") long recordsRetried,
      @JsonProperty("Watermark") String watermark) {}

  /**
   * Body of create-events-import-job (Lakecast's) and the job's {@code Definition}: NDJSON (plain or gzip) under
   * {@code S3Url}, each line an {@code EventsRequest} document or a Pinpoint event-stream record. {@code RoleArn} is
   * accepted and stored, as the endpoint import's.
   */
  public record EventsImportJobRequest(
      @JsonProperty("S3Url") String s3Url, @JsonProperty("RoleArn") String roleArn) {}

  /** One value of a KPI row: the metric's friendly name (or the grouping field), its type and the value as text. */
  public record ResultRowValue(
      @JsonProperty("Key") String key, @JsonProperty("Type") String type, @JsonProperty("Value") String value) {}

  /** One row of a KPI: what it is grouped by (absent for an ungrouped KPI) and its values. */
  public record ResultRow(
      @JsonProperty("GroupedBys") java.util.List<ResultRowValue> groupedBys,
      @JsonProperty("Values") java.util.List<ResultRowValue> values) {}

  /** A KPI's rows. */
  public record BaseKpiResult(@JsonProperty("Rows") java.util.List<ResultRow> rows) {}

  /** get-application-date-range-kpi result. */
  public record ApplicationDateRangeKpiResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("EndTime") String endTime,
      @JsonProperty("KpiName") String kpiName,
      @JsonProperty("KpiResult") BaseKpiResult kpiResult,
      @JsonProperty("NextToken") String nextToken,
      @JsonProperty("StartTime") String startTime) {}

  /** get-campaign-date-range-kpi result. */
  public record CampaignDateRangeKpiResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CampaignId") String campaignId,
      @JsonProperty("EndTime") String endTime,
      @JsonProperty("KpiName") String kpiName,
      @JsonProperty("KpiResult") BaseKpiResult kpiResult,
      @JsonProperty("NextToken") String nextToken,
      @JsonProperty("StartTime") String startTime) {}
}
