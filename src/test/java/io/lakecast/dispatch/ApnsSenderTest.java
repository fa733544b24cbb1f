package io.lakecast.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.ApnsTestServer;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Credentials;
import io.lakecast.testing.Secrets;
import io.lakecast.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The APNs channels through Pushy against Pushy's mock APNs server on 127.0.0.1, which checks the provider token
 * against the team's key as APNs does: each notification carries Pinpoint's payload, the bundle id as its topic and
 * the MessageId as its apns-id; a device token of another app and an unregistered one fail with APNs' reasons; the
 * signing key is nowhere in the warehouse; a missing key or setting is refused before anything is recorded.
 */
class ApnsSenderTest {
  static final String START = "2030-12-01T10:00:00Z";
  static final String TOPIC = "com.example.lakecast";
  static final String ANA = "a1".repeat(32);
  static final String BO = "b2".repeat(32);
  static final String OTHER_APP = "c3".repeat(32);
  static final String GONE = "d4".repeat(32);

  @TempDir static Path warehouse;
  @TempDir static Path certs;
  @TempDir static Path credentials;
  static SparkSession spark;
  static ApnsTestServer apns;
  static KeyPair key;
  static String provider;
  static Cli.Audience audience;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    key = g.generateKeyPair();
    apns = new ApnsTestServer(certs, TOPIC, Set.of(ANA, BO, GONE), Set.of(GONE),
        new ApnsVerificationKey("KEY1234567", "TEAM123456", (ECPublicKey) key.getPublic()));
    provider = Credentials.keystore(credentials, "apns.jceks", ApnsSender.SIGNING_KEY_ALIAS, p8(key));
    audience = Cli.audience(warehouse, "ios", "Id,ChannelType,Address,Attributes.FirstName\n"
        + "i1,APNS," + ANA + ",Ana\ni2,APNS," + BO + ",Bo\ni3,APNS," + OTHER_APP + ",Cy\ni4,APNS," + GONE + ",Di\n",
        "APNS");
  }

  @AfterAll
  static void tearDown() throws Exception {
    apns.close();
  }

  @BeforeEach
  void configure() {
    spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "APNS", "apns");
    spark.conf().set(LakecastConf.APNS_TEAM_ID, "TEAM123456");
    spark.conf().set(LakecastConf.APNS_KEY_ID, "KEY1234567");
    spark.conf().set(LakecastConf.APNS_BUNDLE_ID, TOPIC);
    spark.conf().set(LakecastConf.APNS_HOST, "127.0.0.1");
    spark.conf().set(LakecastConf.APNS_PORT, String.valueOf(apns.port()));
    spark.conf().set(LakecastConf.APNS_TRUSTED_CERTIFICATES, apns.certificate().toString());
  }

  @AfterEach
  void unconfigure() {
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "APNS", LakecastConf.APNS_TEAM_ID, LakecastConf.APNS_KEY_ID,
        LakecastConf.APNS_BUNDLE_ID, LakecastConf.APNS_HOST, LakecastConf.APNS_PORT,
        LakecastConf.APNS_TRUSTED_CERTIFICATES)) {
      spark.conf().unset(k);
    }
  }

  /** The private key as an APNs .p8 file holds it: PKCS#8, PEM. */
  static String p8(KeyPair key) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(key.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
  }

  static String campaign(String name) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{"
            + "\"APNSMessage\":{\"Action\":\"DEEP_LINK\",\"Url\":\"lakecast://sale\","
            + "\"Title\":\"Hello {{Attributes.FirstName}}\",\"Body\":\"Winter sale\","
            + "\"ImageUrl\":\"https://img.example.com/sale.png\",\"TimeToLive\":3600}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok().at("/CampaignResponse/Id").asText();
  }

  @Test
  void eachNotificationCarriesPinpointsPayloadAndForeignTokensFailWithApnsReasons() throws Exception {
    int before = apns.accepted().size();
    String id = campaign("apns");
    audience.runCampaign(id, START);

    Map<String, String> messageIds = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : Cli.outboxOf(warehouse, id).entrySet()) {
      JsonNode l = e.getValue();
      messageIds.put(e.getKey(), l.get("MessageId").asText());
      assertThat(l.get("Provider").asText()).isEqualTo("apns");
    }
    assertThat(messageIds).containsOnlyKeys("i1", "i2");
    List<ApnsTestServer.Accepted> accepted = apns.accepted().subList(before, apns.accepted().size());
    assertThat(accepted).hasSize(2);
    Map<String, String> byToken = new TreeMap<>();
    for (ApnsTestServer.Accepted a : accepted) {
      String token = a.headers().get(":path").substring("/3/device/".length());
      String endpoint = token.equals(ANA) ? "i1" : "i2";
      String messageId = messageIds.get(endpoint);
      assertThat(a.headers().get("apns-id")).isEqualTo(messageId.substring(0, 8) + "-" + messageId.substring(8, 12)
          + "-" + messageId.substring(12, 16) + "-" + messageId.substring(16, 20) + "-" + messageId.substring(20));
      assertThat(a.headers().get("apns-topic")).isEqualTo(TOPIC);
      assertThat(a.headers().get("apns-push-type")).isEqualTo("alert");
      assertThat(a.headers().get("apns-priority")).isEqualTo("10");
      assertThat(Long.parseLong(a.headers().get("apns-expiration"))).isGreaterThan(1_700_000_000L);
      ObjectNode payload = (ObjectNode) PinpointJson.mapper().readTree(a.payload());
      ObjectNode campaign = (ObjectNode) payload.at("/data/pinpoint/campaign");
      assertThat(campaign.remove("campaign_id").asText()).isEqualTo(id);
      assertThat(campaign.remove("campaign_activity_id").asText()).hasSize(32);
      byToken.put(endpoint, payload.toString());
    }
    String data = ",\"mutable-content\":1},\"data\":{\"pinpoint\":{\"campaign\":{\"treatment_id\":\"0\"},"
        + "\"deeplink\":\"lakecast://sale\"},\"media-url\":\"https://img.example.com/sale.png\"}}";
    assertThat(byToken).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "i1", "{\"aps\":{\"alert\":{\"title\":\"Hello Ana\",\"body\":\"Winter sale\"}" + data,
        "i2", "{\"aps\":{\"alert\":{\"title\":\"Hello Bo\",\"body\":\"Winter sale\"}" + data)));
    assertThat(Cli.ledger(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "i1", "SENT", "i2", "SENT",
        "i3", "FAILED APNS_REJECTED: HTTP 400 DeviceTokenNotForTopic",
        "i4", "FAILED APNS_REJECTED: HTTP 410 Unregistered")));
    assertThat(Cli.deliveries(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "i1", "SUCCESSFUL 200 1", "i2", "SUCCESSFUL 200 1", "i3", "PERMANENT_FAILURE 400 1",
        "i4", "PERMANENT_FAILURE 410 1")));

    // The key's private scalar is the end of its encoding (the start names the algorithm and the curve).
    String encoded = Base64.getEncoder().encodeToString(key.getPrivate().getEncoded());
    String secret = encoded.substring(encoded.length() - 44);
    assertThat(Secrets.filesHolding(warehouse, secret)).as("warehouse files holding the signing key").isEmpty();
    assertThat(Secrets.tablesHolding(warehouse, secret)).as("table rows holding the signing key").isEmpty();
  }

  @Test
  void aDirectSendsContextGoesIntoDataPinpoint() throws Exception {
    int before = apns.accepted().size();
    JsonNode response = Cli.run("send-messages", "--application-id", audience.appId(), "--message-request",
        "{\"Endpoints\":{\"i1\":{\"Context\":{\"order\":\"77\"}}},"
            + "\"Context\":{\"order\":\"1\",\"source\":\"checkout\",\"deeplink\":\"not this\"},"
            + "\"MessageConfiguration\":{\"APNSMessage\":{\"Action\":\"DEEP_LINK\",\"Url\":\"lakecast://order\","
            + "\"Title\":\"Shipped\",\"Body\":\"On its way\"}}}").ok().get("MessageResponse");
    assertThat(response.at("/EndpointResult/i1/DeliveryStatus").asText()).isEqualTo("SUCCESSFUL");
    List<ApnsTestServer.Accepted> accepted = apns.accepted().subList(before, apns.accepted().size());
    assertThat(accepted).hasSize(1);
    // The endpoint's Context wins over the request's; neither replaces a member Pinpoint sets itself.
    assertThat(PinpointJson.mapper().readTree(accepted.get(0).payload()).at("/data/pinpoint").toString())
        .isEqualTo("{\"deeplink\":\"lakecast://order\",\"order\":\"77\",\"source\":\"checkout\"}");
  }

  @Test
  void certificateAuthenticationSendsWithTheAppsPushCertificate(@TempDir Path dir) throws Exception {
    // The app's push certificate, as Apple issues it: its subject's UID is the bundle id.
    Path p12 = dir.resolve("push.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "push", "-keyalg", "RSA", "-keysize", "2048", "-dname",
        "UID=" + TOPIC + ", CN=Apple Push Services: " + TOPIC, "-validity", "2", "-keystore", p12.toString(),
        "-storetype", "PKCS12", "-storepass", "test-only", "-keypass", "test-only");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (java.io.InputStream in = Files.newInputStream(p12)) {
      ks.load(in, "test-only".toCharArray());
    }
    java.security.cert.Certificate cert = ks.getCertificate("push");
    java.util.Base64.Encoder pem = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));
    String certificatePem = "-----BEGIN CERTIFICATE-----\n" + pem.encodeToString(cert.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    String keyPem = "-----BEGIN PRIVATE KEY-----\n" + pem.encodeToString(ks.getKey("push", "test-only".toCharArray())
        .getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    Files.writeString(dir.resolve("trusted-clients.pem"), certificatePem);
    try (ApnsTestServer byCertificate = new ApnsTestServer(Files.createDirectories(dir.resolve("server")), TOPIC,
        Set.of(ANA, BO), Set.of(), new ApnsVerificationKey("KEY1234567", "TEAM123456", (ECPublicKey) key.getPublic()),
        dir.resolve("trusted-clients.pem"))) {
      spark.conf().set(LakecastConf.APNS_AUTH, "certificate");
      spark.conf().unset(LakecastConf.APNS_TEAM_ID);
      spark.conf().unset(LakecastConf.APNS_KEY_ID);
      spark.conf().set(LakecastConf.APNS_PORT, String.valueOf(byCertificate.port()));
      spark.conf().set(LakecastConf.APNS_TRUSTED_CERTIFICATES, byCertificate.certificate().toString());
      String id = campaign("apns-certificate");
      // Without the certificate nothing is recorded.
      assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
          .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.APNS: its sender signs "
              + "with a secret but none was found; set the environment variable LAKECAST_APNS_CERTIFICATE or the "
              + "Hadoop credential provider alias lakecast.apns.certificate");
      spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH,
          Credentials.keystore(dir, "apns-certificate.jceks", ApnsSender.CERTIFICATE_ALIAS, certificatePem + keyPem));
      audience.runCampaign(id, START);

      assertThat(byCertificate.accepted()).as("notifications accepted").hasSize(2);
      assertThat(byCertificate.accepted()).allSatisfy(a -> {
        assertThat(a.headers()).doesNotContainKey("authorization");
        assertThat(a.headers().get("apns-topic")).isEqualTo(TOPIC);
      });
      assertThat(Cli.deliveries(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
          "i1", "SUCCESSFUL 200 1", "i2", "SUCCESSFUL 200 1", "i3", "PERMANENT_FAILURE 400 1",
          "i4", "PERMANENT_FAILURE 400 1")));
      String keyText = keyPem.substring(40, 100);
      assertThat(Secrets.filesHolding(warehouse, keyText)).as("warehouse files holding the private key").isEmpty();
      assertThat(Secrets.tablesHolding(warehouse, keyText)).as("table rows holding the private key").isEmpty();
    } finally {
      spark.conf().unset(LakecastConf.APNS_AUTH);
    }
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(String.join(" ", command) + ": " + out).isZero();
  }

  @Test
  void aMissingSigningKeyOrTeamIsRefusedBeforeAnythingIsRecorded() {
    String id = campaign("misconfigured");
    spark.conf().unset(LakecastConf.APNS_TEAM_ID);
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.push.apns.teamId='': "
            + "expected a value (the apns sender signs its token with the team id and the key id, and sends to the "
            + "app's bundle id)");
    spark.conf().set(LakecastConf.APNS_TEAM_ID, "TEAM123456");
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.APNS: its sender signs "
            + "with a secret but none was found; set the environment variable LAKECAST_APNS_SIGNING_KEY or the "
            + "Hadoop credential provider alias lakecast.apns.signingKey");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "GCM", "apns");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.GCM='apns': expected "
            + "outbox (apns sends APNS, APNS_SANDBOX, APNS_VOIP and APNS_VOIP_SANDBOX only)");
    spark.conf().unset(LakecastConf.SENDER_PREFIX + "GCM");
    assertThat(Cli.ledger(warehouse, id)).isEmpty();
  }
}
