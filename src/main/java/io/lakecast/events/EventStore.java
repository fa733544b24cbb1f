package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

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
  private final Warehouse warehouse;

  public EventStore(Warehouse warehouse) {
    this.warehouse = warehouse;
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
