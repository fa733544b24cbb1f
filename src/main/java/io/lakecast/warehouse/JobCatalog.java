package io.lakecast.warehouse;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.JobShapes.ImportJobResponse;
import io.lakecast.model.PinpointJson;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Import (and later export) jobs in the {@code jobs} table, one row per job, upserted as the job progresses. */
public final class JobCatalog {
  private final Warehouse warehouse;

  public JobCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Writes the import job's current state. */
  public void put(ImportJobResponse job) {
    write(RowFactory.create(
        job.applicationId(), job.id(), job.type(), job.jobStatus(), PinpointJson.compact(job.definition()),
        job.creationDate(), job.completionDate(), job.totalPieces(), job.completedPieces(), job.failedPieces(),
        job.totalProcessed(), job.totalFailures(),
        job.failures() == null ? null : job.failures().toArray(String[]::new)));
  }

  /** Writes the export job's current state. */
  public void put(io.lakecast.model.JobShapes.ExportJobResponse job) {
    write(RowFactory.create(
        job.applicationId(), job.id(), job.type(), job.jobStatus(), PinpointJson.compact(job.definition()),
        job.creationDate(), job.completionDate(), job.totalPieces(), job.completedPieces(), job.failedPieces(),
        job.totalProcessed(), job.totalFailures(),
        job.failures() == null ? null : job.failures().toArray(String[]::new)));
  }

  /** The export job, or a NotFound error. */
  public io.lakecast.model.JobShapes.ExportJobResponse getExport(String applicationId, String jobId) {
    Row r = row(applicationId, jobId, "EXPORT", "Export job");
    return new io.lakecast.model.JobShapes.ExportJobResponse(
        r.getString(0), (Integer) r.get(8), r.getString(6), r.getString(5),
        PinpointJson.parse(r.getString(4), io.lakecast.model.JobShapes.ExportJobRequest.class, "ExportJobResource",
            "jobs table"),
        (Integer) r.get(9), r.isNullAt(12) ? null : r.<String>getList(12), r.getString(1), r.getString(3),
        (Integer) r.get(11), (Integer) r.get(7), (Integer) r.get(10), r.getString(2));
  }

  /** The application's export jobs, newest first. */
  public List<io.lakecast.model.JobShapes.ExportJobResponse> listExports(String applicationId) {
    return ids(applicationId, "EXPORT").stream().map(id -> getExport(applicationId, id)).toList();
  }

  private List<String> ids(String applicationId, String type) {
    return warehouse.read(Table.JOBS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("Type").equalTo(type)))
        .orderBy(col("CreationDate").desc())
        .select("Id")
        .as(org.apache.spark.sql.Encoders.STRING())
        .collectAsList();
  }

  private Row row(String applicationId, String jobId, String type, String what) {
    List<Row> rows =
        warehouse
            .read(Table.JOBS)
            .filter(col("ApplicationId").equalTo(applicationId).and(col("Id").equalTo(jobId))
                .and(col("Type").equalTo(type)))
            .collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.notFound(what, jobId, applicationId);
    }
    return rows.get(0);
  }

  private void write(Row row) {
    Dataset<Row> src = warehouse.spark().createDataFrame(List.of(row), Table.JOBS.schema());
    warehouse
        .delta(Table.JOBS)
        .as("t")
        .merge(src.as("s"), "t.ApplicationId = s.ApplicationId AND t.Id = s.Id")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
  }

  /** The application's import jobs, newest first. */
  public List<ImportJobResponse> listImports(String applicationId) {
    return ids(applicationId, "IMPORT").stream().map(id -> getImport(applicationId, id)).toList();
  }

  /** The import job, or a NotFound error. */
  public ImportJobResponse getImport(String applicationId, String jobId) {
    Row r = row(applicationId, jobId, "IMPORT", "Import job");
    return new ImportJobResponse(
        r.getString(0), (Integer) r.get(8), r.getString(6), r.getString(5),
        PinpointJson.parse(r.getString(4), ImportJobRequest.class, "ImportJobResource", "jobs table"),
        (Integer) r.get(9), r.isNullAt(12) ? null : r.<String>getList(12), r.getString(1), r.getString(3),
        (Integer) r.get(11), (Integer) r.get(7), (Integer) r.get(10), r.getString(2));
  }
}
