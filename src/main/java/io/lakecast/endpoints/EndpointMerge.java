package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.array_except;
import static org.apache.spark.sql.functions.arrays_overlap;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import io.lakecast.warehouse.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The column assignments of the endpoint upsert (Delta MERGE keyed by ApplicationId and Id): members absent from
 * the incoming row keep the stored value; an attribute key present replaces that key's values; CreationDate and
 * CohortId are kept from the stored endpoint; RecordHash becomes the incoming record's. The same assignments serve
 * the MERGE and the broadcast rewrite of {@link EndpointUpsert}.
 */
public final class EndpointMerge {
  private EndpointMerge() {}

  public static final String TARGET = "t";
  public static final String SOURCE = "s";

  /** Merge condition: the app partition first, so Delta prunes other apps' files. */
  public static Column condition(String applicationId) {
    return col(TARGET + ".ApplicationId")
        .equalTo(lit(applicationId))
        .and(col(TARGET + ".Id").equalTo(col(SOURCE + ".Id")));
  }

  /** Assignments for a matched (existing) endpoint. */
  public static Map<String, Column> update() {
    Map<String, Column> set = new LinkedHashMap<>();
    for (StructField f : Table.Schemas.ENDPOINTS.fields()) {
      String n = f.name();
      Column s = col(SOURCE + "." + n);
      Column t = col(TARGET + "." + n);
      switch (n) {
        case "ApplicationId", "Id", "CreationDate", "CohortId" -> {}
        case "RecordHash" -> set.put(n, s);
        case "Attributes", "Metrics" -> set.put(n, mergeMaps(t, s));
        case "User" -> set.put(
            n,
            when(s.isNull(), t)
                .when(t.isNull(), s)
                .otherwise(
                    functions.struct(
                        mergeMaps(t.getField("UserAttributes"), s.getField("UserAttributes")).as("UserAttributes"),
                        coalesce(s.getField("UserId"), t.getField("UserId")).as("UserId"))));
        case "Demographic", "Location" -> set.put(n, mergeStruct(t, s, (StructType) f.dataType()));
        default -> set.put(n, coalesce(s, t));
      }
    }
    return set;
  }

  /** Assignments for a new endpoint: every column from the source, OptOut defaulting to NONE. */
  public static Map<String, Column> insert() {
    Map<String, Column> set = new LinkedHashMap<>();
    for (String n : Table.Schemas.ENDPOINTS.fieldNames()) {
      set.put(n, col(SOURCE + "." + n));
    }
    set.put("OptOut", coalesce(col(SOURCE + ".OptOut"), lit("NONE")));
    return set;
  }

  /** Source rows as new endpoints: {@link #insert()}'s assignments as the table's columns. */
  public static Dataset<Row> inserted(Dataset<Row> source) {
    return source.as(SOURCE)
        .select(insert().entrySet().stream().map(e -> e.getValue().as(e.getKey())).toArray(Column[]::new));
  }

  /** Null RecordHash: the endpoint no longer is what its last record wrote. */
  public static final Column NO_HASH = lit(null).cast("long");

  /**
   * Pinpoint's same-address rule for an endpoint with the same ChannelType and Address as a record of the write:
   * it becomes INACTIVE unless it is {@code keeper}, the Id of the last such record (and stays so if it already is).
   */
  public static Column deactivates(Column id, Column status, Column keeper) {
    return keeper.isNotNull().and(id.notEqual(keeper)).and(status.notEqual(lit("INACTIVE")));
  }

  /**
   * Pinpoint's user-attribute rule for an endpoint of a user whose last record in the write carries
   * {@code incoming} UserAttributes (from record {@code from}): they are merged in, when that changes anything.
   */
  public static Column syncs(Column id, Column user, Column incoming, Column from) {
    Column attributes = user.getField("UserAttributes");
    return incoming.isNotNull().and(id.notEqual(from))
        .and(not(sameMap(mergeMaps(attributes, incoming), attributes)));
  }

  /** The user after {@link #syncs}: incoming UserAttributes merged key by key, UserId kept. */
  public static Column synced(Column user, Column incoming) {
    return functions.struct(mergeMaps(user.getField("UserAttributes"), incoming).as("UserAttributes"),
        user.getField("UserId").as("UserId"));
  }

  /**
   * A 64-bit hash of a multi-valued map's keys and values, whatever their order; 0 for null (an empty map hashes
   * otherwise). Equal maps hash alike; a collision of different ones is as unlikely as one of two RecordHashes.
   */
  public static Column mapHash(Column map) {
    return when(map.isNull(), lit(0L)).otherwise(functions.xxhash64(functions.array_sort(functions.map_entries(map))));
  }

  /**
   * A 64-bit hash of a multi-valued map's entries in their order, 0 for null. Unlike {@link #mapHash} it does not
   * sort them (sorting nested entries costs more than a pass over the endpoints): equal hashes mean equal maps,
   * different ones may still be the same entries in another order.
   */
  public static Column entriesHash(Column map) {
    return when(map.isNull(), lit(0L)).otherwise(functions.xxhash64(functions.map_entries(map)));
  }

  /** Whether two multi-valued maps hold the same keys and values (Spark cannot compare maps directly). */
  static Column sameMap(Column a, Column b) {
    return functions.array_sort(functions.map_entries(a)).eqNullSafe(functions.array_sort(functions.map_entries(b)));
  }

  /**
   * Keys present in {@code s} replace the same keys of {@code t}; other keys of {@code t} stay. Two common cases
   * skip the filter over {@code t}'s entries (a higher-order function, which Spark interprets entry by entry): when
   * {@code s} replaces every key of {@code t} (a re-import of the same columns), and when it replaces none.
   * The same keys in the same order are checked first: that comparison is generated code, where Spark evaluates
   * {@code array_except} of strings interpreted, and its element reads look up the session's configuration each.
   */
  static Column mergeMaps(Column t, Column s) {
    Column keep = map_filter(t, (k, v) -> not(array_contains(map_keys(s), k)));
    return when(s.isNull(), t).when(t.isNull(), s)
        .when(map_keys(t).equalTo(map_keys(s)), s)
        .when(size(array_except(map_keys(t), map_keys(s))).equalTo(0), s)
        .when(not(arrays_overlap(map_keys(t), map_keys(s))), map_concat(t, s))
        .otherwise(map_concat(keep, s));
  }

  /** Field-by-field: a field present in {@code s} replaces the stored one. */
  static Column mergeStruct(Column t, Column s, StructType type) {
    Column[] fields = new Column[type.size()];
    for (int i = 0; i < type.size(); i++) {
      String n = type.fields()[i].name();
      fields[i] = coalesce(s.getField(n), t.getField(n)).as(n);
    }
    return when(s.isNull(), t).when(t.isNull(), s).otherwise(functions.struct(fields));
  }
}
