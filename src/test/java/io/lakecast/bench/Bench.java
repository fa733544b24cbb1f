package io.lakecast.bench;

import static org.apache.spark.sql.functions.col;

import io.lakecast.conf.LakecastConf;
import io.lakecast.campaigns.CampaignCatalog;
import io.lakecast.campaigns.RunCampaignActivityJob;
import io.lakecast.imports.EndpointGenerator;
import io.lakecast.imports.ImportEndpointsJob;
import io.lakecast.model.AppShapes.CreateApplicationRequest;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.segments.SegmentCatalog;
import io.lakecast.segments.SegmentPredicates;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The benchmark behind {@code scripts/bench}: in one JVM and one local session, times (a) plain Spark reading the
 * generated CSV and writing a Delta table (the baseline, no Lakecast code), (b) create-import-job of the same file
 * into an empty warehouse, (c) evaluating a 4-dimension segment, with the same predicate hand-written as a
 * DataFrame filter beside it, (d) the campaign activity through the outbox, (e) a re-import of the endpoints with
 * 10% changed, and (f) a DAILY campaign with Daily and Total limits run on 10 consecutive days (its time is day 1's;
 * its note gives each day's ratio to day 1, which a growing ledger must not raise), then the events rows (see
 * {@link #eventRows}), (g), a CUSTOM webhook campaign, and (g'), the same paced by MessagesPerSecond
 * ({@link #webhookRows}), and (j), an EMAIL campaign of at most 100,000 through SMTP to GreenMail
 * ({@link #emailRow}). {@code --rows} picks the groups: {@code endpoints} is (a) to (f), {@code events} (h'), (h)
 * and (i), {@code webhook} (g) and (g'), {@code email} (j); {@code scale} and {@code reimport}, which run alone
 * and only when named, are (b), (c) and (d), and (b) and (e), once each, for the largest sizes ({@link #scaleRows},
 * {@link #reimportRows}). Prints each time and, when (a) ran, its
 * ratio to (a), then each step's peak heap, spills and disk use ({@link StepResources}). A warm-up pass on a small
 * file runs every step first so that class loading favours no row; (a) and (b), and likewise (h') and (h), then
 * run twice each, alternating, and keep their better run, because on 2 cores the JIT compiler still competes with
 * the first large run (whose times (b)'s and (h)'s notes give). (e) also runs twice, each time changing another
 * tenth of the endpoints, and keeps its better run; its note gives the first.
 * {@code --growth} runs every row at N and at 10 N instead and prints each row's growth ({@link #growth}).
 */
public final class Bench {
  public static final String SEGMENT =
      "{\"Name\":\"bench\",\"Dimensions\":{"
          + "\"Demographic\":{\"Channel\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"EMAIL\",\"SMS\"]}},"
          + "\"Location\":{\"Country\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"US\",\"CA\",\"GB\",\"DE\"]}},"
          + "\"Attributes\":{\"Interests\":{\"AttributeType\":\"INCLUSIVE\",\"Values\":[\"Music\",\"Travel\"]}},"
          + "\"Metrics\":{\"purchases\":{\"ComparisonOperator\":\"GREATER_THAN_OR_EQUAL\",\"Value\":2}}}}";

  record Row4(String name, double seconds, String note) {}

  public static void main(String[] args) throws IOException {
    long endpoints = 1_000_000;
    Path work = Files.createTempDirectory("lakecast-bench");
    java.util.Set<String> groups = new java.util.LinkedHashSet<>(DEFAULT_GROUPS);
    boolean growth = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--endpoints" -> endpoints = Long.parseLong(args[++i]);
        case "--growth" -> growth = true;
        case "--workdir" -> work = Path.of(args[++i]);
        case "--rows" -> {
          groups = new java.util.LinkedHashSet<>(List.of(args[++i].split(",")));
          if (!GROUPS.containsAll(groups)) {
            throw new IllegalArgumentException("Invalid --rows " + args[i] + "; expected a comma-separated list of "
                + String.join(", ", GROUPS));
          }
        }
        default -> throw new IllegalArgumentException("Unknown option " + args[i]
            + "; expected --endpoints N, --rows " + String.join(",", GROUPS) + ", --growth or --workdir DIR");
      }
    }
    if ((groups.contains("scale") || groups.contains("reimport")) && groups.size() > 1) {
      throw new IllegalArgumentException("--rows scale and --rows reimport each run alone: their rows are the "
          + "others' at sizes where those would take hours");
    }
    SparkSession spark = LakecastSession.getOrCreate();
    System.err.println("bench: warm-up pass on 20,000 endpoints");
    // The warm-up's re-import takes the upsert path the measured one will (a MERGE for few changes, a rewrite for
    // many): the threshold is scaled by the size ratio, else the rewrite would first run, cold, in (e).
    spark.conf().set(LakecastConf.UPSERT_MERGE_MAX_ROWS,
        String.valueOf(LakecastConf.UPSERT_MERGE_MAX_ROWS_DEFAULT * 20_000L / Math.max(endpoints, 20_000L)));
    run(spark, work.resolve("warmup"), 20_000, groups);
    spark.conf().unset(LakecastConf.UPSERT_MERGE_MAX_ROWS);
    int measuredFrom = RESOURCES.size();
    if (growth) {
      growth(spark, work, endpoints, groups);
      printResources(measuredFrom);
      return;
    }
    System.err.println("bench: measured pass on " + endpoints + " endpoints");
    List<Row4> rows = run(spark, work.resolve("measured"), endpoints, groups);
    boolean withBaseline = groups.contains("endpoints");
    System.out.printf(Locale.ROOT, "%nLakecast benchmark, %,d endpoints, %s, %d cores%n", endpoints,
        spark.sparkContext().master(), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-68s %9s %9s%n", "step", "seconds", withBaseline ? "ratio" : "");
    for (Row4 r : rows) {
      System.out.printf(Locale.ROOT, "%-68s %9.2f %9s  %s%n", r.name(), r.seconds(), withBaseline
          ? String.format(Locale.ROOT, "%8.2fx", r.seconds() / rows.get(0).seconds()) : "", r.note());
    }
    if (withBaseline) {
      System.out.printf(Locale.ROOT, "segment evaluation vs the hand-written filter, (c)/(c'): %.2fx%n",
          rows.get(2).seconds() / rows.get(3).seconds());
    }
    printResources(measuredFrom);
    if (groups.contains("scale") || groups.contains("reimport")) {
      printTables(spark, work.resolve("measured/warehouse"));
    }
  }

  /**
   * {@code --growth}: every selected row at {@code n} and at {@code 10 n}, in this JVM, each pass in a new warehouse
   * (the first one's files deleted before the second starts); prints each row's time at both sizes, its growth
   * (10n/n, the target is at most 11x for 10x the data) and its ratio to (a) at each size. (i) streams a fixed
   * 20,000 records at both sizes, so its growth shows the stream's cost does not depend on the store's size.
   */
  static void growth(SparkSession spark, Path work, long n, java.util.Set<String> groups) throws IOException {
    System.err.println("bench: growth pass 1 on " + n + " endpoints");
    List<Row4> small = run(spark, work.resolve("growth-1x"), n, groups);
    deleteTree(work.resolve("growth-1x"));
    System.err.println("bench: growth pass 2 on " + n * 10 + " endpoints");
    List<Row4> large = run(spark, work.resolve("growth-10x"), n * 10, groups);
    boolean withBaseline = groups.contains("endpoints");
    System.out.printf(Locale.ROOT, "%nLakecast benchmark growth, %,d and %,d endpoints, %s, %d cores%n", n, n * 10,
        spark.sparkContext().master(), Runtime.getRuntime().availableProcessors());
    System.out.printf(Locale.ROOT, "%-72s %9s %9s %8s %9s %9s%n", "step", "s at 1x", "s at 10x", "growth",
        withBaseline ? "ratio 1x" : "", withBaseline ? "ratio 10x" : "");
    double worst = 0;
    for (int i = 0; i < small.size(); i++) {
      Row4 a = small.get(i);
      Row4 b = large.get(i);
      double g = b.seconds() / a.seconds();
      worst = Math.max(worst, g);
      System.out.printf(Locale.ROOT, "%-72s %9.2f %9.2f %7.2fx %9s %9s%n", a.name(), a.seconds(), b.seconds(), g,
          withBaseline ? String.format(Locale.ROOT, "%8.2fx", a.seconds() / small.get(0).seconds()) : "",
          withBaseline ? String.format(Locale.ROOT, "%8.2fx", b.seconds() / large.get(0).seconds()) : "");
    }
    System.out.printf(Locale.ROOT, "largest growth: %.2fx for 10x the data (target: at most 11x)%n", worst);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /**
   * The row groups {@code --rows} selects from: {@code endpoints} is (a) to (f), {@code events} (h'), (h), (i),
   * {@code webhook} (g) and (g'), {@code email} (j), {@code scale} (b), (c) and (d) once each, {@code reimport} (b)
   * and (e) once each.
   */
  static final List<String> GROUPS = List.of("endpoints", "events", "webhook", "email", "scale", "reimport");
  /** The groups a bench without {@code --rows} runs: all but {@code scale} and {@code reimport}, for large sizes. */
  static final List<String> DEFAULT_GROUPS = List.of("endpoints", "events", "webhook", "email");

  static List<Row4> run(SparkSession spark, Path dir, long n, java.util.Set<String> groups) throws IOException {
    Files.createDirectories(dir);
    passFolder = dir;
    spark.conf().set("spark.lakecast.warehouse", "file:" + dir.resolve("warehouse"));
    Warehouse warehouse = Warehouse.of(spark);
    List<Row4> rows = new ArrayList<>();
    if (groups.contains("scale")) {
      rows.addAll(scaleRows(warehouse, dir, n));
    }
    if (groups.contains("reimport")) {
      rows.addAll(reimportRows(warehouse, dir, n));
    }
    if (groups.contains("endpoints")) {
      rows.addAll(endpointRows(spark, warehouse, dir, n));
    }
    if (groups.contains("events")) {
      rows.addAll(eventRows(spark, warehouse, dir, n));
    }
    if (groups.contains("webhook")) {
      rows.addAll(webhookRows(spark, warehouse, dir, n));
    }
    if (groups.contains("email")) {
      rows.add(emailRow(spark, warehouse, dir, Math.min(n, EMAILS)));
    }
    return rows;
  }

  static List<Row4> endpointRows(SparkSession spark, Warehouse warehouse, Path dir, long n) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("endpoints.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      EndpointGenerator.write(n, 7, Format.CSV, w);
    }
    List<Row4> rows = new ArrayList<>();
    AppCatalog apps = new AppCatalog(warehouse);
    ensureImportTables(warehouse);
    ImportJobRequest importRequest =
        new ImportJobRequest(null, null, Format.CSV, true, null, "file:" + csv, null, null);
    // (a) and (b) alternate twice, each into a new table or application, and each keeps its better run, as (c) does:
    // on 2 cores the JIT compiler still competes with the first large run of each (the note gives that first run).
    List<String> appIds = new ArrayList<>();
    long[] imported = new long[1];
    Row4 baseline = null;
    Row4 fresh = null;
    for (int i = 0; i < 2; i++) {
      String baselineTable = "file:" + dir.resolve("baseline-delta-" + i);
      Row4 ai = timed("(a) baseline: spark.read.csv -> Delta write (best of 2)", "", () -> {
        Dataset<Row> raw = spark.read().option("header", "true").csv("file:" + csv);
        String[] safe = raw.columns().clone();
        for (int k = 0; k < safe.length; k++) {
          safe[k] = safe[k].replace('.', '_');
        }
        raw.toDF(safe).write().format("delta").mode("overwrite").save(baselineTable);
        return 0;
      });
      String app = apps.create(new CreateApplicationRequest("bench-" + i, null)).id();
      appIds.add(app);
      Row4 bi = timed("(b) create-import-job of the same CSV (new application, best of 2)", "", () -> {
        imported[0] = new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app, importRequest)).run()
            .imported();
        return imported[0];
      });
      baseline = baseline == null ? ai : best(baseline, ai);
      fresh = fresh == null ? first(bi, ai) : best(fresh, bi);
    }
    rows.add(baseline);
    rows.add(fresh);
    String appId = appIds.get(0);

    WriteSegmentRequest segment = segment();
    Column predicate = SegmentPredicates.compile(segment.dimensions());
    long[] members = new long[1];
    LongSupplier lakecast = () -> {
      members[0] = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId)).filter(predicate)
          .count();
      return members[0];
    };
    LongSupplier handWritten = () ->
        spark.read().format("delta").load(warehouse.path(Table.ENDPOINTS))
            .filter(col("ApplicationId").equalTo(appId))
            .filter(col("ChannelType").isin("EMAIL", "SMS"))
            .filter(col("Location.Country").isin("US", "CA", "GB", "DE"))
            .filter(org.apache.spark.sql.functions.exists(col("Attributes").getItem("Interests"),
                v -> v.isin("Music", "Travel")))
            .filter(col("Metrics").getItem("purchases").geq(2))
            .count();
    // Short queries: alternate the two, three times each, and keep each one's best, so neither gains from
    // running second (warm snapshot and page cache).
    Row4 c = null;
    Row4 cHand = null;
    for (int i = 0; i < 3; i++) {
      Row4 a = timed("(c) 4-dimension segment: member count (best of 3)", "", lakecast);
      Row4 b = timed("(c') same predicate hand-written as a DataFrame filter (best of 3)", "", handWritten);
      c = c == null || a.seconds() < c.seconds() ? a : c;
      cHand = cHand == null || b.seconds() < cHand.seconds() ? b : cHand;
    }
    rows.add(c);
    rows.add(cHand);

    String segmentId = new SegmentCatalog(warehouse).create(appId, segment).id();
    String campaignId = abCampaign(warehouse, appId, segmentId);
    long[] sent = new long[1];
    rows.add(timed("(d) campaign activity through the outbox", "", () -> {
      sent[0] = new RunCampaignActivityJob(warehouse, new RunCampaignActivityJob.Options(appId, campaignId, null))
          .run().last().sent();
      return sent[0];
    }));
    // (e) runs twice, each re-import changing another tenth of the endpoints (the second file keeps the first one's
    // changes and changes the tenth after them), and keeps the better run as (a) and (b) do; the note gives the first.
    Path changedCsv = dir.resolve("endpoints-changed.csv");
    try (BufferedWriter w = Files.newBufferedWriter(changedCsv, StandardCharsets.UTF_8)) {
      EndpointGenerator.write(n, 7, Format.CSV, w, 10, 0);
    }
    Path changedAgainCsv = dir.resolve("endpoints-changed-again.csv");
    try (BufferedWriter w = Files.newBufferedWriter(changedAgainCsv, StandardCharsets.UTF_8)) {
      EndpointGenerator.write(n, 7, Format.CSV, w, 10, 0, 5);
    }
    Row4 reimport = null;
    for (Path file : List.of(changedCsv, changedAgainCsv)) {
      ImportJobRequest reimportRequest =
          new ImportJobRequest(null, null, Format.CSV, true, null, "file:" + file, null, null);
      Row4 ei = timed("(e) re-import of the same endpoints, 10% changed (best of 2)", "", () ->
          new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(appId, reimportRequest)).run().imported());
      reimport = reimport == null
          ? new Row4(ei.name(), ei.seconds(), String.format(Locale.ROOT, "first run: %.2f s, %.2fx", ei.seconds(),
              ei.seconds() / rows.get(0).seconds()))
          : best(reimport, ei);
    }
    rows.add(reimport);

    // (f) a DAILY campaign with Daily and Total limits run on 10 consecutive days: each day's limits read the ledger
    // all the days before it wrote, so this shows whether a growing ledger slows the runs. Total is 10, so every day
    // still sends (a lower Total would make the last days cheap by sending nothing).
    String dailyJson = "{\"Name\":\"bench daily\",\"SegmentId\":\"" + segmentId + "\","
        + "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"Daily news\"},"
        + "\"EmailMessage\":{\"Title\":\"Daily news\",\"Body\":\"Daily news\"}},"
        + "\"Limits\":{\"Daily\":1,\"Total\":10},"
        + "\"Schedule\":{\"StartTime\":\"2030-01-01T09:00:00Z\",\"Frequency\":\"DAILY\"}}";
    String dailyId = new CampaignCatalog(warehouse).create(appId,
        PinpointJson.parse(dailyJson, WriteCampaignRequest.class, "WriteCampaignRequest", "bench")).id();
    List<Double> days = new ArrayList<>();
    long[] dailySent = new long[1];
    for (int d = 0; d < 10; d++) {
      java.time.Instant at = java.time.Instant.parse("2030-01-01T09:00:00Z").plus(java.time.Duration.ofDays(d));
      Row4 day = timed("(f) day " + (d + 1), "", () -> {
        long s = new RunCampaignActivityJob(warehouse, new RunCampaignActivityJob.Options(appId, dailyId, at)).run()
            .last().sent();
        dailySent[0] = s;
        return s;
      });
      days.add(day.seconds());
    }
    StringBuilder perDay = new StringBuilder();
    double worst = 0;
    for (double d : days) {
      perDay.append(String.format(Locale.ROOT, " %.2f", d / days.get(0)));
      worst = Math.max(worst, d / days.get(0));
    }
    rows.add(new Row4("(f) DAILY campaign, Daily+Total limits: day 1 of 10", days.get(0),
        String.format(Locale.ROOT, "%d messages a day; each day / day 1:%s (worst %.2fx)", dailySent[0], perDay,
            worst)));
    List<Row4> annotated = new ArrayList<>();
    annotated.add(rows.get(0));
    annotated.add(new Row4(rows.get(1).name(), rows.get(1).seconds(),
        imported[0] + " endpoints, " + rows.get(1).note()));
    annotated.add(new Row4(rows.get(2).name(), rows.get(2).seconds(), members[0] + " members"));
    annotated.add(rows.get(3));
    annotated.add(new Row4(rows.get(4).name(), rows.get(4).seconds(), sent[0] + " messages"));
    annotated.add(rows.get(5));
    annotated.add(rows.get(6));
    annotated.addAll(rows.subList(7, rows.size()));
    return annotated;
  }

  /**
   * {@code --rows scale}, for the largest sizes (issue 19's 100M run): (b) the first import of N endpoints into a new
   * application, (c) the 4-dimension segment's member count and (d) the campaign activity through the outbox, each
   * once, without the baseline or repeats. The resources of each step and the tables' sizes are printed after.
   */
  static List<Row4> scaleRows(Warehouse warehouse, Path dir, long n) throws IOException {
    Imported first = firstImport(warehouse, dir, n, "bench-scale");
    String appId = first.appId();
    long[] counts = new long[2];
    List<Row4> rows = new ArrayList<>();
    WriteSegmentRequest segment = segment();
    Column predicate = SegmentPredicates.compile(segment.dimensions());
    rows.add(timed("(c) 4-dimension segment: member count", "", () -> {
      counts[0] = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId)).filter(predicate)
          .count();
      return counts[0];
    }));
    String campaignId = abCampaign(warehouse, appId, new SegmentCatalog(warehouse).create(appId, segment).id());
    rows.add(timed("(d) campaign activity through the outbox", "", () -> {
      counts[1] = new RunCampaignActivityJob(warehouse, new RunCampaignActivityJob.Options(appId, campaignId, null))
          .run().last().sent();
      return counts[1];
    }));
    return List.of(first.row(),
        new Row4(rows.get(0).name(), rows.get(0).seconds(), counts[0] + " members"),
        new Row4(rows.get(1).name(), rows.get(1).seconds(), counts[1] + " messages"));
  }

  /**
   * {@code --rows reimport}, for the largest sizes: (b) the first import of N endpoints into a new application and
   * (e) a re-import of the same endpoints with a tenth of them changed, each once: the re-import's growth without
   * the hours the endpoint rows take at 10M.
   */
  static List<Row4> reimportRows(Warehouse warehouse, Path dir, long n) throws IOException {
    Imported first = firstImport(warehouse, dir, n, "bench-reimport");
    Path changedCsv = dir.resolve("endpoints-changed.csv");
    try (BufferedWriter w = Files.newBufferedWriter(changedCsv, StandardCharsets.UTF_8)) {
      EndpointGenerator.write(n, 7, Format.CSV, w, 10, 0);
    }
    ImportJobRequest request =
        new ImportJobRequest(null, null, Format.CSV, true, null, "file:" + changedCsv, null, null);
    long[] imported = new long[1];
    Row4 e = timed("(e) re-import of the same endpoints, 10% changed", "", () -> {
      imported[0] = new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(first.appId(), request)).run()
          .imported();
      return imported[0];
    });
    return List.of(first.row(), new Row4(e.name(), e.seconds(), imported[0] + " records"));
  }

  /** The application a large first import wrote, and (b)'s row for it. */
  record Imported(String appId, Row4 row) {}

  /** Generates N endpoints as CSV (timed in the log) and imports them into a new application, timed as (b). */
  static Imported firstImport(Warehouse warehouse, Path dir, long n, String name) throws IOException {
    Path csv = dir.resolve("endpoints.csv");
    long start = System.nanoTime();
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      EndpointGenerator.write(n, 7, Format.CSV, w);
    }
    System.err.printf(Locale.ROOT, "bench: generated %,d endpoints (%s) in %.0f s%n", n,
        StepResources.bytes(Files.size(csv)), (System.nanoTime() - start) / 1e9);
    ensureImportTables(warehouse);
    String appId = new AppCatalog(warehouse).create(new CreateApplicationRequest(name, null)).id();
    ImportJobRequest request = new ImportJobRequest(null, null, Format.CSV, true, null, "file:" + csv, null, null);
    long[] imported = new long[1];
    Row4 b = timed("(b) create-import-job (new application)", "", () -> {
      imported[0] = new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(appId, request)).run()
          .imported();
      return imported[0];
    });
    return new Imported(appId, new Row4(b.name(), b.seconds(), imported[0] + " endpoints"));
  }

  /**
   * Creates the tables an import writes, untimed: they exist in any warehouse after its first import, so that (b)
   * measures an import, not the one-time creation of a warehouse's tables.
   */
  static void ensureImportTables(Warehouse warehouse) {
    warehouse.ensure(Table.ENDPOINTS);
    warehouse.ensure(Table.JOBS);
    warehouse.ensure(Table.IMPORT_REJECTS);
  }

  /** The 4-dimension segment of (c) and (d). */
  static WriteSegmentRequest segment() {
    return PinpointJson.parse(SEGMENT, WriteSegmentRequest.class, "WriteSegmentRequest", "bench");
  }

  /** The quickstart's A/B campaign with holdout ({@code jobs/specs/campaign.json}) on the segment; its id. */
  static String abCampaign(Warehouse warehouse, String appId, String segmentId) throws IOException {
    String json = Files.readString(Path.of(System.getProperty("lakecast.home", "."))
        .resolve("jobs/specs/campaign.json")).replace("REPLACE_WITH_SEGMENT_ID", segmentId);
    return new CampaignCatalog(warehouse).create(appId,
        PinpointJson.parse(json, WriteCampaignRequest.class, "WriteCampaignRequest", "bench")).id();
  }

  /** Each table's size on disk under the warehouse, with the rows of those a run grows with the audience. */
  static void printTables(SparkSession spark, Path warehouse) throws IOException {
    System.out.printf(Locale.ROOT, "%ntables under %s%n", warehouse);
    List<Path> tables;
    try (java.util.stream.Stream<Path> folders = Files.list(warehouse)) {
      tables = folders.filter(Files::isDirectory).sorted().toList();
    }
    for (Path table : tables) {
      String name = table.getFileName().toString();
      String rows = switch (name) {
        case "endpoints", "send_ledger", "jobs" ->
            String.format(Locale.ROOT, "%,d rows", spark.read().format("delta").load("file:" + table).count());
        case "events" -> String.format(Locale.ROOT, "%,d rows", spark.read().parquet("file:" + table).count());
        default -> "";
      };
      System.out.printf(Locale.ROOT, "%-24s %12s  %s%n", name, StepResources.bytes(StepResources.size(table)), rows);
    }
  }

  /**
   * (g) a campaign of a custom message to every endpoint of N (all channels; opted-out ones excluded) through the
   * {@code webhook} CUSTOM sender, signed, 50 endpoints a call, to an HTTPS sink on 127.0.0.1 that answers at once.
   * The endpoints are imported untimed into a new application. The note gives the rate over the whole activity
   * (segment, ledger, dispatch, statuses, events) and the rate the sink saw between its first and last call. (g')
   * runs a second such campaign with {@code Limits.MessagesPerSecond} set to (g)'s messages / 60 (a send of about a
   * minute) and gives the rate its sink saw against that target.
   */
  static List<Row4> webhookRows(SparkSession spark, Warehouse warehouse, Path dir, long n) throws IOException {
    Path csv = dir.resolve("webhook-endpoints.csv");
    try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
      EndpointGenerator.write(n, 11, Format.CSV, w);
    }
    String app = new AppCatalog(warehouse).create(new CreateApplicationRequest("bench-webhook", null)).id();
    new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app,
        new ImportJobRequest(null, null, Format.CSV, true, null, "file:" + csv, null, null))).run();
    String channels = WEBHOOK_CHANNELS;
    String segmentId = new SegmentCatalog(warehouse).create(app, PinpointJson.parse(
        "{\"Name\":\"everyone\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[" + channels + "]}}}}",
        WriteSegmentRequest.class, "WriteSegmentRequest", "bench")).id();
    io.lakecast.testing.HttpsTestServer sink;
    try {
      sink = new io.lakecast.testing.HttpsTestServer(Files.createDirectories(dir.resolve("webhook-certs")));
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTPS sink", e);
    }
    io.lakecast.testing.HttpsTestServer.SinkCount count = new io.lakecast.testing.HttpsTestServer.SinkCount();
    String url = sink.sink("/sink", count);
    String provider = io.lakecast.testing.Credentials.keystore(Files.createDirectories(dir.resolve("webhook-keys")),
        "custom.jceks", io.lakecast.dispatch.CustomDeliverySender.SECRET_ALIAS, "bench-signing-key");
    org.apache.hadoop.conf.Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set(org.apache.hadoop.security.alias.CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "CUSTOM", "webhook");
    spark.conf().set(LakecastConf.CUSTOM_ALLOWED_HOSTS, "127.0.0.1");
    spark.conf().set(LakecastConf.CUSTOM_TRUSTED_CERTIFICATES, sink.certificate().toString());
    try {
      String campaignId = webhookCampaign(warehouse, app, segmentId, "bench webhook", url, "");
      long[] sent = new long[1];
      Row4 g = timed("(g) CUSTOM webhook campaign, HTTPS to a local sink, 50 a call", "",
          () -> sent[0] = runOccurrence(warehouse, app, campaignId));
      double window = (count.lastNanos.get() - count.firstNanos.get()) / 1e9;
      Row4 gNoted = new Row4(g.name(), g.seconds(), String.format(Locale.ROOT,
          "%d messages, %.0f msg/s over the activity; the sink took %d calls at %.0f msg/s", sent[0],
          sent[0] / g.seconds(), count.calls.get(), window > 0 ? sent[0] / window : 0.0));

      // (g') the same audience at a MessagesPerSecond that makes the send last about 60 s (Pinpoint's range is
      // 1-20,000): the rate the sink saw between its first and last call against the campaign's.
      long rate = Math.max(1, Math.min(20_000, sent[0] / 60));
      io.lakecast.testing.HttpsTestServer.SinkCount paced = new io.lakecast.testing.HttpsTestServer.SinkCount();
      String pacedUrl = sink.sink("/paced", paced);
      String pacedId = webhookCampaign(warehouse, app, segmentId, "bench paced webhook", pacedUrl,
          "\"Limits\":{\"MessagesPerSecond\":" + rate + "},");
      long[] pacedSent = new long[1];
      Row4 p = timed("(g') the same at MessagesPerSecond = messages / 60", "",
          () -> pacedSent[0] = runOccurrence(warehouse, app, pacedId));
      double pacedWindow = (paced.lastNanos.get() - paced.firstNanos.get()) / 1e9;
      double achieved = pacedWindow > 0 ? pacedSent[0] / pacedWindow : 0.0;
      return List.of(gNoted, new Row4(p.name(), p.seconds(), String.format(Locale.ROOT,
          "target %d msg/s: the sink took %d messages at %.1f msg/s over %.1f s, %+.1f%% of the target", rate,
          pacedSent[0], achieved, pacedWindow, 100.0 * (achieved - rate) / rate)));
    } finally {
      hadoop.unset(org.apache.hadoop.security.alias.CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
      for (String k : List.of(LakecastConf.SENDER_PREFIX + "CUSTOM", LakecastConf.CUSTOM_ALLOWED_HOSTS,
          LakecastConf.CUSTOM_TRUSTED_CERTIFICATES)) {
        spark.conf().unset(k);
      }
      sink.close();
    }
  }

  /** How many emails (j) sends at most. */
  static final long EMAILS = 100_000;

  /**
   * (j) an EMAIL campaign to {@code n} email endpoints (imported untimed into a new application) through the
   * {@code smtp} sender to GreenMail on 127.0.0.1 (no TLS, no login), which keeps every message in one mailbox; the
   * note gives the messages GreenMail received and the rate over the activity.
   */
  static Row4 emailRow(SparkSession spark, Warehouse warehouse, Path dir, long n) throws IOException {
    Path source = Files.createDirectories(dir.resolve("email-source"));
    try (BufferedWriter w = Files.newBufferedWriter(source.resolve("endpoints.csv"), StandardCharsets.UTF_8)) {
      w.write("Id,ChannelType,Address,User.UserAttributes.FirstName\n");
      for (long i = 0; i < n; i++) {
        w.write("m" + i + ",EMAIL,user" + i + "@example.com,Name" + i + "\n");
      }
    }
    String app = new AppCatalog(warehouse).create(new CreateApplicationRequest("bench-email", null)).id();
    new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app,
        new ImportJobRequest(null, null, Format.CSV, true, null, "file:" + source, null, null))).run();
    String segmentId = new SegmentCatalog(warehouse).create(app, PinpointJson.parse(
        "{\"Name\":\"email\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"EMAIL\"]}}}}",
        WriteSegmentRequest.class, "WriteSegmentRequest", "bench")).id();
    com.icegreen.greenmail.util.GreenMail smtp = new com.icegreen.greenmail.util.GreenMail(
        new com.icegreen.greenmail.util.ServerSetup(0, "127.0.0.1", "smtp").dynamicPort());
    smtp.start();
    // Every recipient's message goes to one mailbox: GreenMail finds a recipient's mailbox by a linear scan under one
    // lock, so 100,000 mailboxes would measure that scan (quadratic) instead of the SMTP sends.
    com.icegreen.greenmail.user.GreenMailUser inbox = smtp.setUser("inbox@example.com", "inbox", "inbox");
    smtp.getUserManager().setMessageDeliveryHandler((message, address) -> inbox);
    List<String> keys = List.of(LakecastConf.SENDER_PREFIX + "EMAIL", LakecastConf.SMTP_HOST, LakecastConf.SMTP_PORT,
        LakecastConf.SMTP_TLS);
    spark.conf().set(keys.get(0), "smtp");
    spark.conf().set(LakecastConf.SMTP_HOST, "127.0.0.1");
    spark.conf().set(LakecastConf.SMTP_PORT, String.valueOf(smtp.getSmtp().getPort()));
    spark.conf().set(LakecastConf.SMTP_TLS, "none");
    try {
      String campaignId = new CampaignCatalog(warehouse).create(app, PinpointJson.parse(
          "{\"Name\":\"bench email\",\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{"
              + "\"EmailMessage\":{\"FromAddress\":\"news@example.com\",\"Title\":\"Winter sale\","
              + "\"Body\":\"Hi {{User.UserAttributes.FirstName}}, the winter sale starts today.\","
              + "\"HtmlBody\":\"<p>Hi {{User.UserAttributes.FirstName}}, the <b>winter sale</b> starts today.</p>\"}},"
              + "\"Schedule\":{\"StartTime\":\"2030-01-01T09:00:00Z\"}}",
          WriteCampaignRequest.class, "WriteCampaignRequest", "bench")).id();
      long[] sent = new long[1];
      Row4 j = timed("(j) EMAIL campaign through SMTP to GreenMail", "",
          () -> sent[0] = runOccurrence(warehouse, app, campaignId));
      int received = smtp.getReceivedMessages().length;
      return new Row4(j.name(), j.seconds(), String.format(Locale.ROOT,
          "%d sent, %d received by GreenMail, %.0f msgs/s over the activity", sent[0], received,
          sent[0] / j.seconds()));
    } finally {
      keys.forEach(k -> spark.conf().unset(k));
      smtp.stop();
    }
  }

  /** A campaign of a custom message to every endpoint of the segment through {@code url}, with {@code extra} members. */
  private static String webhookCampaign(Warehouse warehouse, String app, String segmentId, String name, String url,
      String extra) {
    return new CampaignCatalog(warehouse).create(app, PinpointJson.parse(
        "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + segmentId + "\"," + extra
            + "\"CustomDeliveryConfiguration\":{\"DeliveryUri\":\"" + url + "\",\"EndpointTypes\":["
            + WEBHOOK_CHANNELS + "]},\"MessageConfiguration\":{\"CustomMessage\":{\"Data\":"
            + "\"{\\\"offer\\\":\\\"winter\\\"}\"}},\"Schedule\":{\"StartTime\":\"2030-01-01T09:00:00Z\"}}",
        WriteCampaignRequest.class, "WriteCampaignRequest", "bench")).id();
  }

  /** Runs the campaign's occurrence at 2030-01-01T09:00:00Z; returns the messages sent. */
  private static long runOccurrence(Warehouse warehouse, String app, String campaignId) {
    return new RunCampaignActivityJob(warehouse, new RunCampaignActivityJob.Options(app, campaignId,
        java.time.Instant.parse("2030-01-01T09:00:00Z"))).run().last().sent();
  }

  private static final String WEBHOOK_CHANNELS = "\"EMAIL\",\"SMS\",\"GCM\",\"APNS\"";

  /**
   * (h) events: one NDJSON file of EventsRequest documents (100 events each, as put-events takes them) read with
   * their schema and written as Parquet, one row per event, by plain Spark (h'), beside create-events-import-job of
   * the same file into a new application whose event stream is set first (h); (i) stream-events of everything it
   * stored to a Kinesis server on 127.0.0.1. The baseline names the schema: inferring it would make every event id
   * (a key of {@code Events}) a column.
   */
  static List<Row4> eventRows(SparkSession spark, Warehouse warehouse, Path dir, long n) throws IOException {
    List<Row4> rows = new ArrayList<>();
    AppCatalog apps = new AppCatalog(warehouse);
    // (h) events: the same NDJSON of EventsRequest documents (100 events each, as put-events takes them) read and
    // written as Parquet by plain Spark, beside create-events-import-job into a new application whose event stream
    // is set first; (i) stream-events of everything it stored to a Kinesis server on 127.0.0.1.
    long events = Math.max(1_000, n);
    Path eventsFile = dir.resolve("events.ndjson");
    try (BufferedWriter w = Files.newBufferedWriter(eventsFile, StandardCharsets.UTF_8)) {
      writeEvents(events, w);
    }
    // (h') and (h) alternate twice, each into a new folder or application, and each keeps its better run, as (a) and
    // (b) do: on 2 cores the JIT compiler still competes with the first large run of each (the note gives that run).
    Row4 hBase = null;
    Row4 h = null;
    long[] stored = new long[1];
    for (int run = 0; run < 2; run++) {
      String baseOut = "file:" + dir.resolve("events-base-" + run);
      Row4 hb = timed("(h') baseline: spark.read.json (schema given) -> Parquet, a row per event (best of 2)", "",
          () -> {
            spark.read().schema(EVENTS_REQUEST).json("file:" + eventsFile)
                .select(org.apache.spark.sql.functions.explode(col("BatchItem"))
                    .as(new String[] {"EndpointId", "Item"}))
                .select(col("EndpointId"), org.apache.spark.sql.functions.explode(col("Item.Events"))
                    .as(new String[] {"EventId", "Event"}))
                .select(col("EndpointId"), col("EventId"), col("Event.*"))
                .write().mode("overwrite").parquet(baseOut);
            return 0;
          });
      String eventsApp = apps.create(new CreateApplicationRequest("bench-events-" + run, null)).id();
      Row4 hi = timed("(h) create-events-import-job of the same file (new application, best of 2)", "", () -> {
        stored[0] = importEvents(warehouse, eventsApp, eventsFile);
        return stored[0];
      });
      hBase = hBase == null ? hb : best(hBase, hb);
      h = h == null ? first(hi, hb) : best(h, hi);
    }
    // (i) streams the first STREAM_RECORDS of those events, imported untimed into an application with a stream.
    long toStream = Math.min(events, STREAM_RECORDS);
    Path streamFile = dir.resolve("events-stream.ndjson");
    try (BufferedWriter w = Files.newBufferedWriter(streamFile, StandardCharsets.UTF_8)) {
      writeEvents(toStream, w);
    }
    String streamApp = apps.create(new CreateApplicationRequest("bench-stream", null)).id();
    io.lakecast.testing.KinesisServer kinesis = io.lakecast.testing.KinesisServer.get();
    String arn;
    try {
      arn = kinesis.createStream("bench-" + dir.getFileName(), 4);
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
    new io.lakecast.events.EventStreams(warehouse).put(streamApp,
        new io.lakecast.model.EventShapes.WriteEventStream(arn, "arn:aws:iam::000000000000:role/bench"));
    importEvents(warehouse, streamApp, streamFile);
    spark.conf().set(LakecastConf.STREAM_KINESIS_ENDPOINT, kinesis.endpoint());
    long[] streamed = new long[1];
    Row4 i = timed("(i) stream-events of 20,000 of them to kinesis-local (4 shards)", "", () -> {
      streamed[0] = new io.lakecast.events.StreamEventsJob(warehouse)
          .run(new io.lakecast.events.StreamEventsJob.Options(streamApp, false)).recordsDelivered();
      return streamed[0];
    });
    spark.conf().unset(LakecastConf.STREAM_KINESIS_ENDPOINT);
    rows.add(hBase);
    rows.add(new Row4(h.name(), h.seconds(), String.format(Locale.ROOT, "%d events stored; (h)/(h') %.2fx; %s",
        stored[0], h.seconds() / hBase.seconds(), h.note())));
    rows.add(new Row4(i.name(), i.seconds(), String.format(Locale.ROOT, "%d records, %.0f records/s", streamed[0],
        streamed[0] / i.seconds())));
    return rows;
  }

  /**
   * How many events (i) streams at most. kinesis-local (Node, one thread) is the bottleneck, not Lakecast: it takes
   * about 800 records/s into an empty stream and slows as the stream fills (50,000 records took 137 s, 100,000 did
   * not finish in 15 minutes), with the Lakecast JVM idle meanwhile.
   */
  static final long STREAM_RECORDS = 20_000;

  static long importEvents(Warehouse warehouse, String appId, Path file) {
    return new io.lakecast.events.ImportEventsJob(warehouse).run(new io.lakecast.events.ImportEventsJob.Options(
        appId, new io.lakecast.model.EventShapes.EventsImportJobRequest("file:" + file, null))).stored();
  }

  /** The bench's EventsRequest documents as Spark reads them: endpoint and event ids are map keys. */
  static final String EVENTS_REQUEST = "BatchItem MAP<STRING, STRUCT<Endpoint: MAP<STRING, STRING>, "
      + "Events: MAP<STRING, STRUCT<EventType: STRING, Timestamp: STRING, Attributes: MAP<STRING, STRING>, "
      + "Metrics: MAP<STRING, DOUBLE>, Session: STRUCT<Id: STRING, StartTimestamp: STRING>>>>>";

  /**
   * {@code n} events as NDJSON EventsRequest documents of 100 events each (one endpoint per document), streamed to
   * the writer: sessions, purchases and custom events over three days, with attributes and metrics.
   */
  public static void writeEvents(long n, java.io.Writer w) throws IOException {
    java.util.Random random = new java.util.Random(11);
    String[] types = {"_session.start", "_session.stop", "_monetization.purchase", "level.completed", "item.viewed"};
    long base = java.time.Instant.parse("2026-11-28T00:00:00Z").toEpochMilli();
    for (long e = 0; e < n; ) {
      StringBuilder line = new StringBuilder("{\"BatchItem\":{\"endpoint-").append(e / 100)
          .append("\":{\"Endpoint\":{},\"Events\":{");
      for (int k = 0; k < 100 && e < n; k++, e++) {
        long ts = base + (long) (random.nextDouble() * 3 * 86_400_000L);
        line.append(k == 0 ? "" : ",").append("\"ev-").append(e).append("\":{\"EventType\":\"")
            .append(types[random.nextInt(types.length)]).append("\",\"Timestamp\":\"")
            .append(java.time.Instant.ofEpochMilli(ts)).append("\",\"Attributes\":{\"screen\":\"s")
            .append(random.nextInt(20)).append("\",\"plan\":\"").append(random.nextBoolean() ? "free" : "pro")
            .append("\"},\"Metrics\":{\"value\":").append(random.nextInt(1000)).append("},\"Session\":{")
            .append("\"Id\":\"s-").append(e / 10).append("\",\"StartTimestamp\":\"")
            .append(java.time.Instant.ofEpochMilli(ts)).append("\"}}");
      }
      w.write(line.append("}}}}\n").toString());
    }
  }

  /** A first run, noted with its ratio to the baseline's first run. */
  static Row4 first(Row4 r, Row4 baseline) {
    return new Row4(r.name(), r.seconds(), String.format(Locale.ROOT, "first runs: %.2f s vs %.2f s, %.2fx",
        r.seconds(), baseline.seconds(), r.seconds() / baseline.seconds()));
  }

  /** The faster of a kept row and a later run, keeping the kept row's note. */
  static Row4 best(Row4 kept, Row4 later) {
    return later.seconds() < kept.seconds() ? new Row4(kept.name(), later.seconds(), kept.note()) : kept;
  }

  /** The folder of the pass that runs (its inputs and warehouse), whose size each step's resources give. */
  private static Path passFolder;
  /** Each timed step's resources, in the order the steps ran, printed after the table. */
  private static final List<String> RESOURCES = new ArrayList<>();

  static Row4 timed(String name, String note, LongSupplier step) {
    StepResources resources = StepResources.start(SparkSession.active().sparkContext());
    long start = System.nanoTime();
    try {
      step.getAsLong();
    } finally {
      resources.close();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String used = resources.describe(passFolder);
    System.err.printf(Locale.ROOT, "bench: %s: %.2f s; %s%n", name, seconds, used);
    RESOURCES.add(String.format(Locale.ROOT, "%-72s %9.2f  %s", name, seconds, used));
    return new Row4(name, seconds, note);
  }

  /** Every timed step's resources, warm-up excluded, as the step's time and one line of figures. */
  static void printResources(int fromStep) {
    System.out.printf(Locale.ROOT, "%nresources per step (every timed run, repeats included)%n");
    RESOURCES.subList(fromStep, RESOURCES.size()).forEach(System.out::println);
  }
}
