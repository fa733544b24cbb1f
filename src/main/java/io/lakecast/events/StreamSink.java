package io.lakecast.events;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Delivers batches of stream records to a Kinesis data stream ({@code PutRecords}: at most {@value #MAX_RECORDS}
 * records and {@value #MAX_BATCH_BYTES} bytes per call, the endpoint id as partition key), through the AWS SDK v2
 * client with the endpoint override {@code spark.lakecast.stream.kinesis.endpoint}, the region
 * {@code spark.lakecast.region} and the SDK's default credentials chain.
 *
 * <p>A batch is retried until every record is delivered: only the records the stream refused
 * ({@code ProvisionedThroughputExceededException}, {@code InternalFailure}), or the whole call after a throttled,
 * 5xx or lost one, with exponential backoff and full jitter, up to {@code spark.lakecast.stream.maxAttempts}
 * calls. A refusal that a retry cannot fix (no such stream, access denied, a bad request) fails at once. The SDK's
 * own retries are off, so that these are the only ones.
 */
final class StreamSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSink.class);
  static final int MAX_RECORDS = 500;
  static final int MAX_BATCH_BYTES = 5 * 1024 * 1024;
  static final int MAX_RECORD_BYTES = 1024 * 1024;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  /** One record: its partition key and JSON. */
  record Entry(String partitionKey, byte[] data) {
    int size() {
      return data.length + partitionKey.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    }
  }

  /** What delivering one batch took: calls made and records sent again. */
  record Delivery(int calls, int retried) {}

  private final KinesisClient client;
  private final String arn;
  private final String streamName;
  private final int maxAttempts;
  private final int backoffMillis;

  StreamSink(EventStreams.Destination destination, String arn, LakecastConf conf) {
    if (!destination.isKinesis()) {
      throw LakecastErrors.unsupported("WriteEventStream", "DestinationStreamArn (Firehose delivery stream)",
          "Kinesis data streams (arn:aws:kinesis:region:account-id:stream/name)");
    }
    // The Apache 4 HTTP client, named rather than found on the class path: the SDK would pick its Apache 5 client,
    // whose HttpCore 5 a Spark distribution does not ship (spark-submit of the thin jar failed on it).
    var builder = KinesisClient.builder()
        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
        .region(Region.of(destination.region()))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    String endpoint = conf.streamEndpoint("kinesis");
    if (!endpoint.isEmpty()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    this.client = builder.build();
    this.arn = arn;
    this.streamName = destination.name();
    this.maxAttempts = conf.streamMaxAttempts();
    this.backoffMillis = conf.streamBackoffMillis();
  }

  /** Whether {@code next} still fits in a batch of {@code count} records and {@code bytes}. */
  static boolean fits(int count, long bytes, Entry next) {
    return count < MAX_RECORDS && bytes + next.size() <= MAX_BATCH_BYTES;
  }

  /** Delivers every record of the batch, or throws StreamDeliveryFailed. */
  Delivery deliver(List<Entry> batch) {
    List<Entry> pending = batch;
    int retried = 0;
    String lastError = null;
    for (int attempt = 1; ; attempt++) {
      try {
        List<PutRecordsRequestEntry> entries = pending.stream()
            .map(e -> PutRecordsRequestEntry.builder().partitionKey(e.partitionKey())
                .data(SdkBytes.fromByteArrayUnsafe(e.data())).build())
            .toList();
        PutRecordsResponse r = client.putRecords(b -> b.streamName(streamName).records(entries));
        if (r.failedRecordCount() == null || r.failedRecordCount() == 0) {
          return new Delivery(attempt, retried);
        }
        List<Entry> refused = new ArrayList<>();
        List<PutRecordsResultEntry> results = r.records();
        for (int i = 0; i < results.size(); i++) {
          if (results.get(i).errorCode() != null) {
            refused.add(pending.get(i));
            lastError = results.get(i).errorCode() + ": " + results.get(i).errorMessage();
          }
        }
        LOG.info("{}: {} of {} record(s) refused ({}); retrying them", streamName, refused.size(), pending.size(),
            lastError);
        retried += refused.size();
        pending = refused;
      } catch (AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
        if (!retryable(e)) {
          throw LakecastErrors.streamRefused(arn, code,
              e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        }
        lastError = code + " (HTTP " + e.statusCode() + ")";
        LOG.info("{}: call refused ({}); retrying {} record(s)", streamName, lastError, pending.size());
        retried += pending.size();
      } catch (SdkClientException e) {
        lastError = "no answer: " + e.getMessage();
        LOG.info("{}: {}; retrying {} record(s)", streamName, lastError, pending.size());
        retried += pending.size();
      }
      if (attempt >= maxAttempts) {
        throw LakecastErrors.streamDeliveryFailed(arn, pending.size(), attempt, lastError);
      }
      sleep(attempt);
    }
  }

  private static boolean retryable(AwsServiceException e) {
    String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
    return e.statusCode() >= 500 || e.statusCode() == 429 || e.isThrottlingException()
        || List.of("ProvisionedThroughputExceededException", "LimitExceededException", "KMSThrottlingException",
            "InternalFailure", "ServiceUnavailable").contains(code);
  }

  /** Full jitter: a random wait below the attempt's exponential ceiling. */
  private void sleep(int attempt) {
    long ceiling = Math.min(MAX_BACKOFF_MILLIS, (long) backoffMillis << Math.min(attempt - 1, 20));
    try {
      Thread.sleep(ceiling <= 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry", e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
