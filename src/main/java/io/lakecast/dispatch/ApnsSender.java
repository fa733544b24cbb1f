package io.lakecast.dispatch;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.auth.ApnsSigningKey;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.HadoopConf;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;

/**
 * The APNs channels (APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX) over HTTP/2 with token authentication, through
 * Pushy. Each dispatch partition opens one client per channel; the sandbox channels go to Apple's development host.
 *
 * <p>The payload is the one Pinpoint sent to iOS apps, which its SDKs (and Amplify's) read: {@code aps.alert.title}
 * and {@code .body}, {@code aps.sound}, {@code aps.mutable-content} when there is a media URL; {@code data.pinpoint}
 * with {@code campaign} ({@code campaign_id}, {@code campaign_activity_id}, {@code treatment_id}) and
 * {@code deeplink} (the {@code Url} of a {@code URL} or {@code DEEP_LINK} action); {@code data.media-url} from
 * {@code MediaUrl} (else {@code ImageUrl}); the members of {@code JsonBody} at the payload's top level. A
 * {@code SilentPush} is {@code aps.content-available} only, a background push at low priority. {@code TimeToLive} is
 * the notification's expiration. {@code RawContent} is the payload as given. Each notification's {@code apns-id} is
 * the ledger's MessageId.
 *
 * <p>A 429, a 5xx, a timeout or a lost connection is tried again (3 attempts, exponential backoff with full jitter);
 * other refusals fail the message with APNs' reason (such as {@code BadDeviceToken} or {@code Unregistered}).
 * Accepted notifications get a delivery record. The signing key never leaves the executor: only the tokens it signs
 * go to APNs.
 */
public final class ApnsSender implements Sender {
  public static final String SIGNING_KEY_ENV = "LAKECAST_APNS_SIGNING_KEY";
  public static final String SIGNING_KEY_ALIAS = "lakecast.apns.signingKey";
  public static final String CERTIFICATE_ENV = "LAKECAST_APNS_CERTIFICATE";
  public static final String CERTIFICATE_ALIAS = "lakecast.apns.certificate";
  static final int ATTEMPTS = 3;

  /** Where APNs is and who signs; no secret (it travels with the tasks). */
  public record Settings(String host, int port, boolean certificate, String teamId, String keyId, String bundleId,
      int timeoutSeconds, String trustedCertificates) implements Serializable {

    /**
     * From the {@code spark.lakecast.sender.push.apns.*} settings; throws on a bad one. The team and key ids are
     * needed for token authentication only.
     */
    public static Settings of(LakecastConf conf) {
      boolean certificate = conf.apnsAuth().equals("certificate");
      return new Settings(conf.apnsHost(), conf.apnsPort(), certificate,
          certificate ? "" : conf.apnsRequired(LakecastConf.APNS_TEAM_ID),
          certificate ? "" : conf.apnsRequired(LakecastConf.APNS_KEY_ID),
          conf.apnsRequired(LakecastConf.APNS_BUNDLE_ID), conf.apnsTimeoutSeconds(), conf.apnsTrustedCertificates());
    }

    /** How it authenticates, for the log: the token's team, or the client certificate. */
    public String describeAuth() {
      return certificate ? "client certificate" : "token of team " + teamId;
    }

    /** The host of {@code channel}: the configured one, else Apple's production or development host. */
    public String hostOf(String channel) {
      if (!host.isEmpty()) {
        return host;
      }
      return channel.endsWith("SANDBOX") ? ApnsClientBuilder.DEVELOPMENT_APNS_HOST
          : ApnsClientBuilder.PRODUCTION_APNS_HOST;
    }
  }

  /** The signing key (.p8): {@value #SIGNING_KEY_ENV}, else the credential provider's alias; or null. */
  public static String signingKey(Configuration hadoop) {
    return Senders.secret(hadoop, SIGNING_KEY_ENV, SIGNING_KEY_ALIAS);
  }

  /**
   * Checks, in the driver, that the secret is there: the signing key, an EC key in PKCS#8 PEM, or the certificate
   * with its private key.
   */
  static void check(Settings settings, Configuration hadoop) {
    if (settings.certificate()) {
      clientCredentials(hadoop);
    } else {
      load(settings, hadoop);
    }
  }

  /** The app's push certificate and its private key, from one PEM text (as Pinpoint's APNs channel took them). */
  record ClientCredentials(X509Certificate certificate, PrivateKey key) {}

  private static final java.util.regex.Pattern PEM_BLOCK =
      java.util.regex.Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

