package io.lakecast.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.HttpsTestServer;
import io.lakecast.testing.HttpsTestServer.Answer;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Direct sends: send-messages and send-users-messages answer Pinpoint's MessageResponse and SendUsersMessageResponse
 * with each recipient's DeliveryStatus, StatusCode and StatusMessage; emails go to the outbox, texts to an HTTP SMS
 * provider on 127.0.0.1; opted-out, unknown and duplicate recipients are not sent; every recipient has a ledger row
 * and the texts their SMS events.
 */
class SendMessagesTest {
  @TempDir static Path warehouse;
  @TempDir static Path certs;
  static SparkSession spark;
  static HttpsTestServer server;
  static String appId;

  static final String MESSAGE = "\"MessageConfiguration\":{\"EmailMessage\":{\"FromAddress\":\"news@example.com\","
      + "\"SimpleEmail\":{\"Subject\":{\"Data\":\"Hello {{FirstName}}\"},\"TextPart\":{\"Data\":\"Winter sale\"}},"
      + "\"Substitutions\":{\"FirstName\":[\"friend\"]}},"
      + "\"SMSMessage\":{\"Body\":\"Hi {{User.UserAttributes.FirstName}}, code {{Code}}\",\"MessageType\":"
      + "\"TRANSACTIONAL\",\"Substitutions\":{\"Code\":[\"0000\"]}}}";

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    server = new HttpsTestServer(certs);
    appId = Cli.audience(warehouse, "direct",
        "Id,ChannelType,Address,OptOut,User.UserId,User.UserAttributes.FirstName\n"
        + "e1,EMAIL,ana@example.com,NONE,u1,Ana\ne2,EMAIL,bo@example.com,NONE,u2,Bo\n"
        + "e3,EMAIL,cy@example.com,ALL,u3,Cy\ns1,SMS,+12065550101,NONE,u1,Ana\n", "EMAIL", "SMS").appId();
    spark.conf().set(LakecastConf.SENDER_PREFIX + "SMS", "http");
    spark.conf().set(LakecastConf.SMS_HTTP_URL, server.serve("/sms", body -> Answer.ok("{}")));
    spark.conf().set(LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES, server.certificate().toString());
  }

  @AfterAll
  static void tearDown() {
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "SMS", LakecastConf.SMS_HTTP_URL,
        LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES)) {
      spark.conf().unset(k);
    }
    server.close();
  }

  /** The response with each MessageId (32 hex characters, asserted) and the RequestId replaced by "id". */
  static String withoutIds(JsonNode response) {
    ObjectNode r = response.deepCopy();
    assertThat(r.get("RequestId").asText()).matches("[0-9a-f]{32}");
    r.put("RequestId", "id");
    r.findParents("MessageId").forEach(p -> {
      assertThat(p.get("MessageId").asText()).matches("[0-9a-f]{32}");
      ((ObjectNode) p).put("MessageId", "id");
    });
    return r.toString();
  }

  @Test
  void eachRecipientGetsItsOutcomeAndOnlyTheSendableOnesAreSent() throws Exception {
    int textsBefore = server.received("/sms").size();
    JsonNode response = Cli.run("send-messages", "--application-id", appId, "--message-request", "{"
        + "\"Addresses\":{\"dana@example.com\":{\"ChannelType\":\"EMAIL\","
        + "\"Substitutions\":{\"FirstName\":[\"Dana\"]}},"
        + "\"cy@example.com\":{\"ChannelType\":\"EMAIL\"},"
        + "\"+12065550199\":{\"ChannelType\":\"SMS\",\"BodyOverride\":\"Code 1234\","
        + "\"Context\":{\"flow\":\"login\",\"tier\":\"otp\"}},"
        + "\"ana@example.com\":{\"ChannelType\":\"EMAIL\",\"TitleOverride\":\"Hi there\"}},"
        + "\"Endpoints\":{\"e1\":{},\"e2\":{},\"e3\":{},\"nope\":{},\"s1\":{\"Substitutions\":{\"Code\":[\"42\"]}}},"
        + "\"Context\":{\"tier\":\"gold\",\"record_status\":\"mine\"},\"TraceId\":\"trace-7\","
        + MESSAGE + "}").ok().get("MessageResponse");

    String optedOut = "\"DeliveryStatus\":\"OPT_OUT\",\"MessageId\":\"id\",\"StatusCode\":400,\"StatusMessage\":"
        + "\"OPT_OUT: ";
    String ok = "\"DeliveryStatus\":\"SUCCESSFUL\",\"MessageId\":\"id\",\"StatusCode\":200,\"StatusMessage\":"
        + "\"Accepted\"}";
    assertThat(withoutIds(response)).isEqualTo("{\"ApplicationId\":\"" + appId + "\",\"EndpointResult\":{"
        + "\"e1\":{\"Address\":\"ana@example.com\",\"DeliveryStatus\":\"DUPLICATE\",\"MessageId\":\"id\","
        + "\"StatusCode\":400,\"StatusMessage\":\"DUPLICATE: the address has a message in this request already\"},"
        + "\"e2\":{\"Address\":\"bo@example.com\"," + ok + ","
        + "\"e3\":{\"Address\":\"cy@example.com\"," + optedOut + "the endpoint opted out\"},"
        + "\"nope\":{\"DeliveryStatus\":\"PERMANENT_FAILURE\",\"MessageId\":\"id\",\"StatusCode\":404,"
        + "\"StatusMessage\":\"ENDPOINT_NOT_FOUND: no endpoint nope in the application\"},"
        + "\"s1\":{\"Address\":\"+12065550101\"," + ok + "},"
        + "\"RequestId\":\"id\",\"Result\":{"
        + "\"+12065550199\":{" + ok + ","
        + "\"ana@example.com\":{" + ok + ","
        + "\"cy@example.com\":{" + optedOut + "an endpoint of the application with this address opted out\"},"
        + "\"dana@example.com\":{" + ok + "}}");

    // The emails went to the outbox with their substitutions (the recipient's over the message's); the texts to
    // the provider, the endpoint's own variables rendered.
    String requestId = response.get("RequestId").asText();
    List<String> messageIds = response.findValuesAsText("MessageId");
    List<String> emails = new ArrayList<>();
    for (JsonNode line : Cli.outbox(warehouse)) {
      if (messageIds.contains(line.get("MessageId").asText()) && line.get("ChannelType").asText().equals("EMAIL")) {
        emails.add(line.get("Address").asText() + " | " + line.at("/Message/Title").asText() + " | "
            + line.at("/Message/Body").asText() + " | " + line.at("/Message/FromAddress").asText());
      }
    }
    emails.sort(null);
    assertThat(emails).containsExactly(
        "ana@example.com | Hi there | Winter sale | news@example.com",
        "bo@example.com | Hello friend | Winter sale | news@example.com",
        "dana@example.com | Hello Dana | Winter sale | news@example.com");
    List<String> texts = new ArrayList<>();
    for (String body : server.received("/sms").subList(textsBefore, server.received("/sms").size())) {
      JsonNode b = PinpointJson.mapper().readTree(body);
      texts.add(b.get("To").asText() + " | " + b.get("Body").asText() + " | " + b.get("MessageType").asText());
    }
    texts.sort(null);
    assertThat(texts).containsExactly("+12065550101 | Hi Ana, code 42 | TRANSACTIONAL",
        "+12065550199 | Code 1234 | TRANSACTIONAL");

    // Every recipient is in the ledger under the request, without a campaign.
    List<String> ledger = new ArrayList<>();
    for (Row r : spark.read().format("delta").load(warehouse.resolve("send_ledger").toString())
        .filter(functions.col("RunId").equalTo(requestId)).collectAsList()) {
      ledger.add(r.getAs("EndpointId") + " " + r.getAs("Address") + " " + r.getAs("Status") + " "
          + r.getAs("DeliveryStatus") + " " + r.getAs("Attempts") + " " + r.getAs("CampaignId"));
    }
    ledger.sort(null);
    assertThat(ledger).containsExactly(
        "e1 ana@example.com FAILED DUPLICATE 0 null",
        "e2 bo@example.com SENT SUCCESSFUL 1 null",
        "e3 cy@example.com FAILED OPT_OUT 0 null",
        "nope null FAILED PERMANENT_FAILURE 0 null",
        "null +12065550199 SENT SUCCESSFUL 1 null",
        "null ana@example.com SENT SUCCESSFUL 1 null",
        "null cy@example.com FAILED OPT_OUT 0 null",
        "null dana@example.com SENT SUCCESSFUL 1 null",
        "s1 +12065550101 SENT SUCCESSFUL 1 null");

    // The texts the provider took have their _SMS.BUFFERED event, with the request's Context (the recipient's
    // winning, none replacing an attribute of the event) and its TraceId.
    List<String> events = new ArrayList<>();
    for (Row r : spark.read().parquet(warehouse.resolve("events").toString())
        .filter(functions.col("app_id").equalTo(appId)
            .and(functions.col("event_type").startsWith("_SMS.")))
        .select("event_type", "attributes").collectAsList()) {
      Map<String, String> attributes = new TreeMap<>(r.getJavaMap(1));
      attributes.remove("message_id");
      events.add(r.getString(0) + " " + attributes);
    }
    events.sort(null);
    assertThat(events).containsExactly(
        "_SMS.BUFFERED {destination_phone_number=+12065550101, record_status=SUCCESSFUL, tier=gold, trace_id=trace-7}",
        "_SMS.BUFFERED {destination_phone_number=+12065550199, flow=login, record_status=SUCCESSFUL, tier=otp, "
            + "trace_id=trace-7}");
  }

  @Test
  void aUsersMessageGoesToEveryEndpointOfEachUser() {
    JsonNode response = Cli.run("send-users-messages", "--application-id", appId, "--send-users-message-request",
        "{\"Users\":{\"u1\":{\"Substitutions\":{\"Code\":[\"7\"]}},\"ghost\":{}}," + MESSAGE + "}").ok()
        .get("SendUsersMessageResponse");
    String ok = "\"DeliveryStatus\":\"SUCCESSFUL\",\"MessageId\":\"id\",\"StatusCode\":200,\"StatusMessage\":"
        + "\"Accepted\"}";
    assertThat(withoutIds(response)).isEqualTo("{\"ApplicationId\":\"" + appId + "\",\"RequestId\":\"id\","
        + "\"Result\":{\"ghost\":{},\"u1\":{\"e1\":{\"Address\":\"ana@example.com\"," + ok + ","
        + "\"s1\":{\"Address\":\"+12065550101\"," + ok + "}}}");
  }

  @Test
  void badRequestsAreRefusedByMemberBeforeAnythingIsSent() {
    String[][] cases = {
        {"{\"Addresses\":{\"a@example.com\":{\"ChannelType\":\"EMAIL\"}}}",
            "BadRequestException: Missing required member 'MessageConfiguration' in MessageRequest"},
        {"{\"Addresses\":{\"a@example.com\":{}}," + MESSAGE + "}",
            "BadRequestException: Missing required member 'Addresses.a@example.com.ChannelType' in MessageRequest"},
        {"{" + MESSAGE + "}",
            "BadRequestException: Missing required member 'Addresses and Endpoints' in MessageRequest"},
        {"{\"Endpoints\":{\"e1\":{}},\"MessageConfiguration\":{\"EmailMessage\":{\"RawEmail\":{\"Data\":\"*x*\"}}}}",
            "BadRequestException: Invalid MessageConfiguration.EmailMessage.RawEmail.Data in MessageRequest: "
                + "not base64 ("},
        {"{\"Endpoints\":{\"e1\":{}},\"MessageConfiguration\":{\"EmailMessage\":{\"RawEmail\":{}}}}",
            "BadRequestException: Missing required member 'MessageConfiguration.EmailMessage.RawEmail.Data' in "
                + "MessageRequest"},
    };
    for (String[] c : cases) {
      Cli.Run r = Cli.run("send-messages", "--application-id", appId, "--message-request", c[0]);
      assertThat(r.exitCode()).as(c[0]).isEqualTo(2);
      assertThat(r.err()).as(c[0]).startsWith(c[1]);
    }
    StringBuilder many = new StringBuilder("{\"Endpoints\":{");
    for (int i = 0; i < 101; i++) {
      many.append(i == 0 ? "" : ",").append("\"x").append(i).append("\":{}");
    }
    Cli.Run tooMany = Cli.run("send-messages", "--application-id", appId, "--message-request",
        many + "}," + MESSAGE + "}");
    assertThat(tooMany.exitCode()).isEqualTo(2);
    assertThat(tooMany.err()).isEqualTo("BadRequestException: Invalid Addresses and Endpoints in MessageRequest: 101 "
        + "recipients; at most 100 per request (Pinpoint's limit)\n");
  }
}
