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
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * SMS through a generic HTTP provider: one POST per message to a configured URL, as JSON or as a form, with the
 * provider's own field names mapped to the message's members ({@code spark.lakecast.sender.sms.http.fields}, e.g.
 * {@code to=Address,text=Body,from=OriginationNumber}). {@code OriginationNumber}, {@code SenderId},
 * {@code MessageType}, {@code EntityId} and {@code TemplateId} pass through when the message has them. Each call
 * carries {@code Idempotency-Key} (the message id) and, when a token is configured, {@code Authorization: Bearer}.
 * Calls are retried as {@link HttpDelivery} says; accepted messages get a delivery record.
 */
public final class HttpSmsSender implements Sender {
  public static final String TOKEN_ENV = "LAKECAST_SMS_HTTP_TOKEN";
  public static final String TOKEN_ALIAS = "lakecast.sms.http.token";

  /** What a provider field can take: the endpoint's address, the message id, or a member of the SMS message. */
  public static final List<String> SOURCES = List.of("Address", "MessageId", "EndpointId", "Body",
      "OriginationNumber", "SenderId", "MessageType", "Keyword", "EntityId", "TemplateId");

  /** Where and how to post; no secret (it travels with the tasks). */
  public record Settings(String url, boolean form, LinkedHashMap<String, String> fields, int timeoutSeconds,
      String trustedCertificates) implements Serializable {

    /** From the {@code spark.lakecast.sender.sms.http.*} settings; throws on a bad one. */
    public static Settings of(LakecastConf conf) {
      String url = conf.smsHttpUrl();
      LinkedHashMap<String, String> fields = new LinkedHashMap<>();
      String spec = conf.smsHttpFields();
      for (String pair : spec.split(",")) {
        String[] kv = pair.split("=", 2);
        if (kv.length != 2 || kv[0].isBlank() || !SOURCES.contains(kv[1].trim())) {
          throw LakecastErrors.invalidConf(LakecastConf.SMS_HTTP_FIELDS, spec, "field=source pairs, comma-separated, "
              + "with a source among " + String.join(", ", SOURCES) + " ('" + pair + "' is not one)");
        }
        fields.put(kv[0].trim(), kv[1].trim());
      }
      return new Settings(url, conf.smsHttpFormat().equals("form"), fields, conf.smsHttpTimeoutSeconds(),
          conf.smsHttpTrustedCertificates());
    }
  }

  /** Senders posting as {@code settings} say, whose accepted messages get a record from {@code records}. */
  public static Factory factory(Settings settings, HadoopConf hadoop, Factory records) {
    return partitionId -> new HttpSmsSender(settings, hadoop.get(), records.open(partitionId));
  }

  /** The provider's token: {@value #TOKEN_ENV}, else the credential provider's {@value #TOKEN_ALIAS}, or null. */
  public static String token(Configuration hadoop) {
    return Senders.secret(hadoop, TOKEN_ENV, TOKEN_ALIAS);
  }

  private final Settings settings;
  private final Sender records;
  private final String token;
  private final HttpClient client;

  private HttpSmsSender(Settings settings, Configuration hadoop, Sender records) {
    this.settings = settings;
    this.records = records;
    this.token = token(hadoop);
    this.client = HttpDelivery.client(settings.timeoutSeconds(), settings.trustedCertificates(),
        LakecastConf.SMS_HTTP_TRUSTED_CERTIFICATES);
  }

  @Override
  public Delivery send(OutboundMessage m) {
    Map<String, String> values = new LinkedHashMap<>();
    try {
      JsonNode message = PinpointJson.mapper().readTree(m.message());
      for (Map.Entry<String, String> f : settings.fields().entrySet()) {
        String v = switch (f.getValue()) {
          case "Address" -> m.address();
          case "MessageId" -> m.messageId();
          case "EndpointId" -> m.endpointId();
          default -> message.hasNonNull(f.getValue()) ? message.get(f.getValue()).asText() : null;
        };
        if (v != null) {
          values.put(f.getKey(), v);
        }
      }
    } catch (IOException e) {
      return Delivery.invalid("SMS_INVALID_MESSAGE: the message is not JSON: " + e.getMessage());
    }
    String body;
    String type;
    if (settings.form()) {
      List<String> pairs = new ArrayList<>();
      values.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
          + URLEncoder.encode(v, StandardCharsets.UTF_8)));
      body = String.join("&", pairs);
      type = "application/x-www-form-urlencoded";
    } else {
      ObjectNode json = PinpointJson.mapper().createObjectNode();
      values.forEach(json::put);
      body = PinpointJson.compact(json);
      type = "application/json";
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.url()))
        .timeout(Duration.ofSeconds(settings.timeoutSeconds()))
        .header("Content-Type", type)
        .header("Idempotency-Key", m.messageId())
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    Delivery d = HttpDelivery.call(client, request.build(), "SMS_PROVIDER");
    return d.status().equals(Delivery.SENT) ? ChannelMessages.recorded(records, m, d) : d;
  }

  @Override
  public void close() {
    records.close();
  }
}
