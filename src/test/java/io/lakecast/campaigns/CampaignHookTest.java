package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.HttpsTestServer;
import io.lakecast.testing.HttpsTestServer.Answer;
import io.lakecast.testing.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign {@code Hook} in FILTER mode against a real HTTPS server on 127.0.0.1: endpoints go in batches of at
 * most 50 with Pinpoint's event members; the endpoints the hook returns are sent as returned (changed attributes,
 * BodyOverride), the others are excluded and counted; a hook that times out or answers garbage fails the run after
 * 3 attempts per batch with nothing recorded; a LambdaFunctionName runs at the URL configuration maps it to.
 */
class CampaignHookTest {
  static final String START = "2030-05-01T10:00:00Z";
  @TempDir static Path warehouse;
  @TempDir static Path certs;
  static SparkSession spark;
  static Cli.Audience audience;
  static HttpsTestServer server;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    StringBuilder csv = new StringBuilder("Id,ChannelType,Address,User.UserId,Attributes.Plan\n");
    for (int i = 0; i < 120; i++) {
      csv.append(String.format("e%03d,SMS,+1206555%04d,u%03d,%s%n", i, i, i, i % 2 == 0 ? "gold" : "free"));
    }
    audience = Cli.smsAudience(warehouse, "hooked", csv.toString());
    server = new HttpsTestServer(certs);
    spark.conf().set(LakecastConf.HOOKS_TRUSTED_CERTIFICATES, server.certificate().toString());
    spark.conf().set(LakecastConf.HOOKS_TIMEOUT_SECONDS, "1");
  }

  @AfterAll
  static void tearDown() {
    spark.conf().unset(LakecastConf.HOOKS_TRUSTED_CERTIFICATES);
    spark.conf().unset(LakecastConf.HOOKS_TIMEOUT_SECONDS);
    server.close();
  }

  /** A campaign with that Hook JSON, or none when null. */
  static String campaign(String hook) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"Name\":\"hooked\",\"SegmentId\":\"" + audience.segmentId() + "\","
            + "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"Your plan: {{Attributes.Plan}}\"}},"
            + (hook == null ? "" : "\"Hook\":" + hook + ",")
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok()
        .at("/CampaignResponse/Id").asText();
  }

  /**
   * Keeps the endpoints with an even number; e000 gets a BodyOverride, e002 comes back on the platinum plan.
   */
  static Answer keepEven(String body) {
    try {
      JsonNode event = PinpointJson.mapper().readTree(body);
      ObjectNode out = PinpointJson.mapper().createObjectNode();
      for (Iterator<Map.Entry<String, JsonNode>> it = event.get("Endpoints").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (Integer.parseInt(e.getKey().substring(1)) % 2 == 0) {
          ObjectNode endpoint = (ObjectNode) e.getValue();
          if (e.getKey().equals("e000")) {
            endpoint.put("BodyOverride", "Overridden for e000");
          }
          if (e.getKey().equals("e002")) {
            ((ObjectNode) endpoint.get("Attributes")).putArray("Plan").add("platinum");
          }
          out.set(e.getKey(), endpoint);
        }
      }
      return Answer.ok(out.toString());
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  @Test
  void theHookFiltersAndChangesTheSegmentInBatchesOfAtMost50() throws IOException {
    String url = server.serve("/filter", CampaignHookTest::keepEven);
    spark.conf().set(LakecastConf.HOOKS_PREFIX + "segment-filter.url", url);
    String id;
    JsonNode run;
    try {
      id = campaign("{\"Mode\":\"FILTER\",\"LambdaFunctionName\":\"segment-filter\"}");
      run = audience.runCampaign(id, START);
    } finally {
      spark.conf().unset(LakecastConf.HOOKS_PREFIX + "segment-filter.url");
    }

    List<String> batches = server.received("/filter");
    int endpoints = 0;
    for (String b : batches) {
      JsonNode event = PinpointJson.mapper().readTree(b);
      assertThat(event.get("Endpoints").size()).as("batch size").isBetween(1, 50);
      endpoints += event.get("Endpoints").size();
      assertThat(event.get("ApplicationId").asText()).isEqualTo(audience.appId());
      assertThat(event.get("CampaignId").asText()).isEqualTo(id);
      assertThat(event.get("TreatmentId").asText()).isEqualTo("0");
      assertThat(event.get("ScheduledTime").asText()).isEqualTo(START);
      assertThat(event.get("ActivityId").asText()).isNotEmpty();
      assertThat(event.at("/MessageConfiguration/SMSMessage/Body").asText()).isEqualTo("Your plan: {{Attributes.Plan}}");
    }
    assertThat(endpoints).isEqualTo(120);
    assertThat(batches.size()).isBetween(3, 120);

    assertThat(run.at("/Excluded/ENDPOINT_FILTERED_BY_HOOK").asLong()).isEqualTo(60);
    assertThat(run.at("/Activities/0/ExecutionMetrics/ENDPOINT_FILTERED_BY_HOOK").asText()).isEqualTo("60");
    assertThat(run.get("Sent").asLong()).isEqualTo(60);
    Map<String, String> bodies = outboxBodies(id);
    assertThat(bodies).hasSize(60);
    assertThat(bodies.get("e000")).isEqualTo("Overridden for e000");
    assertThat(bodies.get("e002")).isEqualTo("Your plan: platinum");
    assertThat(bodies.get("e004")).isEqualTo("Your plan: gold");
    assertThat(bodies).doesNotContainKey("e001");
  }

  @Test
  void theApplicationsCampaignHookAppliesToACampaignWithoutItsOwn() {
    String url = server.serve("/app-filter", CampaignHookTest::keepEven);
    Cli.run("update-application-settings", "--application-id", audience.appId(),
        "--write-application-settings-request", "{\"CampaignHook\":{\"Mode\":\"FILTER\",\"WebUrl\":\"" + url
            + "\"}}").ok();
    try {
      JsonNode run = audience.runCampaign(campaign(null), START);
      assertThat(run.at("/Excluded/ENDPOINT_FILTERED_BY_HOOK").asLong()).isEqualTo(60);
      assertThat(server.received("/app-filter")).isNotEmpty();
    } finally {
      Cli.run("update-application-settings", "--application-id", audience.appId(),
          "--write-application-settings-request", "{}").ok();
    }
  }

  @Test
  void aHookThatTimesOutFailsTheRunAfterThreeAttemptsAndRecordsNothing() {
    String url = server.serve("/slow", body -> new Answer(200, "{}", 3_000));
    String id = campaign("{\"Mode\":\"FILTER\",\"WebUrl\":\"" + url + "?token=secret\"}");
    Cli.Run r = Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("InternalServerErrorException: The campaign hook at " + url + " failed for ");
    assertThat(r.err()).contains("no answer within 1 s (3 attempts); nothing of this occurrence was recorded or sent")
        .doesNotContain("secret");
    assertThat(server.received("/slow").size() % 3).as("3 attempts per batch").isEqualTo(0);
    assertThat(ledgerRows(id)).isZero();
  }

  @Test
  void aHookThatAnswersGarbageFailsTheRunAndRecordsNothing() {
    String url = server.serve("/garbage", body -> Answer.ok("<html>oops</html>"));
    String id = campaign("{\"Mode\":\"FILTER\",\"WebUrl\":\"" + url + "\"}");
    Cli.Run r = Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START);
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("failed for 120 endpoint(s): the answer is not JSON (3 attempts)");
    assertThat(server.received("/garbage").size()).as("3 attempts of each batch").isEqualTo(3 * batches("/garbage"));
    assertThat(ledgerRows(id)).isZero();
  }

  @Test
  void aLambdaFunctionNameWithoutAUrlAndHooksThatAreNotFilterOverHttpsAreRefused() {
    String id = campaign("{\"Mode\":\"FILTER\",\"LambdaFunctionName\":\"unmapped\"}");
    Cli.Run r = Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: Campaign hook LambdaFunctionName 'unmapped' has no URL: "
        + "Lakecast runs hooks over HTTPS, so set spark.lakecast.hooks.unmapped.url");

    Cli.Run delivery = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
            + "\"Hook\":{\"Mode\":\"DELIVERY\",\"WebUrl\":\"https://127.0.0.1/x\"},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}");
    assertThat(delivery.err()).startsWith("BadRequestException: Hook.Mode=DELIVERY in WriteCampaignRequest is not "
        + "supported yet by Lakecast");
    Cli.Run http = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
            + "\"Hook\":{\"Mode\":\"FILTER\",\"WebUrl\":\"http://127.0.0.1/x\"},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}");
    assertThat(http.err()).startsWith("BadRequestException: Invalid Hook.WebUrl in WriteCampaignRequest: "
        + "'http://127.0.0.1/x' is not an https:// URL");
  }

  /** How many distinct batches a path saw (requests whose first endpoint differs). */
  static long batches(String path) {
    return server.received(path).stream().map(b -> {
      try {
        return PinpointJson.mapper().readTree(b).get("Endpoints").fieldNames().next();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }).distinct().count();
  }

  static long ledgerRows(String campaignId) {
    Path ledger = warehouse.resolve("send_ledger");
    return Files.exists(ledger) ? spark.read().format("delta").load(ledger.toString())
        .filter(col("CampaignId").equalTo(campaignId)).count() : 0;
  }

  /** The campaign's messages in the outbox: endpoint id → body. */
  static Map<String, String> outboxBodies(String campaignId) throws IOException {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode m : Cli.outbox(warehouse)) {
      if (m.path("CampaignId").asText().equals(campaignId)) {
        out.put(m.get("EndpointId").asText(), m.at("/Message/Body").asText());
      }
    }
    return out;
  }
}
