package io.lakecast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.cli.LakecastCli;
import io.lakecast.model.PinpointJson;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs {@code lakecast} commands in-process against the shared test session, as a user would type them. */
public final class Cli {
  private Cli() {}

  /** Exit code, stdout and stderr of one command. */
  public record Run(int exitCode, String out, String err) {
    /** stdout parsed as JSON. */
    public JsonNode json() {
      try {
        return PinpointJson.mapper().readTree(out);
      } catch (Exception e) {
        throw new AssertionError("stdout is not JSON (exit " + exitCode + ", stderr: " + err + "): " + out, e);
      }
    }

    /** Asserts success and returns stdout as JSON. */
    public JsonNode ok() {
      if (exitCode != 0) {
        throw new AssertionError("exit " + exitCode + ", stderr: " + err);
      }
      return json();
    }
  }

  /** Every message in the warehouse's outbox, each line parsed (a campaign run's sent messages). */
  public static java.util.List<JsonNode> outbox(java.nio.file.Path warehouse) throws java.io.IOException {
    java.util.List<JsonNode> out = new java.util.ArrayList<>();
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(warehouse.resolve("outbox"))) {
      for (java.nio.file.Path f : files.filter(p -> p.toString().endsWith(".ndjson")).toList()) {
        for (String line : java.nio.file.Files.readAllLines(f)) {
          out.add(PinpointJson.mapper().readTree(line));
        }
      }
    }
    return out;
  }

  /** A campaign's outbox lines by EndpointId: its messages, or a provider's delivery records. */
  public static java.util.Map<String, JsonNode> outboxOf(java.nio.file.Path warehouse, String campaignId)
      throws java.io.IOException {
    java.util.Map<String, JsonNode> out = new java.util.TreeMap<>();
    for (JsonNode l : outbox(warehouse)) {
      if (l.path("CampaignId").asText().equals(campaignId)) {
        out.put(l.get("EndpointId").asText(), l);
      }
    }
    return out;
  }

  /**
   * A campaign's send ledger: EndpointId → its Status, and its Reason after a space when it has one (empty before
   * any run made the ledger).
   */
  public static java.util.Map<String, String> ledger(java.nio.file.Path warehouse, String campaignId) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (org.apache.spark.sql.Row r : ledgerRows(warehouse, campaignId)) {
      String reason = r.getAs("Reason");
      out.put(r.getAs("EndpointId"), r.<String>getAs("Status") + (reason == null ? "" : " " + reason));
    }
    return out;
  }

  /** A campaign's send ledger rows (none before any run made the ledger). */
  static java.util.List<org.apache.spark.sql.Row> ledgerRows(java.nio.file.Path warehouse, String campaignId) {
    if (!java.nio.file.Files.exists(warehouse.resolve("send_ledger"))) {
      return java.util.List.of();
    }
    return SparkTestSession.get().read().format("delta").load(warehouse.resolve("send_ledger").toString())
        .filter(org.apache.spark.sql.functions.col("CampaignId").equalTo(campaignId)).collectAsList();
  }

  /**
   * A campaign's delivery outcomes: EndpointId → {@code <DeliveryStatus> <StatusCode> <Attempts>} for each ledger row
   * a dispatch recorded (empty before any run made the ledger).
   */
  public static java.util.Map<String, String> deliveries(java.nio.file.Path warehouse, String campaignId) {
    java.util.Map<String, String> out = new java.util.TreeMap<>();
    for (org.apache.spark.sql.Row r : ledgerRows(warehouse, campaignId)) {
      if (r.getAs("DeliveryStatus") != null) {
        out.put(r.getAs("EndpointId"), r.<String>getAs("DeliveryStatus") + " " + r.<Integer>getAs("StatusCode") + " "
            + r.<Integer>getAs("Attempts"));
      }
    }
    return out;
  }

  /**
   * A campaign's events in the store, one line each, sorted: {@code <event_type> <client_id> <attributes>}, the
   * attributes as {@code key=value} pairs sorted by key, without the campaign's and run's ids.
   */
  public static java.util.List<String> campaignEvents(java.nio.file.Path warehouse, String campaignId) {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (org.apache.spark.sql.Row r : SparkTestSession.get().read().parquet(warehouse.resolve("events").toString())
        .filter(org.apache.spark.sql.functions.col("attributes").getItem("campaign_id").equalTo(campaignId))
        .select("event_type", "client.client_id", "attributes").collectAsList()) {
      java.util.Map<String, String> attributes = new java.util.TreeMap<>(r.getJavaMap(2));
      attributes.remove("campaign_id");
      attributes.remove("campaign_activity_id");
      attributes.remove("message_id");
      out.add(r.getString(0) + " " + r.getString(1) + " " + attributes);
    }
    out.sort(null);
    return out;
  }

  public static Run run(String... args) {
    SparkTestSession.get();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LakecastCli.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** create-app with that name; returns the new application's Id. */
  public static String createApp(String name) {
    return run("create-app", "--create-application-request", "{\"Name\":\"" + name + "\"}").ok()
        .at("/ApplicationResponse/Id").asText();
  }

  /** An application with a few imported endpoints and one segment of its SMS endpoints. */
  public record Audience(String appId, String segmentId) {
    /**
     * create-campaign of an SMS message to the segment with that {@code Schedule} JSON, plus {@code extra} members
     * (",\"Limits\":{…}" or ""); returns its Id.
     */
    public String createCampaign(String schedule, String extra) {
      return run("create-campaign", "--application-id", appId, "--write-campaign-request",
          "{\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
              + "\"Schedule\":" + schedule + extra + "}").ok().at("/CampaignResponse/Id").asText();
    }

    /** run-campaign as of {@code at}; returns the CampaignRunResponse. */
    public JsonNode runCampaign(String campaignId, String at) {
      return run("run-campaign", "--application-id", appId, "--campaign-id", campaignId, "--at", at).ok()
          .get("CampaignRunResponse");
    }
  }

  /**
   * Creates an application named {@code name}, imports {@code csv} (a CSV file's text, header first) from
   * {@code <dir>/<name>-source/} and creates a segment of the SMS endpoints.
   */
  public static Audience smsAudience(java.nio.file.Path dir, String name, String csv) {
    return audience(dir, name, csv, "SMS");
  }

  /**
   * Creates an application named {@code name}, imports {@code csv} (a CSV file's text, header first) from
   * {@code <dir>/<name>-source/} and creates a segment of the endpoints of {@code channels}.
   */
  public static Audience audience(java.nio.file.Path dir, String name, String csv, String... channels) {
    String appId = createApp(name);
    try {
      java.nio.file.Path source = java.nio.file.Files.createDirectories(dir.resolve(name + "-source"));
      java.nio.file.Files.writeString(source.resolve("endpoints.csv"), csv);
      run("create-import-job", "--application-id", appId, "--import-job-request",
          "{\"S3Url\":\"" + source + "\",\"Format\":\"CSV\"}").ok();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    String segmentId = run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Name\":\"" + String.join("+", channels).toLowerCase(java.util.Locale.ROOT) + "\",\"Dimensions\":{"
            + "\"Demographic\":{\"Channel\":{\"Values\":[\"" + String.join("\",\"", channels) + "\"]}}}}").ok()
        .at("/SegmentResponse/Id").asText();
    return new Audience(appId, segmentId);
  }
}
