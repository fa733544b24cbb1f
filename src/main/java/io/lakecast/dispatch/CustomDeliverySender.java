package io.lakecast.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.HadoopConf;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.hadoop.conf.Configuration;

/**
 * The CUSTOM channel through a web service, as Pinpoint calls a custom channel: one HTTPS POST per batch of at most
 * 50 endpoints of one treatment to the campaign's {@code CustomDeliveryConfiguration.DeliveryUri}, with Pinpoint's
 * payload ({@code Message}, {@code Data}, {@code ApplicationId}, {@code CampaignId}, {@code TreatmentId},
 * {@code ActivityId}, {@code ScheduledTime}, {@code Endpoints} keyed by endpoint id).
 *
 * <p>Each call carries {@value #SIGNATURE_HEADER}: {@code sha256=} and the hex HMAC-SHA256 of the body under the
 * configured secret, so the service can tell Lakecast's calls from others; and {@value #IDEMPOTENCY_HEADER}: the
 * batch's message ids, comma-separated, the same on every attempt and re-run, so the service can drop a repeat.
 *
 * <p>Only hosts listed in {@code spark.lakecast.sender.custom.allowedHosts} are called; a Lambda function name maps
 * to a URL through {@code spark.lakecast.hooks.<name>.url}. Calls are retried as {@link HttpDelivery} says. The reason goes to every message of
 * the batch. Accepted messages get a delivery record ({@link OutboxSender#deliveryRecords}).
 */
public final class CustomDeliverySender implements Sender {
  public static final String SECRET_ENV = "LAKECAST_CUSTOM_DELIVERY_SECRET";
  public static final String SECRET_ALIAS = "lakecast.customDelivery.secret";
  public static final String SIGNATURE_HEADER = "X-Lakecast-Signature";
  public static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  /** How to call; no secret (it travels with the tasks). */
  public record Settings(int timeoutSeconds, String trustedCertificates, TreeMap<String, String> lambdaUrls,
      List<String> allowedHosts) implements Serializable {

    /** From the {@code spark.lakecast.sender.custom.*} and hook URL settings; throws on a bad one. */
    public static Settings of(LakecastConf conf) {
      TreeMap<String, String> lambdas = new TreeMap<>();
      for (String key : conf.effective().keySet()) {
        if (key.startsWith(LakecastConf.HOOKS_PREFIX) && key.endsWith(".url")) {
          String name = key.substring(LakecastConf.HOOKS_PREFIX.length(), key.length() - ".url".length());
          lambdas.put(name, conf.hookUrl(name));
        }
      }
      List<String> hosts = conf.customDeliveryAllowedHosts();
      if (hosts.isEmpty()) {
        throw LakecastErrors.invalidConf(LakecastConf.CUSTOM_ALLOWED_HOSTS, "",
            "the hosts custom deliveries may call, comma-separated (" + LakecastConf.SENDER_PREFIX
                + "CUSTOM is webhook)");
      }
      return new Settings(conf.customDeliveryTimeoutSeconds(), conf.customDeliveryTrustedCertificates(), lambdas,
          hosts);
    }
  }

  /** Senders calling as {@code settings} say, whose accepted messages get a record from {@code records}. */
  public static Factory factory(Settings settings, HadoopConf hadoop, Factory records) {
    return partitionId -> new CustomDeliverySender(settings, hadoop.get(), records.open(partitionId));
  }

  /** The signing secret: {@value #SECRET_ENV}, else the credential provider's {@value #SECRET_ALIAS}, or null. */
  public static String secret(Configuration hadoop) {
    return Senders.secret(hadoop, SECRET_ENV, SECRET_ALIAS);
  }

  private final Settings settings;
  private final Sender records;
  private final Mac mac;
  private final HttpClient client;

  private CustomDeliverySender(Settings settings, Configuration hadoop, Sender records) {
    this.settings = settings;
    this.records = records;
    String secret = secret(hadoop);
    if (secret == null) {
      throw LakecastErrors.missingSecret(LakecastConf.SENDER_PREFIX + "CUSTOM", SECRET_ENV, SECRET_ALIAS);
    }
    try {
      this.mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
    this.client = HttpDelivery.client(settings.timeoutSeconds(), settings.trustedCertificates(),
        LakecastConf.CUSTOM_TRUSTED_CERTIFICATES);
  }

  @Override
  public Delivery send(OutboundMessage message) {
    return sendBatch(List.of(message)).get(0);
  }

  @Override
  public List<Delivery> sendBatch(List<OutboundMessage> batch) {
    OutboundMessage first = batch.get(0);
    Delivery outcome;
    try {
      JsonNode message = PinpointJson.mapper().readTree(first.message());
      String target = target(message.at("/CustomDeliveryConfiguration/DeliveryUri").asText());
      outcome = target.startsWith("!") ? Delivery.invalid(target.substring(1))
          : post(target, payload(batch, message.get("Data").asText()), batch);
    } catch (IOException e) {
      outcome = Delivery.invalid("CUSTOM_DELIVERY_INVALID_MESSAGE: cannot build the payload: " + e.getMessage());
    }
    List<Delivery> out = new ArrayList<>();
    for (OutboundMessage m : batch) {
      out.add(outcome.status().equals(Delivery.SENT) ? ChannelMessages.recorded(records, m, outcome) : outcome);
    }
    return out;
  }

  /** The URL to call, or {@code !} and the reason it may not be called. */
  private String target(String deliveryUri) {
    String url = deliveryUri;
    if (!deliveryUri.contains("://")) {
      url = settings.lambdaUrls().get(deliveryUri);
      if (url == null) {
        return "!CUSTOM_DELIVERY_NOT_ALLOWED: the Lambda function " + deliveryUri + " has no URL ("
            + LakecastConf.HOOKS_PREFIX + deliveryUri + ".url)";
      }
    }
    URI uri = URI.create(url);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (!"https".equals(uri.getScheme())) {
      return "!CUSTOM_DELIVERY_NOT_ALLOWED: " + HttpDelivery.withoutQuery(uri) + " is not an https:// URL";
    }
    if (!settings.allowedHosts().contains(host)) {
      return "!CUSTOM_DELIVERY_NOT_ALLOWED: host " + host + " is not in " + LakecastConf.CUSTOM_ALLOWED_HOSTS;
    }
    return url;
  }

  private static String payload(List<OutboundMessage> batch, String data) throws IOException {
    OutboundMessage first = batch.get(0);
    ObjectNode p = PinpointJson.mapper().createObjectNode();
    p.putObject("Message");
    p.put("Data", data);
    p.put("ApplicationId", first.applicationId());
    p.put("CampaignId", first.campaignId());
    p.put("TreatmentId", first.treatmentId());
    p.put("ActivityId", first.activityId());
    p.put("ScheduledTime", first.scheduledStart());
    ObjectNode endpoints = p.putObject("Endpoints");
    for (OutboundMessage m : batch) {
      endpoints.set(m.endpointId(), PinpointJson.mapper().readTree(m.endpointJson()));
    }
    return PinpointJson.compact(p);
  }

  private Delivery post(String url, String body, List<OutboundMessage> batch) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(bytes));
    List<String> ids = new ArrayList<>();
    batch.forEach(m -> ids.add(m.messageId()));
    HttpRequest request = HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(settings.timeoutSeconds()))
        .header("Content-Type", "application/json")
        .header(SIGNATURE_HEADER, signature)
        .header(IDEMPOTENCY_HEADER, String.join(",", ids))
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
        .build();
    return HttpDelivery.call(client, request, "CUSTOM_DELIVERY");
  }

  @Override
  public void close() {
    records.close();
  }
}
