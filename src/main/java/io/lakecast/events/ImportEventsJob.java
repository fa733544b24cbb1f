package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

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
import java.io.IOException;
import java.io.InputStream;
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
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
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
 * <p>Files are read streaming, no file held in memory: a gzip file by one task, a plain one in pieces of
 * {@code spark.lakecast.events.import.pieceBytes} cut at line boundaries, one task each.
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
      .add("reject_message", DataTypes.StringType).add("reject_piece", DataTypes.IntegerType);

  /** The {@code reject_reason} of the row that ends each piece, whose {@code reject_line} is its count of lines. */
  static final String LINES = "_LINES";

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
    // The job's states before the last are written in the background while it works, as an endpoint import's are.
    try (JobCatalog.Progress jobs = new JobCatalog(warehouse).progress()) {
      jobs.record(new JobResponse<>(appId, 0, null, created, def, 0, null, jobId, "CREATED", 0, 0, 0, TYPE));
      try {
        return run(jobs, appId, url, def, jobId, created);
      } catch (RuntimeException e) {
        try {
          jobs.finish(new JobResponse<>(appId, 0, Ids.now(), created, def, 0,
              List.of(LakecastErrors.fromFailure(e).getMessage()), jobId, "FAILED", 0, 0, 0, TYPE));
        } catch (RuntimeException recording) {
          LOG.warn("Events import {} failed and its FAILED state could not be recorded: {}", jobId,
              recording.toString());
        }
        throw e;
      }
    }
  }

  /** The import after its CREATED state: lists the files, reads them, appends the events and the final state. */
  private Result run(JobCatalog.Progress jobs, String appId, String url, EventsImportJobRequest def, String jobId,
      String created) {
    var spark = warehouse.spark();
    List<Source> files = list(url, spark.sparkContext().hadoopConfiguration());
    if (files.isEmpty()) {
      throw LakecastErrors.importSourceEmpty(url, "NDJSON (EventsRequest documents or event-stream records)");
    }
    List<String> pieces = Piece.of(files, LakecastConf.from(spark).eventsImportPieceBytes());
    LOG.info("Events import {}: {} file(s) under {}, {} piece(s)", jobId, files.size(), url, pieces.size());
    jobs.record(new JobResponse<>(appId, 0, null, created, def, 0, null, jobId, "PROCESSING", files.size(), 0, 0,
        TYPE));
    var hadoop = new SerializableConfiguration(spark.sparkContext().hadoopConfiguration());
    // One piece per task. createDataFrame turns the rows into Spark's own in a projection split into small
    // methods; a flatMap with Encoders.row generates one method too large for the JIT for this wide, nested
    // schema, and ran interpreted (JFR: as much time as the parsing).
    org.apache.spark.util.LongAccumulator feedback = spark.sparkContext().longAccumulator("provider records");
    var lines = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(pieces, pieces.size())
        .flatMap(new FileReader(appId, System.currentTimeMillis(), hadoop, feedback));
    Dataset<Row> read = spark.createDataFrame(lines, READ_SCHEMA).localCheckpoint();
    if (feedback.value() > 0) {
      // Providers' records name the message: the send ledger tells its endpoint and campaign.
      LOG.info("Events import {}: {} provider record(s); finding their messages in the send ledger", jobId,
          feedback.value());
      read = ProviderFeedback.attribute(read, warehouse.read(Table.SEND_LEDGER)
          .filter(col("ApplicationId").equalTo(appId))).localCheckpoint();
    }
    Dataset<Row> good = read.filter(col("reject_reason").isNull()).select(
        java.util.Arrays.stream(Table.EVENTS.schema().fieldNames()).map(n -> col("`" + n + "`"))
            .toArray(org.apache.spark.sql.Column[]::new));
    Dataset<Row> rejects = read.filter(col("reject_reason").isNotNull().and(col("reject_reason").notEqual(LINES)));
    Row counts = read.agg(count(when(col("reject_reason").isNull(), 1)),
        count(when(col("reject_reason").notEqual(LINES), 1))).first();
    long rejected = counts.getLong(1);
    long total = counts.getLong(0) + rejected;
    if (rejected > 0) {
      rejects = numberedInFile(rejects, read.filter(col("reject_reason").equalTo(LINES)));
    }
    LOG.info("Events import {}: {} event(s) read, {} refused; appending the new ones", jobId, total, rejected);
    long stored = new EventStore(warehouse).appendNew(appId, good);
    FaultPoints.reach("events-import.after-append");
    if (rejected > 0) {
      warehouse.append(Table.EVENT_IMPORT_REJECTS, rejects.select(lit(jobId).as("JobId"),
          lit(appId).as("ApplicationId"), col("reject_source").as("source"), col("reject_line").as("line"),
          col("reject_raw").as("raw"), col("reject_reason").as("reason"), col("reject_message").as("message")));
    }
    List<String> failures = new ArrayList<>();
    if (rejected > 0) {
      for (Row r : rejects.orderBy("reject_source", "reject_line").limit(FAILURES_SHOWN).collectAsList()) {
        failures.add(r.getAs("reject_source") + " line " + r.getAs("reject_line") + ": ["
            + r.getAs("reject_reason") + "] " + r.getAs("reject_message"));
      }
    }
    JobResponse<EventsImportJobRequest> done = new JobResponse<>(appId, files.size(), Ids.now(), created, def, 0,
        failures.isEmpty() ? null : failures, jobId, "COMPLETED", (int) rejected, files.size(), (int) total, TYPE);
    jobs.finish(done);
    LOG.info("Events import {}: {} event(s) read, {} refused, {} new to the store", jobId, total, rejected, stored);
    return new Result(done, stored);
  }

  /**
   * The refusals with their line numbers in their files: each piece numbers its lines from 1, so a line of piece k
   * adds the lines of the file's pieces before k ({@code counts}: one {@link #LINES} row per piece).
   */
  private Dataset<Row> numberedInFile(Dataset<Row> rejects, Dataset<Row> counts) {
    Map<String, java.util.TreeMap<Integer, Long>> perFile = new java.util.HashMap<>();
    for (Row r : counts.select("reject_source", "reject_piece", "reject_line").collectAsList()) {
      perFile.computeIfAbsent(r.getString(0), f -> new java.util.TreeMap<>()).put(r.getInt(1), r.getLong(2));
    }
    List<Row> offsets = new ArrayList<>();
    perFile.forEach((file, lines) -> {
      long before = 0;
      for (Map.Entry<Integer, Long> e : lines.entrySet()) {
        if (before > 0) {
          offsets.add(RowFactory.create(file, e.getKey(), before));
        }
        before += e.getValue();
      }
    });
    if (offsets.isEmpty()) {
      return rejects;
    }
    Dataset<Row> o = warehouse.spark().createDataFrame(offsets, new org.apache.spark.sql.types.StructType()
        .add("o_source", DataTypes.StringType).add("o_piece", DataTypes.IntegerType)
        .add("o_before", DataTypes.LongType));
    return rejects.join(org.apache.spark.sql.functions.broadcast(o), rejects.col("reject_source")
            .equalTo(o.col("o_source")).and(rejects.col("reject_piece").equalTo(o.col("o_piece"))), "left")
        .withColumn("reject_line", col("reject_line").plus(org.apache.spark.sql.functions.coalesce(col("o_before"),
            lit(0L))))
        .drop("o_source", "o_piece", "o_before");
  }

  /** A file to read and its length in bytes. */
  record Source(String path, long length) {}

  /** Every file under the URI (or the file it names), sorted, without hidden ones ({@code _…}, {@code .…}). */
  static List<Source> list(String url, Configuration conf) {
    try {
      Path root = new Path(url);
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return List.of();
      }
      List<Source> out = new ArrayList<>();
      var it = fs.listFiles(root, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String name = f.getPath().getName();
        if (!name.startsWith("_") && !name.startsWith(".") && f.getLen() > 0) {
          out.add(new Source(f.getPath().toString(), f.getLen()));
        }
      }
      out.sort(java.util.Comparator.comparing(Source::path));
      return out;
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("list", url, e);
    }
  }

  /**
   * One task's part of a file: the lines that start at a byte in [start, end). A file is cut every
   * {@code pieceBytes}; a file whose name ends in {@code .gz} is one piece, and a gzip file under another name is
   * read whole by its first piece (the others find it compressed and read nothing). Encoded as one string (index,
   * start, end, file) for the task list.
   */
  record Piece(String file, int index, long start, long end) {
    static List<String> of(List<Source> files, long pieceBytes) {
      List<String> out = new ArrayList<>();
      for (Source f : files) {
        long step = f.path().endsWith(".gz") ? f.length() : pieceBytes;
        int index = 0;
        for (long start = 0; start < f.length(); start += step, index++) {
          out.add(index + "\t" + start + "\t" + Math.min(f.length(), start + step) + "\t" + f.path());
        }
      }
      return out;
    }

    static Piece decode(String encoded) {
      String[] p = encoded.split("\t", 4);
      return new Piece(p[3], Integer.parseInt(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
    }
  }

  /**
   * Lines of a byte stream, each without its terminator ({@code \n} or {@code \r\n}), decoded as UTF-8, and the
   * byte offset where the next line starts.
   */
  static final class LineReader implements java.io.Closeable {
    private final InputStream in;
    private final byte[] buffer = new byte[1 << 16];
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private int length;
    private int at;
    private long position;

    LineReader(InputStream in, long position) {
      this.in = in;
      this.position = position;
    }

    long position() {
      return position;
    }

    /** The next line, or null after the last. */
    String next() throws IOException {
      line.reset();
      boolean any = false;
      while (true) {
        if (at == length) {
          length = Math.max(0, in.read(buffer));
          at = 0;
          if (length == 0) {
            return any ? decode() : null;
          }
        }
        any = true;
        int i = at;
        while (i < length && buffer[i] != '\n') {
          i++;
        }
        line.write(buffer, at, i - at);
        position += i - at;
        if (i < length) {
          at = i + 1;
          position++;
          return decode();
        }
        at = length;
      }
    }

    private String decode() {
      byte[] b = line.toByteArray();
      int n = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
      return new String(b, 0, n, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * Reads one piece's lines into store rows and refusals, streaming, and ends with one row that counts its lines
   * ({@link #LINES}): a refusal's line is numbered within its piece, and the pieces' counts turn it into the file's.
   */
  static final class FileReader implements FlatMapFunction<String, Row> {
    private final String appId;
    private final long arrivedAt;
    private final SerializableConfiguration hadoop;
    /** Counts the providers' records read (any at all makes the job look their messages up). */
    private final org.apache.spark.util.LongAccumulator feedback;

    FileReader(String appId, long arrivedAt, SerializableConfiguration hadoop,
        org.apache.spark.util.LongAccumulator feedback) {
      this.appId = appId;
      this.arrivedAt = arrivedAt;
      this.hadoop = hadoop;
      this.feedback = feedback;
    }

    @Override
    public Iterator<Row> call(String encoded) throws IOException {
      Piece piece = Piece.decode(encoded);
      String file = piece.file();
      Path p = new Path(file);
      var raw = p.getFileSystem(hadoop.value()).open(p);
      byte[] head = new byte[2];
      boolean gzip = false;
      try {
        raw.readFully(0, head);
        gzip = (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
      } catch (java.io.EOFException shorterThanTwoBytes) {
        // Not gzip.
      }
      LineReader reader;
      long end = piece.end();
      if (gzip) {
        // Compressed: the first piece reads it all, the others nothing.
        reader = new LineReader(piece.index() == 0 ? new GZIPInputStream(raw, 1 << 16) : InputStream.nullInputStream(),
            0);
        end = Long.MAX_VALUE;
        if (piece.index() > 0) {
          raw.close();
        }
      } else if (piece.start() == 0) {
        reader = new LineReader(raw, 0);
      } else {
        // The piece's first line is the first to start at or after its start: from the byte before it, skip
        // through the next line end (just that byte, when a line ends there).
        raw.seek(piece.start() - 1);
        reader = new LineReader(raw, piece.start() - 1);
        reader.next();
      }
      long last = end;
      return new Iterator<>() {
        private final java.util.ArrayDeque<Row> pending = new java.util.ArrayDeque<>();
        private long line;
        private boolean done;

        @Override
        public boolean hasNext() {
          while (pending.isEmpty() && !done) {
            try {
              String text = reader.position() < last ? reader.next() : null;
              if (text == null) {
                done = true;
                reader.close();
                pending.add(reject(file, piece.index(), line, "", LINES, null));
              } else {
                line++;
                if (!text.isBlank()) {
                  pending.addAll(rows(file, piece.index(), line, text));
                }
              }
            } catch (IOException e) {
              throw new UncheckedIOException("reading " + file + " at byte " + reader.position(), e);
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
    List<Row> rows(String file, int piece, long line, String text) {
      JsonNode node;
      try {
        node = PinpointJson.mapper().readTree(text);
      } catch (IOException e) {
        return List.of(reject(file, piece, line, text, "MALFORMED_JSON", "not a JSON object: "
            + e.getMessage().lines().findFirst().orElse("")));
      }
      if (node == null || !node.isObject()) {
        return List.of(reject(file, piece, line, text, "MALFORMED_JSON", "not a JSON object"));
      }
      if (node.has("BatchItem")) {
        return document(file, piece, line, text, node);
      }
      if (ProviderFeedback.isFeedback(node)) {
        ProviderFeedback.Converted c = ProviderFeedback.toStreamRecord(node);
        if (c.record() == null) {
          return List.of(reject(file, piece, line, text, c.reason(), c.problem()));
        }
        c.record().put("arrival_timestamp", arrivedAt);
        EventRecords.Outcome o = EventRecords.fromStreamRecord(appId, c.record());
        feedback.add(1);
        // Its line is kept: a record whose message the ledger does not hold is refused after the lookup.
        return List.of(o.row() != null ? located(accepted(o.row()), file, piece, line, text)
            : reject(file, piece, line, text, "INVALID_RECORD", o.problem()));
      }
      if (node.has("event_type")) {
        EventRecords.Outcome o = EventRecords.fromStreamRecord(appId, node);
        return List.of(o.row() != null ? accepted(o.row())
            : reject(file, piece, line, text, "INVALID_RECORD", o.problem()));
      }
      return List.of(reject(file, piece, line, text, "UNKNOWN_RECORD", "expected an EventsRequest document (BatchItem),"
          + " a Pinpoint event-stream record (event_type), or an SES or End User Messaging SMS event record "
          + "(eventType)"));
    }

    private List<Row> document(String file, int piece, long line, String text, JsonNode doc) {
      List<Row> out = new ArrayList<>();
      JsonNode batches = doc.get("BatchItem");
      if (!batches.isObject()) {
        return List.of(reject(file, piece, line, text, "INVALID_EVENT", "BatchItem is not an object keyed by endpoint id"));
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
              EventRecords.toRow(appId, b.getKey(), e.getKey(), e.getValue(), platform, arrivedAt, text.length());
          out.add(o.row() != null ? accepted(o.row()) : reject(file, piece, line, text, "INVALID_EVENT",
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

    /** An accepted row that keeps where it was read, without a reason (it is not refused). */
    private static Row located(Row row, String file, int piece, long line, String text) {
      Object[] values = new Object[READ_SCHEMA.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = row.get(i);
      }
      int n = Table.EVENTS.schema().size();
      values[n + 5] = piece;
      values[n] = file;
      values[n + 1] = line;
      values[n + 2] = text.length() > RAW_MAX_CHARS ? text.substring(0, RAW_MAX_CHARS) + "…" : text;
      return RowFactory.create(values);
    }

    private static Row reject(String file, int piece, long line, String text, String reason, String message) {
      Object[] values = new Object[READ_SCHEMA.size()];
      int n = Table.EVENTS.schema().size();
      values[n + 5] = piece;
      values[n] = file;
      values[n + 1] = line;
      values[n + 2] = text.length() > RAW_MAX_CHARS ? text.substring(0, RAW_MAX_CHARS) + "…" : text;
      values[n + 3] = reason;
      values[n + 4] = message;
      return RowFactory.create(values);
    }

  }
}
