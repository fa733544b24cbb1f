package io.lakecast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that would overwrite the warehouse's tables, and sources of schemes nobody configured, are refused before
 * any I/O, with the member and what is allowed; the tables are untouched.
 */
class GuardedLocationsTest {
  @TempDir static Path warehouse;
  @TempDir static Path files;
  static String appId;
  static String segmentId;

  @BeforeAll
  static void app() throws Exception {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("guards");
    Path csv = files.resolve("e.csv");
    Files.writeString(csv, "ChannelType,Address,Id\nEMAIL,a@example.com,e1\nEMAIL,b@example.com,e2\n");
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"Format\":\"CSV\",\"S3Url\":\"" + csv.toUri() + "\",\"RoleArn\":\"r\"}").ok();
    segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Name\":\"email\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"EMAIL\"]}}}}").ok().at("/SegmentResponse/Id").asText();
  }

  private static long endpoints() {
    return SparkTestSession.get().read().format("delta").load(warehouse.resolve("endpoints").toString()).count();
  }

  @Test
  void anExportOntoTheEndpointsTableIsRefusedAndTheTableStays() {
    Run r = Cli.run("create-export-job", "--application-id", appId, "--export-job-request",
        "{\"S3UrlPrefix\":\"" + warehouse.resolve("endpoints") + "\",\"RoleArn\":\"r\"}");
    assertThat(r.exitCode()).as("exit code").isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: Cannot write S3UrlPrefix")
        .contains("the table endpoints", "outside the warehouse's tables");
    assertThat(r.out()).isEmpty();
    assertThat(endpoints()).as("endpoints left in the table").isEqualTo(2);
  }

  @Test
  void aSegmentOutputOntoTheEndpointsTableIsRefused() {
    Run r = Cli.run("evaluate-segment", "--application-id", appId, "--segment-id", segmentId,
        "--output", warehouse.resolve("endpoints").toString());
    assertThat(r.exitCode()).as("exit code").isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: Cannot write --output").contains("the table endpoints");
    assertThat(endpoints()).as("endpoints left in the table").isEqualTo(2);
  }

  @Test
  void anImportFromAnUnconfiguredSchemeIsRefusedBeforeAnyJobStarts() {
    Run r = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"Format\":\"CSV\",\"S3Url\":\"http://127.0.0.1:9/e.csv\",\"RoleArn\":\"r\"}");
    assertThat(r.exitCode()).as("exit code").isEqualTo(1);
    assertThat(r.err()).isEqualTo("ForbiddenException: Cannot use S3Url 'http://127.0.0.1:9/e.csv': scheme 'http' "
        + "is not allowed; spark.lakecast.io.allowedSchemes allows file, s3, s3a\n");
    assertThat(Cli.run("get-import-jobs", "--application-id", appId).ok().at("/ImportJobsResponse/Item").size())
        .as("import jobs recorded (only the setup's)").isEqualTo(1);
  }
}
