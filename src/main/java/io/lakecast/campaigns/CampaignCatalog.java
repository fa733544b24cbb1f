package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.CampaignShapes.CampaignResponse;
import io.lakecast.model.CampaignShapes.CampaignState;
import io.lakecast.model.CampaignShapes.CustomDeliveryConfiguration;
import io.lakecast.model.CampaignShapes.MessageConfiguration;
import io.lakecast.model.CampaignShapes.Schedule;
import io.lakecast.model.CampaignShapes.TreatmentResource;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.CampaignShapes.WriteTreatmentResource;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointEnums.CampaignStatus;
import io.lakecast.model.PinpointEnums.Frequency;
import io.lakecast.model.PinpointJson;
import io.lakecast.segments.SegmentCatalog;
import io.lakecast.templates.MessageRenderer;
import io.lakecast.templates.TemplateCatalog;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.EndpointForgetter;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Campaign definitions in the {@code campaigns} table, and their state derived from {@code activities}. */
public final class CampaignCatalog {
  static final String SHAPE = "WriteCampaignRequest";

  private final Warehouse warehouse;
  private final LakecastConf conf;

  public CampaignCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.conf = LakecastConf.from(warehouse.spark());
  }

  /** A stored campaign: its definition and bookkeeping. */
  public record StoredCampaign(
      String applicationId, String campaignId, int version, WriteCampaignRequest definition, String creationDate,
      String lastModifiedDate) {}

  /** Checks the definition is one Lakecast can run; errors name the member. */
  public static void validate(WriteCampaignRequest c) {
    if (c.segmentId() == null || c.segmentId().isBlank()) {
      throw LakecastErrors.missingMember(SHAPE, "SegmentId");
    }
    if (c.messageConfiguration() == null && c.templateConfiguration() == null) {
      throw LakecastErrors.missingMember(SHAPE, "MessageConfiguration");
    }
    Schedule s = c.schedule();
    if (s == null) {
      throw LakecastErrors.missingMember(SHAPE, "Schedule");
    }
    scheduledStart(s, Instant.EPOCH);
    boolean inApp = s.frequency() == Frequency.IN_APP_EVENT;
    checkInApp(c, inApp);
    boolean triggered = s.frequency() == Frequency.EVENT;
    if (triggered) {
      EventTriggers.validate(s);
    }
    if (inApp && s.eventFilter() != null) {
      // The app shows the message on these events; checked as a trigger's filter is.
      EventTriggers.matches(s.eventFilter());
    }
    QuietTimes.validate(SHAPE, "Schedule.QuietTime", s.quietTime());
    SegmentHook.validate(SHAPE, "Hook", c.hook());
    ApplicationSettings.validateLimits(SHAPE, "Limits", c.limits());
    if (s.eventFilter() != null && !triggered && !inApp) {
      throw LakecastErrors.invalidMember(SHAPE, "Schedule.EventFilter", "it applies only with Frequency EVENT or "
          + "IN_APP_EVENT, not "
          + (s.frequency() == null ? Frequency.ONCE : s.frequency()));
    }
    if (s.timezone() != null && !UTC_OFFSET.matcher(s.timezone()).matches()) {
      throw LakecastErrors.invalidMember(SHAPE, "Schedule.Timezone", "'" + s.timezone() + "' is not a UTC offset "
          + "such as UTC, UTC+01 or UTC-05:30");
    }
    if (s.endTime() != null) {
      Instant end = instant("Schedule.EndTime", s.endTime());
      if (!s.startTime().equals("IMMEDIATE") && !end.isAfter(Instant.parse(s.startTime()))) {
        throw LakecastErrors.invalidMember(SHAPE, "Schedule.EndTime", "'" + s.endTime() + "' is not after "
            + "Schedule.StartTime '" + s.startTime() + "'");
      }
    }
    CampaignMessages.checkTemplateConfiguration(SHAPE, "TemplateConfiguration", c.templateConfiguration());
    checkCustomDelivery("", c.customDeliveryConfiguration(), c.messageConfiguration());
    if (c.priority() != null && (c.priority() < 1 || c.priority() > 5)) {
      throw LakecastErrors.invalidMember(SHAPE, "Priority", c.priority() + " is not between 1 and 5");
    }
    refuseUnsupportedMessages("MessageConfiguration", c.messageConfiguration());
    checkVariables("MessageConfiguration", c.messageConfiguration());
    List<WriteTreatmentResource> extra =
        c.additionalTreatments() == null ? List.of() : c.additionalTreatments();
    for (int i = 0; i < extra.size(); i++) {
      WriteTreatmentResource t = extra.get(i);
      String at = "AdditionalTreatments[" + i + "].";
      if (t.schedule() != null && triggered) {
        throw LakecastErrors.unsupported(SHAPE, at + "Schedule of an event-triggered campaign",
            "treatments of an event-triggered campaign sent on the campaign's events");
      }
      if (t.schedule() != null) {
        checkTreatmentSchedule(at + "Schedule.", t.schedule(), s);
      }
      CampaignMessages.checkTemplateConfiguration(SHAPE, at + "TemplateConfiguration", t.templateConfiguration());
      checkCustomDelivery(at,
          t.customDeliveryConfiguration() != null ? t.customDeliveryConfiguration() : c.customDeliveryConfiguration(),
          t.messageConfiguration() != null ? t.messageConfiguration() : c.messageConfiguration());
      refuseUnsupportedMessages(at + "MessageConfiguration", t.messageConfiguration());
      checkVariables(at + "MessageConfiguration", t.messageConfiguration());
    }
    AssignmentPlan.of("validation", c);
  }

  /**
   * A treatment's own Schedule: a valid StartTime, EndTime and Frequency (ONCE to MONTHLY); its local time, time zone
   * and quiet time must be the campaign's (one classification serves every treatment of a run).
   */
  private static void checkTreatmentSchedule(String path, Schedule t, Schedule campaign) {
    if (t.startTime() == null || t.startTime().isBlank()) {
      throw LakecastErrors.missingMember(SHAPE, path + "StartTime");
    }
    if (!t.startTime().equals("IMMEDIATE")) {
      instant(path + "StartTime", t.startTime());
    }
    if (t.frequency() == Frequency.EVENT || t.frequency() == Frequency.IN_APP_EVENT) {
      throw LakecastErrors.unsupported(SHAPE, path + "Frequency=" + t.frequency(), "ONCE, HOURLY, DAILY, WEEKLY or "
          + "MONTHLY in a treatment's own schedule (an event-triggered campaign sets Frequency EVENT on its own)");
    }
    if (t.endTime() != null) {
      Instant end = instant(path + "EndTime", t.endTime());
      if (!t.startTime().equals("IMMEDIATE") && !end.isAfter(Instant.parse(t.startTime()))) {
        throw LakecastErrors.invalidMember(SHAPE, path + "EndTime", "'" + t.endTime() + "' is not after "
            + path + "StartTime '" + t.startTime() + "'");
      }
    }
    if (t.eventFilter() != null) {
      throw LakecastErrors.unsupported(SHAPE, path + "EventFilter", "schedules without an event filter");
    }
    if (!java.util.Objects.equals(t.isLocalTime(), campaign.isLocalTime())
        || !java.util.Objects.equals(t.timezone(), campaign.timezone())
        || !java.util.Objects.equals(t.quietTime(), campaign.quietTime())) {
      throw LakecastErrors.unsupported(SHAPE, path + "IsLocalTime, Timezone or QuietTime different from the "
          + "campaign's", "treatment schedules that change StartTime, EndTime and Frequency only");
    }
  }

  private static void checkVariables(String path, MessageConfiguration m) {
    if (m != null) {
      MessageRenderer.checkMessage(SHAPE, path, PinpointJson.mapper().valueToTree(m));
    }
  }

  /**
   * The campaign's messages with its templates resolved (the versions named, else the active ones); a template that
   * does not exist is NotFoundException. Refuses a campaign with no message for any channel.
   */
  CampaignMessages.Resolved messages(WriteCampaignRequest c) {
    TemplateCatalog templates = new TemplateCatalog(warehouse);
    CampaignMessages.Resolved r = CampaignMessages.resolve(c,
        (type, t) -> templates.resolve(type, t.name(), t.version()).request());
    if (r.channels().isEmpty()) {
      throw LakecastErrors.invalidMember(
          SHAPE, "MessageConfiguration", "it has no message for any channel (EmailMessage, SMSMessage,"
              + " DefaultMessage, GCMMessage, APNSMessage, ADMMessage, BaiduMessage, or a TemplateConfiguration)");
    }
    return r;
  }

  /**
   * A {@code Schedule.Timezone} (UTC, UTC+05:30, UTC-08) as a zone Spark and Java read ({@code +05:30}); null when
   * absent.
   */
  static String zoneOf(String timezone) {
    if (timezone == null || timezone.equals("UTC")) {
      return timezone == null ? null : "UTC";
    }
    String offset = timezone.substring(3);
    return offset.length() == 3 ? offset + ":00" : offset;
  }

  private static final java.util.regex.Pattern UTC_OFFSET =
      java.util.regex.Pattern.compile("UTC([+-]\\d{2}(:\\d{2})?)?");

  /**
   * A custom channel (Pinpoint's rule: {@code CustomDeliveryConfiguration} is required with a {@code CustomMessage},
   * and goes with one): a {@code DeliveryUri} that is an {@code https://} URL or a Lambda function name, and the
   * message's {@code Data}, at most 5 KB. {@code at} prefixes member names ("" or a treatment's).
   */
  private static void checkCustomDelivery(String at, CustomDeliveryConfiguration cdc, MessageConfiguration mc) {
    boolean message = mc != null && mc.customMessage() != null;
    if (cdc == null) {
      if (message) {
        throw LakecastErrors.missingMember(SHAPE, at + "CustomDeliveryConfiguration");
      }
      return;
    }
    String uri = cdc.deliveryUri();
    if (uri == null || uri.isBlank()) {
      throw LakecastErrors.missingMember(SHAPE, at + "CustomDeliveryConfiguration.DeliveryUri");
    }
    if (uri.contains("://") && !uri.startsWith("https://")) {
      throw LakecastErrors.invalidMember(SHAPE, at + "CustomDeliveryConfiguration.DeliveryUri", "'" + uri
          + "' is neither an https:// URL nor a Lambda function name");
    }
    if (!message || mc.customMessage().data() == null || mc.customMessage().data().isEmpty()) {
      throw LakecastErrors.missingMember(SHAPE, at + "MessageConfiguration.CustomMessage.Data");
    }
    if (mc.customMessage().data().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 5 * 1024) {
      throw LakecastErrors.invalidMember(SHAPE, at + "MessageConfiguration.CustomMessage.Data",
          "it is longer than 5 KB (Pinpoint's limit)");
    }
  }

  private static void refuseUnsupportedMessages(String path, MessageConfiguration m) {
    if (m != null && m.inAppMessage() != null && !m.inAppMessage().isObject()) {
      throw LakecastErrors.invalidMember(SHAPE, path + ".InAppMessage", "a CampaignInAppMessage object");
    }
  }

  /**
   * An in-app campaign, as Pinpoint has it: {@code Frequency: IN_APP_EVENT} with an in-app message (its own
   * {@code InAppMessage} or an {@code InAppTemplate}) in the campaign or a treatment, which the app fetches with
   * get-in-app-messages, and no custom delivery; an in-app message with any other frequency is refused.
   */
  private static void checkInApp(WriteCampaignRequest c, boolean inApp) {
    List<WriteTreatmentResource> extra = c.additionalTreatments() == null ? List.of() : c.additionalTreatments();
    boolean any = hasInApp(c.messageConfiguration(), c.templateConfiguration());
    for (WriteTreatmentResource t : extra) {
      any |= hasInApp(t.messageConfiguration(), t.templateConfiguration());
    }
    if (any && !inApp) {
      throw LakecastErrors.invalidMember(SHAPE, "Schedule.Frequency", "IN_APP_EVENT for a campaign of in-app "
          + "messages, not " + (c.schedule().frequency() == null ? Frequency.ONCE : c.schedule().frequency()));
    }
    if (inApp && !any) {
      throw LakecastErrors.missingMember(SHAPE, "MessageConfiguration.InAppMessage");
    }
    if (inApp && (c.customDeliveryConfiguration() != null || extra.stream()
        .anyMatch(t -> t.customDeliveryConfiguration() != null))) {
      throw LakecastErrors.invalidMember(SHAPE, "CustomDeliveryConfiguration", "none in an in-app campaign");
    }
  }

  private static boolean hasInApp(MessageConfiguration mc, io.lakecast.model.TemplateShapes.TemplateConfiguration tc) {
    return (mc != null && mc.inAppMessage() != null) || (tc != null && tc.inAppTemplate() != null);
  }

  private static Instant instant(String member, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw LakecastErrors.invalidMember(SHAPE, member, "'" + value + "' is not an ISO-8601 instant such as "
          + "2026-12-01T15:00:00Z");
    }
  }

  /** When the campaign ends: {@code Schedule.EndTime}, or null. No run is due after it. */
  public static Instant endTime(Schedule s) {
    return s.endTime() == null ? null : instant("Schedule.EndTime", s.endTime());
  }

  /** When the schedule's (single) run is due: {@code IMMEDIATE} means the campaign's creation instant. */
  public static Instant scheduledStart(Schedule s, Instant created) {
    if (s.startTime() == null || s.startTime().isBlank()) {
      throw LakecastErrors.missingMember(SHAPE, "Schedule.StartTime");
    }
    if (s.startTime().equals("IMMEDIATE")) {
      return created;
    }
    try {
      return Instant.parse(s.startTime());
    } catch (DateTimeParseException e) {
      throw LakecastErrors.invalidMember(
          SHAPE, "Schedule.StartTime", "'" + s.startTime() + "' is neither IMMEDIATE nor an ISO-8601 instant"
              + " such as 2026-12-01T15:00:00Z");
    }
  }

  /** Creates a campaign, version 1, with a new id, after checking its segment exists. */
  public CampaignResponse create(String applicationId, WriteCampaignRequest request) {
    return create(applicationId, request, null);
  }

  /**
   * Creates a campaign, version 1, after checking its segment exists. {@code campaignId} keeps a migrated Pinpoint
   * campaign's id (the assignment's salt, so its holdout and treatment arms stay as they were); null makes a new one.
   */
  public CampaignResponse create(String applicationId, WriteCampaignRequest request, String campaignId) {
    new AppCatalog(warehouse).require(applicationId);
    validate(request);
    messages(request);
    new SegmentCatalog(warehouse).get(applicationId, request.segmentId(), request.segmentVersion());
    if (campaignId != null && !exists(applicationId, campaignId).isEmpty()) {
      throw LakecastErrors.alreadyExists("Campaign", campaignId, applicationId);
    }
    String id = campaignId == null ? Ids.random() : campaignId;
    String now = Ids.now();
    Row row = RowFactory.create(applicationId, id, 1, request.name(), PinpointJson.compact(request), now, now);
    warehouse.append(Table.CAMPAIGNS, warehouse.spark().createDataFrame(List.of(row), Table.CAMPAIGNS.schema()));
    return response(new StoredCampaign(applicationId, id, 1, request, now, now), CampaignStatus.SCHEDULED);
  }

  private List<Row> exists(String applicationId, String campaignId) {
    return warehouse
        .read(Table.CAMPAIGNS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("CampaignId").equalTo(campaignId)))
        .orderBy(col("Version").desc())
        .limit(1)
        .collectAsList();
  }

  /** The latest version of a campaign, or NotFound. */
  public StoredCampaign load(String applicationId, String campaignId) {
    List<Row> rows = exists(applicationId, campaignId);
    if (rows.isEmpty()) {
      throw LakecastErrors.notFound("Campaign", campaignId, applicationId);
    }
    return stored(rows.get(0));
  }

  /** The latest version of each of the campaigns that exists, in one read; the others are left out. */
  public Map<String, StoredCampaign> loadAll(String applicationId, java.util.Collection<String> campaignIds) {
    Map<String, StoredCampaign> out = new java.util.TreeMap<>();
    if (campaignIds.isEmpty()) {
      return out;
    }
    for (Row r : warehouse.read(Table.CAMPAIGNS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("CampaignId").isin(campaignIds.toArray())))
        .collectAsList()) {
      StoredCampaign c = stored(r);
      out.merge(c.campaignId(), c, (a, b) -> a.version() >= b.version() ? a : b);
    }
    return out;
  }

  /** The application's campaign ids, sorted. */
  public List<String> campaignIds(String applicationId) {
    List<String> out = new ArrayList<>();
    for (Row r : warehouse.read(Table.CAMPAIGNS).filter(col("ApplicationId").equalTo(applicationId))
        .select(col("CampaignId")).distinct().orderBy(col("CampaignId")).collectAsList()) {
      out.add(r.getString(0));
    }
    return out;
  }

  /** The latest version of the campaign as get-campaign prints it, with its {@link #status}. */
  public CampaignResponse get(String applicationId, String campaignId) {
    StoredCampaign c = load(applicationId, campaignId);
    return response(c, status(c));
  }

  /**
   * The campaign's status: DELETED once its segment is gone (its runs stop); PAUSED while paused; SCHEDULED until
   * an occurrence has completed; then PENDING_NEXT_RUN while its schedule has an occurrence after the latest one
   * completed (an event-triggered campaign: until its EndTime), and COMPLETED when it has none.
   */
  public CampaignStatus status(StoredCampaign c) {
    if (!new SegmentCatalog(warehouse).exists(c.applicationId(), c.definition().segmentId())) {
      return CampaignStatus.DELETED;
    }
    if (Boolean.TRUE.equals(c.definition().isPaused())) {
      return CampaignStatus.PAUSED;
    }
    Row latest = warehouse.read(Table.ACTIVITIES)
        .filter(col("ApplicationId").equalTo(c.applicationId()).and(col("CampaignId").equalTo(c.campaignId()))
            .and(col("State").equalTo("COMPLETED")))
        .agg(max(col("ScheduledStart"))).first();
    if (latest.isNullAt(0)) {
      return CampaignStatus.SCHEDULED;
    }
    if (c.definition().schedule().frequency() == Frequency.EVENT) {
      // An event-triggered campaign waits for its next events until its EndTime.
      Instant end = endTime(c.definition().schedule());
      return end != null && !Instant.now().isBefore(end) ? CampaignStatus.COMPLETED : CampaignStatus.PENDING_NEXT_RUN;
    }
    boolean more = CampaignSchedule.nextAfter(
        CampaignSchedule.ofTreatments(c.definition(), Instant.parse(c.creationDate())),
        Instant.parse(latest.getString(0))) != null;
    return more ? CampaignStatus.PENDING_NEXT_RUN : CampaignStatus.COMPLETED;
  }

  /**
   * Writes a new version of the campaign (UpdateCampaign: the request replaces the definition); its id, creation
   * date and runs stay, so occurrences already run are not run again.
   */
  public CampaignResponse update(String applicationId, String campaignId, WriteCampaignRequest request) {
    StoredCampaign current = load(applicationId, campaignId);
    validate(request);
    messages(request);
    new SegmentCatalog(warehouse).get(applicationId, request.segmentId(), request.segmentVersion());
    String now = Ids.now();
    int version = current.version() + 1;
    Row row = RowFactory.create(applicationId, campaignId, version, request.name(), PinpointJson.compact(request),
        current.creationDate(), now);
    warehouse.append(Table.CAMPAIGNS, warehouse.spark().createDataFrame(List.of(row), Table.CAMPAIGNS.schema()));
    StoredCampaign updated = new StoredCampaign(applicationId, campaignId, version, request, current.creationDate(),
        now);
    return response(updated, status(updated));
  }

  /** One version of the campaign (GetCampaignVersion), with the campaign's current status. */
  public CampaignResponse version(String applicationId, String campaignId, int version) {
    List<StoredCampaign> all = stored(applicationId, campaignId);
    CampaignStatus status = status(all.get(all.size() - 1));
    return all.stream().filter(c -> c.version() == version).findFirst().map(c -> response(c, status))
        .orElseThrow(() -> LakecastErrors.notFound("Campaign version " + version + " of", campaignId, applicationId));
  }

  /** Every version of the campaign, oldest first (GetCampaignVersions). */
  public List<CampaignResponse> versions(String applicationId, String campaignId) {
    List<StoredCampaign> all = stored(applicationId, campaignId);
    CampaignStatus status = status(all.get(all.size() - 1));
    return all.stream().map(c -> response(c, status)).toList();
  }

  /** The latest version of every campaign of the application, by id (GetCampaigns). */
  public List<CampaignResponse> list(String applicationId) {
    new AppCatalog(warehouse).require(applicationId);
    return campaignIds(applicationId).stream().map(id -> get(applicationId, id)).toList();
  }

  /**
   * Deletes every version of the campaign (DeleteCampaign); returns the latest as it was. Its ledger and activities
   * stay: they are the history its messages were sent under, and what limits count.
   */
  public CampaignResponse delete(String applicationId, String campaignId) {
    CampaignResponse latest = get(applicationId, campaignId);
    warehouse.delta(Table.CAMPAIGNS).delete(
        col("ApplicationId").equalTo(applicationId).and(col("CampaignId").equalTo(campaignId)));
    return latest;
  }

  /** Every stored version of a campaign, oldest first, or NotFound. */
  private List<StoredCampaign> stored(String applicationId, String campaignId) {
    List<Row> rows = warehouse.read(Table.CAMPAIGNS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("CampaignId").equalTo(campaignId)))
        .orderBy(col("Version")).collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.notFound("Campaign", campaignId, applicationId);
    }
    return rows.stream().map(CampaignCatalog::stored).toList();
  }

  private static StoredCampaign stored(Row r) {
    return new StoredCampaign(
        r.getString(0), r.getString(1), r.getInt(2),
        PinpointJson.parse(r.getString(4), WriteCampaignRequest.class, SHAPE, "campaigns table"), r.getString(5),
        r.getString(6));
  }

  private CampaignResponse response(StoredCampaign c, CampaignStatus status) {
    WriteCampaignRequest d = c.definition();
    CampaignState state = new CampaignState(status.name());
    List<TreatmentResource> treatments = null;
    if (d.additionalTreatments() != null) {
      treatments = new ArrayList<>();
      for (int i = 0; i < d.additionalTreatments().size(); i++) {
        WriteTreatmentResource t = d.additionalTreatments().get(i);
        treatments.add(
            new TreatmentResource(
                t.customDeliveryConfiguration(), String.valueOf(i + 1), t.messageConfiguration(), t.schedule(), t.sizePercent(), state,
                t.templateConfiguration(), t.treatmentDescription(), t.treatmentName()));
      }
    }
    // The version a run uses: the one named, else the segment's latest (runs read it when they start); none once
    // the segment is deleted (the campaign is DELETED).
    Integer segmentVersion = d.segmentVersion() != null ? d.segmentVersion()
        : status == CampaignStatus.DELETED ? null
        : new SegmentCatalog(warehouse).get(c.applicationId(), d.segmentId(), null).version();
    return new CampaignResponse(
        treatments, c.applicationId(),
        Ids.arn(conf.region(), conf.accountId(), "apps/" + c.applicationId() + "/campaigns/" + c.campaignId()),
        c.creationDate(), d.customDeliveryConfiguration(), treatments == null ? null : state, d.description(), d.holdoutPercent(), d.hook(),
        c.campaignId(), d.isPaused(), c.lastModifiedDate(), d.limits(), d.messageConfiguration(), d.name(),
        d.schedule(), d.segmentId(), segmentVersion, state, d.tags(), d.templateConfiguration(),
        d.treatmentDescription(), d.treatmentName(),
        c.version(), d.priority());
  }

  /**
   * The campaigns package's part of a deletion: the send ledger forgets the endpoints' addresses. Their rows stay,
   * so a re-run of an activity never sends to them again.
   */
  public EndpointForgetter ledgerForgetter() {
    return (applicationId, endpointIds, addresses) -> {
      if (!endpointIds.isEmpty()) {
        warehouse.delta(Table.SEND_LEDGER).update(
            col("ApplicationId").equalTo(applicationId).and(col("EndpointId").isin(endpointIds.toArray())),
            java.util.Map.of("Address", lit(null).cast("string"), "HookEndpoint", lit(null).cast("string")));
      }
    };
  }
}
