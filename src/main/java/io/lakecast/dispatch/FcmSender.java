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
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import org.apache.hadoop.conf.Configuration;

/**
 * GCM (Android push) through Firebase Cloud Messaging's HTTP v1 API. Each dispatch partition signs a JWT with the
 * service account's key, trades it at the account's token URI for an OAuth access token (kept until a minute before
 * it expires), and sends each message with one {@code messages:send} call.
 *
 * <p>The message is the data message Pinpoint sent to Android apps, which its SDKs (and Amplify's) turn into the
 * notification: {@code pinpoint.notification.title}, {@code .body}, {@code .imageUrl}, {@code .imageIconUrl},
 * {@code .imageSmallIconUrl}, {@code .silentPush} ({@code 1} or {@code 0}); {@code pinpoint.openApp},
 * {@code pinpoint.url} or {@code pinpoint.deeplink} after {@code Action}; {@code pinpoint.jsonBody} from
 * {@code JsonBody} (or a direct message's {@code Data}); {@code pinpoint.campaign.campaign_id},
 * {@code .campaign_activity_id} and {@code .treatment_id}; and {@code lakecast.message_id}. {@code TimeToLive} is the
 * Android {@code ttl}; {@code Priority}, {@code CollapseKey} and {@code RestrictedPackageName} map to their Android
 * fields. {@code RawContent}, when given, is the FCM {@code message} itself (its {@code token} is the endpoint's).
 *
 * <p>A 429, a 5xx, a timeout or a lost connection is tried again (3 attempts, exponential backoff with full jitter);
 * a 401 gets a new access token once; any other answer fails the message with FCM's error code (such as
 * {@code UNREGISTERED} for a token the app no longer holds). A token URI that refuses the service account fails the
 * partition's remaining messages without trying them. Accepted messages get a delivery record. The service account
 * and access tokens go to Google's endpoints only and are never logged or recorded.
 */
public final class FcmSender implements Sender {
  public static final String SERVICE_ACCOUNT_ENV = "LAKECAST_FCM_SERVICE_ACCOUNT";
  public static final String SERVICE_ACCOUNT_ALIAS = "lakecast.fcm.serviceAccount";
  static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  static final int ATTEMPTS = 3;

  /** Where FCM is and how to reach it; no secret (it travels with the tasks). */
  public record Settings(String url, int timeoutSeconds, String trustedCertificates) implements Serializable {

    /** From the {@code spark.lakecast.sender.push.fcm.*} settings; throws on a bad one. */
    public static Settings of(LakecastConf conf) {
      return new Settings(conf.fcmUrl(), conf.fcmTimeoutSeconds(), conf.fcmTrustedCertificates());
    }
  }

  /** The members of a Google service account key file that the sender uses. */
  record ServiceAccount(String projectId, String clientEmail, String privateKeyId, PrivateKey key, String tokenUri) {

    /** Parses the key file; a problem is named by member, never by value. */
    static ServiceAccount parse(String json) {
      JsonNode sa;
      try {
        sa = PinpointJson.mapper().readTree(json);
      } catch (IOException e) {
        throw invalid("is not JSON (expected the service account's key file, as Firebase gives it)");
      }
      for (String member : new String[] {"project_id", "client_email", "private_key", "token_uri"}) {
        if (sa == null || !sa.hasNonNull(member) || sa.get(member).asText().isBlank()) {
          throw invalid("has no " + member + " (expected the service account's key file, as Firebase gives it)");
        }
      }
      String tokenUri = sa.get("token_uri").asText();
      if (!tokenUri.startsWith("https://")) {
        throw invalid("has a token_uri that is not https://");
      }
      PrivateKey key;
      try {
        String pem = sa.get("private_key").asText().replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "")
            .replaceAll("\\s", "");
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
      } catch (IllegalArgumentException | GeneralSecurityException e) {
        throw invalid("has a private_key that is not an RSA key in PKCS#8 PEM");
      }
      return new ServiceAccount(sa.get("project_id").asText(), sa.get("client_email").asText(),
          sa.path("private_key_id").asText(""), key, tokenUri);
    }

