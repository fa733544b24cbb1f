package io.lakecast.imports;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakecast.conf.FaultPoints;
import io.lakecast.endpoints.UserEndpointLimit;
import io.lakecast.endpoints.NewEndpoints;
import io.lakecast.endpoints.RejectReason;
import io.lakecast.endpoints.EndpointUpsert;
import io.lakecast.endpoints.EndpointParser;
import io.lakecast.endpoints.AppFiles;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointEnums.AttributeKind;
import io.lakecast.model.Ids;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.JobShapes.JobResponse;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.PinpointEnums.JobStatus;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.JobCatalog;
import io.lakecast.warehouse.Locations;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * create-import-job: reads CSV or NDJSON endpoint files from any Hadoop URI, rejects bad records into
 * {@code import_rejects} with file, line and reason, applies the per-user endpoint limit, and upserts the good ones
 * into {@code endpoints} through {@link EndpointUpsert} (unchanged records skipped). Counts always reconcile:
 * TotalProcessed = imported + TotalFailures.
 */
public final class ImportEndpointsJob {
  private static final Logger LOG = LoggerFactory.getLogger(ImportEndpointsJob.class);
  private static final int MAX_FAILURE_MESSAGES = 100;

  /**
   * What to import, validated. With {@code allowEmpty}, a source that holds no file of the format (a scheduled day
   * with no new export) completes the job with nothing imported instead of failing it.
   */
  public record Options(String applicationId, ImportJobRequest request, boolean allowEmpty) {
    public Options(String applicationId, ImportJobRequest request) {
      this(applicationId, request, false);
    }

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
      if (request.segmentId() != null && !Boolean.TRUE.equals(request.defineSegment())) {
        throw LakecastErrors.invalidMember("ImportJobRequest", "SegmentId", "it is used with DefineSegment: true");
      }
    }

    boolean defineSegment() {
      return Boolean.TRUE.equals(request.defineSegment());
    }

