package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.dispatch.Personalizer;
import io.lakecast.dispatch.Sender;
import io.lakecast.dispatch.Senders;
import io.lakecast.endpoints.EndpointCatalog;
import io.lakecast.events.CampaignEvents;
import io.lakecast.model.EndpointShapes.EndpointResponse;
import io.lakecast.model.Ids;
import io.lakecast.model.MessageShapes.AddressConfiguration;
import io.lakecast.model.MessageShapes.DirectMessageConfiguration;
import io.lakecast.model.MessageShapes.EndpointMessageResult;
import io.lakecast.model.MessageShapes.EndpointSendConfiguration;
import io.lakecast.model.MessageShapes.MessageRequest;
import io.lakecast.model.MessageShapes.MessageResponse;
import io.lakecast.model.MessageShapes.MessageResult;
import io.lakecast.model.MessageShapes.SendUsersMessageRequest;
import io.lakecast.model.MessageShapes.SendUsersMessageResponse;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.TemplateShapes.TemplateConfiguration;
import io.lakecast.templates.MessageRenderer;
import io.lakecast.templates.TemplateCatalog;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.HadoopConf;
import io.lakecast.warehouse.Locations;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * send-messages and send-users-messages (SendMessages, SendUsersMessages): a message to at most 100 recipients now,
 * through the same senders as campaigns, answered per recipient with Pinpoint's {@code DeliveryStatus},
 * {@code StatusCode}, {@code StatusMessage} and {@code MessageId}.
 *
 * <p>Each recipient's message is its channel's message of {@code DirectMessageConfiguration} (the channel's own over
 * {@code DefaultPushNotificationMessage} for push, over {@code DefaultMessage}), laid over the channel's template
 * when {@code TemplateConfiguration} names one, then the recipient's {@code TitleOverride}, {@code BodyOverride} and
 * {@code RawContent}. {@code Substitutions} (the message's, then the recipient's, which win) replace their
 * {@code {{Name}}} first; the endpoint's own variables ({@code {{Attributes.X}}}, …) render as in campaigns.
 * A {@code RawEmail} goes as it is; {@code Context} (the request's, then the recipient's) rides in the message for push
 * senders and in the channel events' attributes, with the {@code TraceId} as {@code trace_id}.
 *
 * <p>Not sent, with their outcome: an endpoint that does not exist (PERMANENT_FAILURE 404), has opted out or whose
 * address an opted-out endpoint of the application holds (OPT_OUT), is INACTIVE (PERMANENT_FAILURE), a second
 * recipient with an address already sent to in the request (DUPLICATE), a channel without a message, a message that
 * cannot render (PERMANENT_FAILURE 400). Every recipient gets a ledger row (RunId = the RequestId, no CampaignId, no
 * ScheduledStart, so no campaign limit counts it) and provider-sent messages their channel events. The senders run
 * in the driver (100 recipients); a request killed mid-way is not resumed: the caller sends again, as with Pinpoint.
 */
public final class SendMessagesJob {
  private static final Logger LOG = LoggerFactory.getLogger(SendMessagesJob.class);
  public static final int MAX_RECIPIENTS = 100;
  static final String ARM = "DIRECT";
  private static final String TREATMENT = "direct";
  /** The event attribute that carries a request's {@code TraceId}. */
  static final String TRACE_ID = "trace_id";
  private static final Pattern VARIABLE = Pattern.compile("\\{\\{\\s*([^{}\\s]+)\\s*}}");

  private final Warehouse warehouse;

