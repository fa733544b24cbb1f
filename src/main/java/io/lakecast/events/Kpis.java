package io.lakecast.events;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lakecast.LakecastErrors;
import io.lakecast.model.EventShapes.ApplicationDateRangeKpiResponse;
import io.lakecast.model.EventShapes.BaseKpiResult;
import io.lakecast.model.EventShapes.CampaignDateRangeKpiResponse;
import io.lakecast.model.EventShapes.ResultRow;
import io.lakecast.model.EventShapes.ResultRowValue;
import io.lakecast.model.Ids;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * get-application-date-range-kpi and get-campaign-date-range-kpi: Pinpoint's KPIs computed from the event store,
 * every documented name the stored events can feed, plus usage KPIs under names marked as Lakecast's
 * ({@code lakecast-…}; Pinpoint showed these only in its console).
 *
 * <p>Definitions ({@code reference/pinpoint-events.md} §3–4), over events whose {@code event_timestamp} lies in the
 * inclusive range:
 * <ul>
 *   <li>attempted deliveries: {@code _campaign.send} with a send status that tried the channel (SUCCESS and the
 *       failures), not HOLDOUT, QUIET_TIME, caps, EXPIRED or duplicates;
 *   <li>successful deliveries: SUCCESS sends minus the campaign's {@code _email.hardbounce} events; the delivery rate
 *       is successful ÷ attempted; unique deliveries count endpoints with a SUCCESS send;
 *   <li>email (push) open rate: endpoints with an {@code _email.open} ({@code _campaign.opened_notification}) per
 *       campaign run ÷ SUCCESS sends on that channel; hard-bounce rate: hard bounces ÷ SUCCESS email sends;
 *   <li>transactional email and SMS: {@code _email.*} and {@code _SMS.*} events without a campaign or journey id;
 *       an SMS message counts once (its {@code message_id}), delivered when it has {@code _SMS.SUCCESS};
 *   <li>Lakecast's usage KPIs: sessions ({@code _session.start}), active endpoints (endpoints with one), revenue
 *       (Σ {@code _item_price} × {@code _quantity}, quantity 1 when absent, of {@code _monetization.purchase}).
 * </ul>
 * A rate with nothing to divide by has no row. {@code …-grouped-by-date} groups by the UTC day of the event.
 */
public final class Kpis {
  /** Pinpoint's widest range. */
  public static final Duration MAX_RANGE = Duration.ofDays(31);
  public static final int DEFAULT_PAGE_SIZE = 100;
  public static final int MAX_PAGE_SIZE = 1000;

  private static final List<String> ATTEMPTED = List.of("SUCCESS", "FAILURE", "FAILURE_PERMANENT",
      "TRANSIENT_FAILURE", "THROTTLED", "UNKNOWN", "CUSTOM_DELIVERY_FAILURE");
  private static final List<String> PUSH = List.of("GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX",
      "ADM", "BAIDU", "PUSH");

  private enum Scope { APPLICATION, CAMPAIGN, BOTH }

  /** One KPI: its friendly value name and type, an optional grouping (field name and column), and its value. */
  private record Kpi(Scope scope, String key, String type, String groupKey, Column group, Column value) {}

  private static final Map<String, Kpi> KPIS = new LinkedHashMap<>();

  private static Column type(String t) {
    return col("event_type").equalTo(t);
  }

  private static Column attr(String name) {
    return col("attributes").getItem(name);
  }

  private static Column counted(Column when) {
    return count(when(when, lit(1)));
  }

  private static Column endpoints(Column when) {
    return countDistinct(when(when, col("client.client_id")));
  }

  private static Column ratio(Column numerator, Column denominator) {
    return when(denominator.gt(0), numerator.cast("double").divide(denominator));
  }

