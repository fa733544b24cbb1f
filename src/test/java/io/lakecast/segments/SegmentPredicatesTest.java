package io.lakecast.segments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.LakecastException;
import io.lakecast.endpoints.EndpointParser;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.SegmentShapes.SegmentDimensions;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.Table;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Each supported dimension, compiled to a Column, against six golden endpoints with known members. */
class SegmentPredicatesTest {
  static Dataset<Row> endpoints;

  @BeforeAll
  static void goldenEndpoints() throws IOException {
    SparkSession spark = SparkTestSession.get();
    List<Row> rows = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("src/test/resources/golden/segments/dimensions/endpoints.ndjson"))) {
      EndpointParser.Parsed parsed = EndpointParser.parseJson(line);
      assertThat(parsed.rejection()).as("golden endpoint " + line).isNull();
      rows.add(EndpointParser.toRow("golden", 0, line, parsed));
    }
    endpoints =
        EndpointParser.endpoints(spark.createDataFrame(rows, EndpointParser.PARSED_SCHEMA))
            .selectExpr(Table.Schemas.ENDPOINT_MEMBERS.fieldNames())
            .cache();
  }

  static List<String> members(String dimensionsJson) {
    SegmentDimensions d = PinpointJson.parse(dimensionsJson, SegmentDimensions.class, "SegmentDimensions", "test");
    return endpoints.filter(SegmentPredicates.compile(d)).select("Id").orderBy("Id").as(
        org.apache.spark.sql.Encoders.STRING()).collectAsList();
  }

  @Test
  void noDimensionsMatchEveryone() {
    assertThat(members("{}")).containsExactly("e1", "e2", "e3", "e4", "e5", "e6");
  }

  @Test
  void demographicSetDimensionsAreExactAndExclusiveKeepsMissing() {
    assertThat(members("{\"Demographic\":{\"Platform\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"ios\"]}}}"))
        .containsExactly("e1", "e5");
    assertThat(members("{\"Demographic\":{\"Platform\":{\"DimensionType\":\"EXCLUSIVE\",\"Values\":[\"ios\"]}}}"))
        .as("EXCLUSIVE keeps endpoints without a platform").containsExactly("e2", "e3", "e4", "e6");
    assertThat(members("{\"Demographic\":{\"Channel\":{\"Values\":[\"EMAIL\",\"SMS\"]}}}"))
        .as("DimensionType defaults to INCLUSIVE").containsExactly("e1", "e2", "e4", "e6");
    assertThat(members("{\"Demographic\":{\"Make\":{\"Values\":[\"apple\"]},\"Model\":{\"Values\":[\"iPad\"]}}}"))
        .containsExactly("e5");
    assertThat(members("{\"Demographic\":{\"AppVersion\":{\"Values\":[\"2.0\"]}}}")).containsExactly("e1", "e3");
  }

  @Test
  void country() {
    assertThat(members("{\"Location\":{\"Country\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"US\",\"CA\"]}}}"))
        .containsExactly("e1", "e2", "e4");
  }

  @Test
  void attributesInclusiveMatchAnyValueCaseSensitively() {
    assertThat(members("{\"Attributes\":{\"Interests\":{\"AttributeType\":\"INCLUSIVE\",\"Values\":[\"Music\"]}}}"))
        .containsExactly("e1");
    assertThat(members("{\"Attributes\":{\"Interests\":{\"AttributeType\":\"EXCLUSIVE\",\"Values\":[\"Music\"]}}}"))
        .as("EXCLUSIVE keeps endpoints without the attribute or with an empty list")
        .containsExactly("e2", "e3", "e4", "e5", "e6");
    assertThat(members("{\"UserAttributes\":{\"Tier\":{\"AttributeType\":\"INCLUSIVE\",\"Values\":[\"Silver\"]}}}"))
        .containsExactly("e2", "e5");
  }

  @Test
  void metricsWithAllFiveOperators() {
    assertThat(members(metric("GREATER_THAN", 5))).containsExactly("e4", "e6");
    assertThat(members(metric("GREATER_THAN_OR_EQUAL", 5))).containsExactly("e1", "e4", "e6");
    assertThat(members(metric("LESS_THAN", 1))).as("endpoints without the metric never match").containsExactly("e3");
    assertThat(members(metric("LESS_THAN_OR_EQUAL", 1))).containsExactly("e2", "e3");
    assertThat(members(metric("EQUAL", 5.5))).containsExactly("e4");
  }

  @Test
  void criteriaCombineWithAnd() {
    assertThat(members("{\"Location\":{\"Country\":{\"Values\":[\"US\"]}},"
        + "\"Metrics\":{\"purchases\":{\"ComparisonOperator\":\"GREATER_THAN\",\"Value\":5}}}"))
        .containsExactly("e4");
  }

  @Test
  void badDefinitionsNameTheMemberPath() {
    assertThatThrownBy(() -> members(metric("ABOUT", 1)))
        .isInstanceOf(LakecastException.class)
        .hasMessageContaining("Dimensions.Metrics.purchases.ComparisonOperator")
        .hasMessageContaining("GREATER_THAN_OR_EQUAL");
    assertThatThrownBy(() -> members("{\"Location\":{\"Country\":{\"Values\":[]}}}"))
        .hasMessageContaining("Dimensions.Location.Country.Values");
    assertThatThrownBy(() -> SegmentPredicates.compile(PinpointJson.parse(
            "{\"Dimensions\":{},\"SegmentGroups\":{\"Include\":\"ALL\"}}", WriteSegmentRequest.class,
            "WriteSegmentRequest", "test"), new SegmentPredicates.Context(null, null)))
        .hasMessageContaining("not both");
  }

  private static String metric(String op, double value) {
    return "{\"Metrics\":{\"purchases\":{\"ComparisonOperator\":\"" + op + "\",\"Value\":" + value + "}}}";
  }
}
