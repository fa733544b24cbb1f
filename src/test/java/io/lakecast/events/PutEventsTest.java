package io.lakecast.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * put-events: endpoints through the endpoint write path, events into the Parquet store each (endpoint, event) once,
 * and a status per endpoint and per event, a bad one failing only itself.
 */
class PutEventsTest {
  @TempDir static Path warehouse;
  static String appId;
  static final String REQUEST = "file://src/test/resources/events/put-events-request.json";

  @BeforeAll
  static void app() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("events");
  }

  static List<Row> stored() {
    return SparkTestSession.get().read().schema(io.lakecast.warehouse.Table.EVENTS.schema())
        .parquet(warehouse.resolve("events").toString())
        .filter(col("app_id").equalTo(appId)).orderBy("event_id").collectAsList();
  }

  @Test
  void eachEndpointAndEventGetsItsOwnStatusAndTheGoodOnesAreStoredOnce() throws Exception {
    JsonNode response = Cli.run("put-events", "--application-id", appId, "--events-request", REQUEST).ok();
    JsonNode golden = PinpointJson.mapper().readTree(
        Files.readString(Path.of("src/test/resources/events/put-events-response.json")));
    assertThat(response).isEqualTo(golden);

    List<Row> rows = stored();
    assertThat(rows).extracting(r -> r.<String>getAs("event_id") + " " + r.getAs("event_type") + " "
            + r.<Row>getAs("client").getString(0) + " " + r.getAs("event_timestamp") + " " + r.getAs("event_date"))
        .containsExactly(
            "ev-buy _monetization.purchase ep-ios 1796030430500 2026-11-30",
            "ev-kept custom.visit ep-bad 1796029200000 2026-11-30",
            "ev-late level.completed ep-ios 1796185800000 2026-12-02",
            "ev-quiet custom.visit ep-quiet 1796029200000 2026-11-30",
            "ev-start _session.start ep-ios 1796030100000 2026-11-30");
    Row buy = rows.get(0);
    assertThat(buy.<String, Object>getJavaMap(buy.fieldIndex("attributes")))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("_currency", "USD", "_product_id", "sku-9"));
    assertThat(buy.<String, Object>getJavaMap(buy.fieldIndex("custom_metrics")))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("_item_price", 4.99, "_quantity", 2.0));
    assertThat(buy.<String, Object>getJavaMap(buy.fieldIndex("session"))).containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
        "session_id", "s-1", "start_timestamp", "1796030100000", "stop_timestamp", "1796030700000",
        "duration", "600000"));
    assertThat(buy.<Row>getAs("device").<String, Object>getJavaMap(0))
        .containsExactlyInAnyOrderEntriesOf(java.util.Map.of("name", "ios", "version", "17.2"));
    assertThat(buy.<String>getAs("event_version")).isEqualTo("3.0");
    Row start = rows.get(4);
    assertThat(start.<String, Object>getJavaMap(start.fieldIndex("app_details"))).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("package_name", "com.example.shop", "title", "Shop", "version_code", "42"));
    assertThat(start.<Row>getAs("application").<String, Object>getJavaMap(1)).containsExactlyInAnyOrderEntriesOf(
        java.util.Map.of("name", "aws-amplify-swift", "version", "2.1.0"));

    // The endpoint went through update-endpoint's path; the refused one was not written.
    JsonNode ios = Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", "ep-ios").ok()
        .get("EndpointResponse");
    assertThat(ios.get("ChannelType").asText()).isEqualTo("APNS");
    assertThat(ios.at("/User/UserId").asText()).isEqualTo("user-1");
    assertThat(Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", "ep-bad").exitCode())
        .isNotZero();

    // The same request again: the same answer, and nothing more in the store.
    Run again = Cli.run("put-events", "--application-id", appId, "--events-request", REQUEST);
    assertThat(again.ok()).isEqualTo(golden);
    assertThat(stored()).hasSize(5);
  }

  @Test
  void aRequestOverPinpointsLimitsIsRefusedWhole() {
    StringBuilder events = new StringBuilder();
    for (int i = 0; i < 101; i++) {
      events.append(i == 0 ? "" : ",").append("\"e").append(i)
          .append("\":{\"EventType\":\"x\",\"Timestamp\":\"2026-11-30T09:00:00Z\"}");
    }
    Run tooMany = Cli.run("put-events", "--application-id", appId, "--events-request",
        "{\"BatchItem\":{\"many\":{\"Endpoint\":{},\"Events\":{" + events + "}}}}");
    assertThat(tooMany.exitCode()).isNotZero();
    assertThat(tooMany.err()).contains("BadRequestException: Invalid BatchItem in EventsRequest: 101 events;"
        + " at most 100 per request (Pinpoint's limit)");

    Run unknown = Cli.run("put-events", "--application-id", appId, "--events-request",
        "{\"BatchItems\":{}}");
    assertThat(unknown.err()).contains(
        "BadRequestException: Unknown member 'BatchItems' in EventsRequest; expected one of: BatchItem");
    assertThat(stored()).extracting(r -> r.<String>getAs("event_id")).doesNotContain("e1");
  }
}
