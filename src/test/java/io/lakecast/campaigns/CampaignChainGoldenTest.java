package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole chain through the CLI on the golden fixture {@code golden/campaigns/ab-holdout}: import (CSV and NDJSON
 * from one folder, one bad row) → segment → A/B campaign with holdout → run → outbox, ledger, events, activities;
 * then a second run that must send nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CampaignChainGoldenTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/campaigns/ab-holdout");
  @TempDir static Path warehouse;
  static SparkSession spark;
  static JsonNode expected;
  static String appId;
  static String campaignId;
  static JsonNode firstRun;

  @BeforeAll
  static void setUp() throws IOException {
    spark = SparkTestSession.withWarehouse(warehouse);
    expected = PinpointJson.mapper().readTree(GOLDEN.resolve("expected.json").toFile());
    appId = Cli.createApp("golden");
  }

  @Test
  @Order(1)
  void importsOnlyTheRequestedFormatFromTheFolderAndRejectsTheBadRow() {
    String folder = GOLDEN.resolve("import").toAbsolutePath().toString();
    JsonNode csv = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + folder + "\",\"Format\":\"CSV\",\"RoleArn\":\"arn:aws:iam::1:role/r\"}").ok()
        .get("ImportJobResponse");
    assertThat(csv.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(csv.get("TotalPieces").asInt()).as("CSV files only").isEqualTo(1);
    assertThat(csv.get("TotalProcessed").asInt()).isEqualTo(27);
    assertThat(csv.get("TotalFailures").asInt()).isZero();

    JsonNode json = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"file://" + folder + "\",\"Format\":\"JSON\",\"RegisterEndpoints\":true}").ok()
        .get("ImportJobResponse");
    assertThat(json.get("TotalPieces").asInt()).as("NDJSON files only").isEqualTo(1);
    assertThat(json.get("TotalProcessed").asInt()).isEqualTo(3);
    assertThat(json.get("TotalFailures").asInt()).isEqualTo(2);
    // e28 is not stored, so the record would create it, and a new endpoint needs an Address.
    assertThat(json.get("Failures").get(0).asText()).isEqualTo("file:" + GOLDEN.resolve("import/updates.ndjson").toAbsolutePath()
        + " line 2: [MISSING_ADDRESS] Address is required for a new endpoint (Id 'e28' is not an endpoint of the "
        + "application)");
    assertThat(json.get("Failures").get(1).asText()).contains("line 3", "INVALID_ADDRESS", "not-an-email");

    JsonNode again = Cli.run("get-import-job", "--application-id", appId, "--job-id", json.get("Id").asText())
        .ok().get("ImportJobResponse");
    assertThat(again.get("TotalFailures").asInt()).isEqualTo(2);
    assertThat(spark.read().format("delta").load(warehouse + "/import_rejects").count()).isEqualTo(2);
    assertThat(spark.read().format("delta").load(warehouse + "/endpoints").count())
        .as("27 from CSV, none new from NDJSON").isEqualTo(27);
    // The endpoint API keeps Pinpoint's looser rule (an app registers its endpoint before it has an address); the
    // campaign below must leave such an endpoint out.
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "e28", "--endpoint-request",
        "{\"ChannelType\":\"EMAIL\",\"Location\":{\"Country\":\"US\"},\"User\":{\"UserId\":\"u17\"}}").ok();

    JsonNode e27 = Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", "e27").ok()
        .get("EndpointResponse");
    assertThat(e27.get("EndpointStatus").asText()).as("updated by the NDJSON").isEqualTo("INACTIVE");
    assertThat(e27.get("Address").asText()).as("kept from the CSV").isEqualTo("u16@example.com");
    assertThat(e27.at("/Attributes/Plan/0").asText()).isEqualTo("Free");
    assertThat(e27.get("CohortId").asInt()).isBetween(0, 99);
  }

  @Test
  @Order(2)
  void runsTheCampaignWithExactGoldenCounts() throws IOException {
    String segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "file://" + GOLDEN.resolve("segment.json")).ok().at("/SegmentResponse/Id").asText();
    String campaign = Files.readString(GOLDEN.resolve("campaign.json")).replace("REPLACE_WITH_SEGMENT_ID", segmentId);
    // The campaign keeps the id the fixture names (create-campaign --campaign-id, as a migrated Pinpoint campaign
    // would), so the arms are golden: written in expected.json, computed outside Lakecast.
    campaignId = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request", campaign,
        "--campaign-id", expected.get("CampaignId").asText()).ok().at("/CampaignResponse/Id").asText();
    assertThat(campaignId).isEqualTo(expected.get("CampaignId").asText());

    firstRun = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", campaignId).ok()
        .get("CampaignRunResponse");
    assertThat(firstRun.get("Due").asBoolean()).isTrue();
    assertThat(firstRun.get("SegmentSize").asLong()).as("segment size").isEqualTo(expected.get("SegmentSize").asLong());
    assertThat(firstRun.get("Excluded")).as("excluded before assignment").isEqualTo(expected.get("Excluded"));
    assertThat(firstRun.get("Holdout").asLong()).as("holdout").isEqualTo(expected.get("Holdout").asLong());
    assertThat(firstRun.get("TreatmentEndpointCounts")).as("endpoints per treatment")
        .isEqualTo(expected.get("TreatmentEndpointCounts"));
    long treated = 0;
    for (JsonNode n : firstRun.get("TreatmentEndpointCounts")) {
      treated += n.asLong();
    }
    assertThat(firstRun.get("Sent").asLong()).as("every treated endpoint sent").isEqualTo(treated);
    assertThat(firstRun.get("Failed").asLong()).isZero();
    assertThat(treated + firstRun.get("Holdout").asLong()).as("eligible = 10 users x 2 endpoints").isEqualTo(20);
  }

  @Test
  @Order(3)
  void everyUserSitsInOneArmAndTheOutboxHoldsEachMessageOnce() throws IOException {
    List<Row> ledger = spark.read().format("delta").load(warehouse + "/send_ledger").collectAsList();
    assertThat(ledger).hasSize(20);
    Map<String, Set<String>> armsPerUser = new HashMap<>();
    for (Row r : ledger) {
      armsPerUser.computeIfAbsent(r.getAs("UserId"), k -> new HashSet<>())
          .add(r.getAs("Arm") + "/" + r.getAs("TreatmentId"));
    }
    assertThat(armsPerUser.values()).allSatisfy(arms -> assertThat(arms).hasSize(1));
    expected.get("ArmOfUser").fields().forEachRemaining(e -> assertThat(armsPerUser.get(e.getKey()))
        .as("arm of " + e.getKey())
        .containsExactly(e.getValue().asText().equals("HOLDOUT") ? "HOLDOUT/null" : "TREATMENT/" + e.getValue().asText()));
    assertThat(ledger.stream().filter(r -> "SENT".equals(r.getAs("Status"))).count())
        .isEqualTo(firstRun.get("Sent").asLong());
    assertThat(ledger.stream().filter(r -> "HOLDOUT".equals(r.getAs("Status"))).count())
        .isEqualTo(firstRun.get("Holdout").asLong());

    List<String> lines = outboxLines();
    assertThat(lines).hasSize((int) firstRun.get("Sent").asLong());
    Set<String> ids = new HashSet<>();
    for (String line : lines) {
      JsonNode m = PinpointJson.mapper().readTree(line);
      ids.add(m.get("MessageId").asText());
      String channel = m.get("ChannelType").asText();
      String treatment = m.get("TreatmentId").asText();
      if (channel.equals("EMAIL")) {
        assertThat(m.at("/Message/Title").asText())
            .isEqualTo(treatment.equals("1") ? "Winter sale: free shipping on everything"
                : "Winter sale: 20% off everything");
      } else {
        assertThat(channel).isEqualTo("SMS");
        assertThat(m.at("/Message/Body").asText()).startsWith("Winter sale");
      }
    }
    assertThat(ids).as("distinct message ids").hasSize(lines.size());
  }

  @Test
  @Order(4)
  void campaignSendEventsLandInTheParquetEventStore() {
    var events = spark.read().parquet(warehouse + "/events");
    assertThat(events.count()).isEqualTo(20);
    assertThat(events.filter(col("attributes").getItem("campaign_send_status").equalTo("SUCCESS")).count())
        .isEqualTo(firstRun.get("Sent").asLong());
    assertThat(events.filter(col("attributes").getItem("campaign_send_status").equalTo("HOLDOUT")).count())
        .isEqualTo(firstRun.get("Holdout").asLong());
    Row one = events.filter(col("client.client_id").equalTo("e01")).first();
    assertThat(one.<String>getAs("event_type")).isEqualTo("_campaign.send");
    assertThat(one.<String>getAs("app_id")).isEqualTo(appId);
    assertThat(one.<Row>getAs("application").<String>getAs("app_id")).isEqualTo(appId);
    assertThat(one.<scala.collection.Map<String, String>>getAs("attributes").get("campaign_id").get())
        .isEqualTo(campaignId);
    assertThat(one.<Row>getAs("client_context").<scala.collection.Map<String, String>>getAs("custom")
        .get("endpoint").get()).contains("\"ChannelType\":\"EMAIL\"", "\"UserId\":\"u01\"");
  }

  @Test
  @Order(5)
  void secondRunOfTheSameActivitySendsNothing() throws IOException {
    JsonNode second = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", campaignId).ok()
        .get("CampaignRunResponse");
    assertThat(second.get("Due").asBoolean()).as("its one occurrence completed").isFalse();
    assertThat(second.has("NextScheduledStart")).as("a ONCE schedule has no next").isFalse();
    assertThat(outboxLines()).hasSize((int) firstRun.get("Sent").asLong());
    assertThat(spark.read().parquet(warehouse + "/events").count()).as("no new events").isEqualTo(20);
    assertThat(spark.read().format("delta").load(warehouse + "/send_ledger").count()).isEqualTo(20);
  }

  @Test
  @Order(6)
  void activitiesAndCampaignStateReportTheRun() {
    JsonNode items = Cli.run("get-campaign-activities", "--application-id", appId, "--campaign-id", campaignId)
        .ok().at("/ActivitiesResponse/Item");
    assertThat(items).hasSize(2);
    long total = 0;
    for (JsonNode a : items) {
      assertThat(a.get("State").asText()).isEqualTo("COMPLETED");
      assertThat(a.get("Result").asText()).isEqualTo("SUCCESS");
      assertThat(a.get("SuccessfulEndpointCount").asLong()).isEqualTo(a.get("TotalEndpointCount").asLong());
      assertThat(a.at("/ExecutionMetrics/TREATMENT_HOLDOUT").asText())
          .isEqualTo(firstRun.get("Holdout").asText());
      total += a.get("TotalEndpointCount").asLong();
    }
    assertThat(total).isEqualTo(firstRun.get("Sent").asLong());
    assertThat(Cli.run("get-campaign", "--application-id", appId, "--campaign-id", campaignId).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("COMPLETED");
  }

  @Test
  @Order(7)
  void aCampaignScheduledLaterIsNotDueBeforeItsStart() throws IOException {
    String segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "file://" + GOLDEN.resolve("segment.json")).ok().at("/SegmentResponse/Id").asText();
    String campaign = Files.readString(GOLDEN.resolve("campaign.json"))
        .replace("REPLACE_WITH_SEGMENT_ID", segmentId).replace("\"IMMEDIATE\"", "\"2030-01-01T00:00:00Z\"");
    String later = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request", campaign)
        .ok().at("/CampaignResponse/Id").asText();
    JsonNode early = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", later,
        "--at", "2029-12-31T23:59:59Z").ok().get("CampaignRunResponse");
    assertThat(early.get("Due").asBoolean()).isFalse();
    assertThat(early.get("NextScheduledStart").asText()).isEqualTo("2030-01-01T00:00:00Z");
    JsonNode due = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", later,
        "--at", "2030-01-01T00:00:00Z").ok().get("CampaignRunResponse");
    assertThat(due.get("Due").asBoolean()).isTrue();
    assertThat(due.get("Holdout").asLong() + due.get("Sent").asLong()).isEqualTo(20);
  }

  @Test
  @Order(8)
  void everyCommandLeftAnAuditRecordWithMaskedParameters() {
    List<Row> audit = spark.read().format("delta").load(warehouse + "/audit").collectAsList();
    assertThat(audit.size()).isGreaterThanOrEqualTo(15);
    assertThat(audit).allSatisfy(r -> assertThat(r.<String>getAs("requestParameters")).doesNotContain(appId));
    assertThat(audit.stream().map(r -> r.<String>getAs("eventName")))
        .contains("create-app", "create-import-job", "run-campaign", "get-campaign-activities");
  }

  private static List<String> outboxLines() throws IOException {
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(warehouse.resolve("outbox"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    return lines;
  }
}
