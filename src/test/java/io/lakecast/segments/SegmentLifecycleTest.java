package io.lakecast.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments through the CLI: versions, listing, deletion, evaluate-segment with output, recency from the event
 * store with the EffectiveDate fallback, and imported segments as group sources.
 */
class SegmentLifecycleTest {
  static final String US = "{\"Name\":\"us\",\"Dimensions\":{\"Location\":{\"Country\":{\"Values\":[\"US\"]}}}}";
  static final String CA = "{\"Dimensions\":{\"Location\":{\"Country\":{\"Values\":[\"CA\"]}}}}";
  @TempDir static Path warehouse;
  @TempDir static Path out;
  static SparkSession spark;
  static String appId;

  @BeforeAll
  static void endpoints() {
    spark = SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("segments");
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"src/test/resources/golden/segments/lifecycle/endpoints.ndjson\",\"Format\":\"JSON\"}").ok();
  }

  static JsonNode evaluate(String segmentId, String... extra) {
    List<String> args = new ArrayList<>(List.of("evaluate-segment", "--application-id", appId, "--segment-id",
        segmentId));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new)).ok().get("SegmentEvaluationResponse");
  }

  @Test
  void updatesMakeNewVersionsAndOldVersionsStayEvaluable() {
    JsonNode v1 = Cli.run("create-segment", "--application-id", appId, "--write-segment-request", US).ok()
        .get("SegmentResponse");
    String id = v1.get("Id").asText();
    assertThat(v1.get("Version").asInt()).isEqualTo(1);
    assertThat(v1.get("SegmentType").asText()).isEqualTo("DIMENSIONAL");
    assertThat(v1.get("Arn").asText()).endsWith("apps/" + appId + "/segments/" + id);

    JsonNode v2 = Cli.run("update-segment", "--application-id", appId, "--segment-id", id,
        "--write-segment-request", CA).ok().get("SegmentResponse");
    assertThat(v2.get("Version").asInt()).isEqualTo(2);
    assertThat(v2.get("Name").asText()).as("kept from v1").isEqualTo("us");
    assertThat(v2.get("CreationDate").asText()).isEqualTo(v1.get("CreationDate").asText());

    assertThat(Cli.run("get-segment", "--application-id", appId, "--segment-id", id).ok()
        .at("/SegmentResponse/Version").asInt()).isEqualTo(2);
    assertThat(Cli.run("get-segment-version", "--application-id", appId, "--segment-id", id, "--version", "1").ok()
        .at("/SegmentResponse/Dimensions/Location/Country/Values/0").asText()).isEqualTo("US");
    assertThat(Cli.run("get-segment-versions", "--application-id", appId, "--segment-id", id).ok()
        .at("/SegmentsResponse/Item")).hasSize(2);
    assertThat(Cli.run("get-segments", "--application-id", appId).ok().at("/SegmentsResponse/Item"))
        .anySatisfy(s -> {
          assertThat(s.get("Id").asText()).isEqualTo(id);
          assertThat(s.get("Version").asInt()).isEqualTo(2);
        });

    JsonNode latest = evaluate(id);
    assertThat(latest.get("Size").asLong()).isEqualTo(2);
    assertThat(latest.at("/ChannelCounts/EMAIL").asLong()).isEqualTo(1);
    assertThat(latest.at("/ChannelCounts/GCM").asLong()).isEqualTo(1);
    assertThat(evaluate(id, "--segment-version", "1").get("Size").asLong()).isEqualTo(2);
    assertThat(evaluate(id, "--segment-version", "1").at("/ChannelCounts/SMS").asLong()).isEqualTo(1);

    JsonNode deleted = Cli.run("delete-segment", "--application-id", appId, "--segment-id", id).ok()
        .get("SegmentResponse");
    assertThat(deleted.get("Version").asInt()).isEqualTo(2);
    Run gone = Cli.run("get-segment", "--application-id", appId, "--segment-id", id);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).contains("NotFoundException", id);
  }

  @Test
  void aCampaignNamingASegmentVersionUsesExactlyThatVersion() {
    String id = Cli.run("create-segment", "--application-id", appId, "--write-segment-request", US).ok()
        .at("/SegmentResponse/Id").asText();
    Cli.run("update-segment", "--application-id", appId, "--segment-id", id, "--write-segment-request", CA).ok();
    String campaign = "{\"SegmentId\":\"" + id + "\",\"SegmentVersion\":1,\"Schedule\":{\"StartTime\":\"IMMEDIATE\"},"
        + "\"MessageConfiguration\":{\"DefaultMessage\":{\"Body\":\"hello\"}}}";
    String campaignId = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request", campaign)
        .ok().at("/CampaignResponse/Id").asText();
    JsonNode run = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", campaignId).ok()
        .get("CampaignRunResponse");
    assertThat(run.get("SegmentSize").asLong()).as("version 1: the two US endpoints").isEqualTo(2);
    assertThat(run.get("Sent").asLong()).isEqualTo(2);
  }

  @Test
  void evaluateWritesMembersAsNdjsonOrDelta() throws Exception {
    String id = Cli.run("create-segment", "--application-id", appId, "--write-segment-request", US).ok()
        .at("/SegmentResponse/Id").asText();
    Path json = out.resolve("members.ndjson");
    JsonNode r = evaluate(id, "--output", json.toString());
    assertThat(r.get("Size").asLong()).isEqualTo(2);
    List<String> lines = new ArrayList<>();
    try (Stream<Path> files = Files.walk(json)) {
      for (Path f : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(f));
      }
    }
    assertThat(lines).hasSize(2).anySatisfy(l -> assertThat(l).contains("\"EndpointId\":\"s1\"", "\"UserId\":\"u1\""));

    Path delta = out.resolve("members-delta");
    evaluate(id, "--output", delta.toString());
    assertThat(spark.read().format("delta").load(delta.toString()).count()).isEqualTo(2);
  }

  @Test
  void recencyReadsTheLatestAppEventElseTheEffectiveDate() {
    Warehouse w = Warehouse.of(spark);
    // s3 had a session on 2026-06-12, after its EffectiveDate; s4's only event is a campaign send, which is not
    // activity; s5 has an event after the as-of instant, which does not count either.
    List<Row> events = List.of(
        event("_session.start", "s3", "2026-06-12T08:00:00Z"),
        event("_campaign.send", "s4", "2026-06-14T08:00:00Z"),
        event("_session.start", "s5", "2026-06-16T08:00:00Z"));
    w.append(Table.EVENTS, spark.createDataFrame(events, Table.EVENTS.schema()));
    String active = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Dimensions\":{\"Behavior\":{\"Recency\":{\"Duration\":\"DAY_7\",\"RecencyType\":\"ACTIVE\"}}}}").ok()
        .at("/SegmentResponse/Id").asText();
    Path members = out.resolve("active.ndjson");
    JsonNode r = evaluate(active, "--as-of", "2026-06-15T12:00:00Z", "--output", members.toString());
    // Active within (2026-06-08T12:00Z, 2026-06-15T12:00Z]: s2 (EffectiveDate 06-14), s3 (session 06-12),
    // s5 (EffectiveDate 06-10; its later event is after the as-of instant).
    assertThat(spark.read().json(members.toString()).select("EndpointId").orderBy("EndpointId")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("s2", "s3", "s5");
    assertThat(r.get("Size").asLong()).isEqualTo(3);
  }

  @Test
  void importedSegmentsServeAsGroupSources() {
    Warehouse w = Warehouse.of(spark);
    w.append(Table.SEGMENTS, spark.createDataFrame(List.of(RowFactory.create(appId, "imported-1", 1, "vip",
        "IMPORT", "{}", null, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")), Table.SEGMENTS.schema()));
    w.append(Table.SEGMENT_MEMBERS, spark.createDataFrame(List.of(
        RowFactory.create(appId, "imported-1", 1, "s1"), RowFactory.create(appId, "imported-1", 1, "s4")),
        Table.SEGMENT_MEMBERS.schema()));
    String group = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"SegmentGroups\":{\"Include\":\"ANY\",\"Groups\":[{\"SourceSegments\":[{\"Id\":\"imported-1\"}],"
            + "\"Dimensions\":[{\"Demographic\":{\"Channel\":{\"Values\":[\"EMAIL\"]}}}]},"
            + "{\"Dimensions\":[{\"Location\":{\"Country\":{\"Values\":[\"GB\"]}}}]}]}}").ok()
        .at("/SegmentResponse/Id").asText();
    Path members = out.resolve("group.ndjson");
    evaluate(group, "--output", members.toString());
    assertThat(spark.read().json(members.toString()).select("EndpointId").orderBy("EndpointId")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("s1", "s5");
  }

  @Test
  void definitionsThatCannotBeEvaluatedAreRefusedNamingTheMember() {
    Run both = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Dimensions\":{},\"SegmentGroups\":{\"Groups\":[]}}");
    assertThat(both.exitCode()).isEqualTo(2);
    assertThat(both.err()).contains("Dimensions/SegmentGroups", "not both");
    Run badDate = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Dimensions\":{\"Attributes\":{\"Signup\":{\"AttributeType\":\"BEFORE\",\"Values\":[\"yesterday\"]}}}}");
    assertThat(badDate.exitCode()).isEqualTo(2);
    assertThat(badDate.err()).contains("Dimensions.Attributes.Signup.Values", "'yesterday'", "ISO-8601");
    Run missingSource = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"SegmentGroups\":{\"Groups\":[{\"SourceSegments\":[{\"Id\":\"nope\"}]}]}}");
    assertThat(missingSource.exitCode()).isEqualTo(1);
    assertThat(missingSource.err()).contains("'nope'");
  }

  static Row event(String type, String endpointId, String at) {
    long ms = Instant.parse(at).toEpochMilli();
    return RowFactory.create(type, ms, ms, "3.0", RowFactory.create("app", Map.of()),
        RowFactory.create(endpointId, null), RowFactory.create(Map.of()), Map.of(), Map.of(),
        RowFactory.create(Map.of()), "000000000000", null, RowFactory.create((Double) null), Map.of(), Map.of(), type + ":" + endpointId, appId,
        at.substring(0, 10));
  }
}
