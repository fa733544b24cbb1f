package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

import io.lakecast.conf.FaultPoints;
import io.lakecast.LakecastErrors;
import io.lakecast.campaigns.CampaignCatalog.StoredCampaign;
import io.lakecast.conf.LakecastConf;
import io.lakecast.dispatch.OutboxSender;
import io.lakecast.dispatch.Personalizer;
import io.lakecast.dispatch.PartitionedDispatcher;
import io.lakecast.dispatch.PartitionedDispatcher.Pacing;
import io.lakecast.dispatch.Sender;
import io.lakecast.dispatch.Senders;
import io.lakecast.events.CampaignEvents;
import io.lakecast.model.CampaignShapes.ActivityResponse;
import io.lakecast.model.AppShapes.WriteApplicationSettingsRequest;
import io.lakecast.model.CampaignShapes.CampaignLimits;
import io.lakecast.model.CampaignShapes.QuietTime;
import io.lakecast.model.CampaignShapes.MessageConfiguration;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.SegmentShapes.SegmentResponse;
import io.lakecast.segments.SegmentCatalog;
import io.lakecast.segments.SegmentEvaluator;
import io.lakecast.warehouse.HadoopConf;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Leases;
import io.lakecast.warehouse.Locations;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * run-campaign: runs the campaign's due activity. Segment members → drop opted-out, inactive, address-less and
 * channel-mismatched endpoints → holdout/treatment assignment → {@code send_ledger} rows (DISPATCHING, claimed by
 * this attempt, or HOLDOUT) → partitioned dispatch through each channel's sender (the outbox unless configured) →
 * ledger statuses → {@code _campaign.send} events → activity counts.
 *
 * <p>Idempotent: the run has a deterministic id (campaign and scheduled start); ledger rows are keyed by run and
 * endpoint, only endpoints not yet in the ledger are added, messages the outbox already holds are recorded SENT
 * rather than sent again, and only PENDING rows are dispatched. Events and activities are derived from the ledger
 * and written only where missing (events keyed by message id). So a re-run after a crash at any step sends nothing
 * twice and completes what was missing. One run of a campaign at a time.
 */
public final class RunCampaignActivityJob {
  private static final Logger LOG = LoggerFactory.getLogger(RunCampaignActivityJob.class);

  /** Drop reasons, named as Pinpoint's execution metrics. */
  public static final String OPT_OUT = "ENDPOINT_OPT_OUT";
  public static final String INACTIVE = "ENDPOINT_INACTIVE";
  public static final String MISSING_ADDRESS = "ENDPOINT_MISSING_ADDRESS";
  public static final String CHANNEL_MISMATCH = "ENDPOINT_CHANNEL_MISMATCH";
  /** The endpoint's local time at the occurrence's start is in the quiet time. */
  public static final String QUIET_TIME = "ENDPOINT_QUIET_TIME";
  /** Lakecast's: the endpoint's user is in the application's global control group. */
  public static final String GLOBAL_CONTROL = "GLOBAL_CONTROL_GROUP";

  /** Ledger status of a message an attempt has claimed and is sending. */
  static final String DISPATCHING = "DISPATCHING";

  /** Which campaign, as of when. */
  public record Options(String applicationId, String campaignId, Instant at) {
    public Options {
      if (applicationId == null || applicationId.isBlank()) {
        throw LakecastErrors.invalidOption("--application-id", String.valueOf(applicationId), "an application id");
      }
      if (campaignId == null || campaignId.isBlank()) {
        throw LakecastErrors.invalidOption("--campaign-id", String.valueOf(campaignId), "a campaign id");
      }
      at = at == null ? Instant.now() : at;
    }
  }

  /**
   * What one occurrence's run did. {@code assigned} counts endpoints per TreatmentId; {@code alreadyInLedger} counts
   * endpoints an earlier attempt at this occurrence had already recorded.
   */
  public record Run(
      String runId, String scheduledStart, long segmentSize, Map<String, Long> dropped, long holdout,
      Map<String, Long> assigned, long sent, long failed, long alreadyInLedger, List<ActivityResponse> activities) {}

  /**
   * What the command did: a run for every occurrence due at {@code at} that had not completed, oldest first (none
   * when the campaign is paused, not yet due, or past its EndTime); the next occurrence after {@code at}, or null;
   * {@code stopped}: why the campaign runs no more (its segment was deleted: status DELETED), or null.
   */
  public record Result(List<Run> runs, String nextScheduledStart, boolean paused, String stopped) {
    /** Whether any occurrence ran. */
    public boolean due() {
      return !runs.isEmpty();
    }

    /** The latest occurrence that ran. */
    public Run last() {
      return runs.get(runs.size() - 1);
    }
  }

  private final Warehouse warehouse;
  private final Options options;

  /** The wall clock when the job was made: {@code options.at()} on the command's clock (see {@link #pacing}). */
  private final long startedAtMillis = System.currentTimeMillis();

  public RunCampaignActivityJob(Warehouse warehouse, Options options) {
    this.warehouse = warehouse;
    this.options = options;
  }

