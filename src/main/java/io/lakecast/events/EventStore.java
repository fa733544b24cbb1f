package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

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

  /** Rewrites the event partitions (app, date) that hold events of the endpoints, without those events. */
  @Override
  public void forget(String applicationId, List<String> endpointIds, List<String> addresses) {
    if (endpointIds.isEmpty() || !warehouse.exists(warehouse.path(Table.EVENTS))) {
      return;
    }
    Dataset<Row> appEvents = warehouse.read(Table.EVENTS).filter(col("app_id").equalTo(applicationId));
    Column theirs = col("client.client_id").isin(endpointIds.toArray());
    List<String> dates =
        appEvents.filter(theirs).select("event_date").distinct().as(Encoders.STRING()).collectAsList();
    if (dates.isEmpty()) {
      return;
    }
    String staging = warehouse.staging("delete-events/") + System.currentTimeMillis();
    appEvents.filter(col("event_date").isin(dates.toArray())).filter(not(theirs)).write().parquet(staging);
    for (String d : dates) {
      warehouse.delete(warehouse.path(Table.EVENTS) + "/app_id=" + applicationId + "/event_date=" + d);
    }
    warehouse.append(Table.EVENTS, warehouse.spark().read().schema(Table.EVENTS.schema()).parquet(staging));
    warehouse.delete(staging);
  }
}
