package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_concat;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.map_keys;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.lakecast.warehouse.Table;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Column;
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

  /** Assignments for a new endpoint: every column from the source. */
  public static Map<String, Column> insert() {
    Map<String, Column> set = new LinkedHashMap<>();
    for (String n : Table.Schemas.ENDPOINTS.fieldNames()) {
      set.put(n, col(SOURCE + "." + n));
    }
    return set;
  }

  /** Keys present in {@code s} replace the same keys of {@code t}; other keys of {@code t} stay. */
  static Column mergeMaps(Column t, Column s) {
    Column keep = map_filter(t, (k, v) -> not(array_contains(map_keys(s), k)));
    return when(s.isNull(), t).when(t.isNull(), s).otherwise(map_concat(keep, s));
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
