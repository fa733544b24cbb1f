package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Application settings and per-endpoint limits: update-application-settings stores what Lakecast applies and
 * refuses by name what it does not yet; a campaign's Limits.Total holds over four simulated days of a DAILY campaign;
 * Limits.Daily counts the 24 hours before each occurrence, within the campaign, or across all campaigns when it is
 * the application's.
 */
class CampaignLimitsTest {
  static final String ENDPOINTS = """
      Id,ChannelType,Address,User.UserId
      s1,SMS,+12065550101,u1
      s2,SMS,+12065550102,u2
      s3,SMS,+12065550103,u3
      """;
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;
  static String segmentId;
  static Cli.Audience audience;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    audience = Cli.smsAudience(warehouse, "limits", ENDPOINTS);
    appId = audience.appId();
    segmentId = audience.segmentId();
  }

  static String create(String schedule, String extra) {
    return audience.createCampaign(schedule, extra);
  }

  static JsonNode run(String campaignId, String at) {
    return audience.runCampaign(campaignId, at);
  }

  /** Messages the campaign's ledger holds per endpoint (SENT rows). */
  static Map<String, Long> sentPerEndpoint(String campaignId) {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(campaignId).and(col("Status").equalTo("SENT")))
        .groupBy("EndpointId").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  @Test
  void settingsStoreWhatLakecastAppliesAndRefuseTheRestByName() {
    JsonNode set = Cli.run("update-application-settings", "--application-id", appId,
        "--write-application-settings-request", "{\"Limits\":{\"Total\":50},\"CloudWatchMetricsEnabled\":true,"
            + "\"EventTaggingEnabled\":false,\"JourneyLimits\":{\"DailyCap\":3,\"TimeframeCap\":{\"Cap\":5,"
            + "\"Days\":7},\"TotalCap\":20}}").ok().get("ApplicationSettingsResource");
    assertThat(set.get("ApplicationId").asText()).isEqualTo(appId);
    assertThat(set.get("Limits").toString()).isEqualTo("{\"Total\":50}");
    assertThat(set.get("JourneyLimits").toString())
        .isEqualTo("{\"DailyCap\":3,\"TimeframeCap\":{\"Cap\":5,\"Days\":7},\"TotalCap\":20}");
    assertThat(set.has("LastModifiedDate")).isTrue();
    JsonNode got = Cli.run("get-application-settings", "--application-id", appId).ok()
        .get("ApplicationSettingsResource");
    assertThat(got).isEqualTo(set);

    for (String[] refused : new String[][] {
        {"{\"CampaignHook\":{\"Mode\":\"FILTER\"}}",
            "BadRequestException: Invalid CampaignHook in WriteApplicationSettingsRequest: give exactly one of WebUrl "
                + "and LambdaFunctionName"},
        {"{\"QuietTime\":{\"Start\":\"22:00\"}}",
            "BadRequestException: Missing required member 'QuietTime.End' in WriteApplicationSettingsRequest"},
        {"{\"Limits\":{\"Session\":101}}",
            "BadRequestException: Invalid Limits.Session in WriteApplicationSettingsRequest: 101 is not between 0 "
                + "and 100"},
        {"{\"Limits\":{\"MaximumDuration\":59}}",
            "BadRequestException: Invalid Limits.MaximumDuration in WriteApplicationSettingsRequest: 59 is less "
                + "than 60"},
        {"{\"Limits\":{\"Daily\":101}}",
            "BadRequestException: Invalid Limits.Daily in WriteApplicationSettingsRequest: 101 is not between 0 "
                + "and 100"}}) {
      Cli.Run r = Cli.run("update-application-settings", "--application-id", appId,
          "--write-application-settings-request", refused[0]);
      assertThat(r.exitCode()).as(refused[0]).isEqualTo(2);
      assertThat(r.err()).as(refused[0]).startsWith(refused[1]);
    }
    assertThat(Cli.run("get-application-settings", "--application-id", appId).ok()
        .get("ApplicationSettingsResource")).as("a refused update changes nothing").isEqualTo(set);
    Cli.run("update-application-settings", "--application-id", appId, "--write-application-settings-request", "{}")
        .ok();
  }

  @Test
  void aDailyCampaignWithATotalLimitSendsEachEndpointTwoMessagesOverFourDays() {
    String id = create("{\"StartTime\":\"2030-06-01T09:00:00Z\",\"Frequency\":\"DAILY\"}",
        ",\"Limits\":{\"Total\":2}");
    JsonNode days = run(id, "2030-06-04T12:00:00Z");
    assertThat(days.get("Runs")).hasSize(4);
    List<String> sentPerDay = new ArrayList<>();
    days.get("Runs").forEach(r -> sentPerDay.add(r.get("Sent").asText()));
    assertThat(sentPerDay).containsExactly("3", "3", "0", "0");
    assertThat(days.at("/Runs/2/Excluded").toString()).isEqualTo("{\"ENDPOINT_TOTAL_LIMIT\":3}");
    assertThat(days.at("/Runs/3/Excluded").toString()).isEqualTo("{\"ENDPOINT_TOTAL_LIMIT\":3}");
    assertThat(sentPerEndpoint(id)).isEqualTo(Map.of("s1", 2L, "s2", 2L, "s3", 2L));
  }

  @Test
  void aDailyLimitCountsTheTwentyFourHoursBeforeEachOccurrence() {
    String hourly = create("{\"StartTime\":\"2031-06-01T00:00:00Z\",\"Frequency\":\"HOURLY\"}",
        ",\"Limits\":{\"Daily\":1}");
    JsonNode first = run(hourly, "2031-06-01T02:30:00Z");
    List<String> sent = new ArrayList<>();
    first.get("Runs").forEach(r -> sent.add(r.get("ScheduledStart").asText() + " " + r.get("Sent").asText()));
    assertThat(sent).containsExactly("2031-06-01T00:00:00Z 3", "2031-06-01T01:00:00Z 0", "2031-06-01T02:00:00Z 0");
    assertThat(first.at("/Runs/1/Excluded").toString()).isEqualTo("{\"ENDPOINT_DAILY_LIMIT\":3}");
    assertThat(sentPerEndpoint(hourly)).isEqualTo(Map.of("s1", 1L, "s2", 1L, "s3", 1L));
    // That the window ends 24 hours later is the next test's third campaign.
  }

  @Test
  void anApplicationsDailyLimitCountsEveryCampaignOfTheApplication() {
    // A second application keeps this test's settings apart from the others'.
    Cli.Audience across = Cli.smsAudience(warehouse, "limits-across", ENDPOINTS);
    String other = across.appId();
    String segment = across.segmentId();
    Cli.run("update-application-settings", "--application-id", other, "--write-application-settings-request",
        "{\"Limits\":{\"Daily\":1}}").ok();
    String[] ids = new String[3];
    // The third starts 24.5 hours after the first: its window no longer holds the first one's messages.
    String[] starts = {"2032-01-01T09:00:00Z", "2032-01-01T10:00:00Z", "2032-01-02T09:30:00Z"};
    for (int i = 0; i < 3; i++) {
      ids[i] = Cli.run("create-campaign", "--application-id", other, "--write-campaign-request",
          "{\"SegmentId\":\"" + segment + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"Hi\"}},"
              + "\"Schedule\":{\"StartTime\":\"" + starts[i] + "\"}}").ok().at("/CampaignResponse/Id").asText();
    }
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      JsonNode r = Cli.run("run-campaign", "--application-id", other, "--campaign-id", ids[i], "--at", starts[i])
          .ok().get("CampaignRunResponse");
      sent.add(r.get("Sent").asText() + " " + r.get("Excluded"));
    }
    assertThat(sent).containsExactly("3 {}", "0 {\"ENDPOINT_DAILY_LIMIT\":3}", "3 {}");
  }

  @Test
  void messagesPerSecondPacesTheDispatch() {
    String id = create("{\"StartTime\":\"2033-01-01T09:00:00Z\"}", ",\"Limits\":{\"MessagesPerSecond\":1}");
    // One partition at 1 per second starts the 3 sends 1 s apart: 2 s from the first to the last. UpdatedAt is
    // stamped when a send ends, and the first send also creates the outbox file, which on a loaded machine took a
    // third of a second (two partitions at 2 per second left a single 1 s gap, and CI once saw 0.68 s of it); 1 s of
    // the 2 is margin enough. Unpaced, the stamps are milliseconds apart.
    spark.conf().set(LakecastConf.DISPATCH_PARTITIONS, "1");
    try {
      assertThat(run(id, "2033-01-01T09:00:00Z").get("Sent").asLong()).isEqualTo(3);
    } finally {
      spark.conf().unset(LakecastConf.DISPATCH_PARTITIONS);
    }
    Row span = spark.read().format("delta").load(warehouse + "/send_ledger").filter(col("CampaignId").equalTo(id))
        .agg(org.apache.spark.sql.functions.max(col("UpdatedAt").cast("double"))
            .minus(org.apache.spark.sql.functions.min(col("UpdatedAt").cast("double")))).first();
    assertThat(span.getDouble(0)).as("seconds between the first and the last send").isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void maximumDurationLeavesWhatItCannotSendInTimeUnsentAndCountsIt() {
    String late = create("{\"StartTime\":\"2034-01-01T09:00:00Z\"}", ",\"Limits\":{\"MaximumDuration\":60}");
    JsonNode lateRun = run(late, "2034-01-01T09:02:00Z");
    assertThat(lateRun.get("Sent").asLong()).isZero();
    assertThat(lateRun.get("Failed").asLong()).isEqualTo(3);
    assertThat(lateRun.at("/Activities/0/ExecutionMetrics/MAXIMUM_DURATION_EXCEEDED").asText()).isEqualTo("3");
    assertThat(spark.read().format("delta").load(warehouse + "/send_ledger").filter(col("CampaignId").equalTo(late))
        .select("Reason").distinct().as(org.apache.spark.sql.Encoders.STRING()).collectAsList())
        .containsExactly("MAXIMUM_DURATION_EXCEEDED");

    String onTime = create("{\"StartTime\":\"2034-01-01T09:00:00Z\"}", ",\"Limits\":{\"MaximumDuration\":600}");
    assertThat(run(onTime, "2034-01-01T09:00:00Z").get("Sent").asLong()).as("within 10 minutes").isEqualTo(3);
  }
}
