package io.lakecast.warehouse;

import org.apache.spark.sql.SparkSession;

/**
 * Obtains the SparkSession every job runs in. It never sets the master: spark-submit decides, and the launcher sets
 * {@code local[*]} for the embedded default. It only adds the Delta extensions when nothing else configured them.
 */
public final class LakecastSession {
  private LakecastSession() {}

  /** The active session, or a new one with Delta's SQL extension and catalog. */
  public static SparkSession getOrCreate() {
    SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
    if (active != null) {
      return active;
    }
    return SparkSession.builder()
        .appName("lakecast")
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .getOrCreate();
  }

  /** Names the Spark jobs that follow, so the Spark UI and logs tell the story (Iceberg's withJobGroupInfo). */
  public static void describe(SparkSession spark, String group, String description) {
    spark.sparkContext().setJobGroup(group, description, false);
  }
}