    boolean register() {
      return !Boolean.FALSE.equals(request.registerEndpoints());
    }
  }

  /**
   * What the import did. {@code job} is the ImportJobResponse the command prints; {@code path} how the records were
   * read: {@code first import in one pass}, {@code re-import in one pass} or {@code general}.
   */
  public record Result(JobResponse<ImportJobRequest> job, long processed, long imported, long rejected, int failedPieces,
      String path) {}

  private final Warehouse warehouse;
  private final Options options;

  public ImportEndpointsJob(Warehouse warehouse, Options options) {
    this.warehouse = warehouse;
    this.options = options;
  }

  /** The records after the per-user limit, and whether it rejected any of them. */
  private record Limited(Dataset<Row> parsed, boolean rejects) {}

  /**
   * Rejects the records that would give a user more endpoints than the limit, and notes (under
   * {@code overLimitPath + "-displaced"}) the stored push endpoints that new ones displace. Both sets (usually
   * empty) are written aside once, so the rest of the job reads them instead of recomputing.
   */
  private Limited checkUserLimit(Dataset<Row> parsed, String appId, int max, String overLimitPath) {
    if (!limit(parsed.filter(col("reason").isNull()), appId, max, overLimitPath)) {
      return new Limited(parsed, false);
    }
    return new Limited(UserEndpointLimit.reject(parsed, warehouse.spark().read().parquet(overLimitPath), max), true);
  }

  /**
   * Writes {@link UserEndpointLimit#check}'s outcome for {@code incoming} (its columns) under
   * {@code overLimitPath}; returns whether it rejects any record.
   */
  private boolean limit(Dataset<Row> incoming, String appId, int max, String overLimitPath) {
    LakecastSession.describe(warehouse.spark(), "import", "Check at most " + max + " endpoints per user");
    UserEndpointLimit.Outcome outcome = UserEndpointLimit.check(incoming, UserEndpointLimit.stored(warehouse, appId),
        max);
    outcome.over().write().parquet(overLimitPath);
    outcome.displaced().write().parquet(overLimitPath + "-displaced");
    Dataset<Row> over = warehouse.spark().read().parquet(overLimitPath);
    if (over.isEmpty()) {
      return false;
    }
    LOG.info("Import: {} record(s) over the limit of {} endpoints per user", over.count(), max);
    return true;
  }

  /** Writes the IMPORT segment's new version: the imported endpoints plus every endpoint of referenced users. */
  private ImportJobRequest defineSegment(String appId, ImportJobRequest def, Dataset<Row> parsed, String url) {
    var spark = warehouse.spark();
    Dataset<Row> direct = EndpointParser.accepted(parsed).select(col("Id").as("EndpointId"));
    Dataset<Row> users =
        parsed
            .filter(col("reason").isNull().and(col("Id").isNull()))
            .select(col("UserId"))
            .distinct();
    Dataset<Row> endpoints = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId));
    Dataset<Row> viaUsers =
        endpoints.join(users, endpoints.col("User.UserId").equalTo(users.col("UserId")), "left_semi")
            .select(col("Id").as("EndpointId"));
    String membersPath = warehouse.staging("segment-members/") + Ids.random();
    direct.union(viaUsers).distinct().write().parquet(membersPath);
    Dataset<Row> members = spark.read().parquet(membersPath);
    Map<String, Integer> channelCounts = new java.util.TreeMap<>();
    int size = 0;
    for (Row r : members.join(endpoints, members.col("EndpointId").equalTo(endpoints.col("Id")), "left")
        .groupBy(endpoints.col("ChannelType")).agg(count(lit(1))).collectAsList()) {
      channelCounts.put(r.isNullAt(0) ? "UNREGISTERED" : r.getString(0), (int) r.getLong(1));
      size += (int) r.getLong(1);
    }
    var importDefinition = new io.lakecast.model.SegmentShapes.SegmentImportResource(
        channelCounts, def.externalId(), def.format().name(), def.roleArn() == null ? "" : def.roleArn(), url, size);
    var segment = new io.lakecast.segments.SegmentCatalog(warehouse)
        .defineImported(appId, def.segmentId(), def.segmentName(), importDefinition);
    warehouse.append(Table.SEGMENT_MEMBERS, members.select(lit(appId).as("ApplicationId"),
        lit(segment.id()).as("SegmentId"), lit(segment.version()).as("Version"), col("EndpointId")));
    warehouse.delete(membersPath);
    LOG.info("Import segment {} v{}: {} member(s) {}", segment.id(), segment.version(), size, channelCounts);
    return new ImportJobRequest(def.defineSegment(), def.externalId(), def.format(), def.registerEndpoints(),
        def.roleArn(), def.s3Url(), segment.id(), segment.name());
  }

  /**
   * The staged records, whether their keys show no rule across records at work (see {@link #parse}), and how many
   * accepted records with an Id lack ChannelType or Address.
   */
  private record Parsed(Dataset<Row> rows, boolean independent, long incomplete) {}

  /**
   * Parses every record once into a staging Parquet file: every later step of the general path (counts, rejects, the
   * per-user limit, the upsert) reads it, columnar, instead of parsing again or caching nested rows in memory. The
   * tasks gather the accepted records' {@link RecordKeys} meanwhile: when no Id, no ChannelType and Address repeats
   * and each user's records carry the same UserAttributes, the upsert finds the side effects' records among the
   * changed ones alone.
   */
  private Parsed parse(Format format, List<ImportPiece> pieces, LakecastConf conf, String staging, String jobId) {
    var spark = warehouse.spark();
    long started = System.nanoTime();
    ImportRecords.Plan plan = new ImportRecords.Plan(format, pieces, conf.rejectRawMaxChars(), EndpointParser.Limits.of(conf),
        options.defineSegment(), null);
    RecordKeys keys = RecordKeys.registered(spark, pieces.size());
    ImportRecords.gathering(keys, token -> {
      ImportRecords.read(spark, plan.withKeys(token)).write().parquet(staging);
      return null;
    });
    String conflict = keys.acrossRecords();
    LOG.info("Import job {}: parsed {} piece(s) in {} ms; {}", jobId, pieces.size(),
        (System.nanoTime() - started) / 1_000_000,
        conflict == null ? "no rule across records applies" : "rules across records apply: " + conflict);
    return new Parsed(spark.read().parquet(staging), conflict == null && !options.defineSegment(),
        keys.incomplete());
  }

  /**
   * A re-import's changed records, staged as endpoint rows, and how many there are; how many records were accepted
   * in all, and how many endpoints they were compared with.
   */
  private record Changes(Dataset<Row> rows, long count, long accepted, long storedCount) {}

  /**
   * A re-import in one pass: the records are parsed and compared with the stored endpoints together, and only those
   * that change an endpoint are staged (rejects aside, as a first import writes them). Used when the rest of the
   * import may work on them alone: no rule across records applies among all the records (their
   * {@link RecordKeys}), and the per-user limit, checked on the changes, neither rejects nor displaces anything
   * (records that leave an endpoint as it is never add one to its user; when no changed record gives its user a new
   * endpoint, the limit is not checked at all and writes no outcome). Otherwise returns null, leaving nothing
   * behind, and the general path reads every record again.
   */
  private Changes parseChanges(Format format, List<ImportPiece> pieces, LakecastConf conf, String appId,
      Map<AttributeKind, List<String>> removed, FirstImport.Start start, String staging, String rejectsDir,
      String overLimitPath, String jobId) {
    var spark = warehouse.spark();
    long started = System.nanoTime();
    ImportRecords.Plan plan = new ImportRecords.Plan(format, pieces, conf.rejectRawMaxChars(), EndpointParser.Limits.of(conf),
        false, rejectsDir);
    RecordKeys keys = RecordKeys.registered(spark, pieces.size());
    // The application's endpoints in the snapshot the import started with, read straight from their files, and
    // counted from their statistics when they have them.
    Dataset<Row> stored = new AppFiles(spark, start.txn(), appId, start.files()).rows();
    long storedCount = start.storedRows() >= 0 ? start.storedRows() : stored.count();
    String now = Ids.now();
    StructType stagedSchema = ImportRecords.gathering(keys, token -> {
      // Staged as endpoint rows, ready for the upsert.
      Dataset<Row> staged = EndpointUpsert.source(
          EndpointUpsert.changed(ImportRecords.read(spark, plan.withKeys(token)), stored, storedCount),
          removed, appId, now, "_newForUser");
      EndpointUpsert.staged(staged).parquet(staging);
      return staged.schema();
    });
    String conflict = keys.acrossRecords();
    if (conflict == null && keys.incomplete() > 0) {
      conflict = keys.incomplete() + " record(s) with an Id lack ChannelType or Address (each must update a stored "
          + "endpoint)";
    }
    if (conflict == null) {
      Dataset<Row> marked = spark.read().schema(stagedSchema).parquet(staging);
      Dataset<Row> changed = marked.drop("_newForUser");
      // One small job: how many records change an endpoint, and whether any gives its user an endpoint the user
      // does not have (only such a record can take the user past the limit).
      Row counts = marked.agg(count(lit(1)), max(col("_newForUser"))).first();
      long changedCount = counts.getLong(0);
      boolean mayExceed = !counts.isNullAt(1) && counts.getBoolean(1);
      if (!mayExceed || !limit(changed.select(col("source"), col("line"), col("Id"),
              col("User.UserId").as("UserId"), col("ChannelType")), appId, conf.maxEndpointsPerUser(), overLimitPath)
          && spark.read().parquet(overLimitPath + "-displaced").isEmpty()) {
        LOG.info("Import job {}: {} record(s) parsed and compared with the {} stored endpoint(s) in one pass in {} ms",
            jobId, keys.count(), storedCount, (System.nanoTime() - started) / 1_000_000);
        return new Changes(changed, changedCount, keys.count(), storedCount);
      }
      conflict = "the per-user limit rejects records or displaces endpoints";
    }
    LOG.info("Import job {}: {}; every record goes through the general path", jobId, conflict);
    for (String path : List.of(staging, rejectsDir, overLimitPath, overLimitPath + "-displaced")) {
      warehouse.delete(path);
    }
    return null;
  }

  public Result run() {
    String appId = options.applicationId();
    String url = Locations.source(LakecastConf.from(warehouse.spark()), "S3Url", options.request().s3Url());
    // The application's removed attributes (reading them is also the check that it exists) are read while a first
    // import's transaction opens: both are small reads of the warehouse, and they overlap.
    CompletableFuture<Map<AttributeKind, List<String>>> reading =
        CompletableFuture.supplyAsync(() -> new AppCatalog(warehouse).removedAttributes(appId));
    boolean onePass = options.register() && !options.defineSegment()
        && LakecastConf.from(warehouse.spark()).importOnePass();
    FirstImport.Start first = onePass ? FirstImport.start(warehouse, appId) : null;
    Map<AttributeKind, List<String>> removed;
    try {
      removed = reading.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
    ImportJobRequest def = options.request();
    if (options.defineSegment() && def.segmentId() != null) {
      new io.lakecast.segments.SegmentCatalog(warehouse).get(appId, def.segmentId(), null);
    }
    Format format = def.format();
    String jobId = Ids.random();
    String created = Ids.now();
    // The job's states before the last are written in the background while it works.
    try (JobCatalog.Progress jobs = new JobCatalog(warehouse).progress()) {
      jobs.record(new JobResponse<>(
          appId, 0, null, created, def, 0, null, jobId, JobStatus.CREATED.name(), 0, 0, 0, "IMPORT"));
      FaultPoints.reach("import.after-created");
      try {
        return run(jobs, appId, removed, first, def, format, url, jobId, created);
      } catch (RuntimeException e) {
        recordFailure(jobs, appId, def, jobId, created, e);
        throw e;
      }
    }
  }

  /**
   * Ends a job that failed after it started as FAILED, with the reason as the user reads it, so that no job stays
   * PROCESSING. Each write is one Delta commit and endpoint writes are upserts keyed by Id, so running the same
   * request again completes what is missing without duplicating anything.
   */
  private void recordFailure(JobCatalog.Progress jobs, String appId, ImportJobRequest def, String jobId,
      String created, RuntimeException e) {
    try {
      jobs.finish(new JobResponse<>(appId, 0, Ids.now(), created, def, 0,
          List.of(io.lakecast.LakecastErrors.fromFailure(e).getMessage()), jobId, JobStatus.FAILED.name(), 0, 0, 0,
          "IMPORT"));
    } catch (RuntimeException recording) {
      LOG.warn("Import job {} failed and its FAILED state could not be recorded: {}", jobId, recording.toString());
    }
  }

  /** The import after its CREATED state: lists the files, reads them, writes the endpoints and the final state. */
  private Result run(JobCatalog.Progress jobs, String appId, Map<AttributeKind, List<String>> removed,
      FirstImport.Start start, ImportJobRequest def, Format format, String url, String jobId, String created) {
    var spark = warehouse.spark();
    LakecastConf conf = LakecastConf.from(spark);
    // Nothing to read (no files, a missing bucket, access denied) fails the job like any later failure, unless the
    // caller allows an empty source: then no files is a completed job with nothing imported.
    List<String> files = options.allowEmpty()
        ? ImportSource.listOrEmpty(url, format, spark.sparkContext().hadoopConfiguration())
        : ImportSource.list(url, format, spark.sparkContext().hadoopConfiguration());
    if (files.isEmpty()) {
      LOG.info("Import job {}: no {} file under {}; nothing to import", jobId, format, url);
      JobResponse<ImportJobRequest> job = new JobResponse<>(
          appId, 0, Ids.now(), created, def, 0, null, jobId, JobStatus.COMPLETED.name(), 0, 0, 0, "IMPORT");
      jobs.finish(job);
      return new Result(job, 0, 0, 0, 0, "empty source");
    }
    LOG.info("Import job {}: {} {} file(s) under {}", jobId, files.size(), format, url);
    jobs.record(
        new JobResponse<>(
            appId, 0, null, created, def, 0, null, jobId, JobStatus.PROCESSING.name(), 0, files.size(), 0, "IMPORT"));

    List<ImportPiece> pieces =
        ImportPiece.plan(files, format, conf.importSplitBytes(), spark.sparkContext().defaultParallelism(),
            spark.sparkContext().hadoopConfiguration());
    LakecastSession.describe(
        spark, "import-" + jobId, "Parse " + files.size() + " " + format + " file(s) in " + pieces.size() + " piece(s)");
    String staging = warehouse.staging("import/") + jobId;
    String rejectsDir = staging + "-rejects";
    String overLimitPath = staging + "-over-limit";
    try {
      long started = System.nanoTime();
      FirstImport.Outcome first = null;
      if (start != null) {
        ImportRecords.Plan plan = new ImportRecords.Plan(format, pieces, conf.rejectRawMaxChars(),
            EndpointParser.Limits.of(conf), false, rejectsDir);
        first = FirstImport.tryRun(start, removed, plan, conf.maxEndpointsPerUser(), () -> {});
        if (first.committed()) {
          long millis = (System.nanoTime() - started) / 1_000_000;
          LOG.info("Import job {}: first import of the application, {} endpoint(s) written in one pass in {} ms "
              + "({} endpoints/s)", jobId, first.imported(), millis, first.imported() * 1000 / Math.max(1, millis));
        } else {
          warehouse.delete(rejectsDir);
        }
      }
      // An application that has endpoints: a re-import, read in one pass when nothing asks for more.
      Changes changes = first != null && !first.committed() && start.busy() != null
          ? parseChanges(format, pieces, conf, appId, removed, start, staging, rejectsDir, overLimitPath, jobId)
          : null;
      Dataset<Row> parsed = null;
      EndpointUpsert.Known known = EndpointUpsert.Known.NOTHING;
      Dataset<Row> rejects;
      Dataset<Row> counted;
      long acceptedAside = 0;
      if (first != null && first.committed()) {
        rejects = ImportRecords.rejectsAside(spark, rejectsDir);
        counted = rejects;
        acceptedAside = first.imported();
      } else if (changes != null) {
        rejects = ImportRecords.rejectsAside(spark, rejectsDir);
        counted = rejects;
        acceptedAside = changes.accepted();
      } else {
        Parsed staged = parse(format, pieces, conf, staging, jobId);
        FaultPoints.reach("import.after-staging");
        parsed = staged.rows();
        known = staged.independent() ? EndpointUpsert.Known.INDEPENDENT : EndpointUpsert.Known.NOTHING;
        if (options.register() && staged.incomplete() > 0) {
          // Before the per-user limit: a rejected record gives its user no endpoint.
          parsed = NewEndpoints.rejectIncomplete(parsed, warehouse.read(Table.ENDPOINTS)
              .filter(col("ApplicationId").equalTo(appId)).select(col("Id")));
        }
        if (options.register()) {
          long limitStart = System.nanoTime();
          parsed = checkUserLimit(parsed, appId, conf.maxEndpointsPerUser(), overLimitPath).parsed();
          LOG.info("Import job {}: checked at most {} endpoints per user in {} ms", jobId, conf.maxEndpointsPerUser(),
              (System.nanoTime() - limitStart) / 1_000_000);
        }
        rejects = parsed.filter(col("reason").isNotNull())
            .select(col("source"), col("line"), col("reason"), col("message"), col("raw"));
        counted = parsed;
      }
      // One aggregation: accepted rows (reason null; none among rejects written aside), rejected records, and the
      // files that could not be read at all.
      Column isPiece = col("reason").equalTo(RejectReason.PIECE_UNREADABLE.name());
      Row stats = counted.agg(sum(when(col("reason").isNull(), 1).otherwise(0)).as("accepted"),
          sum(when(col("reason").isNotNull().and(not(isPiece)), 1).otherwise(0)).as("rejected"),
          countDistinct(when(isPiece, col("source"))).as("failedPieces")).first();
      long imported = acceptedAside + (stats.isNullAt(0) ? 0 : stats.getLong(0));
      long rejected = stats.isNullAt(1) ? 0 : stats.getLong(1);
      int failedPieces = (int) stats.getLong(2);
      long processed = imported + rejected;
      LOG.info(
          "Import job {}: {} record(s): {} accepted, {} rejected, {} unreadable file(s)",
          jobId, processed, imported, rejected, failedPieces);

      List<String> failures = new ArrayList<>();
      if (rejected > 0 || failedPieces > 0) {
        LakecastSession.describe(spark, "import-" + jobId, "Write rejects");
        Dataset<Row> rows = rejects.select(lit(jobId).as("JobId"), lit(appId).as("ApplicationId"), col("source"),
            col("line"), col("raw"), col("reason"), col("message"));
        warehouse.append(Table.IMPORT_REJECTS, rows);
        for (Row r : rows.orderBy(col("source"), col("line")).limit(MAX_FAILURE_MESSAGES).collectAsList()) {
          failures.add(r.getString(2) + " line " + r.getLong(3) + ": [" + r.getString(5) + "] " + r.getString(6));
        }
      }
      if ((parsed != null || changes != null) && imported > 0 && options.register()) {
        LakecastSession.describe(spark, "import-" + jobId, "Merge " + imported + " endpoint(s)");
        long mergeStart = System.nanoTime();
        FaultPoints.reach("import.before-commit");
        EndpointUpsert.Result written = changes != null
            ? EndpointUpsert.upsertChanges(warehouse, appId, removed, changes.rows(), changes.count(),
                changes.storedCount())
            : EndpointUpsert.upsert(warehouse, appId, removed, EndpointParser.accepted(parsed), known);
        FaultPoints.reach("import.after-commit");
        // Not written when the limit was not checked at all (see parseChanges).
        List<String> displaced = !warehouse.exists(overLimitPath + "-displaced") ? List.of()
            : spark.read().parquet(overLimitPath + "-displaced").as(Encoders.STRING()).collectAsList();
        UserEndpointLimit.displace(warehouse, appId, displaced);
        if (!displaced.isEmpty()) {
          LOG.info("Import job {}: {} push endpoint(s) displaced by newer ones of the same user (INACTIVE, no UserId)",
              jobId, displaced.size());
        }
        long mergeMillis = (System.nanoTime() - mergeStart) / 1_000_000;
        LOG.info("Import job {}: {} endpoint(s) written ({}, {} changed) in {} ms ({} endpoints/s)", jobId, imported,
            written.path(), written.changed() < 0 ? "all" : written.changed(), mergeMillis,
            imported * 1000 / Math.max(1, mergeMillis));
      }
      if (options.defineSegment()) {
        def = defineSegment(appId, def, parsed, url);
      }
      String status = failedPieces > 0 ? JobStatus.FAILED.name() : JobStatus.COMPLETED.name();
      JobResponse<ImportJobRequest> job =
          new JobResponse<>(
              appId, files.size() - failedPieces, Ids.now(), created, def, failedPieces,
              failures.isEmpty() ? null : failures, jobId, status, (int) rejected, files.size(), (int) processed,
              "IMPORT");
      jobs.finish(job);
      String path = first != null && first.committed() ? "first import in one pass"
          : changes != null ? "re-import in one pass" : "general";
      return new Result(job, processed, imported, rejected, failedPieces, path);
    } finally {
      warehouse.delete(staging);
      warehouse.delete(rejectsDir);
      warehouse.delete(overLimitPath);
      warehouse.delete(overLimitPath + "-displaced");
    }
  }

}
