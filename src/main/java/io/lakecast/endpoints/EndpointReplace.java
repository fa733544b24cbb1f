package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.DeletionVectorDescriptor;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.deletionvectors.RoaringBitmapArray;
import org.apache.spark.sql.delta.deletionvectors.RoaringBitmapArrayFormat$;
import org.apache.spark.sql.delta.deletionvectors.StoredBitmap$;
import org.apache.spark.sql.delta.storage.dv.DeletionVectorStore;
import org.apache.spark.sql.delta.storage.dv.DeletionVectorStore$;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The many-changes path of {@link EndpointUpsert} on a table with deletion vectors: only the endpoints a write
 * touches are rewritten. One pass over the application's files reads every stored row with its file and row
 * position, and keeps those the changes touch (their Id, or the ChannelType and Address or user of a changed record,
 * the two side effects' keys). Their final rows (the same {@link EndpointUpsert#applied} the full rewrite uses) are
 * written as new files, and one commit adds them and marks the old rows deleted in the files' deletion vectors.
 * A re-import that changes a tenth of the endpoints thus writes a tenth of them, where the full rewrite writes all.
 *
 * <p>Deletion vectors are not in Delta's public API: this uses its transaction ({@code OptimisticTransaction}),
 * {@code AddFile.removeRows} and its bitmap type, as Delta's own DELETE does. The deletion vectors are kept inline
 * in the commit (a few kilobytes per file). The transaction reads the whole table, so a concurrent write makes the
 * commit fail rather than lose a change.
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
   * are independent (see {@link EndpointUpsert.Known}). Returns false, having written nothing, when the table has no
   * deletion vectors or too many deleted rows already: the caller then rewrites.
   */
  static boolean replace(Warehouse warehouse, String appId, Dataset<Row> source, long changes, Dataset<Row> keepers,
      Dataset<Row> perUser, boolean independent, String staging) {
    var spark = warehouse.spark();
    String tablePath = warehouse.path(Table.ENDPOINTS);
    OptimisticTransaction txn = DeltaLog.forTable(spark, tablePath).startTransaction();
    if (!"true".equals(txn.metadata().configuration().getOrElse(Table.DELETION_VECTORS, () -> "false"))) {
      return false;
    }
    txn.readWholeTable();
    long started = System.nanoTime();
    List<AddFile> files = txn.snapshot().allFiles()
        .filter(col("partitionValues").getItem("ApplicationId").equalTo(appId)).collectAsList();
    long physical = 0;
    long deleted = 0;
    for (AddFile f : files) {
      physical += f.numPhysicalRecords().isDefined() ? (Long) f.numPhysicalRecords().get() : 0;
      deleted += f.deletionVector() == null ? 0 : f.deletionVector().cardinality();
    }
    if (files.isEmpty() || deleted + changes > MAX_DELETED_SHARE * physical) {
      LOG.info("Upsert into {}: {} deleted row(s) and {} change(s) among {} stored row(s): rewriting instead", appId,
          deleted, changes, physical);
      return false;
    }
    DeletionVectorStore store = DeletionVectorStore$.MODULE$.createInstance(spark.sparkContext().hadoopConfiguration());
    Map<String, AddFile> byKey = new HashMap<>();
    List<String> locations = new ArrayList<>();
    Map<String, RoaringBitmapArray> before = new HashMap<>();
    Map<String, long[]> deletedRows = new HashMap<>();
    for (AddFile f : files) {
      Path location = new Path(new Path(tablePath), new Path(URI.create(f.path())));
      String key = location.toString();
      locations.add(key);
      byKey.put(key, f);
      if (f.deletionVector() != null) {
        RoaringBitmapArray bitmap = StoredBitmap$.MODULE$.create(f.deletionVector(), new Path(tablePath)).load(store);
        before.put(key, bitmap);
        long[] rows = bitmap.values();
        Arrays.sort(rows);
        deletedRows.put(key, rows);
      }
    }

    // The touched rows, with where they are: one pass over the application's files, the changes' keys broadcast.
    Dataset<Row> located = spark.read().schema(dataSchema()).parquet(locations.toArray(String[]::new))
        .select(lit(appId).as("ApplicationId"), col("*"), col("_metadata.file_path").as("_file"),
            col("_metadata.row_index").as("_row"));
    // Keys as 64-bit hashes: small broadcasts, cheap lookups. A collision only touches an endpoint needlessly,
    // except one of two different UserAttributes (as unlikely as one of two RecordHashes).
    Dataset<Row> ids = source.select(xxhash64(col("Id")).as("_i"));
    Dataset<Row> addressKeys = keepers.select(xxhash64(col("_channel"), col("_address")).as("_ak"),
        xxhash64(col("_keeper")).as("_kh"));
    // Independent records carry one set of UserAttributes per user: the changes give each user's without ranking
    // them. The record it came from then is not known; it only matters for a row the Id touches anyway.
    Dataset<Row> userKeys = independent
        ? source.filter(col("User.UserId").isNotNull().and(col("User.UserAttributes").isNotNull()))
            .groupBy(xxhash64(col("User.UserId")).as("_uk"))
            .agg(min(EndpointMerge.entriesHash(col("User.UserAttributes"))).as("_ah"))
            .withColumn("_fh", lit(null).cast("long"))
        : perUser.select(xxhash64(col("_user")).as("_uk"), EndpointMerge.entriesHash(col("_attributes")).as("_ah"),
            xxhash64(col("_from")).as("_fh"));
    Column id = xxhash64(col("Id"));
    // As EndpointMerge.deactivates and .syncs, on the hashes. A user's endpoint whose UserAttributes already are
    // the incoming ones, entry for entry, is left alone (merging them in changes nothing); the same entries in
    // another order only touch it needlessly.
    Column byAddress = col("_ak").isNotNull().and(id.notEqual(col("_kh")))
        .and(col("EndpointStatus").notEqual(lit("INACTIVE")));
    Column byUser = col("_uk").isNotNull().and(col("_fh").isNull().or(id.notEqual(col("_fh"))))
        .and(EndpointMerge.entriesHash(col("User.UserAttributes")).notEqual(col("_ah")));
    Broadcast<Map<String, long[]>> gone = new JavaSparkContext(spark.sparkContext()).broadcast(deletedRows);
    Dataset<Row> touched = located
        .join(broadcast(ids), id.equalTo(col("_i")), "left")
        .join(broadcast(addressKeys), xxhash64(col("ChannelType"), col("Address")).equalTo(col("_ak")), "left")
        .join(broadcast(userKeys), xxhash64(col("User.UserId")).equalTo(col("_uk")), "left")
        .withColumn("_sideEffect", coalesce(byAddress, lit(false)).or(coalesce(byUser, lit(false))))
        .filter(col("_i").isNotNull().or(col("_sideEffect")))
        .filter(live(gone).apply(col("_file"), col("_row")))
        .withColumn("_byId", col("_i").isNotNull())
        .drop("_i", "_ak", "_kh", "_uk", "_ah", "_fh");
    touched.write().parquet(staging);
    Dataset<Row> stored = spark.read().parquet(staging);
    List<Row> positions = stored.select(col("_file"), col("_row"), col("_sideEffect"), col("_byId")).collectAsList();
    boolean sideEffects = !independent || positions.stream().anyMatch(p -> p.getBoolean(2));
    // Each change's Id matches at most one stored endpoint: when all of them do, no endpoint is new.
    boolean inserts = positions.stream().filter(p -> p.getBoolean(3)).count() < changes;
    gone.destroy();
    long found = System.nanoTime();

    // Their final rows, and the new endpoints, as new files of the transaction.
    // Independent records (see EndpointUpsert.Known) with no other endpoint to deactivate or sync: the side
    // effects have nothing to do, and their joins are left out.
    Dataset<Row> rows = EndpointUpsert.applied(stored.drop("_file", "_row", "_sideEffect", "_byId"), source,
        sideEffects ? keepers : keepers.limit(0), sideEffects ? perUser : perUser.limit(0), true, inserts);
    List<Action> actions = new ArrayList<>(CollectionConverters.asJava(txn.writeFiles(rows)));
    long wrote = System.nanoTime();

    // The old rows marked deleted: each touched file's deletion vector, with the rows it already had.
    Map<String, RoaringBitmapArray> marked = new HashMap<>();
    for (Row p : positions) {
      marked.computeIfAbsent(location(p.getString(0)), k -> new RoaringBitmapArray()).add(p.getLong(1));
    }
    for (Map.Entry<String, RoaringBitmapArray> e : marked.entrySet()) {
      AddFile file = byKey.get(e.getKey());
      if (file == null) {
        throw new IllegalStateException("A touched row's file " + e.getKey() + " is not among the application's "
            + byKey.size() + " files in the transaction's snapshot");
      }
      RoaringBitmapArray bitmap = e.getValue();
      if (before.containsKey(e.getKey())) {
        bitmap.merge(before.get(e.getKey()));
      }
      DeletionVectorDescriptor dv = DeletionVectorDescriptor.inlineInLog(
          bitmap.serializeAsByteArray(RoaringBitmapArrayFormat$.MODULE$.Portable()), bitmap.cardinality());
      Tuple2<AddFile, RemoveFile> replaced = file.removeRows(dv, true, file.removeRows$default$3());
      actions.add(replaced._1());
      actions.add(replaced._2());
    }
    txn.commit(CollectionConverters.asScala(actions).toList(), new DeltaOperations.Update(Option.empty()));
    LOG.info("Upsert into {}: {} stored endpoint(s) touched in {} of {} file(s), replaced in {} ms (found in {} ms, "
        + "rows written in {} ms)", appId, positions.size(), marked.size(), files.size(),
        (System.nanoTime() - started) / 1_000_000, (found - started) / 1_000_000, (wrote - found) / 1_000_000);
    return true;
  }

  /** The endpoints' columns as stored in the files: the partition column lives in the directory names. */
  private static StructType dataSchema() {
    return new StructType(Arrays.stream(Table.Schemas.ENDPOINTS.fields())
        .filter(f -> !Table.ENDPOINTS.partitionColumns().contains(f.name())).toArray(StructField[]::new));
  }

  /** A data file's location as a Hadoop path string, from Spark's {@code _metadata.file_path} (a URI). */
  static String location(String filePath) {
    return new Path(URI.create(filePath)).toString();
  }

  /** Whether a row (file, position) is not already deleted by its file's deletion vector. */
  private static UserDefinedFunction live(Broadcast<Map<String, long[]>> deleted) {
    return udf((UDF2<String, Long, Boolean>) (file, row) -> {
      long[] rows = deleted.value().get(location(file));
      return rows == null || Arrays.binarySearch(rows, row) < 0;
    }, DataTypes.BooleanType);
  }
}
