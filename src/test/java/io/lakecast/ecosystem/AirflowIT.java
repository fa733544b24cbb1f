package io.lakecast.ecosystem;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.Cli;
import io.lakecast.testing.PythonEnv;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily DAG of {@code jobs/airflow} executed by Apache Airflow 3 ({@code airflow dags test}) with its Spark
 * provider, its last task streaming the day's events to a Kinesis server here: each task is a
 * {@code SparkSubmitOperator} running {@code spark-submit} (from the pyspark distribution,
 * local mode through the {@code spark_default} connection) of the thin jar. Variables come from the environment and
 * are read only when tasks run; a parse of the DAG folder that reads any Variable fails.
 */
class AirflowIT {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  static final Path GOLDEN = HOME.resolve("src/test/resources/golden/campaigns/ab-holdout");
  static final String APP_ID = "a1f10a1f10a1f10a1f10a1f10a1f10a1";
  static final String SEGMENT_ID = "5e65e65e65e65e65e65e65e65e65e65e";
  static final String CAMPAIGN_ID = "da11da11da11da11da11da11da11da11";

  @TempDir static Path root;
  static Path warehouse;
  static SparkSession spark;
  static Map<String, String> airflowEnv;
  static io.lakecast.testing.KinesisServer kinesis;

  @BeforeAll
  static void warehouseAndAirflow() throws Exception {
    warehouse = root.resolve("warehouse");
    spark = SparkTestSession.withWarehouse(warehouse);
    Cli.run("create-app", "--create-application-request", "{\"Name\":\"airflow\"}", "--application-id", APP_ID).ok();
    Cli.run("create-segment", "--application-id", APP_ID, "--segment-id", SEGMENT_ID, "--write-segment-request",
        "file://" + GOLDEN.resolve("segment.json")).ok();
    Cli.run("create-campaign", "--application-id", APP_ID, "--campaign-id", CAMPAIGN_ID, "--write-campaign-request",
        "{\"Name\":\"Daily digest\",\"SegmentId\":\"" + SEGMENT_ID + "\",\"MessageConfiguration\":{"
            + "\"SMSMessage\":{\"Body\":\"Your daily digest\"},\"EmailMessage\":{\"FromAddress\":\"d@example.com\","
            + "\"Title\":\"Daily digest\",\"Body\":\"Your daily digest\"}},"
            + "\"Schedule\":{\"StartTime\":\"2026-11-30T09:00:00Z\",\"Frequency\":\"DAILY\"}}").ok();
    // The application's event stream, on a Kinesis server here: the DAG's last task delivers the new events to it.
    kinesis = io.lakecast.testing.KinesisServer.get();
    Cli.run("put-event-stream", "--application-id", APP_ID, "--write-event-stream",
        "{\"DestinationStreamArn\":\"" + kinesis.createStream("airflow-events", 1) + "\","
            + "\"RoleArn\":\"arn:aws:iam::000000000000:role/lakecast-events\"}").ok();
    // The endpoint files of 2026-12-01; 2026-12-02 has none.
    Path day = Files.createDirectories(root.resolve("exports/2026-12-01"));
    Files.copy(GOLDEN.resolve("import/endpoints.csv"), day.resolve("endpoints.csv"));

    Path venv = PythonEnv.get();
    airflowEnv = new HashMap<>();
    airflowEnv.put("AIRFLOW_HOME", Files.createDirectories(root.resolve("airflow")).toString());
    airflowEnv.put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
    airflowEnv.put("AIRFLOW__CORE__DAGS_FOLDER", HOME.resolve("jobs/airflow").toString());
    airflowEnv.put("PATH", venv.resolve("bin") + ":" + System.getenv("PATH"));
    airflowEnv.put("SPARK_LOCAL_IP", "127.0.0.1");
    airflowEnv.put("LAKECAST_DAG_RETRIES", "0");
    airflow("db", "migrate");
    airflowEnv.put("AIRFLOW_CONN_SPARK_DEFAULT", "{\"conn_type\": \"spark\", \"host\": \"local[2]\"}");
    airflowEnv.put("AIRFLOW_VAR_LAKECAST_HOME", HOME.toString());
    airflowEnv.put("AIRFLOW_VAR_LAKECAST_APPLICATION_ID", APP_ID);
    airflowEnv.put("AIRFLOW_VAR_LAKECAST_WAREHOUSE", warehouse.toString());
    airflowEnv.put("AIRFLOW_VAR_LAKECAST_ENDPOINTS_URL", root.resolve("exports").toString());
    airflowEnv.put("AIRFLOW_VAR_LAKECAST_KINESIS_ENDPOINT", kinesis.endpoint());
    airflowEnv.put("AWS_ACCESS_KEY_ID", io.lakecast.testing.KinesisServer.ACCESS_KEY);
    airflowEnv.put("AWS_SECRET_ACCESS_KEY", "lakecast-kinesis-test-secret");
  }

