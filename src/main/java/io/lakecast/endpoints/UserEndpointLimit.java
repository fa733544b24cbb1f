package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.List;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.StructType;

/**
 * "At most N endpoints per User.UserId": which incoming records would give a user more endpoints than the limit.
 * Pure: Datasets in, Dataset out.
 *
 * <p>A user's endpoints after the write are the stored ones (less those the incoming records move to another user)
 * plus the incoming Ids new to that user. Updates of endpoints the user already has never count against the limit,
 * so a user already over it (say, after lowering the limit) can still be updated. New Ids are admitted in file
 * order (first appearance of the Id); every record of an Id past the limit is over it — except that, as in Pinpoint,
 * a new push endpoint (ADM, APNS*, BAIDU, GCM) past the limit displaces the user's push endpoint with the oldest
 * EffectiveDate, which becomes INACTIVE and loses its UserId.
 */
public final class UserEndpointLimit {
  private UserEndpointLimit() {}

  /** Pinpoint's push channels: a new push endpoint past the limit displaces the user's oldest one. */
  public static final List<String> PUSH_CHANNELS =
      List.of("ADM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "BAIDU", "GCM");

  /**
   * What the limit does to a write: the records it rejects, and the stored push endpoints that new push endpoints
   * displace.
   *
   * @param over {@code source}, {@code line}, {@code UserId}, {@code Id}, {@code Endpoints} (how many endpoints the
   *     user would have with that Id): rejected
   * @param displaced {@code Id}: stored push endpoints to mark INACTIVE and detach from their user
   */
  public record Outcome(Dataset<Row> over, Dataset<Row> displaced) {}

  /** The columns of {@link Outcome#over()} and {@link Outcome#displaced()}, for the usual empty outcome. */
  static final StructType OVER = new StructType().add("source", "string").add("line", "long")
      .add("UserId", "string").add("Id", "string").add("Endpoints", "long");
  static final StructType DISPLACED = new StructType().add("Id", "string");

  /**
   * Applies the limit.
   *
   * @param incoming accepted records: {@code source}, {@code line}, {@code Id}, {@code UserId} (null for records
   *     without a user, which cannot exceed the limit), {@code ChannelType}
   * @param stored the application's stored endpoints: {@code Id}, {@code UserId}, {@code ChannelType},
   *     {@code EffectiveDate}
   */
  public static Outcome check(Dataset<Row> incoming, Dataset<Row> stored, int max) {
    Dataset<Row> in = incoming.filter(col("UserId").isNotNull().and(col("Id").isNotNull()))
        .select(col("source"), col("line"), col("Id"), col("UserId"), col("ChannelType"));
    Dataset<Row> have = stored.filter(col("UserId").isNotNull())
        .select(col("Id"), col("UserId"), col("ChannelType"), col("EffectiveDate"));
    // Cheap screen, one aggregation: a user with at most `max` rows across both sides cannot be over the limit. Only
    // the rest (usually nobody, and then nothing more runs) go through the exact computation below.
    // (On 64-bit hashes of the user ids: a tenth of the bytes to shuffle; a collision only adds a suspect.)
    List<Row> suspectList = in.select(xxhash64(col("UserId")).as("_u")).union(have.select(xxhash64(col("UserId"))))
        .groupBy(col("_u")).agg(count(lit(1)).as("n"))
        .filter(col("n").gt(max)).select(col("_u")).collectAsList();
    var spark = incoming.sparkSession();
    if (suspectList.isEmpty()) {
      return new Outcome(spark.createDataFrame(List.of(), OVER), spark.createDataFrame(List.of(), DISPLACED));
    }
    Dataset<Row> suspects = spark.createDataFrame(suspectList, new StructType().add("_u", "long"));
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
        .agg(min(struct(col("source"), col("line"))).as("first"), max(col("ChannelType")).as("channel"))
        .join(kept.select(col("UserId"), col("Id")), new String[] {"UserId", "Id"}, "left_anti");
    Dataset<Row> ranked = newIds
        .withColumn("rank", row_number().over(Window.partitionBy(col("UserId")).orderBy(col("first"))))
        .join(keptPerUser, new String[] {"UserId"}, "left")
        .withColumn("Endpoints", coalesce(col("kept"), lit(0L)).plus(col("rank")))
        .filter(col("Endpoints").gt(max));
    // Push endpoints past the limit each displace one of the user's stored push endpoints that this write leaves
    // alone, oldest EffectiveDate first; without one left to displace they are rejected like the others.
    Dataset<Row> pushOver = ranked.filter(col("channel").isin(PUSH_CHANNELS.toArray()))
        .withColumn("_n", row_number().over(Window.partitionBy(col("UserId")).orderBy(col("first"))));
    Dataset<Row> candidates = kept.filter(col("ChannelType").isin(PUSH_CHANNELS.toArray()))
        .join(in.select(col("Id")).distinct(), new String[] {"Id"}, "left_anti")
        .withColumn("_n", row_number().over(Window.partitionBy(col("UserId"))
            .orderBy(col("EffectiveDate").asc_nulls_first(), col("Id"))))
        .select(col("UserId"), col("_n"), col("Id").as("_displaced"));
    Dataset<Row> pairs = pushOver.join(candidates, new String[] {"UserId", "_n"});
    Dataset<Row> rejected = ranked.join(pairs.select(col("UserId"), col("Id")), new String[] {"UserId", "Id"},
        "left_anti").select(col("UserId"), col("Id"), col("Endpoints"));
    Dataset<Row> over = inS.join(rejected, new String[] {"UserId", "Id"})
        .select(col("source"), col("line"), col("UserId"), col("Id"), col("Endpoints"));
    return new Outcome(over, pairs.select(col("_displaced").as("Id")));
  }

  /** The application's stored endpoints, in the columns {@link #check} reads. */
  public static Dataset<Row> stored(Warehouse warehouse, String appId) {
    return warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId))
        .select(col("Id"), col("User.UserId").as("UserId"), col("ChannelType"), col("EffectiveDate"));
  }

  /**
   * Detaches displaced push endpoints from their user and marks them INACTIVE (Pinpoint's rule for a user's push
   * endpoint past the limit).
   */
  public static void displace(Warehouse warehouse, String appId, List<String> displacedIds) {
    if (displacedIds.isEmpty()) {
      return;
    }
    warehouse.delta(Table.ENDPOINTS).update(
        col("ApplicationId").equalTo(appId).and(col("Id").isin(displacedIds.toArray())),
        java.util.Map.of(
            "EndpointStatus", lit("INACTIVE"),
            "User", struct(col("User.UserAttributes").as("UserAttributes"), lit(null).cast("string").as("UserId")),
            "RecordHash", lit(null).cast("long")));
  }

  /** The rejection message of each row of {@link Outcome#over()}. */
  public static Column message(int max) {
    return concat(lit("User.UserId '"), col("UserId"), lit("' would have "), col("Endpoints").cast("string"),
        lit(" endpoints; at most " + max + " per user (spark.lakecast.import.maxEndpointsPerUser)"));
  }

  /**
   * Parsed records ({@code EndpointParser.PARSED_SCHEMA}) with those in {@code over} turned into
   * TOO_MANY_ENDPOINTS_FOR_USER rejections (the endpoint JSON as the raw record).
   */
  public static Dataset<Row> reject(Dataset<Row> parsed, Dataset<Row> over, int max) {
    Dataset<Row> marks = over.select(col("source"), col("line"), message(max).as("_over"));
    Column isOver = col("_over").isNotNull();
    return parsed.join(marks, new String[] {"source", "line"}, "left")
        .withColumn("reason", when(isOver, lit(RejectReason.TOO_MANY_ENDPOINTS_FOR_USER.name()))
            .otherwise(col("reason")))
        .withColumn("message", when(isOver, col("_over")).otherwise(col("message")))
        .withColumn("raw", when(isOver, EndpointParser.membersJson()).otherwise(col("raw")))
        .select(java.util.Arrays.stream(parsed.columns()).map(c -> col(c)).toArray(Column[]::new));
  }
}
