package io.lakecast.events;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;

import io.lakecast.warehouse.Table;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds a campaign run's event-stream records (Pinpoint's field names, event_version 3.1) from its send outcomes:
 * {@code _campaign.send} for every outcome, and the channel's own events for messages a provider took or refused
 * ({@code _email.send}, {@code _SMS.BUFFERED}, {@code _SMS.FAILURE}). Pure transform: the job appends the result to
 * the Parquet event store.
 */
public final class CampaignEvents {
  private CampaignEvents() {}

  public static final String CAMPAIGN_SEND = "_campaign.send";
  public static final String EMAIL_SEND = "_email.send";
  public static final String SMS_BUFFERED = "_SMS.BUFFERED";
  public static final String SMS_FAILURE = "_SMS.FAILURE";
  /** The optional outcome column of attributes a channel event adds (a direct send's {@code Context}). */
  public static final String CONTEXT = "Context";

  /** Every event type a campaign run writes. */
  public static final List<String> RUN_EVENT_TYPES = List.of(CAMPAIGN_SEND, EMAIL_SEND, SMS_BUFFERED, SMS_FAILURE);

  /**
   * One event per outcome row. Input columns: MessageId (the event's id), EndpointId, ActivityId, TreatmentId,
   * ChannelType, Status (SENT, FAILED or HOLDOUT), Reason, DeliveryStatus, SentAt (Unix ms), EndpointJson.
   * {@code campaign_send_status} follows the outcome: SUCCESS, HOLDOUT, UNSUPPORTED_CHANNEL, EXPIRED (not sent within
   * the campaign's MaximumDuration), CUSTOM_DELIVERY_FAILURE, then by delivery status THROTTLED, TRANSIENT_FAILURE
   * (TEMPORARY_FAILURE), FAILURE_PERMANENT (a provider's or Lakecast's refusal), UNKNOWN; FAILURE for the rest (an
   * opted-out recipient). {@code storedAt} (Unix ms,
   * taken just before the append) is every event's {@code arrival_timestamp}: the event stream's watermark follows
   * arrival, so events must arrive in the store in the order of their arrival times.
   */
  public static Dataset<Row> sendEvents(
      Dataset<Row> outcomes, String applicationId, String campaignId, String accountId, long storedAt) {
    Column status =
        when(col("Status").equalTo("SENT"), lit("SUCCESS"))
            .when(col("Status").equalTo("HOLDOUT"), lit("HOLDOUT"))
            .when(col("Reason").equalTo("UNSUPPORTED_CHANNEL"), lit("UNSUPPORTED_CHANNEL"))
            .when(col("Reason").equalTo("MAXIMUM_DURATION_EXCEEDED"), lit("EXPIRED"))
            .when(col("Reason").startsWith("CUSTOM_DELIVERY"), lit("CUSTOM_DELIVERY_FAILURE"))
            .when(col("DeliveryStatus").equalTo("THROTTLED"), lit("THROTTLED"))
            .when(col("DeliveryStatus").equalTo("TEMPORARY_FAILURE"), lit("TRANSIENT_FAILURE"))
            .when(col("DeliveryStatus").equalTo("PERMANENT_FAILURE"), lit("FAILURE_PERMANENT"))
            .when(col("DeliveryStatus").equalTo("UNKNOWN_FAILURE"), lit("UNKNOWN"))
            .otherwise(lit("FAILURE"));
    Column emptyMap = map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    return outcomes.select(
        lit(CAMPAIGN_SEND).as("event_type"),
        col("SentAt").as("event_timestamp"),
        lit(storedAt).as("arrival_timestamp"),
        lit("3.1").as("event_version"),
        struct(lit(applicationId).as("app_id"), emptyMap.as("sdk")).as("application"),
        struct(col("EndpointId").as("client_id"), lit(null).cast("string").as("cognito_id")).as("client"),
        struct(emptyMap.as("platform")).as("device"),
        emptyMap.as("session"),
        map(
                lit("treatment_id"), col("TreatmentId"),
                lit("campaign_activity_id"), col("ActivityId"),
                lit("delivery_type"), col("ChannelType"),
                lit("campaign_id"), lit(campaignId),
                lit("campaign_send_status"), status)
            .as("attributes"),
        struct(map(lit("endpoint"), col("EndpointJson")).as("custom")).as("client_context"),
        lit(accountId).as("awsaccountid"),
        lit(null).cast(Table.EVENTS.schema().apply("facets").dataType()).as("facets"),
        struct(lit(null).cast("double").as("price_in_millicents_usd")).as("metrics"),
        lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)).as("app_details"),
        lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)).as("custom_metrics"),
        col("MessageId").as("event_id"),
        lit(applicationId).as("app_id"),
        date_format(timestamp_millis(col("SentAt")), "yyyy-MM-dd").as("event_date"));
  }

  /**
   * The events of a run: {@link #sendEvents} and {@link #channelEvents}, whose outcome columns they take (with
   * Address).
   */
  public static Dataset<Row> runEvents(Dataset<Row> outcomes, Set<String> providerChannels, String applicationId,
      String campaignId, String accountId, long storedAt) {
    Dataset<Row> sends = sendEvents(outcomes, applicationId, campaignId, accountId, storedAt);
    if (providerChannels.isEmpty()) {
      return sends;
    }
    return sends.unionByName(channelEvents(outcomes, providerChannels, applicationId, campaignId, accountId,
        storedAt));
  }

  /**
   * The channel events of the outcomes of {@code providerChannels}, the channels a provider sends (the outbox is no
   * provider: its messages have none). As Pinpoint records what the provider answered at send time:
   *
   * <ul>
   *   <li>EMAIL taken by the provider: {@code _email.send}, with {@code facets.email_channel.mail_event.mail}
   *       ({@code message_id} the MessageId, {@code message_send_timestamp}, {@code destination} and
   *       {@code common_headers.to} the address) and an empty {@code send}; an email the provider refused has only its
   *       {@code _campaign.send} FAILURE, as in Pinpoint, where SES never took it;
   *   <li>SMS taken: {@code _SMS.BUFFERED} with {@code record_status} {@code SUCCESSFUL} (the carrier's receipt, which
   *       makes it {@code _SMS.SUCCESS}, comes later from the provider's event destination, through an events
   *       import: {@link ProviderFeedback}); refused:
   *       {@code _SMS.FAILURE} with {@code record_status} {@code OPTED_OUT} when the provider said the number opted
   *       out, {@code INVALID} for another refusal, {@code UNREACHABLE} when every attempt failed.
   * </ul>
   *
   * Attributes carry {@code campaign_id}, {@code campaign_activity_id} and {@code treatment_id}; SMS events add
   * {@code message_id} and {@code destination_phone_number}. Each event's id is the MessageId and its type, so a
   * re-run finds the ones it wrote. When the outcomes have a {@value #CONTEXT} column (a direct send's
   * {@code Context}), its entries are added to the attributes, as Pinpoint adds them to delivery events; they never
   * replace one of the attributes above.
   */
  public static Dataset<Row> channelEvents(Dataset<Row> outcomes, Set<String> providerChannels, String applicationId,
      String campaignId, String accountId, long storedAt) {
    Column email = col("ChannelType").equalTo("EMAIL");
    Column sms = col("ChannelType").equalTo("SMS");
    Column sent = col("Status").equalTo("SENT");
    Column type = when(email, lit(EMAIL_SEND)).when(sent, lit(SMS_BUFFERED)).otherwise(lit(SMS_FAILURE));
    Column recordStatus =
        when(sent, lit("SUCCESSFUL"))
            .when(col("DeliveryStatus").equalTo("OPT_OUT"), lit("OPTED_OUT"))
            .when(col("DeliveryStatus").equalTo("PERMANENT_FAILURE"), lit("INVALID"))
            .otherwise(lit("UNREACHABLE"));
    Column emptyMap = map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    Column none = lit(null).cast("string");
    Column attributes = map_filter(map(
            lit("treatment_id"), col("TreatmentId"),
            lit("campaign_activity_id"), col("ActivityId"),
            lit("campaign_id"), lit(campaignId),
            lit("message_id"), when(sms, col("MessageId")),
            lit("destination_phone_number"), when(sms, col("Address")),
            lit("record_status"), when(sms, recordStatus)),
        (k, v) -> v.isNotNull());
    if (java.util.Arrays.asList(outcomes.columns()).contains(CONTEXT)) {
      Column own = attributes;
      attributes = map_concat(map_filter(coalesce(col(CONTEXT), emptyMap),
          (k, v) -> not(array_contains(map_keys(own), k))), own);
    }
    Column mail = struct(col("MessageId").as("message_id"), col("SentAt").as("message_send_timestamp"),
        none.as("from_address"), array(col("Address")).as("destination"), lit(false).as("headers_truncated"),
        lit(null).as("headers"),
        struct(none.as("from"), array(col("Address")).as("to"), none.as("subject")).as("common_headers"));
    DataType facetsType = Table.EVENTS.schema().apply("facets").dataType();
    Column mailEvent = struct(mail.as("mail"), emptyMap.as("send"), lit(null).as("delivery"), lit(null).as("open"),
        lit(null).as("click"), lit(null).as("reject"), lit(null).as("complaint"), lit(null).as("bounce"));
    Column facets = when(email, struct(struct(mailEvent.as("mail_event")).as("email_channel"))).cast(facetsType);
    return outcomes
        .filter(col("ChannelType").isin(providerChannels.toArray()).and(email.and(sent).or(sms))
            .and(col("Status").isin("SENT", "FAILED")))
        .select(
            type.as("event_type"),
            col("SentAt").as("event_timestamp"),
            lit(storedAt).as("arrival_timestamp"),
            lit("3.1").as("event_version"),
            struct(lit(applicationId).as("app_id"), emptyMap.as("sdk")).as("application"),
            struct(col("EndpointId").as("client_id"), none.as("cognito_id")).as("client"),
            struct(emptyMap.as("platform")).as("device"),
            emptyMap.as("session"),
            attributes.as("attributes"),
            struct(map(lit("endpoint"), col("EndpointJson")).as("custom")).as("client_context"),
            lit(accountId).as("awsaccountid"),
            facets.as("facets"),
            struct(lit(null).cast("double").as("price_in_millicents_usd")).as("metrics"),
            lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType)).as("app_details"),
            lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType)).as("custom_metrics"),
            concat(col("MessageId"), lit(":"), type).as("event_id"),
            lit(applicationId).as("app_id"),
            date_format(timestamp_millis(col("SentAt")), "yyyy-MM-dd").as("event_date"));
  }

  /** The columns of the event store, in order (for callers that append). */
  public static String[] columns() {
    return Table.EVENTS.schema().fieldNames();
  }
}
