package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.model.EndpointShapes.EndpointDemographic;
import io.lakecast.model.EndpointShapes.EndpointLocation;
import io.lakecast.model.EndpointShapes.EndpointResponse;
import io.lakecast.model.EndpointShapes.EndpointUser;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;

/** Reads endpoints back as Pinpoint's {@code EndpointResponse}. */
public final class EndpointCatalog {
  private final Warehouse warehouse;

  public EndpointCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** The endpoint, or NotFound. */
  public EndpointResponse get(String applicationId, String endpointId) {
    List<Row> rows =
        warehouse
            .read(Table.ENDPOINTS)
            .filter(col("ApplicationId").equalTo(applicationId).and(col("Id").equalTo(endpointId)))
            .collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.notFound("Endpoint", endpointId, applicationId);
    }
    return toResponse(rows.get(0));
  }

  /** Every endpoint of a user, or NotFound. */
  public List<EndpointResponse> userEndpoints(String applicationId, String userId) {
    List<EndpointResponse> out =
        warehouse.read(Table.ENDPOINTS)
            .filter(col("ApplicationId").equalTo(applicationId).and(col("User.UserId").equalTo(userId)))
            .orderBy(col("Id"))
            .collectAsList()
            .stream()
            .map(EndpointCatalog::toResponse)
            .toList();
    if (out.isEmpty()) {
      throw LakecastErrors.notFound("User", userId, applicationId);
    }
    return out;
  }

  /** A row of the endpoints table as EndpointResponse. */
  public static EndpointResponse toResponse(Row r) {
    Row d = r.getAs("Demographic");
    Row l = r.getAs("Location");
    Row u = r.getAs("User");
    Map<String, Double> metrics = r.isNullAt(r.fieldIndex("Metrics")) ? null : r.getJavaMap(r.fieldIndex("Metrics"));
    return new EndpointResponse(
        r.getAs("Address"),
        r.getAs("ApplicationId"),
        multiValued(r, "Attributes"),
        r.getAs("ChannelType"),
        r.getAs("CohortId"),
        r.getAs("CreationDate"),
        d == null
            ? null
            : new EndpointDemographic(
                d.getString(0), d.getString(1), d.getString(2), d.getString(3), d.getString(4), d.getString(5),
                d.getString(6), d.getString(7)),
        r.getAs("EffectiveDate"),
        r.getAs("EndpointStatus"),
        r.getAs("Id"),
        l == null
            ? null
            : new EndpointLocation(
                l.getString(0), l.getString(1), (Double) l.get(2), (Double) l.get(3), l.getString(4),
                l.getString(5)),
        metrics == null ? null : new LinkedHashMap<>(metrics),
        r.getAs("OptOut"),
        r.getAs("RequestId"),
        u == null ? null : new EndpointUser(multiValued(u, "UserAttributes"), u.getAs("UserId")));
  }

  private static Map<String, List<String>> multiValued(Row r, String field) {
    int i = r.fieldIndex(field);
    if (r.isNullAt(i)) {
      return null;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    Map<String, scala.collection.Seq<String>> m = r.getJavaMap(i);
    m.forEach((k, v) -> out.put(k, v == null ? null : scala.jdk.javaapi.CollectionConverters.asJava(v)));
    return out;
  }
}
