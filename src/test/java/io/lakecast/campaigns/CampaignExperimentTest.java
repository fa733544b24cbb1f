package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * get-campaign-experiment on an A/B campaign with a holdout: 200 SMS endpoints, HoldoutPercent 20, one extra
 * treatment of 40%. Conversions (_monetization.purchase) are recorded for the first 3 holdout members, 6 of
 * treatment 0 and 10 of treatment 1, within the 24-hour window; two more purchases fall outside it. The expected
 * statistics are closed-form values computed independently (Python's statistics.NormalDist) from those counts.
 */
class CampaignExperimentTest {
  @TempDir static Path warehouse;
  static Cli.Audience audience;
  static final String CAMPAIGN = "e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1e1";
  static Map<String, List<String>> arms = new TreeMap<>();

  @BeforeAll
  static void campaignAndConversions() {
    SparkTestSession.withWarehouse(warehouse);
    StringBuilder csv = new StringBuilder("Id,ChannelType,Address\n");
    for (int i = 0; i < 200; i++) {
      csv.append(String.format("x%03d,SMS,+1206555%04d%n", i, i));
    }
    audience = Cli.smsAudience(warehouse, "experiment", csv.toString());
    Cli.run("create-campaign", "--application-id", audience.appId(), "--campaign-id", CAMPAIGN,
        "--write-campaign-request", "{\"SegmentId\":\"" + audience.segmentId() + "\",\"HoldoutPercent\":20,"
            + "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"A\"}},\"AdditionalTreatments\":[{"
            + "\"SizePercent\":40,\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"B\"}}}],"
            + "\"Schedule\":{\"StartTime\":\"IMMEDIATE\",\"Frequency\":\"ONCE\"}}").ok();
    Cli.run("run-campaign", "--application-id", audience.appId(), "--campaign-id", CAMPAIGN).ok();
    for (Row r : SparkTestSession.get().read().format("delta").load(warehouse.resolve("send_ledger").toString())
        .filter(col("CampaignId").equalTo(CAMPAIGN)).orderBy("EndpointId").collectAsList()) {
      String arm = "HOLDOUT".equals(r.getAs("Arm")) ? "HOLDOUT" : r.getAs("TreatmentId");
      arms.computeIfAbsent(arm, k -> new java.util.ArrayList<>()).add(r.getAs("EndpointId"));
    }
    Instant inWindow = Instant.now().plus(1, ChronoUnit.HOURS);
    StringBuilder batch = new StringBuilder();
    Map<String, Integer> converting = Map.of("HOLDOUT", 3, "0", 6, "1", 10);
    converting.forEach((arm, n) -> arms.get(arm).subList(0, n).forEach(e -> batch.append(batch.isEmpty() ? "" : ",")
        .append(purchase(e, e + "-buy", inWindow))));
    // Outside the window: a day and a half after the send, and a day before it.
    batch.append(",").append(purchase(arms.get("1").get(20), "late-buy", inWindow.plus(35, ChronoUnit.HOURS)));
    batch.append(",").append(purchase(arms.get("0").get(20), "early-buy", inWindow.minus(25, ChronoUnit.HOURS)));
    Cli.run("put-events", "--application-id", audience.appId(), "--events-request",
        "{\"BatchItem\":{" + batch + "}}").ok();
  }

  static String purchase(String endpoint, String eventId, Instant at) {
    return "\"" + endpoint + "\":{\"Endpoint\":{},\"Events\":{\"" + eventId + "\":{\"EventType\":"
        + "\"_monetization.purchase\",\"Timestamp\":\"" + at + "\"}}}";
  }

  @Test
  void armsConversionsAndStatisticsMatchTheClosedFormValues() {
    // The arm sizes the assignment gives these 200 ids under this campaign id (xxhash64 buckets).
    assertThat(Map.of("HOLDOUT", arms.get("HOLDOUT").size(), "0", arms.get("0").size(), "1", arms.get("1").size()))
        .isEqualTo(Map.of("HOLDOUT", HOLDOUT_N, "0", DEFAULT_N, "1", B_N));
    JsonNode x = Cli.run("get-campaign-experiment", "--application-id", audience.appId(), "--campaign-id", CAMPAIGN)
        .ok().get("CampaignExperimentResponse");
    assertThat(x.get("ConversionEventType").asText()).isEqualTo("_monetization.purchase");
    assertThat(x.get("WindowHours").asInt()).isEqualTo(24);
    JsonNode holdout = x.at("/Arms/0");
    JsonNode a = x.at("/Arms/1");
    JsonNode b = x.at("/Arms/2");
    assertThat(List.of(holdout.get("Arm").asText(), a.get("Arm").asText(), b.get("Arm").asText()))
        .containsExactly("HOLDOUT", "0", "1");
    assertThat(List.of(holdout.get("Members").asLong(), holdout.get("Sent").asLong(), holdout.get("Conversions").asLong()))
        .containsExactly((long) HOLDOUT_N, 0L, 3L);
    assertThat(List.of(a.get("Members").asLong(), a.get("Sent").asLong(), a.get("Delivered").asLong(),
        a.get("Conversions").asLong())).containsExactly((long) DEFAULT_N, (long) DEFAULT_N, (long) DEFAULT_N, 6L);
    assertThat(b.get("Conversions").asLong()).as("the late purchase is outside the window").isEqualTo(10L);
    assertThat(List.of(holdout.get("PlannedPercent").asDouble(), a.get("PlannedPercent").asDouble(),
        b.get("PlannedPercent").asDouble())).containsExactly(20.0, 40.0, 40.0);
    GOLDEN.forEach((pointer, value) -> assertThat(x.at(pointer).asDouble()).as(pointer).isCloseTo(value, within(1e-9)));
    assertThat(a.at("/VsDefaultTreatment").isMissingNode() || a.at("/VsDefaultTreatment").isNull()).isTrue();
    assertThat(x.at("/SampleRatioMismatch/Flagged").asBoolean()).isFalse();
  }

  static final int HOLDOUT_N = 40;
  static final int DEFAULT_N = 82;
  static final int B_N = 78;
  /** Closed-form values for (n, x) = holdout (40, 3), treatment 0 (82, 6), treatment 1 (78, 10), z = 1.959964. */
  static final Map<String, Double> GOLDEN = Map.ofEntries(
      Map.entry("/Arms/0/ConversionRate", 0.075),
      Map.entry("/Arms/0/ConversionRateInterval/Low", 0.025836025774588198),
      Map.entry("/Arms/0/ConversionRateInterval/High", 0.19864233524310543),
      Map.entry("/Arms/1/ConversionRate", 0.07317073170731707),
      Map.entry("/Arms/1/ConversionRateInterval/Low", 0.033964777256659195),
      Map.entry("/Arms/1/ConversionRateInterval/High", 0.15057843808854837),
      Map.entry("/Arms/2/ConversionRateInterval/Low", 0.07115322631234479),
      Map.entry("/Arms/2/ConversionRateInterval/High", 0.22015950398646628),
      Map.entry("/Arms/1/VsHoldout/AbsoluteLift", -0.0018292682926829285),
      Map.entry("/Arms/1/VsHoldout/AbsoluteLiftInterval/Low", -0.1010237571596686),
      Map.entry("/Arms/1/VsHoldout/AbsoluteLiftInterval/High", 0.09736522057430275),
      Map.entry("/Arms/1/VsHoldout/RelativeLift", -0.024390243902439046),
      Map.entry("/Arms/1/VsHoldout/RelativeLiftInterval/Low", -0.7428386279690722),
      Map.entry("/Arms/1/VsHoldout/RelativeLiftInterval/High", 2.7012339321252),
      Map.entry("/Arms/1/VsHoldout/PValue", 0.9710546679786538),
      Map.entry("/Arms/2/VsHoldout/AbsoluteLift", 0.053205128205128197),
      Map.entry("/Arms/2/VsHoldout/RelativeLiftInterval/High", 4.863584219755518),
      Map.entry("/Arms/2/VsHoldout/PValue", 0.3822343820007159),
      Map.entry("/Arms/2/VsDefaultTreatment/AbsoluteLift", 0.055034396497811125),
      Map.entry("/Arms/2/VsDefaultTreatment/AbsoluteLiftInterval/Low", -0.03814049125491055),
      Map.entry("/Arms/2/VsDefaultTreatment/AbsoluteLiftInterval/High", 0.1482092842505328),
      Map.entry("/Arms/2/VsDefaultTreatment/RelativeLift", 0.7521367521367521),
      Map.entry("/Arms/2/VsDefaultTreatment/RelativeLiftInterval/Low", -0.33144948546497366),
      Map.entry("/Arms/2/VsDefaultTreatment/RelativeLiftInterval/High", 3.5919988563967893),
      Map.entry("/Arms/2/VsDefaultTreatment/PValue", 0.2461040503679388),
      // Planned 20/40/40 of 200 = 40/80/80; observed 40/82/78: (0 + 4 + 4) / 80 = 0.1, 2 degrees of freedom.
      Map.entry("/SampleRatioMismatch/ChiSquared", 0.1),
      Map.entry("/SampleRatioMismatch/PValue", 0.951229424500714));

  @Test
  void aSampleRatioFarFromThePlanIsFlagged() {
    var counts = new java.util.LinkedHashMap<String, long[]>();
    counts.put("HOLDOUT", new long[] {100, 0, 0, 0});
    counts.put("0", new long[] {400, 0, 0, 0});
    counts.put("1", new long[] {500, 0, 0, 0});
    // Planned 20/40/40 of 1000 = 200/400/400: (100^2/200 + 0 + 100^2/400) = 75, p = exp(-37.5).
    var srm = CampaignExperiment.srm(counts, Map.of("HOLDOUT", 0.2, "0", 0.4, "1", 0.4));
    assertThat(srm.chiSquared()).isCloseTo(75.0, within(1e-9));
    assertThat(srm.pValue()).isCloseTo(Math.exp(-37.5), within(1e-15));
    assertThat(srm.flagged()).isTrue();
  }
}
