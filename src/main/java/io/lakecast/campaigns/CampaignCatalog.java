package io.lakecast.campaigns;

import io.lakecast.warehouse.EndpointForgetter;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.CampaignShapes.CampaignResponse;
import io.lakecast.model.CampaignShapes.CampaignState;
import io.lakecast.model.CampaignShapes.Schedule;
import io.lakecast.model.CampaignShapes.TreatmentResource;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.CampaignShapes.WriteTreatmentResource;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointEnums.CampaignStatus;
import io.lakecast.model.PinpointEnums.Frequency;
import io.lakecast.model.PinpointJson;
import io.lakecast.segments.SegmentCatalog;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
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
    if (c.messageConfiguration() == null) {
      throw LakecastErrors.missingMember(SHAPE, "MessageConfiguration");
    }
    Schedule s = c.schedule();
    if (s == null) {
      throw LakecastErrors.missingMember(SHAPE, "Schedule");
    }
    scheduledStart(s, Instant.EPOCH);
    if (s.frequency() != null && s.frequency() != Frequency.ONCE) {
      throw LakecastErrors.unsupported(SHAPE, "Schedule.Frequency=" + s.frequency(), "ONCE");
    }
    if (Boolean.TRUE.equals(s.isLocalTime())) {
      throw LakecastErrors.unsupported(SHAPE, "Schedule.IsLocalTime", "UTC schedules");
    }
    if (s.quietTime() != null) {
      throw LakecastErrors.unsupported(SHAPE, "Schedule.QuietTime", "campaigns without quiet time");
    }
    if (c.hook() != null) {
      throw LakecastErrors.unsupported(SHAPE, "Hook", "campaigns without a hook");
    }
    if (c.limits() != null) {
      throw LakecastErrors.unsupported(SHAPE, "Limits", "campaigns without limits");
    }
    if (c.templateConfiguration() != null) {
      throw LakecastErrors.unsupported(SHAPE, "TemplateConfiguration", "MessageConfiguration");
    }
    if (c.customDeliveryConfiguration() != null) {
      throw LakecastErrors.unsupported(SHAPE, "CustomDeliveryConfiguration", "EMAIL, SMS and push channels");
    }
    AssignmentPlan.of("validation", c);
    if (CampaignMessages.channels(CampaignMessages.byTreatment(c)).isEmpty()) {
      throw LakecastErrors.invalidMember(
          SHAPE, "MessageConfiguration", "it has no message for any channel (EmailMessage, SMSMessage,"
              + " DefaultMessage, GCMMessage, APNSMessage, ADMMessage, BaiduMessage)");
    }
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

  /** Creates a campaign, version 1, after checking its segment exists. */
  public CampaignResponse create(String applicationId, WriteCampaignRequest request) {
    new AppCatalog(warehouse).require(applicationId);
    validate(request);
    new SegmentCatalog(warehouse).get(applicationId, request.segmentId(), request.segmentVersion());
    String id = Ids.random();
    String now = Ids.now();
    Row row = RowFactory.create(applicationId, id, 1, request.name(), PinpointJson.compact(request), now, now);
    warehouse.append(Table.CAMPAIGNS, warehouse.spark().createDataFrame(List.of(row), Table.CAMPAIGNS.schema()));
    return response(new StoredCampaign(applicationId, id, 1, request, now, now), CampaignStatus.SCHEDULED);
  }

  /** The latest version of a campaign, or NotFound. */
  public StoredCampaign load(String applicationId, String campaignId) {
    List<Row> rows =
        warehouse
            .read(Table.CAMPAIGNS)
            .filter(col("ApplicationId").equalTo(applicationId).and(col("CampaignId").equalTo(campaignId)))
            .orderBy(col("Version").desc())
            .limit(1)
            .collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.notFound("Campaign", campaignId, applicationId);
    }
    Row r = rows.get(0);
    return new StoredCampaign(
        r.getString(0), r.getString(1), r.getInt(2),
        PinpointJson.parse(r.getString(4), WriteCampaignRequest.class, SHAPE, "campaigns table"), r.getString(5),
        r.getString(6));
  }

  /** The campaign as get-campaign prints it; COMPLETED once its (single) run has completed. */
  public CampaignResponse get(String applicationId, String campaignId) {
    StoredCampaign c = load(applicationId, campaignId);
    boolean ran =
        !warehouse
            .read(Table.ACTIVITIES)
            .filter(
                col("ApplicationId").equalTo(applicationId)
                    .and(col("CampaignId").equalTo(campaignId))
                    .and(col("State").equalTo("COMPLETED")))
            .limit(1)
            .isEmpty();
    CampaignStatus status =
        ran ? CampaignStatus.COMPLETED
            : Boolean.TRUE.equals(c.definition().isPaused()) ? CampaignStatus.PAUSED : CampaignStatus.SCHEDULED;
    return response(c, status);
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
                String.valueOf(i + 1), t.messageConfiguration(), t.schedule(), t.sizePercent(), state,
                t.treatmentDescription(), t.treatmentName()));
      }
    }
    Integer segmentVersion = d.segmentVersion();
    return new CampaignResponse(
        treatments, c.applicationId(),
        Ids.arn(conf.region(), conf.accountId(), "apps/" + c.applicationId() + "/campaigns/" + c.campaignId()),
        c.creationDate(), treatments == null ? null : state, d.description(), d.holdoutPercent(), d.hook(),
        c.campaignId(), d.isPaused(), c.lastModifiedDate(), d.limits(), d.messageConfiguration(), d.name(),
        d.schedule(), d.segmentId(), segmentVersion == null ? Integer.valueOf(1) : segmentVersion, state, d.tags(),
        d.treatmentDescription(), d.treatmentName(), c.version());
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
            java.util.Map.of("Address", lit(null).cast("string")));
      }
    };
  }
}
