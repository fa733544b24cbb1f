package io.lakecast.events;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.model.EventShapes.EventStream;
import io.lakecast.model.EventShapes.WriteEventStream;
import io.lakecast.model.Ids;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Event streams (put-, get-, delete-event-stream; one per application, as Pinpoint allows) and each stream's
 * watermark: the position, in arrival order, of the last event delivered.
 *
 * <p>The watermark is a small file per application ({@code <warehouse>/event_stream_watermarks/<app>.json}), not a
 * Delta row: stream-events moves it after every delivered call (500 records), which would be a Delta commit each.
 * A kill leaves the old position or the new one. A new stream (or a new destination) starts at the time it is set: like
 * Pinpoint, a stream carries the events that arrive after it exists.
 */
public final class EventStreams {
  /** {@code arn:aws:kinesis:region:account:stream/name} or {@code arn:aws:firehose:…:deliverystream/name}. */
  static final Pattern ARN =
      Pattern.compile("arn:aws[a-z-]*:(kinesis|firehose):([a-z0-9-]+):(\\d{12}):(stream|deliverystream)/([A-Za-z0-9_.-]{1,128})");
  private static final String SHAPE = "WriteEventStream";

  private final Warehouse warehouse;

  public EventStreams(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Where events go: a Kinesis data stream or a Firehose delivery stream, by name, in a region. */
  public record Destination(String service, String region, String accountId, String name) {
    public boolean isKinesis() {
      return service.equals("kinesis");
    }
  }

  /** The destination an ARN names, or a BadRequest naming the member. */
  public static Destination destination(String arn) {
    Matcher m = arn == null ? null : ARN.matcher(arn);
    if (m == null || !m.matches() || m.group(1).equals("kinesis") != m.group(4).equals("stream")) {
      throw LakecastErrors.invalidMember(SHAPE, "DestinationStreamArn", "'" + arn + "' is not a Kinesis data stream"
          + " ARN (arn:aws:kinesis:region:account-id:stream/name) or a Firehose delivery stream ARN"
          + " (arn:aws:firehose:region:account-id:deliverystream/name)");
    }
    return new Destination(m.group(1), m.group(2), m.group(3), m.group(5));
  }

  /** put-event-stream: sets (or replaces) the application's stream. */
  public EventStream put(String applicationId, WriteEventStream request) {
    new AppCatalog(warehouse).require(applicationId);
    if (request.destinationStreamArn() == null) {
      throw LakecastErrors.missingMember(SHAPE, "DestinationStreamArn");
    }
    if (request.roleArn() == null) {
      throw LakecastErrors.missingMember(SHAPE, "RoleArn");
    }
    destination(request.destinationStreamArn());
    if (!request.roleArn().matches("arn:aws[a-z-]*:iam::\\d{12}:role/.+")) {
      throw LakecastErrors.invalidMember(SHAPE, "RoleArn", "'" + request.roleArn() + "' is not an IAM role ARN"
          + " (arn:aws:iam::account-id:role/name); Lakecast stores it and uses the SDK's default credentials");
    }
    EventStream previous = find(applicationId);
    String now = Ids.now();
    Row row = RowFactory.create(applicationId, request.destinationStreamArn(), request.roleArn(), now,
        System.getProperty("user.name"));
    warehouse.ensure(Table.EVENT_STREAMS);
    warehouse.delta(Table.EVENT_STREAMS).as("s")
        .merge(warehouse.spark().createDataFrame(List.of(row), Table.EVENT_STREAMS.schema()).as("n"),
            col("s.ApplicationId").equalTo(col("n.ApplicationId")))
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    if (previous == null || !previous.destinationStreamArn().equals(request.destinationStreamArn())) {
      commit(applicationId, new Watermark(request.destinationStreamArn(), System.currentTimeMillis(), "", ""));
    }
    return find(applicationId);
  }

  /** get-event-stream. */
  public EventStream get(String applicationId) {
    new AppCatalog(warehouse).require(applicationId);
    EventStream s = find(applicationId);
    if (s == null) {
      throw LakecastErrors.notFound("Event stream", applicationId, applicationId);
    }
    return s;
  }

  /** delete-event-stream: returns the stream removed; its watermark goes with it. */
  public EventStream delete(String applicationId) {
    EventStream s = get(applicationId);
    warehouse.delta(Table.EVENT_STREAMS).delete(col("ApplicationId").equalTo(applicationId));
    warehouse.delete(watermarkPath(applicationId));
    return s;
  }

  /** The application's stream, or null when it has none. */
  public EventStream find(String applicationId) {
    if (!warehouse.exists(warehouse.path(Table.EVENT_STREAMS))) {
      return null;
    }
    List<Row> rows = warehouse.read(Table.EVENT_STREAMS).filter(col("ApplicationId").equalTo(applicationId))
        .collectAsList();
    if (rows.isEmpty()) {
      return null;
    }
    Row r = rows.get(0);
    return new EventStream(applicationId, r.getString(1), null, r.getString(3), r.getString(4), r.getString(2));
  }

  /**
   * A position in the store's arrival order (arrival time, then endpoint id, then event id): everything at or before
   * it has been delivered to {@code destination}.
   */
  public record Watermark(String destination, long arrivalTimestamp, String clientId, String eventId) {
    String iso() {
      return Ids.iso(Instant.ofEpochMilli(arrivalTimestamp));
    }
  }

  /** The application's committed watermark, or null when it has none. */
  public Watermark watermark(String applicationId) {
    String path = watermarkPath(applicationId);
    if (!warehouse.exists(path)) {
      return null;
    }
    try {
      byte[] bytes;
      if (path.startsWith("file:")) {
        bytes = java.nio.file.Files.readAllBytes(java.nio.file.Path.of(java.net.URI.create(path)));
      } else {
        Path p = new Path(path);
        try (FSDataInputStream in = p.getFileSystem(hadoop()).open(p)) {
          bytes = in.readAllBytes();
        }
      }
      var node = io.lakecast.model.PinpointJson.mapper().readTree(new String(bytes, StandardCharsets.UTF_8));
      return new Watermark(node.get("Destination").asText(), node.get("ArrivalTimestamp").asLong(),
          node.get("ClientId").asText(), node.get("EventId").asText());
    } catch (IOException | RuntimeException e) {
      throw LakecastErrors.ioFailure("read the event stream's watermark at", path, e);
    }
  }

  /**
   * Replaces the application's watermark whole: a reader sees the old one or the new one (a temporary file moved
   * over it on a local disk, one PUT on an object store).
   */
  public void commit(String applicationId, Watermark w) {
    String path = watermarkPath(applicationId);
    var node = io.lakecast.model.PinpointJson.mapper().createObjectNode()
        .put("Destination", w.destination()).put("ArrivalTimestamp", w.arrivalTimestamp())
        .put("ClientId", w.clientId()).put("EventId", w.eventId());
    byte[] bytes = node.toString().getBytes(StandardCharsets.UTF_8);
    try {
      if (path.startsWith("file:")) {
        java.nio.file.Path target = java.nio.file.Path.of(java.net.URI.create(path));
        java.nio.file.Files.createDirectories(target.getParent());
        java.nio.file.Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        java.nio.file.Files.write(tmp, bytes);
        java.nio.file.Files.move(tmp, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      } else {
        Path p = new Path(path);
        try (var out = p.getFileSystem(hadoop()).create(p, true)) {
          out.write(bytes);
        }
      }
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("write the event stream's watermark at", path, e);
    }
  }

  private org.apache.hadoop.conf.Configuration hadoop() {
    return warehouse.spark().sparkContext().hadoopConfiguration();
  }

  private String watermarkPath(String applicationId) {
    return warehouse.root() + "/event_stream_watermarks/" + applicationId + ".json";
  }
}
