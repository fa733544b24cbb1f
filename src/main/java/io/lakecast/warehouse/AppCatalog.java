package io.lakecast.warehouse;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.AppShapes.ApplicationResponse;
import io.lakecast.model.AppShapes.CreateApplicationRequest;
import io.lakecast.model.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
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
    if (request.name() == null || request.name().isBlank()) {
      throw LakecastErrors.missingMember("CreateApplicationRequest", "Name");
    }
    String id = Ids.random();
    ApplicationResponse app =
        new ApplicationResponse(
            Ids.arn(conf.region(), conf.accountId(), "apps/" + id), id, request.name(), request.tags(), Ids.now());
    Row row =
        RowFactory.create(
            app.id(), app.arn(), app.name(),
            app.tags() == null ? null : CollectionConverters.asScala(app.tags()), app.creationDate());
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

  private static ApplicationResponse toResponse(Row r) {
    Map<String, String> tags = r.isNullAt(3) ? null : r.<String, String>getJavaMap(3);
    return new ApplicationResponse(r.getString(1), r.getString(0), r.getString(2), tags, r.getString(4));
  }
}
