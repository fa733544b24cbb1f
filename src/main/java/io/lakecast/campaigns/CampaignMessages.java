package io.lakecast.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.dispatch.CustomDelivery;
import io.lakecast.dispatch.Personalizer;
import io.lakecast.model.CampaignShapes.CustomDeliveryConfiguration;
import io.lakecast.model.CampaignShapes.Message;
import io.lakecast.model.CampaignShapes.MessageConfiguration;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.CampaignShapes.WriteTreatmentResource;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.TemplateShapes.Template;
import io.lakecast.model.TemplateShapes.TemplateConfiguration;
import io.lakecast.model.TemplateShapes.TemplateType;
import io.lakecast.templates.MessageRenderer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which message each treatment sends on each channel, in Pinpoint's order:
 *
 * <ul>
 *   <li>the channel's own message (EMAIL: {@code EmailMessage}; SMS: {@code SMSMessage}; push channels: GCM, APNS*,
 *       ADM, Baidu), its members laid over the template's for that channel when the treatment names one;
 *   <li>else the template alone ({@code TemplateConfiguration}: email, SMS, push; a push template's own part for the
 *       channel, else its {@code Default});
 *   <li>else {@code DefaultMessage}.
 * </ul>
 *
 * A treatment with a {@code CustomDeliveryConfiguration} sends its {@code CustomMessage} instead to the endpoints of
 * its {@code EndpointTypes} (all types when it names none), through the custom channel ({@link CustomDelivery}).
 * IN_APP takes the {@code InAppMessage} (or the {@code InAppTemplate}'s Content, CustomConfig and Layout): the ledger
 * holds it for each IN_APP endpoint and get-in-app-messages serves it ({@link InAppMessages}). VOICE has no campaign
 * message. A treatment without its own MessageConfiguration,
 * TemplateConfiguration or CustomDeliveryConfiguration uses the campaign's. Templates resolve to the version named,
 * else the active one.
 */
public final class CampaignMessages {
  private CampaignMessages() {}

  /** Looks up a template version's request JSON (the template catalog in a run, nothing in pure tests). */
  @FunctionalInterface
  public interface Templates {
    Templates NONE = (type, template) -> {
      throw new IllegalStateException("no template catalog");
    };

    JsonNode request(TemplateType type, Template template);
  }

  /**
   * A campaign's messages: TreatmentId → ChannelType → message JSON, and the default substitutions of the templates
   * they came from (keyed as {@link MessageRenderer#key}).
   */
  public record Resolved(HashMap<String, HashMap<String, String>> messages,
      HashMap<String, HashMap<String, String>> defaults) {

    /** Channels any treatment can send on. */
    public Set<String> channels() {
      return CampaignMessages.channels(messages);
    }

    /** Renders message variables, or nothing at all when no message has any. */
    public Personalizer personalizer() {
      boolean any = messages.values().stream().flatMap(m -> m.values().stream())
          .anyMatch(MessageRenderer::hasVariables);
      return any ? new MessageRenderer(defaults) : Personalizer.NONE;
    }
  }

  /** The message of one channel, as compact JSON, or null when the configuration has none for it. */
  public static String forChannel(MessageConfiguration mc, ChannelType channel) {
    return forChannel(mc, null, channel, new HashMap<>(), Templates.NONE);
  }

  private static String forChannel(MessageConfiguration mc, TemplateConfiguration tc, ChannelType channel,
      HashMap<String, String> defaults, Templates templates) {
    Object own = mc == null ? null : switch (channel) {
      case EMAIL -> mc.emailMessage();
      case SMS -> mc.smsMessage();
      case GCM -> mc.gcmMessage();
      case APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX -> mc.apnsMessage();
      case ADM -> mc.admMessage();
      case BAIDU -> mc.baiduMessage();
      case IN_APP -> mc.inAppMessage();
      default -> null;
    };
    ObjectNode fromTemplate = fromTemplate(tc, channel, defaults, templates);
    if (fromTemplate != null) {
      if (own != null) {
        PinpointJson.mapper().<ObjectNode>valueToTree(own).fields()
            .forEachRemaining(e -> fromTemplate.set(e.getKey(), e.getValue()));
      }
      return PinpointJson.compact(fromTemplate);
    }
    Message fallback = switch (channel) {
      case EMAIL, SMS, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, BAIDU, PUSH ->
          mc == null ? null : mc.defaultMessage();
      default -> null;
    };
    Object m = own != null ? own : fallback;
    return m == null ? null : PinpointJson.compact(m);
  }

  /**
   * The channel's message from {@code tc}'s template for it (in the campaign message's member names), or null when it
   * names none; the template's default substitutions go to {@code defaults}. Direct sends lay their own members over
   * it.
   */
  static ObjectNode templateMessage(TemplateConfiguration tc, ChannelType channel, HashMap<String, String> defaults,
      Templates templates) {
    return fromTemplate(tc, channel, defaults, templates);
  }

  /** The channel's message from the treatment's template, or null when it names none for the channel. */
  private static ObjectNode fromTemplate(TemplateConfiguration tc, ChannelType channel,
      HashMap<String, String> defaults, Templates templates) {
    if (tc == null) {
      return null;
    }
    TemplateType type;
    Template template;
    switch (channel) {
      case EMAIL -> { type = TemplateType.EMAIL; template = tc.emailTemplate(); }
      case SMS -> { type = TemplateType.SMS; template = tc.smsTemplate(); }
      case GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, BAIDU, PUSH -> {
        type = TemplateType.PUSH;
        template = tc.pushTemplate();
      }
      case IN_APP -> { type = TemplateType.INAPP; template = tc.inAppTemplate(); }
      default -> { return null; }
    }
    if (template == null) {
      return null;
    }
    JsonNode t = templates.request(type, template);
    defaults.putAll(MessageRenderer.defaultsOf(
        t.hasNonNull("DefaultSubstitutions") ? t.get("DefaultSubstitutions").asText() : null, type.requestShape()));
    ObjectNode m = PinpointJson.mapper().createObjectNode();
    switch (type) {
      case EMAIL -> {
        copy(t, "Subject", m, "Title");
        copy(t, "HtmlPart", m, "HtmlBody");
        copy(t, "TextPart", m, "Body");
        copy(t, "Headers", m, "Headers");
      }
      case SMS -> copy(t, "Body", m, "Body");
      case INAPP -> {
        copy(t, "Content", m, "Content");
        copy(t, "CustomConfig", m, "CustomConfig");
        copy(t, "Layout", m, "Layout");
      }
      default -> {
        String part = switch (channel) {
          case GCM -> "GCM";
          case ADM -> "ADM";
          case BAIDU -> "Baidu";
          case PUSH -> "Default";
          default -> "APNS";
        };
        JsonNode p = t.hasNonNull(part) ? t.get(part) : t.get("Default");
        if (p == null || p.isNull()) {
          return null;
        }
        p.fields().forEachRemaining(e -> m.set(e.getKey().equals("SmallImageIconUrl") ? "ImageSmallIconUrl"
            : e.getKey(), e.getValue()));
      }
    }
    return m;
  }

  private static void copy(JsonNode from, String member, ObjectNode to, String as) {
    if (from.hasNonNull(member)) {
      to.set(as, from.get(member));
    }
  }

  /** Every treatment's messages, without templates (pure: for checks that need no catalog). */
  public static HashMap<String, HashMap<String, String>> byTreatment(WriteCampaignRequest campaign) {
    return resolve(campaign, Templates.NONE).messages();
  }

  /** Every treatment's messages, templates resolved through {@code templates}. */
  public static Resolved resolve(WriteCampaignRequest campaign, Templates templates) {
    HashMap<String, HashMap<String, String>> messages = new HashMap<>();
    HashMap<String, HashMap<String, String>> defaults = new HashMap<>();
    channels(AssignmentPlan.DEFAULT_TREATMENT, campaign.messageConfiguration(), campaign.templateConfiguration(),
        campaign.customDeliveryConfiguration(), templates, messages, defaults);
    List<WriteTreatmentResource> extra =
        campaign.additionalTreatments() == null ? List.of() : campaign.additionalTreatments();
    for (int i = 0; i < extra.size(); i++) {
      WriteTreatmentResource t = extra.get(i);
      channels(String.valueOf(i + 1),
          t.messageConfiguration() != null ? t.messageConfiguration() : campaign.messageConfiguration(),
          t.templateConfiguration() != null ? t.templateConfiguration() : campaign.templateConfiguration(),
          t.customDeliveryConfiguration() != null ? t.customDeliveryConfiguration()
              : campaign.customDeliveryConfiguration(),
          templates, messages, defaults);
    }
    return new Resolved(messages, defaults);
  }

  private static void channels(String treatment, MessageConfiguration mc, TemplateConfiguration tc,
      CustomDeliveryConfiguration cdc, Templates templates, HashMap<String, HashMap<String, String>> messages,
      HashMap<String, HashMap<String, String>> defaults) {
    HashMap<String, String> m = new HashMap<>();
    List<ChannelType> custom = List.of();
    if (cdc != null && mc != null && mc.customMessage() != null) {
      custom = cdc.endpointTypes() == null || cdc.endpointTypes().isEmpty() ? List.of(ChannelType.values())
          : cdc.endpointTypes();
      String message = CustomDelivery.message(cdc.deliveryUri(),
          custom.stream().map(ChannelType::name).toList(), mc.customMessage().data());
      for (ChannelType c : custom) {
        m.put(c.name(), message);
      }
    }
    for (ChannelType c : ChannelType.values()) {
      if (custom.contains(c)) {
        continue;
      }
      HashMap<String, String> d = new HashMap<>();
      String msg = forChannel(mc, tc, c, d, templates);
      if (msg != null) {
        m.put(c.name(), msg);
        if (!d.isEmpty()) {
          defaults.put(MessageRenderer.key(treatment, c.name()), d);
        }
      }
    }
    messages.put(treatment, m);
  }

  /** Channels any treatment can send on. */
  public static Set<String> channels(Map<String, HashMap<String, String>> byTreatment) {
    Set<String> all = new TreeSet<>();
    byTreatment.values().forEach(m -> all.addAll(m.keySet()));
    return all;
  }

  /** Refuses template types campaigns cannot use (voice: Pinpoint's campaigns do not); names must be given. */
  static void checkTemplateConfiguration(String shape, String path, TemplateConfiguration tc) {
    if (tc == null) {
      return;
    }
    if (tc.voiceTemplate() != null) {
      throw LakecastErrors.unsupported(shape, path + ".VoiceTemplate",
          "EmailTemplate, SMSTemplate, PushTemplate and InAppTemplate (Pinpoint's campaigns take no voice template)");
    }
    Map<String, Template> named = new java.util.LinkedHashMap<>();
    named.put("EmailTemplate", tc.emailTemplate());
    named.put("SMSTemplate", tc.smsTemplate());
    named.put("PushTemplate", tc.pushTemplate());
    named.put("InAppTemplate", tc.inAppTemplate());
    named.forEach((member, t) -> {
      if (t != null && (t.name() == null || t.name().isBlank())) {
        throw LakecastErrors.missingMember(shape, path + "." + member + ".Name");
      }
    });
  }
}
