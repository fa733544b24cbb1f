package io.lakecast.testing;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.regexp_replace;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What a warehouse holds, without timestamps and job ids: each table as sorted JSON lines, comparable across runs of
 * the same commands (a re-run after a kill, a run on a cluster, a run with the warehouse in S3). Read with the test
 * session, so the warehouse may be any location it can read ({@code /tmp/…}, {@code s3a://…}).
 */
public record WarehouseSnapshot(List<String> endpoints, long completedImports, List<String> rejectsOfCompletedJobs,
    List<String> ledger, List<String> outbox, List<String> events, List<String> activities) {

  public static WarehouseSnapshot of(java.nio.file.Path warehouse) {
    return of(warehouse.toString());
  }

  public static WarehouseSnapshot of(String warehouse) {
    Dataset<Row> jobs = delta(warehouse, "jobs");
    Dataset<Row> completed = jobs.filter(col("JobStatus").equalTo("COMPLETED").and(col("Type").equalTo("IMPORT")));
    List<String> rejects = lines(warehouse, "import_rejects", t -> t.join(
        completed.select(col("Id").as("JobId")), "JobId").select("line", "reason", "message"));
    return new WarehouseSnapshot(
        lines(delta(warehouse, "endpoints").select("Id", "ChannelType", "Address", "EndpointStatus", "OptOut",
            "User", "Attributes", "Location", "Demographic", "CohortId")),
        completed.count(), rejects,
        lines(warehouse, "send_ledger", t -> t.select("RunId", "ActivityId", "TreatmentId", "EndpointId", "UserId",
            "Arm", "ChannelType", "Address", "MessageId", "Status", "Reason")),
        outbox(warehouse),
        exists(warehouse, "events")
            ? lines(spark().read().parquet(warehouse + "/events")
                .select(col("event_id"), col("event_type"), col("client.client_id"), col("attributes"),
                    // The endpoint as sent, without the dates of its import.
                    regexp_replace(col("client_context.custom").getItem("endpoint"),
                        "\"(CreationDate|EffectiveDate)\":\"[^\"]*\",?", "").as("endpoint"), col("app_id")))
            : List.of(),
        lines(warehouse, "activities", t -> t.select("Id", "RunId", "TreatmentId", "ScheduledStart", "State",
            "Result", "TotalEndpointCount", "SuccessfulEndpointCount", "ExecutionMetrics")));
  }

  static SparkSession spark() {
    return SparkTestSession.get();
  }

  public static Dataset<Row> delta(String warehouse, String table) {
    return spark().read().format("delta").load(warehouse + "/" + table);
  }

  /** Whether the warehouse has that folder (a table or store that was written at least once). */
  public static boolean exists(String warehouse, String name) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(warehouse + "/" + name);
      return FileSystem.get(p.toUri(), spark().sparkContext().hadoopConfiguration()).exists(p);
    } catch (IOException e) {
      throw new AssertionError("cannot look for " + warehouse + "/" + name, e);
    }
  }

  /** The table's rows as {@link #lines}, none when the table was never written. */
  static List<String> lines(String warehouse, String table, Function<Dataset<Row>, Dataset<Row>> columns) {
    return exists(warehouse, table) ? lines(columns.apply(delta(warehouse, table))) : List.of();
  }

  public static List<String> lines(Dataset<Row> rows) {
    List<String> out = new ArrayList<>(rows.toJSON().as(Encoders.STRING()).collectAsList());
    Collections.sort(out);
    return out;
  }

  /** Every whole outbox message, keys sorted, the list sorted; a line a crash cut short is not a message. */
  static List<String> outbox(String warehouse) {
    List<String> out = new ArrayList<>();
    if (!exists(warehouse, "outbox")) {
      return out;
    }
    List<String> text = spark().read().option("recursiveFileLookup", "true").option("pathGlobFilter", "*.ndjson")
        .text(warehouse + "/outbox").as(Encoders.STRING()).collectAsList();
    for (String line : text) {
      try {
        JsonNode m = PinpointJson.mapper().readTree(line);
        @SuppressWarnings("unchecked")
        Map<String, Object> fields = PinpointJson.mapper().convertValue(m, Map.class);
        out.add(PinpointJson.compact(new TreeMap<>(fields)));
      } catch (IOException | IllegalArgumentException cutShort) {
        // not a message
      }
    }
    Collections.sort(out);
    return out;
  }
}
