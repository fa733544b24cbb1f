package io.lakecast.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.KinesisServer;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Event streams: put-, get- and delete-event-stream, and stream-events delivering the store to a real Kinesis
 * server (kinesis-local on 127.0.0.1) as Pinpoint's records, from a watermark, each event once.
 */
class EventStreamTest {
  @TempDir static Path warehouse;
  static KinesisServer kinesis;

  @BeforeAll
  static void start() {
    SparkTestSession.withWarehouse(warehouse);
    kinesis = KinesisServer.get();
  }

  @AfterEach
  void defaults() {
    SparkTestSession.get().conf().unset("spark.lakecast.stream.kinesis.endpoint");
    SparkTestSession.get().conf().unset("spark.lakecast.stream.maxAttempts");
  }

  static void pointAtServer() {
    SparkTestSession.get().conf().set("spark.lakecast.stream.kinesis.endpoint", kinesis.endpoint());
  }

  static String stream(String appId, String arn) {
    return Cli.run("put-event-stream", "--application-id", appId, "--write-event-stream",
        "{\"DestinationStreamArn\":\"" + arn + "\",\"RoleArn\":\"arn:aws:iam::000000000000:role/pinpoint-events\"}")
        .ok().at("/EventStream/DestinationStreamArn").asText();
  }

