package io.lakecast.warehouse;

import io.delta.tables.DeltaTable;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The warehouse root and its tables: where each lives, created on first use with its explicit schema, read and
 * appended to. Any Hadoop URI works as the root ({@code file:///…}, {@code s3a://bucket/prefix}).
 */
public final class Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(Warehouse.class);

  /** The folder under the root where jobs write intermediate files (never a user output). */
  public static final String STAGING = "_staging";

  private final SparkSession spark;
  private final String root;
  private final Set<Table> ensured = EnumSet.noneOf(Table.class);

  public Warehouse(SparkSession spark, String root) {
    this.spark = spark;
    this.root = root;
  }

  /** The warehouse configured for this session. */
  public static Warehouse of(SparkSession spark) {
    return new Warehouse(spark, LakecastConf.from(spark).warehouse());
  }

  public SparkSession spark() {
    return spark;
  }

  public String root() {
    return root;
  }

  /** A location in the staging area: {@code <root>/_staging/<relative>}. */
  public String staging(String relative) {
    return root + "/" + STAGING + "/" + relative;
  }

  public String path(Table table) {
    return root + "/" + table.tableName();
  }

  /** Creates the Delta table with its schema if it does not exist yet. */
  public synchronized void ensure(Table table) {
    if (ensured.contains(table) || !table.isDelta()) {
      return;
    }
    String path = path(table);
    for (int attempt = 1; ; attempt++) {
      if (DeltaTable.isDeltaTable(spark, path)) {
        upgrade(table, path);
        break;
      }
      if (holdsDataFiles(path)) {
        // A table another process is creating and writing at this moment can look like this for an instant (CI saw
        // it once with two imports at once): look again before refusing the folder.
        if (attempt < 3) {
          pause(500);
          continue;
        }
        throw LakecastErrors.notADeltaTable(table.tableName(), path);
      }
      try {
        create(table, path);
        break;
      } catch (Exception e) {
        // Another process creating the same table at the same moment (Delta finds the location not empty, or its
        // commit conflicts): wait for that process's first commit, then use the table. Delta's AnalysisException is
        // a checked exception to Java, so the catch must be this wide; the rethrow below stays precise.
        boolean race = String.valueOf(e.getMessage()).contains("NON_EMPTY_LOCATION")
            || e instanceof io.delta.exceptions.DeltaConcurrentModificationException
            || exists(path + "/_delta_log");
        if (!race) {
          throw e;
        }
        if (attempt == CREATE_ATTEMPTS) {
          throw LakecastErrors.tableNeverCreated(table.tableName(), path, CREATE_ATTEMPTS * 500 / 1000);
        }
        LOG.info("Table {} is being created by another job; waiting for it ({})", table.tableName(), e.toString());
        pause(500);
      }
    }
    ensured.add(table);
  }

  private static final int CREATE_ATTEMPTS = 20;

  private void create(Table table, String path) {
    LOG.info("Creating table {} at {}", table.tableName(), path);
    var builder = DeltaTable.createIfNotExists(spark)
        .location(path)
        .addColumns(table.schema())
        .partitionedBy(table.partitionColumns().toArray(String[]::new))
        // Statistics on keys only: no personal data in the transaction log, and cheaper writes than
        // statistics on every nested leaf of the endpoint.
        .property("delta.dataSkippingStatsColumns", table.statsColumns());
    table.properties().forEach(builder::property);
    builder.execute();
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for a table to be created", e);
    }
  }

  /**
   * Adds the columns a newer Lakecast declares to a table written by an older one (nullable columns only, so old
   * rows read as null), and the writer properties it lacks. An empty append with schema merging is one Delta commit
   * that changes only the schema.
   */
  private void upgrade(Table table, String path) {
    // One snapshot gives both the columns and the properties the table has.
    // Public API only: the table's current schema, and its properties from DESCRIBE DETAIL.
    DeltaTable delta = DeltaTable.forPath(spark, path);
    Set<String> present = Set.of(delta.toDF().schema().fieldNames());
    List<String> missing =
        Arrays.stream(table.schema().fieldNames()).filter(n -> !present.contains(n)).toList();
    if (!missing.isEmpty()) {
      LOG.info("Upgrading table {}: adding column(s) {}", table.tableName(), missing);
      spark.createDataFrame(List.of(), table.schema())
          .write().format("delta").mode("append").option("mergeSchema", "true").save(path);
    }
    Map<String, String> properties = delta.detail().select("properties").first().getJavaMap(0);
    Map<String, String> unset = new TreeMap<>(table.properties());
    unset.entrySet().removeIf(e -> e.getValue().equals(properties.get(e.getKey())));
    if (!unset.isEmpty()) {
      LOG.info("Upgrading table {}: setting {}", table.tableName(), unset);
      String assignments = unset.entrySet().stream()
          .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'").collect(Collectors.joining(", "));
      spark.sql("ALTER TABLE delta.`" + path.replace("`", "``") + "` SET TBLPROPERTIES (" + assignments + ")");
    }
  }

  /** The table's current rows (an empty frame of its schema for an events store not yet written). */
  public Dataset<Row> read(Table table) {
    if (!table.isDelta()) {
      return exists(path(table))
          ? spark.read().schema(table.schema()).parquet(path(table))
          : spark.createDataFrame(java.util.List.of(), table.schema());
    }
    ensure(table);
    return spark.read().format("delta").load(path(table));
  }

  /** The Delta table handle for merges. */
  public DeltaTable delta(Table table) {
    ensure(table);
    return DeltaTable.forPath(spark, path(table));
  }

  /** Appends rows (selected into the table's column order). */
  public void append(Table table, Dataset<Row> rows) {
    Dataset<Row> ordered = rows.selectExpr(quoted(table));
    if (table.isDelta()) {
      ensure(table);
      ordered.write().format("delta").mode("append").save(path(table));
    } else {
      ordered
          .write()
          .mode("append")
          .partitionBy(table.partitionColumns().toArray(String[]::new))
          .parquet(path(table));
    }
  }

  private static String[] quoted(Table table) {
    return java.util.Arrays.stream(table.schema().fieldNames()).map(n -> "`" + n + "`").toArray(String[]::new);
  }

  /** Deletes a path recursively (staging data that held addresses); a missing path is fine. */
  public void delete(String location) {
    try {
      Path p = new Path(location);
      p.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(p, true);
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("delete", location, e);
    }
  }

  /** Refuses an output that would overwrite a Delta table (a folder with {@code _delta_log}). */
  public void requireNoTableAt(String member, String location) {
    if (exists(location.replaceAll("/+$", "") + "/_delta_log")) {
      throw LakecastErrors.outputHoldsTable(member, Locations.display(location));
    }
  }

  /**
   * Whether a folder holds anything beside {@code _delta_log} (a table another job is creating has only that).
   */
  private boolean holdsDataFiles(String location) {
    try {
      Path p = new Path(location);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(p)) {
        return false;
      }
      // Names of the top level only: a recursive listing reads each file's status, and a commit in flight renames
      // its temporary file in _delta_log between the listing and that read (CI saw the read fail).
      for (var entry : fs.listStatus(p)) {
        if (!entry.getPath().getName().equals("_delta_log")) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("check", location, e);
    }
  }

  /** Creates an empty file (a marker), replacing one that exists. */
  public void touch(String location) {
    try {
      Path p = new Path(location);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.create(p, true).close();
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("write", location, e);
    }
  }

  /** Whether anything exists at a Hadoop path. */
  public boolean exists(String location) {
    try {
      Path p = new Path(location);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.exists(p);
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("check", location, e);
    }
  }
}
