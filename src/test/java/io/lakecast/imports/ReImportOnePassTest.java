package io.lakecast.imports;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.endpoints.UpsertPathsTest;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.AppShapes.CreateApplicationRequest;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-import read in one pass (only the records that change an endpoint staged) leaves the same endpoints, rejects
 * and counts as the general path, and steps aside to it when a rule across records or the per-user limit has
 * something to do.
 */
class ReImportOnePassTest {
  @TempDir static Path root;
  final SparkSession spark = SparkTestSession.get();

  @AfterEach
  void defaults() {
    spark.conf().unset(LakecastConf.IMPORT_ONE_PASS);
    spark.conf().unset(LakecastConf.UPSERT_MERGE_MAX_ROWS);
  }

  /** What an import left: its result, the app's endpoints and the job's rejects. */
  record After(ImportEndpointsJob.Result result, List<String> endpoints, List<String> rejects) {}

  static Path file(String name, List<String> lines) throws IOException {
    Path p = root.resolve(name);
    if (!Files.exists(p)) {
      Files.write(p, lines);
    }
    return p;
  }

  /** Imports {@code files} in order into a new application; returns what each import left. */
  List<After> imports(String warehouseName, boolean onePass, List<Path> files) {
    spark.conf().set(LakecastConf.IMPORT_ONE_PASS, String.valueOf(onePass));
    spark.conf().set(LakecastConf.UPSERT_MERGE_MAX_ROWS, "0");
    Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve(warehouseName).toAbsolutePath());
    String app = new AppCatalog(warehouse).create(new CreateApplicationRequest(warehouseName, null)).id();
    List<After> out = new ArrayList<>();
    for (Path f : files) {
      ImportEndpointsJob.Result r = new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app,
          new ImportJobRequest(null, null, Format.JSON, true, null, f.toUri().toString(), null, null))).run();
      List<String> rejects = new ArrayList<>();
      for (Row x : warehouse.read(Table.IMPORT_REJECTS).filter(col("JobId").equalTo(r.job().id()))
          .orderBy("source", "line").select("source", "line", "reason").collectAsList()) {
        rejects.add(x.toString());
      }
      out.add(new After(r, UpsertPathsTest.table(warehouse, app), rejects));
    }
    return out;
  }

  @Test
  void aReImportInOnePassLeavesWhatTheGeneralPathLeaves() throws IOException {
    List<String> changes = new ArrayList<>(UpsertPathsTest.independentChanges());
    changes.add(1, "{\"Id\":\"bad\",\"ChannelType\":\"PIGEON\",\"Address\":\"coo\"}");
    // The third import changes e2 again: it reads the endpoints the second one replaced, whose old rows deletion
    // vectors now delete, and must see e2 once (its old row differs from the record too).
    List<Path> files = List.of(file("stored.json", UpsertPathsTest.stored()), file("changes.json", changes),
        file("again.json", UpsertPathsTest.dated(List.of("{\"Id\":\"e2\",\"ChannelType\":\"EMAIL\","
            + "\"Address\":\"b@example.com\",\"User\":{\"UserId\":\"u1\",\"UserAttributes\":"
            + "{\"Tier\":[\"Platinum\"]}}}"), "2026-03-01")));

    List<After> onePass = imports("one-pass", true, files);
    List<After> general = imports("general", false, files);

    assertThat(onePass.get(1).result().path()).isEqualTo("re-import in one pass");
    assertThat(general.get(1).result().path()).isEqualTo("general");
    assertThat(onePass.get(2).result().path()).isEqualTo("re-import in one pass");
    After after = onePass.get(1);
    assertThat(after.result().processed()).as("e2, e3 unchanged, n5 and the bad one").isEqualTo(4);
    assertThat(after.result().imported()).isEqualTo(3);
    assertThat(after.result().rejected()).isEqualTo(1);
    assertThat(after.rejects()).singleElement().asString().contains("changes.json", ",2,", "INVALID_ENUM");
    assertThat(UpsertPathsTest.rowOf(after.endpoints(), "e1")).as("not in the file, synced by e2")
        .contains("Tier=[Gold]");
    assertThat(UpsertPathsTest.rowOf(after.endpoints(), "e4")).contains("EndpointStatus=INACTIVE");
    assertThat(onePass.get(2).endpoints()).as("e1..e4 and n5, once each").hasSize(5);
    assertThat(UpsertPathsTest.rowOf(onePass.get(2).endpoints(), "e1")).as("synced by e2")
        .contains("Tier=[Platinum]");
    for (int i = 0; i < 3; i++) {
      assertThat(onePass.get(i).endpoints()).as("endpoints after import " + (i + 1))
          .isEqualTo(general.get(i).endpoints());
      assertThat(onePass.get(i).rejects()).isEqualTo(general.get(i).rejects());
      assertThat(onePass.get(i).result().job().totalProcessed()).isEqualTo(general.get(i).result().job()
          .totalProcessed());
      assertThat(onePass.get(i).result().job().totalFailures()).isEqualTo(general.get(i).result().job()
          .totalFailures());
      assertThat(onePass.get(i).result().job().failures()).isEqualTo(general.get(i).result().job().failures());
    }
  }

  @Test
  void aReImportWithARuleAcrossRecordsTakesTheGeneralPath() throws IOException {
    List<String> shared = UpsertPathsTest.dated(List.of(
        "{\"Id\":\"n6\",\"ChannelType\":\"EMAIL\",\"Address\":\"family@example.com\"}",
        "{\"Id\":\"n7\",\"ChannelType\":\"EMAIL\",\"Address\":\"family@example.com\"}"), "2026-03-01");
    List<Path> files = List.of(file("stored.json", UpsertPathsTest.stored()), file("shared.json", shared));

    List<After> onePass = imports("shared-one-pass", true, files);

    assertThat(onePass.get(1).result().path()).isEqualTo("general");
    assertThat(UpsertPathsTest.rowOf(onePass.get(1).endpoints(), "n6")).contains("EndpointStatus=INACTIVE");
    assertThat(UpsertPathsTest.rowOf(onePass.get(1).endpoints(), "n7")).contains("EndpointStatus=ACTIVE");
    assertThat(onePass.get(1).endpoints()).isEqualTo(imports("shared-general", false, files).get(1).endpoints());
  }

  @Test
  void aReImportThatTheUserLimitRejectsTakesTheGeneralPath() throws IOException {
    spark.conf().set(LakecastConf.IMPORT_MAX_ENDPOINTS_PER_USER, "2");
    try {
      List<String> third = UpsertPathsTest.dated(List.of(
          "{\"Id\":\"n8\",\"ChannelType\":\"EMAIL\",\"Address\":\"third@example.com\",\"User\":{\"UserId\":\"u1\","
              + "\"UserAttributes\":{\"Tier\":[\"Silver\"]}}}"), "2026-03-01");
      List<Path> files = List.of(file("stored.json", UpsertPathsTest.stored()), file("third.json", third));

      After after = imports("limit", true, files).get(1);

      assertThat(after.result().path()).isEqualTo("general");
      assertThat(after.result().rejected()).isEqualTo(1);
      assertThat(after.rejects()).singleElement().asString().contains("TOO_MANY_ENDPOINTS_FOR_USER");
      assertThat(after.endpoints()).noneMatch(r -> r.contains("Id=n8,"));
    } finally {
      spark.conf().unset(LakecastConf.IMPORT_MAX_ENDPOINTS_PER_USER);
    }
  }
}
