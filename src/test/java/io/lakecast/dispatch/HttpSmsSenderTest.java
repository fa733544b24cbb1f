package io.lakecast.dispatch;

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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMS through a generic HTTP provider (a real HTTPS server on 127.0.0.1): one POST per message, as JSON with
 * Pinpoint's member names or as a form with the provider's own field names; the SMS members pass through; the token
 * goes in the Authorization header and nowhere else; a provider that answers 429 once gets the message on the retry.
 */
class HttpSmsSenderTest {
  static final String START = "2030-08-01T10:00:00Z";
  static final String TOKEN = "planted-Provider-Token-5e0b";

  @TempDir static Path warehouse;
  @TempDir static Path certs;
  @TempDir static Path credentials;
  static SparkSession spark;
  static HttpsTestServer server;
  static Cli.Audience audience;
  static String provider;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    server = new HttpsTestServer(certs);
    audience = Cli.smsAudience(warehouse, "texts", "Id,ChannelType,Address,Attributes.FirstName\n"
        + "t1,SMS,+12065550101,Ana\nt2,SMS,+12065550102,Bo\nt3,SMS,+12065550103,Cy\n");
    provider = Credentials.keystore(credentials, "sms.jceks", HttpSmsSender.TOKEN_ALIAS, TOKEN);
  }

  @AfterAll
  static void tearDown() {
    server.close();
  }

  @BeforeEach
  void configure() {
    spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "SMS", "http");
    spark.conf().set(LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES, server.certificate().toString());
    spark.conf().set(LakecastConf.SMS_HTTP_TIMEOUT_SECONDS, "2");
  }

  @AfterEach
  void unconfigure() {
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "SMS", LakecastConf.SMS_HTTP_URL,
        LakecastConf.SMS_HTTP_FORMAT, LakecastConf.SMS_HTTP_FIELDS, LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES,
        LakecastConf.SMS_HTTP_TIMEOUT_SECONDS)) {
      spark.conf().unset(k);
    }
  }

  static String campaign() {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{\"SMSMessage\":{"
            + "\"Body\":\"Hi {{Attributes.FirstName}}\",\"OriginationNumber\":\"+18005550199\","
            + "\"SenderId\":\"LAKECAST\",\"MessageType\":\"TRANSACTIONAL\",\"EntityId\":\"ent-1\","
            + "\"TemplateId\":\"tpl-9\"}},\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok()
        .at("/CampaignResponse/Id").asText();
  }

  /** EndpointId → MessageId of the campaign's ledger rows. */
  static Map<String, String> messageIds(String campaignId) throws java.io.IOException {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode l : Cli.outbox(warehouse).stream().filter(l -> l.path("CampaignId").asText().equals(campaignId))
        .toList()) {
      out.put(l.get("EndpointId").asText(), l.get("MessageId").asText());
    }
    return out;
  }

  @Test
  void eachMessageIsPostedAsJsonWithTheSmsMembersAndTheToken() throws Exception {
    String url = server.serve("/json", body -> Answer.ok("{\"status\":\"queued\"}"));
    spark.conf().set(LakecastConf.SMS_HTTP_URL, url);
    String id = campaign();
    audience.runCampaign(id, START);

    List<String> bodies = server.received("/json");
    List<Map<String, String>> headers = server.headers("/json");
    assertThat(bodies).hasSize(3);
    Map<String, String> ids = messageIds(id);
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < bodies.size(); i++) {
      JsonNode b = PinpointJson.mapper().readTree(bodies.get(i));
      String endpoint = "t" + b.get("To").asText().substring(11);
      seen.add(b.get("To").asText() + " " + b.get("Body").asText());
      assertThat(b.get("OriginationNumber").asText()).isEqualTo("+18005550199");
      assertThat(b.get("SenderId").asText()).isEqualTo("LAKECAST");
      assertThat(b.get("MessageType").asText()).isEqualTo("TRANSACTIONAL");
      assertThat(b.get("EntityId").asText()).isEqualTo("ent-1");
      assertThat(b.get("TemplateId").asText()).isEqualTo("tpl-9");
      assertThat(b.get("MessageId").asText()).isEqualTo(ids.get(endpoint));
      assertThat(headers.get(i).get("Authorization")).isEqualTo("Bearer " + TOKEN);
      assertThat(headers.get(i).get("Idempotency-Key")).isEqualTo(ids.get(endpoint));
      assertThat(headers.get(i).get("Content-Type")).isEqualTo("application/json");
    }
    seen.sort(null);
    assertThat(seen).containsExactly("+12065550101 Hi Ana", "+12065550102 Hi Bo", "+12065550103 Hi Cy");
    assertThat(Cli.ledger(warehouse, id).values()).containsOnly("SENT");
    assertThat(Cli.deliveries(warehouse, id).values()).hasSize(3).containsOnly("SUCCESSFUL 200 1");
    assertThat(Cli.outbox(warehouse).stream().filter(l -> l.path("CampaignId").asText().equals(id))
        .map(l -> l.get("Provider").asText() + " " + l.has("Message")).toList())
        .containsExactly("http false", "http false", "http false");
    assertThat(Secrets.filesHolding(warehouse, TOKEN)).isEmpty();
    assertThat(Secrets.tablesHolding(warehouse, TOKEN)).isEmpty();
  }

  @Test
  void aFormWithTheProvidersFieldNamesAndARetryAfter429() {
    AtomicInteger calls = new AtomicInteger();
    String url = server.serve("/form", body -> calls.incrementAndGet() == 1
        ? new Answer(429, "{}", 0, Map.of("Retry-After", "2")) : Answer.ok("OK"));
    spark.conf().set(LakecastConf.SMS_HTTP_URL, url);
    spark.conf().set(LakecastConf.SMS_HTTP_FORMAT, "form");
    spark.conf().set(LakecastConf.SMS_HTTP_FIELDS, "to=Address,text=Body,from=OriginationNumber");
    spark.conf().set(LakecastConf.DISPATCH_PARTITIONS, "1");
    try {
      String id = campaign();
      audience.runCampaign(id, START);
      List<String> bodies = new ArrayList<>(server.received("/form"));
      assertThat(bodies).as("3 messages, the first sent twice").hasSize(4);
      assertThat(bodies.get(0)).isEqualTo(bodies.get(1));
      List<Long> arrivals = server.arrivals("/form");
      assertThat((arrivals.get(1) - arrivals.get(0)) / 1e9).as("seconds before the retry (Retry-After: 2)")
          .isGreaterThanOrEqualTo(2.0);
      bodies.sort(null);
      assertThat(bodies).containsExactly(
          "to=%2B12065550101&text=Hi+Ana&from=%2B18005550199",
          "to=%2B12065550101&text=Hi+Ana&from=%2B18005550199",
          "to=%2B12065550102&text=Hi+Bo&from=%2B18005550199",
          "to=%2B12065550103&text=Hi+Cy&from=%2B18005550199");
      assertThat(server.headers("/form").get(0).get("Content-Type")).isEqualTo("application/x-www-form-urlencoded");
      assertThat(Cli.ledger(warehouse, id).values()).containsOnly("SENT");
      assertThat(Cli.deliveries(warehouse, id).values()).as("the throttled message took 2 calls")
          .containsExactlyInAnyOrder("SUCCESSFUL 200 2", "SUCCESSFUL 200 1", "SUCCESSFUL 200 1");
    } finally {
      spark.conf().unset(LakecastConf.DISPATCH_PARTITIONS);
    }
  }

  @Test
  void aProviderThatGoesDownMidRunLosesNoTextAndGetsNoneTwice(@TempDir Path otherCerts) throws Exception {
    // The provider takes one text, then its port is closed: the other two find the connection refused.
    try (HttpsTestServer failing = new HttpsTestServer(otherCerts)) {
      String url = failing.serveUntilDown("/down", 1);
      spark.conf().set(LakecastConf.SMS_HTTP_URL, url);
      spark.conf().set(LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES, failing.certificate().toString());
      spark.conf().set(LakecastConf.DISPATCH_PARTITIONS, "1");
      String id = campaign();
      JsonNode run = audience.runCampaign(id, START);
      // The command completes; its activity reports the texts not sent.
      assertThat(run.at("/Activities/0/Result").asText()).isEqualTo("FAIL");
      assertThat(run.at("/Activities/0/TotalEndpointCount").asInt()).isEqualTo(3);
      assertThat(run.at("/Activities/0/SuccessfulEndpointCount").asInt()).isEqualTo(1);

      List<String> taken = failing.received("/down");
      assertThat(taken).as("texts the provider took").hasSize(1);
      String endpoint = "t" + PinpointJson.mapper().readTree(taken.get(0)).get("To").asText().substring(11);
      Map<String, String> deliveries = Cli.deliveries(warehouse, id);
      Map<String, String> ledger = Cli.ledger(warehouse, id);
      assertThat(deliveries).as("DeliveryStatus StatusCode Attempts of t1–t3").hasSize(3);
      for (String e : List.of("t1", "t2", "t3")) {
        if (e.equals(endpoint)) {
          assertThat(deliveries.get(e)).isEqualTo("SUCCESSFUL 200 1");
          assertThat(ledger.get(e)).isEqualTo("SENT");
        } else {
          // Refused connections are transient: each text was tried three times, then recorded as not sent.
          assertThat(deliveries.get(e)).isEqualTo("TEMPORARY_FAILURE 0 3");
          assertThat(ledger.get(e)).isEqualTo("FAILED SMS_PROVIDER_ERROR: ConnectException calling " + url
              + " (3 attempts)");
        }
      }
      List<String> events = Cli.campaignEvents(warehouse, id).stream()
          .map(l -> l.substring(0, l.indexOf(' ', l.indexOf(' ') + 1))).sorted().toList();
      List<String> expected = new ArrayList<>();
      for (String e : List.of("t1", "t2", "t3")) {
        expected.add("_campaign.send " + e);
        expected.add((e.equals(endpoint) ? "_SMS.BUFFERED " : "_SMS.FAILURE ") + e);
      }
      expected.sort(null);
      assertThat(events).as("events of the run, each once").isEqualTo(expected);
    } finally {
      spark.conf().unset(LakecastConf.DISPATCH_PARTITIONS);
    }
  }

  @Test
  void badProviderSettingsAreRefusedBeforeAnythingIsRecorded() {
    String id = campaign();
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.sms.http.url='': "
            + "expected the provider's http:// or https:// URL");
    spark.conf().set(LakecastConf.SMS_HTTP_URL, "https://127.0.0.1:1/sms");
    spark.conf().set(LakecastConf.SMS_HTTP_FIELDS, "to=Address,text=Subject");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.sms.http.fields="
            + "'to=Address,text=Subject': expected field=source pairs");
    assertThat(Cli.ledger(warehouse, id)).isEmpty();
  }
}
