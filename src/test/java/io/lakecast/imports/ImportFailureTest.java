package io.lakecast.imports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An import that fails after it started ends FAILED with the reason, and the same request then runs to the end. */
class ImportFailureTest {
  @TempDir Path warehouse;
  @TempDir Path files;

  @Test
  void aFailureAfterProcessingEndsTheJobFailedAndTheSameRequestRunsAgain() throws Exception {
    SparkTestSession.withWarehouse(warehouse);
    String app = Cli.createApp("fails-late");
    Path csv = files.resolve("in.csv");
    Files.writeString(csv, "ChannelType,Address,Id\nEMAIL,a@example.com,e1\nFAX,+12065550100,e2\n"
        + "EMAIL,c@example.com,e3\n");
    String request = "{\"Format\":\"CSV\",\"S3Url\":\"" + csv.toUri() + "\",\"RoleArn\":\"r\"}";
    // The rejects table's folder holds something that is not a Delta table: writing the FAX row's reject fails,
    // after the job has started PROCESSING.
    Files.createDirectories(warehouse.resolve("import_rejects"));
    Files.writeString(warehouse.resolve("import_rejects").resolve("stray.txt"), "x");

    Run failed = Cli.run("create-import-job", "--application-id", app, "--import-job-request", request);
    assertThat(failed.exitCode()).as("exit code").isEqualTo(1);
    assertThat(failed.err()).startsWith("BadRequestException: The warehouse table 'import_rejects'");
    JsonNode jobs = Cli.run("get-import-jobs", "--application-id", app).ok().at("/ImportJobsResponse/Item");
    assertThat(jobs.size()).as("jobs").isEqualTo(1);
    assertThat(jobs.get(0).get("JobStatus").asText()).isEqualTo("FAILED");
    assertThat(jobs.get(0).get("Failures").get(0).asText())
        .startsWith("The warehouse table 'import_rejects' at file:" + warehouse.resolve("import_rejects"));
    assertThat(jobs.get(0).has("CompletionDate")).as("CompletionDate of the failed job").isTrue();

    try (Stream<Path> stray = Files.walk(warehouse.resolve("import_rejects"))) {
      stray.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    JsonNode again = Cli.run("create-import-job", "--application-id", app, "--import-job-request", request).ok()
        .get("ImportJobResponse");
    assertThat(again.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(again.get("TotalProcessed").asInt()).as("processed").isEqualTo(3);
    assertThat(again.get("FailedPieces").asInt()).isZero();
    assertThat(Cli.run("get-endpoint", "--application-id", app, "--endpoint-id", "e3").ok()
        .at("/EndpointResponse/Address").asText()).isEqualTo("c@example.com");
  }

  @Test
  void aSourceWithNoFilesFailsTheJobUnlessEmptyIsAllowed() throws Exception {
    SparkTestSession.withWarehouse(warehouse);
    String app = Cli.createApp("empty-day");
    Files.createDirectories(files.resolve("2026-12-02"));
    Files.writeString(files.resolve("2026-12-02/README.txt"), "not an import file");
    String request = "{\"Format\":\"CSV\",\"S3Url\":\"" + files.resolve("2026-12-02").toUri() + "\"}";

    Run refused = Cli.run("create-import-job", "--application-id", app, "--import-job-request", request);
    assertThat(refused.exitCode()).as("exit code without --allow-empty").isEqualTo(1);
    assertThat(refused.err()).startsWith("BadRequestException: No CSV files found at file:");

    JsonNode empty = Cli.run("create-import-job", "--application-id", app, "--allow-empty", "--import-job-request",
        request).ok().get("ImportJobResponse");
    assertThat(empty.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(empty.get("TotalPieces").asInt()).as("pieces").isZero();
    assertThat(empty.get("TotalProcessed").asInt()).as("processed").isZero();
    JsonNode missing = Cli.run("create-import-job", "--application-id", app, "--allow-empty", "--import-job-request",
        "{\"Format\":\"JSON\",\"S3Url\":\"" + files.resolve("no-such-day").toUri() + "\"}").ok()
        .get("ImportJobResponse");
    assertThat(missing.get("JobStatus").asText()).as("a missing folder with --allow-empty").isEqualTo("COMPLETED");
  }
}
