package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.lakecast.LakecastErrors;
import io.lakecast.model.EndpointShapes.EndpointResponse;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletion that really deletes: removes endpoints from every place that holds their address or attributes —
 * {@code endpoints}, {@code segment_members}, the ledger's Address (the row stays, so nothing is re-sent),
 * {@code import_rejects} records and job failure messages that quote the address, the {@code _campaign.send}
 * events that carry the endpoint JSON, and outbox lines. The bytes are gone from storage after {@code purge}
 * (Delta VACUUM) has removed the files these rewrites replaced.
 */
public final class EndpointDeletion {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointDeletion.class);

  private final Warehouse warehouse;

  public EndpointDeletion(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Deletes the endpoints (already read, so the caller can print them). */
  public void delete(String applicationId, List<EndpointResponse> endpoints) {
    if (endpoints.isEmpty()) {
      return;
    }
    List<String> ids = endpoints.stream().map(EndpointResponse::id).toList();
    List<String> addresses =
        endpoints.stream().map(EndpointResponse::address).filter(a -> a != null && !a.isBlank()).toList();
    Column app = col("ApplicationId").equalTo(applicationId);
    warehouse.delta(Table.ENDPOINTS).delete(app.and(col("Id").isin(ids.toArray())));
    warehouse.delta(Table.SEGMENT_MEMBERS).delete(app.and(col("EndpointId").isin(ids.toArray())));
    warehouse.delta(Table.SEND_LEDGER).update(
        app.and(col("EndpointId").isin(ids.toArray())), Map.of("Address", lit(null).cast("string")));
    if (!addresses.isEmpty()) {
      // The addresses travel as merge source data, never as literals in a predicate: Delta records predicates in
      // its transaction log (commitInfo), which VACUUM does not remove.
      Dataset<Row> source =
          warehouse.spark().createDataFrame(
              List.of(org.apache.spark.sql.RowFactory.create(applicationId, addresses.toArray(String[]::new))),
              new org.apache.spark.sql.types.StructType()
                  .add("app", "string")
                  .add("addrs", org.apache.spark.sql.types.DataTypes.createArrayType(
                      org.apache.spark.sql.types.DataTypes.StringType)));
      Column addrs = col("s.addrs");
      warehouse.delta(Table.IMPORT_REJECTS).as("t")
          .merge(source.as("s"), col("t.ApplicationId").equalTo(col("s.app"))
              .and(mentions(col("t.raw"), addrs).or(mentions(col("t.message"), addrs))))
          .whenMatched().delete()
          .execute();
      warehouse.delta(Table.JOBS).as("t")
          .merge(source.as("s"), col("t.ApplicationId").equalTo(col("s.app"))
              .and(mentions(col("t.Failures").cast("string"), addrs)))
          .whenMatched()
          .update(Map.of("Failures", filter(col("t.Failures"), f -> not(mentions(f, addrs)))))
          .execute();
    }
    rewriteEvents(applicationId, ids);
    rewriteOutbox(ids);
    LOG.info("Deleted {} endpoint(s) of application {} from every table", ids.size(), applicationId);
  }

  /** Whether the text contains any of the addresses (an array column). */
  private static Column mentions(Column text, Column addresses) {
    return org.apache.spark.sql.functions.coalesce(
        org.apache.spark.sql.functions.exists(addresses, a -> text.contains(a)), lit(false));
  }

  /** Rewrites the event partitions (app, date) that hold events of the endpoints, without those events. */
  private void rewriteEvents(String applicationId, List<String> ids) {
    if (!warehouse.exists(warehouse.path(Table.EVENTS))) {
      return;
    }
    Dataset<Row> appEvents = warehouse.read(Table.EVENTS).filter(col("app_id").equalTo(applicationId));
    Column theirs = col("client.client_id").isin(ids.toArray());
    List<String> dates =
        appEvents.filter(theirs).select("event_date").distinct().as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    if (dates.isEmpty()) {
      return;
    }
    String staging = warehouse.root() + "/_staging/delete-events/" + System.currentTimeMillis();
    appEvents.filter(col("event_date").isin(dates.toArray())).filter(not(theirs)).write().parquet(staging);
    for (String d : dates) {
      warehouse.delete(warehouse.path(Table.EVENTS) + "/app_id=" + applicationId + "/event_date=" + d);
    }
    warehouse.append(Table.EVENTS, warehouse.spark().read().schema(Table.EVENTS.schema()).parquet(staging));
    warehouse.delete(staging);
  }

  /** Drops the endpoints' lines from outbox files (the record of what was sent holds their addresses). */
  private void rewriteOutbox(List<String> ids) {
    String root = io.lakecast.conf.LakecastConf.from(warehouse.spark()).outboxPath();
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
      if (!fs.exists(rootPath)) {
        return;
      }
      List<String> markers = ids.stream().map(id -> "\"EndpointId\":\"" + id + "\"").toList();
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(rootPath, true);
      while (files.hasNext()) {
        Path f = files.next().getPath();
        if (!f.getName().endsWith(".ndjson")) {
          continue;
        }
        List<String> kept = new ArrayList<>();
        boolean changed = false;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(f), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            String l = line;
            if (markers.stream().anyMatch(l::contains)) {
              changed = true;
            } else {
              kept.add(line);
            }
          }
        }
        if (changed) {
          fs.setWriteChecksum(false);
          try (Writer w = new OutputStreamWriter(fs.create(f, true), StandardCharsets.UTF_8)) {
            for (String line : kept) {
              w.write(line);
              w.write('\n');
            }
          }
        }
      }
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("rewrite the outbox under", root, e);
    }
  }

  /**
   * VACUUM every Delta table of the warehouse, keeping {@code retentionHours} of history, after rewriting the files
   * that hold rows marked deleted (deletion vectors).
   */
  public static List<String> purge(Warehouse warehouse, double retentionHours) {
    if (retentionHours < 0) {
      throw LakecastErrors.invalidOption("--retention-hours", String.valueOf(retentionHours), "0 or more hours");
    }
    // Delta refuses a retention below 7 days unless told the caller knows: purge exists to make deletions final.
    var conf = warehouse.spark().conf();
    conf.set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    // VACUUM lists files with Spark's partition-discovery parallelism (10,000 tasks by default), which costs
    // about 20 s per table on a small machine; a few tasks per core list a warehouse's tables just as well.
    String discovery = "spark.sql.sources.parallelPartitionDiscovery.parallelism";
    String previous = conf.get(discovery, null);
    conf.set(discovery, String.valueOf(Math.max(2, warehouse.spark().sparkContext().defaultParallelism() * 4)));
    List<String> vacuumed = new ArrayList<>();
    try {
      for (Table t : Table.values()) {
        if (t.isDelta() && warehouse.exists(warehouse.path(t) + "/_delta_log")) {
          if (t.properties().containsKey(Table.DELETION_VECTORS)) {
            // Rows marked deleted are still in their files: rewrite those files without them, so VACUUM can
            // remove the old ones.
            warehouse.spark().sql("REORG TABLE delta.`" + warehouse.path(t).replace("`", "``")
                + "` APPLY (PURGE)");
          }
          warehouse.delta(t).vacuum(retentionHours);
          vacuumed.add(t.tableName());
        }
      }
    } finally {
      if (previous == null) {
        conf.unset(discovery);
      } else {
        conf.set(discovery, previous);
      }
    }
    LOG.info("Vacuumed {} keeping {} hour(s) of history", vacuumed, retentionHours);
    return vacuumed;
  }
}