  private static final Column SEND = type("_campaign.send");
  private static final Column SUCCESS = SEND.and(attr("campaign_send_status").equalTo("SUCCESS"));
  private static final Column HARD_BOUNCE = type("_email.hardbounce");
  private static final Column OF_A_CAMPAIGN = attr("campaign_id").isNotNull();
  private static final Column CAMPAIGN_HARD_BOUNCE = HARD_BOUNCE.and(OF_A_CAMPAIGN);
  private static final Column ATTEMPTED_COUNT = counted(SEND.and(attr("campaign_send_status").isin(ATTEMPTED.toArray())));
  private static final Column DELIVERED = counted(SUCCESS).minus(counted(CAMPAIGN_HARD_BOUNCE));
  private static final Column EMAIL_DELIVERED =
      counted(SUCCESS.and(attr("delivery_type").equalTo("EMAIL"))).minus(counted(CAMPAIGN_HARD_BOUNCE));
  private static final Column PUSH_DELIVERED = counted(SUCCESS.and(attr("delivery_type").isin(PUSH.toArray())));
  private static final Column RUN_ENDPOINT =
      org.apache.spark.sql.functions.concat_ws("\u0001", col("client.client_id"), attr("campaign_activity_id"));
  private static final Column EMAIL_OPENS =
      countDistinct(when(type("_email.open").and(OF_A_CAMPAIGN), RUN_ENDPOINT));
  private static final Column PUSH_OPENS =
      countDistinct(when(type("_campaign.opened_notification").and(OF_A_CAMPAIGN), RUN_ENDPOINT));

  private static final Column DAY = col("event_date");
  private static final Column CAMPAIGN = attr("campaign_id");
  private static final Column ACTIVITY = attr("campaign_activity_id");

  private static void add(String name, Scope scope, String type, Column value) {
    String base = name.replaceAll("-grouped-by-.*", "");
    StringBuilder key = new StringBuilder();
    for (String part : base.split("-")) {
      key.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
    }
    String groupKey = null;
    Column group = null;
    if (name.endsWith("-grouped-by-date")) {
      groupKey = "Date";
      group = DAY;
    } else if (name.endsWith("-grouped-by-campaign")) {
      groupKey = "CampaignId";
      group = CAMPAIGN;
    } else if (name.endsWith("-grouped-by-campaign-activity")) {
      groupKey = "CampaignActivityId";
      group = ACTIVITY;
    } else if (name.endsWith("-grouped-by-country")) {
      groupKey = "CountryCode";
      group = attr("iso_country_code");
    } else if (name.equals("txn-sms-error-distribution")) {
      groupKey = "RecordStatus";
      group = when(type("_SMS.FAILURE"), attr("record_status"));
    }
    KPIS.put(name, new Kpi(scope, key.toString(), type, groupKey, group, value));
  }

