package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers' reports after a send, imported with create-events-import-job: SES event-destination records (as they
 * are, or in an SNS notification) and End User Messaging SMS events (in an EventBridge event, or as they are) become
 * Pinpoint's delivery, bounce, open, click and SMS events of the endpoint and campaign the send ledger names for the
 * message; records of messages Lakecast did not send, and kinds Pinpoint has no event for, are refused by line.
 */
class ProviderFeedbackTest {
  static final String START = "2030-09-01T10:00:00Z";

  @TempDir static Path warehouse;
  @TempDir static Path source;

  /** An SES event-destination record of {@code kind} for the message, its id in the email tag. */
  static String ses(String kind, String messageId, String detail) {
    return "{\"eventType\":\"" + kind + "\",\"mail\":{\"timestamp\":\"2030-09-01T10:00:01.000Z\","
        + "\"source\":\"news@example.com\",\"messageId\":\"0100018f-ses-id\",\"destination\":[\"ana@example.com\"],"
        + "\"headersTruncated\":false,\"commonHeaders\":{\"from\":[\"news@example.com\"],\"to\":[\"ana@example.com\"],"
        + "\"subject\":\"Autumn\"},\"tags\":{\"lakecast_message_id\":[\"" + messageId + "\"]}}" + detail + "}";
  }

