package io.lakecast.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Date-range KPIs against hand-computed values on a golden event set (src/test/resources/events/kpi): two
 * campaigns (C1 runs r1 on 2026-11-30 and r2 on 12-01, C2 run r3 on 12-01), their email, push and SMS engagement,
 * transactional email and SMS, sessions and purchases, and one send outside the range.
 */
class KpiTest {
  @TempDir static Path warehouse;
  @TempDir static Path source;
  static String appId;
  static final String FROM = "2026-11-30T00:00:00Z";
  static final String TO = "2026-12-01T23:59:59Z";

  @BeforeAll
  static void events() throws Exception {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("kpis");
    Files.writeString(source.resolve("events.ndjson"),
        Files.readString(Path.of("src/test/resources/events/kpi/golden-events.ndjson")).replace("APP_ID", appId));
    Cli.run("create-events-import-job", "--application-id", appId, "--events-import-job-request",
        "{\"S3Url\":\"" + source + "\"}").ok();
  }

  /** The KPI's rows as {@code [Group=value ]Key=value (Type)}. */
  static List<String> rows(JsonNode response) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : response.at("/KpiResult/Rows")) {
      StringBuilder s = new StringBuilder();
      for (JsonNode g : row.path("GroupedBys")) {
        s.append(g.get("Key").asText()).append('=').append(g.get("Value").asText()).append(' ');
      }
      JsonNode v = row.get("Values").get(0);
      out.add(s + v.get("Key").asText() + "=" + v.get("Value").asText() + " (" + v.get("Type").asText() + ")");
    }
    return out;
  }

  static List<String> campaign(String campaignId, String kpi) {
    JsonNode r = Cli.run("get-campaign-date-range-kpi", "--application-id", appId, "--campaign-id", campaignId,
        "--kpi-name", kpi, "--start-time", FROM, "--end-time", TO).ok().get("CampaignDateRangeKpiResponse");
    assertThat(r.get("CampaignId").asText()).isEqualTo(campaignId);
    assertThat(r.get("KpiName").asText()).isEqualTo(kpi);
    return rows(r);
  }

  static List<String> application(String kpi) {
    JsonNode r = Cli.run("get-application-date-range-kpi", "--application-id", appId, "--kpi-name", kpi,
        "--start-time", FROM, "--end-time", TO).ok().get("ApplicationDateRangeKpiResponse");
    assertThat(r.get("StartTime").asText()).isEqualTo(FROM);
    assertThat(r.get("EndTime").asText()).isEqualTo(TO);
    return rows(r);
  }

  static Kpis kpis() {
    return new Kpis(io.lakecast.warehouse.Warehouse.of(SparkTestSession.get()));
  }

  static List<String> direct(JsonNode response) {
    return rows(response);
  }

  /**
   * Each KPI's rows, computed straight from {@link Kpis} (the command adds only parsing and the audit row, which
   * the other tests cover) two at a time: the suite pays about a second of Spark jobs per KPI.
   */
  static Map<String, List<String>> computed(java.util.Set<String> names,
      java.util.function.Function<String, List<String>> compute) {
    Map<String, List<String>> out = new java.util.concurrent.ConcurrentHashMap<>();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      for (var f : pool.invokeAll(names.stream().<java.util.concurrent.Callable<Object>>map(n -> () -> {
        out.put(n, compute.apply(n));
        return null;
      }).toList())) {
        f.get();
      }
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      pool.shutdown();
    }
    return out;
  }

  @Test
  void campaignKpis() {
    Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
    // C1: attempted r1 4 (HOLDOUT not), r2 4; SUCCESS 3 + 4, one hard bounce in r1: delivered 6 of 8.
    expected.put("successful-delivery-rate", List.of("SuccessfulDeliveryRate=0.75 (Double)"));
    expected.put("successful-delivery-rate-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 SuccessfulDeliveryRate=0.5 (Double)",
        "CampaignActivityId=r2 SuccessfulDeliveryRate=1.0 (Double)"));
    expected.put("successful-delivery-rate-grouped-by-date", List.of(
        "Date=2026-11-30 SuccessfulDeliveryRate=0.5 (Double)", "Date=2026-12-01 SuccessfulDeliveryRate=1.0 (Double)"));
    expected.put("unique-deliveries", List.of("UniqueDeliveries=6 (Long)"));
    expected.put("attempted-deliveries-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 AttemptedDeliveries=4 (Long)", "CampaignActivityId=r2 AttemptedDeliveries=4 (Long)"));
    expected.put("successful-deliveries-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 SuccessfulDeliveries=2 (Long)", "CampaignActivityId=r2 SuccessfulDeliveries=4 (Long)"));
    // Email: delivered r1 2 - 1 bounce, r2 2; opened by e1 in r1 (twice) and in r2.
    expected.put("email-open-rate", List.of("EmailOpenRate=0.6666666666666666 (Double)"));
    expected.put("email-open-rate-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 EmailOpenRate=1.0 (Double)", "CampaignActivityId=r2 EmailOpenRate=0.5 (Double)"));
    expected.put("direct-email-opens-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 DirectEmailOpens=2 (Long)", "CampaignActivityId=r2 DirectEmailOpens=1 (Long)"));
    expected.put("clicks-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 Clicks=1 (Long)", "CampaignActivityId=r2 Clicks=0 (Long)"));
    expected.put("hard-bounce-rate", List.of("HardBounceRate=0.25 (Double)"));
    // Push: delivered e5 (GCM), e6 (APNS), e7 (GCM); opened by e5 and e6.
    expected.put("push-open-rate", List.of("PushOpenRate=0.6666666666666666 (Double)"));
    expected.put("direct-push-opens-grouped-by-campaign-activity", List.of(
        "CampaignActivityId=r1 DirectPushOpens=1 (Long)", "CampaignActivityId=r2 DirectPushOpens=1 (Long)"));
    expected.put("sms-spend", List.of("SmsSpend=0.0 (Double)"));
    Map<String, List<String>> actual = computed(expected.keySet(), kpi -> direct(PinpointJson.mapper().valueToTree(
        kpis().campaign(appId, "C1", kpi, FROM, TO, null, null))));
    expected.forEach((kpi, rows) -> assertThat(actual.get(kpi)).as(kpi).containsExactlyElementsOf(rows));
    assertThat(campaign("C2", "sms-spend")).containsExactly("SmsSpend=645.0 (Double)");
    assertThat(campaign("C2", "successful-delivery-rate")).as("QUIET_TIME is not attempted")
        .containsExactly("SuccessfulDeliveryRate=0.5 (Double)");
  }

  @Test
  void applicationKpis() {
    Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
    // Both campaigns: attempted 8 + 2, SUCCESS 7 + 1, one campaign hard bounce (the transactional one not).
    expected.put("successful-delivery-rate", List.of("SuccessfulDeliveryRate=0.7 (Double)"));
    expected.put("unique-deliveries-grouped-by-campaign", List.of(
        "CampaignId=C1 UniqueDeliveries=6 (Long)", "CampaignId=C2 UniqueDeliveries=1 (Long)"));
    expected.put("successful-deliveries-grouped-by-campaign", List.of(
        "CampaignId=C1 SuccessfulDeliveries=6 (Long)", "CampaignId=C2 SuccessfulDeliveries=1 (Long)"));
    expected.put("email-open-rate-grouped-by-campaign", List.of("CampaignId=C1 EmailOpenRate=0.6666666666666666 (Double)"));
    expected.put("unique-deliveries-grouped-by-date", List.of(
        "Date=2026-11-30 UniqueDeliveries=3 (Long)", "Date=2026-12-01 UniqueDeliveries=4 (Long)"));
    expected.put("push-open-rate", List.of("PushOpenRate=0.6666666666666666 (Double)"));
    // Transactional email: 3 sent, 1 hard bounce, 2 opens by one endpoint, 1 click, 1 complaint.
    expected.put("txn-emails-sent", List.of("TxnEmailsSent=3 (Long)"));
    // A day with events in the KPI's scope (here transactional SMS on 12-01) but none it counts has the value 0.
    expected.put("txn-emails-sent-grouped-by-date", List.of(
        "Date=2026-11-30 TxnEmailsSent=3 (Long)", "Date=2026-12-01 TxnEmailsSent=0 (Long)"));
    expected.put("txn-emails-delivered", List.of("TxnEmailsDelivered=2 (Long)"));
    expected.put("txn-emails-delivery-rate", List.of("TxnEmailsDeliveryRate=0.6666666666666666 (Double)"));
    expected.put("txn-emails-opened", List.of("TxnEmailsOpened=2 (Long)"));
    expected.put("txn-emails-unique-opens", List.of("TxnEmailsUniqueOpens=1 (Long)"));
    expected.put("txn-emails-clicked", List.of("TxnEmailsClicked=1 (Long)"));
    expected.put("txn-emails-unique-clicks", List.of("TxnEmailsUniqueClicks=1 (Long)"));
    expected.put("txn-emails-hard-bounced", List.of("TxnEmailsHardBounced=1 (Long)"));
    expected.put("txn-emails-soft-bounced", List.of("TxnEmailsSoftBounced=0 (Long)"));
    expected.put("txn-emails-with-complaints", List.of("TxnEmailsWithComplaints=1 (Long)"));
    expected.put("txn-emails-complaint-rate", List.of("TxnEmailsComplaintRate=0.3333333333333333 (Double)"));
    // Transactional SMS: m1 (US, 1 part) buffered then delivered, m2 (CA, 2 parts) failed UNREACHABLE.
    expected.put("txn-sms-sent", List.of("TxnSmsSent=2 (Long)"));
    expected.put("txn-sms-delivered", List.of("TxnSmsDelivered=1 (Long)"));
    expected.put("txn-sms-delivery-rate", List.of("TxnSmsDeliveryRate=0.5 (Double)"));
    expected.put("txn-sms-delivery-rate-grouped-by-date", List.of(
        "Date=2026-11-30 TxnSmsDeliveryRate=1.0 (Double)", "Date=2026-12-01 TxnSmsDeliveryRate=0.0 (Double)"));
    expected.put("txn-sms-sent-grouped-by-country", List.of(
        "CountryCode=CA TxnSmsSent=1 (Long)", "CountryCode=US TxnSmsSent=1 (Long)"));
    expected.put("txn-sms-delivered-grouped-by-country", List.of(
        "CountryCode=CA TxnSmsDelivered=0 (Long)", "CountryCode=US TxnSmsDelivered=1 (Long)"));
    expected.put("txn-sms-sent-by-parts", List.of("TxnSmsSentByParts=3 (Long)"));
    expected.put("txn-sms-delivered-by-parts", List.of("TxnSmsDeliveredByParts=1 (Long)"));
    expected.put("txn-sms-error-distribution", List.of("RecordStatus=UNREACHABLE TxnSmsErrorDistribution=1 (Long)"));
    expected.put("txn-sms-total-price-grouped-by-country", List.of(
        "CountryCode=CA TxnSmsTotalPrice=1290.0 (Double)", "CountryCode=US TxnSmsTotalPrice=645.0 (Double)"));
    expected.put("txn-sms-average-price-grouped-by-country", List.of(
        "CountryCode=CA TxnSmsAveragePrice=1290.0 (Double)", "CountryCode=US TxnSmsAveragePrice=645.0 (Double)"));
    expected.put("txn-sms-average-price-by-parts-grouped-by-country", List.of(
        "CountryCode=CA TxnSmsAveragePriceByParts=645.0 (Double)",
        "CountryCode=US TxnSmsAveragePriceByParts=645.0 (Double)"));
    // Lakecast's usage KPIs: sessions of e1 (both days) and e2 (12-01); purchases 4.99 x 2 and 10.
    expected.put("lakecast-sessions", List.of("LakecastSessions=3 (Long)"));
    expected.put("lakecast-sessions-grouped-by-date", List.of(
        "Date=2026-11-30 LakecastSessions=1 (Long)", "Date=2026-12-01 LakecastSessions=2 (Long)"));
    expected.put("lakecast-active-endpoints", List.of("LakecastActiveEndpoints=2 (Long)"));
    expected.put("lakecast-revenue", List.of("LakecastRevenue=19.98 (Double)"));
    expected.put("lakecast-paying-endpoints-grouped-by-date", List.of(
        "Date=2026-11-30 LakecastPayingEndpoints=0 (Long)", "Date=2026-12-01 LakecastPayingEndpoints=2 (Long)"));
    assertThat(application("successful-delivery-rate")).as("through the command")
        .containsExactlyElementsOf(expected.get("successful-delivery-rate"));
    Map<String, List<String>> actual = computed(expected.keySet(), kpi -> direct(PinpointJson.mapper().valueToTree(
        kpis().application(appId, kpi, FROM, TO, null, null))));
    expected.forEach((kpi, rows) -> assertThat(actual.get(kpi)).as(kpi).containsExactlyElementsOf(rows));
  }

  @Test
  void pagesUnknownNamesAndRangesAreHandledAsPinpointDoes() {
    JsonNode first = Cli.run("get-campaign-date-range-kpi", "--application-id", appId, "--campaign-id", "C1",
        "--kpi-name", "unique-deliveries-grouped-by-campaign-activity", "--start-time", FROM, "--end-time", TO,
        "--page-size", "1").ok().get("CampaignDateRangeKpiResponse");
    assertThat(rows(first)).containsExactly("CampaignActivityId=r1 UniqueDeliveries=3 (Long)");
    JsonNode second = Cli.run("get-campaign-date-range-kpi", "--application-id", appId, "--campaign-id", "C1",
        "--kpi-name", "unique-deliveries-grouped-by-campaign-activity", "--start-time", FROM, "--end-time", TO,
        "--page-size", "1", "--next-token", first.get("NextToken").asText()).ok().get("CampaignDateRangeKpiResponse");
    assertThat(rows(second)).containsExactly("CampaignActivityId=r2 UniqueDeliveries=4 (Long)");
    assertThat(second.has("NextToken")).isFalse();

    Run unknown = Cli.run("get-application-date-range-kpi", "--application-id", appId, "--kpi-name", "open-rate");
    assertThat(unknown.exitCode()).isNotZero();
    assertThat(unknown.err()).contains("BadRequestException: Invalid value 'open-rate' for --kpi-name: expected one"
        + " of: successful-delivery-rate, successful-delivery-rate-grouped-by-date, unique-deliveries,");
    Run txnForCampaign = Cli.run("get-campaign-date-range-kpi", "--application-id", appId, "--campaign-id", "C1",
        "--kpi-name", "txn-emails-sent");
    assertThat(txnForCampaign.err()).contains("Invalid value 'txn-emails-sent' for --kpi-name");
    Run tooLong = Cli.run("get-application-date-range-kpi", "--application-id", appId, "--kpi-name",
        "lakecast-sessions", "--start-time", "2026-10-01T00:00:00Z", "--end-time", TO);
    assertThat(tooLong.err()).contains("expected at most 31 days after --start-time");
    JsonNode empty = Cli.run("get-application-date-range-kpi", "--application-id", appId, "--kpi-name",
        "txn-emails-delivery-rate", "--start-time", "2026-11-01T00:00:00Z", "--end-time", "2026-11-02T00:00:00Z")
        .ok().get("ApplicationDateRangeKpiResponse");
    assertThat(empty.at("/KpiResult/Rows")).as("no data: no rows").isEmpty();
  }
}
