package io.lakecast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * An HTTP server on 127.0.0.1 that answers AWS End User Messaging SMS ({@code pinpoint-sms-voice-v2}) as the service
 * does over its JSON protocol, for {@code SendTextMessage} and {@code SendVoiceMessage}: a {@code MessageId} for each
 * message; a
 * {@code ConflictException} (HTTP 400) for a destination on its opt-out list; a {@code ThrottlingException} (HTTP 400)
 * or an {@code InternalServerException} (HTTP 500) for the next calls when told to. Any other operation is a
 * {@code ValidationException}. It keeps every request it received, with its {@code Authorization} header.
 */
public final class SmsVoiceServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final Set<String> optedOut;
  private final List<JsonNode> requests = new ArrayList<>();
  private final List<String> targets = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private int failures;
  private String failure;

  public SmsVoiceServer(Set<String> optedOut) throws IOException {
    this.optedOut = Set.copyOf(optedOut);
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** The endpoint ({@code spark.lakecast.sender.sms.smsvoice.endpoint}). */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The next {@code calls} calls get a {@code ThrottlingException}. */
  public synchronized void throttleNext(int calls) {
    failures = calls;
    failure = "ThrottlingException";
  }

  /** The next {@code calls} calls get an {@code InternalServerException}. */
  public synchronized void failNext(int calls) {
    failures = calls;
    failure = "InternalServerException";
  }

  /** Every request received so far, in order, as JSON. */
  public synchronized List<JsonNode> requests() {
    return List.copyOf(requests);
  }

  /** The operation ({@code X-Amz-Target}) of every request so far. */
  public synchronized List<String> targets() {
    return List.copyOf(targets);
  }

  /** The {@code Authorization} header of every request so far. */
  public synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** Forgets the requests so far and the failures still to come. */
  public synchronized void reset() {
    requests.clear();
    targets.clear();
    authorizations.clear();
    failures = 0;
  }

  private synchronized void handle(HttpExchange exchange) throws IOException {
    try {
      JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
      requests.add(request);
      authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
      targets.add(target);
      String destination = request.path("DestinationPhoneNumber").asText();
      if (failures > 0) {
        failures--;
        if (failure.equals("ThrottlingException")) {
          answer(exchange, 400, "{\"__type\":\"ThrottlingException\",\"Message\":\"Rate exceeded.\"}");
        } else {
          answer(exchange, 500, "{\"__type\":\"InternalServerException\",\"Message\":\"Internal failure, try "
              + "again.\",\"RequestId\":\"" + UUID.randomUUID() + "\"}");
        }
      } else if (!target.equals("PinpointSMSVoiceV2.SendTextMessage")
          && !target.equals("PinpointSMSVoiceV2.SendVoiceMessage")) {
        answer(exchange, 400, "{\"__type\":\"ValidationException\",\"Message\":\"Unsupported operation " + target
            + "\",\"Reason\":\"UNKNOWN_OPERATION\"}");
      } else if (optedOut.contains(destination)) {
        answer(exchange, 400, "{\"__type\":\"ConflictException\",\"Message\":\"The destination phone number "
            + destination + " is opted out.\",\"Reason\":\"DESTINATION_PHONE_NUMBER_OPTED_OUT\","
            + "\"ResourceType\":\"opt-out-list\",\"ResourceId\":\"Default\"}");
      } else {
        answer(exchange, 200, "{\"MessageId\":\"" + UUID.randomUUID() + "\"}");
      }
    } finally {
      exchange.close();
    }
  }

  private static void answer(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.0");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