  public Result run() {
    SparkSession spark = warehouse.spark();
    LakecastConf conf = LakecastConf.from(spark);
    String outbox = Locations.output(conf, LakecastConf.OUTBOX_PATH, conf.outboxPath());
    // A sender misconfigured fails the command here, before any occurrence records anything.
    Senders.check(conf, spark.sparkContext().hadoopConfiguration());
    String appId = options.applicationId();
    StoredCampaign stored = new CampaignCatalog(warehouse).load(appId, options.campaignId());
    WriteCampaignRequest campaign = stored.definition();
    CampaignCatalog.validate(campaign);
    String campaignId = stored.campaignId();
    Map<String, CampaignSchedule> schedules =
        CampaignSchedule.ofTreatments(campaign, Instant.parse(stored.creationDate()));
    Instant next = CampaignSchedule.nextAfter(schedules, options.at());
    String nextStart = next == null ? null : Ids.iso(next);
    if (!new SegmentCatalog(warehouse).exists(appId, campaign.segmentId())) {
      String why = "its segment " + campaign.segmentId() + " was deleted; the campaign's status is DELETED";
      LOG.warn("Campaign {} does not run: {}", campaignId, why);
      return new Result(List.of(), null, false, why);
    }
    if (Boolean.TRUE.equals(campaign.isPaused())) {
      LOG.info("Campaign {} is paused: no occurrence runs", campaignId);
      return new Result(List.of(), nextStart, true, null);
    }
    if (campaign.schedule().frequency() == io.lakecast.model.PinpointEnums.Frequency.EVENT) {
      return new Result(runTriggered(conf, outbox, appId, stored), null, false, null);
    }
    // An occurrence sends the treatments whose schedule has it (all of them unless a treatment has its own).
    Map<Instant, java.util.TreeSet<String>> due = CampaignSchedule.dueByTreatment(schedules, options.at());
    Set<String> completed = completedRuns(appId, campaignId);
    List<Run> runs = new ArrayList<>();
    CampaignMessages.Resolved resolved = null;
    for (Map.Entry<Instant, java.util.TreeSet<String>> occurrence : due.entrySet()) {
      Instant start = occurrence.getKey();
      String runId = Ids.deterministic(appId, campaignId, Ids.iso(start));
      if (!completed.contains(runId)) {
        // Templates resolve once per command (the versions active now), not once per occurrence of a catch-up.
        resolved = resolved != null ? resolved : new CampaignCatalog(warehouse).messages(campaign);
        runs.add(runOccurrence(conf, outbox, appId, campaignId, campaign, resolved, start, runId,
            occurrence.getValue(), null));
      }
    }
    LOG.info("Campaign {} at {}: {} occurrence(s) due, {} run now, next {}", campaignId, options.at(), due.size(),
        runs.size(), nextStart);
    return new Result(runs, nextStart, false, null);
  }

  /**
   * An event-triggered campaign's run: one batch of the events stored since its watermark. The batch's run is an
   * occurrence whose ScheduledStart is the batch's upper bound (the arrival time up to which it took events, {@code
   * --at} or now, whichever is earlier); once its activities complete, that bound is the campaign's watermark. Every
   * endpoint of the segment with a matching event in the batch gets the message once (several events of one endpoint
   * in one batch make one message), within the limits and quiet time. A batch an earlier attempt recorded in the
   * ledger but did not complete is finished first, with its own bound, so a killed run re-sends nothing and loses
   * nothing. As with stream-events, run it after the day's ingestion rather than beside it: an event stored while a
   * batch is read, with an arrival time before the batch's bound, would be left out.
   */
  private List<Run> runTriggered(LakecastConf conf, String outbox, String appId, StoredCampaign stored) {
    WriteCampaignRequest campaign = stored.definition();
    String campaignId = stored.campaignId();
    Instant created = Instant.parse(stored.creationDate());
    Instant upTo = (options.at().isBefore(Instant.now()) ? options.at() : Instant.now())
        .truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    Set<String> completed = completedRuns(appId, campaignId);
    java.util.TreeSet<Instant> done = new java.util.TreeSet<>(completedStarts(appId, campaignId));
    List<Run> runs = new ArrayList<>();
    CampaignMessages.Resolved resolved = null;
    java.util.TreeSet<Instant> batches = new java.util.TreeSet<>();
    for (Row r : warehouse.read(Table.SEND_LEDGER)
        .filter(col("ApplicationId").equalTo(appId).and(col("CampaignId").equalTo(campaignId))
            .and(not(col("RunId").isin(completed.toArray()))))
        .select(col("ScheduledStart")).distinct().collectAsList()) {
      batches.add(Instant.parse(r.getString(0)));
    }
    if (!batches.isEmpty()) {
      LOG.info("Campaign {}: finishing {} batch(es) an earlier run recorded but did not complete", campaignId,
          batches.size());
    }
    Instant watermark = done.isEmpty() ? created : done.last();
    if (upTo.isAfter(watermark) && (batches.isEmpty() || upTo.isAfter(batches.last()))) {
      batches.add(upTo);
    }
    for (Instant bound : batches) {
      Instant after = done.lower(bound);
      after = after == null ? created : after;
      Dataset<Row> triggered = warehouse.exists(warehouse.path(Table.EVENTS))
          ? EventTriggers.triggered(warehouse.read(Table.EVENTS), appId, campaign.schedule().eventFilter(),
              after.toEpochMilli(), bound.toEpochMilli(),
              CampaignCatalog.scheduledStart(campaign.schedule(), created), CampaignCatalog.endTime(campaign.schedule()))
              .persist(StorageLevel.MEMORY_AND_DISK())
          : null;
      try {
        if (triggered == null || triggered.isEmpty()) {
          LOG.info("Campaign {}: no matching event stored in ({}, {}]", campaignId, Ids.iso(after), Ids.iso(bound));
          continue;
        }
        resolved = resolved != null ? resolved : new CampaignCatalog(warehouse).messages(campaign);
        String runId = Ids.deterministic(appId, campaignId, "EVENT", Ids.iso(bound));
        LOG.info("Campaign {} run {}: events stored in ({}, {}]", campaignId, runId, Ids.iso(after), Ids.iso(bound));
        runs.add(runOccurrence(conf, outbox, appId, campaignId, campaign, resolved, bound, runId,
            new java.util.TreeSet<>(AssignmentPlan.of(campaignId, campaign).treatmentIds()), triggered));
        done.add(bound);
      } finally {
        if (triggered != null) {
          triggered.unpersist();
        }
      }
    }
    return runs;
  }

