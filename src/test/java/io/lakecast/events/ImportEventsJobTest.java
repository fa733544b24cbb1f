package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * create-events-import-job: EventsRequest documents and Firehose-delivered event-stream records (gzip, no file
 * extension) into the store, each event once, every refused line or event recorded with its file and line.
 */
class ImportEventsJobTest {
  @TempDir static Path warehouse;
  @TempDir static Path source;
  @TempDir static Path pieces;
  static String appId;

  @BeforeAll
  static void files() throws Exception {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("events-import");
    Files.copy(Path.of("src/test/resources/events/import/requests.ndjson"), source.resolve("requests.ndjson"));
    // As Firehose names its objects: a prefix per hour, no extension, gzip inside.
    Path hour = Files.createDirectories(source.resolve("firehose/2026/11/30/09"));
    String records = Files.readString(Path.of("src/test/resources/events/import/firehose.ndjson"))
        .replace("APP_ID", appId);
    try (OutputStream out = new GZIPOutputStream(
        Files.newOutputStream(hour.resolve("pinpoint-events-1-2026-11-30-09-00-00-0f8e7d6c")))) {
      out.write(records.getBytes(StandardCharsets.UTF_8));
    }
  }

  static JsonNode importAll() {
    return Cli.run("create-events-import-job", "--application-id", appId, "--events-import-job-request",
        "{\"S3Url\":\"" + source + "\"}").ok().get("EventsImportJobResponse");
  }

  static List<Row> stored() {
    return SparkTestSession.get().read().schema(io.lakecast.warehouse.Table.EVENTS.schema())
        .parquet(warehouse.resolve("events").toString()).filter(col("app_id").equalTo(appId))
        .orderBy("event_timestamp").collectAsList();
  }

