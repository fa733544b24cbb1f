package io.lakecast.cli;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.conf.FaultPoints;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.HttpsTestServer;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.testing.WarehouseSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Kill-and-rerun: the packaged CLI runs as a separate process and is stopped dead ({@code Runtime.halt}, as
 * {@code kill -9} would) at each phase of an import and of a campaign run, through the test-only setting
 * {@code spark.lakecast.test.haltAt}. The same command then runs again, and every table, the outbox and the event
 * store must equal those of a run that was never interrupted: nothing lost, nothing twice, counts reconciled.
 *
 * <p>Each case starts from a copy of one prepared warehouse, so application, segment and campaign ids (and with
 * them run and message ids) are the same in every case and in the uninterrupted run; only timestamps differ.
 */
class KillAndRerunIT {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  static final Path GOLDEN = HOME.resolve("src/test/resources/golden/campaigns/ab-holdout");
  static final String CAMPAIGN_ID = "14e33d2e64b721ee50eeecdb4a602afd";
  static final String AT = "2026-12-01T10:00:00Z";

  @TempDir static Path root;
  static SparkSession spark;
  static String appId;
  static String importRequest;
  static Path withApp;
  static Path withCampaign;
  static WarehouseSnapshot uninterruptedImport;
  static WarehouseSnapshot uninterruptedCampaign;