  /** The ScheduledStarts of the campaign's completed activities. */
  private List<Instant> completedStarts(String appId, String campaignId) {
    List<Instant> out = new ArrayList<>();
    for (Row r : warehouse.read(Table.ACTIVITIES)
        .filter(col("ApplicationId").equalTo(appId).and(col("CampaignId").equalTo(campaignId))
            .and(col("State").equalTo("COMPLETED")))
        .select(col("ScheduledStart")).distinct().collectAsList()) {
      out.add(Instant.parse(r.getString(0)));
    }
    return out;
  }

  /** What a run's dispatch did: messages sent (including those an earlier attempt had sent) and failed. */
  private record Delivered(long sent, long failed) {
    static final Delivered NONE = new Delivered(0, 0);
  }

  /**
   * Sends the messages this attempt claimed ({@code claim}: the rows it added to the ledger and, when an earlier
   * attempt left rows, those it claims now), records those an earlier attempt had already written to the outbox,
   * sends the rest and records their outcomes in the ledger.
   */
  private Delivered dispatchPending(LakecastConf conf, String outbox, String campaignId, String runId, String claim,
      boolean earlierRows, WriteCampaignRequest campaign, WriteApplicationSettingsRequest settings, Instant start,
      CampaignMessages.Resolved messages, Personalizer personalizer, Dataset<Row> endpointJson, String group) {
    SparkSession spark = warehouse.spark();
    Instant ledgerWrittenAt = Instant.now();
    long recovered = 0;
    if (earlierRows) {
      long claimed = claim(runId, claim, conf.dispatchClaimTimeoutSeconds());
      // A process that died after writing messages to the outbox but before recording their statuses: the outbox
      // holds them, so they are SENT, not sent again.
      recovered = claimed == 0 ? 0 : markDelivered(OutboxSender.delivered(spark, outbox, runId), runId, claim);
    }
    if (recovered > 0) {
      LOG.info("Campaign {} run {}: {} message(s) an earlier attempt had written to the outbox are recorded SENT",
          campaignId, runId, recovered);
    }
    Dataset<Row> pending = warehouse.read(Table.SEND_LEDGER)
        .filter(col("RunId").equalTo(runId).and(col("ClaimedBy").equalTo(claim))
            .and(col("Status").equalTo(DISPATCHING)))
        .join(endpointJson, "EndpointId")
        // The endpoint as the campaign hook returned it, if the campaign has one.
        .withColumn("EndpointJson", coalesce(col("HookEndpoint"), col("EndpointJson")));
    String batch = String.valueOf(ledgerWrittenAt.toEpochMilli());
    HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    int partitions = conf.dispatchPartitions() > 0 ? conf.dispatchPartitions() : spark.sparkContext().defaultParallelism();
    LakecastSession.describe(spark, group, "Dispatch in " + partitions + " partition(s)");
    String staging = warehouse.staging("dispatch/run=") + runId + "/batch=" + batch;
    long dispatchStart = System.nanoTime();
    PartitionedDispatcher.dispatch(
            pending, messages.messages(), Senders.forRun(conf, outbox, runId, batch, hadoop), partitions,
            pacing(campaign, settings, start), personalizer)
        .write()
        .mode("overwrite")
        .parquet(staging);
    FaultPoints.reach("campaign.after-dispatch");
    Dataset<Row> outcomes = spark.read().parquet(staging);
    Row sentFailed =
        outcomes.agg(
                sum(when(col("Status").equalTo("SENT"), 1).otherwise(0)),
                sum(when(col("Status").equalTo("FAILED"), 1).otherwise(0)))
            .first();
    long dispatched = sentFailed.isNullAt(0) ? 0 : sentFailed.getLong(0);
    long failed = sentFailed.isNullAt(1) ? 0 : sentFailed.getLong(1);
    long sent = dispatched + recovered;
    long dispatchMillis = (System.nanoTime() - dispatchStart) / 1_000_000;
    LOG.info("Campaign {} run {}: dispatched {} sent, {} failed in {} ms ({} messages/s)", campaignId, runId,
        dispatched, failed, dispatchMillis, (dispatched + failed) * 1000 / Math.max(1, dispatchMillis));

    LakecastSession.describe(spark, group, "Record delivery statuses");
    long statusesStart = System.nanoTime();
    Map<String, Column> update = new LinkedHashMap<>();
    update.put("Status", col("o.Status"));
    update.put("Reason", col("o.Reason"));
    update.put("DeliveryStatus", col("o.DeliveryStatus"));
    update.put("StatusCode", col("o.StatusCode"));
    update.put("Attempts", coalesce(col("l.Attempts"), lit(0)).plus(col("o.Attempts")));
    // The send time, which the run's _campaign.send events carry: they are written from the ledger.
    update.put("UpdatedAt", timestamp_millis(col("o.SentAt")));
    warehouse
        .delta(Table.SEND_LEDGER)
        .as("l")
        // The literal RunId lets Delta skip every file of other runs (statistics on RunId): the ledger grows with
        // each run, this merge must not.
        .merge(outcomes.as("o"), col("l.RunId").equalTo(lit(runId)).and(col("l.RunId").equalTo(col("o.RunId")))
            .and(col("l.EndpointId").equalTo(col("o.EndpointId"))))
        .whenMatched()
        .update(update)
        .execute();
    LOG.info("Campaign {} run {}: statuses recorded in {} ms", campaignId, runId,
        (System.nanoTime() - statusesStart) / 1_000_000);
    // Only this attempt's staging: another run of the campaign may still be reading its own.
    warehouse.delete(staging);
    return new Delivered(sent, failed);
  }

