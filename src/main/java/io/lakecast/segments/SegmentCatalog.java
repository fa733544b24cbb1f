package io.lakecast.segments;

import static org.apache.spark.sql.functions.col;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointEnums.SegmentType;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.SegmentShapes.SegmentImportResource;
import io.lakecast.model.SegmentShapes.SegmentResponse;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.EndpointForgetter;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Segment definitions and their versions in the {@code segments} table. */
public final class SegmentCatalog {
  static final String SHAPE = "WriteSegmentRequest";

  private final Warehouse warehouse;
  private final LakecastConf conf;

  public SegmentCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.conf = LakecastConf.from(warehouse.spark());
  }

  /** Creates a DIMENSIONAL segment, version 1, after checking the definition compiles. */
  public SegmentResponse create(String applicationId, WriteSegmentRequest request) {
    return create(applicationId, request, null);
  }

  /**
   * Creates a dimensional segment, version 1. {@code segmentId} keeps a migrated Pinpoint segment's id (campaigns
   * name it); null makes a new one. An id the application already has is refused (ConflictException).
   */
  public SegmentResponse create(String applicationId, WriteSegmentRequest request, String segmentId) {
    new AppCatalog(warehouse).require(applicationId);
    SegmentPredicates.validate(request, new SegmentPredicates.Context(null, sources(applicationId)));
    if (segmentId != null && exists(applicationId, segmentId)) {
      throw LakecastErrors.alreadyExists("Segment", segmentId, applicationId);
    }
    String id = segmentId == null ? Ids.random() : segmentId;
    String now = Ids.now();
    Row row =
        RowFactory.create(
            applicationId, id, 1, request.name(), SegmentType.DIMENSIONAL.name(), PinpointJson.compact(request),
            null, now, now);
    warehouse.append(Table.SEGMENTS, warehouse.spark().createDataFrame(List.of(row), Table.SEGMENTS.schema()));
    return response(row);
  }

  /**
   * Updates a DIMENSIONAL segment: a new version with the new definition; earlier versions stay readable (campaigns
   * that name a SegmentVersion keep using it). CreationDate is the first version's.
   */
  public SegmentResponse update(String applicationId, String segmentId, WriteSegmentRequest request) {
    SegmentResponse latest = get(applicationId, segmentId, null);
    if (SegmentType.IMPORT.name().equals(latest.segmentType())) {
      throw LakecastErrors.invalidMember(SHAPE, "(segment " + segmentId + ")", "it is an IMPORT segment; update"
          + " it with create-import-job and DefineSegment/SegmentId, not update-segment");
    }
    SegmentPredicates.validate(request, new SegmentPredicates.Context(null, sources(applicationId)));
    String name = request.name() != null ? request.name() : latest.name();
    WriteSegmentRequest stored = new WriteSegmentRequest(request.dimensions(), name, request.segmentGroups(),
        request.tags() != null ? request.tags() : latest.tags());
    Row row =
        RowFactory.create(
            applicationId, segmentId, latest.version() + 1, name, SegmentType.DIMENSIONAL.name(),
            PinpointJson.compact(stored), null, latest.creationDate(), Ids.now());
    warehouse.append(Table.SEGMENTS, warehouse.spark().createDataFrame(List.of(row), Table.SEGMENTS.schema()));
    return response(row);
  }

  /**
   * Creates (no {@code segmentId}) or adds a version to an IMPORT segment whose members an import job just wrote.
   * Returns the new version; the caller writes {@code segment_members} for it.
   */
  public SegmentResponse defineImported(
      String applicationId, String segmentId, String segmentName, SegmentImportResource importDefinition) {
    String id = segmentId;
    int version = 1;
    String created = Ids.now();
    String name = segmentName;
    if (segmentId != null) {
      SegmentResponse latest = get(applicationId, segmentId, null);
      if (!SegmentType.IMPORT.name().equals(latest.segmentType())) {
        throw LakecastErrors.invalidMember("ImportJobRequest", "SegmentId", "segment '" + segmentId + "' is "
            + latest.segmentType() + "; an import can only define or update an IMPORT segment");
      }
      version = latest.version() + 1;
      created = latest.creationDate();
      name = segmentName != null ? segmentName : latest.name();
    } else {
      id = Ids.random();
    }
    Row row =
        RowFactory.create(
            applicationId, id, version, name, SegmentType.IMPORT.name(),
            PinpointJson.compact(new WriteSegmentRequest(null, name, null, null)),
            PinpointJson.compact(importDefinition), created, Ids.now());
    warehouse.append(Table.SEGMENTS, warehouse.spark().createDataFrame(List.of(row), Table.SEGMENTS.schema()));
    return response(row);
  }

  /** Every version of a segment, oldest first. */
  public List<SegmentResponse> versions(String applicationId, String segmentId) {
    List<Row> rows =
        warehouse.read(Table.SEGMENTS)
            .filter(col("ApplicationId").equalTo(applicationId).and(col("SegmentId").equalTo(segmentId)))
            .orderBy(col("Version"))
            .collectAsList();
    if (rows.isEmpty()) {
      throw LakecastErrors.notFound("Segment", segmentId, applicationId);
    }
    return rows.stream().map(this::response).toList();
  }

  /** The latest version of every segment of the application, oldest segment first. */
  public List<SegmentResponse> list(String applicationId) {
    Dataset<Row> all = warehouse.read(Table.SEGMENTS).filter(col("ApplicationId").equalTo(applicationId));
    Dataset<Row> latest =
        all.withColumn("_latest", org.apache.spark.sql.functions.max(col("Version"))
                .over(org.apache.spark.sql.expressions.Window.partitionBy(col("SegmentId"))))
            .filter(col("Version").equalTo(col("_latest")))
            .drop("_latest")
            .orderBy(col("CreationDate"), col("SegmentId"));
    return latest.collectAsList().stream().map(this::response).toList();
  }

  /** Deletes every version of a segment and its imported members; returns the latest version as it was. */
  public SegmentResponse delete(String applicationId, String segmentId) {
    SegmentResponse latest = get(applicationId, segmentId, null);
    Column match = col("ApplicationId").equalTo(applicationId).and(col("SegmentId").equalTo(segmentId));
    warehouse.delta(Table.SEGMENTS).delete(match);
    warehouse.delta(Table.SEGMENT_MEMBERS).delete(match);
    return latest;
  }

  /** Whether the application has the segment (any version). */
  public boolean exists(String applicationId, String segmentId) {
    return !warehouse.read(Table.SEGMENTS)
        .filter(col("ApplicationId").equalTo(applicationId).and(col("SegmentId").equalTo(segmentId)))
        .limit(1).isEmpty();
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

  /**
   * Source-segment lookup for compiling groups: reads this catalog once per (id, version). Compiling, the recency
   * check and the imported-source walk each resolve the same sources, so lookups are remembered.
   */
  public SegmentPredicates.Sources sources(String applicationId) {
    java.util.Map<String, SegmentPredicates.Source> resolved = new java.util.HashMap<>();
    return (id, version) ->
        resolved.computeIfAbsent(id + "@" + version, key -> {
          SegmentResponse s = get(applicationId, id, version);
          return new SegmentPredicates.Source(s.id(), s.version(),
              io.lakecast.model.PinpointEnums.SegmentType.valueOf(s.segmentType()), definition(s));
        });
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
    SegmentImportResource imported =
        r.isNullAt(6)
            ? null
            : PinpointJson.parse(r.getString(6), SegmentImportResource.class, "SegmentImportResource",
                "segments table");
    return new SegmentResponse(
        appId, Ids.arn(conf.region(), conf.accountId(), "apps/" + appId + "/segments/" + id), r.getString(7),
        def.dimensions(), id, imported, r.getString(8), r.getString(3), def.segmentGroups(), r.getString(4),
        def.tags(), r.getInt(2));
  }

  /** The segments package's part of a deletion: the endpoints leave every imported segment's members. */
  public EndpointForgetter memberForgetter() {
    return (applicationId, endpointIds, addresses) -> {
      if (!endpointIds.isEmpty()) {
        warehouse.delta(Table.SEGMENT_MEMBERS).delete(
            col("ApplicationId").equalTo(applicationId).and(col("EndpointId").isin(endpointIds.toArray())));
      }
    };
  }
}
