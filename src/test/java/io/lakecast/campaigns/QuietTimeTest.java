package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quiet time: an endpoint whose local time at the send lies in the window is not messaged; windows wrap past
 * midnight; an endpoint without a valid time zone is messaged anyway; the campaign's window applies, else the
 * application's. The occurrence starts at 2030-01-15T03:00Z: 22:00 in New York, 12:00 in Tokyo.
 */
class QuietTimeTest {
  static final String START = "2030-01-15T03:00:00Z";
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;
  static String segmentId;
  static Cli.Audience audience;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    audience = Cli.smsAudience(warehouse, "quiet", """
        Id,ChannelType,Address,User.UserId,Demographic.Timezone
        ny,SMS,+12065550101,u1,America/New_York
        tokyo,SMS,+12065550102,u2,Asia/Tokyo
        mars,SMS,+12065550103,u3,Mars/Olympus
        none,SMS,+12065550104,u4,
        """);
    appId = audience.appId();
    segmentId = audience.segmentId();
  }

  static String create(String quietTime) {
    return audience.createCampaign("{\"StartTime\":\"" + START + "\"" + quietTime + "}", "");
  }

  static Set<String> messaged(String campaignId) {
    return new TreeSet<>(spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(campaignId)).select("EndpointId").as(Encoders.STRING()).collectAsList());
  }

  @Test
  void aWindowAcrossMidnightSkipsTheEndpointsInItAndMessagesThoseWithoutAValidZone() {
    String id = create(",\"QuietTime\":{\"Start\":\"22:00\",\"End\":\"07:00\"}");
    JsonNode run = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).ok()
        .get("CampaignRunResponse");
    assertThat(run.get("Excluded").toString()).isEqualTo("{\"ENDPOINT_QUIET_TIME\":1}");
    assertThat(run.at("/Activities/0/ExecutionMetrics/ENDPOINT_QUIET_TIME").asText()).isEqualTo("1");
    assertThat(messaged(id)).containsExactly("mars", "none", "tokyo");
  }

  @Test
  void theApplicationsWindowAppliesToACampaignWithoutItsOwn() {
    Cli.run("update-application-settings", "--application-id", appId, "--write-application-settings-request",
        "{\"QuietTime\":{\"Start\":\"11:00\",\"End\":\"13:00\"}}").ok();
    try {
      String id = create("");
      Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).ok();
      assertThat(messaged(id)).containsExactly("mars", "none", "ny");
    } finally {
      Cli.run("update-application-settings", "--application-id", appId, "--write-application-settings-request",
          "{}").ok();
    }
  }

  @Test
  void aWindowThatIsNotHhMmIsRefusedByName() {
    Cli.Run r = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\",\"QuietTime\":{\"Start\":\"25:00\",\"End\":\"07:00\"}}}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: Invalid Schedule.QuietTime.Start in WriteCampaignRequest: "
        + "'25:00' is not a 24-hour time HH:MM such as 02:30 or 14:30");
  }
}