  /**
   * The dispatch's pace from {@code Limits.MessagesPerSecond} and its deadline from {@code Limits.MaximumDuration}
   * (the campaign's, else the application's). The deadline is the occurrence's start plus the duration, on the
   * command's clock: {@code --at} when the command started, advancing with the wall clock, so that a backfill of an
   * old occurrence sends nothing late, as Pinpoint would not have.
   */
  private Pacing pacing(WriteCampaignRequest campaign, WriteApplicationSettingsRequest settings, Instant start) {
    Integer rate = SendLimits.effective(campaign, settings, CampaignLimits::messagesPerSecond);
    Integer duration = SendLimits.effective(campaign, settings, CampaignLimits::maximumDuration);
    long deadline = duration == null ? Long.MAX_VALUE
        : startedAtMillis + (start.plusSeconds(duration).toEpochMilli() - options.at().toEpochMilli());
    return new Pacing(rate == null ? 0 : rate, deadline);
  }

  /**
   * The RunIds of the campaign's occurrences that completed: those with COMPLETED activities (a local-time
   * occurrence with waves to come is RUNNING).
   */
  private Set<String> completedRuns(String appId, String campaignId) {
    Set<String> out = new HashSet<>();
    for (Row r : warehouse.read(Table.ACTIVITIES)
        .filter(col("ApplicationId").equalTo(appId).and(col("CampaignId").equalTo(campaignId))
            .and(col("State").equalTo("COMPLETED")))
        .select(col("RunId")).distinct().collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /**
   * Runs one occurrence, starting at {@code start}, through every step (each resumable, see the class comment), for
   * the {@code treatments} whose schedule has it (the holdout goes with the default treatment). With {@code
   * triggered} (an event-triggered campaign's batch), only the segment's endpoints among those ({@code EndpointId}).
   */
  private Run runOccurrence(LakecastConf conf, String outbox, String appId, String campaignId,
      WriteCampaignRequest campaign, CampaignMessages.Resolved resolved, Instant start, String runId,
      Set<String> treatments, Dataset<Row> triggered) {
    SparkSession spark = warehouse.spark();
    String group = "campaign-" + campaignId;
    AssignmentPlan plan = AssignmentPlan.of(campaignId, campaign);
    HashMap<String, HashMap<String, String>> messages = resolved.messages();
    Map<String, String> activityIds = new LinkedHashMap<>();
    for (String t : plan.treatmentIds()) {
      if (treatments.contains(t)) {
        activityIds.put(t, Ids.deterministic(runId, t));
      }
    }
    // Endpoints of the treatments this occurrence sends; the holdout is recorded with the default treatment.
    Column inOccurrence = col("Arm").equalTo(AssignmentPlan.TREATMENT).and(col("TreatmentId").isin(
        treatments.toArray()));
    if (treatments.contains(AssignmentPlan.DEFAULT_TREATMENT)) {
      inOccurrence = inOccurrence.or(col("Arm").equalTo(AssignmentPlan.HOLDOUT));
    }
    String startedAt = Ids.now();

    SegmentResponse segment =
        new SegmentCatalog(warehouse).get(appId, campaign.segmentId(), campaign.segmentVersion());
    LakecastSession.describe(spark, group, "Evaluate segment " + segment.id() + " v" + segment.version());
    Dataset<Row> members =
        new SegmentEvaluator(warehouse, appId).members(segment, options.at());
    if (triggered != null) {
      members = members.join(triggered, members.col("Id").equalTo(triggered.col("EndpointId")), "left_semi");
    }
    WriteApplicationSettingsRequest settings = new ApplicationSettings(warehouse).of(appId);
    SegmentHook hook = SegmentHook.of(campaign.hook(), settings.campaignHook(), conf);
    SendLimits limits = SendLimits.of(campaign, settings);
    Dataset<Row> classified = classify(members, CampaignMessages.channels(messages));
    Integer control = settings.globalControlGroupPercent();
    if (control != null && control > 0) {
      // Before the limits: a user in the global control group is never messaged, whatever the limits say.
      classified = classified.withColumn("DropReason", when(col("DropReason").isNull()
          .and(AssignmentPlan.inGlobalControl(appId, control)), lit(GLOBAL_CONTROL)).otherwise(col("DropReason")));
    }
    QuietTime quiet = campaign.schedule().quietTime() != null ? campaign.schedule().quietTime() : settings.quietTime();
    if (quiet != null) {
      classified = classified.withColumn("DropReason", when(col("DropReason").isNull()
          .and(QuietTimes.inQuietTime(quiet, start)), lit(QUIET_TIME)).otherwise(col("DropReason")));
    }
    boolean local = Boolean.TRUE.equals(campaign.schedule().isLocalTime());
    if (local) {
      classified = classified.withColumn("SendAt",
          QuietTimes.localStart(start, CampaignCatalog.zoneOf(campaign.schedule().timezone())));
    }
    classified = limits.apply(classified,
            warehouse.read(Table.SEND_LEDGER).filter(col("ApplicationId").equalTo(appId)), campaignId, runId, start)
        .persist(StorageLevel.MEMORY_AND_DISK());
    // A local-time occurrence goes out in waves, one per UTC offset: this pass takes the endpoints whose local start
    // has arrived; a later run of the occurrence adds the others.
    Column arrived = local ? col("SendAt").leq(lit(java.sql.Timestamp.from(options.at()))) : lit(true);
    try {
      Map<String, Long> dropped = new TreeMap<>();
      long segmentSize = 0;
      for (Row r : classified.groupBy(col("DropReason")).agg(count(lit(1))).collectAsList()) {
        segmentSize += r.getLong(1);
        if (!r.isNullAt(0)) {
          dropped.put(r.getString(0), r.getLong(1));
        }
      }
      LOG.info("Campaign {} run {}: segment has {} endpoint(s); dropped {}", campaignId, runId, segmentSize, dropped);

      LakecastSession.describe(spark, group, "Assign treatments and record the send ledger");
      // The rows this attempt adds are its claim at once (DISPATCHING, ClaimedBy): no separate claim of them.
      String claim = Ids.random();
      Dataset<Row> ledgerRows =
          ledgerRows(plan.assign(classified.filter(col("DropReason").isNull().and(arrived))).filter(inOccurrence),
              appId, campaignId, runId, activityIds, start, claim);
      Dataset<Row> existing =
          warehouse.read(Table.SEND_LEDGER).filter(col("RunId").equalTo(runId)).select(col("EndpointId"));
      // Materialize the new ledger rows once (a staging file): the anti-join reads the ledger it then appends to.
      String freshPath = warehouse.staging("ledger/run=") + runId + "/at=" + System.currentTimeMillis();
      ledgerRows
          .join(existing, ledgerRows.col("EndpointId").equalTo(existing.col("EndpointId")), "left_anti")
          .write()
          .parquet(freshPath);
      Dataset<Row> fresh = spark.read().parquet(freshPath);
      long freshCount = fresh.count();
      if (hook != null && freshCount > 0) {
        LakecastSession.describe(spark, group, "Campaign hook " + hook.target());
        String keptPath = freshPath + "-kept";
        long filtered = throughHook(hook, fresh, classified.select(col("Id").as("EndpointId"), col("EndpointJson")),
            campaign, appId, campaignId, activityIds, start, freshPath, keptPath, conf);
        dropped.merge(SegmentHook.FILTERED, filtered, Long::sum);
        fresh = spark.read().parquet(keptPath);
        freshCount = fresh.count();
        LOG.info("Campaign {} run {}: the campaign hook kept {} endpoint(s) and left out {}", campaignId, runId,
            freshCount, filtered);
      }
      if (freshCount > 0) {
        // A MERGE, not a blind append: two runs of the campaign adding rows at once conflict (one is refused with
        // ConflictException) instead of both adding the same rows.
        warehouse.delta(Table.SEND_LEDGER).as("l")
            .merge(fresh.as("f"), col("l.RunId").equalTo(lit(runId)).and(col("l.RunId").equalTo(col("f.RunId")))
                .and(col("l.EndpointId").equalTo(col("f.EndpointId"))))
            .whenNotMatched().insertAll()
            .execute();
      }
      FaultPoints.reach("campaign.after-ledger");
      Dataset<Row> runLedger = warehouse.read(Table.SEND_LEDGER).filter(col("RunId").equalTo(runId));
      long holdout = 0;
      long inLedger = 0;
      long open = 0;
      Map<String, Long> assigned = new TreeMap<>();
      for (Row r : runLedger.groupBy(col("TreatmentId"), col("Arm"))
          .agg(count(lit(1)), sum(when(col("Status").isin("PENDING", DISPATCHING), 1).otherwise(0)))
          .collectAsList()) {
        inLedger += r.getLong(2);
        open += r.isNullAt(3) ? 0 : r.getLong(3);
        if (AssignmentPlan.HOLDOUT.equals(r.getString(1))) {
          holdout += r.getLong(2);
        } else {
          assigned.put(r.getString(0), r.getLong(2));
        }
      }
      long alreadyInLedger = inLedger - freshCount;
      LOG.info("Campaign {} run {}: ledger holds {} held out, per treatment {} ({} from an earlier run)", campaignId,
          runId, holdout, assigned, alreadyInLedger);

      Dataset<Row> endpointJson =
          classified.select(col("Id").as("EndpointId"), col("EndpointJson"));
      // Nothing left to send (every message has its outcome, or all were excluded): no claim, no dispatch.
      Delivered delivered = open == 0 ? Delivered.NONE
          : dispatchPending(conf, outbox, campaignId, runId, claim, alreadyInLedger > 0, campaign, settings, start,
              resolved, hook == null ? resolved.personalizer() : new HookOverrides(resolved.personalizer()),
              endpointJson, group);
      long sent = delivered.sent();
      long failed = delivered.failed();

      FaultPoints.reach("campaign.after-statuses");
      LakecastSession.describe(spark, group, "Write _campaign.send events");
      // A run with no ledger row (every endpoint excluded, e.g. by its limits) has no outcome to record.
      // The channels a provider sends (not the outbox): their messages get the channel's own events too.
      Set<String> providerChannels = Senders.check(conf, spark.sparkContext().hadoopConfiguration()).keySet();
      long eventsWritten = inLedger == 0 ? 0 : writeMissingEvents(appId, campaignId, runId, endpointJson,
          providerChannels, conf.accountId(), conf.dispatchClaimTimeoutSeconds());
      LOG.info("Campaign {} run {}: {} event(s) written", campaignId, runId, eventsWritten);

      FaultPoints.reach("campaign.before-activities");
      Integer[] waves = {null, null};
      if (local) {
        Row w = classified.filter(col("DropReason").isNull())
            .agg(countDistinct(col("SendAt")), countDistinct(when(arrived, col("SendAt")))).first();
        waves = new Integer[] {(int) w.getLong(0), (int) w.getLong(1)};
        LOG.info("Campaign {} run {}: {} of {} time-zone wave(s) sent", campaignId, runId, waves[1], waves[0]);
      }
      List<ActivityResponse> activities = recordActivities(appId, campaignId, runId, Ids.iso(start), startedAt,
          activityIds, dropped, holdout, waves[0], waves[1]);
      // Only this attempt's staging: another run of the campaign may still be reading its own.
      warehouse.delete(freshPath);
      warehouse.delete(freshPath + "-hook");
      warehouse.delete(freshPath + "-kept");
      return new Run(runId, Ids.iso(start), segmentSize, dropped, holdout, assigned, sent, failed, alreadyInLedger,
          activities);
    } finally {
      classified.unpersist();
    }
  }

  /**
   * Sends the new ledger rows' endpoints to the campaign hook ({@link SegmentHook}) and writes, at {@code keptPath},
   * the rows to record: the held-out ones, and those the hook kept, with the endpoint it returned in
   * {@code HookEndpoint}. Returns how many it left out. A batch the hook failed fails the run here, before anything
   * of the occurrence is recorded.
   */
  private long throughHook(SegmentHook hook, Dataset<Row> fresh, Dataset<Row> endpointJson,
      WriteCampaignRequest campaign, String appId, String campaignId, Map<String, String> activityIds,
      Instant start, String freshPath, String keptPath, LakecastConf conf) {
    SparkSession spark = warehouse.spark();
    HashMap<String, String> context = new HashMap<>();
    for (Map.Entry<String, String> t : activityIds.entrySet()) {
      MessageConfiguration mc = campaign.messageConfiguration();
      if (!t.getKey().equals(AssignmentPlan.DEFAULT_TREATMENT)) {
        MessageConfiguration own =
            campaign.additionalTreatments().get(Integer.parseInt(t.getKey()) - 1).messageConfiguration();
        mc = own != null ? own : mc;
      }
      Map<String, Object> event = new LinkedHashMap<>();
      event.put("MessageConfiguration", mc);
      event.put("ApplicationId", appId);
      event.put("CampaignId", campaignId);
      event.put("TreatmentId", t.getKey());
      event.put("ActivityId", t.getValue());
      event.put("ScheduledTime", Ids.iso(start));
      context.put(t.getKey(), PinpointJson.compact(event));
    }
    Dataset<Row> toHook = fresh.filter(col("Status").equalTo(DISPATCHING))
        .select(col("EndpointId"), col("TreatmentId")).join(endpointJson, "EndpointId");
    String answersPath = freshPath + "-hook";
    int partitions = conf.dispatchPartitions() > 0 ? conf.dispatchPartitions()
        : spark.sparkContext().defaultParallelism();
    hook.call(toHook, context, partitions).write().parquet(answersPath);
    Dataset<Row> answers = spark.read().parquet(answersPath);
    Row summary = answers.agg(
        sum(when(col("Failure").isNotNull(), 1).otherwise(0)),
        min(col("Failure")),
        sum(when(col("Failure").isNull().and(col("Kept").unary_$bang()), 1).otherwise(0))).first();
    long failed = summary.isNullAt(0) ? 0 : summary.getLong(0);
    if (failed > 0) {
      String reason = summary.getString(1);
      warehouse.delete(answersPath);
      warehouse.delete(freshPath);
      throw LakecastErrors.hookFailed(hook.target(), failed, reason);
    }
    Dataset<Row> kept = answers.select(col("EndpointId").as("_Id"), col("Kept"), col("HookEndpoint").as("_Hook"));
    fresh.join(kept, fresh.col("EndpointId").equalTo(kept.col("_Id")), "left")
        .filter(col("Kept").isNull().or(col("Kept")))
        .withColumn("HookEndpoint", col("_Hook"))
        .drop("_Id", "Kept", "_Hook")
        .write().parquet(keptPath);
    return summary.isNullAt(2) ? 0 : summary.getLong(2);
  }

  /**
   * Claims, for this attempt, the run's messages that earlier attempts left: PENDING rows, and DISPATCHING rows whose
   * claim is older than the timeout (an attempt that died). The claim is one Delta UPDATE, so of two runs of the
   * campaign at once one commits and the other conflicts (ConflictException) or finds nothing left to claim: no
   * message is sent twice. Rows another live attempt holds are refused with a ConflictException. Returns how many
   * rows the attempt holds (with those it added itself).
   */
  private long claim(String runId, String claim, long timeoutSeconds) {
    Column run = col("RunId").equalTo(runId);
    Column stale = col("UpdatedAt").lt(lit(java.sql.Timestamp.from(Instant.now().minusSeconds(timeoutSeconds))));
    Column others = col("ClaimedBy").notEqual(claim);
    List<Row> held = warehouse.read(Table.SEND_LEDGER)
        .filter(run.and(col("Status").equalTo(DISPATCHING)).and(others).and(stale.unary_$bang()))
        .agg(count(lit(1)), min(col("UpdatedAt"))).collectAsList();
    if (held.get(0).getLong(0) > 0) {
      throw LakecastErrors.runInFlight(runId, held.get(0).getLong(0), String.valueOf(held.get(0).get(1)),
          timeoutSeconds);
    }
    Map<String, Column> set = new LinkedHashMap<>();
    set.put("Status", lit(DISPATCHING));
    set.put("ClaimedBy", lit(claim));
    set.put("UpdatedAt", current_timestamp());
    warehouse.delta(Table.SEND_LEDGER)
        .update(run.and(col("Status").equalTo("PENDING")
            .or(col("Status").equalTo(DISPATCHING).and(others).and(stale))), set);
    return warehouse.read(Table.SEND_LEDGER).filter(run.and(col("ClaimedBy").equalTo(claim))
        .and(col("Status").equalTo(DISPATCHING))).count();
  }

  /**
   * Records as SENT the rows this attempt claimed whose messages the sender already holds ({@code delivered}: one
   * MessageId column); returns how many.
   */
  private long markDelivered(Dataset<Row> delivered, String runId, String claim) {
    if (delivered.isEmpty()) {
      return 0;
    }
    Dataset<Row> found = warehouse.read(Table.SEND_LEDGER)
        .filter(col("RunId").equalTo(runId).and(col("ClaimedBy").equalTo(claim)))
        .join(delivered.distinct(), "MessageId")
        .select(col("RunId"), col("EndpointId"))
        .localCheckpoint();
    long n = found.count();
    if (n > 0) {
      Map<String, Column> update = new LinkedHashMap<>();
      // The provider took it in an attempt that died before recording it: that call is the one counted.
      update.put("Status", lit("SENT"));
      update.put("DeliveryStatus", lit(Sender.Delivery.SUCCESSFUL));
      update.put("StatusCode", lit(200));
      update.put("Attempts", coalesce(col("l.Attempts"), lit(0)).plus(1));
      update.put("UpdatedAt", current_timestamp());
      warehouse.delta(Table.SEND_LEDGER).as("l")
          .merge(found.as("f"), col("l.RunId").equalTo(lit(runId)).and(col("l.RunId").equalTo(col("f.RunId")))
              .and(col("l.EndpointId").equalTo(col("f.EndpointId"))).and(col("l.ClaimedBy").equalTo(claim)))
          .whenMatched().update(update)
          .execute();
    }
    return n;
  }

  /**
   * Writes a {@code _campaign.send} event for every ledger row of the run that has an outcome (SENT, FAILED,
   * HOLDOUT), and the channel's events of those a provider sent ({@link CampaignEvents#channelEvents}), that the
   * store does not hold yet. Events are keyed by {@code event_id} (the row's MessageId, with the type for a channel
   * event), so a re-run after a crash anywhere writes exactly the missing ones. The Parquet store cannot refuse a
   * second copy, so the check and the append run under the run's lease ({@link Leases}): two runs of the campaign at
   * once write them one after the other, and the second finds none missing. The lease's first holder skips the
   * check: no event of the run can exist before it. Returns how many were written.
   */
  private long writeMissingEvents(String appId, String campaignId, String runId, Dataset<Row> endpointJson,
      Set<String> providerChannels, String accountId, long timeoutSeconds) {
    long started = System.nanoTime();
    Leases leases = new Leases(warehouse);
    String lease = "campaign-events:" + runId;
    String holder = Ids.random();
    boolean first = leases.take(lease, holder, "writing the _campaign.send events of run " + runId, timeoutSeconds);
    long leased = System.nanoTime();
    Dataset<Row> outcomes = warehouse.read(Table.SEND_LEDGER)
        .filter(col("RunId").equalTo(runId).and(col("Status").isin("SENT", "FAILED", "HOLDOUT")))
        .join(endpointJson, "EndpointId")
        .select(col("MessageId"), col("EndpointId"), col("ActivityId"), col("TreatmentId"), col("ChannelType"),
            col("Address"), col("Status"), col("Reason"), col("DeliveryStatus"),
            unix_millis(col("UpdatedAt")).as("SentAt"),
            coalesce(col("HookEndpoint"), col("EndpointJson")).as("EndpointJson"));
    long n;
    if (first) {
      // Every outcome's events are missing. The count comes from the rows written (one pass, not a second read).
      Dataset<Row> events = CampaignEvents.runEvents(outcomes, providerChannels, appId, campaignId, accountId,
          System.currentTimeMillis()).localCheckpoint();
      n = events.count();
      if (n > 0) {
        warehouse.append(Table.EVENTS, events);
      }
    } else {
      n = appendMissing(CampaignEvents.runEvents(outcomes, providerChannels, appId, campaignId, accountId,
          System.currentTimeMillis()), appId);
    }
    LOG.info("Run {} events: lease taken in {} ms ({}), {} written in {} ms", runId, (leased - started) / 1_000_000,
        first ? "first take: none written before" : "taken before: only missing ones", n,
        (System.nanoTime() - leased) / 1_000_000);
    FaultPoints.reach("campaign.holding-events-lease");
    leases.release(lease, holder);
    return n;
  }

  /** Appends the run's {@code events} that the store does not hold yet; returns how many. */
  private long appendMissing(Dataset<Row> events, String appId) {
    // An event's timestamp is its outcome's send time (the row's UpdatedAt, which no later step changes), so the
    // run's events lie in the date partitions of its outcomes and between their earliest and latest send times.
    // The time bounds let Parquet skip, by row-group statistics, the events of every other run on those dates: the
    // events an application accumulates must not slow its runs.
    Row span = events.agg(min(col("event_timestamp")), max(col("event_timestamp"))).first();
    if (span.isNullAt(0)) {
      return 0;
    }
    long first = span.getLong(0);
    long last = span.getLong(1);
    Dataset<Row> written = warehouse.read(Table.EVENTS)
        .filter(col("app_id").equalTo(appId)
            .and(col("event_date").between(Ids.iso(Instant.ofEpochMilli(first)).substring(0, 10),
                Ids.iso(Instant.ofEpochMilli(last)).substring(0, 10)))
            .and(col("event_timestamp").between(first, last))
            .and(col("event_type").isin(CampaignEvents.RUN_EVENT_TYPES.toArray())))
        .select(col("event_id"));
    Dataset<Row> missing = events.join(written, events.col("event_id").equalTo(written.col("event_id")),
        "left_anti").localCheckpoint();
    long n = missing.count();
    if (n > 0) {
      warehouse.append(Table.EVENTS, missing);
    }
    return n;
  }

  /**
   * Adds {@code DropReason} (null for endpoints that can receive the campaign) and {@code EndpointJson} (the
   * endpoint record as the event stream carries it). Pure.
   */
  public static Dataset<Row> classify(Dataset<Row> members, Set<String> channelsWithMessage) {
    Column address = col("Address");
    Column reason =
        when(col("OptOut").equalTo("ALL"), lit(OPT_OUT))
            .when(col("EndpointStatus").equalTo("INACTIVE"), lit(INACTIVE))
            .when(address.isNull().or(address.equalTo("")), lit(MISSING_ADDRESS))
            .when(coalesce(col("ChannelType").isin(channelsWithMessage.toArray()), lit(false)).unary_$bang(),
                lit(CHANNEL_MISMATCH));
    Column endpoint =
        to_json(
            struct(
                col("Address"), col("Attributes"), col("ChannelType"), col("CohortId"), col("CreationDate"),
                col("Demographic"), col("EffectiveDate"), col("EndpointStatus"), col("Id"), col("Location"),
                col("Metrics"), col("OptOut"), col("RequestId"), col("User")));
    return members.withColumn("DropReason", reason).withColumn("EndpointJson", endpoint);
  }

  /**
   * Ledger rows of assigned endpoints: for treatments DISPATCHING, claimed by {@code claim} (the attempt that adds
   * them sends them), HOLDOUT for the holdout. Pure.
   */
  static Dataset<Row> ledgerRows(Dataset<Row> assigned, String appId, String campaignId, String runId,
      Map<String, String> activityIds, Instant scheduledStart, String claim) {
    Column activity = lit(runId);
    for (Map.Entry<String, String> e : activityIds.entrySet()) {
      activity = when(col("TreatmentId").equalTo(e.getKey()), lit(e.getValue())).otherwise(activity);
    }
    return assigned.select(
        lit(appId).as("ApplicationId"),
        lit(campaignId).as("CampaignId"),
        lit(runId).as("RunId"),
        activity.as("ActivityId"),
        col("TreatmentId"),
        col("Id").as("EndpointId"),
        col("User").getField("UserId").as("UserId"),
        col("Arm"),
        col("ChannelType"),
        col("Address"),
        substring(sha2(concat_ws(":", lit(runId), col("Id")), 256), 1, 32).as("MessageId"),
        when(col("Arm").equalTo(AssignmentPlan.HOLDOUT), lit("HOLDOUT")).otherwise(lit(DISPATCHING)).as("Status"),
        lit(null).cast("string").as("Reason"),
        lit(0).as("Attempts"),
        current_timestamp().as("UpdatedAt"),
        when(col("Arm").equalTo(AssignmentPlan.HOLDOUT), lit(null).cast("string")).otherwise(lit(claim))
            .as("ClaimedBy"),
        lit(Ids.iso(scheduledStart)).as("ScheduledStart"),
        lit(null).cast("string").as("HookEndpoint"),
        lit(null).cast("string").as("DeliveryStatus"),
        lit(null).cast("int").as("StatusCode"));
  }

  private List<ActivityResponse> recordActivities(
      String appId, String campaignId, String runId, String scheduledStart, String startedAt,
      Map<String, String> activityIds, Map<String, Long> dropped, long holdout, Integer timezonesTotal,
      Integer timezonesCompleted) {
    // RUNNING while a local-time occurrence has waves to come: a later run completes it.
    String state = timezonesTotal == null || timezonesTotal.equals(timezonesCompleted) ? "COMPLETED" : "RUNNING";
    Map<String, long[]> counts = new TreeMap<>();
    for (Row r :
        warehouse
            .read(Table.SEND_LEDGER)
            .filter(col("RunId").equalTo(runId).and(col("Arm").equalTo(AssignmentPlan.TREATMENT)))
            .groupBy(col("TreatmentId"))
            .agg(count(lit(1)), sum(when(col("Status").equalTo("SENT"), 1).otherwise(0)),
                sum(when(col("Reason").equalTo(PartitionedDispatcher.MAXIMUM_DURATION_EXCEEDED), 1).otherwise(0)))
            .collectAsList()) {
      counts.put(r.getString(0), new long[] {r.getLong(1), r.isNullAt(2) ? 0 : r.getLong(2),
          r.isNullAt(3) ? 0 : r.getLong(3)});
    }
    String end = Ids.now();
    List<ActivityResponse> out = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, String> e : activityIds.entrySet()) {
      long[] c = counts.getOrDefault(e.getKey(), new long[] {0, 0, 0});
      Map<String, String> metrics = new TreeMap<>();
      dropped.forEach((k, v) -> metrics.put(k, String.valueOf(v)));
      metrics.put("TREATMENT_HOLDOUT", String.valueOf(holdout));
      if (c[2] > 0) {
        // Messages Limits.MaximumDuration left unsent: counted, never sent late.
        metrics.put(PartitionedDispatcher.MAXIMUM_DURATION_EXCEEDED, String.valueOf(c[2]));
      }
      String result = c[1] == c[0] ? "SUCCESS" : "FAIL";
      ActivityResponse a =
          new ActivityResponse(appId, campaignId, end, metrics, e.getValue(), result, scheduledStart, startedAt,
              state, (int) c[1], timezonesCompleted, timezonesTotal, (int) c[0], e.getKey());
      out.add(a);
      rows.add(org.apache.spark.sql.RowFactory.create(
          appId, campaignId, a.id(), runId, a.treatmentId(), scheduledStart, startedAt, end, a.state(), result,
          (int) c[0], (int) c[1], scala.jdk.javaapi.CollectionConverters.asScala(metrics), timezonesTotal,
          timezonesCompleted));
    }
    Dataset<Row> src = warehouse.spark().createDataFrame(rows, Table.ACTIVITIES.schema());
    warehouse
        .delta(Table.ACTIVITIES)
        .as("t")
        .merge(src.as("s"), "t.Id = s.Id")
        .whenMatched()
        .updateAll()
        .whenNotMatched()
        .insertAll()
        .execute();
    return out;
  }
}
