package io.lakecast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy on 127.0.0.1 in front of a stream server that throttles like a busy destination: of the batch calls
 * numbered {@code firstThrottled} to {@code firstThrottled + throttledCalls - 1} (from 1) it forwards only every other
 * record and answers for the rest with the destination's throttling error, a partial failure as the service gives it:
 *
 * <ul>
 *   <li>{@link Protocol#KINESIS}, in front of {@link KinesisServer}: {@code PutRecords}, {@code FailedRecordCount} and
 *       {@code ProvisionedThroughputExceededException} per refused record, as a hot shard answers;
 *   <li>{@link Protocol#FIREHOSE}, in front of {@link MotoServer}: {@code PutRecordBatch}, {@code FailedPutCount}
 *       and {@code ServiceUnavailableException} per refused record, as a delivery stream over its limits answers.
 * </ul>
 *
 * <p>Neither server ever throttles by itself. Every other call passes through. The proxy reads the JSON protocol, so
 * a Kinesis client in the test JVM runs with {@code aws.cborEnabled=false}.
 */
public final class ThrottlingStreamProxy implements AutoCloseable {
  /** A destination's batch call and its partial-failure answer. */
  public enum Protocol {
    KINESIS(".PutRecords", "FailedRecordCount", "Records", "ProvisionedThroughputExceededException",
        "Rate exceeded for shard shardId-000000000000 (throttled by the test proxy)"),
    FIREHOSE(".PutRecordBatch", "FailedPutCount", "RequestResponses", "ServiceUnavailableException",
        "Slow down. (throttled by the test proxy)");

    final String target;
    final String failedCount;
    final String results;
    final String errorCode;
    final String errorMessage;

    Protocol(String target, String failedCount, String results, String errorCode, String errorMessage) {
      this.target = target;
      this.failedCount = failedCount;
      this.results = results;
      this.errorCode = errorCode;
      this.errorMessage = errorMessage;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String upstream;
  private final Protocol protocol;
  private final AtomicInteger batchCalls = new AtomicInteger();
  private final int firstThrottled;
  private final int throttledCalls;

  public ThrottlingStreamProxy(Protocol protocol, String upstream, int firstThrottled, int throttledCalls)
      throws IOException {
    this.protocol = protocol;
    this.upstream = upstream;
    this.firstThrottled = firstThrottled;
    this.throttledCalls = throttledCalls;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
      int call = target != null && target.endsWith(protocol.target) ? batchCalls.incrementAndGet() : 0;
      boolean throttle = call >= firstThrottled && call < firstThrottled + throttledCalls;
      List<Integer> kept = null;
      if (throttle) {
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ArrayNode records = (ArrayNode) request.get("Records");
        ArrayNode forwarded = JSON.createArrayNode();
        kept = new java.util.ArrayList<>();
        for (int i = 0; i < records.size(); i += 2) {
          forwarded.add(records.get(i));
          kept.add(i);
        }
        request.set("Records", forwarded);
        body = JSON.writeValueAsBytes(request);
        kept.add(records.size());
      }
      HttpResponse<byte[]> response = ProxyForwarding.forward(client, upstream, exchange, body);
      byte[] answer = response.body();
      if (throttle && response.statusCode() == 200) {
        answer = partialFailure(protocol, JSON.readTree(answer), kept);
      }
      ProxyForwarding.answer(exchange, response, answer);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.sendResponseHeaders(500, -1);
    } finally {
      exchange.close();
    }
  }

  /** The upstream's answer for the kept records, with a throttling error for each record left out. */
  private static byte[] partialFailure(Protocol protocol, JsonNode upstream, List<Integer> kept) throws IOException {
    int total = kept.remove(kept.size() - 1);
    ArrayNode results = JSON.createArrayNode();
    int failed = 0;
    int next = 0;
    for (int i = 0; i < total; i++) {
      if (next < kept.size() && kept.get(next) == i) {
        results.add(upstream.get(protocol.results).get(next++));
      } else {
        results.addObject().put("ErrorCode", protocol.errorCode).put("ErrorMessage", protocol.errorMessage);
        failed++;
      }
    }
    ObjectNode answer = JSON.createObjectNode();
    answer.put(protocol.failedCount, failed);
    answer.set(protocol.results, results);
    return JSON.writeValueAsBytes(answer);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
