package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakecast.delta.DataFile;
import io.lakecast.delta.DeltaTransaction;
import io.lakecast.delta.RowSet;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The many-changes path of {@link EndpointUpsert} on a table with deletion vectors: only the endpoints a write
 * touches are rewritten. A first pass over the key columns of the application's files ({@link AppFiles}) finds the
 * rows the changes touch (their Id, or the ChannelType and Address or user of a changed record, the two side
 * effects' keys, looked up as {@link ChangeKeys}) with their file and row position. A second pass reads the rows at
 * those positions whole (from the files that hold them); their final rows (the same {@link EndpointUpsert#applied}
 * the full rewrite uses) are written as new files, and one commit adds them and marks the old rows deleted in the
 * files' deletion vectors, once the written rows are checked to number the touched plus the new ones.
 * A re-import that changes a tenth of the endpoints thus writes a tenth of them, where the full rewrite writes all.
 *
 * <p>Deletion vectors are not in Delta's public API: this goes through {@link DeltaTransaction}, as Delta's own
 * DELETE does. The transaction reads the whole table, so a concurrent write makes the commit fail rather than lose a
 * change.
 *
 * <p>Deleted rows stay in their files until {@code purge}, which rewrites such files before VACUUM, and they cost
 * reads meanwhile: when more than {@link #MAX_DELETED_SHARE} of an application's rows would be deleted ones, the
 * upsert rewrites the application's files instead, which drops them.
 */
final class EndpointReplace {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointReplace.class);
  /** Above this share of deleted rows among an application's stored rows, the full rewrite compacts them. */
  static final double MAX_DELETED_SHARE = 0.5;

  private EndpointReplace() {}

  /**
   * Replaces the endpoints that {@code source} (the changed records as endpoint rows), {@code keepers} and
   * {@code perUser} (the side effects, see {@link EndpointUpsert}) touch; {@code independent}: whether the records
   * are independent (see {@link EndpointUpsert.Known}); {@code small}: the changes are few enough to broadcast in
   * the joins that apply them (see {@link EndpointUpsert#applied}). Returns false, having written nothing, when the
   * table has no deletion vectors or too many deleted rows already: the caller then rewrites.
   */
  static boolean replace(Warehouse warehouse, String appId, Dataset<Row> source, long changes, Dataset<Row> keepers,
      Dataset<Row> perUser, boolean independent, boolean small) {
    var spark = warehouse.spark();
    String tablePath = warehouse.path(Table.ENDPOINTS);
    DeltaTransaction txn = DeltaTransaction.start(spark, tablePath);
    if (!"true".equals(txn.property(Table.DELETION_VECTORS))) {
      return false;
    }
    txn.readWholeTable();
    long started = System.nanoTime();
    List<DataFile> files = AppFiles.of(txn, appId);
    long physical = 0;
    long deleted = 0;
    for (DataFile f : files) {
      physical += f.physicalRows();
      deleted += f.deletedRows();
    }
    if (files.isEmpty() || deleted + changes > MAX_DELETED_SHARE * physical) {
      LOG.info("Upsert into {}: {} deleted row(s) and {} change(s) among {} stored row(s): rewriting instead", appId,
          deleted, changes, physical);
      return false;
    }
    AppFiles stored = new AppFiles(spark, txn, appId, files);

    // Where the touched rows are: one pass over the key columns of the application's live rows, looking up the
    // changes' keys (collected and broadcast as hashes). The tasks group the touched rows' positions by file, so
    // that the driver receives one row per touched file (its positions as one array), not one per touched row.
    ChangeKeys keys =
        independent ? ChangeKeys.ofIndependent(source, changes) : ChangeKeys.of(source, keepers, perUser);
    Dataset<Row> located = stored.located()
        .select(col("Id"), col("ChannelType"), col("Address"), col("EndpointStatus"), col("User"), col("_file"),
            col("_row"));
    List<Row> touchedFiles = ChangeKeys.touches(spark, located, keys)
        .filter(col("_byId").or(col("_sideEffect")))
        .groupBy(col("_file"))
        .agg(collect_list(col("_row")), max(col("_sideEffect")), sum(when(col("_byId"), 1).otherwise(0)))
        .collectAsList();
    boolean sideEffects = !independent;
    long positions = 0;
    // Each change's Id matches at most one stored endpoint: when all of them do, no endpoint is new.
    long byId = 0;
    Map<String, RowSet> marked = new HashMap<>();
    for (Row f : touchedFiles) {
      String location = stored.location(f.getLong(0));
      if (location == null) {
        throw new IllegalStateException("A touched row's file (path hash " + f.getLong(0) + ") is not among the "
            + "application's " + files.size() + " files in the transaction's snapshot");
      }
      RowSet set = marked.computeIfAbsent(location, k -> new RowSet());
      List<Long> at = f.getList(1);
      at.forEach(set::add);
      positions += at.size();
      sideEffects |= f.getBoolean(2);
      byId += f.getLong(3);
    }
    boolean inserts = byId < changes;
    long found = System.nanoTime();

    // Their final rows, and the new endpoints, as new files of the transaction: a second pass reads the touched
    // rows whole, by position. Independent records (see EndpointUpsert.Known) with no other endpoint to deactivate
    // or sync: the side effects have nothing to do, and their joins are left out.
    // Read before the deletion vectors below add the touched rows to the files' deleted ones.
    Dataset<Row> touched = stored.at(marked).drop("_file", "_row");
    Dataset<Row> rows = EndpointUpsert.applied(touched, source, sideEffects ? keepers : null,
        sideEffects ? perUser : null, small, inserts);
    List<DataFile> newFiles = txn.write(rows);
    // Every touched row read back whole, and every new endpoint, or nothing is committed: a row marked deleted
    // must have its new version among the written ones (checked on the files' statistics, when they count rows).
    long expected = positions + changes - byId;
    long written = DataFile.liveRows(newFiles);
    if (written >= 0 && written != expected) {
      throw new IllegalStateException("Upsert into " + appId + ": wrote " + written + " endpoint row(s) where "
          + positions + " touched and " + (changes - byId) + " new ones were expected; nothing was committed");
    }
    long wrote = System.nanoTime();

    // The old rows marked deleted: each touched file's deletion vector, with the rows it already had.
    Map<DataFile, RowSet> deletions = new HashMap<>();
    for (Map.Entry<String, RowSet> e : marked.entrySet()) {
      DataFile file = stored.file(e.getKey());
      if (file == null) {
        throw new IllegalStateException("A touched row's file " + e.getKey() + " is not among the application's "
            + files.size() + " files in the transaction's snapshot");
      }
      deletions.put(file, e.getValue());
    }
    txn.commitReplace(deletions);
    LOG.info("Upsert into {}: {} stored endpoint(s) touched in {} of {} file(s), replaced in {} ms (found in {} ms, "
        + "rows written in {} ms)", appId, positions, marked.size(), files.size(),
        (System.nanoTime() - started) / 1_000_000, (found - started) / 1_000_000, (wrote - found) / 1_000_000);
    return true;
  }
}
