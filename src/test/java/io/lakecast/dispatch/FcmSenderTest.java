package io.lakecast.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Credentials;
import io.lakecast.testing.HttpsTestServer;
import io.lakecast.testing.HttpsTestServer.Answer;
import io.lakecast.testing.Secrets;
import io.lakecast.testing.SparkTestSession;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
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
 * GCM through FCM HTTP v1 against an HTTPS server on 127.0.0.1 that plays Google's token endpoint (it checks the
 * service account's signed JWT with the account's public key) and FCM's {@code messages:send}: each message is
 * Pinpoint's data message with the access token; an unregistered token fails with FCM's error code; a 503 is tried
 * again and a 401 gets a new token; a service account the token endpoint refuses fails the messages untried; the key
 * and the access token are nowhere in the warehouse.
 */
class FcmSenderTest {
  static final String START = "2030-11-01T10:00:00Z";
  static final String ACCESS_TOKEN = "ya29.planted-Access-Token-3b7c";

  @TempDir static Path warehouse;
  @TempDir static Path certs;
  @TempDir static Path credentials;
  static SparkSession spark;
  static HttpsTestServer server;
  static KeyPair registered;
  static String tokenUri;
  static Cli.Audience audience;
  static AtomicInteger flakyCalls = new AtomicInteger();
  static AtomicInteger keystores = new AtomicInteger();

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    server = new HttpsTestServer(certs);
    registered = rsa();
    tokenUri = server.serve("/token", FcmSenderTest::token);
    server.serve("/v1/projects/lakecast-push/messages:send", body -> send(body, false));
    server.serve("/v1/projects/lakecast-flaky/messages:send", body -> send(body, true));
    audience = Cli.audience(warehouse, "push", "Id,ChannelType,Address,Attributes.FirstName\n"
        + "g1,GCM,tok-ana,Ana\ng2,GCM,tok-bo,Bo\ng3,GCM,dead-token,Cy\n", "GCM");
  }

  @AfterAll
  static void tearDown() {
    server.close();
  }

  @BeforeEach
  void configure() throws Exception {
    useServiceAccount("lakecast-push", registered);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "GCM", "fcm");
    spark.conf().set(LakecastConf.FCM_URL, "https://127.0.0.1:" + java.net.URI.create(tokenUri).getPort());
    spark.conf().set(LakecastConf.FCM_TRUSTED_CERTIFICATES, server.certificate().toString());
    spark.conf().set(LakecastConf.DISPATCH_PARTITIONS, "1");
  }

  @AfterEach
  void unconfigure() {
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "GCM", LakecastConf.SENDER_PREFIX + "SMS",
        LakecastConf.SENDER_PREFIX + "ADM",
        LakecastConf.FCM_URL, LakecastConf.FCM_TRUSTED_CERTIFICATES, LakecastConf.DISPATCH_PARTITIONS)) {
      spark.conf().unset(k);
    }
  }

  static KeyPair rsa() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }

  static String pem(KeyPair key) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  /** A service account key file for {@code project} signing with {@code key}. */
  static String serviceAccount(String project, KeyPair key) {
    ObjectNode sa = PinpointJson.mapper().createObjectNode().put("type", "service_account").put("project_id", project)
        .put("private_key_id", "key-1").put("private_key", pem(key))
        .put("client_email", "sender@" + project + ".iam.gserviceaccount.com").put("token_uri", tokenUri);
    return PinpointJson.compact(sa);
  }

  /** Puts {@code json} in a Hadoop credential provider, as a cluster would hold it. */
  static void useSecret(String file, String json) throws Exception {
    spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH,
        Credentials.keystore(credentials, file, FcmSender.SERVICE_ACCOUNT_ALIAS, json));
  }

  static void useServiceAccount(String project, KeyPair key) throws Exception {
    useSecret(project + "-" + keystores.incrementAndGet() + ".jceks", serviceAccount(project, key));
  }

  /** Google's token endpoint: an access token for a JWT signed by the registered key, else invalid_grant. */
  static Answer token(String form) {
    Map<String, String> fields = new TreeMap<>();
    for (String pair : form.split("&")) {
      String[] kv = pair.split("=", 2);
      fields.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
    }
    try {
      String[] jwt = fields.get("assertion").split("\\.");
      JsonNode claims = PinpointJson.mapper().readTree(Base64.getUrlDecoder().decode(jwt[1]));
      boolean valid = fields.get("grant_type").equals("urn:ietf:params:oauth:grant-type:jwt-bearer")
          && verifies(registered.getPublic(), jwt)
          && claims.get("scope").asText().equals("https://www.googleapis.com/auth/firebase.messaging")
          && claims.get("aud").asText().equals(tokenUri)
          && claims.get("iss").asText().endsWith(".iam.gserviceaccount.com")
          && claims.get("exp").asLong() - claims.get("iat").asLong() == 3600;
      return valid ? Answer.ok("{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3599,"
          + "\"token_type\":\"Bearer\"}")
          : new Answer(400, "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}", 0);
    } catch (Exception e) {
      return new Answer(400, "{\"error\":\"invalid_request\"}", 0);
    }
  }

  static boolean verifies(PublicKey key, String[] jwt) throws Exception {
    Signature rsa = Signature.getInstance("SHA256withRSA");
    rsa.initVerify(key);
    rsa.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
    return rsa.verify(Base64.getUrlDecoder().decode(jwt[2]));
  }

  /** FCM's messages:send: 404 UNREGISTERED for dead-token; the flaky project first answers 503, then 401. */
  static Answer send(String body, boolean flaky) {
    if (flaky) {
      int call = flakyCalls.incrementAndGet();
      if (call == 1) {
        return new Answer(503, "{\"error\":{\"code\":503,\"message\":\"The service is currently unavailable.\","
            + "\"status\":\"UNAVAILABLE\"}}", 0);
      }
      if (call == 2) {
        return new Answer(401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid authentication "
            + "credentials.\",\"status\":\"UNAUTHENTICATED\"}}", 0);
      }
    }
    if (body.contains("\"token\":\"dead-token\"")) {
      return new Answer(404, "{\"error\":{\"code\":404,\"message\":\"Requested entity was not found.\","
          + "\"status\":\"NOT_FOUND\",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase.fcm.v1.FcmError\","
          + "\"errorCode\":\"UNREGISTERED\"}]}}", 0);
    }
    return Answer.ok("{\"name\":\"projects/lakecast-push/messages/0:1700000000000000%31bd1c9631bd1c96\"}");
  }

  static String campaign(String name) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{"
            + "\"GCMMessage\":{\"Action\":\"URL\",\"Url\":\"https://shop.example.com/sale\","
            + "\"Title\":\"Hello {{Attributes.FirstName}}\",\"Body\":\"Winter sale\","
            + "\"ImageUrl\":\"https://img.example.com/sale.png\",\"JsonBody\":\"{\\\"sku\\\":\\\"42\\\"}\","
            + "\"TimeToLive\":3600}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok().at("/CampaignResponse/Id").asText();
  }

  /** The requests {@code path} received since {@code from}, as JSON. */
  static List<JsonNode> bodies(String path, int from) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    List<String> all = server.received(path);
    for (String b : all.subList(from, all.size())) {
      out.add(PinpointJson.mapper().readTree(b));
    }
    return out;
  }

  @Test
  void eachMessageIsPinpointsDataMessageSentWithTheAccessToken() throws Exception {
    String path = "/v1/projects/lakecast-push/messages:send";
    int tokensBefore = server.received("/token").size();
    int sendsBefore = server.received(path).size();
    String id = campaign("fcm");
    audience.runCampaign(id, START);

    assertThat(server.received("/token").size() - tokensBefore).as("one token for the partition").isEqualTo(1);
    Map<String, String> messageIds = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : Cli.outboxOf(warehouse, id).entrySet()) {
      JsonNode l = e.getValue();
      messageIds.put(e.getKey(), l.get("MessageId").asText());
      assertThat(l.get("Provider").asText()).isEqualTo("fcm");
    }
    assertThat(messageIds).containsOnlyKeys("g1", "g2");
    List<JsonNode> sends = bodies(path, sendsBefore);
    assertThat(sends).hasSize(3);
    Map<String, String> byToken = new TreeMap<>();
    for (JsonNode s : sends) {
      ObjectNode data = (ObjectNode) s.at("/message/data");
      assertThat(data.remove("pinpoint.campaign.campaign_id").asText()).isEqualTo(id);
      assertThat(data.remove("pinpoint.campaign.campaign_activity_id").asText()).hasSize(32);
      String token = s.at("/message/token").asText();
      String messageId = data.remove("lakecast.message_id").asText();
      if (!token.equals("dead-token")) {
        assertThat(messageId).isEqualTo(messageIds.get(token.equals("tok-ana") ? "g1" : "g2"));
      }
      byToken.put(token, s.get("message").toString());
    }
    String rest = "\"pinpoint.notification.body\":\"Winter sale\","
        + "\"pinpoint.notification.imageUrl\":\"https://img.example.com/sale.png\","
        + "\"pinpoint.notification.silentPush\":\"0\",\"pinpoint.url\":\"https://shop.example.com/sale\","
        + "\"pinpoint.jsonBody\":\"{\\\"sku\\\":\\\"42\\\"}\",\"pinpoint.campaign.treatment_id\":\"0\"},"
        + "\"android\":{\"ttl\":\"3600s\"}}";
    assertThat(byToken).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "dead-token", "{\"token\":\"dead-token\",\"data\":{\"pinpoint.notification.title\":\"Hello Cy\"," + rest,
        "tok-ana", "{\"token\":\"tok-ana\",\"data\":{\"pinpoint.notification.title\":\"Hello Ana\"," + rest,
        "tok-bo", "{\"token\":\"tok-bo\",\"data\":{\"pinpoint.notification.title\":\"Hello Bo\"," + rest)));
    assertThat(server.headers(path).subList(sendsBefore, sendsBefore + 3))
        .allSatisfy(h -> assertThat(h.get("Authorization")).isEqualTo("Bearer " + ACCESS_TOKEN));
    assertThat(Cli.ledger(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "g1", "SENT", "g2", "SENT",
        "g3", "FAILED FCM_REJECTED: HTTP 404 UNREGISTERED: Requested entity was not found.")));
    assertThat(Cli.deliveries(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "g1", "SUCCESSFUL 200 1", "g2", "SUCCESSFUL 200 1", "g3", "PERMANENT_FAILURE 404 1")));

    String key = Base64.getEncoder().encodeToString(registered.getPrivate().getEncoded()).substring(100, 164);
    for (String secret : List.of(key, ACCESS_TOKEN)) {
      assertThat(Secrets.filesHolding(warehouse, secret)).as("warehouse files holding " + secret).isEmpty();
      assertThat(Secrets.tablesHolding(warehouse, secret)).as("table rows holding " + secret).isEmpty();
    }
  }

  @Test
  void aDirectSendsContextGoesIntoThePinpointData() throws Exception {
    String path = "/v1/projects/lakecast-push/messages:send";
    int sendsBefore = server.received(path).size();
    JsonNode response = Cli.run("send-messages", "--application-id", audience.appId(), "--message-request",
        "{\"Addresses\":{\"tok-direct\":{\"ChannelType\":\"GCM\",\"Context\":{\"order\":\"77\"}}},"
            + "\"Context\":{\"order\":\"1\",\"source\":\"checkout\",\"jsonBody\":\"not this\"},"
            + "\"MessageConfiguration\":{\"GCMMessage\":{\"Title\":\"Shipped\",\"Body\":\"On its way\","
            + "\"JsonBody\":\"{}\"}}}").ok().get("MessageResponse");
    assertThat(response.at("/Result/tok-direct/DeliveryStatus").asText()).isEqualTo("SUCCESSFUL");
    List<JsonNode> sends = bodies(path, sendsBefore);
    assertThat(sends).hasSize(1);
    ObjectNode data = (ObjectNode) sends.get(0).at("/message/data");
    assertThat(data.remove("lakecast.message_id").asText())
        .isEqualTo(response.at("/Result/tok-direct/MessageId").asText());
    // The address's Context wins over the request's; neither replaces a member Pinpoint sets itself.
    assertThat(data.toString()).isEqualTo("{\"pinpoint.notification.title\":\"Shipped\","
        + "\"pinpoint.notification.body\":\"On its way\",\"pinpoint.notification.silentPush\":\"0\","
        + "\"pinpoint.openApp\":\"true\",\"pinpoint.jsonBody\":\"{}\",\"pinpoint.order\":\"77\","
        + "\"pinpoint.source\":\"checkout\"}");
  }

  @Test
  void anUnavailableServiceIsTriedAgainAndAnExpiredTokenIsRenewed() throws Exception {
    useServiceAccount("lakecast-flaky", registered);
    String path = "/v1/projects/lakecast-flaky/messages:send";
    int tokensBefore = server.received("/token").size();
    String id = campaign("flaky");
    audience.runCampaign(id, START);

    assertThat(server.received("/token").size() - tokensBefore).as("the first token and its renewal").isEqualTo(2);
    assertThat(server.received(path)).as("503, 401, then one call per message").hasSize(5);
    assertThat(Cli.ledger(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "g1", "SENT", "g2", "SENT",
        "g3", "FAILED FCM_REJECTED: HTTP 404 UNREGISTERED: Requested entity was not found.")));
    Map<String, String> deliveries = Cli.deliveries(warehouse, id);
    assertThat(deliveries.get("g3")).startsWith("PERMANENT_FAILURE 404 ");
    assertThat(deliveries.values().stream().mapToInt(d -> Integer.parseInt(d.substring(d.lastIndexOf(' ') + 1))).sum())
        .as("calls recorded as attempts, the 503 and the 401 included").isEqualTo(5);
  }

  @Test
  void aRefusedServiceAccountFailsTheMessagesUntried() throws Exception {
    useServiceAccount("lakecast-push", rsa());
    String path = "/v1/projects/lakecast-push/messages:send";
    int tokensBefore = server.received("/token").size();
    int sendsBefore = server.received(path).size();
    String id = campaign("refused");
    audience.runCampaign(id, START);

    assertThat(server.received("/token").size() - tokensBefore).isEqualTo(1);
    assertThat(server.received(path).size()).isEqualTo(sendsBefore);
    assertThat(Cli.ledger(warehouse, id).values()).containsOnly("FAILED FCM_AUTH_FAILED: HTTP 400 from " + tokenUri
        + ": invalid_grant");
    assertThat(Cli.deliveries(warehouse, id).values()).as("refused untried").containsOnly("PERMANENT_FAILURE 401 0");
  }

  @Test
  void aMissingOrBrokenServiceAccountIsRefusedBeforeAnythingIsRecorded() throws Exception {
    String id = campaign("misconfigured");
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.GCM: its sender signs "
            + "with a secret but none was found; set the environment variable LAKECAST_FCM_SERVICE_ACCOUNT or the "
            + "Hadoop credential provider alias lakecast.fcm.serviceAccount");
    useSecret("broken.jceks", "{\"type\":\"service_account\",\"project_id\":\"p\",\"private_key\":\"secret-ish\"}");
    String err = Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err();
    assertThat(err).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.GCM: the secret of "
        + "its sender (LAKECAST_FCM_SERVICE_ACCOUNT, else the Hadoop credential provider alias "
        + "lakecast.fcm.serviceAccount) has no client_email (expected the service account's key file, as Firebase "
        + "gives it)");
    assertThat(err).doesNotContain("secret-ish");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "SMS", "fcm");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.SMS='fcm': expected "
            + "outbox (fcm sends GCM only)");
    spark.conf().unset(LakecastConf.SENDER_PREFIX + "SMS");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "ADM", "fcm");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.ADM='fcm': expected "
            + "outbox: Lakecast has no sender for ADM (Amazon Device Messaging and Baidu Cloud Push are not "
            + "supported; their messages go to the outbox)");
    assertThat(Cli.ledger(warehouse, id)).isEmpty();
  }
}
