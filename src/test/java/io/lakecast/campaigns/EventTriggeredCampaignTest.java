package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event-triggered campaigns (Frequency EVENT): each run takes the events stored since the campaign's last batch;
 * every segment member with a matching event gets the message once per batch; a re-run with no new event sends
 * nothing; StartTime bounds the events' own timestamps; FilterType SYSTEM matches the events Lakecast records.
 */
class EventTriggeredCampaignTest {
  static final String ENDPOINTS = """
      Id,ChannelType,Address,User.UserId
      s1,SMS,+12065550101,u1
      s2,SMS,+12065550102,u2
      s3,SMS,+12065550103,u3
      s4,SMS,+12065550104,u4
      e5,EMAIL,e5@example.com,u5
      """;
  /** cart.abandoned events of a pro plan worth more than 10. */
  static final String CART_FILTER = "{\"FilterType\":\"ENDPOINT\",\"Dimensions\":{"
      + "\"EventType\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"cart.abandoned\"]},"
      + "\"Attributes\":{\"plan\":{\"AttributeType\":\"INCLUSIVE\",\"Values\":[\"pro\"]}},"
      + "\"Metrics\":{\"value\":{\"ComparisonOperator\":\"GREATER_THAN\",\"Value\":10}}}}";
  static final String SEND_FILTER = "{\"FilterType\":\"SYSTEM\",\"Dimensions\":{"
      + "\"EventType\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"_campaign.send\"]}}}";

