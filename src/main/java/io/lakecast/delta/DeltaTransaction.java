package io.lakecast.delta;

import static org.apache.spark.sql.functions.col;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.actions.DeletionVectorDescriptor;
import org.apache.spark.sql.delta.actions.FileAction;
import org.apache.spark.sql.delta.actions.RemoveFile;
import org.apache.spark.sql.delta.deletionvectors.RoaringBitmapArrayFormat$;
import org.apache.spark.sql.delta.deletionvectors.StoredBitmap$;
import org.apache.spark.sql.delta.storage.dv.DeletionVectorStore;
import org.apache.spark.sql.delta.storage.dv.DeletionVectorStore$;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Lakecast's one door into Delta Lake's internal APIs: a transaction on one table that lists a partition's data
 * files with their deletion vectors, writes files without committing them, and commits them as an append or as a
 * replacement of rows (new files plus deletion vectors on the old ones), as Delta's own writers and DELETE do.
 * Nothing outside this package names a Delta class that is not public API; {@code DeltaInternalsTest} pins what this
 * class relies on, so a Delta upgrade that changes it fails there.
 *
 * <p>The jobs use it where the public API costs a pass they can avoid: a first import writes its files before it
 * knows whether to commit them, and a re-import replaces the endpoints it touches by position. A transaction that
 * {@link #readWholeTable() reads the whole table} fails its commit with Delta's
 * {@code DeltaConcurrentModificationException} (public API) when another write lands first, rather than lose it.
 */
public final class DeltaTransaction {
  private final SparkSession spark;
  private final String tablePath;
  private final OptimisticTransaction txn;
  private final List<FileAction> written = new ArrayList<>();
  private DeletionVectorStore store;

  private DeltaTransaction(SparkSession spark, String tablePath, OptimisticTransaction txn) {
    this.spark = spark;
    this.tablePath = tablePath;
    this.txn = txn;
  }

  /** Opens a transaction on the table's latest snapshot. */
  public static DeltaTransaction start(SparkSession spark, String tablePath) {
    return new DeltaTransaction(spark, tablePath, DeltaLog.forTable(spark, tablePath).startTransaction());
  }

  public String tablePath() {
    return tablePath;
  }

  /** A table property in the transaction's snapshot, or null. */
  public String property(String key) {
    return txn.metadata().configuration().getOrElse(key, () -> null);
  }

  /** Makes the commit fail if any other write lands on the table after this transaction's snapshot. */
  public void readWholeTable() {
    txn.readWholeTable();
  }

  /** The data files of one partition ({@code column = value}) in the snapshot: one row each from the table's log. */
  public List<DataFile> files(String column, String value) {
    List<DataFile> out = new ArrayList<>();
    for (AddFile f : txn.snapshot().allFiles().filter(col("partitionValues").getItem(column).equalTo(value))
        .collectAsList()) {
      out.add(new DataFile(f, location(f)));
    }
    return out;
  }

  /** The rows a file's deletion vector deletes (an empty set when it has none). */
  public RowSet deletedRows(DataFile file) {
    if (file.add.deletionVector() == null) {
      return new RowSet();
    }
    if (store == null) {
      store = DeletionVectorStore$.MODULE$.createInstance(spark.sparkContext().hadoopConfiguration());
    }
    return new RowSet(StoredBitmap$.MODULE$.create(file.add.deletionVector(), new Path(tablePath)).load(store));
  }

  /**
   * Writes {@code rows} (in the table's schema, partition columns included) as new data files of the table that no
   * reader sees until a commit; returns them.
   */
  public List<DataFile> write(Dataset<Row> rows) {
    List<DataFile> out = new ArrayList<>();
    for (FileAction a : CollectionConverters.asJava(txn.writeFiles(rows))) {
      written.add(a);
      if (a instanceof AddFile add) {
        out.add(new DataFile(add, location(add)));
      }
    }
    return out;
  }

  /** Commits the written files as an append to the table, partitioned by {@code partitionColumns}. */
  public void commitAppend(List<String> partitionColumns) {
    txn.commit(CollectionConverters.asScala(new ArrayList<Action>(written)).toList(), new DeltaOperations.Write(
        SaveMode.Append, Option.apply(CollectionConverters.asScala(partitionColumns).toList()), Option.empty(),
        Option.empty(), Option.empty(), Option.empty(), Option.empty(), Option.empty(), Option.empty()));
  }

  /**
   * Commits the written files together with deletion vectors that delete {@code rows} of the snapshot's files (added
   * to the rows each already deletes), as one update: the written rows replace the deleted ones. The deletion vectors
   * are kept inline in the log (a few kilobytes per file).
   */
  public void commitReplace(Map<DataFile, RowSet> rows) {
    List<Action> actions = new ArrayList<>(written);
    for (Map.Entry<DataFile, RowSet> e : rows.entrySet()) {
      AddFile file = e.getKey().add;
      RowSet deleted = new RowSet();
      deleted.addAll(e.getValue());
      deleted.addAll(deletedRows(e.getKey()));
      DeletionVectorDescriptor dv = DeletionVectorDescriptor.inlineInLog(
          deleted.bitmap.serializeAsByteArray(RoaringBitmapArrayFormat$.MODULE$.Portable()), deleted.size());
      Tuple2<AddFile, RemoveFile> replaced = file.removeRows(dv, true, file.removeRows$default$3());
      actions.add(replaced._1());
      actions.add(replaced._2());
    }
    txn.commit(CollectionConverters.asScala(actions).toList(), new DeltaOperations.Update(Option.empty()));
  }

  /** A file's absolute location from its path in the log (relative to the table, URI-encoded). */
  private String location(AddFile f) {
    return new Path(new Path(tablePath), new Path(URI.create(f.path()))).toString();
  }
}