  @Test
  void documentsAndStreamRecordsAreStoredOnceAndEveryRefusalNamesItsLine() {
    JsonNode job = importAll();
    assertThat(job.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("Type").asText()).isEqualTo("IMPORT_EVENTS");
    assertThat(job.get("TotalPieces").asInt()).as("files").isEqualTo(2);
    assertThat(job.get("TotalProcessed").asInt()).as("events and refused lines").isEqualTo(12);
    assertThat(job.get("TotalFailures").asInt()).isEqualTo(5);
    String gz = "file:" + source.resolve("firehose/2026/11/30/09/pinpoint-events-1-2026-11-30-09-00-00-0f8e7d6c");
    String nd = "file:" + source.resolve("requests.ndjson");
    List<String> failures = new java.util.ArrayList<>();
    job.get("Failures").forEach(f -> failures.add(f.asText()));
    assertThat(failures).containsExactly(
        gz + " line 4: [INVALID_RECORD] The record is of application some-other-app, not " + appId
            + " (import each application's records with its own --application-id)",
        gz + " line 5: [INVALID_RECORD] Invalid event_timestamp in the event-stream record: expected Unix milliseconds",
        nd + " line 2: [INVALID_EVENT] BatchItem.ep-2.Events.b-2: Invalid Timestamp in Event: 'not a time' is not an"
            + " ISO 8601 date-time with a zone (e.g. 2026-12-01T09:30:00Z)",
        nd + " line 5: [MALFORMED_JSON] not a JSON object: Unexpected end-of-input within/between Object entries",
        nd + " line 6: [UNKNOWN_RECORD] expected an EventsRequest document (BatchItem), a Pinpoint event-stream"
            + " record (event_type), or an SES or End User Messaging SMS event record (eventType)");

    List<Row> rows = stored();
    assertThat(rows).extracting(r -> r.<String>getAs("event_type") + " " + r.<Row>getAs("client").getString(0)
            + " " + r.getAs("event_timestamp") + " " + r.getAs("event_date"))
        .containsExactly(
            "custom.visit ep-2 1795996799000 2026-11-29",
            "_session.start ep-1 1796025600000 2026-11-30",
            "_monetization.purchase ep-1 1796025900000 2026-11-30",
            "_campaign.send ep-1 1796029200000 2026-11-30",
            "_session.stop ep-2 1796030100000 2026-11-30",
            "_SMS.SUCCESS ep-3 1796031000000 2026-11-30");
    Row send = rows.get(3);
    assertThat(send.<Long>getAs("arrival_timestamp")).as("a record keeps its arrival").isEqualTo(1796029200068L);
    assertThat(send.<String>getAs("awsaccountid")).isEqualTo("123456789012");
    assertThat(send.<String, String>getJavaMap(send.fieldIndex("attributes")))
        .containsEntry("campaign_send_status", "SUCCESS").containsEntry("delivery_type", "GCM");
    assertThat(send.<Row>getAs("client_context").<String, String>getJavaMap(0).get("endpoint"))
        .isEqualTo("{\"ChannelType\":\"GCM\",\"EndpointStatus\":\"ACTIVE\",\"OptOut\":\"NONE\"}");
    Row stop = rows.get(4);
    assertThat(stop.<String, String>getJavaMap(stop.fieldIndex("session"))).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("session_id", "s-7", "start_timestamp", "1796029500000", "stop_timestamp", "1796030100000"));
    assertThat(stop.<String, String>getJavaMap(stop.fieldIndex("app_details"))).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("package_name", "main.page", "title", "title", "version_name", "1.0", "version_code", "1"));
    assertThat(stop.<Row>getAs("device").<String, String>getJavaMap(0))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("name", "android", "version", "10.10"));
    Row sms = rows.get(5);
    assertThat(sms.<Row>getAs("metrics").getDouble(0)).isEqualTo(645.0);

    List<Row> rejects = SparkTestSession.get().read().format("delta")
        .load(warehouse.resolve("event_import_rejects").toString()).orderBy("source", "line").collectAsList();
    assertThat(rejects).extracting(r -> r.getAs("line") + " " + r.getAs("reason"))
        .containsExactly("4 INVALID_RECORD", "5 INVALID_RECORD", "2 INVALID_EVENT", "5 MALFORMED_JSON",
            "6 UNKNOWN_RECORD");
    assertThat(rejects.get(4).<String>getAs("raw")).isEqualTo("{\"hello\":\"world\"}");

    // The same files again: a new job, the same refusals, nothing new in the store.
    JsonNode again = importAll();
    assertThat(again.get("TotalFailures").asInt()).isEqualTo(5);
    assertThat(stored()).hasSize(6);
    JsonNode listed = Cli.run("get-events-import-jobs", "--application-id", appId).ok()
        .at("/EventsImportJobsResponse/Item");
    assertThat(listed).hasSize(2);
    assertThat(Cli.run("get-events-import-job", "--application-id", appId, "--job-id", job.get("Id").asText()).ok()
        .at("/EventsImportJobResponse/JobStatus").asText()).isEqualTo("COMPLETED");

    // Deleting endpoint ep-2 forgets its events and the refused lines that quote it.
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "ep-2", "--endpoint-request",
        "{\"ChannelType\":\"EMAIL\",\"Address\":\"ep2@example.com\"}").ok();
    Cli.run("delete-endpoint", "--application-id", appId, "--endpoint-id", "ep-2").ok();
    assertThat(stored()).extracting(r -> r.<Row>getAs("client").getString(0))
        .containsExactly("ep-1", "ep-1", "ep-1", "ep-3");
    assertThat(SparkTestSession.get().read().format("delta")
        .load(warehouse.resolve("event_import_rejects").toString()).collectAsList())
        .extracting(r -> r.getAs("line") + " " + r.getAs("reason"))
        .as("both jobs' refusals, without line 2's, which quoted ep-2")
        .containsExactlyInAnyOrder("4 INVALID_RECORD", "5 INVALID_RECORD", "5 MALFORMED_JSON", "6 UNKNOWN_RECORD",
            "4 INVALID_RECORD", "5 INVALID_RECORD", "5 MALFORMED_JSON", "6 UNKNOWN_RECORD");
  }

  @Test
  void aSourceWithoutFilesFailsTheJobAndSaysWhere() {
    Run run = Cli.run("create-events-import-job", "--application-id", appId, "--events-import-job-request",
        "{\"S3Url\":\"" + source.resolve("nothing-here") + "\"}");
    assertThat(run.exitCode()).isNotZero();
    assertThat(run.err()).contains(source.resolve("nothing-here").toString());
  }

  /** An email record as Pinpoint streamed it (reference §1.6), with its facets. */
  static final String EMAIL_FACETS = """
      {"email_channel":{"mail_event":{
        "mail":{"message_id":"0100018c-mail-1","message_send_timestamp":1796031500000,
          "from_address":"sender@example.com","destination":["recipient@example.com"],"headers_truncated":false,
          "headers":[{"name":"Subject","value":"Winter sale"}],
          "common_headers":{"from":"sender@example.com","to":["recipient@example.com"],"subject":"Winter sale"}},
        "open":{"ip_address":"192.0.2.1","user_agent":"Mozilla/5.0"}}}}""";

  @Test
  void anEmailRecordKeepsItsFacetsInTheStoreAndTheStreamGivesThemBack(@TempDir Path mail) throws Exception {
    String app = Cli.createApp("events-facets");
    String record = ("{\"event_type\":\"_email.open\",\"event_timestamp\":1796031600000,"
        + "\"arrival_timestamp\":1796031700000,\"event_version\":\"3.1\",\"application\":{\"app_id\":\"" + app
        + "\",\"sdk\":{}},\"client\":{\"client_id\":\"ep-mail\"},\"device\":{\"platform\":{}},\"session\":{},"
        + "\"attributes\":{\"feedback\":\"opened\"},\"awsAccountId\":\"123456789012\",\"facets\":"
        + EMAIL_FACETS.replaceAll("\\s*\n\\s*", "") + ",\"event_id\":\"mail-open-1\"}");
    Files.writeString(mail.resolve("pinpoint-events-mail"), record + "\n");
    JsonNode job = Cli.run("create-events-import-job", "--application-id", app, "--events-import-job-request",
        "{\"S3Url\":\"" + mail + "\"}").ok().get("EventsImportJobResponse");
    assertThat(job.get("TotalFailures").asInt()).isZero();

    Row stored = SparkTestSession.get().read().schema(io.lakecast.warehouse.Table.EVENTS.schema())
        .parquet(warehouse.resolve("events").toString()).filter(col("app_id").equalTo(app))
        .select(col("facets.email_channel.mail_event.mail.message_id"),
            col("facets.email_channel.mail_event.mail.destination"),
            col("facets.email_channel.mail_event.open.ip_address"),
            col("facets.email_channel.mail_event.bounce")).first();
    assertThat(stored.getString(0)).isEqualTo("0100018c-mail-1");
    assertThat(stored.getList(1)).containsExactly("recipient@example.com");
    assertThat(stored.getString(2)).isEqualTo("192.0.2.1");
    assertThat(stored.isNullAt(3)).as("no bounce object on an open").isTrue();

    String streamed = StreamRecords.records(SparkTestSession.get().read()
            .schema(io.lakecast.warehouse.Table.EVENTS.schema()).parquet(warehouse.resolve("events").toString())
            .filter(col("app_id").equalTo(app)))
        .select("record").as(org.apache.spark.sql.Encoders.STRING()).first();
    JsonNode back = io.lakecast.model.PinpointJson.mapper().readTree(streamed);
    assertThat(back.get("facets")).isEqualTo(io.lakecast.model.PinpointJson.mapper().readTree(EMAIL_FACETS));
    assertThat(back.get("event_id").asText()).isEqualTo("mail-open-1");
  }

  @Test
  void aPlainFileReadInPiecesKeepsEveryLineOnceAndNamesRefusalsByTheirLineInTheFile() throws Exception {
    // Pieces of 40 bytes cut every document in the middle; Windows line ends; a blank line; no final line end.
    String pieceApp = Cli.createApp("events-pieces");
    Path dir = pieces;
    Path file = dir.resolve("pieces.ndjson");
    Files.writeString(file, String.join("\r\n",
        doc("ep-a", "a-1"), "not json", doc("ep-b", "b-1"), "", "{\"hello\":1}", doc("ep-c", "c-1")));
    SparkTestSession.get().conf().set(io.lakecast.conf.LakecastConf.EVENTS_IMPORT_PIECE_BYTES, "40");
    JsonNode job;
    try {
      job = Cli.run("create-events-import-job", "--application-id", pieceApp, "--events-import-job-request",
          "{\"S3Url\":\"" + dir + "\"}").ok().get("EventsImportJobResponse");
    } finally {
      SparkTestSession.get().conf().unset(io.lakecast.conf.LakecastConf.EVENTS_IMPORT_PIECE_BYTES);
    }
    assertThat(job.get("TotalProcessed").asInt()).as("events and refused lines").isEqualTo(5);
    assertThat(job.get("TotalFailures").asInt()).isEqualTo(2);
    List<String> failures = new java.util.ArrayList<>();
    job.get("Failures").forEach(f -> failures.add(f.asText()));
    assertThat(failures).hasSize(2);
    assertThat(failures.get(0)).startsWith("file:" + file + " line 2: [MALFORMED_JSON] not a JSON object: ");
    assertThat(failures.get(1)).isEqualTo("file:" + file + " line 5: [UNKNOWN_RECORD] expected an EventsRequest"
        + " document (BatchItem), a Pinpoint event-stream record (event_type), or an SES or End User Messaging SMS"
        + " event record (eventType)");
    assertThat(SparkTestSession.get().read().schema(io.lakecast.warehouse.Table.EVENTS.schema())
            .parquet(warehouse.resolve("events").toString()).filter(col("app_id").equalTo(pieceApp))
            .orderBy("event_id").collectAsList())
        .extracting(r -> r.<Row>getAs("client").getString(0) + " " + r.getAs("event_id"))
        .containsExactly("ep-a a-1", "ep-b b-1", "ep-c c-1");
  }

  static String doc(String endpoint, String event) {
    return "{\"BatchItem\":{\"" + endpoint + "\":{\"Endpoint\":{},\"Events\":{\"" + event
        + "\":{\"EventType\":\"app.opened\",\"Timestamp\":\"2026-11-30T08:00:00Z\"}}}}}";
  }
}
