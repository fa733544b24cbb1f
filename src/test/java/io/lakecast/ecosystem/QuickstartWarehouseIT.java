package io.lakecast.ecosystem;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.PythonEnv;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse {@code scripts/quickstart} builds, read the ways data teams read it: with delta-rs and DuckDB (not
 * locked into Spark), and from the notebooks under {@code notebooks/}, executed with PySpark and delta-spark. One
 * endpoint is deleted after the quickstart, so the endpoints table carries a deletion vector every reader must honour.
 */
class QuickstartWarehouseIT {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  /** The quickstart's endpoints (its summary's "endpoints imported"), before one is deleted here. */
  static final long QUICKSTART_ENDPOINTS = 10_008;
  /** Ledger rows of its two campaigns (sent and held out), each with its _campaign.send event. */
  static final long QUICKSTART_LEDGER_ROWS = 6_928;
  /** The app events of jobs/specs/events-example.json that put-events accepts. */
  static final long QUICKSTART_APP_EVENTS = 5;

  @TempDir static Path root;
  static Path warehouse;
  static SparkSession spark;
  static String appId;
  static String summary;
  static io.lakecast.testing.KinesisServer kinesis;

  @BeforeAll
  static void quickstart() {
    warehouse = root.resolve("warehouse");
    // A Kinesis server with the stream the quickstart names: it streams the new application's events there.
    kinesis = io.lakecast.testing.KinesisServer.get();
    try {
      kinesis.createStream("lakecast-events", 1);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    PythonEnv.Process.Result r = PythonEnv.Process.run(List.of(HOME.resolve("scripts/quickstart").toString()),
        Map.of("LAKECAST_WAREHOUSE", warehouse.toString(), "LAKECAST_KINESIS_ENDPOINT", kinesis.endpoint()), 15);
    assertThat(r.exitCode()).as("scripts/quickstart; stderr:\n" + r.err()).isZero();
    Matcher app = Pattern.compile("Lakecast quickstart summary \\(application ([0-9a-f]{32})\\)").matcher(r.out());
    assertThat(app.find()).as("the quickstart's summary:\n" + r.out()).isTrue();
    appId = app.group(1);
    summary = r.out();
    spark = SparkTestSession.withWarehouse(warehouse);
    String deleted = spark.read().format("delta").load(warehouse + "/endpoints").filter(col("ChannelType")
        .equalTo("APNS")).orderBy("Id").first().getAs("Id");
    Cli.run("delete-endpoint", "--application-id", appId, "--endpoint-id", deleted).ok();
  }

  /** Table → columns every engine reads, and the count Spark must see (written down from the quickstart). */
  static Map<String, List<String>> readColumns() {
    Map<String, List<String>> spec = new LinkedHashMap<>();
    spec.put("endpoints", List.of("Id", "ChannelType", "Address", "EndpointStatus"));
    spec.put("segments", List.of("SegmentId", "Version", "Name"));
    spec.put("send_ledger", List.of("CampaignId", "EndpointId", "Arm", "TreatmentId", "Status"));
    spec.put("events", List.of("event_id", "event_type", "app_id", "event_date"));
    return spec;
  }

  @Test
  void deltaRsAndDuckDbReadWhatSparkReads() throws Exception {
    Map<String, List<String>> spec = readColumns();
    JsonNode seen = PinpointJson.mapper().readTree(PythonEnv.script("read_with_engines.py", Map.of(),
        warehouse.toString(), PinpointJson.mapper().writeValueAsString(spec)).out());
    Map<String, Long> sparkCounts = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> t : spec.entrySet()) {
      Dataset<Row> table = t.getKey().equals("events")
          ? spark.read().parquet(warehouse + "/events")
          : spark.read().format("delta").load(warehouse + "/" + t.getKey());
      List<List<String>> rows = new ArrayList<>();
      for (Row r : table.select(t.getValue().stream().map(c -> col(c)).toArray(org.apache.spark.sql.Column[]::new))
          .collectAsList()) {
        List<String> row = new ArrayList<>();
        for (int i = 0; i < r.size(); i++) {
          row.add(r.isNullAt(i) ? null : String.valueOf(r.get(i)));
        }
        rows.add(row);
      }
      rows.sort((a, b) -> String.join("\u0000", a.stream().map(v -> v == null ? "" : v).toList())
          .compareTo(String.join("\u0000", b.stream().map(v -> v == null ? "" : v).toList())));
      sparkCounts.put(t.getKey(), table.count());
      List<List<String>> sample = rows;
      seen.get(t.getKey()).fields().forEachRemaining(engine -> {
        assertThat(engine.getValue().get("count").asLong()).as(t.getKey() + " rows read by " + engine.getKey())
            .isEqualTo(rows.size());
        assertThat(PinpointJson.mapper().convertValue(engine.getValue().get("rows"), List.class))
            .as(t.getKey() + " " + t.getValue() + " as " + engine.getKey() + " reads them").isEqualTo(sample);
      });
      assertThat(seen.get(t.getKey()).size()).as("engines that read " + t.getKey()).isEqualTo(2);
    }
    assertThat(sparkCounts).as("rows per table").isEqualTo(Map.of("endpoints", QUICKSTART_ENDPOINTS - 1,
        "segments", 1L, "send_ledger", QUICKSTART_LEDGER_ROWS,
        "events", QUICKSTART_LEDGER_ROWS + QUICKSTART_APP_EVENTS));
  }

