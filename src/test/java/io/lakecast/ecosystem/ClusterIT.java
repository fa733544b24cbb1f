package io.lakecast.ecosystem;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.Cli;
import io.lakecast.testing.PythonEnv;
import io.lakecast.testing.S3Server;
import io.lakecast.testing.SparkCluster;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.testing.WarehouseSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * spark-submit on a real Spark standalone cluster: a master and a worker on 127.0.0.1 started from the Spark
 * distribution that the {@code pyspark} package ships, and {@code scripts/lakecast --master spark://…} with the thin
 * jar running the chain import → segment → campaign → events as one batch. Once with the warehouse on the local
 * filesystem and once in an S3 API server (S3Proxy), each time equal, table by table, to the same batch run
 * embedded (local mode, in this JVM).
 */
class ClusterIT {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  static final Path GOLDEN = HOME.resolve("src/test/resources/golden/campaigns/ab-holdout");
  static final String APP_ID = "c1a55e7d0c1a55e7d0c1a55e7d0c1a55";
  static final String SEGMENT_ID = "5e65e65e65e65e65e65e65e65e65e65e";
  static final String CAMPAIGN_ID = "ca3ca3ca3ca3ca3ca3ca3ca3ca3ca3ca";

  @TempDir static Path root;
  static SparkSession spark;
  static SparkCluster cluster;
  static S3Server s3;
  static WarehouseSnapshot embedded;
  static Path SOURCE;
  static final String S3_WAREHOUSE = "s3a://lakecast-cluster/warehouse";
  static String S3_SOURCE;

  @BeforeAll
  static void startAndRunEmbedded() throws Exception {
    SOURCE = root.resolve("endpoints.csv");
    cluster = SparkCluster.start(PythonEnv.sparkHome(), root.resolve("cluster"));
    s3 = new S3Server(Files.createDirectories(root.resolve("s3")));
    s3.createBucket("lakecast-cluster");
    spark = SparkTestSession.withWarehouse(root.resolve("embedded"));
    s3.configure(spark.sparkContext().hadoopConfiguration());
    // The golden endpoints plus one row every run must reject (a channel Pinpoint does not have).
    Files.writeString(SOURCE, Files.readString(GOLDEN.resolve("import/endpoints.csv"))
        + "e99,FAX,+12065550199,NONE,US,u99,Free\n");
    org.apache.hadoop.fs.Path s3Source = new org.apache.hadoop.fs.Path("s3a://lakecast-cluster/exports/endpoints.csv");
    try (var o = FileSystem.get(s3Source.toUri(), spark.sparkContext().hadoopConfiguration()).create(s3Source)) {
      o.write(Files.readAllBytes(SOURCE));
    }
    S3_SOURCE = s3Source.toString();
    Cli.Run run = Cli.run("--batch", batch(SOURCE.toString()).toString());
    assertThat(run.exitCode()).as("embedded batch; stderr:\n" + run.err()).isZero();
    embedded = WarehouseSnapshot.of(root.resolve("embedded"));
    assertThat(embedded.ledger()).as("embedded send ledger").hasSize(21);
    assertThat(embedded.events()).as("embedded _campaign.send events").isNotEmpty();
    assertThat(embedded.rejectsOfCompletedJobs()).as("embedded import rejects").hasSize(1);
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  /** The chain as a batch file: application, import, segment, campaign (A/B with holdout), run. */
  static synchronized Path batch(String source) {
    try {
      return writeBatch(source);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Path writeBatch(String source) throws java.io.IOException {
    String campaign = Files.readString(GOLDEN.resolve("campaign.json")).replace("REPLACE_WITH_SEGMENT_ID", SEGMENT_ID)
        .replace("\"IMMEDIATE\"", "\"2026-12-01T09:00:00Z\"");
    Path campaignFile = root.resolve("campaign.json");
    Files.writeString(campaignFile, campaign);
    Path file = Files.createTempFile(root, "batch", ".txt");
    Files.writeString(file, String.join("\n",
        "create-app --create-application-request '{\"Name\":\"cluster\"}' --application-id " + APP_ID,
        "create-import-job --application-id " + APP_ID + " --import-job-request '{\"S3Url\":\"" + source
            + "\",\"Format\":\"CSV\"}'",
        "create-segment --application-id " + APP_ID + " --segment-id " + SEGMENT_ID
            + " --write-segment-request file://" + GOLDEN.resolve("segment.json"),
        "create-campaign --application-id " + APP_ID + " --campaign-id " + CAMPAIGN_ID
            + " --write-campaign-request file://" + campaignFile,
        "run-campaign --application-id " + APP_ID + " --campaign-id " + CAMPAIGN_ID + " --at 2026-12-01T10:00:00Z",
        ""));
    return file;
  }

  /** Runs the batch through scripts/lakecast --master on the cluster; returns its stdout (one JSON per command). */
  static String onCluster(String warehouse, Path batch, Map<String, String> hadoop) {
    List<String> cmd = new ArrayList<>(List.of(HOME.resolve("scripts/lakecast").toString(),
        "--master", cluster.masterUrl(), "--conf", "spark.lakecast.warehouse=" + warehouse,
        "--conf", "spark.executor.memory=1g", "--conf", "spark.sql.shuffle.partitions=2",
        // Delta rebuilds table state in 50 tasks by default, sized for big clusters; this one has 2 cores.
        "--conf", "spark.databricks.delta.snapshotPartitions=2"));
    hadoop.forEach((k, v) -> cmd.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
    cmd.addAll(List.of("--batch", batch.toString()));
    Map<String, String> env = new HashMap<>(cluster.submitEnvironment());
    PythonEnv.Process.Result r = PythonEnv.Process.run(cmd, env, 10);
    assertThat(r.exitCode()).as("lakecast --master on the cluster; stderr:\n" + r.err()).isZero();
    return r.out();
  }

  @Test
  void theChainOnAClusterWithALocalWarehouseEqualsTheEmbeddedRun() throws Exception {
    String out = onCluster(root.resolve("cluster-local").toString(), batch(SOURCE.toString()), Map.of());
    assertThat(out.strip().split("\n")).as("one result per command").hasSize(5);
    assertEqualsEmbedded(WarehouseSnapshot.of(root.resolve("cluster-local")));
  }

  @Test
  void theChainOnAClusterWithTheWarehouseInS3EqualsTheEmbeddedRun() throws Exception {
    String out = onCluster(S3_WAREHOUSE, batch(S3_SOURCE), s3.hadoopSettings());
    assertThat(out.strip().split("\n")).as("one result per command").hasSize(5);
    org.apache.hadoop.fs.Path log = new org.apache.hadoop.fs.Path(S3_WAREHOUSE + "/endpoints/_delta_log");
    assertThat(FileSystem.get(log.toUri(), spark.sparkContext().hadoopConfiguration()).exists(log))
        .as("the endpoints table in the S3 server").isTrue();
    assertEqualsEmbedded(WarehouseSnapshot.of(S3_WAREHOUSE));
  }

  static void assertEqualsEmbedded(WarehouseSnapshot onCluster) throws java.io.IOException {
    try (var apps = Files.list(cluster.workDir())) {
      assertThat(apps.map(p -> p.getFileName().toString())).as("applications the worker ran executors for")
          .anyMatch(name -> name.startsWith("app-"));
    }
    assertThat(onCluster.endpoints()).as("endpoints").isEqualTo(embedded.endpoints());
    assertThat(onCluster.completedImports()).as("completed imports").isEqualTo(1);
    assertThat(onCluster.rejectsOfCompletedJobs()).as("import rejects").isEqualTo(embedded.rejectsOfCompletedJobs());
    assertThat(onCluster.ledger()).as("send ledger").isEqualTo(embedded.ledger());
    assertThat(onCluster.outbox()).as("outbox").isEqualTo(embedded.outbox());
    assertThat(onCluster.events()).as("events").isEqualTo(embedded.events());
    assertThat(onCluster.activities()).as("activities").isEqualTo(embedded.activities());
  }
}
