package io.lakecast.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.EndpointShapes.EndpointImportItem;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Walks Pinpoint's service model (botocore's {@code pinpoint/2016-12-01/service-2.json}, shipped unmodified in the test
 * resources under {@code pinpoint-model/}) and builds, for each request shape Lakecast accepts, a request with every
 * member set, recursively. It must parse, and serializing it back must keep every member: no member of the model is
 * unknown to Lakecast's records.
 */
class ModelConformanceTest {
  static final String MODEL = "/pinpoint-model/pinpoint-service-2.json";
  static JsonNode shapes;

  @BeforeAll
  static void model() throws Exception {
    try (InputStream in = ModelConformanceTest.class.getResourceAsStream(MODEL)) {
      assertThat(in).as("the Pinpoint model in the test resources (" + MODEL + ")").isNotNull();
      shapes = PinpointJson.mapper().readTree(in).get("shapes");
    }
    assertThat(shapes.size()).as("shapes in the Pinpoint model").isGreaterThan(400);
  }

  @Test
  void writeSegmentRequestWithEveryMemberParses() {
    roundTrip("WriteSegmentRequest", WriteSegmentRequest.class);
  }

  @Test
  void writeCampaignRequestWithEveryMemberParses() {
    roundTrip("WriteCampaignRequest", WriteCampaignRequest.class);
  }

  @Test
  void writeApplicationSettingsRequestWithEveryMemberParses() {
    roundTrip("WriteApplicationSettingsRequest", AppShapes.WriteApplicationSettingsRequest.class);
  }

  @Test
  void importJobRequestWithEveryMemberParses() {
    roundTrip("ImportJobRequest", ImportJobRequest.class);
  }

  @Test
  void endpointBatchItemAndEndpointResponseMembersParseAsImportRecords() {
    roundTrip("EndpointBatchItem", EndpointImportItem.class);
    ObjectNode response = (ObjectNode) build("EndpointResponse", 0);
    EndpointImportItem parsed =
        PinpointJson.parse(response.toString(), EndpointImportItem.class, "EndpointResponse", "model");
    assertThat(parsed.cohortId()).isNotNull();
  }

  private static <T> void roundTrip(String shape, Class<T> type) {
    JsonNode full = build(shape, 0);
    T parsed = PinpointJson.parse(full.toString(), type, shape, "model");
    JsonNode back = PinpointJson.mapper().valueToTree(parsed);
    List<String> lost = new ArrayList<>();
    missing(full, back, shape, lost);
    assertThat(lost).as("members lost when parsing " + shape).isEmpty();
  }

  /** A value of the shape with every member set (lists and maps with one element), enums at their first value. */
  static JsonNode build(String name, int depth) {
    JsonNode s = shapes.get(name);
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (s.get("type").asText()) {
      case "structure" -> {
        ObjectNode o = f.objectNode();
        if (depth < 12) {
          Iterator<Map.Entry<String, JsonNode>> it = s.get("members").fields();
          while (it.hasNext()) {
            Map.Entry<String, JsonNode> m = it.next();
            o.set(m.getKey(), build(m.getValue().get("shape").asText(), depth + 1));
          }
        }
        yield o;
      }
      case "list" -> {
        ArrayNode a = f.arrayNode();
        a.add(build(s.get("member").get("shape").asText(), depth + 1));
        yield a;
      }
      case "map" -> {
        ObjectNode o = f.objectNode();
        o.set("key1", build(s.get("value").get("shape").asText(), depth + 1));
        yield o;
      }
      case "string" -> s.has("enum") ? f.textNode(s.get("enum").get(0).asText()) : f.textNode("x");
      case "integer", "long" -> f.numberNode(1);
      case "double", "float" -> f.numberNode(1.5);
      case "boolean" -> f.booleanNode(true);
      case "timestamp" -> f.textNode("2026-01-01T00:00:00Z");
      case "blob" -> f.textNode("eA==");
      default -> throw new AssertionError("model type " + s.get("type") + " of " + name);
    };
  }

  private static void missing(JsonNode expected, JsonNode actual, String path, List<String> lost) {
    if (expected.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = expected.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> m = it.next();
        JsonNode a = actual == null ? null : actual.get(m.getKey());
        if (a == null || a.isNull()) {
          lost.add(path + "." + m.getKey());
        } else {
          missing(m.getValue(), a, path + "." + m.getKey(), lost);
        }
      }
    } else if (expected.isArray() && actual != null && actual.isArray() && actual.size() > 0) {
      missing(expected.get(0), actual.get(0), path + "[0]", lost);
    }
  }
}