  @Test
  void deliveriesBouncesOpensClicksAndCarrierReceiptsBecomeTheCampaignsEventsOnce() throws Exception {
    SparkTestSession.withWarehouse(warehouse);
    Cli.Audience audience = Cli.audience(warehouse, "feedback", "Id,ChannelType,Address\n"
        + "e1,EMAIL,ana@example.com\ns1,SMS,+12065550101\ns2,SMS,+12065550102\n", "EMAIL", "SMS");
    String campaignId = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{\"EmailMessage\":{"
            + "\"FromAddress\":\"news@example.com\",\"Title\":\"Autumn\",\"Body\":\"Sale\"},"
            + "\"SMSMessage\":{\"Body\":\"Sale\"}},\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok()
        .at("/CampaignResponse/Id").asText();
    String activityId = audience.runCampaign(campaignId, START).at("/Activities/0/Id").asText();
    Map<String, String> ids = new TreeMap<>();
    Cli.outboxOf(warehouse, campaignId).forEach((endpoint, line) -> ids.put(endpoint, line.get("MessageId").asText()));
    assertThat(ids).containsOnlyKeys("e1", "s1", "s2");
    String email = ids.get("e1");

    String bounce = ses("Bounce", "", ",\"bounce\":{\"bounceType\":\"Permanent\",\"bounceSubType\":\"General\","
        + "\"bouncedRecipients\":[{\"emailAddress\":\"ana@example.com\",\"action\":\"failed\",\"status\":\"5.1.1\","
        + "\"diagnosticCode\":\"smtp; 550 5.1.1 user unknown\"}],\"timestamp\":\"2030-09-01T10:00:05.000Z\","
        + "\"feedbackId\":\"fb-1\",\"reportingMTA\":\"dsn; a1.example.com\"}")
        // Only the header names this one's message.
        .replace("\"tags\":{\"lakecast_message_id\":[\"\"]}",
            "\"headers\":[{\"name\":\"X-Lakecast-Message-Id\",\"value\":\"" + email + "\"}]");
    String secondOpen = ses("Open", email, ",\"open\":{\"ipAddress\":\"192.0.2.9\",\"timestamp\":"
        + "\"2030-09-02T08:00:00.000Z\",\"userAgent\":\"Mail/2\"}");
    List<String> lines = List.of(
        ses("Delivery", email, ",\"delivery\":{\"timestamp\":\"2030-09-01T10:00:03.000Z\",\"processingTimeMillis\":"
            + "2000,\"recipients\":[\"ana@example.com\"],\"smtpResponse\":\"250 2.6.0 Message received\","
            + "\"reportingMTA\":\"a1.example.com\"}"),
        bounce,
        ses("Open", email, ",\"open\":{\"ipAddress\":\"192.0.2.1\",\"timestamp\":\"2030-09-01T11:00:00.000Z\","
            + "\"userAgent\":\"Mail/1\"}"),
        "{\"Type\":\"Notification\",\"MessageId\":\"sns-1\",\"Message\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(secondOpen) + "}",
        ses("Click", email, ",\"click\":{\"ipAddress\":\"192.0.2.1\",\"timestamp\":\"2030-09-01T11:00:10.000Z\","
            + "\"userAgent\":\"Mail/1\",\"link\":\"https://shop.example.com/sale\",\"linkTags\":{}}"),
        ses("DeliveryDelay", email, ",\"deliveryDelay\":{\"delayType\":\"MailboxFull\"}"),
        ses("Delivery", "f".repeat(32), ",\"delivery\":{\"timestamp\":\"2030-09-01T10:00:03.000Z\"}"),
        ses("Delivery", "", "").replace(",\"tags\":{\"lakecast_message_id\":[\"\"]}", ""),
        "{\"version\":\"0\",\"detail-type\":\"Text Message Delivery Status Updated\",\"source\":\"aws.sms-voice\","
            + "\"detail\":{\"eventType\":\"TEXT_DELIVERED\",\"eventVersion\":\"1.0\",\"eventTimestamp\":1914487210000,"
            + "\"isFinal\":true,\"originationPhoneNumber\":\"+18005550199\","
            + "\"destinationPhoneNumber\":\"+12065550101\","
            + "\"isoCountryCode\":\"US\",\"messageId\":\"sms-req-1\",\"messageType\":\"PROMOTIONAL\","
            + "\"messageStatus\":\"DELIVERED\",\"context\":{\"lakecast_message_id\":\"" + ids.get("s1") + "\"},"
            + "\"totalMessageParts\":1,\"totalMessagePrice\":0.00581}}",
        "{\"eventType\":\"TEXT_BLOCKED\",\"eventTimestamp\":1914487220000,\"destinationPhoneNumber\":\"+12065550102\","
            + "\"messageId\":\"sms-req-2\",\"messageStatus\":\"BLOCKED\",\"context\":{\"lakecast_message_id\":\""
            + ids.get("s2") + "\"}}");
    Files.write(source.resolve("feedback.ndjson"), lines);
    String[] importJob = {"create-events-import-job", "--application-id", audience.appId(),
        "--events-import-job-request", "{\"S3Url\":\"" + source + "\"}"};

    JsonNode job = Cli.run(importJob).ok().get("EventsImportJobResponse");
    assertThat(job.get("TotalProcessed").asInt()).as("records").isEqualTo(10);
    assertThat(job.get("TotalFailures").asInt()).isEqualTo(3);
    String file = "file:" + source.resolve("feedback.ndjson");
    List<String> failures = new ArrayList<>();
    job.get("Failures").forEach(f -> failures.add(f.asText()));
    assertThat(failures).containsExactly(
        file + " line 6: [UNSUPPORTED_RECORD] SES 'DeliveryDelay' records have no Pinpoint event (expected Send, "
            + "Delivery, Bounce, Complaint, Reject, Open, Click or Rendering Failure)",
        file + " line 7: [UNKNOWN_MESSAGE] no message " + "f".repeat(32) + " in the send ledger of the application: "
            + "the record is of a message Lakecast did not send",
        file + " line 8: [UNKNOWN_MESSAGE] the SES record names no Lakecast message (no email tag lakecast_message_id "
            + "and no X-Lakecast-Message-Id header): it was not sent by Lakecast");

    String campaign = "campaign_activity_id=" + activityId + ", campaign_id=" + campaignId + ", ";
    List<String> expected = List.of(
        "_email.delivered e1 " + email + ":_email.delivered {" + campaign + "feedback=delivered, treatment_id=0} "
            + "delivery={250 2.6.0 Message received, a1.example.com, [ana@example.com], 2000}",
        "_email.hardbounce e1 " + email + ":_email.hardbounce {" + campaign + "feedback=bounced, treatment_id=0} "
            + "bounce={Permanent, General, [{ana@example.com, failed, 5.1.1, smtp; 550 5.1.1 user unknown}], fb-1, "
            + "dsn; a1.example.com}",
        "_SMS.SUCCESS s1 " + ids.get("s1") + ":_SMS.SUCCESS {" + campaign + "destination_phone_number=+12065550101, "
            + "iso_country_code=US, message_id=" + ids.get("s1") + ", message_type=Promotional, "
            + "number_of_message_parts=1, origination_phone_number=+18005550199, record_status=DELIVERED, "
            + "sender_request_id=sms-req-1, treatment_id=0} price=581.0",
        "_SMS.FAILURE s2 " + ids.get("s2") + ":_SMS.FAILURE {" + campaign + "destination_phone_number=+12065550102, "
            + "message_id=" + ids.get("s2") + ", record_status=BLOCKED, sender_request_id=sms-req-2, treatment_id=0} "
            + "price=null",
        "_email.open e1 " + email + ":_email.open:1914490800000 {" + campaign + "feedback=opened, treatment_id=0} "
            + "open={192.0.2.1, Mail/1}",
        "_email.click e1 " + email + ":_email.click:1914490810000 {" + campaign
            + "feedback=https://shop.example.com/sale, treatment_id=0} click={192.0.2.1, Mail/1, "
            + "https://shop.example.com/sale, {null}}",
        "_email.open e1 " + email + ":_email.open:1914566400000 {" + campaign + "feedback=opened, treatment_id=0} "
            + "open={192.0.2.9, Mail/2}");
    assertThat(feedbackEvents(audience.appId())).isEqualTo(expected);

    // The email events carry the message as the send-time _email.send does: our MessageId, SES's sender and subject.
    Row mail = SparkTestSession.get().read().parquet(warehouse.resolve("events").toString())
        .filter(col("event_type").equalTo("_email.delivered"))
        .select("facets.email_channel.mail_event.mail.*").first();
    assertThat(mail.<String>getAs("message_id")).isEqualTo(email);
    assertThat(mail.<Long>getAs("message_send_timestamp")).isEqualTo(1914487201000L);
    assertThat(mail.<String>getAs("from_address")).isEqualTo("news@example.com");
    assertThat(plain(mail.getAs("common_headers"))).isEqualTo("{news@example.com, [ana@example.com], Autumn}");

    // Imported again: nothing new.
    Cli.run(importJob).ok();
    assertThat(feedbackEvents(audience.appId())).isEqualTo(expected);
  }

