package io.lakecast.campaigns;

import io.lakecast.model.CampaignShapes.Message;
import io.lakecast.model.CampaignShapes.MessageConfiguration;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.CampaignShapes.WriteTreatmentResource;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.model.PinpointJson;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which message each treatment sends on each channel. EMAIL takes {@code EmailMessage}, else {@code
 * DefaultMessage}; SMS takes {@code SMSMessage}, else {@code DefaultMessage}; push channels take their own message
 * (GCM, APNS*, ADM, Baidu), else {@code DefaultMessage}. VOICE, CUSTOM and IN_APP have no campaign message yet. A
 * treatment without its own MessageConfiguration sends the campaign's.
 */
public final class CampaignMessages {
  private CampaignMessages() {}

  /** The message of one channel, as compact JSON, or null when the configuration has none for it. */
  public static String forChannel(MessageConfiguration mc, ChannelType channel) {
    if (mc == null) {
      return null;
    }
    Object m =
        switch (channel) {
          case EMAIL -> mc.emailMessage() != null ? mc.emailMessage() : mc.defaultMessage();
          case SMS -> mc.smsMessage() != null ? mc.smsMessage() : mc.defaultMessage();
          case GCM -> push(mc.gcmMessage(), mc);
          case APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX -> push(mc.apnsMessage(), mc);
          case ADM -> push(mc.admMessage(), mc);
          case BAIDU -> push(mc.baiduMessage(), mc);
          case PUSH -> mc.defaultMessage();
          default -> null;
        };
    return m == null ? null : PinpointJson.compact(m);
  }

  private static Message push(Message specific, MessageConfiguration mc) {
    return specific != null ? specific : mc.defaultMessage();
  }

  /** TreatmentId → ChannelType → message JSON, for every treatment of the campaign. */
  public static HashMap<String, HashMap<String, String>> byTreatment(WriteCampaignRequest campaign) {
    HashMap<String, HashMap<String, String>> out = new HashMap<>();
    out.put(AssignmentPlan.DEFAULT_TREATMENT, channels(campaign.messageConfiguration()));
    List<WriteTreatmentResource> extra =
        campaign.additionalTreatments() == null ? List.of() : campaign.additionalTreatments();
    for (int i = 0; i < extra.size(); i++) {
      MessageConfiguration mc = extra.get(i).messageConfiguration();
      out.put(String.valueOf(i + 1), channels(mc != null ? mc : campaign.messageConfiguration()));
    }
    return out;
  }

  private static HashMap<String, String> channels(MessageConfiguration mc) {
    HashMap<String, String> m = new HashMap<>();
    for (ChannelType c : ChannelType.values()) {
      String msg = forChannel(mc, c);
      if (msg != null) {
        m.put(c.name(), msg);
      }
    }
    return m;
  }

  /** Channels any treatment can send on. */
  public static Set<String> channels(Map<String, HashMap<String, String>> byTreatment) {
    Set<String> all = new TreeSet<>();
    byTreatment.values().forEach(m -> all.addAll(m.keySet()));
    return all;
  }
}
