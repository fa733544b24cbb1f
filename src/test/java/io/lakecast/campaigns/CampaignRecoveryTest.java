package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign run re-run after a crash completes what the crash left undone, from what the tables hold: the events of
 * outcomes already recorded, and the statuses of messages already in the outbox, each once. The crash states are
 * made by removing what the missing steps would have written (the kill-and-rerun suite kills a real process).
 */
class CampaignRecoveryTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden/campaigns/ab-holdout");
  @TempDir Path warehouse;
  SparkSession spark;
  String appId;
  String campaignId;

  @BeforeEach
  void runOnce() throws IOException {
    spark = SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("recovery");
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + GOLDEN.resolve("import").toAbsolutePath() + "\",\"Format\":\"CSV\"}").ok();
    String segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "file://" + GOLDEN.resolve("segment.json").toAbsolutePath()).ok().at("/SegmentResponse/Id").asText();
    String campaign = Files.readString(GOLDEN.resolve("campaign.json")).replace("REPLACE_WITH_SEGMENT_ID", segmentId);
    campaignId = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request", campaign).ok()
        .at("/CampaignResponse/Id").asText();
    JsonNode first = run();
    assertThat(first.get("Sent").asLong() + first.get("Holdout").asLong()).as("eligible endpoints").isEqualTo(21);
  }

  private JsonNode run() {
    return Cli.run("run-campaign", "--application-id", appId, "--campaign-id", campaignId).ok()
        .get("CampaignRunResponse");
  }

  private Dataset<Row> ledger() {
    return spark.read().format("delta").load(warehouse.resolve("send_ledger").toString());
  }

  private List<String> eventIds() {
    return spark.read().parquet(warehouse.resolve("events").toString()).select("event_id").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  private List<String> outboxMessageIds() throws IOException {
    List<String> ids = new ArrayList<>();
    try (Stream<Path> files = Files.walk(warehouse.resolve("outbox"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
        for (String line : Files.readAllLines(f)) {
          ids.add(PinpointJson.mapper().readTree(line).get("MessageId").asText());
        }
      }
    }
    return ids;
  }

  /** A run that died before its last step records no activities: this occurrence has not completed. */
  private void forgetActivities() {
    DeltaTable.forPath(spark, warehouse.resolve("activities").toString()).delete(col("CampaignId").equalTo(campaignId));
  }

  private void deleteEvents() throws IOException {
    try (Stream<Path> files = Files.walk(warehouse.resolve("events"))) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void diedAfterTheStatusesBeforeTheEvents() throws IOException {
    List<String> outboxBefore = outboxMessageIds();
    deleteEvents();
    forgetActivities();

    JsonNode rerun = run();
    assertThat(rerun.get("Sent").asLong()).as("sent by the re-run").isZero();
    List<String> events = eventIds();
    assertThat(events).as("one event per ledger row").hasSize(21).doesNotHaveDuplicates();
    assertThat(events).containsExactlyInAnyOrderElementsOf(
        ledger().select("MessageId").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    assertThat(outboxMessageIds()).as("outbox untouched").containsExactlyInAnyOrderElementsOf(outboxBefore);

    run();
    assertThat(eventIds()).as("a further re-run writes no event").hasSize(21);
  }

  @Test
  void diedAfterTheOutboxBeforeTheStatuses() throws IOException {
    List<String> outboxBefore = outboxMessageIds();
    long sent = ledger().filter(col("Status").equalTo("SENT")).count();
    DeltaTable.forPath(spark, warehouse.resolve("send_ledger").toString())
        .update(col("Status").equalTo("SENT"), Map.of("Status", lit("PENDING"), "Attempts", lit(0)));
    deleteEvents();
    forgetActivities();

    JsonNode rerun = run();
    assertThat(rerun.get("Sent").asLong()).as("recorded SENT from the outbox").isEqualTo(sent);
    assertThat(outboxMessageIds()).as("no message written to the outbox twice")
        .containsExactlyInAnyOrderElementsOf(outboxBefore).doesNotHaveDuplicates();
    assertThat(ledger().filter(col("Status").equalTo("SENT")).count()).as("SENT in the ledger").isEqualTo(sent);
    assertThat(ledger().filter(col("Status").equalTo("PENDING")).count()).as("PENDING left").isZero();
    assertThat(eventIds()).as("one event per ledger row").hasSize(21).doesNotHaveDuplicates();
    JsonNode activities = Cli.run("get-campaign-activities", "--application-id", appId, "--campaign-id", campaignId)
        .ok().at("/ActivitiesResponse/Item");
    long successful = 0;
    for (JsonNode a : activities) {
      successful += a.get("SuccessfulEndpointCount").asLong();
    }
    assertThat(successful).as("activities count the recovered sends").isEqualTo(sent);
  }
}
