package io.lakecast.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Set;

/** How the test proxies pass a call on: the request to the upstream server, and its answer back to the caller. */
final class ProxyForwarding {
  private static final Set<String> HOP_HEADERS = Set.of("host", "content-length", "connection", "transfer-encoding",
      "expect", "upgrade");

  private ProxyForwarding() {}

  /** Sends {@code exchange}'s request, with {@code body} in place of its own, to {@code upstream}. */
  static HttpResponse<byte[]> forward(HttpClient client, String upstream, HttpExchange exchange, byte[] body)
      throws IOException, InterruptedException {
    HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(upstream + exchange.getRequestURI()))
        .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
    exchange.getRequestHeaders().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
        values.forEach(v -> forward.header(name, v));
      }
    });
    return client.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Answers {@code exchange} with {@code response}'s status and headers, and {@code answer} as the body. */
  static void answer(HttpExchange exchange, HttpResponse<byte[]> response, byte[] answer) throws IOException {
    response.headers().map().forEach((name, values) -> {
      if (!HOP_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT)) && !name.startsWith(":")) {
        values.forEach(v -> exchange.getResponseHeaders().add(name, v));
      }
    });
    exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
    exchange.getResponseBody().write(answer);
  }
}
