package io.lakecast.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.imports.EndpointGenerator;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.SparkTestSession;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Memory hygiene: every job of the main chain runs on a million endpoints (and a million events) in a JVM with a 1 GiB
 * heap, which holds Spark's driver and its executor both. A driver-side collection that grew with the audience or
 * with a file's size (a million endpoint rows are several hundred MB as JVM objects) would end in
 * {@code OutOfMemoryError} here. The chain runs as one {@code lakecast --batch} of the packaged CLI: import, a re-import
 * with 10% changed, a segment, an A/B campaign through the outbox, a segment export, an events import and a
 * compaction. Counts are checked against a plain Spark filter of the same endpoints, run in the test's own JVM.
 */
class SmallHeapIT {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  static final long N = 1_000_000;
  static final String APP = "small-heap";

  @TempDir static Path root;

  @Test
  void everyJobOfTheChainRunsOnAMillionEndpointsInAOneGigabyteHeap() throws Exception {
    Path endpoints = Files.createDirectories(root.resolve("endpoints"));
    Path changed = Files.createDirectories(root.resolve("changed"));
    Path events = Files.createDirectories(root.resolve("events"));
    // The bench's inputs, streamed to disk: the endpoints, the same with every tenth one changed, and events.
    try (BufferedWriter w = Files.newBufferedWriter(endpoints.resolve("endpoints.csv"), StandardCharsets.UTF_8)) {
      EndpointGenerator.write(N, 7, Format.CSV, w);
    }
    try (BufferedWriter w = Files.newBufferedWriter(changed.resolve("endpoints.csv"), StandardCharsets.UTF_8)) {
      EndpointGenerator.write(N, 7, Format.CSV, w, 10, 0);
    }
    try (BufferedWriter w = Files.newBufferedWriter(events.resolve("events.ndjson"), StandardCharsets.UTF_8)) {
      io.lakecast.bench.Bench.writeEvents(N, w);
    }
    String campaign = Files.readString(HOME.resolve("jobs/specs/campaign.json"))
        .replace("REPLACE_WITH_SEGMENT_ID", "seg");
    Path warehouse = root.resolve("warehouse");
    Path export = root.resolve("export");
    List<String> batch = List.of(
        "create-app --create-application-request '{\"Name\":\"small heap\"}' --application-id " + APP,
        "create-import-job --application-id " + APP + " --import-job-request '{\"S3Url\":\"file:" + endpoints
            + "\",\"Format\":\"CSV\"}'",
        "create-import-job --application-id " + APP + " --import-job-request '{\"S3Url\":\"file:" + changed
            + "\",\"Format\":\"CSV\"}'",
        "create-segment --application-id " + APP + " --segment-id seg --write-segment-request '"
            + io.lakecast.bench.Bench.SEGMENT + "'",
        "create-campaign --application-id " + APP + " --campaign-id camp --write-campaign-request '"
            + PinpointJson.mapper().readTree(campaign) + "'",
        "run-campaign --application-id " + APP + " --campaign-id camp",
        "create-export-job --application-id " + APP + " --export-job-request '{\"S3UrlPrefix\":\"file:" + export
            + "\",\"SegmentId\":\"seg\"}'",
        "create-events-import-job --application-id " + APP + " --events-import-job-request '{\"S3Url\":\"file:"
            + events + "\"}'",
        "compact-events --application-id " + APP);
    Path file = Files.write(root.resolve("chain.txt"), batch);
    Path out = root.resolve("out.ndjson");
    Path err = root.resolve("err.log");
    ProcessBuilder pb = new ProcessBuilder(HOME.resolve("scripts/lakecast").toString(),
        "--conf", "spark.lakecast.warehouse=" + warehouse, "--batch", file.toString()).directory(HOME.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().put("LAKECAST_JAVA_OPTS", "-Xmx1g");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(20, TimeUnit.MINUTES)).as("the chain ended within 20 minutes").isTrue();
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit status; the log's end:\n" + log.substring(Math.max(0, log.length() - 4000)))
        .isZero();
    assertThat(log).doesNotContain("OutOfMemoryError");
    // Each command's time, for the record (the CLI logs "<command> finished in N ms").
    log.lines().filter(l -> l.contains(" finished in ")).forEach(l ->
        org.slf4j.LoggerFactory.getLogger(SmallHeapIT.class).info("With -Xmx1g: {}", l.substring(l.indexOf(": ") + 2)));

    List<JsonNode> results = new ArrayList<>();
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      if (line.startsWith("{")) {
        results.add(PinpointJson.mapper().readTree(line));
      }
    }
    assertThat(results).as("one result per command").hasSize(batch.size());
    for (int i : new int[] {1, 2}) {
      JsonNode job = results.get(i).get("ImportJobResponse");
      assertThat(job.get("JobStatus").asText()).as("import " + i).isEqualTo("COMPLETED");
      assertThat(job.get("TotalProcessed").asLong()).as("records of import " + i).isEqualTo(N);
      assertThat(job.get("TotalFailures").asLong()).as("refused records of import " + i).isZero();
    }

    // The segment, hand-written over the endpoints the chain left: what the campaign and the export must cover.
    SparkTestSession.withWarehouse(warehouse);
    Dataset<Row> all = SparkTestSession.get().read().format("delta").load(warehouse.resolve("endpoints").toString())
        .filter(col("ApplicationId").equalTo(APP));
    assertThat(all.count()).as("endpoints").isEqualTo(N);
    long members = all.filter(col("ChannelType").isin("EMAIL", "SMS"))
        .filter(col("Location.Country").isin("US", "CA", "GB", "DE"))
        .filter(org.apache.spark.sql.functions.exists(col("Attributes").getItem("Interests"),
            v -> v.isin("Music", "Travel")))
        .filter(col("Metrics").getItem("purchases").geq(2))
        .count();
    assertThat(members).as("segment members").isGreaterThan(50_000);
    JsonNode run = results.get(5).get("CampaignRunResponse");
    long excluded = 0;
    for (JsonNode n : run.path("Excluded")) {
      excluded += n.asLong();
    }
    assertThat(run.get("Sent").asLong() + run.get("Holdout").asLong() + excluded)
        .as("sent, held out and excluded: every member once").isEqualTo(members);
    JsonNode exported = results.get(6).get("ExportJobResponse");
    assertThat(exported.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(exported.get("TotalProcessed").asLong()).as("exported members").isEqualTo(members);
    JsonNode imported = results.get(7).get("EventsImportJobResponse");
    assertThat(imported.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(imported.get("TotalProcessed").asLong()).as("events read").isEqualTo(N);
    assertThat(imported.get("TotalFailures").asLong()).as("events refused").isZero();
    assertThat(SparkTestSession.get().read().parquet(warehouse.resolve("events").toString())
        .filter(col("app_id").equalTo(APP).and(col("event_type").notEqual("_campaign.send"))).count())
        .as("events stored, after the compaction").isEqualTo(N);
  }
}
