package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.EndpointShapes.MessageBody;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * update-endpoint and update-endpoints-batch: the request's records go through the import parser, validation and
 * limits, then {@link EndpointUpsert}, the same code path as an import. A bad record is a BadRequest naming it.
 */
public final class EndpointWrites {
  /** Pinpoint's limit on EndpointBatchRequest.Item. */
  public static final int MAX_BATCH_ITEMS = 100;
  private static final Set<String> RESPONSE_ONLY = Set.of("ApplicationId", "CohortId", "CreationDate");
  private static final Set<String> ENDPOINT_REQUEST_MEMBERS =
      new TreeSet<>(Set.of("Address", "Attributes", "ChannelType", "Demographic", "EffectiveDate", "EndpointStatus",
          "Location", "Metrics", "OptOut", "RequestId", "User"));

  private final Warehouse warehouse;

  public EndpointWrites(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** update-endpoint: creates or updates the endpoint with the path's Id. */
  public MessageBody updateEndpoint(String applicationId, String endpointId, String endpointRequestJson, String source) {
    JsonNode node = tree(endpointRequestJson, "EndpointRequest", source);
    for (String member : List.of("Id", "ApplicationId", "CohortId", "CreationDate")) {
      if (node.has(member)) {
        throw LakecastErrors.unknownMember("EndpointRequest", member, ENDPOINT_REQUEST_MEMBERS);
      }
    }
    ((ObjectNode) node).put("Id", endpointId);
    return write(applicationId, List.of(node), "EndpointRequest");
  }

  /** update-endpoints-batch: up to 100 EndpointBatchItem records. */
  public MessageBody updateBatch(String applicationId, String batchJson, String source) {
    JsonNode node = tree(batchJson, "EndpointBatchRequest", source);
    var names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("Item")) {
        throw LakecastErrors.unknownMember("EndpointBatchRequest", n, List.of("Item"));
      }
    }
    JsonNode items = node.get("Item");
    if (items == null || !items.isArray()) {
      throw LakecastErrors.missingMember("EndpointBatchRequest", "Item");
    }
    if (items.size() > MAX_BATCH_ITEMS) {
      throw LakecastErrors.invalidMember("EndpointBatchRequest", "Item", items.size() + " items; at most "
          + MAX_BATCH_ITEMS + " per request (Pinpoint's limit): split the batch, or import a file with"
          + " create-import-job");
    }
    List<JsonNode> list = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      JsonNode item = items.get(i);
      for (String member : RESPONSE_ONLY) {
        if (item.has(member)) {
          Set<String> known = new TreeSet<>(ENDPOINT_REQUEST_MEMBERS);
          known.add("Id");
          throw LakecastErrors.unknownMember("EndpointBatchRequest", "Item[" + i + "]." + member, known);
        }
      }
      list.add(item);
    }
    return write(applicationId, list, "EndpointBatchRequest");
  }

  private MessageBody write(String applicationId, List<JsonNode> records, String shape) {
    List<String> problems = check(applicationId, records, shape, true);
    for (int i = 0; i < problems.size(); i++) {
      if (problems.get(i) != null) {
        String where = shape.equals("EndpointRequest") ? shape : shape + ".Item[" + i + "]";
        String member = problems.get(i).contains(RejectReason.TOO_MANY_ENDPOINTS_FOR_USER.name())
            ? "User.UserId" : "(record)";
        throw LakecastErrors.invalidMember(where, member, problems.get(i));
      }
    }
    return new MessageBody("Accepted", Ids.random());
  }

  /**
   * Writes the records that pass validation and the per-user limit, each with its {@code Id}, and returns, in the
   * records' order ({@code source} names them in the parsed rows), null for a written record or {@code [Reason] message} for one left out. put-events uses this
   * directly: one bad endpoint must not fail the others.
   */
  public List<String> writeEach(String applicationId, List<JsonNode> records, String source) {
    return check(applicationId, records, source, false);
  }

  /**
   * {@link #writeEach}, or with {@code allOrNothing} (update-endpoint and update-endpoints-batch: a request is
   * written whole or not at all) nothing written when any record has a problem.
   */
  private List<String> check(String applicationId, List<JsonNode> records, String source, boolean allOrNothing) {
    new AppCatalog(warehouse).require(applicationId);
    EndpointParser.Limits limits = EndpointParser.Limits.of(LakecastConf.from(warehouse.spark()));
    List<String> problems = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      EndpointParser.Parsed parsed =
          EndpointParser.checkLimits(EndpointParser.parseJson(records.get(i).toString()), limits);
      if (parsed.rejection() != null) {
        problems.add("[" + parsed.rejection().reason() + "] " + parsed.rejection().message());
      } else {
        problems.add(null);
        rows.add(EndpointParser.toRow(source, i + 1, null, parsed));
      }
    }
    if (rows.isEmpty() || (allOrNothing && rows.size() < records.size())) {
      return problems;
    }
    Dataset<Row> parsed = warehouse.spark().createDataFrame(rows, EndpointParser.PARSED_SCHEMA);
    int max = LakecastConf.from(warehouse.spark()).maxEndpointsPerUser();
    UserEndpointLimit.Outcome limit =
        UserEndpointLimit.check(parsed, UserEndpointLimit.stored(warehouse, applicationId), max);
    List<Row> over = limit.over().orderBy(col("line")).select(col("line"), UserEndpointLimit.message(max))
        .collectAsList();
    if (!over.isEmpty()) {
      for (Row o : over) {
        problems.set((int) o.getLong(0) - 1, "[" + RejectReason.TOO_MANY_ENDPOINTS_FOR_USER + "] " + o.getString(1));
      }
      if (allOrNothing || problems.stream().allMatch(p -> p != null)) {
        return problems;
      }
      // The limit is checked again on the rest alone: the records over it no longer take a user's places.
      List<JsonNode> rest = new ArrayList<>();
      List<Integer> positions = new ArrayList<>();
      for (int i = 0; i < records.size(); i++) {
        if (problems.get(i) == null) {
          rest.add(records.get(i));
          positions.add(i);
        }
      }
      List<String> again = check(applicationId, rest, source, false);
      for (int k = 0; k < again.size(); k++) {
        problems.set(positions.get(k), again.get(k));
      }
      return problems;
    }
    // Collected before the upsert: afterwards the stored endpoints it was computed from have changed.
    List<String> displaced = limit.displaced().as(Encoders.STRING()).collectAsList();
    EndpointUpsert.upsert(warehouse, applicationId, parsed);
    UserEndpointLimit.displace(warehouse, applicationId, displaced);
    return problems;
  }

  private static JsonNode tree(String json, String shape, String source) {
    try {
      JsonNode node = PinpointJson.mapper().readTree(json);
      if (node == null || !node.isObject()) {
        throw LakecastErrors.malformedJson(shape, source, "expected a JSON object");
      }
      return node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw PinpointJson.translate(e, shape, source);
    }
  }
}
