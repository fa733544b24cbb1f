package io.lakecast.segments;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.SegmentShapes.SegmentResponse;
import io.lakecast.warehouse.Locations;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * evaluate-segment: counts a segment version's members as of an instant, in total and per channel, and optionally
 * writes them (EndpointId, UserId, ChannelType) as a Delta table or, for an output ending in .json/.ndjson, as
 * NDJSON. The audience is never collected to the driver; with an output, the counts are read back from it so the
 * segment is evaluated once.
 */
public final class EvaluateSegmentJob {
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateSegmentJob.class);

  /** Which segment, as of when, and where to write members. */
  public record Options(String applicationId, String segmentId, Integer version, Instant asOf, String output) {
    public Options {
      if (segmentId == null || segmentId.isBlank()) {
        throw LakecastErrors.invalidOption("--segment-id", String.valueOf(segmentId), "a segment id");
      }
      if (version != null && version < 1) {
        throw LakecastErrors.invalidOption("--segment-version", String.valueOf(version), "a version of 1 or more");
      }
      asOf = asOf == null ? Instant.now() : asOf;
    }

    boolean json() {
      String o = output.toLowerCase(Locale.ROOT);
      return o.endsWith(".json") || o.endsWith(".ndjson") || o.endsWith(".jsonl");
    }
  }

  /** The counts; {@code output} is the qualified URI written, or null. */
  public record Result(
      String segmentId, int version, String asOf, long total, Map<String, Long> perChannel, String output) {}

  private final Warehouse warehouse;
  private final Options options;

  public EvaluateSegmentJob(Warehouse warehouse, Options options) {
    this.warehouse = warehouse;
    this.options = options;
  }

  public Result run() {
    long started = System.nanoTime();
    SegmentResponse segment =
        new SegmentCatalog(warehouse).get(options.applicationId(), options.segmentId(), options.version());
    LakecastSession.describe(warehouse.spark(), "segment-" + segment.id(),
        "Evaluate segment " + segment.id() + " v" + segment.version() + " as of " + options.asOf());
    Dataset<Row> members =
        new SegmentEvaluator(warehouse, options.applicationId())
            .members(segment, options.asOf())
            .select(col("Id").as("EndpointId"), col("User").getField("UserId").as("UserId"), col("ChannelType"));
    String output = null;
    Dataset<Row> counted = members;
    if (options.output() != null) {
      output = Locations.output(LakecastConf.from(warehouse.spark()), "--output", options.output());
      if (options.json()) {
        warehouse.requireNoTableAt("--output", output);
        members.write().mode("overwrite").json(output);
        counted = warehouse.spark().read().schema(members.schema()).json(output);
      } else {
        members.write().format("delta").mode("overwrite").option("overwriteSchema", "true").save(output);
        counted = warehouse.spark().read().format("delta").load(output);
      }
      LOG.info("Segment {} v{}: members written to {} in {} ms", segment.id(), segment.version(), output,
          (System.nanoTime() - started) / 1_000_000);
    }
    Map<String, Long> perChannel = new TreeMap<>();
    long total = 0;
    for (Row r : counted.groupBy(col("ChannelType")).agg(count(lit(1))).collectAsList()) {
      perChannel.put(r.isNullAt(0) ? "(none)" : r.getString(0), r.getLong(1));
      total += r.getLong(1);
    }
    LOG.info("Segment {} v{} as of {}: {} member(s) {} in {} ms", segment.id(), segment.version(), options.asOf(),
        total, perChannel, (System.nanoTime() - started) / 1_000_000);
    return new Result(segment.id(), segment.version(), options.asOf().toString(), total, perChannel, output);
  }
}
