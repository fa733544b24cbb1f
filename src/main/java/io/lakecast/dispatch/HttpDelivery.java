package io.lakecast.dispatch;

import io.lakecast.LakecastErrors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One provider call over HTTP(S) as Lakecast's HTTP senders (and the campaign hook's client) make it: a client with a
 * connect timeout, no redirects and optional extra trusted certificates; 3 attempts when the call times out, the
 * connection fails or the provider answers 408, 429 or 5xx, with exponential backoff and full jitter between them, or
 * the provider's {@code Retry-After} (seconds, at most {@value #MAX_RETRY_AFTER_SECONDS}) when it gives one; any
 * other answer outside 2xx fails at once. Reasons name the URL without its query (which may hold a token).
 */
public final class HttpDelivery {
  static final int ATTEMPTS = 3;
  /** The longest {@code Retry-After} honoured: a provider asking for more gets the attempt after this long. */
  static final int MAX_RETRY_AFTER_SECONDS = 30;

  private HttpDelivery() {}

  /** A client for {@code timeoutSeconds}, trusting the JVM's authorities plus {@code pem} (a path, or empty). */
  public static HttpClient client(int timeoutSeconds, String pem, String pemSetting) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(timeoutSeconds))
        .followRedirects(HttpClient.Redirect.NEVER);
    if (!pem.isEmpty()) {
      try {
        b.sslContext(TrustedCertificates.sslContext(pem, pemSetting));
      } catch (IOException e) {
        throw LakecastErrors.ioFailure("read the certificates of", pemSetting, e);
      }
    }
    return b.build();
  }

  /**
   * Sends {@code request}: SENT on 2xx, else FAILED with {@code prefix + "_REJECTED: HTTP <status> from <url>"} for
   * a refusal, or {@code prefix + "_ERROR: … (3 attempts)"} when every attempt failed.
   */
  static Sender.Delivery call(HttpClient client, HttpRequest request, String prefix) {
    String where = withoutQuery(request.uri());
    String last = null;
    int lastStatus = 0;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
        int status = response.statusCode();
        if (status / 100 == 2) {
          return Sender.Delivery.sent(status, attempt);
        }
        last = "HTTP " + status + " from " + where;
        lastStatus = status;
        if (status != 408 && status != 429 && status / 100 != 5) {
          return Sender.Delivery.rejected(status, prefix + "_REJECTED: " + last, attempt);
        }
        long retryAfter = retryAfterSeconds(response);
        if (retryAfter >= 0 && attempt < ATTEMPTS) {
          pause(retryAfter * 1000);
          continue;
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + " calling " + where;
        lastStatus = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Sender.Delivery.unknown(prefix + "_ERROR: interrupted calling " + where, attempt);
      }
      ChannelMessages.backoff(attempt, ATTEMPTS);
    }
    return Sender.Delivery.gaveUp(lastStatus, prefix + "_ERROR: " + last + " (" + ATTEMPTS + " attempts)", ATTEMPTS);
  }

  /**
   * The provider's {@code Retry-After} in seconds (its delta-seconds form), at most {@value #MAX_RETRY_AFTER_SECONDS};
   * -1 when it gives none or an HTTP date (then the backoff applies).
   */
  static long retryAfterSeconds(HttpResponse<?> response) {
    return response.headers().firstValue("Retry-After").map(String::strip).filter(v -> v.matches("\\d{1,9}"))
        .map(v -> Math.min(Long.parseLong(v), MAX_RETRY_AFTER_SECONDS)).orElse(-1L);
  }

  /** A URL for messages: without its query, which may hold a token. */
  static String withoutQuery(URI uri) {
    return uri.getScheme() + "://" + uri.getAuthority() + (uri.getPath() == null ? "" : uri.getPath());
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
