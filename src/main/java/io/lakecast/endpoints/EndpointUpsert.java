package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.model.Ids;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * The one write path for endpoints, used by imports and by update-endpoint(s): a Delta MERGE keyed by
 * (ApplicationId, Id) with {@link EndpointMerge}'s assignments, or a plain append for an application's first
 * endpoints.
 */
public final class EndpointUpsert {
  private EndpointUpsert() {}

  /**
   * Upserts accepted records; of several records with one Id the last in file order wins. Attributes the app has
   * removed (remove-attributes) are dropped from the records first.
   */
  public static void upsert(Warehouse warehouse, String appId, Dataset<Row> records) {
    Dataset<Row> accepted =
        AttributeCapture.dropRemoved(records, new io.lakecast.warehouse.AppCatalog(warehouse).removedAttributes(appId));
    boolean duplicates = !accepted.groupBy("Id").count().filter(col("count").gt(1)).isEmpty();
    Dataset<Row> latest =
        !duplicates
            ? accepted
            : accepted
                .withColumn(
                    "_rank", row_number().over(Window.partitionBy("Id").orderBy(desc("source"), desc("line"))))
                .filter(col("_rank").equalTo(1));
    String now = Ids.now();
    Dataset<Row> source =
        latest.select(
            lit(appId).as("ApplicationId"),
            col("Id"),
            col("Address"),
            col("ChannelType"),
            coalesce(col("EndpointStatus"), lit("ACTIVE")).as("EndpointStatus"),
            col("OptOut"),
            coalesce(col("EffectiveDate"), lit(now)).as("EffectiveDate"),
            coalesce(col("CreationDate"), lit(now)).as("CreationDate"),
            col("RequestId"),
            coalesce(col("CohortId"), pmod(xxhash64(col("Id")), lit(100)).cast("string")).as("CohortId"),
            col("Demographic"),
            col("Location"),
            col("Attributes"),
            col("Metrics"),
            col("User"));
    if (warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId)).isEmpty()) {
      // The app's first import: nothing to match, so a plain append does what the MERGE would, cheaper.
      warehouse.append(Table.ENDPOINTS, source.withColumn("OptOut", coalesce(col("OptOut"), lit("NONE"))));
      return;
    }
    Map<String, Column> insert = EndpointMerge.insert();
    insert.put("OptOut", coalesce(col(EndpointMerge.SOURCE + ".OptOut"), lit("NONE")));
    warehouse
        .delta(Table.ENDPOINTS)
        .as(EndpointMerge.TARGET)
        .merge(source.as(EndpointMerge.SOURCE), EndpointMerge.condition(appId))
        .whenMatched()
        .update(EndpointMerge.update())
        .whenNotMatched()
        .insert(insert)
        .execute();
    deactivateSameAddress(warehouse, appId, latest);
    syncUserAttributes(warehouse, appId, latest);
  }

  /**
   * Pinpoint's rule: updating an endpoint marks the app's other endpoints with the same ChannelType and Address
   * INACTIVE. (Within one first import of an app, two Ids with one address both stay ACTIVE.)
   */
  static void deactivateSameAddress(Warehouse warehouse, String appId, Dataset<Row> latest) {
    Dataset<Row> addresses =
        latest.filter(col("Address").isNotNull().and(col("ChannelType").isNotNull()))
            .groupBy(col("ChannelType"), col("Address"))
            .agg(org.apache.spark.sql.functions.max(col("Id")).as("Id"));
    warehouse
        .delta(Table.ENDPOINTS)
        .as("t")
        .merge(addresses.as("s"), col("t.ApplicationId").equalTo(lit(appId))
            .and(col("t.ChannelType").equalTo(col("s.ChannelType")))
            .and(col("t.Address").equalTo(col("s.Address")))
            .and(col("t.Id").notEqual(col("s.Id")))
            .and(col("t.EndpointStatus").notEqual(lit("INACTIVE"))))
        .whenMatched()
        .update(Map.of("EndpointStatus", lit("INACTIVE")))
        .execute();
  }

  /**
   * User attributes belong to the user: the UserAttributes a record carries (the last record per user, in file
   * order) are merged key by key into every endpoint with the same User.UserId.
   */
  static void syncUserAttributes(Warehouse warehouse, String appId, Dataset<Row> latest) {
    Dataset<Row> withAttributes =
        latest.filter(col("User.UserId").isNotNull().and(col("User.UserAttributes").isNotNull()));
    if (withAttributes.isEmpty()) {
      return;
    }
    Dataset<Row> perUser =
        withAttributes
            .withColumn("_rank", row_number().over(
                Window.partitionBy(col("User.UserId")).orderBy(desc("source"), desc("line"))))
            .filter(col("_rank").equalTo(1))
            .select(col("User.UserId").as("UserId"), col("User.UserAttributes").as("UserAttributes"));
    Column target = col("t.User");
    warehouse
        .delta(Table.ENDPOINTS)
        .as("t")
        .merge(perUser.as("s"), col("t.ApplicationId").equalTo(lit(appId))
            .and(target.getField("UserId").equalTo(col("s.UserId"))))
        .whenMatched()
        .update(Map.of("User", org.apache.spark.sql.functions.struct(
            EndpointMerge.mergeMaps(target.getField("UserAttributes"), col("s.UserAttributes")).as("UserAttributes"),
            target.getField("UserId").as("UserId"))))
        .execute();
  }
}
