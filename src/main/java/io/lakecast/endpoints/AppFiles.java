package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.delta.DataFile;
import io.lakecast.delta.DeltaTransaction;
import io.lakecast.delta.RowSet;
import io.lakecast.warehouse.Table;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An application's endpoint files in one snapshot of the endpoints table ({@code files}), read
 * straight as Parquet: without Delta's scan planning (a few jobs on the table's log per read), and with each row's
 * file and position, which deletion vectors address. Rows the files' deletion vectors delete are left out.
 */
public final class AppFiles {
  private final SparkSession spark;
  private final String appId;
  private final List<String> locations = new ArrayList<>();
  private final Map<String, DataFile> byLocation = new HashMap<>();
  private final Map<String, RowSet> deleted = new HashMap<>();
  /** Each file's location by the hash its rows carry in {@code _file}; computed on first use. */
  private Map<Long, String> byHash;

  /** The application's {@code files} in the snapshot of {@code txn} (see {@link #of}). */
  public AppFiles(SparkSession spark, DeltaTransaction txn, String appId, List<DataFile> files) {
    this.spark = spark;
    this.appId = appId;
    for (DataFile f : files) {
      locations.add(f.location());
      byLocation.put(f.location(), f);
      if (f.hasDeletedRows()) {
        deleted.put(f.location(), txn.deletedRows(f));
      }
    }
  }

  /** An application's files in a transaction's snapshot: one row each, collected from the table's log. */
  public static List<DataFile> of(DeltaTransaction txn, String appId) {
    return txn.files("ApplicationId", appId);
  }

  /** The file at a location (a Hadoop path, see {@link #location}), or null. */
  DataFile file(String location) {
    return byLocation.get(location);
  }

  /**
   * The live rows in the table's columns, plus {@code _file} (the {@code xxhash64} of the row's
   * {@code _metadata.file_path}: a long per row, not a path string; see {@link #location(long)}) and {@code _row}
   * (the row's position in its file).
   */
  Dataset<Row> located() {
    Dataset<Row> rows = all();
    if (deleted.isEmpty()) {
      return rows;
    }
    Map<String, long[]> gone = new HashMap<>();
    deleted.forEach((location, positions) -> gone.put(location, positions.sorted()));
    return rows.filter(rowIn(new JavaSparkContext(spark.sparkContext()).broadcast(byFilePath(gone)), false)
        .apply(col("_file"), col("_row")));
  }

  /** The live rows in the table's columns. */
  public Dataset<Row> rows() {
    return located().drop("_file", "_row");
  }

  /**
   * The rows at the given live positions (per file location, see {@link #location(long)}), as {@link #located};
   * only the files holding some of them are read.
   */
  Dataset<Row> at(Map<String, RowSet> positions) {
    Map<String, long[]> rows = new HashMap<>();
    positions.forEach((location, set) -> rows.put(location, set.sorted()));
    List<String> holding = locations.stream().filter(rows::containsKey).toList();
    if (holding.isEmpty()) {
      return all().where(lit(false));
    }
    return all(holding).filter(rowIn(new JavaSparkContext(spark.sparkContext()).broadcast(byFilePath(rows)), true)
        .apply(col("_file"), col("_row")));
  }

  /** Every row of the files, deleted or not, as {@link #located} gives them. */
  private Dataset<Row> all() {
    return all(locations);
  }

  /** Every row of some of the files, deleted or not. */
  private Dataset<Row> all(List<String> which) {
    return spark.read().schema(dataSchema()).parquet(which.toArray(String[]::new))
        .select(lit(appId).as("ApplicationId"), col("*"), xxhash64(col("_metadata.file_path")).as("_file"),
            col("_metadata.row_index").as("_row"));
  }

  /** The location (a Hadoop path string) of the file whose rows carry {@code fileHash} in {@code _file}, or null. */
  String location(long fileHash) {
    return byHash().get(fileHash);
  }

  /**
   * Each file's location by the {@code xxhash64} of both forms of its path: the URI that Spark's
   * {@code _metadata.file_path} gives and the Hadoop path. Hashed by Spark itself (a projection of a local table, no
   * job), so that the keys are the ones the rows compute. Two files whose paths hash alike (a 64-bit collision)
   * would mix their rows: refused.
   */
  private Map<Long, String> byHash() {
    if (byHash != null) {
      return byHash;
    }
    List<String> names = new ArrayList<>();
    List<String> ofLocation = new ArrayList<>();
    for (String location : locations) {
      for (String name : new String[] {location, new Path(location).toUri().toString()}) {
        names.add(name);
        ofLocation.add(location);
      }
    }
    Map<String, Long> hashOf = new HashMap<>();
    for (Row h : spark.createDataset(names, Encoders.STRING()).select(col("value"), xxhash64(col("value")))
        .collectAsList()) {
      hashOf.put(h.getString(0), h.getLong(1));
    }
    Map<Long, String> keyed = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      long hash = hashOf.get(names.get(i));
      String known = keyed.putIfAbsent(hash, ofLocation.get(i));
      if (known != null && !known.equals(ofLocation.get(i))) {
        throw new IllegalStateException("Data files " + known + " and " + ofLocation.get(i) + " hash alike");
      }
    }
    byHash = keyed;
    return byHash;
  }

  /** The endpoints' columns as stored in the files: the partition column lives in the directory names. */
  private static StructType dataSchema() {
    return new StructType(Arrays.stream(Table.Schemas.ENDPOINTS.fields())
        .filter(f -> !Table.ENDPOINTS.partitionColumns().contains(f.name())).toArray(StructField[]::new));
  }

  /**
   * Whether a row (its {@code _file} hash and position) is among the sorted {@code rows} per file ({@code among}
   * true), or not among them (false); the files keyed by {@link #byFilePath}.
   */
  private static UserDefinedFunction rowIn(Broadcast<Map<Long, long[]>> rows, boolean among) {
    return udf((UDF2<Long, Long, Boolean>) (file, row) -> {
      long[] sorted = rows.value().get(file);
      return (sorted != null && Arrays.binarySearch(sorted, row) >= 0) == among;
    }, DataTypes.BooleanType);
  }

  /** Rows per file location, keyed by every hash a row of that file may carry in {@code _file}. */
  private Map<Long, long[]> byFilePath(Map<String, long[]> rows) {
    Map<Long, long[]> keyed = new HashMap<>();
    byHash().forEach((hash, location) -> {
      if (rows.containsKey(location)) {
        keyed.put(hash, rows.get(location));
      }
    });
    return keyed;
  }
}
