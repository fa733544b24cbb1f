package io.lakecast.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.endpoints.EndpointWrites;
import io.lakecast.model.EventShapes.EndpointItemResponse;
import io.lakecast.model.EventShapes.EventItemResponse;
import io.lakecast.model.EventShapes.EventsResponse;
import io.lakecast.model.EventShapes.ItemResponse;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * put-events (PutEvents): each {@code BatchItem}'s {@code Endpoint} goes through the endpoint write path
 * ({@link EndpointWrites}, the rules and limits of update-endpoint), and its {@code Events} into the event store,
 * each (endpoint id, event id) held once however often it is sent.
 *
 * <p>Request limits, as Pinpoint's: at most {@value #MAX_EVENTS} events and {@value #MAX_REQUEST_BYTES} bytes per
 * request (the whole request is refused); per event see {@link EventRecords}. A bad endpoint or event gets its own
 * 400 in {@code EventsResponse} and does not fail its neighbours. Pinpoint's application-wide quotas (1,500 event
 * types, 500 attribute and 500 metric names) are not enforced.
 */
public final class PutEvents {
  private static final Logger LOG = LoggerFactory.getLogger(PutEvents.class);
  public static final int MAX_EVENTS = 100;
  public static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
  private static final String ACCEPTED = "Accepted";

  private final Warehouse warehouse;

  public PutEvents(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Stores the request's endpoints and events; {@code source} names where the request came from, for errors. */
  public EventsResponse put(String applicationId, String eventsRequestJson, String source) {
    new AppCatalog(warehouse).require(applicationId);
    if (eventsRequestJson.getBytes(StandardCharsets.UTF_8).length > MAX_REQUEST_BYTES) {
      throw LakecastErrors.invalidMember("EventsRequest", "(request)", "larger than " + MAX_REQUEST_BYTES
          + " bytes (Pinpoint's limit): split it into several requests");
    }
    JsonNode batches = batchItems(eventsRequestJson, source);
    long arrivedAt = System.currentTimeMillis();
    Map<String, ItemResponse> results = new LinkedHashMap<>();
    List<String> endpointIds = new ArrayList<>();
    List<JsonNode> endpoints = new ArrayList<>();
    Map<String, String> batchProblems = new LinkedHashMap<>();
    List<Row> rows = new ArrayList<>();
    Map<String, Map<String, EventItemResponse>> eventResults = new LinkedHashMap<>();
    var items = batches.fields();
    while (items.hasNext()) {
      var item = items.next();
      String endpointId = item.getKey();
      JsonNode batch = item.getValue();
      Map<String, EventItemResponse> events = new LinkedHashMap<>();
      eventResults.put(endpointId, events);
      String problem = batchProblem(batch);
      if (problem != null) {
        batchProblems.put(endpointId, problem);
        continue;
      }
      JsonNode endpoint = batch.get("Endpoint");
      if (endpoint.size() > 0) {
        ObjectNode withId = endpoint.deepCopy();
        withId.put("Id", endpointId);
        endpointIds.add(endpointId);
        endpoints.add(withId);
      }
      Map<String, String> platform = platform(endpoint);
      JsonNode eventsNode = batch.get("Events");
      var it = eventsNode == null ? java.util.Collections.<Map.Entry<String, JsonNode>>emptyIterator()
          : eventsNode.fields();
      while (it.hasNext()) {
        var e = it.next();
        EventRecords.Outcome outcome =
            EventRecords.toRow(applicationId, endpointId, e.getKey(), e.getValue(), platform, arrivedAt);
        if (outcome.problem() != null) {
          events.put(e.getKey(), new EventItemResponse(outcome.problem(), 400));
        } else {
          rows.add(outcome.row());
          events.put(e.getKey(), new EventItemResponse(ACCEPTED, 202));
        }
      }
    }
    List<String> endpointProblems = endpoints.isEmpty() ? List.of()
        : new EndpointWrites(warehouse).writeEach(applicationId, endpoints, "EventsRequest");
    Map<String, String> byEndpoint = new LinkedHashMap<>(batchProblems);
    for (int i = 0; i < endpointProblems.size(); i++) {
      if (endpointProblems.get(i) != null) {
        // The endpoint parser names the import's record shape; here the record is the batch's PublicEndpoint.
        byEndpoint.put(endpointIds.get(i), endpointProblems.get(i).replace(" in EndpointBatchItem",
            " in PublicEndpoint"));
      }
    }
    long stored = rows.isEmpty() ? 0
        : new EventStore(warehouse).appendNew(applicationId,
            warehouse.spark().createDataFrame(rows, Table.EVENTS.schema()));
    for (var e : eventResults.entrySet()) {
      String problem = byEndpoint.get(e.getKey());
      results.put(e.getKey(), new ItemResponse(
          problem == null ? new EndpointItemResponse(ACCEPTED, 202) : new EndpointItemResponse(problem, 400),
          e.getValue()));
    }
    LOG.info("put-events {}: {} endpoint(s), {} event(s) accepted, {} new to the store", applicationId,
        results.size(), rows.size(), stored);
    return new EventsResponse(results);
  }

  private static JsonNode batchItems(String json, String source) {
    JsonNode root;
    try {
      root = PinpointJson.mapper().readTree(json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw PinpointJson.translate(e, "EventsRequest", source);
    }
    if (root == null || !root.isObject()) {
      throw LakecastErrors.malformedJson("EventsRequest", source, "expected a JSON object");
    }
    var names = root.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("BatchItem")) {
        throw LakecastErrors.unknownMember("EventsRequest", n, List.of("BatchItem"));
      }
    }
    JsonNode batches = root.get("BatchItem");
    if (batches == null || !batches.isObject()) {
      throw LakecastErrors.missingMember("EventsRequest", "BatchItem");
    }
    int events = 0;
    for (JsonNode b : batches) {
      JsonNode e = b.get("Events");
      events += e != null && e.isObject() ? e.size() : 0;
    }
    if (events > MAX_EVENTS) {
      throw LakecastErrors.invalidMember("EventsRequest", "BatchItem", events + " events; at most " + MAX_EVENTS
          + " per request (Pinpoint's limit): split the request, or import a file with create-events-import-job");
    }
    return batches;
  }

  /** Why an {@code EventsBatch} is unusable as a whole, or null. */
  private static String batchProblem(JsonNode batch) {
    if (!batch.isObject()) {
      return "EventsBatch is not a JSON object";
    }
    var names = batch.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!n.equals("Endpoint") && !n.equals("Events")) {
        return "Unknown member '" + n + "' in EventsBatch; expected one of: Endpoint, Events";
      }
    }
    if (batch.get("Endpoint") == null || !batch.get("Endpoint").isObject()) {
      return "Missing required member 'Endpoint' in EventsBatch (a PublicEndpoint object, {} for none)";
    }
    if (batch.get("Events") != null && !batch.get("Events").isObject()) {
      return "Invalid Events in EventsBatch: expected an object of events keyed by event id";
    }
    return null;
  }

  /** The event's {@code device.platform}: the request endpoint's Demographic.Platform and PlatformVersion. */
  private static Map<String, String> platform(JsonNode endpoint) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode d = endpoint.get("Demographic");
    if (d != null && d.isObject()) {
      if (d.hasNonNull("Platform")) {
        out.put("name", d.get("Platform").asText());
      }
      if (d.hasNonNull("PlatformVersion")) {
        out.put("version", d.get("PlatformVersion").asText());
      }
    }
    return out;
  }
}