  static ClientCredentials clientCredentials(Configuration hadoop) {
    String key = LakecastConf.SENDER_PREFIX + "APNS";
    String pem = Senders.secret(hadoop, CERTIFICATE_ENV, CERTIFICATE_ALIAS);
    if (pem == null) {
      throw LakecastErrors.missingSecret(key, CERTIFICATE_ENV, CERTIFICATE_ALIAS);
    }
    String expected = "is not an APNs certificate and key (expected PEM text holding the app's push certificate, "
        + "-----BEGIN CERTIFICATE-----, and its private key in PKCS#8, -----BEGIN PRIVATE KEY-----)";
    try {
      byte[] certificateDer = null;
      byte[] keyDer = null;
      java.util.regex.Matcher block = PEM_BLOCK.matcher(pem);
      while (block.find()) {
        byte[] der = java.util.Base64.getMimeDecoder().decode(block.group(2));
        if (block.group(1).equals("CERTIFICATE") && certificateDer == null) {
          certificateDer = der;
        } else if (block.group(1).equals("PRIVATE KEY")) {
          keyDer = der;
        }
      }
      if (certificateDer == null || keyDer == null) {
        throw LakecastErrors.invalidSecret(key, CERTIFICATE_ENV, CERTIFICATE_ALIAS, expected);
      }
      X509Certificate certificate = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(certificateDer));
      PrivateKey privateKey = java.security.KeyFactory.getInstance(certificate.getPublicKey().getAlgorithm())
          .generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(keyDer));
      return new ClientCredentials(certificate, privateKey);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw LakecastErrors.invalidSecret(key, CERTIFICATE_ENV, CERTIFICATE_ALIAS, expected);
    }
  }

  private static ApnsSigningKey load(Settings settings, Configuration hadoop) {
    String pem = signingKey(hadoop);
    if (pem == null) {
      throw LakecastErrors.missingSecret(LakecastConf.SENDER_PREFIX + "APNS", SIGNING_KEY_ENV, SIGNING_KEY_ALIAS);
    }
    try {
      return ApnsSigningKey.loadFromInputStream(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)),
          settings.teamId(), settings.keyId());
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw LakecastErrors.invalidSecret(LakecastConf.SENDER_PREFIX + "APNS", SIGNING_KEY_ENV, SIGNING_KEY_ALIAS,
          "is not an APNs signing key (expected the .p8 file's text: an EC P-256 key in PKCS#8 PEM)");
    }
  }

  /** Senders of {@code channel} as {@code settings} say, whose accepted messages get a record from {@code records}. */
  public static Factory factory(Settings settings, String channel, HadoopConf hadoop, Factory records) {
    return partitionId -> new ApnsSender(settings, channel, hadoop.get(), records.open(partitionId));
  }

  private final Settings settings;
  private final Sender records;
  private final ApnsClient client;
  private final String topic;
  private final boolean voip;

  private ApnsSender(Settings settings, String channel, Configuration hadoop, Sender records) {
    this.settings = settings;
    this.records = records;
    this.voip = channel.startsWith("APNS_VOIP");
    this.topic = voip ? settings.bundleId() + ".voip" : settings.bundleId();
    ApnsClientBuilder builder = new ApnsClientBuilder()
        .setApnsServer(settings.hostOf(channel), settings.port())
        .setConnectionTimeout(Duration.ofSeconds(settings.timeoutSeconds()));
    if (!settings.trustedCertificates().isEmpty()) {
      builder.setTrustedServerCertificateChain(new File(settings.trustedCertificates()));
    }
    if (settings.certificate()) {
      ClientCredentials c = clientCredentials(hadoop);
      builder.setClientCredentials(c.certificate(), c.key(), null);
    } else {
      builder.setSigningKey(load(settings, hadoop));
    }
    try {
      this.client = builder.build();
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("open the APNs client for", settings.hostOf(channel), e);
    }
  }

  @Override
  public Delivery send(OutboundMessage m) {
    SimpleApnsPushNotification notification;
    try {
      notification = notification(m);
    } catch (IOException e) {
      return Delivery.invalid("PUSH_INVALID_MESSAGE: " + ChannelMessages.firstLine(e.getMessage()));
    }
    String last = null;
    int lastStatus = 0;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        PushNotificationResponse<SimpleApnsPushNotification> r = client.sendNotification(notification)
            .get(settings.timeoutSeconds(), TimeUnit.SECONDS);
        if (r.isAccepted()) {
          return ChannelMessages.recorded(records, m, Delivery.sent(r.getStatusCode(), attempt));
        }
        last = "HTTP " + r.getStatusCode() + " " + r.getRejectionReason().orElse("no reason");
        lastStatus = r.getStatusCode();
        if (r.getStatusCode() != 429 && r.getStatusCode() / 100 != 5) {
          return Delivery.rejected(r.getStatusCode(), "APNS_REJECTED: " + last, attempt);
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        last = cause.getClass().getSimpleName() + ": " + ChannelMessages.firstLine(cause.getMessage());
        lastStatus = 0;
      } catch (TimeoutException e) {
        last = "no answer within " + settings.timeoutSeconds() + " s";
        lastStatus = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Delivery.unknown("APNS_ERROR: interrupted", attempt);
      }
      ChannelMessages.backoff(attempt, ATTEMPTS);
    }
    return Delivery.gaveUp(lastStatus, "APNS_ERROR: " + last + " (" + ATTEMPTS + " attempts)", ATTEMPTS);
  }

  /** The notification of {@code m}: Pinpoint's payload (or its RawContent), expiration, priority and type. */
  private SimpleApnsPushNotification notification(OutboundMessage m) throws IOException {
    JsonNode msg = PinpointJson.mapper().readTree(m.message());
    boolean silent = msg.path("SilentPush").asBoolean(false);
    String payload = ChannelMessages.text(msg, "RawContent");
    if (payload != null) {
      PinpointJson.mapper().readTree(payload);
    } else {
      payload = PinpointJson.compact(payload(m, msg, silent));
    }
    Instant expiration = msg.hasNonNull("TimeToLive")
        ? Instant.now().plusSeconds(msg.get("TimeToLive").asLong()) : null;
    DeliveryPriority priority = silent || "normal".equalsIgnoreCase(ChannelMessages.text(msg, "Priority"))
        ? DeliveryPriority.CONSERVE_POWER : DeliveryPriority.IMMEDIATE;
    PushType type = voip ? PushType.VOIP : silent ? PushType.BACKGROUND : PushType.ALERT;
    return new SimpleApnsPushNotification(m.address(), topic, payload, expiration, priority, type, null,
        apnsId(m.messageId()));
  }

  private static ObjectNode payload(OutboundMessage m, JsonNode msg, boolean silent) throws IOException {
    ObjectNode payload = PinpointJson.mapper().createObjectNode();
    String json = ChannelMessages.text(msg, "JsonBody");
    if (json != null) {
      JsonNode custom = PinpointJson.mapper().readTree(json);
      if (!(custom instanceof ObjectNode o)) {
        throw new IOException("JsonBody is not a JSON object");
      }
      payload.setAll(o);
    }
    ObjectNode aps = payload.putObject("aps");
    String media = ChannelMessages.text(msg, "MediaUrl");
    media = media != null ? media : ChannelMessages.text(msg, "ImageUrl");
    if (silent) {
      aps.put("content-available", 1);
    } else {
      ObjectNode alert = aps.putObject("alert");
      put(alert, "title", ChannelMessages.text(msg, "Title"));
      put(alert, "body", ChannelMessages.text(msg, "Body"));
      put(aps, "sound", ChannelMessages.text(msg, "Sound"));
      if (msg.hasNonNull("Badge")) {
        aps.put("badge", msg.get("Badge").asInt());
      }
      if (media != null) {
        aps.put("mutable-content", 1);
      }
    }
    ObjectNode data = payload.putObject("data");
    ObjectNode pinpoint = data.putObject("pinpoint");
    if (m.campaignId() != null) {
      // A direct send has no campaign.
      ObjectNode campaign = pinpoint.putObject("campaign");
      put(campaign, "campaign_id", m.campaignId());
      put(campaign, "campaign_activity_id", m.activityId());
      put(campaign, "treatment_id", m.treatmentId());
    }
    String action = ChannelMessages.text(msg, "Action");
    String url = ChannelMessages.text(msg, "Url");
    if (url != null && ("URL".equals(action) || "DEEP_LINK".equals(action))) {
      pinpoint.put("deeplink", url);
    }
    // A direct send's Context goes into data.pinpoint, as Pinpoint puts it.
    msg.path("Context").fields().forEachRemaining(e -> {
      if (!pinpoint.has(e.getKey())) {
        pinpoint.put(e.getKey(), e.getValue().asText());
      }
    });
    put(data, "media-url", media);
    return payload;
  }

  private static void put(ObjectNode to, String key, String value) {
    if (value != null) {
      to.put(key, value);
    }
  }

  /** The MessageId (32 hex digits) as APNs' notification id, a UUID; null for another form. */
  static UUID apnsId(String messageId) {
    if (!messageId.matches("[0-9a-f]{32}")) {
      return null;
    }
    return UUID.fromString(messageId.substring(0, 8) + "-" + messageId.substring(8, 12) + "-"
        + messageId.substring(12, 16) + "-" + messageId.substring(16, 20) + "-" + messageId.substring(20));
  }

  @Override
  public void close() {
    try {
      client.close().get(settings.timeoutSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      // The connections close with the JVM's tasks; nothing is left to send.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    records.close();
  }
}
