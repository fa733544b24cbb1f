package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Pinpoint's import rule for records that create endpoints, applied to records that carry an Id: an Id the
 * application does not have makes a new endpoint, and a new endpoint needs ChannelType and Address. The parser
 * already holds records without an Id to it; a record with an Id can only be judged against the stored Ids. Another
 * record of the same import with that Id does not make it an update: of an import's records with one Id the last
 * one wins whole, so each must stand as a new endpoint. Pure: Datasets in, Dataset out.
 *
 * <p>The endpoint API keeps Pinpoint's looser rule: mobile SDKs register an endpoint before they have a push token.
 */
public final class NewEndpoints {
  private NewEndpoints() {}

  /** An accepted record without ChannelType, or without a non-blank Address. */
  static Column lacksChannelOrAddress() {
    return col("ChannelType").isNull().or(col("Address").isNull()).or(trim(col("Address")).equalTo(""));
  }

  /**
   * Parsed records ({@link EndpointParser#PARSED_SCHEMA}) with those that would create an endpoint without
   * ChannelType or Address turned into MISSING_CHANNEL_TYPE or MISSING_ADDRESS rejections (the endpoint JSON as the
   * raw record).
   *
   * @param storedIds the application's stored endpoint Ids (column {@code Id})
   */
  public static Dataset<Row> rejectIncomplete(Dataset<Row> parsed, Dataset<Row> storedIds) {
    Column accepted = col("reason").isNull();
    Dataset<Row> incomplete = parsed.filter(accepted.and(lacksChannelOrAddress()))
        .select(col("source"), col("line"), col("Id"), col("ChannelType").isNull().as("_noChannel"));
    Dataset<Row> marks = incomplete.join(storedIds, incomplete.col("Id").equalTo(storedIds.col("Id")), "left_anti")
        .select(col("source"), col("line"), col("_noChannel"), lit(true).as("_new"));
    Column isNew = col("_new").isNotNull();
    Column message = concat(when(col("_noChannel"), lit("ChannelType")).otherwise(lit("Address")),
        lit(" is required for a new endpoint (Id '"), col("Id"), lit("' is not an endpoint of the application)"));
    Map<String, Column> marked = Map.of(
        "reason", when(isNew, when(col("_noChannel"), lit(RejectReason.MISSING_CHANNEL_TYPE.name()))
            .otherwise(lit(RejectReason.MISSING_ADDRESS.name()))).otherwise(col("reason")),
        "message", when(isNew, message).otherwise(col("message")),
        "raw", when(isNew, EndpointParser.membersJson()).otherwise(col("raw")));
    // One projection: the parsed schema is wide, and each withColumn would analyse the plan again.
    return parsed.join(marks, new String[] {"source", "line"}, "left")
        .select(Arrays.stream(parsed.columns()).map(c -> marked.getOrDefault(c, col(c)).as(c)).toArray(Column[]::new));
  }
}
