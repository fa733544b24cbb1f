package io.lakecast.imports;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.endpoints.EndpointParser;
import io.lakecast.endpoints.EndpointUpsert;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application's first import goes in one pass when no rule across records applies, and leaves nothing behind
 * (no committed row, no data file) when one does, so that the general path can apply it.
 */
class FirstImportTest {
  @TempDir static Path root;
  static SparkSession spark;
  static Warehouse warehouse;

  static final String HEADER = "Id,ChannelType,Address,User.UserId,User.UserAttributes.Tier\n";

  @BeforeAll
  static void session() {
    spark = SparkTestSession.withWarehouse(root.resolve("warehouse"));
    warehouse = Warehouse.of(spark);
  }

  ImportRecords.Plan plan(String name, String csv) throws IOException {
    Path file = root.resolve(name + ".csv");
    Files.writeString(file, csv);
    return new ImportRecords.Plan(Format.CSV, List.of(ImportPiece.whole(file.toUri().toString())), 1000,
        EndpointParser.Limits.PINPOINT, false, root.resolve(name + "-rejects").toUri().toString());
  }

  /** A first-import attempt into {@code app}, no attribute removed. */
  static FirstImport.Outcome attempt(String app, ImportRecords.Plan plan, int max, Runnable beforeCommit) {
    return FirstImport.tryRun(FirstImport.start(warehouse, app), Map.of(), plan, max, beforeCommit);
  }

  long dataFiles(String appId) throws IOException {
    Path partition = root.resolve("warehouse/endpoints/ApplicationId=" + appId);
    if (!Files.exists(partition)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(partition)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  @Test
  void aFileWithoutCrossRecordRulesIsCommittedInOnePassWithItsRejectsAside() throws IOException {
    String app = Cli.createApp("one-pass");
    FirstImport.Outcome outcome = attempt(app, plan("clean", HEADER
        + "a,EMAIL,a@example.com,u1,Gold\n"
        + "b,SMS,+12065550100,u1,Gold\n"
        + "c,FAX,c@example.com,u2,\n"
        + "d,GCM,token-d,,\n"), 10, () -> {});

    assertThat(outcome.committed()).isTrue();
    assertThat(outcome.imported()).isEqualTo(3);
    List<Row> stored = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).orderBy("Id")
        .select("Id", "EndpointStatus", "OptOut", "CohortId", "RecordHash").collectAsList();
    assertThat(stored).extracting(r -> r.getString(0)).containsExactly("a", "b", "d");
    assertThat(stored).allSatisfy(r -> {
      assertThat(r.getString(1)).isEqualTo("ACTIVE");
      assertThat(r.getString(2)).isEqualTo("NONE");
      assertThat(r.getString(3)).isNotNull();
      assertThat(r.isNullAt(4)).as("RecordHash").isFalse();
    });
    List<Row> rejects = ImportRecords.rejectsAside(spark, root.resolve("clean-rejects").toUri().toString())
        .collectAsList();
    assertThat(rejects).singleElement().satisfies(r -> {
      assertThat(r.<String>getAs("reason")).isEqualTo("INVALID_ENUM");
      assertThat(r.<Long>getAs("line")).isEqualTo(4L);
    });
  }

  @Test
  void aRuleAcrossRecordsLeavesNothingCommittedAndNoFileBehind() throws IOException {
    Map<String, String> cases = Map.of(
        "same-id", HEADER + "a,EMAIL,a@example.com,,\na,EMAIL,a2@example.com,,\n",
        "same-address", HEADER + "a,EMAIL,family@example.com,,\nb,EMAIL,family@example.com,,\n",
        "user-attributes", HEADER + "a,EMAIL,a@example.com,u1,Gold\nb,SMS,+12065550100,u1,\n",
        "too-many", HEADER + "a,EMAIL,a@example.com,u1,\nb,EMAIL,b@example.com,u1,\nc,EMAIL,c@example.com,u1,\n");
    for (Map.Entry<String, String> c : cases.entrySet()) {
      String app = Cli.createApp(c.getKey());
      FirstImport.Outcome outcome = attempt(app, plan(c.getKey(), c.getValue()), 2, () -> {});
      assertThat(outcome.committed()).as(c.getKey()).isFalse();
      assertThat(outcome.reason()).as(c.getKey()).isNotBlank();
      assertThat(warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).count())
          .as(c.getKey()).isZero();
      assertThat(dataFiles(app)).as(c.getKey() + ": uncommitted files deleted").isZero();
      ImportRecords.Plan plan = plan(c.getKey() + "-spark", c.getValue());
      assertThat(EndpointUpsert.conflict(ImportRecords.read(spark, new ImportRecords.Plan(plan.format(), plan.pieces(),
          1000, EndpointParser.Limits.PINPOINT, false, null)), 2))
          .as(c.getKey() + ": the Spark check, for keys past the driver's share").isNotBlank();
    }
    assertThat(EndpointUpsert.conflict(ImportRecords.read(spark, new ImportRecords.Plan(Format.CSV,
        plan("spark-clean", HEADER + "a,EMAIL,a@example.com,u1,Gold\nb,SMS,+12065550100,u1,Gold\n").pieces(), 1000,
        EndpointParser.Limits.PINPOINT, false, null)), 2)).isNull();
  }

  @Test
  void anApplicationWithEndpointsIsNeverAFirstImport() throws IOException {
    String app = Cli.createApp("second");
    assertThat(attempt(app, plan("first", HEADER + "a,EMAIL,a@example.com,,\n"), 10, () -> {})
        .committed()).isTrue();
    FirstImport.Outcome again =
        attempt(app, plan("again", HEADER + "b,EMAIL,b@example.com,,\n"), 10, () -> {});
    assertThat(again.committed()).isFalse();
    assertThat(warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).count()).isEqualTo(1);
  }

  @Test
  void aConcurrentWriteToTheTableMakesTheAttemptStepAsideWithoutCommitting() throws IOException {
    String app = Cli.createApp("raced");
    String other = Cli.createApp("other");
    ImportRecords.Plan racer = plan("racer", HEADER + "b,EMAIL,b@example.com,,\n");
    FirstImport.Outcome outcome = attempt(app, plan("raced", HEADER + "a,EMAIL,a@example.com,,\n"), 10,
        () -> attempt(other, racer, 10, () -> {}));
    assertThat(outcome.committed()).isFalse();
    assertThat(outcome.reason()).contains("another write");
    assertThat(warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).count()).isZero();
    assertThat(dataFiles(app)).isZero();
    assertThat(warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(other)).count())
        .as("the concurrent write itself committed").isEqualTo(1);
  }

  @Test
  void throughTheJobAConflictingFirstImportStillAppliesEveryRule() throws IOException {
    String app = Cli.createApp("general");
    Path file = root.resolve("general.csv");
    Files.writeString(file, HEADER + "a,EMAIL,family@example.com,u1,Gold\nb,EMAIL,family@example.com,u1,\n");
    Cli.run("create-import-job", "--application-id", app, "--import-job-request",
        "{\"S3Url\":\"" + file.toUri() + "\",\"Format\":\"CSV\"}").ok();
    List<Row> stored = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).orderBy("Id")
        .select(col("Id"), col("EndpointStatus"), col("User.UserAttributes").getItem("Tier").getItem(0))
        .collectAsList();
    assertThat(stored).extracting(Row::toString).containsExactly("[a,INACTIVE,Gold]", "[b,ACTIVE,Gold]");
  }
}
