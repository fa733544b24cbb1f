package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.Table;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export then re-import into a new application gives the same endpoints; a segment export holds its members. */
class ExportRoundTripTest {
  @TempDir static Path warehouse;
  @TempDir static Path exports;
  static SparkSession spark;
  static String source;

  @BeforeAll
  static void audience() {
    spark = SparkTestSession.withWarehouse(warehouse);
    source = Cli.createApp("source");
    Cli.run("create-import-job", "--application-id", source, "--import-job-request",
        "{\"S3Url\":\"src/test/resources/golden/segments/dimensions/endpoints.ndjson\",\"Format\":\"JSON\"}").ok();
  }

  /** The app's endpoints as EndpointResponse records without ApplicationId (maps compare by content). */
  static java.util.Set<io.lakecast.model.EndpointShapes.EndpointResponse> endpointsOf(String app) {
    java.util.Set<io.lakecast.model.EndpointShapes.EndpointResponse> out = new java.util.HashSet<>();
    for (Row r : spark.read().format("delta").load(warehouse + "/endpoints")
        .filter(col("ApplicationId").equalTo(app)).collectAsList()) {
      var e = EndpointCatalog.toResponse(r);
      out.add(new io.lakecast.model.EndpointShapes.EndpointResponse(e.address(), null, e.attributes(),
          e.channelType(), e.cohortId(), e.creationDate(), e.demographic(), e.effectiveDate(), e.endpointStatus(),
          e.id(), e.location(), e.metrics(), e.optOut(), e.requestId(), e.user()));
    }
    return out;
  }

  @Test
  void exportAndReimportIntoANewAppGivesTheSameEndpoints() throws Exception {
    Path prefix = exports.resolve("all");
    JsonNode job = Cli.run("create-export-job", "--application-id", source, "--export-job-request",
        "{\"S3UrlPrefix\":\"" + prefix + "\",\"RoleArn\":\"arn:aws:iam::1:role/export\"}").ok()
        .get("ExportJobResponse");
    assertThat(job.get("Type").asText()).isEqualTo("EXPORT");
    assertThat(job.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(6);
    try (Stream<Path> files = Files.list(prefix)) {
      assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("part-")))
          .isNotEmpty().allSatisfy(n -> assertThat(n).endsWith(".json.gz"));
    }
    assertThat(Cli.run("get-export-job", "--application-id", source, "--job-id", job.get("Id").asText()).ok()
        .at("/ExportJobResponse/Definition/S3UrlPrefix").asText()).isEqualTo(prefix.toString());

    String target = Cli.createApp("target");
    JsonNode imported = Cli.run("create-import-job", "--application-id", target, "--import-job-request",
        "{\"S3Url\":\"" + prefix + "\",\"Format\":\"JSON\"}").ok().get("ImportJobResponse");
    assertThat(imported.get("TotalFailures").asInt()).isZero();
    assertThat(endpointsOf(target)).hasSize(6).isEqualTo(endpointsOf(source));
    assertThat(Cli.run("get-export-jobs", "--application-id", source).ok().at("/ExportJobsResponse/Item"))
        .hasSize(1);
  }

  @Test
  void aSegmentExportHoldsExactlyItsMembers() {
    String segment = Cli.run("create-segment", "--application-id", source, "--write-segment-request",
        "{\"Dimensions\":{\"Location\":{\"Country\":{\"Values\":[\"US\"]}}}}").ok().at("/SegmentResponse/Id").asText();
    Path prefix = exports.resolve("us");
    JsonNode job = Cli.run("create-export-job", "--application-id", source, "--export-job-request",
        "{\"S3UrlPrefix\":\"" + prefix + "\",\"SegmentId\":\"" + segment + "\",\"SegmentVersion\":1}").ok()
        .get("ExportJobResponse");
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(2);
    assertThat(spark.read().schema(Table.Schemas.ENDPOINTS).json(prefix.toString()).select("Id").orderBy("Id")
        .as(org.apache.spark.sql.Encoders.STRING()).collectAsList()).containsExactly("e1", "e4");
  }
}
