package io.lakecast.warehouse;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lakecast.LakecastErrors;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Exclusive leases on named pieces of work, one row per lease in the {@code leases} table. Work whose output has no
 * key a writer could check atomically (appends to the Parquet event store) takes a lease first, so two jobs on the
 * same piece of work run it one after the other instead of both at once.
 *
 * <p>Taking a lease is one Delta MERGE that reads the lease's row: of two jobs taking it at once, one commits and the
 * other's commit conflicts (Delta's concurrent-modification error, reported as ConflictException). A lease held by
 * another job is refused with ConflictException, unless it was taken more than the timeout ago (its holder died), in
 * which case it passes to the new holder. Releasing clears the holder and keeps the row (one per piece of work), so
 * that a taker learns whether the work was ever started before: the first holder of a lease knows no earlier job
 * wrote any of its output.
 */
public final class Leases {
  private final Warehouse warehouse;

  public Leases(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /**
   * Takes the lease {@code key} for {@code holder} (a fresh id per attempt), or throws ConflictException naming what
   * holds it. {@code what} describes the work in that message. Returns whether this is the lease's first take ever:
   * then no job has held it before, and nothing done under it exists yet.
   */
  public boolean take(String key, String holder, String what, long timeoutSeconds) {
    Instant now = Instant.now();
    Dataset<Row> wanted = warehouse.spark().createDataFrame(
        List.of(RowFactory.create(key, holder, Timestamp.from(now), 1)), Table.LEASES.schema());
    Column lapsed = col("l.TakenAt").lt(lit(Timestamp.from(now.minusSeconds(timeoutSeconds))));
    Column free = col("l.Holder").isNull().or(lapsed);
    warehouse.delta(Table.LEASES).as("l")
        .merge(wanted.as("w"), col("l.Key").equalTo(col("w.Key")))
        .whenMatched(free)
        // A row from before Takes was kept counts as taken once.
        .update(Map.of("Holder", col("w.Holder"), "TakenAt", col("w.TakenAt"),
            "Takes", coalesce(col("l.Takes"), lit(1)).plus(1)))
        .whenNotMatched().insertAll()
        .execute();
    Row held = warehouse.read(Table.LEASES).filter(col("Key").equalTo(key)).first();
    if (!holder.equals(held.getString(1))) {
      throw LakecastErrors.leaseHeld(what, String.valueOf(held.getTimestamp(2).toInstant()), timeoutSeconds);
    }
    return !held.isNullAt(3) && held.getInt(3) == 1;
  }

  /** Releases the lease if {@code holder} still holds it. */
  public void release(String key, String holder) {
    warehouse.delta(Table.LEASES).update(col("Key").equalTo(key).and(col("Holder").equalTo(holder)),
        Map.of("Holder", lit(null).cast("string")));
  }
}