  public SendMessagesJob(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** One recipient: an address (endpoint null) or an endpoint, with its overrides and, once resolved, its outcome. */
  private static final class Recipient {
    final String key;
    final String userId;
    final EndpointSendConfiguration overrides;
    String endpointId;
    ChannelType channel;
    String address;
    String endpointJson;
    Sender.Delivery outcome;
    String messageId = Ids.random();
    final Map<String, String> context = new TreeMap<>();

    Recipient(String key, String userId, EndpointSendConfiguration overrides) {
      this.key = key;
      this.userId = userId;
      this.overrides = overrides == null ? new EndpointSendConfiguration(null, null, null, null, null) : overrides;
    }
  }

  /** SendMessages. */
  public MessageResponse send(String applicationId, MessageRequest request) {
    String shape = "MessageRequest";
    new AppCatalog(warehouse).require(applicationId);
    if (request.messageConfiguration() == null) {
      throw LakecastErrors.missingMember(shape, "MessageConfiguration");
    }
    Map<String, AddressConfiguration> addresses = request.addresses() == null ? Map.of() : request.addresses();
    Map<String, EndpointSendConfiguration> endpoints = request.endpoints() == null ? Map.of() : request.endpoints();
    checkCount(shape, "Addresses and Endpoints", addresses.size() + endpoints.size());
    List<Recipient> recipients = new ArrayList<>();
    addresses.forEach((address, c) -> {
      if (c == null || c.channelType() == null) {
        throw LakecastErrors.missingMember(shape, "Addresses." + address + ".ChannelType");
      }
      Recipient r = new Recipient(address, null, new EndpointSendConfiguration(c.bodyOverride(), c.context(),
          c.rawContent(), c.substitutions(), c.titleOverride()));
      r.address = address;
      r.channel = c.channelType();
      r.endpointJson = PinpointJson.compact(PinpointJson.mapper().createObjectNode().put("Address", address)
          .put("ChannelType", c.channelType().name()));
      recipients.add(r);
    });
    endpoints.forEach((id, c) -> {
      Recipient r = new Recipient(id, null, c);
      r.endpointId = id;
      recipients.add(r);
    });
    String requestId = deliver(applicationId, shape, request.messageConfiguration(),
        request.templateConfiguration(), request.context(), request.traceId(), recipients);
    Map<String, EndpointMessageResult> byEndpoint = new TreeMap<>();
    Map<String, MessageResult> byAddress = new TreeMap<>();
    for (Recipient r : recipients) {
      Sender.Delivery d = r.outcome;
      if (r.endpointId == null) {
        byAddress.put(r.key, new MessageResult(d.deliveryStatus(), r.messageId, d.statusCode(), message(d), null));
      } else {
        byEndpoint.put(r.key, endpointResult(r));
      }
    }
    return new MessageResponse(applicationId, byEndpoint.isEmpty() ? null : byEndpoint, requestId,
        byAddress.isEmpty() ? null : byAddress);
  }

  /** SendUsersMessages: every endpoint of each user. */
  public SendUsersMessageResponse sendUsers(String applicationId, SendUsersMessageRequest request) {
    String shape = "SendUsersMessageRequest";
    new AppCatalog(warehouse).require(applicationId);
    if (request.messageConfiguration() == null) {
      throw LakecastErrors.missingMember(shape, "MessageConfiguration");
    }
    if (request.users() == null || request.users().isEmpty()) {
      throw LakecastErrors.missingMember(shape, "Users");
    }
    checkCount(shape, "Users", request.users().size());
    List<Recipient> recipients = new ArrayList<>();
    Set<String> users = request.users().keySet();
    Map<String, List<String>> endpointsOf = new TreeMap<>();
    for (Row r : warehouse.read(Table.ENDPOINTS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("User.UserId").isin(users.toArray())))
        .select(col("User.UserId"), col("Id")).orderBy(col("Id")).collectAsList()) {
      endpointsOf.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r.getString(1));
    }
    for (Map.Entry<String, EndpointSendConfiguration> u : request.users().entrySet()) {
      for (String id : endpointsOf.getOrDefault(u.getKey(), List.of())) {
        Recipient r = new Recipient(id, u.getKey(), u.getValue());
        r.endpointId = id;
        recipients.add(r);
      }
    }
    String requestId = deliver(applicationId, shape, request.messageConfiguration(),
        request.templateConfiguration(), request.context(), request.traceId(), recipients);
    Map<String, Map<String, EndpointMessageResult>> result = new TreeMap<>();
    for (String user : users) {
      result.put(user, new TreeMap<>());
    }
    for (Recipient r : recipients) {
      result.get(r.userId).put(r.endpointId, endpointResult(r));
    }
    return new SendUsersMessageResponse(applicationId, requestId, result);
  }

  private static void checkCount(String shape, String member, int n) {
    if (n == 0) {
      throw LakecastErrors.missingMember(shape, member);
    }
    if (n > MAX_RECIPIENTS) {
      throw LakecastErrors.invalidMember(shape, member, n + " recipients; at most " + MAX_RECIPIENTS
          + " per request (Pinpoint's limit)");
    }
  }

  private static EndpointMessageResult endpointResult(Recipient r) {
    Sender.Delivery d = r.outcome;
    return new EndpointMessageResult(r.address, d.deliveryStatus(), r.messageId, d.statusCode(), message(d), null);
  }

  private static String message(Sender.Delivery d) {
    return d.reason() != null ? d.reason() : "Accepted";
  }

  /**
   * Resolves the endpoints, builds each message, sends what may go and records every outcome; returns the request
   * id.
   */
  private String deliver(String applicationId, String shape, DirectMessageConfiguration mc, TemplateConfiguration tc,
      Map<String, String> context, String traceId, List<Recipient> recipients) {
    checkRawEmail(shape, mc.emailMessage());
    for (Recipient r : recipients) {
      // The request's Context, then the recipient's, which wins.
      if (context != null) {
        r.context.putAll(context);
      }
      if (r.overrides.context() != null) {
        r.context.putAll(r.overrides.context());
      }
    }
    CampaignMessages.checkTemplateConfiguration(shape, "TemplateConfiguration", tc);
    SparkSession spark = warehouse.spark();
    LakecastConf conf = LakecastConf.from(spark);
    String requestId = Ids.random();
    resolveEndpoints(applicationId, recipients);
    Set<String> optedOut = optedOutAddresses(applicationId, recipients);
    TemplateCatalog catalog = new TemplateCatalog(warehouse);
    CampaignMessages.Templates templates = (type, t) -> catalog.resolve(type, t.name(), t.version()).request();
    HashMap<String, HashMap<String, String>> defaults = new HashMap<>();
    MessageRenderer renderer = new MessageRenderer(defaults);
    Set<String> sentTo = new HashSet<>();
    String outbox = Locations.output(conf, LakecastConf.OUTBOX_PATH, conf.outboxPath());
    HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    Set<String> providerChannels = Senders.check(conf, hadoop.get()).keySet();
    long sentAt = System.currentTimeMillis();
    try (Sender sender = Senders.forRun(conf, outbox, requestId, "direct", hadoop).open(0)) {
      for (Recipient r : recipients) {
        if (r.outcome != null) {
          continue;
        }
        if (optedOut.contains(r.address)) {
          r.outcome = Sender.Delivery.optedOut(400, "OPT_OUT: an endpoint of the application with this address "
              + "opted out", 0);
          continue;
        }
        if (!sentTo.add(r.channel + ":" + r.address)) {
          r.outcome = Sender.Delivery.duplicate("DUPLICATE: the address has a message in this request already");
          continue;
        }
        String message;
        try {
          message = message(mc, tc, r, templates, defaults, renderer);
        } catch (Personalizer.RenderingFailure e) {
          r.outcome = Sender.Delivery.invalid("RENDERING_FAILURE: " + e.getMessage());
          continue;
        }
        if (message == null) {
          r.outcome = Sender.Delivery.invalid("UNSUPPORTED_CHANNEL: MessageConfiguration has no message for "
              + r.channel);
          continue;
        }
        r.outcome = sender.send(new Sender.OutboundMessage(r.messageId, applicationId, null, null, null, r.endpointId,
            r.channel.name(), r.address, message, r.endpointJson, null));
      }
    }
    record(applicationId, requestId, recipients, providerChannels, conf.accountId(), sentAt, traceId);
    LOG.info("Request {}: {} recipient(s), {} sent", requestId, recipients.size(),
        recipients.stream().filter(r -> r.outcome.status().equals(Sender.Delivery.SENT)).count());
    return requestId;
  }

  /** A {@code RawEmail} must hold its MIME message base64-encoded in {@code Data}, as Pinpoint's blob. */
  private static void checkRawEmail(String shape, JsonNode email) {
    if (email == null || !email.hasNonNull("RawEmail")) {
      return;
    }
    String member = "MessageConfiguration.EmailMessage.RawEmail.Data";
    JsonNode data = email.get("RawEmail").get("Data");
    if (data == null || data.isNull() || data.asText().isEmpty()) {
      throw LakecastErrors.missingMember(shape, member);
    }
    try {
      java.util.Base64.getMimeDecoder().decode(data.asText());
    } catch (IllegalArgumentException e) {
      throw LakecastErrors.invalidMember(shape, member, "not base64 (" + e.getMessage()
          + "); expected the whole MIME message, base64-encoded");
    }
  }

  /** Looks the endpoint recipients up: address, channel and JSON, or their outcome when they cannot be sent. */
  private void resolveEndpoints(String applicationId, List<Recipient> recipients) {
    List<String> ids = recipients.stream().filter(r -> r.endpointId != null).map(r -> r.endpointId).toList();
    if (ids.isEmpty()) {
      return;
    }
    Map<String, EndpointResponse> found = new HashMap<>();
    for (Row row : warehouse.read(Table.ENDPOINTS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("Id").isin(ids.toArray()))).collectAsList()) {
      EndpointResponse e = EndpointCatalog.toResponse(row);
      found.put(e.id(), e);
    }
    for (Recipient r : recipients) {
      if (r.endpointId == null) {
        continue;
      }
      EndpointResponse e = found.get(r.endpointId);
      if (e == null) {
        r.outcome = Sender.Delivery.notFound("ENDPOINT_NOT_FOUND: no endpoint " + r.endpointId + " in the application");
        continue;
      }
      r.address = e.address();
      r.channel = ChannelType.valueOf(e.channelType());
      r.endpointJson = PinpointJson.compact(e);
      if ("ALL".equals(e.optOut())) {
        r.outcome = Sender.Delivery.optedOut(400, "OPT_OUT: the endpoint opted out", 0);
      } else if ("INACTIVE".equals(e.endpointStatus())) {
        r.outcome = Sender.Delivery.invalid("ENDPOINT_INACTIVE: the endpoint is INACTIVE");
      }
    }
  }

  /** The addresses of the recipients that an opted-out endpoint of the application holds. */
  private Set<String> optedOutAddresses(String applicationId, List<Recipient> recipients) {
    List<String> addresses = recipients.stream().filter(r -> r.outcome == null && r.address != null)
        .map(r -> r.address).distinct().toList();
    Set<String> out = new HashSet<>();
    if (addresses.isEmpty()) {
      return out;
    }
    for (Row row : warehouse.read(Table.ENDPOINTS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("Address").isin(addresses.toArray()))
            .and(col("OptOut").equalTo("ALL")))
        .select(col("Address")).collectAsList()) {
      out.add(row.getString(0));
    }
    return out;
  }

  /** The recipient's message JSON, or null when the configuration has none for its channel. */
  private static String message(DirectMessageConfiguration mc, TemplateConfiguration tc, Recipient r,
      CampaignMessages.Templates templates, HashMap<String, HashMap<String, String>> defaults,
      MessageRenderer renderer) {
    Map<String, List<String>> substitutions = new LinkedHashMap<>();
    ObjectNode own = channelMessage(mc, r.channel, substitutions);
    HashMap<String, String> templateDefaults = new HashMap<>();
    ObjectNode fromTemplate = CampaignMessages.templateMessage(tc, r.channel, templateDefaults, templates);
    if (own == null && fromTemplate == null) {
      return null;
    }
    ObjectNode m = fromTemplate == null ? own : fromTemplate;
    if (fromTemplate != null && own != null) {
      own.fields().forEachRemaining(e -> fromTemplate.set(e.getKey(), e.getValue()));
    }
    EndpointSendConfiguration o = r.overrides;
    if (o.titleOverride() != null) {
      m.put("Title", o.titleOverride());
    }
    if (o.bodyOverride() != null) {
      m.put("Body", o.bodyOverride());
    }
    if (o.rawContent() != null) {
      m.put("RawContent", o.rawContent());
    }
    if (o.substitutions() != null) {
      substitutions.putAll(o.substitutions());
    }
    if (!r.context.isEmpty()) {
      // Push senders add it to the notification's pinpoint data, as Pinpoint does.
      m.set("Context", PinpointJson.mapper().valueToTree(r.context));
    }
    substitute(m, substitutions);
    defaults.put(MessageRenderer.key(TREATMENT, r.channel.name()), templateDefaults);
    return renderer.personalize(TREATMENT, r.channel.name(), PinpointJson.compact(m), r.endpointJson);
  }

  /**
   * The channel's direct message in the member names the senders read (a campaign message's), its
   * {@code Substitutions} added to {@code substitutions}; null when there is none for the channel.
   */
  static ObjectNode channelMessage(DirectMessageConfiguration mc, ChannelType channel,
      Map<String, List<String>> substitutions) {
    JsonNode fallback = mc.defaultMessage();
    addSubstitutions(fallback, substitutions);
    ObjectNode m = PinpointJson.mapper().createObjectNode();
    switch (channel) {
      case EMAIL -> {
        JsonNode e = mc.emailMessage();
        if (e == null && fallback == null) {
          return null;
        }
        copy(fallback, "Body", m, "Body");
        if (e != null) {
          addSubstitutions(e, substitutions);
          copy(e, "FromAddress", m, "FromAddress");
          copy(e, "Body", m, "Body");
          copy(e, "ReplyToAddresses", m, "ReplyToAddresses");
          copy(e, "FeedbackForwardingAddress", m, "FeedbackForwardingAddress");
          // The whole MIME message, base64 as given: the senders send it as it is.
          copy(e.get("RawEmail"), "Data", m, "RawEmail");
          JsonNode simple = e.get("SimpleEmail");
          if (simple != null) {
            copy(simple.get("Subject"), "Data", m, "Title");
            copy(simple.get("TextPart"), "Data", m, "Body");
            copy(simple.get("HtmlPart"), "Data", m, "HtmlBody");
            copy(simple, "Headers", m, "Headers");
          }
        }
      }
      case SMS, VOICE -> {
        JsonNode own = channel == ChannelType.SMS ? mc.smsMessage() : mc.voiceMessage();
        if (own == null && fallback == null) {
          return null;
        }
        copy(fallback, "Body", m, "Body");
        overlay(own, m, substitutions);
      }
      case GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, BAIDU -> {
        JsonNode own = switch (channel) {
          case GCM -> mc.gcmMessage();
          case ADM -> mc.admMessage();
          case BAIDU -> mc.baiduMessage();
          default -> mc.apnsMessage();
        };
        JsonNode push = mc.defaultPushNotificationMessage();
        if (own == null && push == null && fallback == null) {
          return null;
        }
        copy(fallback, "Body", m, "Body");
        if (push != null) {
          addSubstitutions(push, substitutions);
          for (String member : List.of("Action", "Body", "SilentPush", "Title", "Url")) {
            copy(push, member, m, member);
          }
          if (push.hasNonNull("Data")) {
            // Pinpoint sends DefaultPushNotificationMessage.Data as data.pinpoint.jsonBody.
            m.put("JsonBody", PinpointJson.compact(push.get("Data")));
          }
        }
        overlay(own, m, substitutions);
      }
      default -> {
        return null;
      }
    }
    return m;
  }

  private static void overlay(JsonNode own, ObjectNode m, Map<String, List<String>> substitutions) {
    if (own == null) {
      return;
    }
    addSubstitutions(own, substitutions);
    own.fields().forEachRemaining(e -> {
      if (!e.getKey().equals("Substitutions") && !e.getValue().isNull()) {
        m.set(e.getKey(), e.getValue());
      }
    });
  }

  private static void copy(JsonNode from, String member, ObjectNode to, String as) {
    if (from != null && from.hasNonNull(member)) {
      to.set(as, from.get(member));
    }
  }

  private static void addSubstitutions(JsonNode message, Map<String, List<String>> substitutions) {
    if (message == null || !message.hasNonNull("Substitutions")) {
      return;
    }
    message.get("Substitutions").fields().forEachRemaining(e -> {
      List<String> values = new ArrayList<>();
      e.getValue().forEach(v -> values.add(v.asText()));
      substitutions.put(e.getKey(), values);
    });
  }

  /** Replaces {@code {{Name}}} by the first value of each substitution, in every text of the message. */
  static void substitute(ObjectNode m, Map<String, List<String>> substitutions) {
    if (substitutions.isEmpty()) {
      return;
    }
    List<String> names = new ArrayList<>();
    m.fieldNames().forEachRemaining(names::add);
    for (String name : names) {
      JsonNode v = m.get(name);
      if (v.isTextual()) {
        Matcher x = VARIABLE.matcher(v.asText());
        StringBuilder out = new StringBuilder();
        while (x.find()) {
          List<String> values = substitutions.get(x.group(1));
          x.appendReplacement(out, Matcher.quoteReplacement(values == null || values.isEmpty() ? x.group()
              : values.get(0)));
        }
        x.appendTail(out);
        m.set(name, TextNode.valueOf(out.toString()));
      }
    }
  }

  /** Appends each recipient's ledger row, and the channel events of what a provider sent. */
  private void record(String applicationId, String requestId, List<Recipient> recipients,
      Set<String> providerChannels, String accountId, long sentAt, String traceId) {
    List<Row> ledger = new ArrayList<>();
    List<Row> outcomes = new ArrayList<>();
    Timestamp at = new Timestamp(sentAt);
    for (Recipient r : recipients) {
      Sender.Delivery d = r.outcome;
      String channel = r.channel == null ? null : r.channel.name();
      ledger.add(RowFactory.create(applicationId, null, requestId, null, null, r.endpointId, r.userId, ARM, channel,
          r.address, r.messageId, d.status(), d.reason(), d.attempts(), at, null, null, null, d.deliveryStatus(),
          d.statusCode()));
      // The events carry the recipient's Context, and the TraceId (Lakecast's trace_id attribute).
      Map<String, String> eventContext = new TreeMap<>(r.context);
      if (traceId != null) {
        eventContext.put(TRACE_ID, traceId);
      }
      outcomes.add(RowFactory.create(r.messageId, r.endpointId, channel, r.address, d.status(), d.reason(),
          d.deliveryStatus(), sentAt, r.endpointJson, d.attempts(), scala.jdk.javaapi.CollectionConverters.asScala(
              eventContext)));
    }
    SparkSession spark = warehouse.spark();
    warehouse.append(Table.SEND_LEDGER, spark.createDataFrame(ledger, Table.SEND_LEDGER.schema()));
    if (providerChannels.isEmpty()) {
      return;
    }
    StructType schema = new StructType().add("MessageId", "string").add("EndpointId", "string")
        .add("ChannelType", "string").add("Address", "string").add("Status", "string").add("Reason", "string")
        .add("DeliveryStatus", "string").add("SentAt", "long").add("EndpointJson", "string").add("Attempts", "int")
        .add(CampaignEvents.CONTEXT, "map<string,string>");
    // Only what reached a provider has a channel event (an opted-out or duplicate recipient never did).
    Dataset<Row> called = spark.createDataFrame(outcomes, schema).filter(col("Attempts").gt(0))
        .withColumn("ActivityId", lit(null).cast("string"))
        .withColumn("TreatmentId", lit(null).cast("string"));
    Dataset<Row> events = CampaignEvents.channelEvents(called, providerChannels, applicationId, null, accountId,
        System.currentTimeMillis()).localCheckpoint();
    if (!events.isEmpty()) {
      warehouse.append(Table.EVENTS, events);
    }
  }
}
