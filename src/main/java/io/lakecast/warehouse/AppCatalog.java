package io.lakecast.warehouse;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointEnums.AttributeKind;
import io.lakecast.model.AppShapes.ApplicationResponse;
import io.lakecast.model.AppShapes.AttributesResource;
import io.lakecast.model.AppShapes.CreateApplicationRequest;
import io.lakecast.model.AppShapes.UpdateAttributesRequest;
import io.lakecast.model.Ids;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import scala.jdk.javaapi.CollectionConverters;

/** Applications (Pinpoint projects) in the {@code apps} table. */
public final class AppCatalog {
  private final Warehouse warehouse;
  private final LakecastConf conf;

  public AppCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.conf = LakecastConf.from(warehouse.spark());
  }

  /** Creates an application with a new id. */
  public ApplicationResponse create(CreateApplicationRequest request) {
    return create(request, null);
  }

  /**
   * Creates an application. {@code applicationId} keeps a migrated Pinpoint project's id (it salts the global control
   * group, so the same users stay in it); null makes a new one.
   */
  public ApplicationResponse create(CreateApplicationRequest request, String applicationId) {
    if (request.name() == null || request.name().isBlank()) {
      throw LakecastErrors.missingMember("CreateApplicationRequest", "Name");
    }
    if (applicationId != null && !warehouse.read(Table.APPS).filter(col("ApplicationId").equalTo(applicationId))
        .limit(1).isEmpty()) {
      throw LakecastErrors.appAlreadyExists(applicationId);
    }
    String id = applicationId == null ? Ids.random() : applicationId;
    ApplicationResponse app =
        new ApplicationResponse(
            Ids.arn(conf.region(), conf.accountId(), "apps/" + id), id, request.name(), request.tags(), Ids.now());
    Row row =
        RowFactory.create(
            app.id(), app.arn(), app.name(),
            app.tags() == null ? null : CollectionConverters.asScala(app.tags()), app.creationDate(), null);
    warehouse.append(
        Table.APPS, warehouse.spark().createDataFrame(List.of(row), Table.APPS.schema()));
    return app;
  }

  /** Every application, oldest first. */
  public List<ApplicationResponse> list() {
    List<ApplicationResponse> out = new ArrayList<>();
    for (Row r : warehouse.read(Table.APPS).orderBy(col("CreationDate")).collectAsList()) {
      out.add(toResponse(r));
    }
    return out;
  }

  /** The application, or a NotFound error naming it. */
  public ApplicationResponse require(String applicationId) {
    List<Row> rows =
        warehouse.read(Table.APPS).filter(col("ApplicationId").equalTo(applicationId)).limit(1).collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.appNotFound(applicationId);
    }
    return toResponse(rows.get(0));
  }

  /**
   * remove-attributes: adds names or globs to the application's list of attributes of one kind that are no longer
   * captured (the list only grows, as in Pinpoint), and returns the whole list for that kind.
   */
  public AttributesResource removeAttributes(String applicationId, AttributeKind kind, UpdateAttributesRequest request) {
    require(applicationId);
    if (request == null || request.blacklist() == null || request.blacklist().isEmpty()) {
      throw LakecastErrors.missingMember("UpdateAttributesRequest", "Blacklist");
    }
    for (int i = 0; i < request.blacklist().size(); i++) {
      String name = request.blacklist().get(i);
      if (name == null || name.isBlank()) {
        throw LakecastErrors.invalidMember("UpdateAttributesRequest", "Blacklist[" + i + "]",
            "an attribute name or a glob such as 'promo_*' is expected, not an empty string");
      }
    }
    Map<AttributeKind, List<String>> removed = new EnumMap<>(AttributeKind.class);
    removed.putAll(removedAttributes(applicationId));
    TreeSet<String> names = new TreeSet<>(removed.getOrDefault(kind, List.of()));
    names.addAll(request.blacklist());
    removed.put(kind, List.copyOf(names));
    List<Column> entries = new ArrayList<>();
    removed.forEach((k, v) -> {
      entries.add(lit(k.wireName));
      entries.add(array(v.stream().map(functions::lit).toArray(Column[]::new)));
    });
    warehouse.delta(Table.APPS).update(
        col("ApplicationId").equalTo(applicationId),
        Map.of("RemovedAttributes", map(entries.toArray(Column[]::new))));
    return new AttributesResource(applicationId, kind.wireName, List.copyOf(names));
  }

  /**
   * The application's removed attribute names and globs by kind (empty when none were removed), or a NotFound error
   * naming it. A job that writes endpoints reads this once, and it also tells it that the application exists.
   */
  public Map<AttributeKind, List<String>> removedAttributes(String applicationId) {
    List<Row> rows = warehouse.read(Table.APPS).filter(col("ApplicationId").equalTo(applicationId))
        .select(col("RemovedAttributes")).limit(1).collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.appNotFound(applicationId);
    }
    Map<AttributeKind, List<String>> out = new EnumMap<>(AttributeKind.class);
    if (rows.get(0).isNullAt(0)) {
      return out;
    }
    Map<String, scala.collection.Seq<String>> m = rows.get(0).getJavaMap(0);
    m.forEach((k, v) -> out.put(AttributeKind.of(k), CollectionConverters.asJava(v)));
    return out;
  }

  private static ApplicationResponse toResponse(Row r) {
    Map<String, String> tags = r.isNullAt(3) ? null : r.<String, String>getJavaMap(3);
    return new ApplicationResponse(r.getString(1), r.getString(0), r.getString(2), tags, r.getString(4));
  }
}