  @TempDir static Path warehouse;
  static SparkSession spark;
  static Cli.Audience audience;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    audience = Cli.smsAudience(warehouse, "triggered", ENDPOINTS);
  }

  static String schedule(String filter) {
    return "{\"StartTime\":\"2026-01-01T00:00:00Z\",\"EndTime\":\"2036-01-01T00:00:00Z\",\"Frequency\":\"EVENT\","
        + "\"EventFilter\":" + filter + "}";
  }

  /** One event of {@code endpoint}: id, type, time, plan attribute and value metric. */
  static String event(String id, String type, String at, String plan, int value) {
    return "\"" + id + "\":{\"EventType\":\"" + type + "\",\"Timestamp\":\"" + at + "\",\"Attributes\":{\"plan\":\""
        + plan + "\"},\"Metrics\":{\"value\":" + value + "}}";
  }

  static void putEvents(Map<String, String> eventsByEndpoint) {
    StringBuilder request = new StringBuilder("{\"BatchItem\":{");
    eventsByEndpoint.forEach((endpoint, events) -> request.append(request.length() > 14 ? "," : "")
        .append("\"").append(endpoint).append("\":{\"Endpoint\":{},\"Events\":{").append(events).append("}}"));
    Cli.run("put-events", "--application-id", audience.appId(), "--events-request", request + "}}").ok();
  }

  static JsonNode run(String campaignId) {
    return Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", campaignId).ok()
        .get("CampaignRunResponse");
  }

  /** SENT messages of the campaign per endpoint, from the ledger. */
  static Map<String, Long> sent(String campaignId) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(campaignId).and(col("Status").equalTo("SENT")))
        .groupBy("EndpointId").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  @Test
  void eachMatchingEventOfASegmentMemberTriggersOneMessageAndARerunSendsNothing() {
    String cart = audience.createCampaign(schedule(CART_FILTER), "");
    String afterSends = audience.createCampaign(schedule(SEND_FILTER), "");
    assertThat(Cli.run("get-campaign", "--application-id", audience.appId(), "--campaign-id", cart).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("SCHEDULED");

    putEvents(new TreeMap<>(Map.of(
        "s1", event("c1", "cart.abandoned", "2026-11-30T10:00:00Z", "pro", 20),
        "s2", event("c2", "cart.abandoned", "2026-11-30T10:00:00Z", "free", 20),
        "s3", event("c3", "cart.abandoned", "2026-11-30T10:00:00Z", "pro", 5),
        "s4", event("c4", "cart.viewed", "2026-11-30T10:00:00Z", "pro", 20) + ","
            + event("c5", "cart.abandoned", "2025-06-01T10:00:00Z", "pro", 20),
        "e5", event("c6", "cart.abandoned", "2026-11-30T10:00:00Z", "pro", 20))));
    // s2: another plan; s3: worth 5; s4: another event type, and one before StartTime; e5: not in the segment.
    JsonNode first = run(cart);
    assertThat(first.get("SegmentSize").asLong()).isEqualTo(1);
    assertThat(first.get("Sent").asLong()).isEqualTo(1);
    assertThat(sent(cart)).containsExactlyEntriesOf(Map.of("s1", 1L));

    JsonNode again = run(cart);
    assertThat(again.get("Due").asBoolean()).as("a re-run with no new event").isFalse();
    assertThat(sent(cart)).containsExactlyEntriesOf(Map.of("s1", 1L));

    putEvents(new TreeMap<>(Map.of(
        "s1", event("c7", "cart.abandoned", "2026-11-30T11:00:00Z", "pro", 30),
        "s2", event("c8", "cart.abandoned", "2026-11-30T11:00:00Z", "pro", 11) + ","
            + event("c9", "cart.abandoned", "2026-11-30T11:05:00Z", "pro", 12))));
    JsonNode second = run(cart);
    assertThat(second.get("Sent").asLong()).as("s1 again, s2 once for its two events").isEqualTo(2);
    assertThat(sent(cart)).containsExactlyEntriesOf(new TreeMap<>(Map.of("s1", 2L, "s2", 1L)));
    assertThat(second.get("RunId").asText()).isNotEqualTo(first.get("RunId").asText());
    assertThat(Cli.run("get-campaign", "--application-id", audience.appId(), "--campaign-id", cart).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("PENDING_NEXT_RUN");

    // The SYSTEM filter sees the _campaign.send events the cart campaign recorded since it was created.
    JsonNode system = run(afterSends);
    assertThat(system.get("Sent").asLong()).isEqualTo(2);
    assertThat(sent(afterSends)).containsExactlyEntriesOf(new TreeMap<>(Map.of("s1", 1L, "s2", 1L)));
  }

  @Test
  void definitionsLakecastCannotRunAreRefusedByMember() {
    String segment = audience.segmentId();
    String base = "{\"SegmentId\":\"" + segment + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
        + "\"Schedule\":";
    Map<String, String> refusals = new TreeMap<>(Map.of(
        "{\"StartTime\":\"IMMEDIATE\",\"Frequency\":\"EVENT\"}",
        "BadRequestException: Missing required member 'Schedule.EventFilter' in WriteCampaignRequest",
        "{\"StartTime\":\"IMMEDIATE\",\"Frequency\":\"EVENT\",\"IsLocalTime\":true,\"EventFilter\":" + CART_FILTER
            + "}",
        "BadRequestException: Schedule.IsLocalTime with Frequency=EVENT in WriteCampaignRequest is not supported",
        "{\"StartTime\":\"IMMEDIATE\",\"Frequency\":\"DAILY\",\"EventFilter\":" + CART_FILTER + "}",
        "BadRequestException: Invalid Schedule.EventFilter in WriteCampaignRequest: it applies only with Frequency "
            + "EVENT or IN_APP_EVENT, not DAILY",
        "{\"StartTime\":\"IMMEDIATE\",\"Frequency\":\"EVENT\",\"EventFilter\":{\"FilterType\":\"ENDPOINT\","
            + "\"Dimensions\":{\"Metrics\":{\"value\":{\"ComparisonOperator\":\"ABOUT\",\"Value\":1}}}}}",
        "BadRequestException: Invalid value 'ABOUT' for Schedule.EventFilter.Dimensions.Metrics.value."
            + "ComparisonOperator in WriteCampaignRequest; expected one of: "));
    refusals.forEach((schedule, expected) -> {
      Cli.Run r = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
          base + schedule + "}");
      assertThat(r.err()).as(schedule).startsWith(expected);
      assertThat(r.exitCode()).as(schedule).isEqualTo(2);
    });
  }
}
