package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.model.Ids;
import io.lakecast.model.JobShapes.ExportJobRequest;
import io.lakecast.model.JobShapes.JobResponse;
import io.lakecast.model.PinpointEnums.JobStatus;
import io.lakecast.segments.SegmentCatalog;
import io.lakecast.segments.SegmentEvaluator;
import io.lakecast.conf.LakecastConf;
import io.lakecast.warehouse.Locations;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.JobCatalog;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * create-export-job: writes an application's endpoints (or a segment version's members) under {@code S3UrlPrefix}
 * as gzip NDJSON of {@code EndpointResponse}, the format Pinpoint exported — so an export imports unchanged into
 * Lakecast or anywhere that read Pinpoint's.
 */
public final class ExportEndpointsJob {
  private static final Logger LOG = LoggerFactory.getLogger(ExportEndpointsJob.class);

  /** What to export, validated. */
  public record Options(String applicationId, ExportJobRequest request) {
    public Options {
      if (request == null || request.s3UrlPrefix() == null || request.s3UrlPrefix().isBlank()) {
        throw LakecastErrors.missingMember("ExportJobRequest", "S3UrlPrefix");
      }
      if (request.segmentVersion() != null && request.segmentId() == null) {
        throw LakecastErrors.invalidMember("ExportJobRequest", "SegmentVersion", "it needs a SegmentId");
      }
    }
  }

  /** The job as printed, and the endpoints written. */
  public record Result(JobResponse<ExportJobRequest> job, long exported) {}

  private final Warehouse warehouse;
  private final Options options;

  public ExportEndpointsJob(Warehouse warehouse, Options options) {
    this.warehouse = warehouse;
    this.options = options;
  }

  public Result run() {
    String appId = options.applicationId();
    new AppCatalog(warehouse).require(appId);
    ExportJobRequest def = options.request();
    String jobId = Ids.random();
    String created = Ids.now();
    String target = Locations.output(LakecastConf.from(warehouse.spark()), "S3UrlPrefix", def.s3UrlPrefix());
    warehouse.requireNoTableAt("S3UrlPrefix", target);
    Dataset<Row> endpoints;
    if (def.segmentId() != null) {
      var segment = new SegmentCatalog(warehouse).get(appId, def.segmentId(), def.segmentVersion());
      endpoints = new SegmentEvaluator(warehouse, appId).members(segment, null);
    } else {
      endpoints = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId));
    }
    Column[] columns =
        Arrays.stream(Table.Schemas.ENDPOINT_RESPONSE.fieldNames()).map(n -> endpoints.col(n)).toArray(Column[]::new);
    LakecastSession.describe(warehouse.spark(), "export-" + jobId, "Export endpoints to " + target);
    endpoints.select(columns).write().mode("overwrite").option("compression", "gzip").json(target);
    Dataset<Row> written = warehouse.spark().read().schema(Table.Schemas.ENDPOINT_RESPONSE).json(target);
    long exported = written.count();
    int files = warehouse.spark().read().text(target).inputFiles().length;
    LOG.info("Export job {}: {} endpoint(s) in {} file(s) under {}", jobId, exported, files, target);
    JobResponse<ExportJobRequest> job =
        new JobResponse<>(appId, files, Ids.now(), created, def, 0, null, jobId, JobStatus.COMPLETED.name(), 0,
            files, (int) exported, "EXPORT");
    new JobCatalog(warehouse).put(job);
    return new Result(job, exported);
  }

}
