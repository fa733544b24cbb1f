package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.testing.WarehouseSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compact-events: each event partition's small files become one, the store holds the same events, and a second run
 * finds nothing to merge.
 */
class CompactEventsTest {
  @TempDir static Path warehouse;
  static String appId;

  @BeforeAll
  static void app() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("compact");
  }

  /** Data files per partition folder of the application, by event_date. */
  static Map<String, Long> filesPerDate() throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(warehouse.resolve("events/app_id=" + appId))) {
      for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".parquet")
          && !p.getFileName().toString().startsWith(".")).toList()) {
        out.merge(f.getParent().getFileName().toString(), 1L, Long::sum);
      }
    }
    return out;
  }

  static List<String> stored() {
    return WarehouseSnapshot.lines(SparkTestSession.get().read().parquet(warehouse.resolve("events").toString())
        .filter(col("app_id").equalTo(appId)));
  }

  @Test
  void eachPartitionsFilesBecomeOneAndTheStoreHoldsTheSameEvents() throws IOException {
    for (int call = 1; call <= 3; call++) {
      Cli.run("put-events", "--application-id", appId, "--events-request", "{\"BatchItem\":{\"ep-" + call
          + "\":{\"Endpoint\":{},\"Events\":{"
          + "\"a" + call + "\":{\"EventType\":\"app.opened\",\"Timestamp\":\"2026-11-01T10:00:00Z\"},"
          + "\"b" + call + "\":{\"EventType\":\"app.opened\",\"Timestamp\":\"2026-11-02T10:00:00Z\"}}}}}").ok();
    }
    Map<String, Long> before = filesPerDate();
    assertThat(before.keySet()).containsExactly("event_date=2026-11-01", "event_date=2026-11-02");
    assertThat(before.values()).as("three appends wrote at least three files to each date").allMatch(n -> n >= 3);
    List<String> events = stored();
    assertThat(events).hasSize(6);

    JsonNode r = Cli.run("compact-events", "--application-id", appId).ok().get("CompactEventsResult");
    assertThat(r.get("PartitionsCompacted").asLong()).isEqualTo(2);
    assertThat(r.get("FilesBefore").asLong()).isEqualTo(before.values().stream().mapToLong(Long::longValue).sum());
    assertThat(r.get("FilesAfter").asLong()).isEqualTo(2);
    assertThat(r.get("Events").asLong()).isEqualTo(6);
    assertThat(filesPerDate()).containsExactlyEntriesOf(
        new TreeMap<>(Map.of("event_date=2026-11-01", 1L, "event_date=2026-11-02", 1L)));
    assertThat(stored()).as("the events a reader sees").isEqualTo(events);
    assertThat(warehouse.resolve("_staging/compact-events")).satisfiesAnyOf(
        p -> assertThat(p).doesNotExist(), p -> assertThat(p).isEmptyDirectory());

    JsonNode again = Cli.run("compact-events", "--application-id", appId).ok().get("CompactEventsResult");
    assertThat(again.get("PartitionsCompacted").asLong()).isZero();
    assertThat(stored()).isEqualTo(events);
  }
}
