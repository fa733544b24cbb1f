package io.lakecast.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.MotoServer;
import io.lakecast.testing.RecordingProxy;
import io.lakecast.testing.Secrets;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EMAIL through Amazon SES v2 against an AWS API emulator on 127.0.0.1 (moto's server, which refuses a sender whose
 * identity is not verified and keeps what it accepted), reached through a proxy that records each call and can answer
 * with SES's errors: each email is one {@code SendEmail} with its subject, text and HTML, headers, the MessageId as a
 * header and a tag, and the configuration set; SMS stays in the outbox; throttling is retried and sends each email
 * once; refusals are not retried; each email SES took has its {@code _email.send}; the AWS secret key is nowhere in
 * the warehouse. An integration test because the
 * emulator comes from the Python environment the integration tests build.
 */
class SesSenderIT {
  static final String START = "2030-09-01T10:00:00Z";
  /** The AWS credentials the SDK signs with: the secret key must appear nowhere Lakecast writes. */
  static final String ACCESS_KEY = "AKIDLAKECASTSESTEST";
  static final String SECRET = "planted-Aws-Secret-41d9c0";

  @TempDir static Path warehouse;
  static SparkSession spark;
  static MotoServer moto;
  static RecordingProxy ses;
  static Cli.Audience audience;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    moto = MotoServer.get();
    ses = new RecordingProxy(moto.endpoint());
    audience = Cli.audience(warehouse, "ses", "Id,ChannelType,Address,Attributes.FirstName\n"
        + "e1,EMAIL,ana@example.com,Ana\ne2,EMAIL,bo@example.com,Bo\ne3,EMAIL,cy@example.com,Cy\n"
        + "s1,SMS,+12065550100,Di\n", "EMAIL", "SMS");
  }

  @AfterAll
  static void tearDown() {
    ses.close();
  }

  @BeforeEach
  void configure() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "EMAIL", "ses");
    spark.conf().set(LakecastConf.SES_ENDPOINT, ses.endpoint());
    ses.reset();
  }

  @AfterEach
  void unconfigure() {
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "EMAIL", LakecastConf.SENDER_PREFIX + "SMS",
        LakecastConf.SES_ENDPOINT, LakecastConf.SES_CONFIGURATION_SET, LakecastConf.SES_MAX_ATTEMPTS)) {
      spark.conf().unset(k);
    }
  }

  static String campaign(String from) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"Name\":\"" + from + "\",\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{"
            + "\"EmailMessage\":{\"FromAddress\":\"" + from + "\",\"Title\":\"Hello {{Attributes.FirstName}}\","
            + "\"Body\":\"Hi {{Attributes.FirstName}}, autumn sale.\","
            + "\"HtmlBody\":\"<p>Hi <b>{{Attributes.FirstName}}</b></p>\","
            + "\"Headers\":[{\"Name\":\"X-Campaign\",\"Value\":\"autumn\"}]},"
            + "\"SMSMessage\":{\"Body\":\"Autumn sale\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok().at("/CampaignResponse/Id").asText();
  }

  /** Recipient → subject | body of every email SES accepted from {@code from}. */
  static Map<String, String> accepted(String from) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode m : moto.emailsFrom(from)) {
      String to = m.at("/destinations/ToAddresses/0").asText();
      assertThat(out).as("emails to " + to).doesNotContainKey(to);
      out.put(to, m.get("subject").asText() + " | " + m.get("body").asText());
    }
    return out;
  }

  /** The SendEmail requests the proxy saw, as JSON. */
  static List<JsonNode> calls() throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String b : ses.bodies()) {
      out.add(PinpointJson.mapper().readTree(b));
    }
    return out;
  }

  @Test
  void eachEmailIsOneSendEmailWithItsMembersWhileSmsStaysInTheOutbox() throws Exception {
    moto.verifyEmailIdentity("news@ses.example.com");
    spark.conf().set(LakecastConf.SES_CONFIGURATION_SET, "lakecast-tests");
    String id = campaign("news@ses.example.com");
    audience.runCampaign(id, START);

    assertThat(accepted("news@ses.example.com")).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "ana@example.com", "Hello Ana | <p>Hi <b>Ana</b></p>",
        "bo@example.com", "Hello Bo | <p>Hi <b>Bo</b></p>",
        "cy@example.com", "Hello Cy | <p>Hi <b>Cy</b></p>")));
    Map<String, String> messageIds = new TreeMap<>();
    for (JsonNode l : Cli.outbox(warehouse)) {
      if (l.path("CampaignId").asText().equals(id)) {
        messageIds.put(l.get("EndpointId").asText(), l.get("MessageId").asText());
      }
    }
    List<String> seen = new ArrayList<>();
    for (JsonNode call : calls()) {
      String to = call.at("/Destination/ToAddresses/0").asText();
      String endpoint = Map.of("ana@example.com", "e1", "bo@example.com", "e2", "cy@example.com", "e3").get(to);
      JsonNode simple = call.at("/Content/Simple");
      seen.add(to + " | " + simple.at("/Subject/Data").asText() + " | " + simple.at("/Body/Text/Data").asText()
          + " | " + simple.at("/Body/Html/Charset").asText());
      assertThat(call.get("FromEmailAddress").asText()).isEqualTo("news@ses.example.com");
      assertThat(call.get("ConfigurationSetName").asText()).isEqualTo("lakecast-tests");
      assertThat(simple.get("Headers").toString()).isEqualTo("[{\"Name\":\"X-Campaign\",\"Value\":\"autumn\"},"
          + "{\"Name\":\"X-Lakecast-Message-Id\",\"Value\":\"" + messageIds.get(endpoint) + "\"}]");
      assertThat(call.get("EmailTags").toString()).isEqualTo("[{\"Name\":\"lakecast_message_id\",\"Value\":\""
          + messageIds.get(endpoint) + "\"}]");
    }
    seen.sort(null);
    assertThat(seen).containsExactly(
        "ana@example.com | Hello Ana | Hi Ana, autumn sale. | UTF-8",
        "bo@example.com | Hello Bo | Hi Bo, autumn sale. | UTF-8",
        "cy@example.com | Hello Cy | Hi Cy, autumn sale. | UTF-8");
    assertThat(Cli.ledger(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "e1", "SENT", "e2", "SENT", "e3", "SENT", "s1", "SENT")));

    // Each email has a delivery record in the outbox, without content; the SMS is there with its message.
    List<String> lines = new ArrayList<>();
    for (JsonNode line : Cli.outbox(warehouse)) {
      if (line.path("CampaignId").asText().equals(id)) {
        lines.add(line.get("ChannelType").asText() + " " + line.get("EndpointId").asText() + " "
            + (line.has("Message") ? "message " + line.at("/Message/Body").asText()
                : "record " + line.get("Provider").asText()));
      }
    }
    lines.sort(null);
    assertThat(lines).containsExactly("EMAIL e1 record ses", "EMAIL e2 record ses", "EMAIL e3 record ses",
        "SMS s1 message Autumn sale");

    // Each email SES took has its _email.send, whose mail is the ledger's message; the SMS has none (the outbox).
    assertThat(Cli.campaignEvents(warehouse, id)).containsExactly(
        "_campaign.send e1 {campaign_send_status=SUCCESS, delivery_type=EMAIL, treatment_id=0}",
        "_campaign.send e2 {campaign_send_status=SUCCESS, delivery_type=EMAIL, treatment_id=0}",
        "_campaign.send e3 {campaign_send_status=SUCCESS, delivery_type=EMAIL, treatment_id=0}",
        "_campaign.send s1 {campaign_send_status=SUCCESS, delivery_type=SMS, treatment_id=0}",
        "_email.send e1 {treatment_id=0}", "_email.send e2 {treatment_id=0}", "_email.send e3 {treatment_id=0}");
    List<String> mails = new ArrayList<>();
    for (org.apache.spark.sql.Row r : spark.read().parquet(warehouse.resolve("events").toString())
        .filter("event_type = '_email.send' and attributes['campaign_id'] = '" + id + "'")
        .select("client.client_id", "facets.email_channel.mail_event.mail.message_id",
            "facets.email_channel.mail_event.mail.destination").collectAsList()) {
      mails.add(r.getString(0) + " " + (r.getString(1).equals(messageIds.get(r.getString(0))) ? "ledger id" : "?")
          + " " + r.getList(2));
    }
    mails.sort(null);
    assertThat(mails).containsExactly("e1 ledger id [ana@example.com]", "e2 ledger id [bo@example.com]",
        "e3 ledger id [cy@example.com]");

    // Run again: the occurrence is complete, nothing is sent or recorded twice.
    audience.runCampaign(id, START);
    assertThat(moto.emailsFrom("news@ses.example.com")).hasSize(3);
    assertThat(Cli.campaignEvents(warehouse, id)).hasSize(7);

    // The calls were signed with the planted key (the SDK's default chain read it), which went nowhere else.
    assertThat(ses.authorizations()).allSatisfy(a -> assertThat(a).contains("Credential=" + ACCESS_KEY + "/"));
    assertThat(Secrets.filesHolding(warehouse, SECRET)).as("warehouse files holding the secret key").isEmpty();
    assertThat(Secrets.tablesHolding(warehouse, SECRET)).as("table rows holding the secret key").isEmpty();
  }

  @Test
  void aDirectSendGoesRawOrWithReplyToAndFeedbackForwarding() throws Exception {
    moto.verifyEmailIdentity("billing@ses.example.com");
    String raw = "From: billing@ses.example.com\r\nTo: ana@example.com\r\nSubject: Invoice\r\n"
        + "Content-Type: text/plain\r\n\r\nInvoice 117.\r\n";
    JsonNode rawResponse = Cli.run("send-messages", "--application-id", audience.appId(), "--message-request",
        "{\"Endpoints\":{\"e1\":{}},\"MessageConfiguration\":{\"EmailMessage\":{\"RawEmail\":{\"Data\":\""
            + Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8)) + "\"}}}}").ok()
        .get("MessageResponse");
    assertThat(rawResponse.at("/EndpointResult/e1/DeliveryStatus").asText()).isEqualTo("SUCCESSFUL");
    Cli.run("send-messages", "--application-id", audience.appId(), "--message-request",
        "{\"Endpoints\":{\"e2\":{}},\"MessageConfiguration\":{\"EmailMessage\":{"
            + "\"FromAddress\":\"billing@ses.example.com\",\"ReplyToAddresses\":[\"help@ses.example.com\"],"
            + "\"FeedbackForwardingAddress\":\"bounces@ses.example.com\","
            + "\"SimpleEmail\":{\"Subject\":{\"Data\":\"Receipt\"},\"TextPart\":{\"Data\":\"Paid.\"}}}}}").ok();

    List<JsonNode> calls = calls();
    assertThat(calls).hasSize(2);
    // The raw message as given, after the message id header; the endpoint's address as the only destination.
    JsonNode rawCall = calls.get(0);
    assertThat(rawCall.at("/Destination/ToAddresses").toString()).isEqualTo("[\"ana@example.com\"]");
    assertThat(rawCall.has("FromEmailAddress")).as("the raw message names its sender").isFalse();
    assertThat(new String(Base64.getDecoder().decode(rawCall.at("/Content/Raw/Data").asText()),
        StandardCharsets.UTF_8)).isEqualTo("X-Lakecast-Message-Id: "
            + rawResponse.at("/EndpointResult/e1/MessageId").asText() + "\r\n" + raw);
    JsonNode simpleCall = calls.get(1);
    assertThat(simpleCall.at("/Destination/ToAddresses").toString()).isEqualTo("[\"bo@example.com\"]");
    assertThat(simpleCall.get("ReplyToAddresses").toString()).isEqualTo("[\"help@ses.example.com\"]");
    assertThat(simpleCall.get("FeedbackForwardingEmailAddress").asText()).isEqualTo("bounces@ses.example.com");
    assertThat(simpleCall.at("/Content/Simple/Subject/Data").asText()).isEqualTo("Receipt");
  }

  @Test
  void throttlingIsRetriedAndEachEmailIsSentOnce() throws Exception {
    moto.verifyEmailIdentity("busy@ses.example.com");
    ses.failNext(2, 429, "TooManyRequestsException", "Maximum sending rate exceeded.");
    String id = campaign("busy@ses.example.com");
    audience.runCampaign(id, START);

    assertThat(accepted("busy@ses.example.com")).containsOnlyKeys("ana@example.com", "bo@example.com",
        "cy@example.com");
    assertThat(ses.bodies()).as("3 emails and 2 throttled calls").hasSize(5);
    assertThat(Cli.ledger(warehouse, id).values()).containsOnly("SENT");
    Map<String, String> deliveries = Cli.deliveries(warehouse, id);
    assertThat(deliveries).hasSize(4);
    assertThat(deliveries.values()).allMatch(d -> d.startsWith("SUCCESSFUL 200 "));
    assertThat(List.of("e1", "e2", "e3").stream()
        .mapToInt(e -> Integer.parseInt(deliveries.get(e).substring("SUCCESSFUL 200 ".length()))).sum())
        .as("SES calls recorded, the throttled ones included").isEqualTo(5);
  }

  @Test
  void refusalsAreNotRetriedAndFailuresAreRetriedUpToMaxAttempts() throws Exception {
    String refused = campaign("nobody@unverified.example.com");
    audience.runCampaign(refused, START);

    assertThat(ses.bodies()).as("one call per email, none retried").hasSize(3);
    Map<String, String> ledger = Cli.ledger(warehouse, refused);
    assertThat(ledger.get("s1")).isEqualTo("SENT");
    for (String e : List.of("e1", "e2", "e3")) {
      assertThat(ledger.get(e)).isEqualTo("FAILED SES_REJECTED: MessageRejected (HTTP 400): Email address not "
          + "verified nobody@unverified.example.com");
      assertThat(Cli.deliveries(warehouse, refused).get(e)).isEqualTo("PERMANENT_FAILURE 400 1");
    }

    ses.reset();
    moto.verifyEmailIdentity("down@ses.example.com");
    spark.conf().set(LakecastConf.SES_MAX_ATTEMPTS, "2");
    ses.failNext(1000, 503, "InternalFailure", "Service unavailable, try again.");
    String failing = campaign("down@ses.example.com");
    audience.runCampaign(failing, START);

    assertThat(ses.bodies()).as("2 calls per email").hasSize(6);
    assertThat(moto.emailsFrom("down@ses.example.com")).isEmpty();
    for (String e : List.of("e1", "e2", "e3")) {
      assertThat(Cli.ledger(warehouse, failing).get(e)).isEqualTo("FAILED SES_ERROR: InternalFailure (HTTP 503): "
          + "Service unavailable, try again. (2 attempts)");
      assertThat(Cli.deliveries(warehouse, failing).get(e)).isEqualTo("TEMPORARY_FAILURE 503 2");
    }
  }

  @Test
  void badSesSettingsAreRefusedBeforeAnythingIsRecorded() {
    String id = campaign("news@ses.example.com");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "SMS", "ses");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.SMS='ses': expected "
            + "outbox (ses sends EMAIL only)");
    spark.conf().unset(LakecastConf.SENDER_PREFIX + "SMS");
    spark.conf().set(LakecastConf.SES_ENDPOINT, "email.example.com/v2");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.email.ses.endpoint="
            + "'email.example.com/v2': expected empty (AWS) or the API's http:// or https:// URL without a path");
    spark.conf().set(LakecastConf.SES_ENDPOINT, ses.endpoint());
    spark.conf().set(LakecastConf.SES_MAX_ATTEMPTS, "0");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.email.ses.maxAttempts="
            + "'0': expected 1 to 10 calls");
    assertThat(Cli.ledger(warehouse, id)).isEmpty();
    assertThat(ses.bodies()).isEmpty();
  }
}
