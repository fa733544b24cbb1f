package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign's life through the CLI: update-campaign writes a new version and keeps the occurrences already run;
 * get-campaign-version(s) and get-campaigns list what is stored; delete-campaign removes the campaign and keeps its
 * ledger; a campaign whose segment was deleted is DELETED and its runs say why.
 */
class CampaignLifecycleTest {
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;
  static String segmentId;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    Cli.Audience audience = Cli.smsAudience(warehouse, "lifecycle", """
        Id,ChannelType,Address,User.UserId
        s1,SMS,+12065550101,u1
        s2,SMS,+12065550102,u2
        """);
    appId = audience.appId();
    segmentId = audience.segmentId();
  }

  static String segment(String name) {
    return Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Name\":\"" + name + "\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"SMS\"]}}}}").ok()
        .at("/SegmentResponse/Id").asText();
  }

  static String request(String segment, String name, String body) {
    return "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + segment + "\",\"MessageConfiguration\":{\"SMSMessage\":"
        + "{\"Body\":\"" + body + "\"}},\"Schedule\":{\"StartTime\":\"2030-05-01T09:00:00Z\",\"Frequency\":\"DAILY\"}}";
  }

  @Test
  void anUpdateWritesANewVersionAndKeepsTheOccurrencesAlreadyRun() {
    String id = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        request(segmentId, "spring", "v1")).ok().at("/CampaignResponse/Id").asText();
    Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", "2030-05-02T10:00:00Z").ok();

    JsonNode updated = Cli.run("update-campaign", "--application-id", appId, "--campaign-id", id,
        "--write-campaign-request", request(segmentId, "spring sale", "v2")).ok().get("CampaignResponse");
    assertThat(updated.get("Version").asInt()).isEqualTo(2);
    assertThat(updated.get("Name").asText()).isEqualTo("spring sale");
    assertThat(updated.at("/State/CampaignStatus").asText()).isEqualTo("PENDING_NEXT_RUN");

    JsonNode next = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at",
        "2030-05-03T10:00:00Z").ok().get("CampaignRunResponse");
    assertThat(next.get("Runs")).as("days 1 and 2 ran under version 1").hasSize(1);
    assertThat(next.get("ScheduledStart").asText()).isEqualTo("2030-05-03T09:00:00Z");
    List<String> bodies = new ArrayList<>();
    try (var files = Files.walk(warehouse.resolve("outbox"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
        for (String line : Files.readAllLines(f)) {
          JsonNode m = io.lakecast.model.PinpointJson.mapper().readTree(line);
          if (m.path("CampaignId").asText().equals(id)) {
            bodies.add(m.at("/Message/Body").asText());
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    assertThat(bodies).containsExactlyInAnyOrder("v1", "v1", "v1", "v1", "v2", "v2");

    JsonNode versions = Cli.run("get-campaign-versions", "--application-id", appId, "--campaign-id", id).ok()
        .at("/CampaignsResponse/Item");
    List<String> names = new ArrayList<>();
    versions.forEach(v -> names.add(v.get("Version").asInt() + " " + v.get("Name").asText()));
    assertThat(names).containsExactly("1 spring", "2 spring sale");
    assertThat(Cli.run("get-campaign-version", "--application-id", appId, "--campaign-id", id, "--version", "1")
        .ok().at("/CampaignResponse/MessageConfiguration/SMSMessage/Body").asText()).isEqualTo("v1");
    Cli.Run missing = Cli.run("get-campaign-version", "--application-id", appId, "--campaign-id", id,
        "--version", "3");
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).startsWith("NotFoundException: ");
  }

  @Test
  void deletingACampaignRemovesItsVersionsAndKeepsItsLedger() {
    String id = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        request(segmentId, "to delete", "bye")).ok().at("/CampaignResponse/Id").asText();
    Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", "2030-05-01T10:00:00Z").ok();
    List<String> listed = new ArrayList<>();
    Cli.run("get-campaigns", "--application-id", appId).ok().at("/CampaignsResponse/Item")
        .forEach(c -> listed.add(c.get("Id").asText()));
    assertThat(listed).contains(id);

    JsonNode deleted = Cli.run("delete-campaign", "--application-id", appId, "--campaign-id", id).ok()
        .get("CampaignResponse");
    assertThat(deleted.get("Name").asText()).isEqualTo("to delete");
    Cli.Run gone = Cli.run("get-campaign", "--application-id", appId, "--campaign-id", id);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).startsWith("NotFoundException: ");
    List<String> after = new ArrayList<>();
    Cli.run("get-campaigns", "--application-id", appId).ok().at("/CampaignsResponse/Item")
        .forEach(c -> after.add(c.get("Id").asText()));
    assertThat(after).doesNotContain(id);
    assertThat(spark.read().format("delta").load(warehouse + "/send_ledger").filter(col("CampaignId").equalTo(id))
        .count()).as("the ledger keeps what was sent").isEqualTo(2);
  }

  @Test
  void aCampaignWhoseSegmentWasDeletedIsDeletedAndItsRunsSayWhy() {
    String doomed = segment("doomed");
    String id = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        request(doomed, "orphan", "x")).ok().at("/CampaignResponse/Id").asText();
    Cli.run("delete-segment", "--application-id", appId, "--segment-id", doomed).ok();

    assertThat(Cli.run("get-campaign", "--application-id", appId, "--campaign-id", id).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText()).isEqualTo("DELETED");
    JsonNode run = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at",
        "2030-05-02T10:00:00Z").ok().get("CampaignRunResponse");
    assertThat(run.get("Due").asBoolean()).isFalse();
    assertThat(run.get("CampaignStatus").asText()).isEqualTo("DELETED");
    assertThat(run.get("Reason").asText())
        .isEqualTo("its segment " + doomed + " was deleted; the campaign's status is DELETED");
  }
}
