package io.lakecast.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy on 127.0.0.1 in front of an AWS REST-JSON API (such as {@link MotoServer}'s SES v2) that keeps every
 * request body it forwards and can answer calls itself with the service's error, as a busy or broken service would:
 * {@link #failNext} makes the next calls fail with a status, an error type ({@code x-amzn-ErrorType}) and a message,
 * without reaching the service.
 */
public final class RecordingProxy implements AutoCloseable {
  private final HttpServer server;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String upstream;
  private final List<String> bodies = new ArrayList<>();
  private final List<String> authorizations = new ArrayList<>();
  private int failures;
  private int failStatus;
  private String failType;
  private String failMessage;

  public RecordingProxy(String upstream) throws IOException {
    this.upstream = upstream;
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Answers the next {@code calls} calls with HTTP {@code status}, error type {@code type} and {@code message}. */
  public synchronized void failNext(int calls, int status, String type, String message) {
    failures = calls;
    failStatus = status;
    failType = type;
    failMessage = message;
  }

  /** Every request body received so far, in order, answered by the service or by the proxy. */
  public synchronized List<String> bodies() {
    return List.copyOf(bodies);
  }

  /** The {@code Authorization} header of every request so far (a SigV4 signature names the access key id). */
  public synchronized List<String> authorizations() {
    return List.copyOf(authorizations);
  }

  /** Forgets the requests received so far and any failures still to come. */
  public synchronized void reset() {
    bodies.clear();
    authorizations.clear();
    failures = 0;
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      byte[] body = exchange.getRequestBody().readAllBytes();
      boolean fail;
      synchronized (this) {
        bodies.add(new String(body, StandardCharsets.UTF_8));
        authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        fail = failures > 0;
        if (fail) {
          failures--;
        }
      }
      if (fail) {
        byte[] answer = ("{\"message\":\"" + failMessage + "\"}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", failType);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(failStatus, answer.length);
        exchange.getResponseBody().write(answer);
        return;
      }
      HttpResponse<byte[]> response = ProxyForwarding.forward(client, upstream, exchange, body);
      ProxyForwarding.answer(exchange, response, response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exchange.sendResponseHeaders(500, -1);
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
