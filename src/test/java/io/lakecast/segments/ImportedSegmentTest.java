package io.lakecast.segments;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** DefineSegment: imports that create and update IMPORT segments, from endpoint files and user-ID-only files. */
class ImportedSegmentTest {
  @TempDir static Path warehouse;
  @TempDir static Path files;
  static String appId;

  @BeforeAll
  static void audience() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("imported");
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"src/test/resources/golden/segments/lifecycle/endpoints.ndjson\",\"Format\":\"JSON\"}").ok();
  }

  static JsonNode importFile(String name, String content, String request) throws Exception {
    Path f = files.resolve(name);
    Files.writeString(f, content);
    return Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + f + "\"," + request + "}").ok().get("ImportJobResponse");
  }

  static long size(String segmentId) {
    return Cli.run("evaluate-segment", "--application-id", appId, "--segment-id", segmentId).ok()
        .at("/SegmentEvaluationResponse/Size").asLong();
  }

  @Test
  void anEndpointFileDefinesASegmentOfExactlyItsEndpoints() throws Exception {
    JsonNode job = importFile("vip.csv", "ChannelType,Address,User.UserId\nEMAIL,vip1@example.com,v1\n"
        + "SMS,+12065550777,v1\n", "\"Format\":\"CSV\",\"DefineSegment\":true,\"SegmentName\":\"VIPs\"");
    String segmentId = job.at("/Definition/SegmentId").asText();
    assertThat(segmentId).isNotBlank();
    JsonNode segment = Cli.run("get-segment", "--application-id", appId, "--segment-id", segmentId).ok()
        .get("SegmentResponse");
    assertThat(segment.get("SegmentType").asText()).isEqualTo("IMPORT");
    assertThat(segment.get("Name").asText()).isEqualTo("VIPs");
    assertThat(segment.at("/ImportDefinition/Size").asInt()).isEqualTo(2);
    assertThat(segment.at("/ImportDefinition/ChannelCounts/EMAIL").asInt()).isEqualTo(1);
    assertThat(segment.at("/ImportDefinition/ChannelCounts/SMS").asInt()).isEqualTo(1);
    assertThat(segment.at("/ImportDefinition/Format").asText()).isEqualTo("CSV");
    assertThat(size(segmentId)).as("members, not the whole app").isEqualTo(2);

    JsonNode again = importFile("vip2.csv", "ChannelType,Address\nEMAIL,vip2@example.com\n",
        "\"Format\":\"CSV\",\"DefineSegment\":true,\"SegmentId\":\"" + segmentId + "\"");
    assertThat(again.at("/Definition/SegmentId").asText()).isEqualTo(segmentId);
    assertThat(Cli.run("get-segment", "--application-id", appId, "--segment-id", segmentId).ok()
        .at("/SegmentResponse/Version").asInt()).isEqualTo(2);
    assertThat(size(segmentId)).as("version 2 holds the second file's endpoints").isEqualTo(1);
  }

  @Test
  void aUserIdOnlyFileDefinesASegmentOfAllTheirEndpoints() throws Exception {
    JsonNode job = importFile("users.csv", "User.UserId\nu1\nu2\nnobody\n",
        "\"Format\":\"CSV\",\"DefineSegment\":true,\"SegmentName\":\"by user\"");
    assertThat(job.get("TotalFailures").asInt()).isZero();
    String segmentId = job.at("/Definition/SegmentId").asText();
    assertThat(size(segmentId)).as("u1's and u2's endpoints").isEqualTo(2);
    String campaign = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\",\"Schedule\":{\"StartTime\":\"IMMEDIATE\"},"
            + "\"MessageConfiguration\":{\"DefaultMessage\":{\"Body\":\"hi\"}}}").ok().at("/CampaignResponse/Id")
        .asText();
    assertThat(Cli.run("run-campaign", "--application-id", appId, "--campaign-id", campaign).ok()
        .at("/CampaignRunResponse/SegmentSize").asLong()).isEqualTo(2);
  }

  @Test
  void withoutDefineSegmentUserOnlyRecordsAreRejected() throws Exception {
    JsonNode job = importFile("users-only.csv", "User.UserId\nu1\n", "\"Format\":\"CSV\"");
    assertThat(job.get("TotalFailures").asInt()).isEqualTo(1);
    assertThat(job.get("Failures").get(0).asText()).contains("MISSING_CHANNEL_TYPE", "DefineSegment");
  }
}
