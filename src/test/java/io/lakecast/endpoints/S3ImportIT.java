package io.lakecast.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.S3Server;
import io.lakecast.testing.SparkTestSession;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * create-import-job from {@code s3://} and {@code s3a://} URLs against a real S3 API server on 127.0.0.1: a
 * prefix with subfolders, mixed formats (only the requested one is read), gzip, a single object.
 */
class S3ImportIT {
  @TempDir static Path storage;
  @TempDir static Path warehouse;
  static S3Server s3;
  static SparkSession spark;
  static String appId;

  @BeforeAll
  static void upload() throws Exception {
    s3 = new S3Server(storage);
    s3.createBucket("pinpoint-exports");
    spark = SparkTestSession.withWarehouse(warehouse);
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    s3.configure(conf);
    FileSystem fs = FileSystem.get(java.net.URI.create("s3a://pinpoint-exports/"), conf);
    put(fs, "s3a://pinpoint-exports/audience/2026/11/part-1.csv",
        "ChannelType,Address,Location.Country,User.UserId\n"
            + "EMAIL,a1@example.com,US,u1\nSMS,+12065550101,CA,u1\nFAX,+12065550102,US,u2\n", false);
    put(fs, "s3a://pinpoint-exports/audience/2026/12/part-2.csv.gz",
        "ChannelType,Address\nEMAIL,a2@example.com\nEMAIL,a3@example.com\n", true);
    put(fs, "s3a://pinpoint-exports/audience/2026/12/endpoints.json",
        "{\"ChannelType\":\"EMAIL\",\"Address\":\"json@example.com\"}\n", false);
    put(fs, "s3a://pinpoint-exports/audience/README.txt", "not an import file", false);
    put(fs, "s3a://pinpoint-exports/export/app/part-0.gz",
        "{\"ApplicationId\":\"old\",\"Id\":\"x1\",\"ChannelType\":\"SMS\",\"Address\":\"+12065550199\","
            + "\"CohortId\":\"7\",\"EndpointStatus\":\"ACTIVE\",\"OptOut\":\"NONE\","
            + "\"CreationDate\":\"2024-01-01T00:00:00.000Z\"}\n", true);
    appId = Cli.createApp("s3");
  }

  static void put(FileSystem fs, String uri, String content, boolean gzip) throws Exception {
    try (OutputStream raw = fs.create(new org.apache.hadoop.fs.Path(uri), true);
        OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
  }

  @Test
  void importsEveryCsvUnderAPrefixIncludingGzipAndSubfolders() {
    JsonNode job = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"s3://pinpoint-exports/audience/\",\"Format\":\"CSV\","
            + "\"RoleArn\":\"arn:aws:iam::123456789012:role/PinpointImport\"}").ok().get("ImportJobResponse");
    assertThat(job.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("TotalPieces").asInt()).as("two CSV objects, the JSON and README left out").isEqualTo(2);
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(5);
    assertThat(job.get("TotalFailures").asInt()).isEqualTo(1);
    assertThat(job.get("Failures").get(0).asText()).contains("s3a://pinpoint-exports/audience/2026/11/part-1.csv",
        "line 4", "FAX");
    String id = EndpointParser.derivedId("EMAIL", "a3@example.com");
    assertThat(Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", id).ok()
        .at("/EndpointResponse/Address").asText()).isEqualTo("a3@example.com");
  }

  @Test
  void aPinpointExportObjectImportsUnchanged() {
    JsonNode job = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"s3a://pinpoint-exports/export/app/part-0.gz\",\"Format\":\"JSON\"}").ok()
        .get("ImportJobResponse");
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(1);
    assertThat(job.get("TotalFailures").asInt()).isZero();
    JsonNode e = Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", "x1").ok()
        .get("EndpointResponse");
    assertThat(e.get("CohortId").asText()).as("kept from the export").isEqualTo("7");
    assertThat(e.get("CreationDate").asText()).isEqualTo("2024-01-01T00:00:00.000Z");
    assertThat(e.get("ApplicationId").asText()).as("the importing app").isEqualTo(appId);
  }

  @Test
  void theWarehouseItselfCanLiveInS3() {
    s3.createBucket("lakecast-warehouse");
    String local = spark.conf().get("spark.lakecast.warehouse");
    spark.conf().set("spark.lakecast.warehouse", "s3a://lakecast-warehouse/prod");
    try {
      String app = Cli.createApp("in s3");
      JsonNode job = Cli.run("create-import-job", "--application-id", app, "--import-job-request",
          "{\"S3Url\":\"s3://pinpoint-exports/audience/2026/12/endpoints.json\",\"Format\":\"JSON\"}").ok()
          .get("ImportJobResponse");
      assertThat(job.get("TotalProcessed").asInt()).isEqualTo(1);
      assertThat(spark.read().format("delta").load("s3a://lakecast-warehouse/prod/endpoints").count()).isEqualTo(1);
      assertThat(Cli.run("get-import-job", "--application-id", app, "--job-id", job.get("Id").asText()).ok()
          .at("/ImportJobResponse/JobStatus").asText()).isEqualTo("COMPLETED");
    } finally {
      spark.conf().set("spark.lakecast.warehouse", local);
    }
  }

  @Test
  void aMissingPrefixIsAClearError() {
    Cli.Run r = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"s3://pinpoint-exports/nothing-here/\",\"Format\":\"CSV\"}");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("No CSV files found", "s3a://pinpoint-exports/nothing-here");
    assertThat(r.err()).doesNotContain(S3Server.SECRET_KEY);
  }
}
