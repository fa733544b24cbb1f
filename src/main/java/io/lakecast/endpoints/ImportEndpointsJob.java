package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.Ids;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.JobShapes.ImportJobResponse;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.PinpointEnums.JobStatus;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.HadoopConf;
import io.lakecast.warehouse.JobCatalog;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * create-import-job: reads CSV or NDJSON endpoint files from any Hadoop URI, rejects bad records into
 * {@code import_rejects} with file, line and reason, and upserts the good ones into {@code endpoints} with one Delta
 * MERGE. Counts always reconcile: TotalProcessed = imported + TotalFailures.
 */
public final class ImportEndpointsJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImportEndpointsJob.class);
  private static final int MAX_FAILURE_MESSAGES = 100;

  /** What to import, validated. */
  public record Options(String applicationId, ImportJobRequest request) {
    public Options {
      if (applicationId == null || applicationId.isBlank()) {
        throw LakecastErrors.invalidOption("--application-id", String.valueOf(applicationId), "an application id");
      }
      if (request == null) {
        throw LakecastErrors.missingMember("ImportJobRequest", "(body)");
      }
      if (request.s3Url() == null || request.s3Url().isBlank()) {
        throw LakecastErrors.missingMember("ImportJobRequest", "S3Url");
      }
      if (request.format() == null) {
        throw LakecastErrors.missingMember("ImportJobRequest", "Format");
      }
      if (Boolean.TRUE.equals(request.defineSegment())) {
        throw LakecastErrors.unsupported(
            "ImportJobRequest", "DefineSegment", "RegisterEndpoints (imported segments come in a later release)");
      }
    }

    boolean register() {
      return !Boolean.FALSE.equals(request.registerEndpoints());
    }
  }

  /** What the import did. {@code job} is the ImportJobResponse the command prints. */
  public record Result(ImportJobResponse job, long processed, long imported, long rejected, int failedPieces) {}

  private final Warehouse warehouse;
  private final Options options;

  public ImportEndpointsJob(Warehouse warehouse, Options options) {
    this.warehouse = warehouse;
    this.options = options;
  }

  public Result run() {
    var spark = warehouse.spark();
    LakecastConf conf = LakecastConf.from(spark);
    String appId = options.applicationId();
    new AppCatalog(warehouse).require(appId);
    ImportJobRequest def = options.request();
    Format format = def.format();
    String url = ImportSource.normalize(def.s3Url());
    String jobId = Ids.random();
    String created = Ids.now();
    JobCatalog jobs = new JobCatalog(warehouse);

    List<String> files = ImportSource.list(url, format, spark.sparkContext().hadoopConfiguration());
    LOG.info("Import job {}: {} {} file(s) under {}", jobId, files.size(), format, url);
    jobs.put(
        new ImportJobResponse(
            appId, 0, null, created, def, 0, null, jobId, JobStatus.PROCESSING.name(), 0, files.size(), 0, "IMPORT"));

    List<ImportPiece> pieces =
        ImportPiece.plan(files, format, conf.importSplitBytes(), spark.sparkContext().hadoopConfiguration());
    LakecastSession.describe(
        spark, "import-" + jobId, "Parse " + files.size() + " " + format + " file(s) in " + pieces.size() + " piece(s)");
    HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    int rawMax = conf.rejectRawMaxChars();
    EndpointParser.Limits limits = conf.importLimits();
    FlatMapFunction<ImportPiece, Row> parse = piece -> ImportSource.read(piece, format, hadoop, rawMax, limits);
    // Parse once into a staging Parquet file: every later step (counts, rejects, the upsert) reads it, columnar,
    // instead of parsing again or caching nested rows in memory.
    String staging = warehouse.root() + "/_staging/import/" + jobId;
    long started = System.nanoTime();
    spark
        .createDataset(pieces, Encoders.javaSerialization(ImportPiece.class))
        .repartition(pieces.size())
        .flatMap(parse, Encoders.row(EndpointParser.PARSED_SCHEMA))
        .write()
        .parquet(staging);
    Dataset<Row> parsed = spark.read().parquet(staging);
    try {
      Column isPiece = col("reason").equalTo(RejectReason.PIECE_UNREADABLE.name());
      Row stats =
          parsed
              .agg(
                  sum(when(isPiece, 0).otherwise(1)).as("processed"),
                  sum(when(col("reason").isNotNull().and(not(isPiece)), 1).otherwise(0)).as("rejected"),
                  countDistinct(when(isPiece, col("source"))).as("failedPieces"),
                  count(lit(1)))
              .first();
      long processed = stats.isNullAt(0) ? 0 : stats.getLong(0);
      long rejected = stats.isNullAt(1) ? 0 : stats.getLong(1);
      int failedPieces = (int) stats.getLong(2);
      long imported = processed - rejected;
      LOG.info(
          "Import job {}: parsed {} record(s) in {} ms: {} accepted, {} rejected, {} unreadable file(s)",
          jobId, processed, (System.nanoTime() - started) / 1_000_000, imported, rejected, failedPieces);

      List<String> failures = new ArrayList<>();
      if (rejected > 0 || failedPieces > 0) {
        LakecastSession.describe(spark, "import-" + jobId, "Write rejects");
        Dataset<Row> rejects =
            parsed
                .filter(col("reason").isNotNull())
                .select(
                    lit(jobId).as("JobId"), lit(appId).as("ApplicationId"), col("source"), col("line"),
                    col("raw"), col("reason"), col("message"));
        warehouse.append(Table.IMPORT_REJECTS, rejects);
        for (Row r :
            rejects.orderBy(col("source"), col("line")).limit(MAX_FAILURE_MESSAGES).collectAsList()) {
          failures.add(r.getString(2) + " line " + r.getLong(3) + ": [" + r.getString(5) + "] " + r.getString(6));
        }
      }
      if (imported > 0 && options.register()) {
        LakecastSession.describe(spark, "import-" + jobId, "Merge " + imported + " endpoint(s)");
        long mergeStart = System.nanoTime();
        EndpointUpsert.upsert(warehouse, appId, EndpointParser.endpoints(parsed));
        LOG.info("Import job {}: merged {} endpoint(s) in {} ms", jobId, imported, (System.nanoTime() - mergeStart) / 1_000_000);
      }
      String status = failedPieces > 0 ? JobStatus.FAILED.name() : JobStatus.COMPLETED.name();
      ImportJobResponse job =
          new ImportJobResponse(
              appId, files.size() - failedPieces, Ids.now(), created, def, failedPieces,
              failures.isEmpty() ? null : failures, jobId, status, (int) rejected, files.size(), (int) processed,
              "IMPORT");
      jobs.put(job);
      return new Result(job, processed, imported, rejected, failedPieces);
    } finally {
      warehouse.delete(staging);
    }
  }

}
