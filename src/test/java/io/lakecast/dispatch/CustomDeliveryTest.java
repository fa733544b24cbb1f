package io.lakecast.dispatch;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Credentials;
import io.lakecast.testing.Secrets;
import io.lakecast.testing.HttpsTestServer;
import io.lakecast.testing.HttpsTestServer.Answer;
import io.lakecast.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUSTOM channel: a campaign's {@code CustomMessage} goes to its {@code CustomDeliveryConfiguration.DeliveryUri}
 * (a real HTTPS server on 127.0.0.1) for the endpoints of its {@code EndpointTypes}, at most 50 per call with
 * Pinpoint's payload, signed with HMAC-SHA256 and keyed by the batch's message ids; failing services are retried or
 * refused as their answer says; a host outside the allowed ones is never called; without a configured sender the
 * messages go to the outbox.
 */
class CustomDeliveryTest {
  static final String START = "2030-07-01T10:00:00Z";
  static final String SECRET = "planted-Signing-Key-31d9";

  @TempDir static Path warehouse;
  @TempDir static Path certs;
  @TempDir static Path credentials;
  static SparkSession spark;
  static HttpsTestServer server;
  static String appId;
  static String segmentId;
  static String provider;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    server = new HttpsTestServer(certs);
    appId = Cli.createApp("custom");
    StringBuilder csv = new StringBuilder("Id,ChannelType,Address\n");
    for (int i = 0; i < 55; i++) {
      csv.append(String.format("s%02d,SMS,+1206555%04d%n", i, i));
    }
    for (int i = 0; i < 5; i++) {
      csv.append(String.format("m%d,EMAIL,m%d@example.com%n", i, i));
    }
    csv.append("g0,GCM,device-token-0\n");
    Path source = Files.createDirectories(warehouse.resolve("custom-source"));
    Files.writeString(source.resolve("endpoints.csv"), csv.toString());
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + source + "\",\"Format\":\"CSV\"}").ok();
    segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Name\":\"all\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"SMS\",\"EMAIL\",\"GCM\"]}}}}")
        .ok().at("/SegmentResponse/Id").asText();
    provider = Credentials.keystore(credentials, "custom.jceks", CustomDeliverySender.SECRET_ALIAS, SECRET);
  }

  @AfterAll
  static void tearDown() {
    server.close();
  }

  @BeforeEach
  void configure() {
    spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "CUSTOM", "webhook");
    spark.conf().set(LakecastConf.CUSTOM_ALLOWED_HOSTS, "127.0.0.1");
    spark.conf().set(LakecastConf.CUSTOM_TRUSTED_CERTIFICATES, server.certificate().toString());
    spark.conf().set(LakecastConf.CUSTOM_TIMEOUT_SECONDS, "2");
    // One partition: the batches are then exactly 50 and 10.
    spark.conf().set(LakecastConf.DISPATCH_PARTITIONS, "1");
  }

  @AfterEach
  void unconfigure() {
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "CUSTOM", LakecastConf.CUSTOM_ALLOWED_HOSTS,
        LakecastConf.CUSTOM_TRUSTED_CERTIFICATES, LakecastConf.CUSTOM_TIMEOUT_SECONDS,
        LakecastConf.DISPATCH_PARTITIONS)) {
      spark.conf().unset(k);
    }
  }

  /** A campaign of a custom message to {@code uri} for SMS and EMAIL endpoints. */
  static String campaign(String name, String uri) {
    return Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + segmentId + "\","
            + "\"CustomDeliveryConfiguration\":{\"DeliveryUri\":\"" + uri + "\",\"EndpointTypes\":[\"SMS\",\"EMAIL\"]},"
            + "\"MessageConfiguration\":{\"CustomMessage\":{\"Data\":\"{\\\"offer\\\":\\\"winter\\\"}\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok().at("/CampaignResponse/Id").asText();
  }

  static JsonNode run(String campaignId) {
    return new Cli.Audience(appId, segmentId).runCampaign(campaignId, START);
  }

  static Map<String, String> ledger(String campaignId) {
    return Cli.ledger(warehouse, campaignId);
  }

  static Map<String, String> messageIds(String campaignId) {
    Map<String, String> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(warehouse.resolve("send_ledger").toString())
        .filter(col("CampaignId").equalTo(campaignId)).collectAsList()) {
      out.put(r.getAs("EndpointId"), r.getAs("MessageId"));
    }
    return out;
  }

  static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void customMessagesGoToTheServiceInSignedBatchesOfAtMost50() throws Exception {
    String url = server.serve("/deliver", body -> Answer.ok("{}"));
    String id = campaign("webhook", url);
    JsonNode run = run(id);

    List<String> bodies = server.received("/deliver");
    List<Map<String, String>> headers = server.headers("/deliver");
    assertThat(bodies).hasSize(2);
    Map<String, String> ids = messageIds(id);
    List<Integer> sizes = new ArrayList<>();
    List<String> endpoints = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      JsonNode p = PinpointJson.mapper().readTree(bodies.get(i));
      assertThat(p.get("Message").toString()).isEqualTo("{}");
      assertThat(p.get("Data").asText()).isEqualTo("{\"offer\":\"winter\"}");
      assertThat(p.get("ApplicationId").asText()).isEqualTo(appId);
      assertThat(p.get("CampaignId").asText()).isEqualTo(id);
      assertThat(p.get("TreatmentId").asText()).isEqualTo("0");
      assertThat(p.get("ActivityId").asText()).isEqualTo(run.at("/Activities/0/Id").asText());
      assertThat(p.get("ScheduledTime").asText()).isEqualTo(START);
      List<String> batch = new ArrayList<>();
      p.get("Endpoints").fieldNames().forEachRemaining(batch::add);
      sizes.add(batch.size());
      endpoints.addAll(batch);
      assertThat(p.at("/Endpoints/" + batch.get(0) + "/Address").asText()).isNotEmpty();
      assertThat(headers.get(i).get("X-Lakecast-Signature")).isEqualTo(hmac(bodies.get(i)));
      List<String> expectedKey = new ArrayList<>();
      batch.forEach(e -> expectedKey.add(ids.get(e)));
      assertThat(List.of(headers.get(i).get("Idempotency-Key").split(","))).containsExactlyInAnyOrderElementsOf(
          expectedKey);
    }
    sizes.sort(null);
    assertThat(sizes).containsExactly(10, 50);
    endpoints.sort(null);
    assertThat(endpoints).hasSize(60).doesNotContain("g0").startsWith("m0", "m1", "m2", "m3", "m4", "s00");
    Map<String, String> ledger = ledger(id);
    assertThat(ledger).hasSize(60).doesNotContainKey("g0");
    assertThat(ledger.values()).containsOnly("SENT");
    assertThat(Cli.deliveries(warehouse, id).values()).as("DeliveryStatus StatusCode Attempts")
        .hasSize(60).containsOnly("SUCCESSFUL 200 1");
    assertThat(run.at("/Activities/0/ExecutionMetrics/ENDPOINT_CHANNEL_MISMATCH").asText()).isEqualTo("1");

    // The outbox keeps a delivery record per message, under CUSTOM, without content.
    long records = Cli.outbox(warehouse).stream()
        .filter(l -> l.path("CampaignId").asText().equals(id) && l.get("ChannelType").asText().equals("CUSTOM")
            && l.get("Provider").asText().equals("webhook") && !l.has("Message"))
        .count();
    assertThat(records).isEqualTo(60);

    run(id);
    assertThat(server.received("/deliver")).as("calls after a second run").hasSize(2);
    assertThat(Secrets.filesHolding(warehouse, SECRET)).isEmpty();
  }

  @Test
  void aFailingServiceIsTriedThreeTimesAndARefusalOnce() {
    String failing = server.serve("/failing", body -> new Answer(503, "{}", 0));
    String id = campaign("failing", failing);
    run(id);
    assertThat(server.received("/failing")).as("2 batches, 3 attempts each").hasSize(6);
    assertThat(ledger(id).values()).containsOnly(
        "FAILED CUSTOM_DELIVERY_ERROR: HTTP 503 from " + failing + " (3 attempts)");
    assertThat(Cli.deliveries(warehouse, id).values()).containsOnly("TEMPORARY_FAILURE 503 3");
    assertThat(Cli.campaignEvents(warehouse, id)).hasSize(60)
        .allMatch(e -> e.startsWith("_campaign.send ") && e.contains("campaign_send_status=CUSTOM_DELIVERY_FAILURE"));

    String refusing = server.serve("/refusing", body -> new Answer(400, "{}", 0));
    String refused = campaign("refusing", refusing + "?token=abc");
    run(refused);
    assertThat(server.received("/refusing")).as("2 batches, 1 attempt each").hasSize(2);
    assertThat(ledger(refused).values()).containsOnly("FAILED CUSTOM_DELIVERY_REJECTED: HTTP 400 from " + refusing);
    assertThat(Cli.deliveries(warehouse, refused).values()).containsOnly("PERMANENT_FAILURE 400 1");
  }

  @Test
  void aCallThatTimesOutIsRetriedWithTheSameIdempotencyKey() throws Exception {
    // The first call outlasts the 2 s timeout; the service took it, so its retry carries the same key for the
    // service to drop as a repeat.
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    String url = server.serve("/slow", body -> calls.incrementAndGet() == 1 ? new Answer(200, "{}", 3000)
        : Answer.ok("{}"));
    String id = campaign("slow", url);
    run(id);

    List<String> bodies = server.received("/slow");
    List<Map<String, String>> headers = server.headers("/slow");
    assertThat(bodies).as("2 batches, the first called twice").hasSize(3);
    assertThat(bodies.get(1)).isEqualTo(bodies.get(0));
    assertThat(headers.get(1).get("Idempotency-Key")).isEqualTo(headers.get(0).get("Idempotency-Key"));
    assertThat(headers.get(2).get("Idempotency-Key")).isNotEqualTo(headers.get(0).get("Idempotency-Key"));
    int retried = PinpointJson.mapper().readTree(bodies.get(0)).get("Endpoints").size();
    assertThat(retried).as("endpoints of the first batch").isIn(10, 50);
    assertThat(ledger(id).values()).hasSize(60).containsOnly("SENT");
    Map<String, Long> outcomes = new TreeMap<>();
    Cli.deliveries(warehouse, id).values().forEach(d -> outcomes.merge(d, 1L, Long::sum));
    assertThat(outcomes).as("DeliveryStatus StatusCode Attempts")
        .isEqualTo(Map.of("SUCCESSFUL 200 2", (long) retried, "SUCCESSFUL 200 1", 60L - retried));
  }

  @Test
  void onlyAllowedHostsAreCalled() {
    String url = server.serve("/elsewhere", body -> Answer.ok("{}"));
    spark.conf().set(LakecastConf.CUSTOM_ALLOWED_HOSTS, "hooks.example.org");
    String id = campaign("elsewhere", url);
    run(id);
    assertThat(server.received("/elsewhere")).isEmpty();
    assertThat(ledger(id).values()).containsOnly(
        "FAILED CUSTOM_DELIVERY_NOT_ALLOWED: host 127.0.0.1 is not in spark.lakecast.sender.custom.allowedHosts");
    assertThat(Cli.deliveries(warehouse, id).values()).as("never called").containsOnly("PERMANENT_FAILURE 400 0");
  }

  @Test
  void withoutASenderTheCustomMessagesGoToTheOutbox() throws Exception {
    spark.conf().unset(LakecastConf.SENDER_PREFIX + "CUSTOM");
    String url = server.serve("/unused", body -> Answer.ok("{}"));
    String id = campaign("outbox", url);
    run(id);
    assertThat(server.received("/unused")).isEmpty();
    List<JsonNode> lines = Cli.outbox(warehouse).stream()
        .filter(l -> l.path("CampaignId").asText().equals(id)).toList();
    assertThat(lines).hasSize(60);
    assertThat(lines.get(0).get("ChannelType").asText()).isEqualTo("CUSTOM");
    assertThat(lines.get(0).at("/Message/Data").asText()).isEqualTo("{\"offer\":\"winter\"}");
    assertThat(lines.get(0).at("/Message/CustomDeliveryConfiguration/DeliveryUri").asText()).isEqualTo(url);
  }

  @Test
  void customDeliveryMembersAreChecked() {
    assertThat(Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{\"CustomMessage\":{\"Data\":\"x\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").err())
        .startsWith("BadRequestException: Missing required member 'CustomDeliveryConfiguration' in "
            + "WriteCampaignRequest");
    assertThat(Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\",\"CustomDeliveryConfiguration\":{\"DeliveryUri\":\"http://x.example\"},"
            + "\"MessageConfiguration\":{\"CustomMessage\":{\"Data\":\"x\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").err())
        .startsWith("BadRequestException: Invalid CustomDeliveryConfiguration.DeliveryUri in WriteCampaignRequest: "
            + "'http://x.example' is neither an https:// URL nor a Lambda function name");
    assertThat(Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
            + "\"AdditionalTreatments\":[{\"SizePercent\":10,"
            + "\"CustomDeliveryConfiguration\":{\"DeliveryUri\":\"https://x.example\"}}],"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").err())
        .startsWith("BadRequestException: Missing required member "
            + "'AdditionalTreatments[0].MessageConfiguration.CustomMessage.Data' in WriteCampaignRequest");
    spark.conf().unset(LakecastConf.CUSTOM_ALLOWED_HOSTS);
    String id = campaign("no-hosts", "https://127.0.0.1:1/x");
    assertThat(Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).err())
        .startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.custom.allowedHosts='': "
            + "expected the hosts custom deliveries may call");
    assertThat(ledger(id)).isEmpty();
  }
}