    private static RuntimeException invalid(String problem) {
      return LakecastErrors.invalidSecret(LakecastConf.SENDER_PREFIX + "GCM", SERVICE_ACCOUNT_ENV,
          SERVICE_ACCOUNT_ALIAS, problem);
    }

    /** A signed JWT asking for the FCM scope, issued at {@code nowSeconds}, valid for an hour. */
    String assertion(long nowSeconds) throws GeneralSecurityException {
      ObjectNode header = PinpointJson.mapper().createObjectNode().put("alg", "RS256").put("typ", "JWT");
      if (!privateKeyId.isEmpty()) {
        header.put("kid", privateKeyId);
      }
      ObjectNode claims = PinpointJson.mapper().createObjectNode().put("iss", clientEmail).put("scope", SCOPE)
          .put("aud", tokenUri).put("iat", nowSeconds).put("exp", nowSeconds + 3600);
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String signed = b64.encodeToString(PinpointJson.compact(header).getBytes(StandardCharsets.UTF_8)) + "."
          + b64.encodeToString(PinpointJson.compact(claims).getBytes(StandardCharsets.UTF_8));
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(key);
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + b64.encodeToString(rsa.sign());
    }
  }

  /** The service account key file: {@value #SERVICE_ACCOUNT_ENV}, else the credential provider's alias; or null. */
  public static String serviceAccountJson(Configuration hadoop) {
    return Senders.secret(hadoop, SERVICE_ACCOUNT_ENV, SERVICE_ACCOUNT_ALIAS);
  }

  /** Checks, in the driver, that the service account is there and usable. */
  static void check(Configuration hadoop) {
    String json = serviceAccountJson(hadoop);
    if (json == null) {
      throw LakecastErrors.missingSecret(LakecastConf.SENDER_PREFIX + "GCM", SERVICE_ACCOUNT_ENV,
          SERVICE_ACCOUNT_ALIAS);
    }
    ServiceAccount.parse(json);
  }

  /** Senders to FCM as {@code settings} say, whose accepted messages get a record from {@code records}. */
  public static Factory factory(Settings settings, HadoopConf hadoop, Factory records) {
    return partitionId -> new FcmSender(settings, hadoop.get(), records.open(partitionId));
  }

  private final Settings settings;
  private final Sender records;
  private final ServiceAccount account;
  private final HttpClient client;
  private final URI send;
  private String accessToken;
  private long tokenValidUntilMillis;
  /** Why the token URI refused the service account: every later message fails with it, untried. */
  private String authRefused;

  private FcmSender(Settings settings, Configuration hadoop, Sender records) {
    this.settings = settings;
    this.records = records;
    this.account = ServiceAccount.parse(serviceAccountJson(hadoop));
    this.client = HttpDelivery.client(settings.timeoutSeconds(), settings.trustedCertificates(),
        LakecastConf.FCM_TRUSTED_CERTIFICATES);
    this.send = URI.create(settings.url() + "/v1/projects/" + URLEncoder.encode(account.projectId(),
        StandardCharsets.UTF_8) + "/messages:send");
  }

  @Override
  public Delivery send(OutboundMessage m) {
    if (authRefused != null) {
      return Delivery.rejected(401, authRefused, 0);
    }
    String body;
    try {
      body = PinpointJson.compact(PinpointJson.mapper().createObjectNode().set("message", message(m)));
    } catch (IOException e) {
      return Delivery.invalid("PUSH_INVALID_MESSAGE: RawContent is not a JSON object: "
          + ChannelMessages.firstLine(e.getMessage()));
    }
    String last = null;
    int lastStatus = 0;
    int calls = 0;
    boolean renewed = false;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        String token = accessToken();
        if (token == null) {
          return Delivery.rejected(401, authRefused, calls);
        }
        calls++;
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(send)
            .timeout(Duration.ofSeconds(settings.timeoutSeconds()))
            .header("Content-Type", "application/json; charset=UTF-8")
            .header("Authorization", "Bearer " + token)
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString());
        int status = r.statusCode();
        if (status / 100 == 2) {
          return ChannelMessages.recorded(records, m, Delivery.sent(status, calls));
        }
        last = "HTTP " + status + " " + errorCode(r.body());
        lastStatus = status;
        if (status == 401 && !renewed) {
          // The token lapsed or was revoked early: one new token, and this attempt does not count.
          accessToken = null;
          renewed = true;
          attempt--;
          continue;
        }
        if (status != 429 && status / 100 != 5) {
          return Delivery.rejected(status, "FCM_REJECTED: " + last, calls);
        }
        long retryAfter = HttpDelivery.retryAfterSeconds(r);
        if (retryAfter >= 0 && attempt < ATTEMPTS) {
          // FCM asks to wait at least this long after a 429 or 503.
          Thread.sleep(retryAfter * 1000);
          continue;
        }
      } catch (IOException e) {
        last = e.getClass().getSimpleName() + " calling " + HttpDelivery.withoutQuery(send);
        lastStatus = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Delivery.unknown("FCM_ERROR: interrupted", calls);
      }
      ChannelMessages.backoff(attempt, ATTEMPTS);
    }
    return Delivery.gaveUp(lastStatus, "FCM_ERROR: " + last + " (" + ATTEMPTS + " attempts)", calls);
  }

  /** The FCM v1 {@code message} of {@code m}: Pinpoint's data message, or its RawContent. */
  private ObjectNode message(OutboundMessage m) throws IOException {
    JsonNode msg = PinpointJson.mapper().readTree(m.message());
    String raw = ChannelMessages.text(msg, "RawContent");
    if (raw != null) {
      JsonNode given = PinpointJson.mapper().readTree(raw);
      if (!(given instanceof ObjectNode o)) {
        throw new IOException("it is " + given.getNodeType());
      }
      return o.put("token", m.address());
    }
    ObjectNode data = PinpointJson.mapper().createObjectNode();
    put(data, "pinpoint.notification.title", ChannelMessages.text(msg, "Title"));
    put(data, "pinpoint.notification.body", ChannelMessages.text(msg, "Body"));
    put(data, "pinpoint.notification.imageUrl", ChannelMessages.text(msg, "ImageUrl"));
    put(data, "pinpoint.notification.imageIconUrl", ChannelMessages.text(msg, "ImageIconUrl"));
    String small = ChannelMessages.text(msg, "ImageSmallIconUrl");
    put(data, "pinpoint.notification.imageSmallIconUrl", small != null ? small
        : ChannelMessages.text(msg, "SmallImageIconUrl"));
    put(data, "pinpoint.notification.sound", ChannelMessages.text(msg, "Sound"));
    data.put("pinpoint.notification.silentPush", msg.path("SilentPush").asBoolean(false) ? "1" : "0");
    String action = ChannelMessages.text(msg, "Action");
    String url = ChannelMessages.text(msg, "Url");
    if ("URL".equals(action) && url != null) {
      data.put("pinpoint.url", url);
    } else if ("DEEP_LINK".equals(action) && url != null) {
      data.put("pinpoint.deeplink", url);
    } else {
      data.put("pinpoint.openApp", "true");
    }
    String json = ChannelMessages.text(msg, "JsonBody");
    if (json == null && msg.get("Data") instanceof ObjectNode d) {
      json = PinpointJson.compact(d);
    }
    put(data, "pinpoint.jsonBody", json);
    put(data, "pinpoint.campaign.campaign_id", m.campaignId());
    put(data, "pinpoint.campaign.campaign_activity_id", m.activityId());
    put(data, "pinpoint.campaign.treatment_id", m.treatmentId());
    // A direct send's Context goes into the pinpoint data, as Pinpoint puts it.
    msg.path("Context").fields().forEachRemaining(e -> data.putIfAbsent("pinpoint." + e.getKey(),
        com.fasterxml.jackson.databind.node.TextNode.valueOf(e.getValue().asText())));
    data.put("lakecast.message_id", m.messageId());
    ObjectNode android = PinpointJson.mapper().createObjectNode();
    if (msg.hasNonNull("TimeToLive")) {
      android.put("ttl", msg.get("TimeToLive").asLong() + "s");
    }
    String priority = ChannelMessages.text(msg, "Priority");
    if (priority != null) {
      android.put("priority", priority.equalsIgnoreCase("high") ? "HIGH" : "NORMAL");
    }
    put(android, "collapse_key", ChannelMessages.text(msg, "CollapseKey"));
    put(android, "restricted_package_name", ChannelMessages.text(msg, "RestrictedPackageName"));
    ObjectNode message = PinpointJson.mapper().createObjectNode().put("token", m.address());
    message.set("data", data);
    if (!android.isEmpty()) {
      message.set("android", android);
    }
    return message;
  }

  private static void put(ObjectNode to, String key, String value) {
    if (value != null) {
      to.put(key, value);
    }
  }

  /**
   * The access token, fetched when there is none or it expires within a minute; null when the token URI refused the
   * service account ({@link #authRefused} says why). A token URI that is down throws, as a failed attempt.
   */
  private String accessToken() throws IOException, InterruptedException {
    if (accessToken != null && System.currentTimeMillis() < tokenValidUntilMillis) {
      return accessToken;
    }
    String assertion;
    try {
      assertion = account.assertion(System.currentTimeMillis() / 1000);
    } catch (GeneralSecurityException e) {
      authRefused = "FCM_AUTH_FAILED: cannot sign with the service account's key (" + e.getClass().getSimpleName()
          + ")";
      return null;
    }
    URI tokenUri = URI.create(account.tokenUri());
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(tokenUri)
        .timeout(Duration.ofSeconds(settings.timeoutSeconds()))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type="
            + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
            + "&assertion=" + assertion)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 429 || r.statusCode() / 100 == 5) {
      throw new IOException("HTTP " + r.statusCode() + " from the token URI");
    }
    JsonNode answer = null;
    try {
      answer = PinpointJson.mapper().readTree(r.body());
    } catch (IOException notJson) {
      // Named below as a refusal.
    }
    if (r.statusCode() / 100 != 2 || answer == null || !answer.hasNonNull("access_token")) {
      String error = answer == null ? "" : answer.path("error").asText("");
      authRefused = "FCM_AUTH_FAILED: HTTP " + r.statusCode() + " from " + HttpDelivery.withoutQuery(tokenUri)
          + (error.isEmpty() ? "" : ": " + ChannelMessages.firstLine(error));
      return null;
    }
    accessToken = answer.get("access_token").asText();
    tokenValidUntilMillis = System.currentTimeMillis() + (answer.path("expires_in").asLong(3600) - 60) * 1000;
    return accessToken;
  }

  /** FCM's error code of an answer: the FcmError detail's (such as UNREGISTERED), else the status. */
  private static String errorCode(String body) {
    try {
      JsonNode error = PinpointJson.mapper().readTree(body).path("error");
      for (JsonNode d : error.path("details")) {
        if (d.hasNonNull("errorCode")) {
          return d.get("errorCode").asText() + ": " + ChannelMessages.firstLine(error.path("message").asText(""));
        }
      }
      return error.path("status").asText("no error code") + ": "
          + ChannelMessages.firstLine(error.path("message").asText(""));
    } catch (IOException e) {
      return "(not JSON)";
    }
  }

  @Override
  public void close() {
    records.close();
  }
}