  static {
    // Campaign KPIs (of one campaign, or of the application's campaigns).
    add("successful-delivery-rate", Scope.BOTH, "Double", ratio(DELIVERED, ATTEMPTED_COUNT));
    add("successful-delivery-rate-grouped-by-date", Scope.BOTH, "Double", ratio(DELIVERED, ATTEMPTED_COUNT));
    add("successful-delivery-rate-grouped-by-campaign-activity", Scope.CAMPAIGN, "Double",
        ratio(DELIVERED, ATTEMPTED_COUNT));
    add("unique-deliveries", Scope.BOTH, "Long", endpoints(SUCCESS));
    add("unique-deliveries-grouped-by-date", Scope.BOTH, "Long", endpoints(SUCCESS));
    add("unique-deliveries-grouped-by-campaign", Scope.APPLICATION, "Long", endpoints(SUCCESS));
    add("unique-deliveries-grouped-by-campaign-activity", Scope.CAMPAIGN, "Long", endpoints(SUCCESS));
    add("successful-deliveries-grouped-by-campaign", Scope.APPLICATION, "Long", DELIVERED);
    add("successful-deliveries-grouped-by-campaign-activity", Scope.CAMPAIGN, "Long", DELIVERED);
    add("attempted-deliveries-grouped-by-campaign-activity", Scope.CAMPAIGN, "Long", ATTEMPTED_COUNT);
    add("email-open-rate", Scope.BOTH, "Double", ratio(EMAIL_OPENS, EMAIL_DELIVERED));
    add("email-open-rate-grouped-by-campaign", Scope.APPLICATION, "Double", ratio(EMAIL_OPENS, EMAIL_DELIVERED));
    add("email-open-rate-grouped-by-campaign-activity", Scope.CAMPAIGN, "Double",
        ratio(EMAIL_OPENS, EMAIL_DELIVERED));
    add("direct-email-opens-grouped-by-campaign-activity", Scope.CAMPAIGN, "Long", counted(type("_email.open")));
    add("clicks-grouped-by-campaign-activity", Scope.CAMPAIGN, "Long", counted(type("_email.click")));
    add("hard-bounce-rate", Scope.CAMPAIGN, "Double",
        ratio(counted(CAMPAIGN_HARD_BOUNCE), counted(SUCCESS.and(attr("delivery_type").equalTo("EMAIL")))));
    add("hard-bounce-rate-grouped-by-campaign-activity", Scope.CAMPAIGN, "Double",
        ratio(counted(CAMPAIGN_HARD_BOUNCE), counted(SUCCESS.and(attr("delivery_type").equalTo("EMAIL")))));
    add("push-open-rate", Scope.BOTH, "Double", ratio(PUSH_OPENS, PUSH_DELIVERED));
    add("push-open-rate-grouped-by-campaign", Scope.APPLICATION, "Double", ratio(PUSH_OPENS, PUSH_DELIVERED));
    add("push-open-rate-grouped-by-campaign-activity", Scope.CAMPAIGN, "Double", ratio(PUSH_OPENS, PUSH_DELIVERED));
    add("direct-push-opens-grouped-by-campaign-activity", Scope.CAMPAIGN, "Long",
        counted(type("_campaign.opened_notification")));
    add("sms-spend", Scope.CAMPAIGN, "Double",
        coalesce(sum(when(col("event_type").startsWith("_SMS."), col("metrics.price_in_millicents_usd"))), lit(0.0)));

    // Transactional email (events of no campaign or journey).
    Column sent = counted(type("_email.send"));
    Column delivered = sent.minus(counted(type("_email.softbounce"))).minus(counted(HARD_BOUNCE))
        .minus(counted(type("_email.rejected")));
    Map<String, Column> email = new LinkedHashMap<>();
    email.put("txn-emails-sent", sent);
    email.put("txn-emails-delivered", delivered);
    email.put("txn-emails-delivery-rate", ratio(delivered, sent));
    email.put("txn-emails-opened", counted(type("_email.open")));
    email.put("txn-emails-unique-opens", endpoints(type("_email.open")));
    email.put("txn-emails-clicked", counted(type("_email.click")));
    email.put("txn-emails-unique-clicks", endpoints(type("_email.click")));
    email.put("txn-emails-hard-bounced", counted(HARD_BOUNCE));
    email.put("txn-emails-soft-bounced", counted(type("_email.softbounce")));
    email.put("txn-emails-with-complaints", counted(type("_email.complaint")));
    email.put("txn-emails-complaint-rate", ratio(counted(type("_email.complaint")), sent));
    email.forEach((name, value) -> {
      String t = name.endsWith("-rate") ? "Double" : "Long";
      add(name, Scope.APPLICATION, t, value);
      add(name + "-grouped-by-date", Scope.APPLICATION, t, value);
    });

    // Transactional SMS: one message per message_id (the event id when a record has none).
    Column sms = col("event_type").startsWith("_SMS.");
    Column message = coalesce(attr("message_id"), col("event_id"));
    Column smsSent = countDistinct(when(sms, message));
    Column smsDelivered = countDistinct(when(type("_SMS.SUCCESS"), message));
    Column parts = coalesce(attr("number_of_message_parts").cast("long"), lit(1L));
    Column final_ = type("_SMS.SUCCESS").or(type("_SMS.FAILURE"));
    Column price = col("metrics.price_in_millicents_usd");
    add("txn-sms-sent", Scope.APPLICATION, "Long", smsSent);
    add("txn-sms-sent-grouped-by-date", Scope.APPLICATION, "Long", smsSent);
    add("txn-sms-sent-grouped-by-country", Scope.APPLICATION, "Long", smsSent);
    add("txn-sms-delivered", Scope.APPLICATION, "Long", smsDelivered);
    add("txn-sms-delivered-grouped-by-date", Scope.APPLICATION, "Long", smsDelivered);
    add("txn-sms-delivered-grouped-by-country", Scope.APPLICATION, "Long", smsDelivered);
    add("txn-sms-delivery-rate", Scope.APPLICATION, "Double", ratio(smsDelivered, smsSent));
    add("txn-sms-delivery-rate-grouped-by-date", Scope.APPLICATION, "Double", ratio(smsDelivered, smsSent));
    add("txn-sms-sent-by-parts", Scope.APPLICATION, "Long", coalesce(sum(when(final_, parts)), lit(0L)));
    add("txn-sms-sent-by-parts-grouped-by-country", Scope.APPLICATION, "Long",
        coalesce(sum(when(final_, parts)), lit(0L)));
    add("txn-sms-delivered-by-parts", Scope.APPLICATION, "Long",
        coalesce(sum(when(type("_SMS.SUCCESS"), parts)), lit(0L)));
    add("txn-sms-delivered-by-parts-grouped-by-country", Scope.APPLICATION, "Long",
        coalesce(sum(when(type("_SMS.SUCCESS"), parts)), lit(0L)));
    add("txn-sms-error-distribution", Scope.APPLICATION, "Long", counted(type("_SMS.FAILURE")));
    add("txn-sms-total-price-grouped-by-country", Scope.APPLICATION, "Double",
        coalesce(sum(when(sms, price)), lit(0.0)));
    add("txn-sms-average-price-grouped-by-country", Scope.APPLICATION, "Double",
        ratio(coalesce(sum(when(sms, price)), lit(0.0)), smsSent));
    add("txn-sms-average-price-by-parts-grouped-by-country", Scope.APPLICATION, "Double",
        ratio(coalesce(sum(when(sms, price)), lit(0.0)), coalesce(sum(when(final_, parts)), lit(0L))));

    // Lakecast's usage KPIs.
    Column revenue = coalesce(sum(when(type("_monetization.purchase"),
        coalesce(col("custom_metrics").getItem("_item_price"), lit(0.0))
            .multiply(coalesce(col("custom_metrics").getItem("_quantity"), lit(1.0))))), lit(0.0));
    add("lakecast-sessions", Scope.APPLICATION, "Long", counted(type("_session.start")));
    add("lakecast-sessions-grouped-by-date", Scope.APPLICATION, "Long", counted(type("_session.start")));
    add("lakecast-active-endpoints", Scope.APPLICATION, "Long", endpoints(type("_session.start")));
    add("lakecast-active-endpoints-grouped-by-date", Scope.APPLICATION, "Long", endpoints(type("_session.start")));
    add("lakecast-revenue", Scope.APPLICATION, "Double", revenue);
    add("lakecast-revenue-grouped-by-date", Scope.APPLICATION, "Double", revenue);
    add("lakecast-paying-endpoints-grouped-by-date", Scope.APPLICATION, "Long",
        endpoints(type("_monetization.purchase")));
  }

