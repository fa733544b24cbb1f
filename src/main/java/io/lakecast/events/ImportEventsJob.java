package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.FaultPoints;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.EventShapes.EventsImportJobRequest;
import io.lakecast.model.Ids;
import io.lakecast.model.JobShapes.JobResponse;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.JobCatalog;
import io.lakecast.warehouse.Locations;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.SerializableConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * create-events-import-job (Lakecast's): loads NDJSON files (plain or gzip, any name: Firehose's objects have no
 * extension) under a URI into the event store. Each line is an {@code EventsRequest} document (its events get
 * put-events' rules; its {@code Endpoint}s are not written: import endpoints with create-import-job) or a Pinpoint
 * event-stream record as Firehose delivered it (kept as it was, its arrival time included, so a history import is not
 * streamed again). Events are held once per (endpoint id, event id): importing the same files again adds nothing.
 * Every refused line or event is a row of {@code event_import_rejects} with its file, line, reason and message.
 *
 * <p>Files are read one per task, streaming: no file is held in memory.
 */
public final class ImportEventsJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImportEventsJob.class);
  public static final String TYPE = "IMPORT_EVENTS";
  private static final int FAILURES_SHOWN = 100;
  private static final int RAW_MAX_CHARS = 1_000;

  /** The application and the request. */
  public record Options(String applicationId, EventsImportJobRequest request) {
    public Options {
      if (request == null || request.s3Url() == null || request.s3Url().isBlank()) {
        throw LakecastErrors.missingMember("EventsImportJobRequest", "S3Url");
      }
    }
  }

  /** The job as recorded, and how many events were new to the store. */
  public record Result(JobResponse<EventsImportJobRequest> job, long stored) {}

  /** The reader's rows: a store row, or a refusal (the {@code reject_*} columns set). */
  static final StructType READ_SCHEMA = Table.EVENTS.schema()
      .add("reject_source", DataTypes.StringType).add("reject_line", DataTypes.LongType)
      .add("reject_raw", DataTypes.StringType).add("reject_reason", DataTypes.StringType)
      .add("reject_message", DataTypes.StringType);

  private final Warehouse warehouse;

  public ImportEventsJob(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  public Result run(Options options) {
    String appId = options.applicationId();
    new AppCatalog(warehouse).require(appId);
    var spark = warehouse.spark();
    String url = Locations.source(LakecastConf.from(spark), "S3Url", options.request().s3Url());
    String jobId = Ids.random();
    String created = Ids.now();
    EventsImportJobRequest def = options.request();
    JobCatalog jobs = new JobCatalog(warehouse);
    jobs.put(new JobResponse<>(appId, 0, null, created, def, 0, null, jobId, "CREATED", 0, 0, 0, TYPE));
    try {
      List<String> files = list(url, spark.sparkContext().hadoopConfiguration());
      if (files.isEmpty()) {
        throw LakecastErrors.importSourceEmpty(url, "NDJSON (EventsRequest documents or event-stream records)");
      }
      LOG.info("Events import {}: {} file(s) under {}", jobId, files.size(), url);
      jobs.put(new JobResponse<>(appId, 0, null, created, def, 0, null, jobId, "PROCESSING", files.size(), 0, 0,
          TYPE));
      var hadoop = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
      Dataset<Row> read = spark.createDataset(files, Encoders.STRING())
          .repartition(Math.max(1, files.size()))
          .flatMap(new FileReader(appId, System.currentTimeMillis(), hadoop), Encoders.row(READ_SCHEMA))
          .localCheckpoint();
      Dataset<Row> good = read.filter(col("reject_reason").isNull()).select(
          java.util.Arrays.stream(Table.EVENTS.schema().fieldNames()).map(n -> col("`" + n + "`"))
              .toArray(org.apache.spark.sql.Column[]::new));
      Dataset<Row> rejects = read.filter(col("reject_reason").isNotNull());
      long total = read.count();
      long rejected = rejects.count();
      LOG.info("Events import {}: {} event(s) read, {} refused; appending the new ones", jobId, total, rejected);
      long stored = new EventStore(warehouse).appendNew(appId, good);
      FaultPoints.reach("events-import.after-append");
      if (rejected > 0) {
        warehouse.append(Table.EVENT_IMPORT_REJECTS, rejects.select(lit(jobId).as("JobId"),
            lit(appId).as("ApplicationId"), col("reject_source").as("source"), col("reject_line").as("line"),
            col("reject_raw").as("raw"), col("reject_reason").as("reason"), col("reject_message").as("message")));
      }
      List<String> failures = new ArrayList<>();
      for (Row r : rejects.orderBy("reject_source", "reject_line").limit(FAILURES_SHOWN).collectAsList()) {
        failures.add(r.getAs("reject_source") + " line " + r.getAs("reject_line") + ": ["
            + r.getAs("reject_reason") + "] " + r.getAs("reject_message"));
      }
      JobResponse<EventsImportJobRequest> done = new JobResponse<>(appId, files.size(), Ids.now(), created, def, 0,
          failures.isEmpty() ? null : failures, jobId, "COMPLETED", (int) rejected, files.size(), (int) total, TYPE);
      jobs.put(done);
      LOG.info("Events import {}: {} event(s) read, {} refused, {} new to the store", jobId, total, rejected, stored);
      return new Result(done, stored);
    } catch (RuntimeException e) {
      jobs.put(new JobResponse<>(appId, 0, Ids.now(), created, def, 0,
          List.of(LakecastErrors.fromFailure(e).getMessage()), jobId, "FAILED", 0, 0, 0, TYPE));
      throw e;
    }
  }

  /** Every file under the URI (or the file it names), sorted, without hidden ones ({@code _…}, {@code .…}). */
  static List<String> list(String url, Configuration conf) {
    try {
      Path root = new Path(url);
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return List.of();
      }
      List<String> out = new ArrayList<>();
      var it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String name = f.getPath().getName();
        if (!name.startsWith("_") && !name.startsWith(".") && f.getLen() > 0) {
          out.add(f.getPath().toString());
        }
      }
      out.sort(null);
      return out;
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("list", url, e);
    }
  }

  /** Reads one file's lines into store rows and refusals, streaming. */
  static final class FileReader implements FlatMapFunction<String, Row> {
    private final String appId;
    private final long arrivedAt;
    private final SerializableConfiguration hadoop;

    FileReader(String appId, long arrivedAt, SerializableConfiguration hadoop) {
      this.appId = appId;
      this.arrivedAt = arrivedAt;
      this.hadoop = hadoop;
    }

    @Override
    public Iterator<Row> call(String file) throws IOException {
      Path p = new Path(file);
      BufferedReader reader = new BufferedReader(new InputStreamReader(
          maybeGunzip(p.getFileSystem(hadoop.value()).open(p)), StandardCharsets.UTF_8));
      return new Iterator<>() {
        private final java.util.ArrayDeque<Row> pending = new java.util.ArrayDeque<>();
        private long line;
        private boolean done;

        @Override
        public boolean hasNext() {
          while (pending.isEmpty() && !done) {
            try {
              String text = reader.readLine();
              if (text == null) {
                done = true;
                reader.close();
              } else {
                line++;
                if (!text.isBlank()) {
                  pending.addAll(rows(file, line, text));
                }
              }
            } catch (IOException e) {
              throw new UncheckedIOException("reading " + file + " at line " + (line + 1), e);
            }
          }
          return !pending.isEmpty();
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new java.util.NoSuchElementException();
          }
          return pending.poll();
        }
      };
    }

    /** The rows of one line: a record's row, a document's events, or refusals. */
    List<Row> rows(String file, long line, String text) {
      JsonNode node;
      try {
        node = PinpointJson.mapper().readTree(text);
      } catch (IOException e) {
        return List.of(reject(file, line, text, "MALFORMED_JSON", "not a JSON object: "
            + e.getMessage().lines().findFirst().orElse("")));
      }
      if (node == null || !node.isObject()) {
        return List.of(reject(file, line, text, "MALFORMED_JSON", "not a JSON object"));
      }
      if (node.has("BatchItem")) {
        return document(file, line, text, node);
      }
      if (node.has("event_type")) {
        EventRecords.Outcome o = EventRecords.fromStreamRecord(appId, node);
        return List.of(o.row() != null ? accepted(o.row())
            : reject(file, line, text, "INVALID_RECORD", o.problem()));
      }
      return List.of(reject(file, line, text, "UNKNOWN_RECORD", "expected an EventsRequest document (BatchItem) or"
          + " a Pinpoint event-stream record (event_type)"));
    }

    private List<Row> document(String file, long line, String text, JsonNode doc) {
      List<Row> out = new ArrayList<>();
      JsonNode batches = doc.get("BatchItem");
      if (!batches.isObject()) {
        return List.of(reject(file, line, text, "INVALID_EVENT", "BatchItem is not an object keyed by endpoint id"));
      }
      batches.fields().forEachRemaining(b -> {
        JsonNode events = b.getValue().path("Events");
        Map<String, String> platform = new java.util.LinkedHashMap<>();
        JsonNode d = b.getValue().path("Endpoint").path("Demographic");
        if (d.hasNonNull("Platform")) {
          platform.put("name", d.get("Platform").asText());
        }
        if (d.hasNonNull("PlatformVersion")) {
          platform.put("version", d.get("PlatformVersion").asText());
        }
        events.fields().forEachRemaining(e -> {
          EventRecords.Outcome o =
              EventRecords.toRow(appId, b.getKey(), e.getKey(), e.getValue(), platform, arrivedAt);
          out.add(o.row() != null ? accepted(o.row()) : reject(file, line, text, "INVALID_EVENT",
              "BatchItem." + b.getKey() + ".Events." + e.getKey() + ": " + o.problem()));
        });
      });
      return out;
    }

    private static Row accepted(Row row) {
      Object[] values = new Object[READ_SCHEMA.size()];
      for (int i = 0; i < row.length(); i++) {
        values[i] = row.get(i);
      }
      return RowFactory.create(values);
    }

    private static Row reject(String file, long line, String text, String reason, String message) {
      Object[] values = new Object[READ_SCHEMA.size()];
      int n = Table.EVENTS.schema().size();
      values[n] = file;
      values[n + 1] = line;
      values[n + 2] = text.length() > RAW_MAX_CHARS ? text.substring(0, RAW_MAX_CHARS) + "…" : text;
      values[n + 3] = reason;
      values[n + 4] = message;
      return RowFactory.create(values);
    }

    /** The stream, gunzipped when it starts with gzip's magic bytes (Firehose's objects need not say so by name). */
    private static InputStream maybeGunzip(InputStream in) throws IOException {
      PushbackInputStream p = new PushbackInputStream(in, 2);
      byte[] head = p.readNBytes(2);
      p.unread(head);
      return head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b ? new GZIPInputStream(p) : p;
    }
  }
}
