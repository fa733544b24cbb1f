package io.lakecast.events;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Delivers batches of stream records to the application's destination, through the AWS SDK v2 clients with the
 * endpoint overrides {@code spark.lakecast.stream.kinesis.endpoint} and {@code spark.lakecast.stream.firehose.endpoint},
 * the destination ARN's region and the SDK's default credentials chain:
 *
 * <ul>
 *   <li>a Kinesis data stream: {@code PutRecords}, at most 500 records and 5 MB per call (data and partition keys),
 *       1 MB per record, the endpoint id as partition key;
 *   <li>a Firehose delivery stream: {@code PutRecordBatch}, at most 500 records and 4 MiB per call, 1,000 KiB per
 *       record; each record ends with a newline, so the objects Firehose writes to S3 are NDJSON, one event per line,
 *       as Pinpoint's were (and as {@code create-events-import-job} reads them back).
 * </ul>
 *
 * <p>A batch is retried until every record is delivered: only the records the destination refused
 * ({@code ProvisionedThroughputExceededException}, {@code ServiceUnavailableException}, {@code InternalFailure}), or
 * the whole call after a throttled, 5xx or lost one, with exponential backoff and full jitter, up to
 * {@code spark.lakecast.stream.maxAttempts} calls. A refusal that a retry cannot fix (no such stream, access denied, a
 * bad request) fails at once. The SDK's own retries are off, so that these are the only ones.
 */
final class StreamSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamSink.class);
  static final int MAX_RECORDS = 500;
  private static final long MAX_BACKOFF_MILLIS = 10_000;

  /** One record: its partition key (Kinesis only) and its data. */
  record Entry(String partitionKey, byte[] data) {}

  /** What delivering one batch took: calls made and records sent again. */
  record Delivery(int calls, int retried) {}

  /** A record the destination refused: its index in the call, and why. */
  private record Refusal(int index, String reason) {}

  /** One call of a destination's batch API: the refused records, empty when all were taken. */
  private interface Put extends AutoCloseable {
    List<Refusal> put(List<Entry> records);

    @Override
    void close();
  }

  private final Put put;
  private final boolean kinesis;
  private final String arn;
  private final String streamName;
  private final int maxAttempts;
  private final int backoffMillis;

  StreamSink(EventStreams.Destination destination, String arn, LakecastConf conf) {
    this.kinesis = destination.isKinesis();
    this.arn = arn;
    this.streamName = destination.name();
    this.maxAttempts = conf.streamMaxAttempts();
    this.backoffMillis = conf.streamBackoffMillis();
    String endpoint = conf.streamEndpoint(destination.service());
    URI override = endpoint.isEmpty() ? null : URI.create(endpoint);
    this.put = kinesis ? kinesis(destination, override) : firehose(destination, override);
  }

  // The Apache 4 HTTP client, named rather than found on the class path: the SDK would pick its Apache 5 client,
  // whose HttpCore 5 a Spark distribution does not ship (spark-submit of the thin jar failed on it).

  private static Put kinesis(EventStreams.Destination destination, URI endpoint) {
    var builder = KinesisClient.builder()
        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
        .region(Region.of(destination.region()))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    KinesisClient client = builder.build();
    return new Put() {
      @Override
      public List<Refusal> put(List<Entry> records) {
        List<PutRecordsRequestEntry> entries = records.stream()
            .map(e -> PutRecordsRequestEntry.builder().partitionKey(e.partitionKey())
                .data(SdkBytes.fromByteArrayUnsafe(e.data())).build())
            .toList();
        PutRecordsResponse r = client.putRecords(b -> b.streamName(destination.name()).records(entries));
        return refusals(r.records(), PutRecordsResultEntry::errorCode, PutRecordsResultEntry::errorMessage);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  private static Put firehose(EventStreams.Destination destination, URI endpoint) {
    var builder = FirehoseClient.builder()
        .httpClientBuilder(software.amazon.awssdk.http.apache.ApacheHttpClient.builder())
        .region(Region.of(destination.region()))
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()));
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    FirehoseClient client = builder.build();
    return new Put() {
      @Override
      public List<Refusal> put(List<Entry> records) {
        PutRecordBatchResponse r = client.putRecordBatch(b -> b.deliveryStreamName(destination.name())
            .records(records.stream().map(e -> software.amazon.awssdk.services.firehose.model.Record.builder()
                .data(SdkBytes.fromByteArrayUnsafe(e.data())).build()).toList()));
        return refusals(r.requestResponses(), PutRecordBatchResponseEntry::errorCode,
            PutRecordBatchResponseEntry::errorMessage);
      }

      @Override
      public void close() {
        client.close();
      }
    };
  }

  /** The results a batch call answered with an error code, by index: both APIs answer one result per record. */
  private static <R> List<Refusal> refusals(List<R> results, java.util.function.Function<R, String> code,
      java.util.function.Function<R, String> message) {
    List<Refusal> refused = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      if (code.apply(results.get(i)) != null) {
        refused.add(new Refusal(i, code.apply(results.get(i)) + ": " + message.apply(results.get(i))));
      }
    }
    return refused;
  }

  /** The record of one event: its JSON, newline-terminated for Firehose. */
  Entry entry(String endpointId, String json) {
    return new Entry(endpointId, (kinesis ? json : json + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** The bytes a record counts against the destination's limits (Kinesis counts the partition key too). */
  int size(Entry e) {
    return e.data().length + (kinesis ? e.partitionKey().getBytes(StandardCharsets.UTF_8).length : 0);
  }

  /** The largest record the destination takes. */
  int maxRecordBytes() {
    return kinesis ? 1024 * 1024 : 1000 * 1024;
  }

  /** The destination's name for its records' limits, for messages. */
  String service() {
    return kinesis ? "Kinesis" : "Firehose";
  }

  /** Whether {@code next} still fits in a batch of {@code count} records and {@code bytes}. */
  boolean fits(int count, long bytes, Entry next) {
    return count < MAX_RECORDS && bytes + size(next) <= (kinesis ? 5 * 1024 * 1024 : 4 * 1024 * 1024);
  }

  /** Delivers every record of the batch, or throws StreamDeliveryFailed. */
  Delivery deliver(List<Entry> batch) {
    List<Entry> pending = batch;
    int retried = 0;
    String lastError = null;
    for (int attempt = 1; ; attempt++) {
      try {
        List<Refusal> refusals = put.put(pending);
        if (refusals.isEmpty()) {
          return new Delivery(attempt, retried);
        }
        List<Entry> refused = new ArrayList<>();
        for (Refusal r : refusals) {
          refused.add(pending.get(r.index()));
          lastError = r.reason();
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
            "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException").contains(code);
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
    put.close();
  }
}
