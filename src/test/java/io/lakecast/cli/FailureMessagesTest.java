package io.lakecast.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.lakecast.LakecastErrors;
import io.lakecast.LakecastException;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.delta.DeltaOperations;
import org.apache.spark.sql.delta.OptimisticTransaction;
import org.apache.spark.sql.delta.actions.Action;
import org.apache.spark.sql.delta.actions.AddFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Failures that come from Spark, Delta or the filesystem reach the user as one line, {@code <Code>: message}, with
 * Pinpoint's error codes, naming what failed and where; the stack trace only with {@code --debug}.
 */
class FailureMessagesTest {
  @TempDir Path dir;

  private static void assertOneLineFailure(Run r, String code) {
    assertThat(r.exitCode()).as("exit code").isEqualTo(1);
    assertThat(r.out()).as("stdout").isEmpty();
    assertThat(r.err()).as("stderr").startsWith(code + ": ").doesNotContain("\tat ");
    assertThat(r.err().strip().lines().count()).as("lines on stderr").isEqualTo(1);
  }

  private String importTwoEndpoints(String app) throws Exception {
    Path csv = dir.resolve("in.csv");
    Files.writeString(csv, "ChannelType,Address,Id\nEMAIL,a@example.com,e1\nEMAIL,b@example.com,e2\n");
    Cli.run("create-import-job", "--application-id", app, "--import-job-request",
        "{\"Format\":\"CSV\",\"S3Url\":\"" + csv.toUri() + "\",\"RoleArn\":\"r\"}").ok();
    return app;
  }

  @Test
  void aFolderThatIsNotADeltaTableWhereATableBelongsIsNamed() throws Exception {
    Path wh = dir.resolve("wh");
    Files.createDirectories(wh.resolve("apps"));
    Files.writeString(wh.resolve("apps").resolve("notes.txt"), "not a table");
    SparkTestSession.withWarehouse(wh);

    Run r = Cli.run("get-apps");
    assertOneLineFailure(r, "BadRequestException");
    assertThat(r.err()).contains("The warehouse table 'apps' at file:" + wh.resolve("apps")
        + " is not a Delta table", "spark.lakecast.warehouse");

    Run debug = Cli.run("get-apps", "--debug");
    assertThat(debug.exitCode()).isEqualTo(1);
    assertThat(debug.err()).as("with --debug").startsWith("BadRequestException: The warehouse table 'apps'")
        .contains("\tat io.lakecast.warehouse.Warehouse.ensure");
  }

  @Test
  void anExportOntoAnotherDeltaTableIsAConflictAndTheTableStays() throws Exception {
    SparkSession spark = SparkTestSession.withWarehouse(dir.resolve("wh"));
    String app = importTwoEndpoints(Cli.createApp("export"));
    Path other = dir.resolve("analytics-table");
    spark.range(3).write().format("delta").save(other.toString());

    Run r = Cli.run("create-export-job", "--application-id", app, "--export-job-request",
        "{\"S3UrlPrefix\":\"" + other + "\",\"RoleArn\":\"r\"}");
    assertOneLineFailure(r, "ConflictException");
    assertThat(r.err()).contains("Cannot write S3UrlPrefix 'file:" + other + "': it holds a Delta table");
    assertThat(spark.read().format("delta").load(other.toString()).count()).as("rows of the other table")
        .isEqualTo(3);
  }

  @Test
  void aWarehouseThatCannotBeWrittenIsForbidden() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    SparkTestSession.withWarehouse(file.resolve("wh"));

    Run r = Cli.run("create-app", "--create-application-request", "{\"Name\":\"nowhere\"}");
    assertOneLineFailure(r, "ForbiddenException");
    assertThat(r.err()).contains(file.toString(), "must be writable folders");
  }

  @Test
  void aFullDiskSaysSo() {
    // /dev/full accepts the open and fails every write with ENOSPC, as a full disk does.
    Run r = Cli.run("generate-endpoints", "--count", "100000", "--output", "/dev/full");
    assertOneLineFailure(r, "InternalServerErrorException");
    assertThat(r.err()).contains("Out of disk space", "No space left on device", "free space");
  }

  @Test
  void aFailedSparkTaskSaysSoWithTheTasksError() throws Exception {
    Path wh = dir.resolve("wh");
    SparkTestSession.withWarehouse(wh);
    String app = importTwoEndpoints(Cli.createApp("broken"));
    List<Path> parts;
    try (Stream<Path> files = Files.walk(wh.resolve("endpoints"))) {
      parts = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
    }
    assertThat(parts).as("endpoint data files").isNotEmpty();
    for (Path p : parts) {
      Files.writeString(p, "these bytes are not Parquet");
    }

    Run r = Cli.run("get-endpoint", "--application-id", app, "--endpoint-id", "e1");
    assertOneLineFailure(r, "InternalServerErrorException");
    assertThat(r.err()).contains("A Spark task failed", ".parquet", "--debug");
  }

  @Test
  void aConcurrentDeltaCommitIsAConflictToRunAgain() {
    SparkSession spark = SparkTestSession.get();
    String table = dir.resolve("contended").toString();
    spark.range(2).write().format("delta").save(table);
    OptimisticTransaction txn = DeltaLog.forTable(spark, table).startTransaction();
    List<AddFile> read = CollectionConverters.asJava(txn.filterFiles());
    spark.range(1).write().format("delta").mode("append").save(table);
    List<Action> removeWhatWasRead = read.stream().map(f -> (Action) f.remove()).toList();

    Throwable refused = catchThrowable(() -> txn.commit(
        CollectionConverters.asScala(removeWhatWasRead).toList(), new DeltaOperations.Update(Option.empty())));
    LakecastException e = LakecastErrors.fromFailure(refused);
    assertThat(e.code()).isEqualTo("ConflictException");
    assertThat(e.exitCode()).as("exit code").isEqualTo(1);
    assertThat(e.getMessage()).startsWith("Another job changed a warehouse table while this command ran")
        .contains("run the command again");
  }
}
