package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recurring campaigns through the CLI: each occurrence of a DAILY schedule is one run with its own ScheduledStart and
 * activity; run-campaign --at catches up every occurrence due that has not completed, and a second call runs none;
 * IsPaused skips occurrences; run-due-campaigns runs every campaign of the application; the campaign's status moves
 * from SCHEDULED to PENDING_NEXT_RUN.
 */
class RecurringCampaignTest {
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;
  static String segmentId;
  static Cli.Audience audience;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    audience = Cli.smsAudience(warehouse, "recurring", """
        Id,ChannelType,Address,User.UserId
        s1,SMS,+12065550101,u1
        s2,SMS,+12065550102,u2
        s3,SMS,+12065550103,u3
        """);
    appId = audience.appId();
    segmentId = audience.segmentId();
  }

  static String create(String schedule, String extra) {
    return audience.createCampaign(schedule, extra);
  }

  static JsonNode run(String campaignId, String at) {
    return audience.runCampaign(campaignId, at);
  }

  static List<String> scheduledStarts(JsonNode response) {
    List<String> out = new ArrayList<>();
    response.get("Runs").forEach(r -> out.add(r.get("ScheduledStart").asText()));
    return out;
  }

  /** How many ledger rows the campaign has. */
  static long ledgerRows(String campaignId) {
    return spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(campaignId)).count();
  }

  @Test
  void aDailyCampaignCatchesUpEveryMissedDayOnceAndThenWaitsForTheNext() {
    String id = create("{\"StartTime\":\"2030-03-01T09:00:00Z\",\"Frequency\":\"DAILY\","
        + "\"EndTime\":\"2030-03-05T09:00:00Z\"}", "");
    assertThat(Cli.run("get-campaign", "--application-id", appId, "--campaign-id", id).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("SCHEDULED");

    JsonNode early = run(id, "2030-03-01T08:00:00Z");
    assertThat(early.get("Due").asBoolean()).isFalse();
    assertThat(early.get("NextScheduledStart").asText()).isEqualTo("2030-03-01T09:00:00Z");

    JsonNode catchUp = run(id, "2030-03-03T12:00:00Z");
    assertThat(catchUp.get("Due").asBoolean()).isTrue();
    assertThat(scheduledStarts(catchUp))
        .containsExactly("2030-03-01T09:00:00Z", "2030-03-02T09:00:00Z", "2030-03-03T09:00:00Z");
    assertThat(catchUp.get("Runs")).allSatisfy(r -> assertThat(r.get("Sent").asLong()).isEqualTo(3));
    assertThat(catchUp.get("ScheduledStart").asText()).as("the latest run at the top")
        .isEqualTo("2030-03-03T09:00:00Z");
    assertThat(catchUp.get("NextScheduledStart").asText()).isEqualTo("2030-03-04T09:00:00Z");
    assertThat(ledgerRows(id)).as("3 endpoints x 3 days").isEqualTo(9);

    JsonNode again = run(id, "2030-03-03T12:00:00Z");
    assertThat(again.get("Due").asBoolean()).as("every due occurrence completed").isFalse();
    assertThat(ledgerRows(id)).isEqualTo(9);

    JsonNode last = run(id, "2030-03-06T00:00:00Z");
    assertThat(last.get("Due").asBoolean()).as("past EndTime nothing is sent late").isFalse();
    JsonNode fourth = run(id, "2030-03-05T08:00:00Z");
    assertThat(scheduledStarts(fourth)).containsExactly("2030-03-04T09:00:00Z");
    assertThat(fourth.has("NextScheduledStart")).as("EndTime is no occurrence").isFalse();

    JsonNode activities = Cli.run("get-campaign-activities", "--application-id", appId, "--campaign-id", id).ok()
        .at("/ActivitiesResponse/Item");
    List<String> starts = new ArrayList<>();
    activities.forEach(a -> starts.add(a.get("ScheduledStart").asText() + " " + a.get("SuccessfulEndpointCount")));
    assertThat(starts).containsExactlyInAnyOrder("2030-03-01T09:00:00Z 3", "2030-03-02T09:00:00Z 3",
        "2030-03-03T09:00:00Z 3", "2030-03-04T09:00:00Z 3");
    List<Row> messageIds = spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(id)).select("MessageId").distinct().collectAsList();
    assertThat(messageIds).as("one message per endpoint and day").hasSize(12);
  }

  @Test
  void aPausedCampaignSkipsItsOccurrencesUntilRunUnpaused() {
    String id = create("{\"StartTime\":\"2030-04-01T09:00:00Z\",\"Frequency\":\"WEEKLY\"}", ",\"IsPaused\":true");
    JsonNode paused = run(id, "2030-04-20T00:00:00Z");
    assertThat(paused.get("Due").asBoolean()).isFalse();
    assertThat(paused.get("IsPaused").asBoolean()).isTrue();
    assertThat(ledgerRows(id)).isZero();
    assertThat(Cli.run("get-campaign", "--application-id", appId, "--campaign-id", id).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("PAUSED");
  }

  @Test
  void runDueCampaignsRunsEveryCampaignOfTheApplication() {
    String hourly = create("{\"StartTime\":\"2031-01-01T00:00:00Z\",\"Frequency\":\"HOURLY\"}", "");
    String once = create("{\"StartTime\":\"2031-01-01T01:30:00Z\"}", "");
    JsonNode due = Cli.run("run-due-campaigns", "--application-id", appId, "--at", "2031-01-01T02:00:00Z").ok()
        .get("DueCampaignsResponse");
    List<String> ran = new ArrayList<>();
    due.get("Campaigns").forEach(c -> c.get("Runs").forEach(r ->
        ran.add(c.get("CampaignId").asText() + " " + r.get("ScheduledStart").asText())));
    assertThat(ran).contains(hourly + " 2031-01-01T00:00:00Z", hourly + " 2031-01-01T01:00:00Z",
        hourly + " 2031-01-01T02:00:00Z", once + " 2031-01-01T01:30:00Z");
    assertThat(Cli.run("get-campaign", "--application-id", appId, "--campaign-id", hourly).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("PENDING_NEXT_RUN");
    assertThat(Cli.run("get-campaign", "--application-id", appId, "--campaign-id", once).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("COMPLETED");
  }
}