  private final Warehouse warehouse;

  public Kpis(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** The KPI names offered for an application ({@code campaign} false) or a campaign. */
  public static List<String> names(boolean campaign) {
    List<String> out = new ArrayList<>();
    KPIS.forEach((name, k) -> {
      if (k.scope() == Scope.BOTH || (k.scope() == Scope.CAMPAIGN) == campaign) {
        out.add(name);
      }
    });
    return out;
  }

  /** A page of a KPI's rows and the token of the next page (null on the last). */
  private record Page(List<ResultRow> rows, String nextToken) {}

  /** The range as asked, defaults applied and checked: [start, end], inclusive. */
  private record Range(Instant start, Instant end) {
    static Range of(String start, String end) {
      Instant e = end == null ? Instant.now() : instant("--end-time", end);
      Instant s = start == null ? e.minus(MAX_RANGE) : instant("--start-time", start);
      if (s.isAfter(e)) {
        throw LakecastErrors.invalidOption("--start-time", start, "a time before --end-time (" + Ids.iso(e) + ")");
      }
      if (Duration.between(s, e).compareTo(MAX_RANGE) > 0) {
        throw LakecastErrors.invalidOption("--end-time", end, "at most 31 days after --start-time (Pinpoint's"
            + " widest range); ask for each month separately");
      }
      return new Range(s, e);
    }

    private static Instant instant(String option, String value) {
      try {
        return java.time.OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException e) {
        throw LakecastErrors.invalidOption(option, value, "an ISO 8601 date-time in UTC, e.g. 2026-11-30T00:00:00Z");
      }
    }
  }

  /** get-application-date-range-kpi. */
  public ApplicationDateRangeKpiResponse application(String applicationId, String kpiName, String startTime,
      String endTime, Integer pageSize, String nextToken) {
    new AppCatalog(warehouse).require(applicationId);
    Kpi kpi = kpi(kpiName, false);
    Range range = Range.of(startTime, endTime);
    Column scope = kpiName.startsWith("txn-")
        ? attr("campaign_id").isNull().and(attr("journey_id").isNull()) : lit(true);
    Page page = compute(applicationId, kpi, range, scope, pageSize, nextToken);
    return new ApplicationDateRangeKpiResponse(applicationId, Ids.iso(range.end()), kpiName,
        new BaseKpiResult(page.rows()), page.nextToken(), Ids.iso(range.start()));
  }

  /** get-campaign-date-range-kpi. */
  public CampaignDateRangeKpiResponse campaign(String applicationId, String campaignId, String kpiName,
      String startTime, String endTime, Integer pageSize, String nextToken) {
    new AppCatalog(warehouse).require(applicationId);
    Kpi kpi = kpi(kpiName, true);
    Range range = Range.of(startTime, endTime);
    Page page = compute(applicationId, kpi, range, attr("campaign_id").equalTo(campaignId), pageSize, nextToken);
    return new CampaignDateRangeKpiResponse(applicationId, campaignId, Ids.iso(range.end()), kpiName,
        new BaseKpiResult(page.rows()), page.nextToken(), Ids.iso(range.start()));
  }

  private static Kpi kpi(String name, boolean campaign) {
    List<String> valid = names(campaign);
    if (name == null || !valid.contains(name.toLowerCase(Locale.ROOT))) {
      throw LakecastErrors.invalidOption("--kpi-name", String.valueOf(name), "one of: " + String.join(", ", valid));
    }
    return KPIS.get(name.toLowerCase(Locale.ROOT));
  }

  private Page compute(String applicationId, Kpi kpi, Range range, Column scope, Integer pageSize, String token) {
    int size = pageSize == null ? DEFAULT_PAGE_SIZE : pageSize;
    if (size < 1 || size > MAX_PAGE_SIZE) {
      throw LakecastErrors.invalidOption("--page-size", String.valueOf(pageSize), "1 to " + MAX_PAGE_SIZE);
    }
    int offset = 0;
    if (token != null) {
      try {
        offset = Integer.parseInt(token);
      } catch (NumberFormatException e) {
        offset = -1;
      }
      if (offset < 0) {
        throw LakecastErrors.invalidOption("--next-token", token, "the NextToken of the previous page");
      }
    }
    if (!warehouse.exists(warehouse.path(Table.EVENTS))) {
      return new Page(List.of(), null);
    }
    long from = range.start().toEpochMilli();
    long to = range.end().toEpochMilli();
    Dataset<Row> events = warehouse.read(Table.EVENTS)
        .filter(col("app_id").equalTo(applicationId)
            .and(col("event_date").between(Ids.iso(range.start()).substring(0, 10), Ids.iso(range.end()).substring(0, 10)))
            .and(col("event_timestamp").between(from, to))
            .and(scope));
    List<Row> rows = kpi.group() == null
        ? events.agg(kpi.value().as("v")).collectAsList()
        : events.filter(kpi.group().isNotNull()).groupBy(kpi.group().as("g")).agg(kpi.value().as("v"))
            .orderBy(col("g")).collectAsList();
    List<ResultRow> out = new ArrayList<>();
    for (Row r : rows) {
      Object v = r.get(r.fieldIndex("v"));
      if (v == null) {
        continue;
      }
      List<ResultRowValue> values = List.of(new ResultRowValue(kpi.key(), kpi.type(), format(v)));
      List<ResultRowValue> groups = kpi.group() == null ? null
          : List.of(new ResultRowValue(kpi.groupKey(), "String", r.getString(r.fieldIndex("g"))));
      out.add(new ResultRow(groups, values));
    }
    int end = Math.min(out.size(), offset + size);
    List<ResultRow> page = offset >= out.size() ? List.of() : out.subList(offset, end);
    return new Page(page, end < out.size() ? Integer.toString(end) : null);
  }

  private static String format(Object v) {
    return String.valueOf(v);
  }
}
