package io.lakecast.warehouse;

import org.apache.spark.sql.SparkSession;

/**
 * Obtains the SparkSession every job runs in. It never sets the master: spark-submit decides, and the launcher sets
 * {@code local[*]} for the embedded default. It only adds the Delta extensions when nothing else configured them,
 * and, in local mode, sizes Delta's log replay to the machine unless configured (see {@link #SNAPSHOT_PARTITIONS}).
 */
public final class LakecastSession {
  private LakecastSession() {}

  /**
   * Delta's partitions for rebuilding a table's state from its log. Its default, 50, suits clusters; in local mode
   * every read and commit of the warehouse's small tables then ran 50 tasks on a few cores, 3–5 s of each command
   * (list-templates: 13–15 s, 9.5 s with 2). A new local session therefore uses one per core unless configured.
   */
  public static final String SNAPSHOT_PARTITIONS = "spark.databricks.delta.snapshotPartitions";

  /** The active session, or a new one with Delta's SQL extension and catalog. */
  public static SparkSession getOrCreate() {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active != null) {
      return active;
    }
    SparkSession spark = SparkSession.builder()
        .appName("lakecast")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
    if (spark.sparkContext().isLocal() && !spark.conf().contains(SNAPSHOT_PARTITIONS)) {
      spark.conf().set(SNAPSHOT_PARTITIONS, String.valueOf(Math.max(1, spark.sparkContext().defaultParallelism())));
    }
    return spark;
  }

  /** Names the Spark jobs that follow, so the Spark UI and logs tell the story (Iceberg's withJobGroupInfo). */
  public static void describe(SparkSession spark, String group, String description) {
    spark.sparkContext().setJobGroup(group, description, false);
  }
}
