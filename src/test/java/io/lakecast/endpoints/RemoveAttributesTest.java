package io.lakecast.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointEnums.AttributeKind;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * remove-attributes: removed names and globs are no longer captured by later writes (imports and the endpoint
 * API alike), while stored endpoints keep what they had.
 */
class RemoveAttributesTest {
  @TempDir static Path warehouse;
  @TempDir static Path files;
  static String appId;

  @BeforeAll
  static void app() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("remove");
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "r-1", "--endpoint-request",
        "{\"ChannelType\":\"EMAIL\",\"Address\":\"r1@example.com\","
            + "\"Attributes\":{\"promo_spring\":[\"yes\"],\"Plan\":[\"Free\"]},"
            + "\"Metrics\":{\"score\":1,\"visits\":1},"
            + "\"User\":{\"UserId\":\"ru\",\"UserAttributes\":{\"ssn\":[\"123\"],\"Tier\":[\"Silver\"]}}}").ok();
  }

  static JsonNode endpoint(String id) {
    return Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", id).ok().get("EndpointResponse");
  }

  @Test
  void globsMatchWholeNamesCaseSensitively() {
    assertThat(AttributeCapture.isRemoved("promo_spring", List.of("promo_*"))).isTrue();
    assertThat(AttributeCapture.isRemoved("Promo_spring", List.of("promo_*"))).isFalse();
    assertThat(AttributeCapture.isRemoved("xpromo_a", List.of("promo_*"))).isFalse();
    assertThat(AttributeCapture.isRemoved("score", List.of("sc?re"))).isTrue();
    assertThat(AttributeCapture.isRemoved("scoore", List.of("sc?re"))).isFalse();
    assertThat(AttributeCapture.isRemoved("a.b(c)", List.of("a.b(c)"))).as("regex characters are literal").isTrue();
    assertThat(AttributeCapture.isRemoved("aXb(c)", List.of("a.b(c)"))).isFalse();
  }

  @Test
  void removedAttributesAreNoLongerCapturedByImportsOrTheApi() throws Exception {
    JsonNode custom = Cli.run("remove-attributes", "--application-id", appId,
        "--attribute-type", "endpoint-custom-attributes",
        "--update-attributes-request", "{\"Blacklist\":[\"promo_*\"]}").ok().get("AttributesResource");
    assertThat(custom.get("ApplicationId").asText()).isEqualTo(appId);
    assertThat(custom.get("AttributeType").asText()).isEqualTo("endpoint-custom-attributes");
    assertThat(custom.get("Attributes")).extracting(JsonNode::asText).containsExactly("promo_*");
    Cli.run("remove-attributes", "--application-id", appId, "--attribute-type", "endpoint-metric-attributes",
        "--update-attributes-request", "{\"Blacklist\":[\"score\"]}").ok();
    JsonNode user = Cli.run("remove-attributes", "--application-id", appId,
        "--attribute-type", "endpoint-user-attributes",
        "--update-attributes-request", "{\"Blacklist\":[\"ssn\"]}").ok().get("AttributesResource");
    assertThat(user.get("Attributes")).extracting(JsonNode::asText).containsExactly("ssn");

    // Through the API: removed keys neither change nor appear; other keys still do.
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "r-1", "--endpoint-request",
        "{\"Attributes\":{\"promo_spring\":[\"no\"],\"promo_fall\":[\"yes\"],\"Plan\":[\"Pro\"]},"
            + "\"Metrics\":{\"score\":9,\"visits\":2},"
            + "\"User\":{\"UserId\":\"ru\",\"UserAttributes\":{\"ssn\":[\"999\"],\"Tier\":[\"Gold\"]}}}").ok();
    JsonNode r1 = endpoint("r-1");
    assertThat(r1.at("/Attributes/promo_spring/0").asText()).as("stored value kept").isEqualTo("yes");
    assertThat(r1.at("/Attributes").has("promo_fall")).as("new removed key not captured").isFalse();
    assertThat(r1.at("/Attributes/Plan/0").asText()).isEqualTo("Pro");
    assertThat(r1.at("/Metrics/score").asDouble()).isEqualTo(1.0);
    assertThat(r1.at("/Metrics/visits").asDouble()).isEqualTo(2.0);
    assertThat(r1.at("/User/UserAttributes/ssn/0").asText()).isEqualTo("123");
    assertThat(r1.at("/User/UserAttributes/Tier/0").asText()).isEqualTo("Gold");

    // Through an import: same code path.
    Path csv = files.resolve("after-removal.csv");
    Files.writeString(csv, "Id,ChannelType,Address,Attributes.promo_x,Attributes.Plan,Metrics.score\n"
        + "r-2,SMS,+12065550777,yes,Team,5\n");
    JsonNode job = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + csv.toUri() + "\",\"Format\":\"CSV\"}").ok().get("ImportJobResponse");
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(1);
    JsonNode r2 = endpoint("r-2");
    assertThat(r2.at("/Attributes/Plan/0").asText()).isEqualTo("Team");
    assertThat(r2.at("/Attributes").has("promo_x")).isFalse();
    assertThat(r2.has("Metrics") && r2.get("Metrics").has("score")).isFalse();

    // The list only grows, and is returned whole.
    JsonNode more = Cli.run("remove-attributes", "--application-id", appId,
        "--attribute-type", "endpoint-custom-attributes",
        "--update-attributes-request", "{\"Blacklist\":[\"legacy\"]}").ok().get("AttributesResource");
    assertThat(more.get("Attributes")).extracting(JsonNode::asText).containsExactly("legacy", "promo_*");
  }

  @Test
  void badRequestsNameTheMember() {
    Run type = Cli.run("remove-attributes", "--application-id", appId, "--attribute-type", "custom",
        "--update-attributes-request", "{\"Blacklist\":[\"x\"]}");
    assertThat(type.exitCode()).isEqualTo(2);
    assertThat(type.err()).contains("AttributeType", "custom", "endpoint-custom-attributes",
        "endpoint-metric-attributes", "endpoint-user-attributes");
    Run empty = Cli.run("remove-attributes", "--application-id", appId, "--attribute-type",
        "endpoint-custom-attributes", "--update-attributes-request", "{\"Blacklist\":[]}");
    assertThat(empty.exitCode()).isEqualTo(2);
    assertThat(empty.err()).contains("UpdateAttributesRequest", "Blacklist");
    Run unknown = Cli.run("remove-attributes", "--application-id", appId, "--attribute-type",
        "endpoint-custom-attributes", "--update-attributes-request", "{\"Blocklist\":[\"x\"]}");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("Blocklist", "Blacklist");
  }

  @Test
  void anAppsTableFromAnEarlierVersionGainsTheColumn() throws Exception {
    SparkSession spark = SparkTestSession.get();
    Path old = Files.createTempDirectory(warehouse, "old");
    StructType v1 = new StructType();
    for (var f : Table.APPS.schema().fields()) {
      if (!f.name().equals("RemovedAttributes")) {
        v1 = v1.add(f);
      }
    }
    String root = old.toUri().toString();
    spark.createDataFrame(List.of(org.apache.spark.sql.RowFactory.create("a1", "arn", "old", null, "2026-01-01")), v1)
        .write().format("delta").save(root + "/apps");
    Warehouse w = new Warehouse(spark, root);
    assertThat(w.read(Table.APPS).schema().fieldNames()).contains("RemovedAttributes");
    var catalog = new io.lakecast.warehouse.AppCatalog(w);
    assertThat(catalog.removedAttributes("a1")).isEmpty();
    catalog.removeAttributes("a1", AttributeKind.METRIC,
        new io.lakecast.model.AppShapes.UpdateAttributesRequest(List.of("m*")));
    assertThat(catalog.removedAttributes("a1")).containsEntry(AttributeKind.METRIC, List.of("m*"));
    assertThat(catalog.require("a1").name()).isEqualTo("old");
  }
}