  @Test
  void theQuickstartIngestsEventsPrintsKpisAndStreamsToKinesis() throws Exception {
    assertThat(summary).contains("put-events accepted       5 event(s)",
        "A/B campaign delivery rate ['1.0'] (successful-delivery-rate)",
        "sessions                  ['2'] (lakecast-sessions, 2026-11-20 to 12-20)",
        "event stream              6933 record(s) delivered to "
            + "arn:aws:kinesis:us-east-1:000000000000:stream/lakecast-events",
        "The A/B campaign as an experiment (get-campaign-experiment, conversion: _monetization.purchase within 24 h)",
        "  arm HOLDOUT  planned   10%", "  arm 0        planned   50%", "  arm 1        planned   40%",
        "  sample ratio mismatch     chi-squared ");
    List<String[]> records = kinesis.records("lakecast-events");
    assertThat(records).as("every event of the application, once").hasSize(6_933);
    assertThat(records.stream().map(r -> r[1]).filter(j -> j.contains("\"event_id\":\"qs-purchase-1\"")))
        .singleElement().asString().contains("\"metrics\":{\"_item_price\":12.5,\"_quantity\":2.0}");
  }

  @Test
  void theNotebooksRunAgainstTheQuickstartWarehouse() throws Exception {
    Path jar;
    try (var jars = java.nio.file.Files.list(HOME.resolve("target"))) {
      jar = jars.filter(p -> p.getFileName().toString().matches("lakecast-[^-]+(-SNAPSHOT)?\\.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("no thin jar in target/"));
    }
    // Every notebook runs (a new one joins the suite by being added); each has golden lines of its output.
    Map<String, List<String>> golden = Map.of("explore-warehouse.ipynb", List.of(appId, "Lakecast quickstart",
        // Each cell's table, as the quickstart's fixed inputs make it: the application, endpoints per channel and
        // country, the bad-rows file's rejects, the DAILY campaign's sends, the ledger's Delta history, the events.
        "|      EMAIL|  NONE| 4755|", "|     MX| 1101|", "|INVALID_ENUM   |", "|MALFORMED_JSON |",
        "|TREATMENT|          0|   SENT| 4274|", "|    MERGE|", "|           1|SUCCESS|"),
        // The A/B campaign's KPIs and experiment as Lakecast answers them, drawn. The split follows the campaign id,
        // new each quickstart; the segment's 2,654 members and the shape of each line do not.
        "engagement-kpis.ipynb", List.of(appId, "successful-delivery-rate: SuccessfulDeliveryRate=1.0",
            "unique-deliveries: UniqueDeliveries=", "arm       planned  members   sent  conversions  rate",
            "\nHOLDOUT       10%", "\n0             50%", "\n1             40%", "sample ratio: chi-squared ",
            "members in all arms: 2654, sent: ", "<Figure size 1100x400 with 2 Axes>", "plotted 3 arms"));
    List<Path> notebooks;
    try (var files = java.nio.file.Files.list(HOME.resolve("notebooks"))) {
      notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
    assertThat(notebooks).as("notebooks, each with its golden output here")
        .extracting(p -> p.getFileName().toString()).containsExactlyInAnyOrderElementsOf(golden.keySet());
    for (Path notebook : notebooks) {
      PythonEnv.Process.Result r = PythonEnv.script("run_notebook.py", Map.of("SPARK_LOCAL_IP", "127.0.0.1"),
          notebook.toString(), "WAREHOUSE=" + warehouse, "LAKECAST_JAR=" + jar);
      String text = String.join("\n", PinpointJson.mapper().readValue(r.out(), String[].class));
      assertThat(text).as(notebook.getFileName() + "'s output")
          .contains(golden.get(notebook.getFileName().toString()).toArray(String[]::new));
    }
  }
}
