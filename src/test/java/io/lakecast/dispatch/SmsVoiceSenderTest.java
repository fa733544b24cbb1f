package io.lakecast.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Secrets;
import io.lakecast.testing.SmsVoiceServer;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SMS through AWS End User Messaging SMS ({@code SendTextMessage}, AWS SDK v2) against a server on 127.0.0.1 that
 * answers the service's JSON protocol: each text is one call with Pinpoint's SMS members mapped to the service's
 * (origination identity, message type, India's entity and template ids as destination country parameters) and the
 * MessageId in its context; a number on the opt-out list is refused and not retried; throttling is retried and sends
 * each text once; 5xx answers are retried up to maxAttempts; each text has its {@code _SMS.BUFFERED} or
 * {@code _SMS.FAILURE} event; the AWS secret key is nowhere in the warehouse.
 */
class SmsVoiceSenderTest {
  static final String START = "2030-10-01T10:00:00Z";
  static final String ACCESS_KEY = "AKIDLAKECASTSMSTEST";
  /** The AWS secret access key the SDK signs with: it must appear nowhere Lakecast writes. */
  static final String SECRET = "planted-Aws-Secret-7e21b4";

  @TempDir static Path warehouse;
  static SparkSession spark;
  static SmsVoiceServer service;
  static Cli.Audience audience;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    service = new SmsVoiceServer(Set.of("+12065550103"));
    audience = Cli.smsAudience(warehouse, "eum", "Id,ChannelType,Address,Attributes.FirstName\n"
        + "t1,SMS,+12065550101,Ana\nt2,SMS,+12065550102,Bo\nt3,SMS,+12065550103,Cy\n");
  }

  @AfterAll
  static void tearDown() {
    service.close();
  }

  @BeforeEach
  void configure() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "SMS", "smsvoice");
    spark.conf().set(LakecastConf.SMS_VOICE_ENDPOINT, service.endpoint());
    service.reset();
  }

  @AfterEach
  void unconfigure() {
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "SMS", LakecastConf.SENDER_PREFIX + "EMAIL",
        LakecastConf.SENDER_PREFIX + "VOICE",
        LakecastConf.SMS_VOICE_ENDPOINT, LakecastConf.SMS_VOICE_CONFIGURATION_SET,
        LakecastConf.SMS_VOICE_MAX_ATTEMPTS)) {
      spark.conf().unset(k);
    }
  }

  static String campaign(String name, String origination) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{"
            + "\"SMSMessage\":{\"Body\":\"Hi {{Attributes.FirstName}}\"," + origination
            + "\"MessageType\":\"TRANSACTIONAL\",\"EntityId\":\"ent-1\",\"TemplateId\":\"tpl-9\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok().at("/CampaignResponse/Id").asText();
  }

  /** The calls the service received, each without its Context (the MessageId, checked apart), by destination. */
  static List<JsonNode> calls() {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode r : service.requests()) {
      ObjectNode copy = r.deepCopy();
      copy.remove("Context");
      out.add(copy);
    }
    out.sort(java.util.Comparator.comparing(r -> r.get("DestinationPhoneNumber").asText()));
    return out;
  }

  static JsonNode json(String text) throws Exception {
    return PinpointJson.mapper().readTree(text);
  }

  @Test
  void eachTextIsOneSendTextMessageWithPinpointsMembersMapped() throws Exception {
    spark.conf().set(LakecastConf.SMS_VOICE_CONFIGURATION_SET, "lakecast-sms");
    String id = campaign("mapped", "\"OriginationNumber\":\"+18005550199\",\"SenderId\":\"LAKECAST\",");
    audience.runCampaign(id, START);

    String rest = "\"OriginationIdentity\":\"+18005550199\",\"MessageType\":\"TRANSACTIONAL\","
        + "\"ConfigurationSetName\":\"lakecast-sms\",\"DestinationCountryParameters\":{\"IN_ENTITY_ID\":\"ent-1\","
        + "\"IN_TEMPLATE_ID\":\"tpl-9\"}}";
    assertThat(calls()).containsExactly(
        json("{\"DestinationPhoneNumber\":\"+12065550101\",\"MessageBody\":\"Hi Ana\"," + rest),
        json("{\"DestinationPhoneNumber\":\"+12065550102\",\"MessageBody\":\"Hi Bo\"," + rest),
        json("{\"DestinationPhoneNumber\":\"+12065550103\",\"MessageBody\":\"Hi Cy\"," + rest));
    Map<String, String> messageIds = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : Cli.outboxOf(warehouse, id).entrySet()) {
      JsonNode l = e.getValue();
      messageIds.put(e.getKey(), l.get("MessageId").asText());
      assertThat(l.get("Provider").asText()).isEqualTo("smsvoice");
      assertThat(l.has("Message")).as("a delivery record holds no message").isFalse();
    }
    assertThat(messageIds).containsOnlyKeys("t1", "t2");
    for (JsonNode r : service.requests()) {
      String endpoint = "t" + r.get("DestinationPhoneNumber").asText().substring(11);
      if (messageIds.containsKey(endpoint)) {
        assertThat(r.get("Context").toString()).isEqualTo("{\"lakecast_message_id\":\"" + messageIds.get(endpoint)
            + "\"}");
      }
    }
    assertThat(Cli.ledger(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "t1", "SENT", "t2", "SENT",
        "t3", "FAILED SMS_REJECTED: ConflictException (HTTP 400): The destination phone number +12065550103 is "
            + "opted out.")));
    assertThat(Cli.deliveries(warehouse, id)).as("DeliveryStatus StatusCode Attempts").containsExactlyEntriesOf(
        new TreeMap<>(Map.of("t1", "SUCCESSFUL 200 1", "t2", "SUCCESSFUL 200 1", "t3", "OPT_OUT 400 1")));

    // Each text has its _campaign.send and the SMS event of what the service answered.
    assertThat(Cli.campaignEvents(warehouse, id)).containsExactly(
        "_SMS.BUFFERED t1 {destination_phone_number=+12065550101, record_status=SUCCESSFUL, treatment_id=0}",
        "_SMS.BUFFERED t2 {destination_phone_number=+12065550102, record_status=SUCCESSFUL, treatment_id=0}",
        "_SMS.FAILURE t3 {destination_phone_number=+12065550103, record_status=OPTED_OUT, treatment_id=0}",
        "_campaign.send t1 {campaign_send_status=SUCCESS, delivery_type=SMS, treatment_id=0}",
        "_campaign.send t2 {campaign_send_status=SUCCESS, delivery_type=SMS, treatment_id=0}",
        "_campaign.send t3 {campaign_send_status=FAILURE, delivery_type=SMS, treatment_id=0}");

    // Run again: the occurrence is complete, nothing is sent or recorded twice.
    audience.runCampaign(id, START);
    assertThat(service.requests()).hasSize(3);
    assertThat(Cli.campaignEvents(warehouse, id)).hasSize(6);

    assertThat(service.authorizations()).allSatisfy(a -> assertThat(a).contains("Credential=" + ACCESS_KEY + "/"));
    assertThat(Secrets.filesHolding(warehouse, SECRET)).as("warehouse files holding the secret key").isEmpty();
    assertThat(Secrets.tablesHolding(warehouse, SECRET)).as("table rows holding the secret key").isEmpty();
  }

  @Test
  void throttlingIsRetriedAndEachTextIsSentOnceWhileAnOptOutIsNotRetried() {
    service.throttleNext(2);
    String id = campaign("throttled", "\"SenderId\":\"LAKECAST\",");
    audience.runCampaign(id, START);

    List<JsonNode> requests = service.requests();
    assertThat(requests).as("3 texts and 2 throttled calls").hasSize(5);
    assertThat(requests).allSatisfy(r -> assertThat(r.get("OriginationIdentity").asText()).isEqualTo("LAKECAST"));
    Map<String, String> ledger = Cli.ledger(warehouse, id);
    assertThat(ledger.get("t1")).isEqualTo("SENT");
    assertThat(ledger.get("t2")).isEqualTo("SENT");
    assertThat(ledger.get("t3")).startsWith("FAILED SMS_REJECTED: ConflictException");
    Map<String, String> deliveries = Cli.deliveries(warehouse, id);
    assertThat(deliveries.get("t1")).startsWith("SUCCESSFUL 200 ");
    assertThat(deliveries.get("t2")).startsWith("SUCCESSFUL 200 ");
    assertThat(deliveries.get("t3")).startsWith("OPT_OUT 400 ");
    assertThat(deliveries.values().stream().mapToInt(d -> Integer.parseInt(d.substring(d.lastIndexOf(' ') + 1))).sum())
        .as("attempts recorded, the throttled calls included").isEqualTo(5);
  }

  @Test
  void serverFailuresAreRetriedUpToMaxAttempts() {
    spark.conf().set(LakecastConf.SMS_VOICE_MAX_ATTEMPTS, "2");
    service.failNext(1000);
    String id = campaign("failing", "");
    audience.runCampaign(id, START);

    assertThat(service.requests()).as("2 calls per text").hasSize(6);
    assertThat(Cli.ledger(warehouse, id).values()).containsOnly("FAILED SMS_ERROR: InternalServerException "
        + "(HTTP 500): Internal failure, try again. (2 attempts)");
    assertThat(Cli.deliveries(warehouse, id).values()).containsOnly("TEMPORARY_FAILURE 500 2");
    assertThat(Cli.campaignEvents(warehouse, id)).contains(
        "_campaign.send t1 {campaign_send_status=TRANSIENT_FAILURE, delivery_type=SMS, treatment_id=0}",
        "_SMS.FAILURE t1 {destination_phone_number=+12065550101, record_status=UNREACHABLE, treatment_id=0}");
  }

  @Test
  void aVoiceMessageIsOneSendVoiceMessage() throws Exception {
    spark.conf().set(LakecastConf.SENDER_PREFIX + "VOICE", "smsvoice");
    JsonNode response = Cli.run("send-messages", "--application-id", audience.appId(), "--message-request",
        "{\"Addresses\":{\"+12065550111\":{\"ChannelType\":\"VOICE\"}},\"MessageConfiguration\":{\"VoiceMessage\":{"
            + "\"Body\":\"Your code is 4 2\",\"OriginationNumber\":\"+18005550199\",\"VoiceId\":\"Joanna\","
            + "\"LanguageCode\":\"en-US\"}}}").ok().get("MessageResponse");
    JsonNode result = response.at("/Result/+12065550111");
    assertThat(result.get("DeliveryStatus").asText()).isEqualTo("SUCCESSFUL");
    assertThat(result.get("StatusCode").asInt()).isEqualTo(200);
    assertThat(service.targets()).containsExactly("PinpointSMSVoiceV2.SendVoiceMessage");
    assertThat(service.requests().get(0)).isEqualTo(json("{\"DestinationPhoneNumber\":\"+12065550111\","
        + "\"OriginationIdentity\":\"+18005550199\",\"MessageBody\":\"Your code is 4 2\","
        + "\"MessageBodyTextType\":\"TEXT\",\"VoiceId\":\"JOANNA\",\"Context\":{\"lakecast_message_id\":\""
        + result.get("MessageId").asText() + "\"}}"));
  }

  @Test
  void badSettingsAreRefusedBeforeAnythingIsRecorded() {
    String id = campaign("misconfigured", "");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "EMAIL", "smsvoice");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.EMAIL='smsvoice': "
            + "expected outbox (smsvoice sends SMS and VOICE only)");
    spark.conf().unset(LakecastConf.SENDER_PREFIX + "EMAIL");
    spark.conf().set(LakecastConf.SMS_VOICE_MAX_ATTEMPTS, "11");
    assertThat(Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", id, "--at", START)
        .err()).startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.sms.smsvoice"
            + ".maxAttempts='11': expected 1 to 10 calls");
    assertThat(Cli.ledger(warehouse, id)).isEmpty();
    assertThat(service.requests()).isEmpty();
  }
}
