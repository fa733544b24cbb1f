package io.lakecast.events;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.FaultPoints;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.EventShapes.EventStream;
import io.lakecast.model.EventShapes.StreamEventsResult;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * stream-events (Lakecast's; Pinpoint streamed continuously): delivers every event of the application stored since
 * its stream's watermark to the stream's destination as Pinpoint's JSON record, in arrival order, and moves the
 * watermark after each delivered call.
 *
 * <p>A re-run after success sends nothing. A run killed mid-stream sends again, on its re-run, at most the call that
 * was in flight (the records carry {@code event_id} for consumers to de-duplicate). The watermark follows arrival
 * time: every writer of the store stamps its events with the time it stores them, so run stream-events after the
 * day's ingestion and campaign runs (as the Airflow DAG does), not beside them.
 */
public final class StreamEventsJob {
  private static final Logger LOG = LoggerFactory.getLogger(StreamEventsJob.class);

  /**
   * What to stream: one application's events. With {@code allowNoStream} an application without an event stream
   * delivers nothing instead of failing (a scheduled task that runs whether or not a stream is set).
   */
  public record Options(String applicationId, boolean allowNoStream) {}

  private final Warehouse warehouse;

  public StreamEventsJob(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  public StreamEventsResult run(Options options) {
    String appId = options.applicationId();
    EventStreams streams = new EventStreams(warehouse);
    if (options.allowNoStream() && streams.find(appId) == null) {
      new io.lakecast.warehouse.AppCatalog(warehouse).require(appId);
      LOG.info("stream-events {}: the application has no event stream; nothing to deliver", appId);
      return new StreamEventsResult(appId, null, 0, 0, 0, null);
    }
    EventStream stream = streams.get(appId);
    String arn = stream.destinationStreamArn();
    EventStreams.Destination destination = EventStreams.destination(arn);
    EventStreams.Watermark watermark = streams.watermark(appId);
    if (watermark == null || !watermark.destination().equals(arn)) {
      watermark = new EventStreams.Watermark(arn, Instant.parse(stream.lastModifiedDate()).toEpochMilli(), "", "");
    }
    long delivered = 0;
    long calls = 0;
    long retried = 0;
    if (warehouse.exists(warehouse.path(Table.EVENTS))) {
      LakecastConf conf = LakecastConf.from(warehouse.spark());
      Iterator<Row> rows = StreamRecords.records(warehouse.read(Table.EVENTS)
              .filter(col("app_id").equalTo(appId).and(StreamRecords.after(watermark))))
          .orderBy(col("arrival_timestamp"), col("client_id"), col("event_id"))
          .toLocalIterator();
      try (StreamSink sink = new StreamSink(destination, arn, conf)) {
        List<StreamSink.Entry> batch = new ArrayList<>();
        long bytes = 0;
        Row last = null;
        while (rows.hasNext() || !batch.isEmpty()) {
          Row next = rows.hasNext() ? rows.next() : null;
          StreamSink.Entry entry = next == null ? null : entry(sink, next, arn);
          if (entry == null || !sink.fits(batch.size(), bytes, entry)) {
            StreamSink.Delivery d = sink.deliver(batch);
            calls += d.calls();
            retried += d.retried();
            delivered += batch.size();
            watermark = new EventStreams.Watermark(arn, last.getLong(0), last.getString(1), last.getString(2));
            streams.commit(appId, watermark);
            FaultPoints.reach("stream.batch-committed");
            if (calls % 100 == 0) {
              LOG.info("stream-events {}: {} record(s) delivered so far, watermark {}", appId, delivered,
                  watermark.iso());
            }
            batch.clear();
            bytes = 0;
          }
          if (entry != null) {
            batch.add(entry);
            bytes += sink.size(entry);
            last = next;
          }
        }
      }
    }
    LOG.info("stream-events {}: {} record(s) delivered to {} in {} call(s), {} retried", appId, delivered, arn,
        calls, retried);
    return new StreamEventsResult(appId, arn, delivered, calls, retried, watermark.iso());
  }

  private static StreamSink.Entry entry(StreamSink sink, Row r, String arn) {
    StreamSink.Entry e = sink.entry(r.getString(3), r.getString(4));
    if (sink.size(e) > sink.maxRecordBytes()) {
      throw LakecastErrors.streamRefused(arn, "RecordTooLarge", "event " + r.getString(2) + " of endpoint "
          + r.getString(1) + " is " + sink.size(e) + " bytes as a record; " + sink.service() + " takes at most "
          + sink.maxRecordBytes());
    }
    return e;
  }
}
