package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.model.EndpointShapes.EndpointResponse;
import io.lakecast.warehouse.EndpointForgetter;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletion that really deletes: removes endpoints from {@code endpoints} and asks every other owner of their data to
 * forget them ({@link EndpointForgetter}): {@code segment_members}, the ledger's Address (the row stays, so nothing
 * is re-sent), {@code import_rejects} records and job failure messages that quote the address, the
 * {@code _campaign.send} events that carry the endpoint JSON, and outbox lines. The bytes are gone from storage
 * after {@code purge} (Delta VACUUM) has removed the files these rewrites replaced.
 */
public final class EndpointDeletion {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointDeletion.class);

  private final Warehouse warehouse;
  private final List<EndpointForgetter> owners;

  /**
   * @param owners every other owner of endpoint data (segment members, the send ledger, import rejects and job
   *     messages, the event store, the outbox); the CLI wires them
   */
  public EndpointDeletion(Warehouse warehouse, List<EndpointForgetter> owners) {
    this.warehouse = warehouse;
    this.owners = List.copyOf(owners);
  }

  /** Deletes the endpoints (already read, so the caller can print them), then asks every other owner to forget them. */
  public void delete(String applicationId, List<EndpointResponse> endpoints) {
    if (endpoints.isEmpty()) {
      return;
    }
    List<String> ids = endpoints.stream().map(EndpointResponse::id).toList();
    List<String> addresses =
        endpoints.stream().map(EndpointResponse::address).filter(a -> a != null && !a.isBlank()).toList();
    // The other owners first: if the process dies part-way, the endpoints are still there, so the same command
    // finds them again and every owner forgets them again (each is idempotent).
    for (EndpointForgetter owner : owners) {
      owner.forget(applicationId, ids, addresses);
    }
    warehouse.delta(Table.ENDPOINTS)
        .delete(col("ApplicationId").equalTo(applicationId).and(col("Id").isin(ids.toArray())));
    LOG.info("Deleted {} endpoint(s) of application {} from every table", ids.size(), applicationId);
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
