package io.lakecast.warehouse;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.model.JobShapes.JobResponse;
import io.lakecast.model.PinpointEnums.JobStatus;
import io.lakecast.model.PinpointJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Import and export jobs in the {@code jobs} table. Each state a job goes through is appended as one row (an append
 * costs a fifth of an upsert, and a job writes three states); a job is its row with the latest JobStatus, since a
 * job's status only moves forward (CREATED, PROCESSING, then COMPLETED or FAILED).
 */
public final class JobCatalog {
  private final Warehouse warehouse;

  public JobCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Writes the job's current state. */
  public void put(JobResponse<?> job) {
    write(RowFactory.create(
        job.applicationId(), job.id(), job.type(), job.jobStatus(), PinpointJson.compact(job.definition()),
        job.creationDate(), job.completionDate(), job.totalPieces(), job.completedPieces(), job.failedPieces(),
        job.totalProcessed(), job.totalFailures(),
        job.failures() == null ? null : job.failures().toArray(String[]::new)));
  }

  /** The job of {@code type} (IMPORT, EXPORT or IMPORT_EVENTS), or NotFound. */
  public <D> JobResponse<D> get(String applicationId, String jobId, String type, Class<D> definition) {
    String what = switch (type) {
      case "IMPORT" -> "Import job";
      case "EXPORT" -> "Export job";
      default -> "Events import job";
    };
    return response(row(applicationId, jobId, type, what), definition);
  }

  private static <D> JobResponse<D> response(Row r, Class<D> definition) {
    String shape = definition.getSimpleName().replace("Request", "Resource");
    return new JobResponse<>(
        r.getString(0), (Integer) r.get(8), r.getString(6), r.getString(5),
        PinpointJson.parse(r.getString(4), definition, shape, "jobs table"),
        (Integer) r.get(9), r.isNullAt(12) ? null : r.<String>getList(12), r.getString(1), r.getString(3),
        (Integer) r.get(11), (Integer) r.get(7), (Integer) r.get(10), r.getString(2));
  }

  /** The application's jobs of {@code type}, newest first. */
  public <D> List<JobResponse<D>> list(String applicationId, String type, Class<D> definition) {
    Map<String, Row> latest = new LinkedHashMap<>();
    for (Row r : warehouse.read(Table.JOBS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("Type").equalTo(type)))
        .orderBy(col("CreationDate").desc(), col("Id"))
        .collectAsList()) {
      latest.merge(r.getString(1), r, JobCatalog::later);
    }
    return latest.values().stream().map(r -> response(r, definition)).toList();
  }

  /** Of two rows of one job, the one with the later JobStatus. */
  private static Row later(Row a, Row b) {
    return JobStatus.valueOf(b.getString(3)).ordinal() > JobStatus.valueOf(a.getString(3)).ordinal() ? b : a;
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
    return rows.stream().reduce(JobCatalog::later).orElseThrow();
  }

  /** A job's states written as it goes: see {@link Progress}. */
  public Progress progress() {
    return new Progress();
  }

  /**
   * Writes a job's states off the job's own path. Each {@link #record}ed state is appended in the background, one at
   * a time and in order, while the job works. {@link #finish} waits for them and then writes the final state, so
   * when a job returns its table rows are complete, and a failed background write fails the job. A job that stops
   * early calls {@link #close}, which waits for what was recorded.
   */
  public final class Progress implements AutoCloseable {
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "lakecast-job-states");
      t.setDaemon(true);
      return t;
    });
    private final List<Future<?>> pending = new ArrayList<>();

    private Progress() {}

    /** Appends this state in the background. */
    public void record(JobResponse<?> job) {
      pending.add(writer.submit(() -> put(job)));
    }

    /** Waits for the recorded states, then writes the final one. */
    public void finish(JobResponse<?> job) {
      awaitRecorded();
      put(job);
    }

    @Override
    public void close() {
      writer.shutdown();
      try {
        writer.awaitTermination(1, TimeUnit.MINUTES);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void awaitRecorded() {
      for (Future<?> f : pending) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("Interrupted while writing the job's state", e);
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw new IllegalStateException("Could not write the job's state: " + e.getCause(), e.getCause());
        }
      }
      pending.clear();
    }
  }

  private void write(Row row) {
    warehouse.append(Table.JOBS, warehouse.spark().createDataFrame(List.of(row), Table.JOBS.schema()));
  }

}
