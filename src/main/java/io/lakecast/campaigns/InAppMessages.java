package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.model.CampaignShapes.CampaignLimits;
import io.lakecast.model.CampaignShapes.InAppCampaignSchedule;
import io.lakecast.model.CampaignShapes.InAppMessageCampaign;
import io.lakecast.model.CampaignShapes.InAppMessagesResponse;
import io.lakecast.model.CampaignShapes.Schedule;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * get-in-app-messages (GetInAppMessages): the in-app messages an endpoint's app may show.
 *
 * <p>A run of an in-app campaign ({@code Frequency: IN_APP_EVENT}) holds one SENT ledger row per IN_APP endpoint of
 * its segment, with the endpoint's treatment, after the same checks as any campaign (opt-outs, holdout, limits,
 * quiet time at the start). This reads the endpoint's rows and answers, for each campaign still live at {@code at}
 * (not deleted or paused, started, before its {@code EndTime}), the treatment's {@code InAppMessage} (Content,
 * CustomConfig, Layout), the caps from its {@code Limits} ({@code Daily}, {@code Session}, {@code Total}; the
 * application's where the campaign sets none) and its {@code Schedule} ({@code EndTime} as EndDate,
 * {@code EventFilter}, {@code QuietTime}), ordered by {@code Priority} (1 first, campaigns without one last), then by
 * campaign id. Counting shows against the caps and matching the events is the app's, as with Pinpoint's SDKs.
 */
public final class InAppMessages {
  /** The endpoint, and the instant to answer as of (null: now; Lakecast's, Pinpoint answers as of now). */
  public record Options(String applicationId, String endpointId, Instant at) {
    public Options {
      at = at == null ? Instant.now() : at;
      if (endpointId == null || endpointId.isBlank()) {
        throw LakecastErrors.invalidOption("--endpoint-id", String.valueOf(endpointId), "an endpoint id");
      }
    }
  }

  private static final String IN_APP = "IN_APP";

  private final Warehouse warehouse;

  public InAppMessages(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  public InAppMessagesResponse run(Options o) {
    new AppCatalog(warehouse).require(o.applicationId());
    List<InAppMessageCampaign> out = new ArrayList<>();
    if (!warehouse.exists(warehouse.path(Table.SEND_LEDGER))) {
      return new InAppMessagesResponse(out);
    }
    // CampaignId → TreatmentId: one endpoint has a row per run of each in-app campaign it is in (a handful).
    Map<String, String> treatments = new TreeMap<>();
    for (Row r : warehouse.read(Table.SEND_LEDGER)
        .filter(col("ApplicationId").equalTo(o.applicationId()).and(col("EndpointId").equalTo(o.endpointId()))
            .and(col("ChannelType").equalTo(IN_APP)).and(col("Status").equalTo("SENT")))
        .select(col("CampaignId"), col("TreatmentId")).distinct().collectAsList()) {
      treatments.put(r.getString(0), r.getString(1));
    }
    CampaignCatalog catalog = new CampaignCatalog(warehouse);
    // One read for all of them; a deleted campaign is not there.
    Map<String, CampaignCatalog.StoredCampaign> live = catalog.loadAll(o.applicationId(), treatments.keySet());
    CampaignLimits appLimits = new ApplicationSettings(warehouse).of(o.applicationId()).limits();
    for (Map.Entry<String, String> e : treatments.entrySet()) {
      CampaignCatalog.StoredCampaign stored = live.get(e.getKey());
      if (stored == null) {
        continue;
      }
      WriteCampaignRequest c = stored.definition();
      Schedule s = c.schedule();
      Instant start = CampaignCatalog.scheduledStart(s, Instant.parse(stored.creationDate()));
      Instant end = CampaignCatalog.endTime(s);
      if (Boolean.TRUE.equals(c.isPaused()) || o.at().isBefore(start) || (end != null && !o.at().isBefore(end))) {
        continue;
      }
      HashMap<String, String> messages = catalog.messages(c).messages().get(e.getValue());
      String message = messages == null ? null : messages.get(IN_APP);
      if (message == null) {
        continue;
      }
      CampaignLimits limits = c.limits() != null ? c.limits() : appLimits;
      out.add(new InAppMessageCampaign(e.getKey(),
          limits == null ? null : limits.daily(),
          inAppMessage(message),
          c.priority(),
          new InAppCampaignSchedule(s.endTime(), s.eventFilter(), s.quietTime()),
          limits == null ? null : limits.session(),
          limits == null ? null : limits.total(),
          e.getValue()));
    }
    out.sort(Comparator.comparing((InAppMessageCampaign m) -> m.priority() == null ? Integer.MAX_VALUE : m.priority())
        .thenComparing(InAppMessageCampaign::campaignId));
    return new InAppMessagesResponse(out);
  }

  /** Pinpoint's {@code InAppMessage} of a campaign's in-app message: its Content, CustomConfig and Layout. */
  static JsonNode inAppMessage(String campaignMessage) {
    JsonNode given = PinpointJson.parse(campaignMessage, JsonNode.class, "CampaignInAppMessage", "campaign");
    ObjectNode m = PinpointJson.mapper().createObjectNode();
    for (String member : List.of("Content", "CustomConfig", "Layout")) {
      if (given.hasNonNull(member)) {
        m.set(member, given.get(member));
      }
    }
    return m;
  }
}
