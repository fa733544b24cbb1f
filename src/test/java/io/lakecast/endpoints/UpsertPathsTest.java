package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.imports.ImportEndpointsJob;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.AppShapes.CreateApplicationRequest;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The three ways EndpointUpsert applies changed records — Delta MERGEs for a few; for many, only the touched
 * endpoints written with their old rows marked deleted, or one rewrite of the application, each with the changes
 * broadcast or shuffled — give the same table after every write of a scenario that exercises each merge rule, and
 * unchanged records are skipped.
 */
@SuppressWarnings("unchecked")
public class UpsertPathsTest {
  @TempDir Path root;
  final SparkSession spark = SparkTestSession.get();

  @AfterEach
  void defaults() {
    spark.conf().unset(LakecastConf.UPSERT_MERGE_MAX_ROWS);
    spark.conf().unset(LakecastConf.UPSERT_DELETION_VECTORS);
    spark.conf().unset(LakecastConf.UPSERT_BROADCAST_MAX_ROWS);
    spark.conf().unset("spark.sql.autoBroadcastJoinThreshold");
  }

  /** How many changes take the MERGEs, and whether many may replace only the touched rows (deletion vectors). */
  void use(int mergeMaxRows, boolean deletionVectors) {
    spark.conf().set(LakecastConf.UPSERT_MERGE_MAX_ROWS, String.valueOf(mergeMaxRows));
    spark.conf().set(LakecastConf.UPSERT_DELETION_VECTORS, String.valueOf(deletionVectors));
  }

