package io.lakecast.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.warehouse.Table;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One PutEvents {@code Event} as a row of the event store, or the reason it is refused. Pure: the same rules serve
 * put-events (a hundred events on the driver) and the bulk events import (every line in the executors).
 *
 * <p>Pinpoint's per-event limits: {@code EventType} and {@code Timestamp} (ISO 8601) are required; at most
 * {@value #MAX_KEYS} attribute and metric keys together; attribute names of at most {@value #MAX_KEY_LENGTH}
 * characters and values of at most {@value #MAX_VALUE_LENGTH} (a longer value drops the event, as Pinpoint does); an
 * event of at most {@value #MAX_EVENT_BYTES} bytes.
 */
public final class EventRecords {
  private EventRecords() {}

  public static final int MAX_KEYS = 40;
  public static final int MAX_KEY_LENGTH = 50;
  public static final int MAX_VALUE_LENGTH = 200;
  public static final int MAX_EVENT_BYTES = 1_000 * 1024;
  /** The event_version Pinpoint gives app events. */
  public static final String APP_EVENT_VERSION = "3.0";

  static final Set<String> EVENT_MEMBERS = new TreeSet<>(List.of("AppPackageName", "AppTitle", "AppVersionCode",
      "Attributes", "ClientSdkVersion", "EventType", "Metrics", "SdkName", "Session", "Timestamp"));
  static final Set<String> SESSION_MEMBERS = new TreeSet<>(List.of("Duration", "Id", "StartTimestamp",
      "StopTimestamp"));

  /** The row, or the message of a 400 answer for the event. */
  public record Outcome(Row row, String problem) {
    static Outcome refused(String problem) {
      return new Outcome(null, problem);
    }
  }

  /**
   * The store row of event {@code eventId} of endpoint {@code endpointId}. {@code platform} is the sending
   * endpoint's {@code Demographic} platform ({@code name}, {@code version}), empty when the request carries none;
   * {@code arrivedAt} is the arrival time (Unix ms) of every event of the request.
   */
  public static Outcome toRow(String applicationId, String endpointId, String eventId, JsonNode event,
      Map<String, String> platform, long arrivedAt) {
    return toRow(applicationId, endpointId, eventId, event, platform, arrivedAt, Integer.MAX_VALUE);
  }

  /**
   * As {@link #toRow(String, String, String, JsonNode, Map, long)}, for an event read from a JSON text of
   * {@code sourceChars} characters: a text of at most a quarter of {@link #MAX_EVENT_BYTES} characters cannot hold
   * an event over the limit (a character is at most 3 bytes of UTF-8; the rest is margin for numbers written back
   * longer than they came), so the event is not written out to measure it.
   */
  static Outcome toRow(String applicationId, String endpointId, String eventId, JsonNode event,
      Map<String, String> platform, long arrivedAt, int sourceChars) {
    if (event == null || !event.isObject()) {
      return Outcome.refused("Event '" + eventId + "' is not a JSON object");
    }
    if (sourceChars > MAX_EVENT_BYTES / 4
        && event.toString().getBytes(StandardCharsets.UTF_8).length > MAX_EVENT_BYTES) {
      return Outcome.refused("Event '" + eventId + "' is larger than " + MAX_EVENT_BYTES
          + " bytes (Pinpoint's limit per event)");
    }
    var names = event.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!EVENT_MEMBERS.contains(n)) {
        return Outcome.refused("Unknown member '" + n + "' in Event; expected one of: " + String.join(", ",
            EVENT_MEMBERS));
      }
    }
    String type = text(event, "EventType");
    if (type == null || type.isBlank()) {
      return Outcome.refused("Missing required member 'EventType' in Event (a string such as _session.start)");
    }
    String stamp = text(event, "Timestamp");
    if (stamp == null) {
      return Outcome.refused("Missing required member 'Timestamp' in Event (ISO 8601, e.g. 2026-12-01T09:30:00Z)");
    }
    Long timestamp = millis(stamp);
    if (timestamp == null) {
      return Outcome.refused("Invalid Timestamp in Event: '" + stamp + "' is not an ISO 8601 date-time with a zone"
          + " (e.g. 2026-12-01T09:30:00Z)");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    Map<String, Double> metrics = new LinkedHashMap<>();
    String problem = strings(event.get("Attributes"), attributes);
    if (problem == null) {
      problem = numbers(event.get("Metrics"), metrics);
    }
    if (problem != null) {
      return Outcome.refused(problem);
    }
    if (attributes.size() + metrics.size() > MAX_KEYS) {
      return Outcome.refused("Event has " + (attributes.size() + metrics.size()) + " attribute and metric keys; at"
          + " most " + MAX_KEYS + " (Pinpoint's limit)");
    }
    Map<String, String> session = new LinkedHashMap<>();
    problem = session(event.get("Session"), session);
    if (problem != null) {
      return Outcome.refused(problem);
    }
    Map<String, String> sdk = new LinkedHashMap<>();
    putIfPresent(sdk, "name", text(event, "SdkName"));
    putIfPresent(sdk, "version", text(event, "ClientSdkVersion"));
    Map<String, String> details = new LinkedHashMap<>();
    putIfPresent(details, "package_name", text(event, "AppPackageName"));
    putIfPresent(details, "title", text(event, "AppTitle"));
    putIfPresent(details, "version_code", text(event, "AppVersionCode"));
    String date = Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate().toString();
    Row row = RowFactory.create(
        type, timestamp, arrivedAt, APP_EVENT_VERSION,
        RowFactory.create(applicationId, scala(sdk)),
        RowFactory.create(endpointId, null),
        RowFactory.create(scala(platform)),
        scala(session), scala(attributes),
        null, null, null,
        RowFactory.create((Object) null),
        details.isEmpty() ? null : scala(details),
        scala(metrics),
        eventId, applicationId, date);
    return new Outcome(row, null);
  }

  /**
   * A Pinpoint event-stream record (as Firehose delivered it to S3) as a store row for application
   * {@code applicationId}, or the reason it is refused. Its id is its {@code event_id} when it has one (records
   * Lakecast streamed), else a name-based UUID of its content: the same record imported twice is held once.
   */
  public static Outcome fromStreamRecord(String applicationId, JsonNode r) {
    String type = r.path("event_type").asText(null);
    if (type == null || type.isBlank()) {
      return Outcome.refused("Missing required member 'event_type' in the event-stream record");
    }
    if (!r.path("event_timestamp").canConvertToLong() || !r.path("event_timestamp").isIntegralNumber()) {
      return Outcome.refused("Invalid event_timestamp in the event-stream record: expected Unix milliseconds");
    }
    long timestamp = r.get("event_timestamp").asLong();
    long arrival = r.path("arrival_timestamp").isIntegralNumber() ? r.get("arrival_timestamp").asLong() : timestamp;
    String app = r.path("application").path("app_id").asText(null);
    if (app != null && !app.equals(applicationId)) {
      return Outcome.refused("The record is of application " + app + ", not " + applicationId
          + " (import each application's records with its own --application-id)");
    }
    JsonNode application = r.path("application");
    Map<String, String> details = new LinkedHashMap<>();
    for (String k : List.of("cognito_identity_pool_id", "package_name", "title", "version_code", "version_name")) {
      putIfPresent(details, k, application.path(k).isValueNode() ? application.get(k).asText() : null);
    }
    Map<String, String> session = new LinkedHashMap<>();
    r.path("session").fields().forEachRemaining(f -> {
      if (f.getValue().isValueNode() && !f.getValue().isNull()) {
        session.put(f.getKey(), f.getValue().asText());
      }
    });
    Map<String, Double> metrics = new LinkedHashMap<>();
    r.path("metrics").fields().forEachRemaining(f -> {
      if (f.getValue().isNumber()) {
        metrics.put(f.getKey(), f.getValue().asDouble());
      }
    });
    Double price = metrics.get("price_in_millicents_usd");
    JsonNode custom = r.path("client_context").path("custom");
    String clientId = r.path("client").path("client_id").asText(null);
    String eventId = r.path("event_id").isTextual() ? r.get("event_id").asText()
        : io.lakecast.model.Ids.deterministic(r.toString());
    String date = Instant.ofEpochMilli(timestamp).atZone(ZoneOffset.UTC).toLocalDate().toString();
    Row row = RowFactory.create(
        type, timestamp, arrival, r.path("event_version").asText(APP_EVENT_VERSION),
        RowFactory.create(applicationId, scala(strings(application.path("sdk")))),
        RowFactory.create(clientId, r.path("client").path("cognito_id").asText(null)),
        RowFactory.create(scala(strings(r.path("device").path("platform")))),
        scala(session), scala(strings(r.path("attributes"))),
        custom.isObject() ? RowFactory.create(scala(strings(custom))) : null,
        r.path("awsAccountId").asText(r.path("awsaccountid").asText(null)),
        r.path("facets").isObject() ? typed(r.get("facets"), Table.Schemas.FACETS) : null,
        RowFactory.create(price),
        details.isEmpty() ? null : scala(details),
        scala(metrics),
        eventId, applicationId, date);
    return new Outcome(row, null);
  }

  /**
   * A JSON value as the Spark value of {@code type}: an object as a Row of the struct's fields (members it does not
   * name are dropped), an array as a Seq, an object as a map of strings, numbers and booleans as such. A value of
   * another JSON type than the column's is null, as Firehose's JSON-to-Parquet conversion leaves it.
   */
  static Object typed(JsonNode v, org.apache.spark.sql.types.DataType type) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    if (type instanceof org.apache.spark.sql.types.StructType struct) {
      if (!v.isObject()) {
        return null;
      }
      Object[] values = new Object[struct.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = typed(v.get(struct.fields()[i].name()), struct.fields()[i].dataType());
      }
      return RowFactory.create(values);
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType array) {
      if (!v.isArray()) {
        return null;
      }
      List<Object> items = new java.util.ArrayList<>();
      v.forEach(item -> items.add(typed(item, array.elementType())));
      return scala.jdk.javaapi.CollectionConverters.asScala(items).toSeq();
    }
    if (type instanceof org.apache.spark.sql.types.MapType) {
      return v.isObject() ? scala(strings(v)) : null;
    }
    if (type.equals(org.apache.spark.sql.types.DataTypes.LongType)) {
      return v.isIntegralNumber() ? v.asLong() : null;
    }
    if (type.equals(org.apache.spark.sql.types.DataTypes.IntegerType)) {
      return v.isIntegralNumber() && v.canConvertToInt() ? v.asInt() : null;
    }
    if (type.equals(org.apache.spark.sql.types.DataTypes.BooleanType)) {
      return v.isBoolean() ? v.asBoolean() : null;
    }
    return v.isValueNode() ? v.asText() : v.toString();
  }

  /** An object's members as strings (nested objects as JSON text); empty for anything else. */
  private static Map<String, String> strings(JsonNode node) {
    Map<String, String> out = new LinkedHashMap<>();
    node.fields().forEachRemaining(f -> {
      if (!f.getValue().isNull()) {
        out.put(f.getKey(), f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString());
      }
    });
    return out;
  }

  /** Unix ms of an ISO 8601 date-time with a zone ({@code Z} or an offset), or null. */
  static Long millis(String iso) {
    long utc = utcMillis(iso);
    if (utc != NOT_PLAIN_UTC) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(iso).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static final long NOT_PLAIN_UTC = Long.MIN_VALUE;

  /**
   * Unix ms of the form nearly every SDK sends, {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with a valid date and time, read
   * by hand: {@link OffsetDateTime#parse} took a third of an events import's parsing. Anything else (an offset,
   * no seconds, a bad date) is {@link #NOT_PLAIN_UTC}, for {@code OffsetDateTime} to accept or refuse.
   */
  static long utcMillis(String s) {
    int n = s.length();
    if (n < 20 || s.charAt(n - 1) != 'Z' || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return NOT_PLAIN_UTC;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return NOT_PLAIN_UTC;
    }
    int millis = 0;
    if (n > 20) {
      // A fraction of 1 to 9 digits; milliseconds are its first three (the rest truncated, as toEpochMilli does).
      if (s.charAt(19) != '.' || n - 21 < 1 || n - 21 > 9 || digits(s, 20, n - 1) < 0) {
        return NOT_PLAIN_UTC;
      }
      String fraction = (s.substring(20, n - 1) + "00").substring(0, 3);
      millis = Integer.parseInt(fraction);
    }
    long days = java.time.LocalDate.of(year, month, day).toEpochDay();
    return ((days * 24 + hour) * 60 + minute) * 60_000L + second * 1_000L + millis;
  }

  /** The decimal number in {@code s[from, to)}, or -1 if any character is not an ASCII digit. */
  private static int digits(String s, int from, int to) {
    int value = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static String text(JsonNode node, String member) {
    JsonNode v = node.get(member);
    return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null) {
      map.put(key, value);
    }
  }

  private static String strings(JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      return "Invalid Attributes in Event: expected an object of string values";
    }
    var fields = node.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (f.getKey().length() > MAX_KEY_LENGTH) {
        return "Attribute name '" + f.getKey() + "' is longer than " + MAX_KEY_LENGTH + " characters";
      }
      if (!f.getValue().isTextual()) {
        return "Invalid Attributes." + f.getKey() + " in Event: expected a string";
      }
      if (f.getValue().asText().length() > MAX_VALUE_LENGTH) {
        return "Attributes." + f.getKey() + " is longer than " + MAX_VALUE_LENGTH + " characters (Pinpoint drops"
            + " the event)";
      }
      out.put(f.getKey(), f.getValue().asText());
    }
    return null;
  }

  private static String numbers(JsonNode node, Map<String, Double> out) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      return "Invalid Metrics in Event: expected an object of numbers";
    }
    var fields = node.fields();
    while (fields.hasNext()) {
      var f = fields.next();
      if (f.getKey().length() > MAX_KEY_LENGTH) {
        return "Metric name '" + f.getKey() + "' is longer than " + MAX_KEY_LENGTH + " characters";
      }
      if (!f.getValue().isNumber()) {
        return "Invalid Metrics." + f.getKey() + " in Event: expected a number";
      }
      out.put(f.getKey(), f.getValue().asDouble());
    }
    return null;
  }

  /** The session map as the store keeps it (Unix ms as strings), or the problem. */
  private static String session(JsonNode node, Map<String, String> out) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      return "Invalid Session in Event: expected an object with Id and StartTimestamp";
    }
    var names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!SESSION_MEMBERS.contains(n)) {
        return "Unknown member 'Session." + n + "' in Event; expected one of: " + String.join(", ", SESSION_MEMBERS);
      }
    }
    String id = text(node, "Id");
    if (id == null || id.isBlank()) {
      return "Missing required member 'Session.Id' in Event";
    }
    String start = text(node, "StartTimestamp");
    if (start == null) {
      return "Missing required member 'Session.StartTimestamp' in Event";
    }
    Long startMs = millis(start);
    if (startMs == null) {
      return "Invalid Session.StartTimestamp in Event: '" + start + "' is not an ISO 8601 date-time with a zone";
    }
    out.put("session_id", id);
    out.put("start_timestamp", Long.toString(startMs));
    String stop = text(node, "StopTimestamp");
    if (stop != null) {
      Long stopMs = millis(stop);
      if (stopMs == null) {
        return "Invalid Session.StopTimestamp in Event: '" + stop + "' is not an ISO 8601 date-time with a zone";
      }
      out.put("stop_timestamp", Long.toString(stopMs));
    }
    JsonNode duration = node.get("Duration");
    if (duration != null && !duration.isNull()) {
      if (!duration.canConvertToLong() || !duration.isIntegralNumber()) {
        return "Invalid Session.Duration in Event: expected an integer (milliseconds)";
      }
      out.put("duration", Long.toString(duration.asLong()));
    }
    return null;
  }

  private static <V> scala.collection.Map<String, V> scala(Map<String, V> map) {
    return scala.jdk.javaapi.CollectionConverters.asScala(map);
  }

  /** The column names of the rows {@link #toRow} makes, for a frame of them. */
  public static org.apache.spark.sql.types.StructType schema() {
    return Table.EVENTS.schema();
  }
}