  @BeforeAll
  static void prepare() throws Exception {
    withApp = root.resolve("with-app");
    spark = SparkTestSession.withWarehouse(withApp);
    appId = Cli.createApp("kill-and-rerun");
    // The golden endpoints plus one row every run must reject (a channel Pinpoint does not have).
    Path source = Files.createDirectories(root.resolve("source"));
    Files.writeString(source.resolve("endpoints.csv"), Files.readString(GOLDEN.resolve("import/endpoints.csv"))
        + "e99,FAX,+12065550199,NONE,US,u99,Free\n");
    importRequest = "{\"S3Url\":\"" + source + "\",\"Format\":\"CSV\"}";

    Path imported = copy(withApp, "imported");
    importCommand().ok();
    uninterruptedImport = WarehouseSnapshot.of(imported);
    assertThat(uninterruptedImport.rejectsOfCompletedJobs()).as("rejects of the completed import").hasSize(1);
    String segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "file://" + GOLDEN.resolve("segment.json")).ok().at("/SegmentResponse/Id").asText();
    String campaign = Files.readString(GOLDEN.resolve("campaign.json"))
        .replace("REPLACE_WITH_SEGMENT_ID", segmentId).replace("\"IMMEDIATE\"", "\"2026-12-01T09:00:00Z\"");
    Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request", campaign,
        "--campaign-id", CAMPAIGN_ID).ok();
    withCampaign = copy(imported, "with-campaign");

    copy(withCampaign, "campaign-ran");
    JsonNode run = campaignCommand().ok().get("CampaignRunResponse");
    assertThat(run.get("Sent").asLong() + run.get("Holdout").asLong()).as("eligible endpoints").isEqualTo(21);
    uninterruptedCampaign = WarehouseSnapshot.of(root.resolve("campaign-ran"));
  }

  /** Copies a warehouse and points the test session at the copy. */
  static Path copy(Path from, String name) throws IOException {
    Path to = root.resolve(name);
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    SparkTestSession.withWarehouse(to);
    return to;
  }

  static String[] importArgs() {
    return new String[] {"create-import-job", "--application-id", appId, "--import-job-request", importRequest};
  }

  static String[] campaignArgs() {
    return new String[] {"run-campaign", "--application-id", appId, "--campaign-id", CAMPAIGN_ID, "--at", AT};
  }

  static Cli.Run importCommand() {
    return Cli.run(importArgs());
  }

  static Cli.Run campaignCommand() {
    return Cli.run(campaignArgs());
  }

  /** Runs the packaged CLI on the warehouse with a halt at the phase; returns its stderr. */
  static String killedAt(Path warehouse, String phase, String... args) throws Exception {
    List<String> halted = new ArrayList<>(List.of("--conf", FaultPoints.HALT_AT + "=" + phase));
    halted.addAll(List.of(args));
    Path err = Files.createTempFile(root, "killed", ".log");
    Process p = start(warehouse, err, halted.toArray(String[]::new));
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the killed command ended").isTrue();
    String log = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit status of the command halted at " + phase + "; its log:\n" + log)
        .isEqualTo(FaultPoints.HALT_STATUS);
    assertThat(log).contains("FaultPoints: halting at " + phase);
    return log;
  }

  @ParameterizedTest(name = "import killed at {0}")
  @ValueSource(strings = {"import.after-created", "import.during-parsing", "import.after-staging",
      "import.before-commit", "import.after-commit"})
  void anImportKilledAtAnyPhaseCompletesWhenRunAgain(String phase) throws Exception {
    Path warehouse = copy(withApp, phase);
    killedAt(warehouse, phase, importArgs());

    JsonNode job = importCommand().ok().get("ImportJobResponse");
    assertThat(job.get("JobStatus").asText()).as("the re-run's job").isEqualTo("COMPLETED");
    assertThat(job.get("TotalProcessed").asInt()).as("records processed by the re-run").isEqualTo(28);
    assertThat(job.get("TotalFailures").asInt()).as("records rejected by the re-run").isEqualTo(1);
    WarehouseSnapshot after = WarehouseSnapshot.of(warehouse);
    assertThat(after.endpoints()).as("endpoints").isEqualTo(uninterruptedImport.endpoints());
    assertThat(after.completedImports()).as("completed import jobs").isEqualTo(1);
    assertThat(after.rejectsOfCompletedJobs()).as("rejects of the completed job")
        .isEqualTo(uninterruptedImport.rejectsOfCompletedJobs());
  }

  @ParameterizedTest(name = "campaign run killed at {0}")
  @ValueSource(strings = {"campaign.after-ledger", "campaign.during-dispatch", "campaign.after-dispatch",
      "campaign.after-statuses", "campaign.holding-events-lease", "campaign.before-activities"})
  void aCampaignRunKilledAtAnyPhaseCompletesWhenRunAgain(String phase) throws Exception {
    Path warehouse = copy(withCampaign, phase);
    killedAt(warehouse, phase, campaignArgs());

    if (phase.equals("campaign.after-ledger") || phase.equals("campaign.during-dispatch")
        || phase.equals("campaign.after-dispatch")) {
      // The dead attempt still holds its claim on the messages it added to send: a re-run refuses to send them
      // until the claim lapses, then takes them over (the outbox tells which were sent).
      Cli.Run refused = campaignCommand();
      assertThat(refused.exitCode()).as("re-run while the dead attempt's claim holds").isEqualTo(1);
      assertThat(refused.err()).startsWith("ConflictException: Another run of this campaign is sending");
      spark.conf().set(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS, "0");
    }
    if (phase.equals("campaign.holding-events-lease")) {
      // The dead attempt still holds the lease on writing the run's events: a re-run refuses until it lapses.
      Cli.Run refused = campaignCommand();
      assertThat(refused.exitCode()).as("re-run while the dead attempt's lease holds").isEqualTo(1);
      assertThat(refused.err()).startsWith("ConflictException: Another job is writing the _campaign.send events");
      spark.conf().set(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS, "0");
    }
    runCampaignAgainAndCompare(warehouse);
  }

  @Test
  void anEventTriggeredRunKilledAfterItsLedgerFinishesItsBatchOnceWhenRunAgain() throws Exception {
    Path warehouse = copy(withCampaign, "event-triggered");
    String segmentId = Cli.run("get-campaign", "--application-id", appId, "--campaign-id", CAMPAIGN_ID).ok()
        .at("/CampaignResponse/SegmentId").asText();
    String campaignId = "e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7e7";
    Cli.run("create-campaign", "--application-id", appId, "--campaign-id", campaignId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{\"DefaultMessage\":{\"Body\":\"Back\"}},"
            + "\"Schedule\":{\"StartTime\":\"2026-01-01T00:00:00Z\",\"Frequency\":\"EVENT\",\"EventFilter\":{"
            + "\"FilterType\":\"ENDPOINT\",\"Dimensions\":{\"EventType\":{\"Values\":[\"app.opened\"]}}}}}").ok();
    // e01, e02 and e04 are US endpoints of the segment; e21 has opted out; e23 is in GB, outside it.
    StringBuilder events = new StringBuilder("{\"BatchItem\":{");
    for (String e : List.of("e01", "e02", "e04", "e21", "e23")) {
      events.append(events.length() > 14 ? "," : "").append("\"").append(e).append("\":{\"Endpoint\":{},\"Events\":{")
          .append("\"open-").append(e).append("\":{\"EventType\":\"app.opened\",\"Timestamp\":\"2026-11-30T08:00:00Z\"}}}");
    }
    Cli.run("put-events", "--application-id", appId, "--events-request", events + "}}").ok();
    String[] run = {"run-campaign", "--application-id", appId, "--campaign-id", campaignId};
    killedAt(warehouse, "campaign.after-ledger", run);

    // The dead attempt's claim lapses at once; the re-run finishes the recorded batch.
    spark.conf().set(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS, "0");
    try {
      JsonNode rerun = Cli.run(run).ok().get("CampaignRunResponse");
      assertThat(rerun.get("Sent").asLong()).as("messages of the finished batch").isEqualTo(3);
      assertThat(rerun.get("Excluded").toString()).isEqualTo("{\"ENDPOINT_OPT_OUT\":1}");
      JsonNode again = Cli.run(run).ok().get("CampaignRunResponse");
      assertThat(again.get("Due").asBoolean()).as("a run with no new event").isFalse();
    } finally {
      spark.conf().unset(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS);
    }
    assertThat(WarehouseSnapshot.lines(WarehouseSnapshot.delta(warehouse.toString(), "send_ledger")
            .filter(col("CampaignId").equalTo(campaignId)).select("EndpointId", "Status")))
        .containsExactly("{\"EndpointId\":\"e01\",\"Status\":\"SENT\"}", "{\"EndpointId\":\"e02\",\"Status\":\"SENT\"}",
            "{\"EndpointId\":\"e04\",\"Status\":\"SENT\"}");
    assertThat(WarehouseSnapshot.of(warehouse).outbox()).filteredOn(m -> m.contains(campaignId))
        .extracting(m -> m.replaceAll(".*\"EndpointId\":\"(e[0-9]+)\".*", "$1")).containsExactlyInAnyOrder("e01", "e02", "e04");
  }

  @Test
  void aRunKilledWhileAProviderTakesItsTextsSendsEachTextOnceWhenRunAgain() throws Exception {
    Path warehouse = copy(withCampaign, "provider-killed");
    try (HttpsTestServer provider = new HttpsTestServer(Files.createDirectories(root.resolve("provider-certs")))) {
      String url = provider.serve("/sms", body -> HttpsTestServer.Answer.ok("{\"status\":\"queued\"}"));
      // Texts go to the HTTP provider on 127.0.0.1, emails stay in the outbox; one dispatch partition, so the
      // provider has taken exactly three texts when the process dies, right after recording the third.
      Map<String, String> sender = new TreeMap<>(Map.of(
          LakecastConf.SENDER_PREFIX + "SMS", "http",
          LakecastConf.SMS_HTTP_URL, url,
          LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES, provider.certificate().toString(),
          LakecastConf.DISPATCH_PARTITIONS, "1"));
      List<String> args = new ArrayList<>();
      sender.forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
      args.addAll(List.of(campaignArgs()));
      killedAt(warehouse, "dispatch.after-delivery-record:3", args.toArray(String[]::new));
      assertThat(provider.received("/sms")).as("texts the provider took before the kill").hasSize(3);

      sender.forEach((k, v) -> spark.conf().set(k, v));
      spark.conf().set(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS, "0");
      try {
        campaignCommand().ok();
      } finally {
        sender.keySet().forEach(k -> spark.conf().unset(k));
        spark.conf().unset(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS);
      }
      WarehouseSnapshot after = WarehouseSnapshot.of(warehouse);
      assertThat(after.ledger()).as("send ledger").isEqualTo(uninterruptedCampaign.ledger());
      List<String> textIds = WarehouseSnapshot.lines(WarehouseSnapshot.delta(warehouse.toString(), "send_ledger")
          .filter(col("ChannelType").equalTo("SMS").and(col("Status").equalTo("SENT"))).select("MessageId"));
      assertThat(textIds).as("texts sent in the uninterrupted run: u01–u10 but u07, held out").hasSize(9);
      List<String> taken = new ArrayList<>();
      for (String body : provider.received("/sms")) {
        taken.add("{\"MessageId\":\"" + PinpointJson.mapper().readTree(body).get("MessageId").asText() + "\"}");
      }
      Collections.sort(taken);
      assertThat(taken).as("texts the provider took, each once").isEqualTo(textIds);
      assertThat(after.outbox().stream().filter(l -> l.contains("\"ChannelType\":\"EMAIL\"")).toList())
          .as("emails in the outbox, each once")
          .isEqualTo(uninterruptedCampaign.outbox().stream().filter(l -> l.contains("\"ChannelType\":\"EMAIL\""))
              .toList());
      assertThat(after.events().stream().filter(l -> l.contains("\"event_type\":\"_campaign.send\"")).toList())
          .as("_campaign.send events, each once").isEqualTo(uninterruptedCampaign.events());
      assertThat(after.events().stream().filter(l -> l.contains("\"event_type\":\"_SMS.BUFFERED\"")))
          .as("_SMS.BUFFERED events, one per text").hasSize(9);
    }
  }

  @ParameterizedTest(name = "compact-events killed at {0}")
  @ValueSource(strings = {"compact.after-staging", "compact.after-move"})
  void aCompactionKilledAtAnyPhaseLeavesTheSameEventsWhenRunAgain(String phase) throws Exception {
    Path warehouse = copy(withCampaign, phase);
    for (String call : List.of("1", "2", "3")) {
      Cli.run("put-events", "--application-id", appId, "--events-request", "{\"BatchItem\":{\"e0" + call
          + "\":{\"Endpoint\":{},\"Events\":{\"open-" + call + "\":{\"EventType\":\"app.opened\","
          + "\"Timestamp\":\"2026-11-30T08:00:00Z\"}}}}}").ok();
    }
    Path partition = warehouse.resolve("events/app_id=" + appId + "/event_date=2026-11-30");
    List<String> events = WarehouseSnapshot.of(warehouse).events();
    assertThat(events).as("the three events").hasSize(3);
    String[] compact = {"compact-events", "--application-id", appId};
    killedAt(warehouse, phase, compact);

    JsonNode rerun = Cli.run(compact).ok().get("CompactEventsResult");
    assertThat(WarehouseSnapshot.of(warehouse).events()).as("events after the re-run").isEqualTo(events);
    try (Stream<Path> files = Files.list(partition)) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".parquet") && !n.startsWith(".")))
          .as("data files of the partition").hasSize(1);
    }
    // Killed after staging, the re-run finished the staged partition before looking for work: nothing left to merge.
    assertThat(rerun.get("PartitionsCompacted").asLong()).isZero();
  }

  /** Runs the campaign once more (claims lapse at once when the case lowered the timeout) and compares. */
  static void runCampaignAgainAndCompare(Path warehouse) throws IOException {
    try {
      campaignCommand().ok();
    } finally {
      spark.conf().unset(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS);
    }
    WarehouseSnapshot after = WarehouseSnapshot.of(warehouse);
    assertThat(after.ledger()).as("send ledger").isEqualTo(uninterruptedCampaign.ledger());
    assertThat(after.outbox()).as("outbox messages, each once").isEqualTo(uninterruptedCampaign.outbox());
    assertThat(after.events()).as("events, each once").isEqualTo(uninterruptedCampaign.events());
    assertThat(after.activities()).as("activities").isEqualTo(uninterruptedCampaign.activities());
    assertThat(after.endpoints()).as("endpoints").isEqualTo(uninterruptedCampaign.endpoints());
  }

  @org.junit.jupiter.api.Test
  void aDeletionKilledWhileRewritingEventsLosesNoOtherEvent() throws Exception {
    Path warehouse = copy(root.resolve("campaign-ran"), "deletion");
    String[] delete = {"delete-endpoint", "--application-id", appId, "--endpoint-id", "e01"};
    // Killed after the event partitions were deleted, before the kept events were written back.
    killedAt(warehouse, "delete.events-partitions-deleted", delete);

    Cli.run(delete).ok();
    List<String> expected = uninterruptedCampaign.events().stream()
        .filter(line -> !line.contains("\"client_id\":\"e01\"")).toList();
    assertThat(expected).as("events of the others").hasSize(uninterruptedCampaign.events().size() - 1);
    WarehouseSnapshot after = WarehouseSnapshot.of(warehouse);
    assertThat(after.events()).as("events after the deletion").isEqualTo(expected);
    assertThat(after.endpoints()).as("endpoints left").hasSize(uninterruptedCampaign.endpoints().size() - 1);
  }

  /** Starts the packaged CLI on the warehouse (launcher options may lead the arguments); the caller waits. */
  static Process start(Path warehouse, Path err, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(HOME.resolve("scripts/lakecast").toString(),
        "--conf", "spark.lakecast.warehouse=" + warehouse));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
    pb.environment().remove("SPARK_HOME");
    // C1 only: these short-lived JVMs start about a quarter faster, and no test here measures speed.
    pb.environment().put("LAKECAST_JAVA_OPTS", "-Xmx1g -XX:TieredStopAtLevel=1");
    return pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
  }

  /** Runs the commands at once as separate processes; returns each one's exit status and stderr. */
  static List<Cli.Run> atOnce(Path warehouse, String[]... commands) throws Exception {
    List<Process> running = new ArrayList<>();
    List<Path> errs = new ArrayList<>();
    for (String[] c : commands) {
      Path err = Files.createTempFile(root, "concurrent", ".log");
      errs.add(err);
      running.add(start(warehouse, err, c));
    }
    List<Cli.Run> runs = new ArrayList<>();
    for (int i = 0; i < running.size(); i++) {
      assertThat(running.get(i).waitFor(5, TimeUnit.MINUTES)).as("concurrent command " + i + " ended").isTrue();
      runs.add(new Cli.Run(running.get(i).exitValue(), "", Files.readString(errs.get(i), StandardCharsets.UTF_8)));
    }
    return runs;
  }

  /** Each concurrent command either succeeded or was refused with a ConflictException; returns the refused. */
  static List<Integer> refused(List<Cli.Run> runs) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      Cli.Run r = runs.get(i);
      if (r.exitCode() != 0) {
        assertThat(r.exitCode()).as("exit status of concurrent command " + i + "; stderr:\n" + r.err()).isEqualTo(1);
        assertThat(r.err()).as("concurrent command " + i + " refused").contains("ConflictException: ");
        out.add(i);
      }
    }
    return out;
  }

  @org.junit.jupiter.api.Test
  void twoImportsIntoOneApplicationAtOnceLoseNothing() throws Exception {
    Path warehouse = copy(withApp, "two-imports");
    // No tables yet: both processes also create them at once.
    Path other = Files.createDirectories(root.resolve("other-source"));
    StringBuilder csv = new StringBuilder("Id,ChannelType,Address,User.UserId\n");
    for (int i = 1; i <= 10; i++) {
      csv.append(String.format("f%02d,EMAIL,f%02d@example.com,v%02d%n", i, i, i));
    }
    Files.writeString(other.resolve("more.csv"), csv);
    String[] second = {"create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + other + "\",\"Format\":\"CSV\"}"};
    List<Cli.Run> runs = atOnce(warehouse, importArgs(), second);
    List<Integer> refusedImports = refused(runs);
    org.slf4j.LoggerFactory.getLogger(KillAndRerunIT.class).info("Two imports at once: refused {}", refusedImports);
    for (int i : refusedImports) {
      Cli.run(i == 0 ? importArgs() : second).ok();
    }
    Dataset<Row> endpoints = WarehouseSnapshot.delta(warehouse.toString(), "endpoints");
    assertThat(endpoints.count()).as("endpoints of both imports").isEqualTo(37);
    assertThat(endpoints.select("Id").distinct().count()).as("distinct endpoint Ids").isEqualTo(37);
    assertThat(WarehouseSnapshot.delta(warehouse.toString(), "jobs").filter(col("JobStatus").equalTo("COMPLETED")).count())
        .as("completed imports").isEqualTo(2);
  }

  @org.junit.jupiter.api.Test
  void twoRunsOfOneCampaignAtOnceSendNothingTwice() throws Exception {
    Path warehouse = copy(withCampaign, "two-runs");
    List<Cli.Run> runs = atOnce(warehouse, campaignArgs(), campaignArgs());
    List<Integer> refusedRuns = refused(runs);
    assertThat(refusedRuns).as("runs refused (at most one)").hasSizeLessThan(2);
    org.slf4j.LoggerFactory.getLogger(KillAndRerunIT.class).info("Two campaign runs at once: refused {}", refusedRuns);
    // Whatever the refused one left (nothing, or a claim whose statuses it could not record) a later run finishes.
    spark.conf().set(LakecastConf.DISPATCH_CLAIM_TIMEOUT_SECONDS, "0");
    runCampaignAgainAndCompare(warehouse);
  }
}
