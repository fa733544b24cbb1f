package io.lakecast.events;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;

import io.lakecast.warehouse.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Builds {@code _campaign.send} event-stream records (Pinpoint's field names, event_version 3.1) from send
 * outcomes. Pure transform: the job appends the result to the Parquet event store.
 */
public final class CampaignEvents {
  private CampaignEvents() {}

  public static final String CAMPAIGN_SEND = "_campaign.send";

  /**
   * One event per outcome row. Input columns: MessageId (the event's id), EndpointId, ActivityId, TreatmentId,
   * ChannelType, Status (SENT, FAILED or HOLDOUT), Reason, SentAt (Unix ms), EndpointJson. {@code storedAt} (Unix ms,
   * taken just before the append) is every event's {@code arrival_timestamp}: the event stream's watermark follows
   * arrival, so events must arrive in the store in the order of their arrival times.
   */
  public static Dataset<Row> sendEvents(
      Dataset<Row> outcomes, String applicationId, String campaignId, String accountId, long storedAt) {
    Column status =
        when(col("Status").equalTo("SENT"), lit("SUCCESS"))
            .when(col("Status").equalTo("HOLDOUT"), lit("HOLDOUT"))
            .when(col("Reason").equalTo("UNSUPPORTED_CHANNEL"), lit("UNSUPPORTED_CHANNEL"))
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

  /** The columns of the event store, in order (for callers that append). */
  public static String[] columns() {
    return Table.EVENTS.schema().fieldNames();
  }
}
