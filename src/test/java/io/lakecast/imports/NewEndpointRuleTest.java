package io.lakecast.imports;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In an import, a record that creates an endpoint (no Id, or an Id the application does not have) needs ChannelType
 * and Address; a record that updates a stored endpoint may omit both. Every import path applies the rule: the
 * one-pass first import (as it parses), and the general path, which a re-import takes when such records may be
 * updates.
 */
class NewEndpointRuleTest {
  @TempDir static Path root;
  final SparkSession spark = SparkTestSession.get();
  Warehouse warehouse;
  String app;

  void newApplication(String name) {
    warehouse = new Warehouse(spark, "file:" + root.resolve(name).toAbsolutePath());
    app = new AppCatalog(warehouse).create(new CreateApplicationRequest(name, null)).id();
  }

  ImportEndpointsJob.Result importFile(String name, Format format, String content) throws IOException {
    Path file = Files.writeString(root.resolve(name), content);
    return new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app,
        new ImportJobRequest(null, null, format, true, null, file.toUri().toString(), null, null))).run();
  }

  /** The job's rejects as "line reason: message". */
  List<String> rejects(ImportEndpointsJob.Result r) {
    List<String> out = new ArrayList<>();
    for (Row x : warehouse.read(Table.IMPORT_REJECTS).filter(col("JobId").equalTo(r.job().id()))
        .orderBy("line").select("line", "reason", "message").collectAsList()) {
      out.add(x.getLong(0) + " " + x.getString(1) + ": " + x.getString(2));
    }
    return out;
  }

  /** The application's endpoints as "Id ChannelType Address Plan". */
  List<String> endpoints() {
    List<String> out = new ArrayList<>();
    for (Row x : warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).orderBy("Id")
        .select(col("Id"), col("ChannelType"), col("Address"), col("Attributes").getItem("Plan").getItem(0))
        .collectAsList()) {
      out.add(x.getString(0) + " " + x.getString(1) + " " + x.getString(2) + " " + x.getString(3));
    }
    return out;
  }

  @Test
  void aFirstImportRejectsRecordsWithAnIdThatLackChannelTypeOrAddress() throws IOException {
    newApplication("first");
    ImportEndpointsJob.Result r = importFile("first.csv", Format.CSV, """
        Id,ChannelType,Address,User.UserId,Attributes.Plan
        a1,EMAIL,a1@example.com,u1,Free
        a2,EMAIL,,u2,Free
        a3,,+12065550103,u3,Free
        ,SMS,,u4,Free
        """);

    assertThat(r.path()).isEqualTo("first import in one pass");
    assertThat(rejects(r)).containsExactly(
        "3 MISSING_ADDRESS: Address is required for a new endpoint (Id 'a2' is not an endpoint of the application)",
        "4 MISSING_CHANNEL_TYPE: ChannelType is required for a new endpoint (Id 'a3' is not an endpoint of the "
            + "application)",
        "5 MISSING_ADDRESS: Address is required for a new endpoint (a record without Id)");
    assertThat(endpoints()).containsExactly("a1 EMAIL a1@example.com Free");
    assertThat(r.imported()).isEqualTo(1);
    assertThat(r.rejected()).isEqualTo(3);
  }

  @Test
  void aReImportAcceptsUpdatesOfStoredEndpointsAndRejectsNewOnesWithoutAddress() throws IOException {
    newApplication("re-import");
    importFile("stored.csv", Format.CSV, """
        Id,ChannelType,Address,User.UserId,Attributes.Plan
        a1,EMAIL,a1@example.com,u1,Free
        a2,SMS,+12065550102,u2,Free
        """);

    ImportEndpointsJob.Result r = importFile("changes.json", Format.JSON, """
        {"Id":"a1","Attributes":{"Plan":["Pro"]}}
        {"Id":"b1","Attributes":{"Plan":["Pro"]}}
        {"Id":"b2","ChannelType":"SMS","Address":"+12065550199","Attributes":{"Plan":["Free"]}}
        {"Id":"a2","OptOut":"ALL"}
        {"Id":"b3","ChannelType":"EMAIL"}
        """);

    assertThat(r.path()).as("records that may only update take the general path").isEqualTo("general");
    assertThat(rejects(r)).containsExactly(
        "2 MISSING_CHANNEL_TYPE: ChannelType is required for a new endpoint (Id 'b1' is not an endpoint of the "
            + "application)",
        "5 MISSING_ADDRESS: Address is required for a new endpoint (Id 'b3' is not an endpoint of the application)");
    assertThat(endpoints()).containsExactly(
        "a1 EMAIL a1@example.com Pro", "a2 SMS +12065550102 Free", "b2 SMS +12065550199 Free");
  }

  @Test
  void aRecordIsNewEvenWhenAnotherRecordOfTheImportCreatesItsId() throws IOException {
    newApplication("same-id");
    importFile("stored.csv", Format.CSV, """
        Id,ChannelType,Address,User.UserId,Attributes.Plan
        a1,EMAIL,a1@example.com,u1,Free
        """);
    // Of an import's records with one Id the last wins whole, so the second c1 would leave an endpoint without
    // ChannelType and Address: it is judged as a new endpoint and rejected; the first c1 stands.
    ImportEndpointsJob.Result r = importFile("same-id.json", Format.JSON, """
        {"Id":"c1","ChannelType":"EMAIL","Address":"c1@example.com","Attributes":{"Plan":["Free"]}}
        {"Id":"c1","Attributes":{"Plan":["Pro"]}}
        """);

    assertThat(r.path()).isEqualTo("general");
    assertThat(rejects(r)).containsExactly(
        "2 MISSING_CHANNEL_TYPE: ChannelType is required for a new endpoint (Id 'c1' is not an endpoint of the "
            + "application)");
    assertThat(endpoints()).containsExactly("a1 EMAIL a1@example.com Free", "c1 EMAIL c1@example.com Free");
  }
}
