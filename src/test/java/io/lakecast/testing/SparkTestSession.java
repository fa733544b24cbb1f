package io.lakecast.testing;

import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test JVM: local[2], two shuffle partitions, UI off, bound to 127.0.0.1, Delta
 * extensions, UTC, no adaptive execution and no code generation (expressions are interpreted). Created on first use
 * and stopped when the JVM exits.
 */
public final class SparkTestSession {
  private static SparkSession spark;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (spark == null) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("lakecast-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "2")
              .config("spark.default.parallelism", "2")
              .config("spark.sql.session.timeZone", "UTC")
              .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
              .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
              .config("spark.databricks.delta.snapshotPartitions", "1")
              .config("spark.databricks.delta.writeChecksumFile.enabled", "false")
              // Hundreds of tiny queries: without adaptive re-planning and whole-stage code generation each one
              // costs less (about 9% of three campaign test classes' time), and evaluating expressions interpreted
              // rather than compiling a class for each (Janino) takes a third off the campaign tests
              // (CampaignLimitsTest: 246-261 s before, 163 s after). The integration tests run the packaged jar with
              // Spark's defaults, so the compiled paths stay covered.
              .config("spark.sql.adaptive.enabled", "false")
              .config("spark.sql.codegen.wholeStage", "false")
              .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
              .getOrCreate();
      Runtime.getRuntime().addShutdownHook(new Thread(spark::stop));
    }
    SparkSession.setActiveSession(spark);
    return spark;
  }

  /** Points the session at a fresh warehouse (one per test class). */
  public static SparkSession withWarehouse(java.nio.file.Path warehouse) {
    SparkSession s = get();
    s.conf().set("spark.lakecast.warehouse", warehouse.toString());
    s.conf().unset("spark.lakecast.sender.outbox.path");
    return s;
  }
}
