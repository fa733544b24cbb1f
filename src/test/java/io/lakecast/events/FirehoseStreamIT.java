package io.lakecast.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.MotoServer;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.testing.ThrottlingStreamProxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * stream-events to a Firehose delivery stream: {@code PutRecordBatch} against an AWS API emulator on 127.0.0.1 (moto's
 * server, from the project's Python environment), which delivers to its S3 bucket as Firehose does. An integration
 * test because the emulator comes from the Python environment the integration tests build.
 */
class FirehoseStreamIT {
  @TempDir static Path warehouse;
  @TempDir static Path downloads;
  static MotoServer firehose;

  @BeforeAll
  static void start() {
    SparkTestSession.withWarehouse(warehouse);
    firehose = MotoServer.get();
  }

  @AfterEach
  void defaults() {
    SparkTestSession.get().conf().set("spark.lakecast.stream.firehose.endpoint", firehose.endpoint());
    SparkTestSession.get().conf().unset("spark.lakecast.stream.maxAttempts");
  }

  static String stream(String appId, String arn) {
    SparkTestSession.get().conf().set("spark.lakecast.stream.firehose.endpoint", firehose.endpoint());
    return Cli.run("put-event-stream", "--application-id", appId, "--write-event-stream",
        "{\"DestinationStreamArn\":\"" + arn + "\",\"RoleArn\":\"arn:aws:iam::000000000000:role/pinpoint-events\"}")
        .ok().at("/EventStream/DestinationStreamArn").asText();
  }

  static JsonNode streamEvents(String appId) {
    return Cli.run("stream-events", "--application-id", appId).ok().get("StreamEventsResult");
  }

  /** Every line of every object the stream delivered to its bucket. */
  static List<String> deliveredLines(String name) {
    List<String> lines = new ArrayList<>();
    for (String object : firehose.objects(name)) {
      assertThat(object).as("an object of newline-terminated records").endsWith("\n");
      lines.addAll(List.of(object.split("\n")));
    }
    return lines;
  }

  static List<String> eventIds(List<String> lines) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String line : lines) {
      ids.add(PinpointJson.mapper().readTree(line).get("event_id").asText());
    }
    return ids;
  }

  @Test
  void firehoseGetsPinpointsRecordsOncePerLineAndTheyImportBack() throws Exception {
    String appId = Cli.createApp("firehose-once");
    String arn = stream(appId, firehose.createDeliveryStream("lakecast-once"));
    assertThat(arn).isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/lakecast-once");
    Cli.run("put-events", "--application-id", appId, "--events-request",
        "file://src/test/resources/events/put-events-request.json").ok();

    JsonNode first = streamEvents(appId);
    assertThat(first.get("RecordsDelivered").asLong()).isEqualTo(5);
    assertThat(first.get("Calls").asLong()).isEqualTo(1);
    assertThat(first.get("DestinationStreamArn").asText()).isEqualTo(arn);
    List<String> lines = deliveredLines("lakecast-once");
    assertThat(eventIds(lines)).containsExactlyInAnyOrder("ev-buy", "ev-kept", "ev-late", "ev-quiet", "ev-start");
    JsonNode buy = null;
    for (String line : lines) {
      JsonNode record = PinpointJson.mapper().readTree(line);
      if (record.get("event_id").asText().equals("ev-buy")) {
        buy = record;
      }
    }
    assertThat(buy.get("arrival_timestamp").asLong()).isPositive();
    ((ObjectNode) buy).remove("arrival_timestamp");
    assertThat(buy).isEqualTo(PinpointJson.mapper().readTree("""
        {"event_type":"_monetization.purchase","event_timestamp":1796030430500,"event_version":"3.0",
         "application":{"app_id":"%s","sdk":{}},
         "client":{"client_id":"ep-ios"},
         "device":{"platform":{"name":"ios","version":"17.2"}},
         "session":{"session_id":"s-1","start_timestamp":1796030100000,"stop_timestamp":1796030700000,
                    "duration":600000},
         "attributes":{"_currency":"USD","_product_id":"sku-9"},
         "metrics":{"_item_price":4.99,"_quantity":2.0},
         "event_id":"ev-buy"}""".formatted(appId)));

    assertThat(streamEvents(appId).get("RecordsDelivered").asLong()).as("a re-run after success sends nothing")
        .isZero();

    // What Firehose delivered is what create-events-import-job reads: the objects, copied down, import back whole.
    Path copy = downloads.resolve("lakecast-once");
    Files.createDirectories(copy);
    int n = 0;
    for (String object : firehose.objects("lakecast-once")) {
      Files.writeString(copy.resolve("pinpoint-events-" + n++), object);
    }
    JsonNode job = Cli.run("create-events-import-job", "--application-id", appId, "--events-import-job-request",
        "{\"S3Url\":\"" + copy + "\"}").ok().get("EventsImportJobResponse");
    assertThat(job.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(5);
    assertThat(job.get("TotalFailures").asInt()).isZero();
    assertThat(streamEvents(appId).get("RecordsDelivered").asLong())
        .as("the same events again: the store holds each once, so nothing new streams").isZero();
  }

  @Test
  void throttledRecordsAreRetriedAloneUntilEveryOneIsDeliveredOnce() throws Exception {
    String appId = Cli.createApp("firehose-throttled");
    stream(appId, firehose.createDeliveryStream("lakecast-throttled"));
    EventStreamTest.putEvents(appId, "busy", "t-", 3_000);
    // The first 3 calls are half refused: 500 records → 250 refused, sent again → 125 refused → 62 refused → the
    // 62 go through on the 4th call. The other 5 batches of 500 take a call each.
    try (var proxy = new ThrottlingStreamProxy(ThrottlingStreamProxy.Protocol.FIREHOSE, firehose.endpoint(), 1, 3)) {
      SparkTestSession.get().conf().set("spark.lakecast.stream.firehose.endpoint", proxy.endpoint());
      JsonNode result = streamEvents(appId);
      assertThat(result.get("RecordsDelivered").asLong()).isEqualTo(3_000);
      assertThat(result.get("RecordsRetried").asLong()).isEqualTo(250 + 125 + 62);
      assertThat(result.get("Calls").asLong()).isEqualTo(4 + 5);
    }
    assertThat(eventIds(deliveredLines("lakecast-throttled"))).hasSize(3_000).doesNotHaveDuplicates();
  }

  @Test
  void aStreamThatKeepsRefusingFailsTheRunAndTheReRunResendsAtMostTheUncommittedCall() throws Exception {
    String appId = Cli.createApp("firehose-resume");
    stream(appId, firehose.createDeliveryStream("lakecast-resume"));
    EventStreamTest.putEvents(appId, "busy", "r-", 1_500);
    SparkTestSession.get().conf().set("spark.lakecast.stream.maxAttempts", "1");
    // Call 1 delivers batch 1 (its watermark committed); call 2 is half refused, and with one attempt allowed the run
    // fails, its 250 forwarded records already delivered.
    try (var proxy = new ThrottlingStreamProxy(ThrottlingStreamProxy.Protocol.FIREHOSE, firehose.endpoint(), 2, 1)) {
      SparkTestSession.get().conf().set("spark.lakecast.stream.firehose.endpoint", proxy.endpoint());
      Run failed = Cli.run("stream-events", "--application-id", appId);
      assertThat(failed.exitCode()).isNotZero();
      assertThat(failed.err()).contains("StreamDeliveryFailed: 250 record(s) still undelivered to "
          + "arn:aws:firehose:us-east-1:000000000000:deliverystream/lakecast-resume after 1 attempt(s); last refusal: "
          + "ServiceUnavailableException: Slow down.");
    }
    SparkTestSession.get().conf().unset("spark.lakecast.stream.maxAttempts");
    SparkTestSession.get().conf().set("spark.lakecast.stream.firehose.endpoint", firehose.endpoint());
    assertThat(streamEvents(appId).get("RecordsDelivered").asLong()).as("from batch 2 on").isEqualTo(1_000);
    List<String> ids = eventIds(deliveredLines("lakecast-resume"));
    assertThat(new java.util.HashSet<>(ids)).as("every event delivered").hasSize(1_500);
    assertThat(ids).as("sent twice: the uncommitted call's 250 forwarded records").hasSize(1_750);
  }

  @Test
  void aDeliveryStreamThatDoesNotExistFailsTheRunWithTheDestinationsReason() {
    String appId = Cli.createApp("firehose-missing");
    stream(appId, "arn:aws:firehose:us-east-1:000000000000:deliverystream/no-such-stream");
    EventStreamTest.putEvents(appId, "e", "x-", 1);
    Run run = Cli.run("stream-events", "--application-id", appId);
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains("StreamDeliveryFailed: "
        + "arn:aws:firehose:us-east-1:000000000000:deliverystream/no-such-stream refused the records: "
        + "ResourceNotFoundException");
  }
}
