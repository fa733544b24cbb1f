package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.conf.FaultPoints;
import io.lakecast.model.Ids;
import io.lakecast.warehouse.EndpointForgetter;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * The Parquet event store ({@code events/app_id=…/event_date=…/}): the events package owns it. Here: forgetting
 * deleted endpoints by rewriting the partitions that hold their events.
 */
public final class EventStore implements EndpointForgetter {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EventStore.class);
  private final Warehouse warehouse;

  public EventStore(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /**
   * Appends the events the store does not hold yet, each (endpoint id, event id) once: events already stored, and
   * repeats within {@code rows}, are left out. A re-run of an ingestion, or a re-sent request, therefore adds
   * nothing. Returns how many were appended.
   *
   * <p>Only the application's date partitions that {@code rows} touch are read, so the store's size does not slow
   * an ingestion of a few days' events, and none for an application's first. Hashes of the keys are compared
   * first: when none repeats and none is stored, which is the usual case, the rows are appended as they are, without
   * shuffling them whole to drop what is not there. {@code rows} is read more than once, so it should be cheap to
   * read again (materialized).
   */
  public long appendNew(String applicationId, Dataset<Row> rows) {
    Column key = concat_ws("\u0001", col("client.client_id"), col("event_id"));
    // The check compares 64-bit hashes of the keys: a hash seen twice is a repeat, an event already stored, or (about
    // once in 3 * 10^7 imports of a million events) two keys with one hash; each takes the exact path below.
    Column hash = xxhash64(col("client.client_id"), col("event_id"));
    Dataset<Row> stored = null;
    String appFolder = warehouse.path(Table.EVENTS) + "/app_id=" + applicationId;
    if (warehouse.exists(appFolder)) {
      List<String> dates = rows.select("event_date").distinct().as(Encoders.STRING()).collectAsList();
      stored = warehouse.read(Table.EVENTS)
          .filter(col("app_id").equalTo(applicationId).and(col("event_date").isin(dates.toArray())));
    }
    Dataset<Row> hashes = rows.select(hash.as("_hash"));
    // The store holds each key once, so a key seen twice is a repeat within the rows or an event already stored.
    boolean clash = !(stored == null ? hashes : hashes.union(stored.select(hash.as("_hash"))))
        .groupBy(col("_hash")).count().filter(col("count").gt(1)).isEmpty();
    Dataset<Row> fresh = rows;
    if (clash) {
      Dataset<Row> incoming = rows.withColumn("_key", key).dropDuplicates("_key");
      if (stored != null) {
        Dataset<Row> storedKeys = stored.select(key.as("_key"));
        incoming = incoming.join(storedKeys, incoming.col("_key").equalTo(storedKeys.col("_key")), "left_anti");
      }
      fresh = incoming.drop("_key").localCheckpoint();
    }
    long n = fresh.count();
    LOG.info("Events of {}: {} new to the store{}", applicationId, n, clash ? "" : " (no repeat, none stored before)");
    if (n > 0) {
      warehouse.append(Table.EVENTS, fresh);
    }
    return n;
  }

  /** Deletes the events imports' refused lines that quote one of the endpoints' ids or addresses. */
  private void forgetRejects(String applicationId, List<String> endpointIds, List<String> addresses) {
    if (!warehouse.exists(warehouse.path(Table.EVENT_IMPORT_REJECTS) + "/_delta_log")) {
      return;
    }
    Column quoted = org.apache.spark.sql.functions.lit(false);
    for (String s : endpointIds) {
      quoted = quoted.or(col("raw").contains("\"" + s + "\""));
    }
    for (String s : addresses) {
      if (s != null && !s.isBlank()) {
        quoted = quoted.or(col("raw").contains(s));
      }
    }
    warehouse.delta(Table.EVENT_IMPORT_REJECTS).delete(col("ApplicationId").equalTo(applicationId).and(quoted));
  }

  /**
   * Rewrites the event partitions (app, date) that hold events of the endpoints, without those events.
   *
   * <p>Safe to kill and run again: the kept events and the dates are staged at a place named by the request, with a
   * {@code _DONE} marker written last. A re-run that finds the marker resumes from the staging instead of the
   * (partly rewritten) store: it deletes those partitions again and appends the kept events again. The marker goes
   * first when the staging is removed.
   */
  @Override
  public void forget(String applicationId, List<String> endpointIds, List<String> addresses) {
    forgetRejects(applicationId, endpointIds, addresses);
    if (endpointIds.isEmpty() || !warehouse.exists(warehouse.path(Table.EVENTS))) {
      return;
    }
    String staging = warehouse.staging("delete-events/app=" + applicationId + "/request="
        + Ids.deterministic(endpointIds.stream().sorted().toArray(String[]::new)));
    String done = staging + "/_DONE";
    if (!warehouse.exists(done)) {
      Dataset<Row> appEvents = warehouse.read(Table.EVENTS).filter(col("app_id").equalTo(applicationId));
      Column theirs = col("client.client_id").isin(endpointIds.toArray());
      List<String> dates =
          appEvents.filter(theirs).select("event_date").distinct().as(Encoders.STRING()).collectAsList();
      if (dates.isEmpty()) {
        return;
      }
      appEvents.filter(col("event_date").isin(dates.toArray())).filter(not(theirs))
          .write().mode("overwrite").parquet(staging + "/kept");
      warehouse.spark().createDataset(dates, Encoders.STRING()).toDF("event_date")
          .write().mode("overwrite").parquet(staging + "/dates");
      warehouse.touch(done);
    }
    List<String> dates = warehouse.spark().read().parquet(staging + "/dates").as(Encoders.STRING()).collectAsList();
    for (String d : dates) {
      warehouse.delete(warehouse.path(Table.EVENTS) + "/app_id=" + applicationId + "/event_date=" + d);
    }
    FaultPoints.reach("delete.events-partitions-deleted");
    warehouse.append(Table.EVENTS,
        warehouse.spark().read().schema(Table.EVENTS.schema()).parquet(staging + "/kept"));
    warehouse.delete(done);
    warehouse.delete(staging);
  }
}
