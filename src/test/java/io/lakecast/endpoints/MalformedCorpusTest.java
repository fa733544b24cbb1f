package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed corpus of malformed import records ({@code golden/endpoints/malformed}, 41 cases between good
 * rows): each yields exactly its expected reason code at its file and line, every good row is imported, and the
 * counts reconcile.
 */
class MalformedCorpusTest {
  static final Path CORPUS = Path.of("src/test/resources/golden/endpoints/malformed");
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;
  static JsonNode json;
  static JsonNode csv;

  @BeforeAll
  static void importCorpus() {
    spark = SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("corpus");
    String folder = CORPUS.toAbsolutePath().toString();
    json = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + folder + "\",\"Format\":\"JSON\"}").ok().get("ImportJobResponse");
    csv = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + folder + "\",\"Format\":\"CSV\"}").ok().get("ImportJobResponse");
  }

  @Test
  void everyMalformedRecordHasItsExpectedReasonAtItsLine() throws Exception {
    Set<String> expected = new TreeSet<>(Files.readAllLines(CORPUS.resolve("expected-reasons.txt")).subList(1,
        Files.readAllLines(CORPUS.resolve("expected-reasons.txt")).size()));
    assertThat(expected).as("corpus size").hasSizeGreaterThanOrEqualTo(30);
    Set<String> actual = new TreeSet<>();
    for (Row r : spark.read().format("delta").load(warehouse + "/import_rejects").collectAsList()) {
      String source = r.getString(r.fieldIndex("source"));
      actual.add(source.substring(source.lastIndexOf('/') + 1) + "," + r.getLong(r.fieldIndex("line")) + ","
          + r.getString(r.fieldIndex("reason")));
      assertThat(r.getString(r.fieldIndex("message"))).as("message of " + source).isNotBlank();
    }
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void everyGoodRowIsImportedAndCountsReconcile() {
    assertThat(json.get("TotalProcessed").asInt()).isEqualTo(67);
    assertThat(json.get("TotalFailures").asInt()).isEqualTo(29);
    assertThat(csv.get("TotalPieces").asInt()).isEqualTo(3);
    assertThat(csv.get("TotalProcessed").asInt()).isEqualTo(23);
    assertThat(csv.get("TotalFailures").asInt()).isEqualTo(12);
    long endpoints = spark.read().format("delta").load(warehouse + "/endpoints")
        .filter(col("ApplicationId").equalTo(appId)).count();
    assertThat(endpoints).as("imported = processed - failures")
        .isEqualTo(67 - 29 + 23 - 12)
        .isEqualTo(49);
    String multiLine = Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id",
        EndpointParser.derivedId("EMAIL", "goodcsv9@example.com")).ok().at("/EndpointResponse/Attributes/Interests/0")
        .asText();
    assertThat(multiLine).isEqualTo("multi\nline");
  }

  @Test
  void failuresListTheFirstMessagesWithFileAndLine() {
    List<String> failures = new java.util.ArrayList<>();
    csv.get("Failures").forEach(f -> failures.add(f.asText()));
    assertThat(failures).hasSize(12);
    assertThat(failures).anySatisfy(f -> assertThat(f).contains("unknown-column.csv line 2", "UNKNOWN_MEMBER",
        "Fax.Number"));
    assertThat(failures).anySatisfy(f -> assertThat(f).contains("cases.csv line", "ATTRIBUTE_VALUE_TOO_LONG",
        "the limit is 100"));
  }
}
