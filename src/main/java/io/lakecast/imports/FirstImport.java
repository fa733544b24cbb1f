package io.lakecast.imports;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.conf.FaultPoints;
import io.lakecast.endpoints.EndpointUpsert;
import io.lakecast.endpoints.EndpointMerge;
import io.lakecast.delta.DataFile;
import io.lakecast.delta.DeltaTransaction;
import io.lakecast.endpoints.AppFiles;
import io.lakecast.model.PinpointEnums.AttributeKind;
import io.lakecast.model.Ids;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An application's first import in one pass: the import's records are parsed straight into the endpoints table's
 * files (rejects written aside by the tasks), and those files are committed only when no rule across records has
 * anything to do: no Id twice, no ChannelType and Address twice, no user over the endpoint limit and no user whose
 * records carry different UserAttributes. The tasks gather each record's {@link RecordKeys} as they parse, so the
 * check costs a hash-table pass on the driver (or, past what the driver's heap holds, one Spark aggregation over the
 * written files). That is the usual first import, and it then costs one read of the input and one write. Otherwise
 * the files are dropped uncommitted (no reader ever sees them) and the import takes the general path, which applies
 * those rules.
 *
 * <p>Writing files before committing them is not in Delta's public API: this goes through {@link DeltaTransaction},
 * as Delta's own writers do. The transaction reads the whole table, so a concurrent write makes the commit fail
 * rather than append to endpoints it did not see.
 */
final class FirstImport {
  private static final Logger LOG = LoggerFactory.getLogger(FirstImport.class);

  private FirstImport() {}

  /** What the attempt did: committed (with how many endpoints), or left nothing behind. */
  record Outcome(boolean committed, long imported, String reason) {}

  /**
   * An attempt's transaction on the endpoints table, opened before the import reads anything: {@code busy} says why
   * the attempt cannot go ahead (the application has endpoints), or is null; {@code files}: the application's files
   * in the transaction's snapshot.
   */
  record Start(Warehouse warehouse, String appId, DeltaTransaction txn, String busy, List<DataFile> files) {
    /** How many endpoints the application has, from its files' statistics; -1 when a file has none. */
    long storedRows() {
      return DataFile.liveRows(files);
    }
  }

  /**
   * Opens the attempt's transaction and checks that {@code appId} holds no endpoints in its snapshot. An import opens
   * it while it reads the application, so the two reads overlap.
   */
  static Start start(Warehouse warehouse, String appId) {
    var spark = warehouse.spark();
    warehouse.ensure(Table.ENDPOINTS);
    DeltaTransaction txn = DeltaTransaction.start(spark, warehouse.path(Table.ENDPOINTS));
    // The app's files in the transaction's snapshot (one row each): a re-import reads them straight, and counts its
    // endpoints from their statistics.
    List<DataFile> files = AppFiles.of(txn, appId);
    if (!files.isEmpty()) {
      return new Start(warehouse, appId, txn, "the application already has endpoints", files);
    }
    txn.readWholeTable();
    return new Start(warehouse, appId, txn, null, files);
  }

  /**
   * Tries the one-pass import of {@code plan} (whose {@code rejectsDir} must be set) in an attempt {@link #start}ed
   * earlier ({@code removed}: the application's removed attributes, see {@link AppCatalog#removedAttributes});
   * returns without committing anything when the app has endpoints or a cross-record rule applies.
   * {@code beforeCommit} runs just before the commit (tests race a concurrent write there).
   */
  static Outcome tryRun(Start start, Map<AttributeKind, List<String>> removed, ImportRecords.Plan plan,
      int maxEndpointsPerUser, Runnable beforeCommit) {
    if (start.busy() != null) {
      return new Outcome(false, 0, start.busy());
    }
    Warehouse warehouse = start.warehouse();
    String appId = start.appId();
    DeltaTransaction txn = start.txn();
    var spark = warehouse.spark();
    RecordKeys keys = RecordKeys.registered(spark, plan.pieces().size());
    long started = System.nanoTime();
    List<DataFile> written = ImportRecords.gathering(keys, token -> {
      // The application has no endpoints: every record creates one.
      Dataset<Row> records = ImportRecords.read(spark, plan.forEmptyApplication().withKeys(token));
      Dataset<Row> rows = EndpointMerge.inserted(EndpointUpsert.source(records, removed, appId, Ids.now()));
      return txn.write(rows);
    });
    FaultPoints.reach("import.after-staging");
    long wrote = System.nanoTime();
    List<String> paths = written.stream().map(DataFile::location).toList();
    long imported = DataFile.liveRows(written);
    boolean counted = imported >= 0;
    if (!counted && !paths.isEmpty()) {
      // Statistics collection is off: Parquet footers still hold the row counts.
      imported = spark.read().parquet(paths.toArray(String[]::new)).count();
    }
    String conflict = paths.isEmpty() ? null
        : !keys.overflowed() ? keys.conflict(maxEndpointsPerUser)
        : EndpointUpsert.conflict(spark.read().parquet(paths.toArray(String[]::new)), maxEndpointsPerUser);
    LOG.info("Import into {}: {} endpoint(s) written uncommitted in {} ms, checked the rules across {} records in {} ms",
        appId, imported, (wrote - started) / 1_000_000, keys.overflowed() ? "(Spark)" : keys.count(),
        (System.nanoTime() - wrote) / 1_000_000);
    if (conflict == null) {
      beforeCommit.run();
      FaultPoints.reach("import.before-commit");
      try {
        txn.commitAppend(Table.ENDPOINTS.partitionColumns());
      } catch (io.delta.exceptions.DeltaConcurrentModificationException e) {
        conflict = "another write changed the endpoints table meanwhile (" + e.getClass().getSimpleName() + ")";
      }
    }
    if (conflict == null) {
      FaultPoints.reach("import.after-commit");
    }
    if (conflict != null) {
      LOG.info("Import into {}: {}; the records go through the general path", appId, conflict);
      for (String p : paths) {
        warehouse.delete(p);
      }
      return new Outcome(false, 0, conflict);
    }
    return new Outcome(true, imported, null);
  }

}