  /**
   * Stores {@code n} custom events of endpoint {@code endpoint}, ids {@code prefix0..}, as put-events would (the same
   * row builder and store append, without 100-event requests).
   */
  static void putEvents(String appId, String endpoint, String prefix, int n) {
    List<org.apache.spark.sql.Row> rows = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < n; i++) {
      JsonNode event = PinpointJson.mapper().createObjectNode().put("EventType", "level.completed")
          .put("Timestamp", "2026-11-30T09:00:00Z");
      rows.add(EventRecords.toRow(appId, endpoint, prefix + i, event, Map.of(), now).row());
    }
    var spark = SparkTestSession.get();
    new EventStore(io.lakecast.warehouse.Warehouse.of(spark)).appendNew(appId,
        spark.createDataFrame(rows, io.lakecast.warehouse.Table.EVENTS.schema()));
  }

  static JsonNode streamEvents(String appId) {
    return Cli.run("stream-events", "--application-id", appId).ok().get("StreamEventsResult");
  }

  @Test
  void theStreamIsSetShownAndRemovedWithPinpointsShapes() {
    String appId = Cli.createApp("stream-crud");
    Run none = Cli.run("get-event-stream", "--application-id", appId);
    assertThat(none.exitCode()).isNotZero();
    assertThat(none.err()).contains("NotFoundException");
    assertThat(Cli.run("stream-events", "--application-id", appId).err()).contains("NotFoundException");
    JsonNode nothing = Cli.run("stream-events", "--application-id", appId, "--allow-no-stream").ok()
        .get("StreamEventsResult");
    assertThat(nothing.get("RecordsDelivered").asLong()).isZero();
    assertThat(nothing.has("DestinationStreamArn")).as("no stream").isFalse();

    Run badArn = Cli.run("put-event-stream", "--application-id", appId, "--write-event-stream",
        "{\"DestinationStreamArn\":\"arn:aws:sqs:us-east-1:000000000000:queue\",\"RoleArn\":\"arn:aws:iam::000000000000:role/r\"}");
    assertThat(badArn.err()).contains("BadRequestException: Invalid DestinationStreamArn in WriteEventStream:"
        + " 'arn:aws:sqs:us-east-1:000000000000:queue' is not a Kinesis data stream ARN");
    Run noRole = Cli.run("put-event-stream", "--application-id", appId, "--write-event-stream",
        "{\"DestinationStreamArn\":\"arn:aws:kinesis:us-east-1:000000000000:stream/s\"}");
    assertThat(noRole.err()).contains("BadRequestException: Missing required member 'RoleArn' in WriteEventStream");

    stream(appId, "arn:aws:firehose:us-east-1:000000000000:deliverystream/events");
    JsonNode shown = Cli.run("get-event-stream", "--application-id", appId).ok().get("EventStream");
    assertThat(shown.get("ApplicationId").asText()).isEqualTo(appId);
    assertThat(shown.get("DestinationStreamArn").asText())
        .isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/events");
    assertThat(shown.get("RoleArn").asText()).isEqualTo("arn:aws:iam::000000000000:role/pinpoint-events");
    assertThat(shown.get("LastModifiedDate").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    JsonNode removed = Cli.run("delete-event-stream", "--application-id", appId).ok().get("EventStream");
    assertThat(removed.get("DestinationStreamArn").asText()).endsWith("deliverystream/events");
    assertThat(Cli.run("get-event-stream", "--application-id", appId).exitCode()).isNotZero();
  }

  @Test
  void streamEventsDeliversPinpointsRecordsFromTheWatermarkOnce() throws Exception {
    String appId = Cli.createApp("stream-once");
    pointAtServer();
    putEvents(appId, "before", "old-", 2);
    String arn = stream(appId, kinesis.createStream("lakecast-once", 2));
    Cli.run("put-events", "--application-id", appId, "--events-request",
        "file://src/test/resources/events/put-events-request.json").ok();

    JsonNode first = streamEvents(appId);
    assertThat(first.get("RecordsDelivered").asLong()).as("the 5 accepted events; none stored before the stream")
        .isEqualTo(5);
    assertThat(first.get("Calls").asLong()).isEqualTo(1);
    assertThat(first.get("DestinationStreamArn").asText()).isEqualTo(arn);

    List<String[]> records = kinesis.records("lakecast-once");
    Map<String, JsonNode> byId = new java.util.TreeMap<>();
    for (String[] r : records) {
      JsonNode record = PinpointJson.mapper().readTree(r[1]);
      assertThat(r[0]).as("partition key = endpoint id").isEqualTo(record.at("/client/client_id").asText());
      assertThat(record.get("arrival_timestamp").asLong()).isPositive();
      ((ObjectNode) record).remove("arrival_timestamp");
      byId.put(record.get("event_id").asText(), record);
    }
    assertThat(byId.keySet()).containsExactly("ev-buy", "ev-kept", "ev-late", "ev-quiet", "ev-start");
    assertThat(byId.get("ev-buy")).isEqualTo(PinpointJson.mapper().readTree("""
        {"event_type":"_monetization.purchase","event_timestamp":1796030430500,"event_version":"3.0",
         "application":{"app_id":"%s","sdk":{}},
         "client":{"client_id":"ep-ios"},
         "device":{"platform":{"name":"ios","version":"17.2"}},
         "session":{"session_id":"s-1","start_timestamp":1796030100000,"stop_timestamp":1796030700000,
                    "duration":600000},
         "attributes":{"_currency":"USD","_product_id":"sku-9"},
         "metrics":{"_item_price":4.99,"_quantity":2.0},
         "event_id":"ev-buy"}""".formatted(appId)));
    assertThat(byId.get("ev-start")).isEqualTo(PinpointJson.mapper().readTree("""
        {"event_type":"_session.start","event_timestamp":1796030100000,"event_version":"3.0",
         "application":{"app_id":"%s","package_name":"com.example.shop",
                        "sdk":{"name":"aws-amplify-swift","version":"2.1.0"},"title":"Shop","version_code":"42"},
         "client":{"client_id":"ep-ios"},
         "device":{"platform":{"name":"ios","version":"17.2"}},
         "session":{"session_id":"s-1","start_timestamp":1796030100000},
         "attributes":{},"metrics":{},
         "event_id":"ev-start"}""".formatted(appId)));

    JsonNode again = streamEvents(appId);
    assertThat(again.get("RecordsDelivered").asLong()).as("a re-run after success sends nothing").isZero();
    assertThat(again.get("Watermark").asText()).isEqualTo(first.get("Watermark").asText());

    putEvents(appId, "later", "new-", 1_150);
    JsonNode more = streamEvents(appId);
    assertThat(more.get("RecordsDelivered").asLong()).isEqualTo(1_150);
    List<String> ids = new ArrayList<>();
    for (String[] r : kinesis.records("lakecast-once")) {
      ids.add(PinpointJson.mapper().readTree(r[1]).get("event_id").asText());
    }
    assertThat(ids).as("every event once").hasSize(1_155).doesNotHaveDuplicates();
  }

  /** Runs {@code body} with stream-events going through a proxy that throttles some of its PutRecords calls. */
  static void throttled(int firstThrottled, int calls, ThrowingRunnable body) throws Exception {
    System.setProperty("aws.cborEnabled", "false");
    try (var proxy = new io.lakecast.testing.ThrottlingStreamProxy(
        io.lakecast.testing.ThrottlingStreamProxy.Protocol.KINESIS, kinesis.endpoint(), firstThrottled, calls)) {
      SparkTestSession.get().conf().set("spark.lakecast.stream.kinesis.endpoint", proxy.endpoint());
      body.run();
    } finally {
      System.clearProperty("aws.cborEnabled");
    }
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  static List<String> streamedIds(String stream) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String[] r : kinesis.records(stream)) {
      ids.add(PinpointJson.mapper().readTree(r[1]).get("event_id").asText());
    }
    return ids;
  }

  @Test
  void throttledRecordsAreRetriedAloneUntilEveryOneIsDeliveredOnce() throws Exception {
    String appId = Cli.createApp("stream-throttled");
    stream(appId, kinesis.createStream("lakecast-throttled", 1));
    putEvents(appId, "busy", "t-", 3_000);
    // The first 3 calls are half refused: 500 records → 250 refused, sent again → 125 refused → 62 refused → the
    // 62 go through on the 4th call. The other 5 batches of 500 take a call each.
    throttled(1, 3, () -> {
      JsonNode result = streamEvents(appId);
      assertThat(result.get("RecordsDelivered").asLong()).isEqualTo(3_000);
      assertThat(result.get("RecordsRetried").asLong()).isEqualTo(250 + 125 + 62);
      assertThat(result.get("Calls").asLong()).isEqualTo(4 + 5);
    });
    assertThat(streamedIds("lakecast-throttled")).hasSize(3_000).doesNotHaveDuplicates();
  }

  @Test
  void aStreamThatKeepsRefusingFailsTheRunAndTheReRunResendsAtMostTheUncommittedCall() throws Exception {
    String appId = Cli.createApp("stream-resume");
    stream(appId, kinesis.createStream("lakecast-resume", 1));
    putEvents(appId, "busy", "r-", 3_000);
    SparkTestSession.get().conf().set("spark.lakecast.stream.maxAttempts", "1");
    // Calls 1 and 2 deliver batches 1 and 2 (their watermark committed); call 3 is half refused, and with one
    // attempt allowed the run fails, its 250 forwarded records already in the stream.
    throttled(3, 1, () -> {
      Run failed = Cli.run("stream-events", "--application-id", appId);
      assertThat(failed.exitCode()).isNotZero();
      assertThat(failed.err()).contains("StreamDeliveryFailed: 250 record(s) still undelivered to "
          + "arn:aws:kinesis:us-east-1:000000000000:stream/lakecast-resume after 1 attempt(s); last refusal: "
          + "ProvisionedThroughputExceededException: Rate exceeded");
    });
    SparkTestSession.get().conf().unset("spark.lakecast.stream.maxAttempts");
    pointAtServer();
    JsonNode resumed = streamEvents(appId);
    assertThat(resumed.get("RecordsDelivered").asLong()).as("from batch 3 on").isEqualTo(2_000);
    List<String> ids = streamedIds("lakecast-resume");
    assertThat(new java.util.HashSet<>(ids)).as("every event delivered").hasSize(3_000);
    assertThat(ids).as("sent twice: the uncommitted call's 250 forwarded records").hasSize(3_250);
  }

  @Test
  void aStreamThatDoesNotExistFailsTheRunWithTheDestinationsReason() {
    String appId = Cli.createApp("stream-missing");
    pointAtServer();
    stream(appId, "arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream");
    putEvents(appId, "e", "x-", 1);
    Run run = Cli.run("stream-events", "--application-id", appId);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("StreamDeliveryFailed: arn:aws:kinesis:us-east-1:000000000000:stream/no-such-stream"
        + " refused the records: ResourceNotFoundException");
  }
}