  /** Each stored event but the campaign's own sends: type, endpoint, id, attributes, and its facet or price. */
  static List<String> feedbackEvents(String appId) {
    List<String> out = new ArrayList<>();
    for (Row r : SparkTestSession.get().read().parquet(warehouse.resolve("events").toString())
        .filter(col("app_id").equalTo(appId).and(col("event_type").notEqual("_campaign.send")))
        .orderBy("event_timestamp").collectAsList()) {
      String type = r.getAs("event_type");
      StringBuilder line = new StringBuilder(type + " " + r.<Row>getAs("client").getString(0) + " "
          + r.getAs("event_id") + " " + new TreeMap<>(r.<String, String>getJavaMap(r.fieldIndex("attributes"))));
      if (type.startsWith("_email.")) {
        String member = type.substring("_email.".length()).replace("delivered", "delivery")
            .replace("hardbounce", "bounce");
        Row event = r.<Row>getAs("facets").getStruct(0).getStruct(0);
        line.append(" ").append(member).append("=").append(plain(event.get(event.fieldIndex(member))));
      } else {
        line.append(" price=").append(r.<Row>getAs("metrics").get(0));
      }
      out.add(line.toString());
    }
    return out;
  }

  /** A struct as {a, b, …}, arrays as [..]. */
  static String plain(Object v) {
    if (v instanceof Row row) {
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < row.length(); i++) {
        parts.add(plain(row.get(i)));
      }
      return "{" + String.join(", ", parts) + "}";
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      List<String> parts = new ArrayList<>();
      scala.jdk.javaapi.CollectionConverters.asJava(seq).forEach(x -> parts.add(plain(x)));
      return "[" + String.join(", ", parts) + "]";
    }
    return String.valueOf(v);
  }
}
