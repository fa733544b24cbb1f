package io.lakecast.segments;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointEnums.SegmentType;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.SegmentShapes.SegmentResponse;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Segment definitions and their versions in the {@code segments} table. */
public final class SegmentCatalog {
  private final Warehouse warehouse;
  private final LakecastConf conf;

  public SegmentCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.conf = LakecastConf.from(warehouse.spark());
  }

  /** Creates a DIMENSIONAL segment, version 1, after checking the definition compiles. */
  public SegmentResponse create(String applicationId, WriteSegmentRequest request) {
    new AppCatalog(warehouse).require(applicationId);
    SegmentPredicates.validate(request, new SegmentPredicates.Context(null, sources(applicationId)));
    String id = Ids.random();
    String now = Ids.now();
    Row row =
        RowFactory.create(
            applicationId, id, 1, request.name(), SegmentType.DIMENSIONAL.name(), PinpointJson.compact(request),
            null, now, now);
    warehouse.append(Table.SEGMENTS, warehouse.spark().createDataFrame(List.of(row), Table.SEGMENTS.schema()));
    return response(row);
  }

  /** The segment at {@code version}, or its latest version when {@code version} is null. */
  public SegmentResponse get(String applicationId, String segmentId, Integer version) {
    Column match = col("ApplicationId").equalTo(applicationId).and(col("SegmentId").equalTo(segmentId));
    if (version != null) {
      match = match.and(col("Version").equalTo(version));
    }
    Dataset<Row> rows = warehouse.read(Table.SEGMENTS).filter(match).orderBy(col("Version").desc()).limit(1);
    List<Row> found = rows.collectAsList();
    if (found.isEmpty()) {
      throw LakecastErrors.notFound(
          version == null ? "Segment" : "Segment version " + version + " of", segmentId, applicationId);
    }
    return response(found.get(0));
  }

  /** Source-segment lookup for compiling groups: reads this catalog. */
  public SegmentPredicates.Sources sources(String applicationId) {
    return (id, version) -> {
      SegmentResponse s = get(applicationId, id, version);
      return new SegmentPredicates.Source(
          s.id(), s.version(), io.lakecast.model.PinpointEnums.SegmentType.valueOf(s.segmentType()), definition(s));
    };
  }

  /** The parsed definition of a stored segment. */
  public static WriteSegmentRequest definition(SegmentResponse segment) {
    return new WriteSegmentRequest(segment.dimensions(), segment.name(), segment.segmentGroups(), segment.tags());
  }

  private SegmentResponse response(Row r) {
    WriteSegmentRequest def =
        PinpointJson.parse(r.getString(5), WriteSegmentRequest.class, "WriteSegmentRequest", "segments table");
    String appId = r.getString(0);
    String id = r.getString(1);
    return new SegmentResponse(
        appId, Ids.arn(conf.region(), conf.accountId(), "apps/" + appId + "/segments/" + id), r.getString(7),
        def.dimensions(), id, null, r.getString(8), r.getString(3), def.segmentGroups(), r.getString(4),
        def.tags(), r.getInt(2));
  }
}