  /** First write: 40 endpoints of 10 users, every record dated so that both warehouses hold the same values. */
  static List<String> initial() {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      out.add("{\"Id\":\"e" + i + "\",\"ChannelType\":\"" + (i % 2 == 0 ? "EMAIL" : "SMS") + "\",\"Address\":\""
          + (i % 2 == 0 ? "p" + i + "@example.com" : "+1206555" + (1000 + i)) + "\","
          + "\"Attributes\":{\"Plan\":[\"Free\"],\"Interests\":[\"Music\",\"Travel\"]},\"Metrics\":{\"visits\":" + i
          + "},\"User\":{\"UserId\":\"u" + (i % 10) + "\""
          + (i < 10 ? ",\"UserAttributes\":{\"Tier\":[\"Silver\"],\"Lang\":[\"en\"]}" : "") + "},"
          + "\"EffectiveDate\":\"2026-01-01T00:00:00Z\",\"CreationDate\":\"2026-01-01T00:00:00Z\"}");
    }
    return out;
  }

  /** A later file: the same records, some changed, new ones, and one of each side effect. */
  static List<String> changes() {
    List<String> out = new ArrayList<>(initial());
    String d = "\"EffectiveDate\":\"2026-02-01T00:00:00Z\"";
    out.set(3, "{\"Id\":\"e3\",\"Attributes\":{\"Plan\":[\"Pro\"]},\"Metrics\":{\"purchases\":1}," + d + "}");
    out.set(4, "{\"Id\":\"e4\",\"Demographic\":{\"Platform\":\"ios\"},\"OptOut\":\"ALL\"," + d + "}");
    out.set(5, "{\"Id\":\"e5\",\"User\":{\"UserId\":\"u5\",\"UserAttributes\":{\"Tier\":[\"Gold\"]}}," + d + "}");
    out.set(6, "{\"Id\":\"e6\",\"User\":{\"UserId\":\"u9\"}," + d + "}");
    out.add("{\"Id\":\"n1\",\"ChannelType\":\"EMAIL\",\"Address\":\"p2@example.com\",\"User\":{\"UserId\":\"u2\"},"
        + d + ",\"CreationDate\":\"2026-02-01T00:00:00Z\"}");
    out.add("{\"Id\":\"n2\",\"ChannelType\":\"GCM\",\"Address\":\"token-n2\",\"Location\":{\"Country\":\"DE\"},"
        + d + ",\"CreationDate\":\"2026-02-01T00:00:00Z\"}");
    out.add("{\"Id\":\"e7\",\"Attributes\":{\"Plan\":[\"Team\"]}," + d + "}");
    out.add("{\"Id\":\"e7\",\"Attributes\":{\"Plan\":[\"Last wins\"]}," + d + "}");
    return out;
  }

  Dataset<Row> records(List<String> lines) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      EndpointParser.Parsed parsed = EndpointParser.parseJson(lines.get(i));
      assertThat(parsed.rejection()).as(lines.get(i)).isNull();
      rows.add(EndpointParser.toRow("file", i + 1, null, parsed));
    }
    return spark.createDataFrame(rows, EndpointParser.PARSED_SCHEMA);
  }

  /** Runs the scenario in a fresh warehouse; returns the table after each write and each write's result. */
  List<Object> scenario(String name, int mergeMaxRows, boolean deletionVectors) {
    use(mergeMaxRows, deletionVectors);
    Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve(name).toAbsolutePath());
    String app = new AppCatalog(warehouse).create(new CreateApplicationRequest("paths", null)).id();
    List<Object> out = new ArrayList<>();
    for (List<String> write : List.of(initial(), initial(), changes(), changes())) {
      EndpointUpsert.Result result = EndpointUpsert.upsert(warehouse, app, records(write));
      out.add(result);
      out.add(table(warehouse, app));
    }
    return out;
  }

  public static List<String> table(Warehouse warehouse, String app) {
    List<String> rows = new ArrayList<>();
    for (Row r : warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(app)).orderBy("Id")
        .drop("ApplicationId").collectAsList()) {
      rows.add(String.valueOf(canonical(r)));
    }
    return rows;
  }

  /** Rows with map keys sorted, so that the comparison does not depend on map entry order. */
  static Object canonical(Object v) {
    if (v instanceof Row r) {
      Map<String, Object> m = new TreeMap<>();
      for (int i = 0; i < r.length(); i++) {
        m.put(r.schema().fields()[i].name(), canonical(r.get(i)));
      }
      return m;
    }
    if (v instanceof scala.collection.Map<?, ?> m) {
      Map<String, Object> sorted = new TreeMap<>();
      CollectionConverters.asJava(m).forEach((k, x) -> sorted.put(String.valueOf(k), canonical(x)));
      return sorted;
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return CollectionConverters.asJava(s).stream().map(UpsertPathsTest::canonical).toList();
    }
    return v;
  }

  @Test
  void mergeReplaceAndRewriteGiveTheSameTableAndSkipUnchangedRecords() {
    List<Object> merged = scenario("merge", 10_000, true);
    List<Object> rewritten = scenario("rewrite", 0, false);
    List<Object> replaced = scenario("replace", 0, true);
    // Past upsert.broadcastMaxRows (here 0) both passes join the changes by shuffle (and Spark, which would
    // broadcast these small tables itself, is told not to): the same tables again.
    spark.conf().set(LakecastConf.UPSERT_BROADCAST_MAX_ROWS, "0");
    spark.conf().set("spark.sql.autoBroadcastJoinThreshold", "-1");
    List<Object> rewrittenShuffled = scenario("rewrite-shuffled", 0, false);
    List<Object> replacedShuffled = scenario("replace-shuffled", 0, true);
    assertThat(((EndpointUpsert.Result) merged.get(0)).path())
        .as("the first write's users carry UserAttributes on one endpoint each: a sync, so no plain append")
        .isEqualTo("merge");
    assertThat(rowOf(merged.get(1), "e15")).as("u5's attributes synchronized by the first write")
        .contains("Tier=[Silver]", "Lang=[en]");
    long syncedByFirstWrite = ((List<String>) merged.get(1)).stream().filter(r -> r.contains("RecordHash=null"))
        .count();
    assertThat(syncedByFirstWrite).as("e10..e39 got their user's attributes").isEqualTo(30);
    assertThat(((EndpointUpsert.Result) merged.get(2)).changed())
        .as("the same file again re-applies only the endpoints a side effect touched").isEqualTo(syncedByFirstWrite);
    assertThat(withoutHash(merged.get(3))).as("and changes nothing").isEqualTo(withoutHash(merged.get(1)));
    assertThat(((EndpointUpsert.Result) merged.get(4)).path()).isEqualTo("merge");
    assertThat(((EndpointUpsert.Result) rewritten.get(4)).path()).isEqualTo("rewrite");
    assertThat(((EndpointUpsert.Result) replaced.get(0)).path())
        .as("an application without files has nothing to mark deleted").isEqualTo("rewrite");
    assertThat(((EndpointUpsert.Result) replaced.get(2)).path()).as("30 of 40 endpoints change: past half")
        .isEqualTo("rewrite");
    assertThat(((EndpointUpsert.Result) replaced.get(4)).path()).isEqualTo("replace");
    assertThat(((EndpointUpsert.Result) replaced.get(6)).path()).isEqualTo("replace");
    assertThat(((EndpointUpsert.Result) replacedShuffled.get(4)).path()).isEqualTo("replace");
    assertThat(((EndpointUpsert.Result) replacedShuffled.get(6)).path()).isEqualTo("replace");
    assertThat(((EndpointUpsert.Result) rewrittenShuffled.get(4)).path()).isEqualTo("rewrite");
    assertThat(((EndpointUpsert.Result) merged.get(4)).changed()).as("e3 e4 e5 e6 e7 n1 n2").isEqualTo(7);
    for (int i = 1; i < merged.size(); i += 2) {
      assertThat(rewritten.get(i)).as("table after write " + (i / 2 + 1)).isEqualTo(merged.get(i));
      assertThat(replaced.get(i)).as("replaced: table after write " + (i / 2 + 1)).isEqualTo(merged.get(i));
      assertThat(rewrittenShuffled.get(i)).as("rewritten by shuffle: table after write " + (i / 2 + 1))
          .isEqualTo(merged.get(i));
      assertThat(replacedShuffled.get(i)).as("replaced by shuffle: table after write " + (i / 2 + 1))
          .isEqualTo(merged.get(i));
    }
    assertThat(withoutHash(rewritten.get(7))).as("the same changes again leave the endpoints as they were")
        .isEqualTo(withoutHash(rewritten.get(5)));
    long touchedBySideEffects = ((List<String>) rewritten.get(5)).stream().filter(r -> r.contains("RecordHash=null"))
        .count();
    assertThat(touchedBySideEffects).isBetween(1L, 20L);
    assertThat(((EndpointUpsert.Result) rewritten.get(6)).changed())
        .as("only endpoints that another record's side effect touched are written again")
        .isEqualTo(touchedBySideEffects);

    String after = String.join("\n", (List<String>) rewritten.get(5));
    assertThat(rowOf(rewritten.get(5), "e3")).contains("Plan=[Pro]", "Interests=[Music, Travel]", "purchases=1.0",
        "visits=3.0", "EffectiveDate=2026-02-01T00:00:00Z", "CreationDate=2026-01-01T00:00:00Z");
    assertThat(rowOf(rewritten.get(5), "e2")).as("same address as n1").contains("EndpointStatus=INACTIVE");
    assertThat(rowOf(rewritten.get(5), "n1")).contains("EndpointStatus=ACTIVE", "OptOut=NONE");
    assertThat(rowOf(rewritten.get(5), "e15")).as("u5's attributes synchronized")
        .contains("Tier=[Gold]", "Lang=[en]", "UserId=u5");
    assertThat(rowOf(rewritten.get(5), "e5")).contains("Tier=[Gold]", "Lang=[en]");
    assertThat(rowOf(rewritten.get(5), "e6")).contains("UserId=u9");
    assertThat(rowOf(rewritten.get(5), "e7")).contains("Plan=[Last wins]");
    assertThat(after).contains("Id=n2");
  }

  @Test
  void aFirstWriteIsAPlainAppendOnlyWhenNoRuleAcrossRecordsApplies() {
    Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve("first").toAbsolutePath());
    AppCatalog apps = new AppCatalog(warehouse);
    String plain = apps.create(new CreateApplicationRequest("plain", null)).id();
    assertThat(EndpointUpsert.upsert(warehouse, plain, records(List.of(
        "{\"Id\":\"a\",\"ChannelType\":\"EMAIL\",\"Address\":\"a@example.com\"}",
        "{\"Id\":\"b\",\"ChannelType\":\"EMAIL\",\"Address\":\"b@example.com\"}"))).path()).isEqualTo("append");
    assertThat(EndpointUpsert.upsert(warehouse, plain, records(List.of(
        "{\"Id\":\"a\",\"ChannelType\":\"EMAIL\",\"Address\":\"a@example.com\"}",
        "{\"Id\":\"b\",\"ChannelType\":\"EMAIL\",\"Address\":\"b@example.com\"}"))))
        .as("the same records again").isEqualTo(new EndpointUpsert.Result("unchanged", 0));

    String shared = apps.create(new CreateApplicationRequest("shared", null)).id();
    assertThat(EndpointUpsert.upsert(warehouse, shared, records(List.of(
        "{\"Id\":\"a\",\"ChannelType\":\"EMAIL\",\"Address\":\"family@example.com\"}",
        "{\"Id\":\"b\",\"ChannelType\":\"EMAIL\",\"Address\":\"family@example.com\"}"))).path())
        .isEqualTo("merge");
    List<String> table = table(warehouse, shared);
    assertThat(rowOf(table, "a")).as("same address, earlier in the file").contains("EndpointStatus=INACTIVE");
    assertThat(rowOf(table, "b")).as("same address, last in the file").contains("EndpointStatus=ACTIVE");
  }

  /** Four endpoints of three users, two sharing user attributes. */
  public static List<String> stored() {
    return dated(List.of(
        "{\"Id\":\"e1\",\"ChannelType\":\"EMAIL\",\"Address\":\"a@example.com\","
            + "\"User\":{\"UserId\":\"u1\",\"UserAttributes\":{\"Tier\":[\"Silver\"]}}}",
        "{\"Id\":\"e2\",\"ChannelType\":\"EMAIL\",\"Address\":\"b@example.com\","
            + "\"User\":{\"UserId\":\"u1\",\"UserAttributes\":{\"Tier\":[\"Silver\"]}}}",
        "{\"Id\":\"e3\",\"ChannelType\":\"SMS\",\"Address\":\"+12065550103\",\"User\":{\"UserId\":\"u2\"}}",
        "{\"Id\":\"e4\",\"ChannelType\":\"EMAIL\",\"Address\":\"c@example.com\","
            + "\"User\":{\"UserId\":\"u3\",\"UserAttributes\":{\"Tier\":[\"Bronze\"]}}}"), "2026-01-01");
  }

  /**
   * Independent records (no Id or address twice, one UserAttributes per user) whose changes still reach stored
   * endpoints: e2's user attributes go to e1, which the file leaves out, and n5 takes stored e4's address. e3 is
   * unchanged.
   */
  public static List<String> independentChanges() {
    List<String> out = new ArrayList<>(dated(List.of(
        "{\"Id\":\"e2\",\"ChannelType\":\"EMAIL\",\"Address\":\"b@example.com\","
            + "\"User\":{\"UserId\":\"u1\",\"UserAttributes\":{\"Tier\":[\"Gold\"]}}}",
        "{\"Id\":\"n5\",\"ChannelType\":\"EMAIL\",\"Address\":\"c@example.com\",\"User\":{\"UserId\":\"u4\"}}"),
        "2026-02-01"));
    out.add(1, stored().get(2));
    return out;
  }

  /** The records dated {@code day}, so that warehouses written at different times hold the same values. */
  public static List<String> dated(List<String> records, String day) {
    String dates = ",\"EffectiveDate\":\"" + day + "T00:00:00Z\",\"CreationDate\":\"" + day + "T00:00:00Z\"}";
    return records.stream().map(r -> r.substring(0, r.length() - 1) + dates).toList();
  }

  @Test
  void independentRecordsFindTheSideEffectsAmongTheChangesAloneWithTheSameTable() {
    Map<String, List<String>> tables = new TreeMap<>();
    for (String path : List.of("merge", "rewrite", "replace")) {
      for (boolean independent : new boolean[] {false, true}) {
        use(path.equals("merge") ? 10_000 : 0, !path.equals("rewrite"));
        String name = path + (independent ? "-independent" : "-related");
        Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve(name).toAbsolutePath());
        String app = new AppCatalog(warehouse).create(new CreateApplicationRequest(name, null)).id();
        EndpointUpsert.upsert(warehouse, app, records(stored()));
        EndpointUpsert.Result result =
            EndpointUpsert.upsert(warehouse, app, Map.of(), records(independentChanges()),
            independent ? EndpointUpsert.Known.INDEPENDENT : EndpointUpsert.Known.NOTHING);
        assertThat(result.changed()).as(name + ": e2 and n5").isEqualTo(2);
        assertThat(result.path()).as(name).isEqualTo(path);
        tables.put(name, table(warehouse, app));
      }
    }
    List<String> expected = tables.get("merge-related");
    assertThat(rowOf(expected, "e1")).as("u1's new attributes reach e1").contains("Tier=[Gold]");
    assertThat(rowOf(expected, "e4")).as("n5 took its address").contains("EndpointStatus=INACTIVE");
    assertThat(rowOf(expected, "n5")).contains("EndpointStatus=ACTIVE");
    tables.forEach((name, table) -> assertThat(table).as(name).isEqualTo(expected));
  }

  @Test
  void aReImportOfIndependentRecordsAppliesTheSideEffectsToStoredEndpoints() throws java.io.IOException {
    spark.conf().set(LakecastConf.UPSERT_MERGE_MAX_ROWS, "0");
    Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve("job").toAbsolutePath());
    String app = new AppCatalog(warehouse).create(new CreateApplicationRequest("job", null)).id();
    for (List<String> file : List.of(stored(), independentChanges())) {
      Path ndjson = java.nio.file.Files.write(root.resolve("f" + file.size() + ".json"), file);
      new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app, new io.lakecast.model.JobShapes
          .ImportJobRequest(null, null, io.lakecast.model.PinpointEnums.Format.JSON, true, null,
          ndjson.toUri().toString(), null, null))).run();
    }
    List<String> table = table(warehouse, app);
    assertThat(rowOf(table, "e1")).contains("Tier=[Gold]");
    assertThat(rowOf(table, "e2")).contains("Tier=[Gold]");
    assertThat(rowOf(table, "e4")).contains("EndpointStatus=INACTIVE", "Tier=[Bronze]");
    assertThat(rowOf(table, "n5")).contains("EndpointStatus=ACTIVE", "UserId=u4");
    assertThat(rowOf(table, "e3")).contains("EndpointStatus=ACTIVE");
  }

  @Test
  void replacedRowsAreCompactedByARewriteOnceTheyWouldBeHalfTheApplicationsRows() {
    use(0, true);
    // A space in the warehouse's path: Spark names files by URI (%20), Delta by path; both must meet.
    Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve("compact here").toAbsolutePath());
    String app = new AppCatalog(warehouse).create(new CreateApplicationRequest("compact", null)).id();
    List<String> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add("{\"Id\":\"c" + i + "\",\"ChannelType\":\"EMAIL\",\"Address\":\"c" + i + "@example.com\"}");
    }
    EndpointUpsert.upsert(warehouse, app, records(ten));
    List<String> paths = new ArrayList<>();
    List<List<String>> tables = new ArrayList<>();
    for (String plan : List.of("Pro", "Team", "Max")) {
      List<String> three = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        three.add("{\"Id\":\"c" + i + "\",\"Attributes\":{\"Plan\":[\"" + plan + "\"]}}");
      }
      paths.add(EndpointUpsert.upsert(warehouse, app, records(three)).path());
      tables.add(table(warehouse, app));
    }
    assertThat(paths).as("3 of 13 stored rows deleted, then 6 of 16: 3 more would be over half, so the rewrite")
        .containsExactly("replace", "replace", "rewrite");
    assertThat(tables.get(1)).as("c0..c2 once each: their rows deleted by the first replace stay deleted")
        .hasSize(10);
    assertThat(rowOf(tables.get(1), "c0")).contains("Plan=[Team]");
    assertThat(rowOf(tables.get(1), "c3")).doesNotContain("Plan");
    var snapshot = org.apache.spark.sql.delta.DeltaLog.forTable(spark, warehouse.path(Table.ENDPOINTS)).update(false,
        scala.Option.empty(), scala.Option.empty());
    assertThat(snapshot.allFiles().filter(col("deletionVector").isNotNull()).count())
        .as("no deleted rows left in the files after the rewrite").isZero();
    assertThat(tables.get(2)).hasSize(10);
    assertThat(rowOf(tables.get(2), "c1")).contains("Plan=[Max]");
  }

  @Test
  void theReplacePathTakesOneChangePerTwoKibibytesOfDriverHeapAndNeverFewerThanHalfAMillion() {
    assertThat(EndpointUpsert.replaceMax(4L << 30)).as("the launcher's -Xmx4g").isEqualTo(2_097_152);
    assertThat(EndpointUpsert.replaceMax(8L << 30)).as("the bench's -Xmx8g").isEqualTo(4_194_304);
    assertThat(EndpointUpsert.replaceMax(512L << 20)).as("a small driver").isEqualTo(500_000);
  }

  static List<String> withoutHash(Object table) {
    return ((List<String>) table).stream().map(r -> r.replaceAll("RecordHash=[^,]*, ", "")).toList();
  }

  public static String rowOf(Object table, String id) {
    return ((List<String>) table).stream().filter(r -> r.contains(", Id=" + id + ",")).findFirst().orElseThrow();
  }
}
