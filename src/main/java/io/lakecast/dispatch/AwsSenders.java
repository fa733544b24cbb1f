package io.lakecast.dispatch;

import java.net.URI;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/**
 * What the senders calling an AWS API (SES, End User Messaging SMS) share: how their client is built and how a failed
 * call becomes a delivery outcome.
 */
final class AwsSenders {
  private AwsSenders() {}

  /**
   * The client of {@code builder} in {@code region}, at {@code endpoint} when not empty, with the SDK's standard retry
   * strategy (throttling, 5xx, timeouts and lost connections; exponential backoff with full jitter) for at most
   * {@code maxAttempts} calls, counted by {@code attempts}. Credentials come from the SDK's default chain.
   */
  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String endpoint,
      String region, int maxAttempts, Attempts attempts) {
    // The Apache 4 client, named: the SDK would otherwise look for one on the class path (see events.StreamSink).
    builder.httpClientBuilder(ApacheHttpClient.builder())
        .region(Region.of(region))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(maxAttempts).build()).addExecutionInterceptor(attempts));
    if (!endpoint.isEmpty()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /**
   * Counts the calls a client makes (the first and each retry): a sender, which uses its client from one thread, takes
   * the count after each request for the ledger's Attempts.
   */
  static final class Attempts implements ExecutionInterceptor {
    private int count;

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
      count++;
    }

    /** The calls made since the last take. */
    int take() {
      int n = count;
      count = 0;
      return n;
    }
  }

  /**
   * The outcome of a call the service answered with an error, after {@code attempts} calls: {@code <prefix>_ERROR:
   * <code> (HTTP <status>): <message> (<n> attempts)} when the SDK retried it (throttling, 5xx; THROTTLED or
   * TEMPORARY_FAILURE), else {@code <prefix>_REJECTED: …} (PERMANENT_FAILURE, or OPT_OUT when {@code optedOut}).
   */
  static Sender.Delivery failed(String prefix, AwsServiceException e, int attempts, boolean optedOut) {
    boolean retried = e.isThrottlingException() || e.statusCode() >= 500;
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String detail = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    String reason = prefix + (retried ? "_ERROR: " : "_REJECTED: ") + code + " (HTTP " + e.statusCode() + "): "
        + ChannelMessages.firstLine(detail) + (retried ? " (" + attempts + " attempts)" : "");
    int status = e.isThrottlingException() ? 429 : e.statusCode();
    if (retried) {
      return Sender.Delivery.gaveUp(status, reason, attempts);
    }
    return optedOut ? Sender.Delivery.optedOut(status, reason, attempts)
        : Sender.Delivery.rejected(status, reason, attempts);
  }

  /** The outcome of a call that got no answer (no connection, no credentials) after {@code attempts} calls. */
  static Sender.Delivery failed(String prefix, SdkClientException e, int attempts) {
    return Sender.Delivery.gaveUp(0, prefix + "_ERROR: " + ChannelMessages.firstLine(e.getMessage()), attempts);
  }
}
