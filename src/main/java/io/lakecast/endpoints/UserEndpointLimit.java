package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * "At most N endpoints per User.UserId": which incoming records would give a user more endpoints than the limit.
 * Pure: Datasets in, Dataset out.
 *
 * <p>A user's endpoints after the write are the stored ones (less those the incoming records move to another user)
 * plus the incoming Ids new to that user. Updates of endpoints the user already has never count against the limit,
 * so a user already over it (say, after lowering the limit) can still be updated. New Ids are admitted in file
 * order (first appearance of the Id); every record of an Id past the limit is over it.
 */
public final class UserEndpointLimit {
  private UserEndpointLimit() {}

  /**
   * The incoming records over the limit.
   *
   * @param incoming accepted records: {@code source}, {@code line}, {@code Id}, {@code UserId} (null for records
   *     without a user, which cannot exceed the limit)
   * @param stored the application's stored endpoints: {@code Id}, {@code UserId}
   * @return {@code source}, {@code line}, {@code UserId}, {@code Id}, {@code Endpoints} (how many endpoints the
   *     user would have with that Id)
   */
  public static Dataset<Row> overLimit(Dataset<Row> incoming, Dataset<Row> stored, int max) {
    Dataset<Row> in = incoming.filter(col("UserId").isNotNull().and(col("Id").isNotNull()))
        .select(col("source"), col("line"), col("Id"), col("UserId"));
    Dataset<Row> have = stored.filter(col("UserId").isNotNull()).select(col("Id"), col("UserId"));
    // Cheap screen: a user with at most `max` rows across both sides cannot be over the limit. Only the rest (usually
    // nobody) go through the exact computation below.
    // (On 64-bit hashes of the user ids: a tenth of the bytes to shuffle; a collision only adds a suspect.)
    Dataset<Row> suspects = in.select(xxhash64(col("UserId")).as("_u")).union(have.select(xxhash64(col("UserId"))))
        .groupBy(col("_u")).agg(count(lit(1)).as("n"))
        .filter(col("n").gt(max)).select(col("_u"));
    Dataset<Row> inS = in.join(broadcast(suspects), xxhash64(in.col("UserId")).equalTo(suspects.col("_u")), "left_semi");
    Dataset<Row> haveS =
        have.join(broadcast(suspects), xxhash64(have.col("UserId")).equalTo(suspects.col("_u")), "left_semi");
    Dataset<Row> moved = incoming.filter(col("Id").isNotNull()).select(col("Id"), col("UserId").as("newUser"))
        .join(broadcast(haveS.select(col("Id"), col("UserId").as("oldUser"))), "Id")
        .filter(col("newUser").isNotNull().and(col("newUser").notEqual(col("oldUser"))))
        .select(col("Id"));
    Dataset<Row> kept = haveS.join(moved, haveS.col("Id").equalTo(moved.col("Id")), "left_anti");
    Dataset<Row> keptPerUser = kept.groupBy(col("UserId")).agg(count(lit(1)).as("kept"));
    Dataset<Row> newIds = inS.groupBy(col("UserId"), col("Id"))
        .agg(min(struct(col("source"), col("line"))).as("first"))
        .join(kept, new String[] {"UserId", "Id"}, "left_anti");
    Dataset<Row> ranked = newIds
        .withColumn("rank", row_number().over(Window.partitionBy(col("UserId")).orderBy(col("first"))))
        .join(keptPerUser, new String[] {"UserId"}, "left")
        .withColumn("Endpoints", coalesce(col("kept"), lit(0L)).plus(col("rank")))
        .filter(col("Endpoints").gt(max))
        .select(col("UserId"), col("Id"), col("Endpoints"));
    return inS.join(ranked, new String[] {"UserId", "Id"})
        .select(col("source"), col("line"), col("UserId"), col("Id"), col("Endpoints"));
  }

  /** The message of a record over the limit. */
  public static String message(String userId, long endpoints, int max) {
    return "User.UserId '" + userId + "' would have " + endpoints + " endpoints; at most " + max
        + " per user (spark.lakecast.import.maxEndpointsPerUser)";
  }

  /**
   * Parsed records ({@code EndpointParser.PARSED_SCHEMA}) with those in {@code over} turned into
   * TOO_MANY_ENDPOINTS_FOR_USER rejections (the endpoint JSON as the raw record).
   */
  public static Dataset<Row> reject(Dataset<Row> parsed, Dataset<Row> over, int max) {
    Dataset<Row> marks = over.select(col("source"), col("line"),
        concat(lit("User.UserId '"), col("UserId"), lit("' would have "), col("Endpoints").cast("string"),
            lit(" endpoints; at most " + max + " per user (spark.lakecast.import.maxEndpointsPerUser)"))
            .as("_over"));
    Column isOver = col("_over").isNotNull();
    return parsed.join(marks, new String[] {"source", "line"}, "left")
        .withColumn("reason", when(isOver, lit(RejectReason.TOO_MANY_ENDPOINTS_FOR_USER.name()))
            .otherwise(col("reason")))
        .withColumn("message", when(isOver, col("_over")).otherwise(col("message")))
        .withColumn("raw", when(isOver, col("endpoint")).otherwise(col("raw")))
        .select(java.util.Arrays.stream(parsed.columns()).map(org.apache.spark.sql.functions::col)
            .toArray(Column[]::new));
  }
}
