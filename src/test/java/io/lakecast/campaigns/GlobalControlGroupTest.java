package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lakecast's global control group: with GlobalControlGroupPercent in the application settings, the same users are
 * left out of every campaign of the application, and every run and activity reports how many. The application keeps
 * a fixed id (create-app --application-id) so that the members are golden: computed outside Lakecast with Python's
 * xxhash ({@code xxhash64("global-control:" + ApplicationId, UserId) mod 10000 < 3000}, Spark's seed 42).
 */
class GlobalControlGroupTest {
  static final String APP = "a1b2c3d4e5f60718293a4b5c6d7e8f90";
  /** Users g01..g20 whose bucket is below 3000 (g03: 572, g08: 1385, g11: 1171, g19: 1972). */
  static final Set<String> IN_CONTROL = Set.of("g03", "g08", "g11", "g19");
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String segmentId;

  @BeforeAll
  static void app() throws IOException {
    spark = SparkTestSession.withWarehouse(warehouse);
    JsonNode app = Cli.run("create-app", "--create-application-request", "{\"Name\":\"control\"}",
        "--application-id", APP).ok().get("ApplicationResponse");
    assertThat(app.get("Id").asText()).isEqualTo(APP);
    StringBuilder csv = new StringBuilder("Id,ChannelType,Address,User.UserId\n");
    for (int i = 1; i <= 20; i++) {
      csv.append(String.format("e%02d,SMS,+120655501%02d,g%02d%n", i, i, i));
    }
    Path source = Files.createDirectories(warehouse.resolve("source"));
    Files.writeString(source.resolve("endpoints.csv"), csv);
    Cli.run("create-import-job", "--application-id", APP, "--import-job-request",
        "{\"S3Url\":\"" + source + "\",\"Format\":\"CSV\"}").ok();
    segmentId = Cli.run("create-segment", "--application-id", APP, "--write-segment-request",
        "{\"Name\":\"all\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"SMS\"]}}}}").ok()
        .at("/SegmentResponse/Id").asText();
    JsonNode settings = Cli.run("update-application-settings", "--application-id", APP,
        "--write-application-settings-request", "{\"GlobalControlGroupPercent\":30}").ok()
        .get("ApplicationSettingsResource");
    assertThat(settings.get("GlobalControlGroupPercent").asInt()).isEqualTo(30);
  }

  @Test
  void theSameUsersAreLeftOutOfEveryCampaignAndEveryRunSaysHowMany() {
    for (String name : List.of("first", "second")) {
      String id = Cli.run("create-campaign", "--application-id", APP, "--write-campaign-request",
          "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{\"SMSMessage\":"
              + "{\"Body\":\"b\"}},\"Schedule\":{\"StartTime\":\"IMMEDIATE\"}}").ok().at("/CampaignResponse/Id")
          .asText();
      JsonNode run = Cli.run("run-campaign", "--application-id", APP, "--campaign-id", id).ok()
          .get("CampaignRunResponse");
      assertThat(run.get("Excluded").toString()).as(name).isEqualTo("{\"GLOBAL_CONTROL_GROUP\":4}");
      assertThat(run.get("Sent").asLong()).as(name).isEqualTo(16);
      assertThat(run.at("/Activities/0/ExecutionMetrics/GLOBAL_CONTROL_GROUP").asText()).as(name).isEqualTo("4");

      Set<String> messaged = new TreeSet<>(spark.read().format("delta").load(warehouse + "/send_ledger")
          .filter(col("CampaignId").equalTo(id)).select("UserId").as(Encoders.STRING()).collectAsList());
      assertThat(messaged).as(name).hasSize(16).doesNotContainAnyElementsOf(IN_CONTROL);
    }
  }

  @Test
  void aPercentOutsideZeroToHundredIsRefused() {
    Cli.Run r = Cli.run("update-application-settings", "--application-id", APP,
        "--write-application-settings-request", "{\"GlobalControlGroupPercent\":101}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: Invalid GlobalControlGroupPercent in "
        + "WriteApplicationSettingsRequest: 101 is not between 0 and 100");
  }
}
