package io.lakecast.events;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Event-store rows as the JSON records Pinpoint streamed to Kinesis and Firehose
 * ({@code reference/pinpoint-events.md} §1): the store's lower-case {@code awsaccountid} becomes {@code awsAccountId},
 * an app event's application details and metrics come back from Lakecast's columns, session times are numbers again,
 * and absent members are left out. Each record also carries {@code event_id} (Lakecast's), so that a consumer can
 * drop the records a resumed stream delivers twice. Pure.
 */
public final class StreamRecords {
  private StreamRecords() {}

  /**
   * The store rows as {@code (arrival_timestamp, client_id, event_id, partition_key, record)}: the position of each
   * event in the stream's order, the Kinesis partition key (the endpoint id, else the event id) and the JSON record.
   */
  public static Dataset<Row> records(Dataset<Row> events) {
    Column emptyStrings = map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    Column emptyNumbers = map().cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType));
    Column details = col("app_details");
    Column price = col("metrics.price_in_millicents_usd");
    Column metrics = map_concat(coalesce(col("custom_metrics"), emptyNumbers),
        when(price.isNotNull(), map(lit("price_in_millicents_usd"), price)).otherwise(emptyNumbers));
    Column session = col("session");
    Column record = struct(
        col("event_type"), col("event_timestamp"), col("arrival_timestamp"), col("event_version"),
        struct(col("application.app_id").as("app_id"),
            details.getItem("cognito_identity_pool_id").as("cognito_identity_pool_id"),
            details.getItem("package_name").as("package_name"),
            coalesce(col("application.sdk"), emptyStrings).as("sdk"),
            details.getItem("title").as("title"),
            details.getItem("version_code").as("version_code")).as("application"),
        col("client"),
        struct(coalesce(col("device.platform"), emptyStrings).as("platform")).as("device"),
        struct(session.getItem("session_id").as("session_id"),
            session.getItem("start_timestamp").cast("long").as("start_timestamp"),
            session.getItem("stop_timestamp").cast("long").as("stop_timestamp"),
            session.getItem("duration").cast("long").as("duration")).as("session"),
        coalesce(col("attributes"), emptyStrings).as("attributes"),
        metrics.as("metrics"),
        col("client_context"),
        col("awsaccountid").as("awsAccountId"),
        col("facets"),
        col("event_id"));
    Column clientId = coalesce(col("client.client_id"), lit(""));
    return events.select(
        col("arrival_timestamp"), clientId.as("client_id"), col("event_id"),
        when(clientId.equalTo(""), col("event_id")).otherwise(clientId).as("partition_key"),
        to_json(record).as("record"));
  }

  /** The rows after a watermark, in the stream's order: arrival time, then endpoint id, then event id. */
  public static Column after(EventStreams.Watermark w) {
    Column arrival = col("arrival_timestamp");
    Column clientId = coalesce(col("client.client_id"), lit(""));
    return arrival.gt(w.arrivalTimestamp())
        .or(arrival.equalTo(w.arrivalTimestamp()).and(clientId.gt(w.clientId())
            .or(clientId.equalTo(w.clientId()).and(col("event_id").gt(w.eventId())))));
  }
}
