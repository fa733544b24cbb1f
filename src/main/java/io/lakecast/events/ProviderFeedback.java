package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the providers report after a send, as Pinpoint's channel events: the records of an Amazon SES configuration
 * set's event destination (or SES notifications) become {@code _email.delivered}, {@code _email.hardbounce},
 * {@code _email.softbounce}, {@code _email.complaint}, {@code _email.rejected}, {@code _email.open},
 * {@code _email.click} and {@code _email.rendering_failure}; those of an AWS End User Messaging SMS event destination
 * become {@code _SMS.SUCCESS} (delivered to the handset), {@code _SMS.BUFFERED} (accepted, pending or queued) or
 * {@code _SMS.FAILURE} with the service's status as {@code record_status}. A record may come as it is, inside an
 * EventBridge event ({@code detail}) or inside an SNS notification ({@code Message}).
 *
 * <p>A record names the message by the id Lakecast gave the provider: the SES email tag or header
 * {@code lakecast_message_id} / {@code X-Lakecast-Message-Id}, the SMS {@code context.lakecast_message_id}. The
 * event is first built without its endpoint ({@link #toStreamRecord}); the import then finds the message in the send
 * ledger ({@link #attribute}), which gives the endpoint and the campaign, activity and treatment ids. Each event's id
 * is the MessageId and its type (plus the time, for opens and clicks, which repeat), so a record imported twice, or
 * the send-time event Lakecast wrote itself, is held once.
 */
public final class ProviderFeedback {
  private ProviderFeedback() {}

  /** The attribute that carries a feedback event's MessageId until the ledger resolves it. */
  static final String FEEDBACK_OF = "lakecast_feedback_of";

  /** The reject reason of a record whose message the send ledger does not hold. */
  static final String UNKNOWN_MESSAGE = "UNKNOWN_MESSAGE";

  /** The SES email tag, SMS context key and email header that carry the MessageId. */
  static final String MESSAGE_ID_KEY = "lakecast_message_id";

  static final String MESSAGE_ID_HEADER = "X-Lakecast-Message-Id";

  /** Whether the JSON line is a provider's record (in an envelope or not). */
  static boolean isFeedback(JsonNode node) {
    JsonNode r = unwrapped(node);
    return r != null && (r.has("mail") && (r.has("eventType") || r.has("notificationType"))
        || r.path("eventType").asText("").startsWith("TEXT_"));
  }

  /** The record inside an EventBridge or SNS envelope, or the node itself; null when an SNS Message is not JSON. */
  static JsonNode unwrapped(JsonNode node) {
    if (node.path("detail").isObject() && node.get("detail").has("eventType")) {
      return node.get("detail");
    }
    if ("Notification".equals(node.path("Type").asText()) && node.path("Message").isTextual()) {
      try {
        return PinpointJson.mapper().readTree(node.get("Message").asText());
      } catch (IOException e) {
        return null;
      }
    }
    return node;
  }

  /** A provider's record as a Pinpoint event-stream record without its endpoint, or the reason it has none. */
  public record Converted(ObjectNode record, String reason, String problem) {
    static Converted refused(String reason, String problem) {
      return new Converted(null, reason, problem);
    }
  }

  /** The Pinpoint event-stream record of a provider's record (see the class comment). */
  static Converted toStreamRecord(JsonNode node) {
    JsonNode r = unwrapped(node);
    if (r == null) {
      return Converted.refused("INVALID_RECORD", "the SNS notification's Message is not JSON");
    }
    return r.has("mail") ? email(r) : sms(r);
  }

  private static Converted email(JsonNode r) {
    String kind = r.path("eventType").asText(r.path("notificationType").asText(""));
    JsonNode mail = r.get("mail");
    String messageId = emailMessageId(mail);
    if (messageId == null) {
      return Converted.refused(UNKNOWN_MESSAGE, "the SES record names no Lakecast message (no email tag "
          + MESSAGE_ID_KEY + " and no " + MESSAGE_ID_HEADER + " header): it was not sent by Lakecast");
    }
    String type;
    String member;
    String feedback;
    switch (kind) {
      case "Send" -> {
        type = "_email.send";
        member = "send";
        feedback = null;
      }
      case "Delivery" -> {
        type = "_email.delivered";
        member = "delivery";
        feedback = "delivered";
      }
      case "Bounce" -> {
        type = "Permanent".equals(r.path("bounce").path("bounceType").asText()) ? "_email.hardbounce"
            : "_email.softbounce";
        member = "bounce";
        feedback = "bounced";
      }
      case "Complaint" -> {
        type = "_email.complaint";
        member = "complaint";
        feedback = "complained";
      }
      case "Reject" -> {
        type = "_email.rejected";
        member = "reject";
        feedback = "rejected";
      }
      case "Open" -> {
        type = "_email.open";
        member = "open";
        feedback = "opened";
      }
      case "Click" -> {
        boolean unsubscribe = r.path("click").path("linkTags").has("unsubscribeLinkTag");
        type = unsubscribe ? "_email.unsubscribe" : "_email.click";
        member = "click";
        feedback = r.path("click").path("link").asText(null);
      }
      case "Rendering Failure" -> {
        type = "_email.rendering_failure";
        member = null;
        feedback = null;
      }
      default -> {
        return Converted.refused("UNSUPPORTED_RECORD", "SES " + (kind.isEmpty() ? "records without an eventType"
            : "'" + kind + "' records") + " have no Pinpoint event (expected Send, Delivery, Bounce, Complaint, "
            + "Reject, Open, Click or Rendering Failure)");
      }
    }
    JsonNode detail = member == null ? null : r.get(member);
    Long at = null;
    if (detail != null && detail.path("timestamp").isTextual()) {
      at = EventRecords.millis(detail.get("timestamp").asText());
    }
    if (at == null && mail.path("timestamp").isTextual()) {
      at = EventRecords.millis(mail.get("timestamp").asText());
    }
    if (at == null) {
      return Converted.refused("INVALID_RECORD", "the SES record has no ISO 8601 timestamp (mail.timestamp)");
    }
    ObjectNode out = base(type, at, messageId, type.equals("_email.open") || type.equals("_email.click")
        || type.equals("_email.unsubscribe"));
    ObjectNode attributes = (ObjectNode) out.get("attributes");
    if (feedback != null) {
      attributes.put("feedback", feedback);
    }
    ObjectNode event = out.putObject("facets").putObject("email_channel").putObject("mail_event");
    ObjectNode m = event.putObject("mail");
    m.put("message_id", messageId);
    Long sent = mail.path("timestamp").isTextual() ? EventRecords.millis(mail.get("timestamp").asText()) : null;
    if (sent != null) {
      m.put("message_send_timestamp", sent);
    }
    copy(mail, "source", m, "from_address");
    m.set("destination", mail.path("destination").deepCopy());
    if (mail.has("headersTruncated")) {
      m.put("headers_truncated", mail.get("headersTruncated").asBoolean());
    }
    if (mail.path("headers").isArray()) {
      m.set("headers", mail.get("headers").deepCopy());
    }
    JsonNode common = mail.path("commonHeaders");
    if (common.isObject()) {
      ObjectNode c = m.putObject("common_headers");
      c.put("from", common.path("from").isArray() ? common.get("from").path(0).asText(null)
          : common.path("from").asText(null));
      c.set("to", common.path("to").deepCopy());
      copy(common, "subject", c, "subject");
    }
    if (member != null) {
      ObjectNode d = event.putObject(member);
      if (detail != null) {
        snakeCase(detail, d);
      }
    }
    return new Converted(out, null, null);
  }

  private static Converted sms(JsonNode r) {
    String kind = r.path("eventType").asText();
    String messageId = r.path("context").path(MESSAGE_ID_KEY).asText(null);
    if (messageId == null) {
      return Converted.refused(UNKNOWN_MESSAGE, "the SMS record names no Lakecast message (no context."
          + MESSAGE_ID_KEY + "): it was not sent by Lakecast");
    }
    if (!r.path("eventTimestamp").isIntegralNumber()) {
      return Converted.refused("INVALID_RECORD", "the SMS record has no eventTimestamp (Unix milliseconds)");
    }
    String status = r.path("messageStatus").asText(kind.substring("TEXT_".length()));
    String type = switch (kind) {
      case "TEXT_DELIVERED" -> "_SMS.SUCCESS";
      case "TEXT_SUCCESSFUL", "TEXT_PENDING", "TEXT_QUEUED" -> "_SMS.BUFFERED";
      default -> "_SMS.FAILURE";
    };
    ObjectNode out = base(type, r.get("eventTimestamp").asLong(), messageId, false);
    ObjectNode attributes = (ObjectNode) out.get("attributes");
    attributes.put("message_id", messageId);
    attributes.put("record_status", status);
    copy(r, "messageId", attributes, "sender_request_id");
    copy(r, "originationPhoneNumber", attributes, "origination_phone_number");
    copy(r, "destinationPhoneNumber", attributes, "destination_phone_number");
    copy(r, "isoCountryCode", attributes, "iso_country_code");
    if (r.has("totalMessageParts")) {
      attributes.put("number_of_message_parts", r.get("totalMessageParts").asText());
    }
    if (r.path("messageType").isTextual()) {
      String t = r.get("messageType").asText().toLowerCase(Locale.ROOT);
      attributes.put("message_type", t.isEmpty() ? t : Character.toUpperCase(t.charAt(0)) + t.substring(1));
    }
    if (r.path("totalMessagePrice").isNumber()) {
      // US dollars to thousandths of a US cent.
      out.putObject("metrics").put("price_in_millicents_usd",
          r.get("totalMessagePrice").decimalValue().movePointRight(5).doubleValue());
    }
    return new Converted(out, null, null);
  }

  /** The record's common members; opens and clicks, which repeat, have their time in their id. */
  private static ObjectNode base(String type, long at, String messageId, boolean repeats) {
    ObjectNode out = PinpointJson.mapper().createObjectNode();
    out.put("event_type", type);
    out.put("event_timestamp", at);
    out.put("event_version", "3.1");
    out.putObject("attributes").put(FEEDBACK_OF, messageId);
    out.put("event_id", messageId + ":" + type + (repeats ? ":" + at : ""));
    return out;
  }

  /** The MessageId of an SES record: its email tag, else its header. */
  private static String emailMessageId(JsonNode mail) {
    JsonNode tag = mail.path("tags").path(MESSAGE_ID_KEY);
    if (tag.isArray() && tag.size() > 0) {
      return tag.get(0).asText();
    }
    for (JsonNode h : mail.path("headers")) {
      if (MESSAGE_ID_HEADER.equalsIgnoreCase(h.path("name").asText())) {
        return h.path("value").asText(null);
      }
    }
    return null;
  }

  /** SES's camelCase members as the event store's snake_case ones (recursively; arrays of objects too). */
  private static void snakeCase(JsonNode from, ObjectNode to) {
    from.fields().forEachRemaining(f -> to.set(snake(f.getKey()), snaked(f.getValue())));
  }

  private static JsonNode snaked(JsonNode v) {
    if (v.isObject()) {
      ObjectNode o = PinpointJson.mapper().createObjectNode();
      snakeCase(v, o);
      return o;
    }
    if (v.isArray()) {
      ArrayNode a = PinpointJson.mapper().createArrayNode();
      v.forEach(item -> a.add(snaked(item)));
      return a;
    }
    return v;
  }

  static String snake(String camel) {
    if (camel.equals("unsubscribeLinkTag")) {
      // The store keeps this one as SES spells it.
      return camel;
    }
    // An acronym is one word: reportingMTA is reporting_mta.
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        if (i > 0 && !Character.isUpperCase(camel.charAt(i - 1))) {
          out.append('_');
        }
        out.append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void copy(JsonNode from, String member, ObjectNode to, String as) {
    if (from.path(member).isValueNode() && !from.get(member).isNull()) {
      to.put(as, from.get(member).asText());
    }
  }

  /**
   * The read rows with every feedback event attributed through {@code ledger} (the application's send-ledger rows:
   * MessageId, EndpointId, CampaignId, ActivityId, TreatmentId): its endpoint as {@code client.client_id}, the
   * campaign's ids in its attributes; a feedback event whose message the ledger does not hold becomes a refusal,
   * {@value #UNKNOWN_MESSAGE}. Other rows pass unchanged.
   */
  static Dataset<Row> attribute(Dataset<Row> read, Dataset<Row> ledger) {
    Column of = col("attributes").getItem(FEEDBACK_OF);
    Dataset<Row> l = ledger.select(col("MessageId").as("f_message"), col("EndpointId").as("f_endpoint"),
        col("CampaignId").as("f_campaign"), col("ActivityId").as("f_activity"), col("TreatmentId").as("f_treatment"));
    Dataset<Row> joined = read.join(l, of.equalTo(col("f_message")), "left");
    Column feedback = of.isNotNull();
    Column found = col("f_endpoint").isNotNull();
    Column ids = map_filter(map(lit("campaign_id"), col("f_campaign"), lit("campaign_activity_id"), col("f_activity"),
        lit("treatment_id"), col("f_treatment")), (k, v) -> v.isNotNull());
    Map<String, Column> replaced = Map.of(
        "client", when(feedback, struct(col("f_endpoint").as("client_id"), col("client.cognito_id").as("cognito_id")))
            .otherwise(col("client")),
        "attributes", when(feedback, map_concat(map_filter(col("attributes"), (k, v) -> k.notEqual(lit(FEEDBACK_OF))),
            ids)).otherwise(col("attributes")),
        "reject_reason", when(feedback.and(found.unary_$bang()), lit(UNKNOWN_MESSAGE)).otherwise(col("reject_reason")),
        "reject_message", when(feedback.and(found.unary_$bang()), concat(lit("no message "), of,
            lit(" in the send ledger of the application: the record is of a message Lakecast did not send")))
            .otherwise(col("reject_message")));
    return joined.withColumns(replaced).drop("f_message", "f_endpoint", "f_campaign", "f_activity", "f_treatment");
  }
}
