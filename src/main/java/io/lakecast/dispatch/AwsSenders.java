package io.lakecast.dispatch;

import java.net.URI;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
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
   * {@code maxAttempts} calls. Credentials come from the SDK's default chain.
   */
  static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C client(B builder, String endpoint,
      String region, int maxAttempts) {
    // The Apache 4 client, named: the SDK would otherwise look for one on the class path (see events.StreamSink).
    builder.httpClientBuilder(ApacheHttpClient.builder())
        .region(Region.of(region))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .maxAttempts(maxAttempts).build()));
    if (!endpoint.isEmpty()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /**
   * The outcome of a call the service answered with an error: {@code <prefix>_ERROR: <code> (HTTP <status>):
   * <message> (<n> attempts)} when the SDK retried it (throttling, 5xx), else {@code <prefix>_REJECTED: …}.
   */
  static Sender.Delivery failed(String prefix, AwsServiceException e, int maxAttempts) {
    boolean retried = e.isThrottlingException() || e.statusCode() >= 500;
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    String detail = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
    return Sender.Delivery.failed(prefix + (retried ? "_ERROR: " : "_REJECTED: ") + code + " (HTTP " + e.statusCode()
        + "): " + ChannelMessages.firstLine(detail) + (retried ? " (" + maxAttempts + " attempts)" : ""));
  }

  /** The outcome of a call that got no answer (no connection, no credentials) after the SDK's attempts. */
  static Sender.Delivery failed(String prefix, SdkClientException e) {
    return Sender.Delivery.failed(prefix + "_ERROR: " + ChannelMessages.firstLine(e.getMessage()));
  }
}
