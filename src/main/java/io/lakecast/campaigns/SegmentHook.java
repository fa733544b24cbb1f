package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.dispatch.HttpDelivery;
import io.lakecast.model.CampaignShapes.CampaignHook;
import io.lakecast.model.PinpointEnums.Mode;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * A campaign's {@code Hook} in {@code FILTER} mode: Pinpoint's "customize the segment with a Lambda function", as an
 * HTTPS call. Before an occurrence's messages are recorded, each treatment's endpoints go to the hook in batches of
 * at most 50, as Pinpoint's event: {@code MessageConfiguration}, {@code ApplicationId}, {@code CampaignId},
 * {@code TreatmentId}, {@code ActivityId}, {@code ScheduledTime} and {@code Endpoints} (endpoint id → endpoint).
 * The hook answers with the endpoints to send to, as the same map: an endpoint it leaves out is not sent (excluded
 * as {@link #FILTERED}); one it returns is sent as returned, so changed attributes reach message variables, and a
 * returned {@code TitleOverride} or {@code BodyOverride} replaces the title or body of its push or SMS message.
 *
 * <p>Each batch has {@link LakecastConf#HOOKS_TIMEOUT_SECONDS} (15 s) per attempt and at most 3 attempts; an answer
 * that is not a JSON object of endpoint objects counts as a failed attempt. A batch that fails all three fails the
 * run before anything is recorded, so nothing is sent that the hook did not pass; run it again when the hook
 * answers. The calls run in the executors, several batches at once.
 */
final class SegmentHook implements Serializable {
  private static final long serialVersionUID = 1L;
  /** The exclusion reason of an endpoint the hook left out. */
  static final String FILTERED = "ENDPOINT_FILTERED_BY_HOOK";
  static final int BATCH = 50;
  static final int ATTEMPTS = 3;

  /** What the hook said of each endpoint: kept (with its endpoint as returned) or not, or why its batch failed. */
  static final StructType RESULT = new StructType()
      .add("EndpointId", "string").add("Kept", "boolean").add("HookEndpoint", "string").add("Failure", "string");

  private final String url;
  private final int timeoutSeconds;
  private final String trustedCertificates;

  private SegmentHook(String url, int timeoutSeconds, String trustedCertificates) {
    this.url = url;
    this.timeoutSeconds = timeoutSeconds;
    this.trustedCertificates = trustedCertificates;
  }

  /** The hook a run calls: the campaign's, else the application's; null when neither has one. */
  static SegmentHook of(CampaignHook campaign, CampaignHook application, LakecastConf conf) {
    CampaignHook h = campaign != null ? campaign : application;
    if (h == null) {
      return null;
    }
    String target = h.webUrl();
    if (target == null) {
      target = conf.hookUrl(h.lambdaFunctionName());
      if (target == null) {
        throw LakecastErrors.hookNotMapped(h.lambdaFunctionName(),
            LakecastConf.HOOKS_PREFIX + h.lambdaFunctionName() + ".url");
      }
      checkUrl("WriteCampaignRequest", LakecastConf.HOOKS_PREFIX + h.lambdaFunctionName() + ".url", target);
    }
    return new SegmentHook(target, conf.hookTimeoutSeconds(), conf.hookTrustedCertificates());
  }

  /** Checks a hook as a campaign or the application settings state it; errors name the member. */
  static void validate(String shape, String path, CampaignHook h) {
    if (h == null) {
      return;
    }
    if (h.mode() != Mode.FILTER) {
      throw LakecastErrors.unsupported(shape, path + ".Mode=" + h.mode(),
          "Mode FILTER (DELIVERY is deprecated in Pinpoint; custom channels use CustomDeliveryConfiguration)");
    }
    if ((h.webUrl() == null) == (h.lambdaFunctionName() == null)) {
      throw LakecastErrors.invalidMember(shape, path, "give exactly one of WebUrl and LambdaFunctionName");
    }
    if (h.webUrl() != null) {
      checkUrl(shape, path + ".WebUrl", h.webUrl());
    }
  }

  private static void checkUrl(String shape, String path, String url) {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw LakecastErrors.invalidMember(shape, path, "not a URL");
    }
    if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
      throw LakecastErrors.invalidMember(shape, path, "'" + redacted(url) + "' is not an https:// URL");
    }
  }

  /** The URL without its query or user info, for logs and messages (either may hold a token). */
  static String redacted(String url) {
    try {
      URI u = URI.create(url);
      return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort())
          + (u.getPath() == null ? "" : u.getPath());
    } catch (IllegalArgumentException e) {
      return "(not a URL)";
    }
  }

  String target() {
    return redacted(url);
  }

  /**
   * Calls the hook for {@code rows} (columns EndpointId, TreatmentId, EndpointJson). {@code context} holds what every
   * batch of a treatment carries: TreatmentId → the event's members but {@code Endpoints}. Lazy: the caller
   * materializes the result once.
   */
  Dataset<Row> call(Dataset<Row> rows, HashMap<String, String> context, int partitions) {
    SegmentHook hook = this;
    MapPartitionsFunction<Row, Row> calls = it -> {
      HttpClient client = hook.client();
      List<Row> out = new ArrayList<>();
      String treatment = null;
      LinkedHashMap<String, String> batch = new LinkedHashMap<>();
      while (it.hasNext()) {
        Row r = it.next();
        String t = r.getString(1);
        if (!batch.isEmpty() && (!t.equals(treatment) || batch.size() == BATCH)) {
          out.addAll(hook.send(client, context.get(treatment), batch));
          batch = new LinkedHashMap<>();
        }
        treatment = t;
        batch.put(r.getString(0), r.getString(2));
      }
      if (!batch.isEmpty()) {
        out.addAll(hook.send(client, context.get(treatment), batch));
      }
      return out.iterator();
    };
    return rows.select(col("EndpointId"), col("TreatmentId"), col("EndpointJson"))
        .repartition(partitions, col("TreatmentId"), col("EndpointId"))
        .sortWithinPartitions(col("TreatmentId"), col("EndpointId"))
        .mapPartitions(calls, Encoders.row(RESULT));
  }

  /** One batch: up to 3 attempts; the endpoints' results, or each marked with why the batch failed. */
  private List<Row> send(HttpClient client, String context, LinkedHashMap<String, String> batch) throws IOException {
    ObjectNode event = (ObjectNode) PinpointJson.mapper().readTree(context);
    ObjectNode endpoints = event.putObject("Endpoints");
    for (Map.Entry<String, String> e : batch.entrySet()) {
      endpoints.set(e.getKey(), PinpointJson.mapper().readTree(e.getValue()));
    }
    String body = PinpointJson.compact(event);
    String failure = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        HttpResponse<String> response = client.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() / 100 != 2) {
          failure = "HTTP " + response.statusCode();
          continue;
        }
        return kept(batch, response.body());
      } catch (java.net.http.HttpTimeoutException e) {
        failure = "no answer within " + timeoutSeconds + " s";
      } catch (IOException e) {
        failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (Garbage e) {
        failure = e.getMessage();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while calling the campaign hook", e);
      }
    }
    List<Row> failed = new ArrayList<>();
    for (String id : batch.keySet()) {
      failed.add(RowFactory.create(id, false, null, failure + " (" + ATTEMPTS + " attempts)"));
    }
    return failed;
  }

  /** The hook's answer: a JSON object of endpoint id → endpoint object; ids not in the batch are ignored. */
  private static List<Row> kept(LinkedHashMap<String, String> batch, String answer) {
    JsonNode tree;
    try {
      tree = PinpointJson.mapper().readTree(answer);
    } catch (IOException e) {
      throw new Garbage("the answer is not JSON");
    }
    if (tree == null || !tree.isObject()) {
      throw new Garbage("the answer is not a JSON object of endpoint ids to endpoints");
    }
    List<Row> out = new ArrayList<>();
    for (String id : batch.keySet()) {
      JsonNode e = tree.get(id);
      if (e != null && !e.isObject()) {
        throw new Garbage("the answer's member '" + id + "' is not an endpoint object");
      }
      out.add(RowFactory.create(id, e != null, e == null ? null : PinpointJson.compact(e), null));
    }
    return out;
  }

  private static final class Garbage extends RuntimeException {
    Garbage(String message) {
      super(message, null, false, false);
    }
  }

  private HttpClient client() {
    return HttpDelivery.client(timeoutSeconds, trustedCertificates, LakecastConf.HOOKS_TRUSTED_CERTIFICATES);
  }
}