  /** Runs an {@code airflow} command of the environment; fails on a non-zero exit. */
  static PythonEnv.Process.Result airflow(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of(PythonEnv.get().resolve("bin/airflow").toString()));
    command.addAll(List.of(args));
    PythonEnv.Process.Result r = PythonEnv.Process.run(command, airflowEnv, 10);
    assertThat(r.exitCode()).as(String.join(" ", command) + "; stdout:\n" + r.out() + "\nstderr:\n" + r.err())
        .isZero();
    return r;
  }

  @Test
  void theDagFolderParsesWithoutReadingAVariable() {
    Map<String, String> parseOnly = new HashMap<>(airflowEnv);
    parseOnly.keySet().removeIf(k -> k.startsWith("AIRFLOW_VAR_"));
    PythonEnv.Process.Result r = PythonEnv.script("check_dags.py", parseOnly, HOME.resolve("jobs/airflow").toString());
    String[] lines = r.out().strip().split("\n");
    assertThat(lines[lines.length - 1]).as("the DAG ids parsed").isEqualTo("[\"lakecast_daily\"]");
  }

  @Test
  void theParseCheckRefusesADagThatReadsAVariableAtParseTime() throws Exception {
    Path folder = Files.createDirectories(root.resolve("bad-dags"));
    Files.writeString(folder.resolve("reads_at_parse.py"), String.join("\n",
        "from datetime import datetime",
        "from airflow import DAG",
        "from airflow.models import Variable",
        "HOME = Variable.get(\"lakecast_home\", default_var=\"/opt/lakecast\")",
        "with DAG(dag_id=\"reads_at_parse\", start_date=datetime(2026, 11, 1), schedule=None):",
        "    pass", ""));
    PythonEnv.Process.Result r = PythonEnv.Process.run(List.of(PythonEnv.python().toString(),
        HOME.resolve("src/test/python/check_dags.py").toString(), folder.toString()), airflowEnv, 5);
    assertThat(r.exitCode()).as("exit code; stderr:\n" + r.err()).isEqualTo(1);
    assertThat(r.err()).contains("DagImportError: " + folder.resolve("reads_at_parse.py"),
        "VariableReadAtParseTime: Variable.get('lakecast_home',");
  }

  @Test
  void twoDailyRunsImportTheDaysFilesThenRunTheOccurrencesDueByThen() {
    airflow("dags", "test", "lakecast_daily", "2026-12-01");
    assertThat(imports()).as("import jobs after 2026-12-01").containsExactly("COMPLETED 27 of 1 file(s)");
    assertThat(ledgerRowsPerOccurrence()).as("ledger rows per occurrence after 2026-12-01")
        .isEqualTo(Map.of("2026-11-30T09:00:00Z", 21L));
    assertThat(kinesis.records("airflow-events")).as("the occurrence's _campaign.send events, streamed").hasSize(21);

    // No files for 2026-12-02: the import completes with nothing, and the campaign task still runs.
    airflow("dags", "test", "lakecast_daily", "2026-12-02");
    assertThat(imports()).as("import jobs after 2026-12-02")
        .containsExactlyInAnyOrder("COMPLETED 27 of 1 file(s)", "COMPLETED 0 of 0 file(s)");
    assertThat(ledgerRowsPerOccurrence()).as("ledger rows per occurrence after 2026-12-02")
        .isEqualTo(Map.of("2026-11-30T09:00:00Z", 21L, "2026-12-01T09:00:00Z", 21L));
    assertThat(kinesis.records("airflow-events")).as("each day's events once").hasSize(42);
  }

  /** Each finished import job as "status processed of pieces file(s)". */
  static List<String> imports() {
    return spark.read().format("delta").load(warehouse + "/jobs")
        .filter(col("Type").equalTo("IMPORT").and(col("JobStatus").isin("COMPLETED", "FAILED")))
        .collectAsList().stream()
        .map(r -> r.getAs("JobStatus") + " " + r.getAs("TotalProcessed") + " of " + r.getAs("TotalPieces")
            + " file(s)")
        .toList();
  }

  static Map<String, Long> ledgerRowsPerOccurrence() {
    Map<String, Long> out = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(CAMPAIGN_ID)).groupBy("ScheduledStart").count().collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }
}
