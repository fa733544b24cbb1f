package io.lakecast.delta;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.delta.tables.DeltaTable;
import io.lakecast.conf.LakecastConf;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the Delta internals that {@link DeltaTransaction} relies on (the only place Lakecast uses them): listing a
 * partition's files with statistics and deletion vectors, writing files without committing them, committing them as
 * an append or as a replacement with inline deletion vectors, and a conflicting commit refused. A Delta upgrade that changes any of these fails here.
 */
class DeltaInternalsTest {
  static final StructType SCHEMA = new StructType().add("App", "string").add("Id", "string").add("Plan", "string");
  @TempDir Path root;
  final SparkSession spark = SparkTestSession.get();
  String table;

  @BeforeEach
  void table() {
    table = LakecastConf.qualify(root.resolve("t").toString());
    DeltaTable.createIfNotExists(spark).location(table).addColumns(SCHEMA).partitionedBy("App")
        .property("delta.enableDeletionVectors", "true").execute();
    append(rows("a", "a1", "Free", "a", "a2", "Free", "a", "a3", "Free"));
    append(rows("b", "b1", "Free"));
  }

  Dataset<Row> rows(String... values) {
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < values.length; i += 3) {
      out.add(RowFactory.create(values[i], values[i + 1], values[i + 2]));
    }
    return spark.createDataFrame(out, SCHEMA).coalesce(1);
  }

  void append(Dataset<Row> rows) {
    rows.write().format("delta").mode("append").save(table);
  }

  /** The table's rows as "App Id Plan", sorted. */
  List<String> content() {
    return spark.read().format("delta").load(table).orderBy("App", "Id").collectAsList().stream()
        .map(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2)).toList();
  }

  @Test
  void listsAPartitionsFilesWithTheirRowCounts() {
    DeltaTransaction txn = DeltaTransaction.start(spark, table);
    List<DataFile> files = txn.files("App", "a");
    assertThat(files).hasSize(1);
    assertThat(files.get(0).location()).startsWith(table + "/App=a/part-").endsWith(".parquet");
    assertThat(files.get(0).liveRows()).isEqualTo(3);
    assertThat(files.get(0).physicalRows()).isEqualTo(3);
    assertThat(files.get(0).hasDeletedRows()).isFalse();
    assertThat(DataFile.liveRows(files)).isEqualTo(3);
    assertThat(txn.files("App", "none")).isEmpty();
    assertThat(txn.property("delta.enableDeletionVectors")).isEqualTo("true");
    assertThat(txn.property("no.such.property")).isNull();
  }

  @Test
  void writtenFilesStayUnseenUntilTheAppendCommits() {
    DeltaTransaction txn = DeltaTransaction.start(spark, table);
    txn.readWholeTable();
    List<DataFile> written = txn.write(rows("c", "c1", "Pro", "c", "c2", "Pro"));
    assertThat(DataFile.liveRows(written)).isEqualTo(2);
    assertThat(written.get(0).location()).startsWith(table + "/App=c/");
    assertThat(content()).as("before the commit").hasSize(4);
    txn.commitAppend(List.of("App"));
    assertThat(content()).containsExactly("a a1 Free", "a a2 Free", "a a3 Free", "b b1 Free", "c c1 Pro", "c c2 Pro");
  }

  @Test
  void aReplacementDeletesRowsByPositionAndAddsTheirNewVersions() {
    DeltaTransaction txn = DeltaTransaction.start(spark, table);
    txn.readWholeTable();
    DataFile file = txn.files("App", "a").get(0);
    // The position of a2 in its file, as Spark reads it.
    long a2 = spark.read().format("parquet").load(file.location()).filter(col("Id").equalTo("a2"))
        .select(col("_metadata.row_index")).first().getLong(0);
    RowSet replaced = new RowSet();
    replaced.add(a2);
    txn.write(rows("a", "a2", "Pro"));
    txn.commitReplace(Map.of(file, replaced));
    assertThat(content()).containsExactly("a a1 Free", "a a2 Pro", "a a3 Free", "b b1 Free");

    DeltaTransaction next = DeltaTransaction.start(spark, table);
    DataFile old = next.files("App", "a").stream().filter(f -> f.location().equals(file.location())).findFirst()
        .orElseThrow();
    assertThat(old.hasDeletedRows()).isTrue();
    assertThat(old.deletedRows()).isEqualTo(1);
    assertThat(old.liveRows()).isEqualTo(2);
    assertThat(next.deletedRows(old).sorted()).containsExactly(a2);

    // A second replacement in the same file keeps the rows its deletion vector already deleted.
    long a3 = spark.read().format("parquet").load(file.location()).filter(col("Id").equalTo("a3"))
        .select(col("_metadata.row_index")).first().getLong(0);
    RowSet again = new RowSet();
    again.add(a3);
    next.write(rows("a", "a3", "Team"));
    next.commitReplace(Map.of(old, again));
    assertThat(content()).containsExactly("a a1 Free", "a a2 Pro", "a a3 Team", "b b1 Free");
  }

  @Test
  void aTransactionThatReadTheWholeTableRefusesToCommitOverAnotherWrite() {
    DeltaTransaction txn = DeltaTransaction.start(spark, table);
    txn.readWholeTable();
    txn.write(rows("c", "c1", "Pro"));
    append(rows("b", "b2", "Free"));
    assertThatThrownBy(() -> txn.commitAppend(List.of("App")))
        .isInstanceOf(io.delta.exceptions.DeltaConcurrentModificationException.class);
    assertThat(content()).containsExactly("a a1 Free", "a a2 Free", "a a3 Free", "b b1 Free", "b b2 Free");
  }

}
