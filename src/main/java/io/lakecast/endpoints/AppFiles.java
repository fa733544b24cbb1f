package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.warehouse.Table;
import java.net.URI;
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
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.AddFile;
import org.apache.spark.sql.delta.deletionvectors.RoaringBitmapArray;
import org.apache.spark.sql.delta.deletionvectors.StoredBitmap$;
import org.apache.spark.sql.delta.storage.dv.DeletionVectorStore;
import org.apache.spark.sql.delta.storage.dv.DeletionVectorStore$;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * An application's endpoint files in one snapshot of the endpoints table ({@code files}, its {@code AddFile}s), read
 * straight as Parquet: without Delta's scan planning (a few jobs on the table's log per read), and with each row's
 * file and position, which deletion vectors address. Rows the files' deletion vectors delete are left out.
 */
final class AppFiles {
  private final SparkSession spark;
  private final String appId;
  private final List<String> locations = new ArrayList<>();
  private final Map<String, AddFile> byLocation = new HashMap<>();
  private final Map<String, RoaringBitmapArray> deleted = new HashMap<>();

  AppFiles(SparkSession spark, String tablePath, String appId, List<AddFile> files) {
    this.spark = spark;
    this.appId = appId;
    DeletionVectorStore store = DeletionVectorStore$.MODULE$.createInstance(spark.sparkContext().hadoopConfiguration());
    for (AddFile f : files) {
      String location = new Path(new Path(tablePath), new Path(URI.create(f.path()))).toString();
      locations.add(location);
      byLocation.put(location, f);
      if (f.deletionVector() != null) {
        deleted.put(location, StoredBitmap$.MODULE$.create(f.deletionVector(), new Path(tablePath)).load(store));
      }
    }
  }

  /** An application's files in a transaction's snapshot: one row each, collected from the table's log. */
  static List<AddFile> of(OptimisticTransaction txn, String appId) {
    return txn.snapshot().allFiles().filter(col("partitionValues").getItem("ApplicationId").equalTo(appId))
        .collectAsList();
  }

  /** How many live rows {@code files} hold, from their statistics; -1 when a file has none. */
  static long liveRows(List<AddFile> files) {
    long rows = 0;
    for (AddFile f : files) {
      if (f.numLogicalRecords().isEmpty()) {
        return -1;
      }
      rows += (Long) f.numLogicalRecords().get();
    }
    return rows;
  }

  /** The file at a location (a Hadoop path, see {@link #location}), or null. */
  AddFile file(String location) {
    return byLocation.get(location);
  }

  /** The rows a file's deletion vector already deletes, or null. */
  RoaringBitmapArray deleted(String location) {
    return deleted.get(location);
  }

  /**
   * The live rows in the table's columns, plus {@code _file} ({@code _metadata.file_path}, see {@link #location}) and
   * {@code _row} (the row's position in its file).
   */
  Dataset<Row> located() {
    Dataset<Row> rows = all();
    if (deleted.isEmpty()) {
      return rows;
    }
    Map<String, long[]> gone = new HashMap<>();
    deleted.forEach((location, bitmap) -> gone.put(location, sorted(bitmap)));
    return rows.filter(rowIn(new JavaSparkContext(spark.sparkContext()).broadcast(byFilePath(gone)), false)
        .apply(xxhash64(col("_file")), col("_row")));
  }

  /** The live rows in the table's columns. */
  Dataset<Row> rows() {
    return located().drop("_file", "_row");
  }

  /** The rows at the given live positions (per file location, see {@link #location}), as {@link #located}. */
  Dataset<Row> at(Map<String, RoaringBitmapArray> positions) {
    Map<String, long[]> rows = new HashMap<>();
    positions.forEach((location, bitmap) -> rows.put(location, sorted(bitmap)));
    return all().filter(rowIn(new JavaSparkContext(spark.sparkContext()).broadcast(byFilePath(rows)), true)
        .apply(xxhash64(col("_file")), col("_row")));
  }

  /** Every row of the files, deleted or not, as {@link #located} gives them. */
  private Dataset<Row> all() {
    return spark.read().schema(dataSchema()).parquet(locations.toArray(String[]::new))
        .select(lit(appId).as("ApplicationId"), col("*"), col("_metadata.file_path").as("_file"),
            col("_metadata.row_index").as("_row"));
  }

  /** A data file's location as a Hadoop path string, from Spark's {@code _metadata.file_path} (a URI). */
  static String location(String filePath) {
    return new Path(URI.create(filePath)).toString();
  }

  private static long[] sorted(RoaringBitmapArray bitmap) {
    long[] rows = bitmap.values();
    Arrays.sort(rows);
    return rows;
  }

  /** The endpoints' columns as stored in the files: the partition column lives in the directory names. */
  private static StructType dataSchema() {
    return new StructType(Arrays.stream(Table.Schemas.ENDPOINTS.fields())
        .filter(f -> !Table.ENDPOINTS.partitionColumns().contains(f.name())).toArray(StructField[]::new));
  }

  /**
   * Whether a row (its file's {@code xxhash64} of {@code _metadata.file_path}, its position) is among the sorted
   * {@code rows} per file ({@code among} true), or not among them (false). The files are keyed as
   * {@link #byFilePath} gives them: a lookup per row by a long, not by a path string made for each row.
   */
  private static UserDefinedFunction rowIn(Broadcast<Map<Long, long[]>> rows, boolean among) {
    return udf((UDF2<Long, Long, Boolean>) (file, row) -> {
      long[] sorted = rows.value().get(file);
      return (sorted != null && Arrays.binarySearch(sorted, row) >= 0) == among;
    }, DataTypes.BooleanType);
  }

  /**
   * Rows per file keyed by the {@code xxhash64} of the file's {@code _metadata.file_path} (a URI, as Spark names
   * files) and of its Hadoop path, hashed by Spark itself so that the keys are the ones its rows compute. Two
   * files whose paths hash alike (a 64-bit collision) would mix their rows: refused.
   */
  private Map<Long, long[]> byFilePath(Map<String, long[]> rows) {
    List<String> names = new ArrayList<>();
    List<String> ofLocation = new ArrayList<>();
    rows.keySet().forEach(location -> {
      for (String name : new String[] {location, new Path(location).toUri().toString()}) {
        names.add(name);
        ofLocation.add(location);
      }
    });
    Map<String, Long> hashOf = new HashMap<>();
    for (Row h : spark.createDataset(names, Encoders.STRING()).select(col("value"), xxhash64(col("value")))
        .collectAsList()) {
      hashOf.put(h.getString(0), h.getLong(1));
    }
    Map<Long, long[]> keyed = new HashMap<>();
    Map<Long, String> owner = new HashMap<>();
    for (int i = 0; i < names.size(); i++) {
      long hash = hashOf.get(names.get(i));
      String known = owner.putIfAbsent(hash, ofLocation.get(i));
      if (known != null && !known.equals(ofLocation.get(i))) {
        throw new IllegalStateException("Data files " + known + " and " + ofLocation.get(i) + " hash alike");
      }
      keyed.put(hash, rows.get(ofLocation.get(i)));
    }
    return keyed;
  }
}
