package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointEnums.JobStatus;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An import job's JobStatus goes CREATED → PROCESSING → COMPLETED, or ends FAILED with the reason recorded. */
class ImportJobStatusTest {
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("status");
  }

  /** The job's JobStatus in every version of the jobs table, oldest first. */
  static List<String> history(String jobId) {
    String jobs = warehouse + "/jobs";
    long latest = io.delta.tables.DeltaTable.forPath(spark, jobs).history(1).first().getLong(0);
    List<String> states = new ArrayList<>();
    for (long v = 0; v <= latest; v++) {
      // The job as of version v: its row with the latest status (the table keeps one row per state).
      spark.read().format("delta").option("versionAsOf", v).load(jobs)
          .filter(col("Id").equalTo(jobId)).select("JobStatus").collectAsList().stream()
          .map(r -> JobStatus.valueOf(r.getString(0))).max(Comparator.naturalOrder())
          .ifPresent(status -> {
            if (states.isEmpty() || !states.get(states.size() - 1).equals(status.name())) {
              states.add(status.name());
            }
          });
    }
    return states;
  }

  @Test
  void aJobGoesThroughCreatedAndProcessingToCompleted() {
    JsonNode job = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"jobs/specs/endpoints-example.csv\",\"Format\":\"CSV\"}").ok().get("ImportJobResponse");
    assertThat(job.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(history(job.get("Id").asText())).containsExactly("CREATED", "PROCESSING", "COMPLETED");
  }

  @Test
  void aJobWithNothingToReadIsRecordedAsFailed() {
    Run missing = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + warehouse.resolve("no-such-folder").toUri() + "\",\"Format\":\"JSON\"}");
    assertThat(missing.exitCode()).isNotZero();
    JsonNode failed = Cli.run("get-import-jobs", "--application-id", appId).ok().at("/ImportJobsResponse/Item");
    List<JsonNode> failedJobs = new ArrayList<>();
    failed.forEach(j -> {
      if (j.get("JobStatus").asText().equals("FAILED")) {
        failedJobs.add(j);
      }
    });
    assertThat(failedJobs).hasSize(1);
    assertThat(failedJobs.get(0).get("Failures").get(0).asText()).contains("no-such-folder");
    assertThat(failedJobs.get(0).has("CompletionDate")).isTrue();
    assertThat(history(failedJobs.get(0).get("Id").asText())).containsExactly("CREATED", "FAILED");
  }
}
