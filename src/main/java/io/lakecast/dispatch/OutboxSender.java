package io.lakecast.dispatch;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.FaultPoints;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.HadoopConf;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * A sender that writes each message as one NDJSON line to {@code <outbox>/<ChannelType>/run=<RunId>/
 * batch=<batch>/part-<partition>.ndjson} on any Hadoop filesystem. A retried task overwrites its own part file, so
 * the outbox never holds a message twice for one batch.
 *
 * <p>Behind a real channel sender it keeps the delivery records instead ({@link #deliveryRecords}): one line per
 * message the provider accepted, with its ids and no content or address, flushed line by line. They are what
 * {@link #delivered} reads when a run resumes after a crash, so a message a provider took is not sent again.
 */
public final class OutboxSender implements Sender {
  private final String root;
  private final HadoopConf conf;
  private final int partitionId;
  /** The provider whose deliveries this sender records, or null when it writes the messages themselves. */
  private final String provider;
  private final Map<String, BufferedWriter> writers = new HashMap<>();

  private OutboxSender(String root, HadoopConf conf, int partitionId, String provider) {
    this.root = root;
    this.conf = conf;
    this.partitionId = partitionId;
    this.provider = provider;
  }

  /** A factory writing under {@code <outboxRoot>/<channel>/run=<runId>/batch=<batch>}. */
  public static Factory factory(String outboxRoot, String runId, String batch, HadoopConf conf) {
    String base = outboxRoot;
    return partitionId ->
        new OutboxSender(base + "/{channel}/run=" + runId + "/batch=" + batch, conf, partitionId, null);
  }

  /**
   * Delivery records of messages {@code provider} accepted, under the same layout as {@link #factory}: its
   * {@link #send} records, it does not deliver.
   */
  public static Factory deliveryRecords(String outboxRoot, String runId, String batch, HadoopConf conf,
      String provider) {
    String base = outboxRoot;
    return partitionId ->
        new OutboxSender(base + "/{channel}/run=" + runId + "/batch=" + batch, conf, partitionId, provider);
  }

  @Override
  public Delivery send(OutboundMessage m) {
    try {
      BufferedWriter w = writers.get(m.channelType());
      if (w == null) {
        Path p = new Path(root.replace("{channel}", m.channelType()), String.format("part-%05d.ndjson", partitionId));
        FileSystem fs = p.getFileSystem(conf.get());
        fs.setWriteChecksum(false);
        w = new BufferedWriter(new OutputStreamWriter(fs.create(p, true), StandardCharsets.UTF_8), 1 << 16);
        writers.put(m.channelType(), w);
      }
      Map<String, Object> line = new LinkedHashMap<>();
      line.put("MessageId", m.messageId());
      line.put("ApplicationId", m.applicationId());
      line.put("CampaignId", m.campaignId());
      line.put("ActivityId", m.activityId());
      line.put("TreatmentId", m.treatmentId());
      line.put("EndpointId", m.endpointId());
      line.put("ChannelType", m.channelType());
      if (provider == null) {
        line.put("Address", m.address());
        line.put("Message", PinpointJson.mapper().readTree(m.message()));
      } else {
        line.put("Provider", provider);
      }
      w.write(PinpointJson.compact(line));
      w.write('\n');
      if (provider != null) {
        // The provider has the message: a crash after this line must not send it again.
        w.flush();
        FaultPoints.reach("dispatch.after-delivery-record");
      }
      return Delivery.sent();
    } catch (IOException e) {
      return Delivery.gaveUp(0, "OUTBOX_WRITE_FAILED: " + e.getClass().getSimpleName(), 1);
    }
  }

  @Override
  public void close() {
    try {
      for (BufferedWriter w : writers.values()) {
        w.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot close outbox files under " + root, e);
    }
  }

  /**
   * The MessageIds of a run already in the outbox (every channel and batch), for a run resumed after a crash:
   * those messages were written, so they are not written again. A line cut short by the crash is not a message
   * and does not count.
   */
  public static Dataset<Row> delivered(SparkSession spark, String outboxRoot, String runId) {
    String glob = outboxRoot + "/*/run=" + runId + "/*/*.ndjson";
    try {
      Path pattern = new Path(glob);
      FileStatus[] found = pattern.getFileSystem(spark.sparkContext().hadoopConfiguration()).globStatus(pattern);
      if (found == null || found.length == 0) {
        return spark.createDataFrame(List.of(), new StructType().add("MessageId", "string"));
      }
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("list the outbox at", glob, e);
    }
    return spark.read().schema(new StructType().add("MessageId", "string")).option("mode", "DROPMALFORMED")
        .json(glob).filter(col("MessageId").isNotNull());
  }
}
