package io.lakecast.segments;

import static org.apache.spark.sql.functions.asin;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.cos;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.radians;
import static org.apache.spark.sql.functions.sin;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import io.lakecast.LakecastErrors;
import io.lakecast.model.PinpointEnums.AttributeType;
import io.lakecast.model.PinpointEnums.DimensionType;
import io.lakecast.model.PinpointEnums.Include;
import io.lakecast.model.PinpointEnums.SegmentType;
import io.lakecast.model.PinpointEnums.SourceType;
import io.lakecast.model.PinpointEnums.Type;
import io.lakecast.model.SegmentShapes.AttributeDimension;
import io.lakecast.model.SegmentShapes.GPSPointDimension;
import io.lakecast.model.SegmentShapes.MetricDimension;
import io.lakecast.model.SegmentShapes.RecencyDimension;
import io.lakecast.model.SegmentShapes.SegmentDemographics;
import io.lakecast.model.SegmentShapes.SegmentDimensions;
import io.lakecast.model.SegmentShapes.SegmentGroup;
import io.lakecast.model.SegmentShapes.SegmentGroupList;
import io.lakecast.model.SegmentShapes.SegmentLocation;
import io.lakecast.model.SegmentShapes.SegmentReference;
import io.lakecast.model.SegmentShapes.SetDimension;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;
import org.apache.spark.sql.Column;

/**
 * Compiles a {@code WriteSegmentRequest} ({@code Dimensions} or {@code SegmentGroups}) into one Spark {@link
 * Column} predicate over the {@code endpoints} table. Pure: no session, no reads; source segments are resolved
 * through {@link Sources}, recency reads a {@code LastActivity} column and imported segments a membership column
 * that {@link SegmentEvaluator} prepares. Every present criterion of a {@code SegmentDimensions} must hold (AND).
 *
 * <p>Semantics (README, "Segments", lists them for users):
 *
 * <ul>
 *   <li>SetDimension: INCLUSIVE matches a field equal to one of the values (exact, case-sensitive); EXCLUSIVE is its
 *       negation, so an endpoint without the field matches EXCLUSIVE. DimensionType defaults to INCLUSIVE.
 *   <li>Demographic.Channel matches ChannelType; Demographic.DeviceType matches {@code Demographic.Platform}
 *       (endpoints have no device-type field; the platform is what Pinpoint's SDKs report for the device).
 *   <li>AttributeDimension over a multi-valued attribute: INCLUSIVE — any value equals one of the Values;
 *       EXCLUSIVE — no value does (endpoints without the attribute match); CONTAINS — any value contains one of the
 *       Values as a substring, case-sensitive; BEFORE / AFTER — any value, read as an instant, is before / after
 *       Values[0]; ON — any value falls on the same UTC date as Values[0]; BETWEEN — any value lies in [Values[0],
 *       Values[1]], both ends included. Instants are ISO-8601 in UTC ({@code 2026-01-31T12:00:00Z}, optional
 *       fraction) or a date ({@code 2026-01-31}, meaning midnight UTC); an endpoint value in any other form never
 *       matches a date criterion. AttributeType defaults to INCLUSIVE.
 *   <li>MetricDimension: the five operators; an endpoint without the metric never matches.
 *   <li>Location.GPSPoint: great-circle (haversine, R = 6371.0088 km) distance from the point to the endpoint's
 *       Latitude/Longitude ≤ RangeInKilometers (default {@value #DEFAULT_RANGE_KM} km); no coordinates, no match.
 *   <li>Behavior.Recency: ACTIVE when {@code LastActivity} is within (asOf − Duration, asOf]; INACTIVE otherwise,
 *       including endpoints with no activity at all.
 *   <li>SegmentGroups: each group's base population is its SourceSegments combined by SourceType (ALL: in every
 *       one; ANY: in at least one; NONE: in none), or every endpoint when it has none; its Dimensions entries are
 *       combined by Type (ALL, ANY, NONE); groups are combined by Include (ALL, ANY, NONE). Types default to ALL.
 * </ul>
 */
public final class SegmentPredicates {
  private SegmentPredicates() {}

  static final String SHAPE = "WriteSegmentRequest";
  public static final double DEFAULT_RANGE_KM = 100.0;
  public static final double EARTH_RADIUS_KM = 6371.0088;
  public static final String LAST_ACTIVITY = "LastActivity";
  static final List<String> METRIC_OPERATORS =
      List.of("GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL", "EQUAL");
  static final int MAX_SOURCE_DEPTH = 8;
  /** ISO-8601 instant in UTC, or a plain date. */
  public static final String INSTANT_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,6})?Z$";
  public static final String DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

  /** A stored segment a group refers to. */
  public record Source(String id, int version, SegmentType type, WriteSegmentRequest definition) {}

  /** Looks up source segments by id and optional version (latest when null). */
  @FunctionalInterface
  public interface Sources {
    Source resolve(String id, Integer version);

    /** No source segments at all: a reference is an error naming it. */
    Sources NONE =
        (id, version) -> {
          throw LakecastErrors.invalidMember(SHAPE, "SegmentGroups.Groups[*].SourceSegments", "segment '" + id
              + "' cannot be resolved here");
        };
  }

  /** What compiling needs besides the definition. */
  public record Context(Instant asOf, Sources sources) {
    public Context {
      asOf = asOf == null ? Instant.now() : asOf;
      sources = sources == null ? Sources.NONE : sources;
    }
  }

  /** The membership column of an imported segment version, prepared by the evaluator. */
  public static String importedMemberColumn(String segmentId, int version) {
    return "_member_" + segmentId.replaceAll("[^A-Za-z0-9]", "_") + "_v" + version;
  }

  /** Checks the request can be evaluated, with errors naming the member path. */
  public static void validate(WriteSegmentRequest request, Context ctx) {
    compile(request, ctx);
  }

  /** The predicate of a whole request. */
  public static Column compile(WriteSegmentRequest request, Context ctx) {
    return compile(request, ctx, 0);
  }

  private static Column compile(WriteSegmentRequest request, Context ctx, int depth) {
    if (request.dimensions() != null && request.segmentGroups() != null) {
      throw LakecastErrors.invalidMember(
          SHAPE, "Dimensions/SegmentGroups", "a request can include Dimensions or SegmentGroups, not both");
    }
    if (request.segmentGroups() != null) {
      return groups(request.segmentGroups(), ctx, depth);
    }
    return compile(request.dimensions(), ctx, "Dimensions");
  }

  /** The predicate of dimensions with default context (no recency, no sources): for tests and simple callers. */
  public static Column compile(SegmentDimensions d) {
    return compile(d, new Context(null, null), "Dimensions");
  }

  /** The predicate of one SegmentDimensions; {@code null} matches every endpoint. */
  public static Column compile(SegmentDimensions d, Context ctx, String path) {
    Column p = lit(true);
    if (d == null) {
      return p;
    }
    if (d.behavior() != null && d.behavior().recency() != null) {
      p = p.and(recency(path + ".Behavior.Recency", d.behavior().recency(), ctx.asOf()));
    }
    if (d.demographic() != null) {
      p = p.and(demographic(path + ".Demographic", d.demographic()));
    }
    if (d.location() != null) {
      p = p.and(location(path + ".Location", d.location()));
    }
    if (d.attributes() != null) {
      for (Map.Entry<String, AttributeDimension> e : d.attributes().entrySet()) {
        p = p.and(attribute(path + ".Attributes." + e.getKey(), col("Attributes"), e.getKey(), e.getValue()));
      }
    }
    if (d.userAttributes() != null) {
      for (Map.Entry<String, AttributeDimension> e : d.userAttributes().entrySet()) {
        p = p.and(attribute(path + ".UserAttributes." + e.getKey(), col("User").getField("UserAttributes"),
            e.getKey(), e.getValue()));
      }
    }
    if (d.metrics() != null) {
      for (Map.Entry<String, MetricDimension> e : d.metrics().entrySet()) {
        p = p.and(metric(path + ".Metrics." + e.getKey(), e.getKey(), e.getValue()));
      }
    }
    return p;
  }

  private static Column groups(SegmentGroupList list, Context ctx, int depth) {
    List<SegmentGroup> groups = list.groups() == null ? List.of() : list.groups();
    List<Column> compiled = new ArrayList<>();
    for (int g = 0; g < groups.size(); g++) {
      compiled.add(group("SegmentGroups.Groups[" + g + "]", groups.get(g), ctx, depth));
    }
    Include include = list.include() == null ? Include.ALL : list.include();
    return combine(compiled, include.name());
  }

  private static Column group(String path, SegmentGroup group, Context ctx, int depth) {
    if (group == null) {
      throw LakecastErrors.missingMember(SHAPE, path);
    }
    Column base = lit(true);
    List<SegmentReference> sources = group.sourceSegments() == null ? List.of() : group.sourceSegments();
    if (!sources.isEmpty()) {
      List<Column> members = new ArrayList<>();
      for (int i = 0; i < sources.size(); i++) {
        members.add(source(path + ".SourceSegments[" + i + "]", sources.get(i), ctx, depth));
      }
      SourceType type = group.sourceType() == null ? SourceType.ALL : group.sourceType();
      base = combine(members, type.name());
    }
    List<SegmentDimensions> dims = group.dimensions() == null ? List.of() : group.dimensions();
    if (dims.isEmpty()) {
      return base;
    }
    List<Column> filters = new ArrayList<>();
    for (int i = 0; i < dims.size(); i++) {
      filters.add(compile(dims.get(i), ctx, path + ".Dimensions[" + i + "]"));
    }
    Type type = group.type() == null ? Type.ALL : group.type();
    return base.and(combine(filters, type.name()));
  }

  private static Column source(String path, SegmentReference ref, Context ctx, int depth) {
    if (ref == null || ref.id() == null || ref.id().isBlank()) {
      throw LakecastErrors.missingMember(SHAPE, path + ".Id");
    }
    if (depth >= MAX_SOURCE_DEPTH) {
      throw LakecastErrors.invalidMember(SHAPE, path, "source segments nest deeper than " + MAX_SOURCE_DEPTH
          + " levels (a segment that refers to itself?)");
    }
    Source s = ctx.sources().resolve(ref.id(), ref.version());
    if (s.type() == SegmentType.IMPORT) {
      return coalesce(col(importedMemberColumn(s.id(), s.version())), lit(false));
    }
    return compile(s.definition(), ctx, depth + 1);
  }

  /** ALL = every one, ANY = at least one, NONE = not any. An empty list matches everyone. */
  static Column combine(List<Column> cs, String how) {
    if (cs.isEmpty()) {
      return lit(true);
    }
    BinaryOperator<Column> and = Column::and;
    BinaryOperator<Column> or = Column::or;
    return switch (how) {
      case "ALL" -> cs.stream().reduce(and).orElseThrow();
      case "ANY" -> cs.stream().reduce(or).orElseThrow();
      default -> not(cs.stream().reduce(or).orElseThrow());
    };
  }

  private static Column demographic(String path, SegmentDemographics d) {
    Column p = lit(true);
    p = p.and(set(path + ".AppVersion", col("Demographic").getField("AppVersion"), d.appVersion()));
    p = p.and(set(path + ".Channel", col("ChannelType"), d.channel()));
    p = p.and(set(path + ".DeviceType", col("Demographic").getField("Platform"), d.deviceType()));
    p = p.and(set(path + ".Make", col("Demographic").getField("Make"), d.make()));
    p = p.and(set(path + ".Model", col("Demographic").getField("Model"), d.model()));
    p = p.and(set(path + ".Platform", col("Demographic").getField("Platform"), d.platform()));
    return p;
  }

  private static Column location(String path, SegmentLocation l) {
    Column p = set(path + ".Country", col("Location").getField("Country"), l.country());
    if (l.gpsPoint() != null) {
      p = p.and(gps(path + ".GPSPoint", l.gpsPoint()));
    }
    return p;
  }

  private static Column gps(String path, GPSPointDimension g) {
    if (g.coordinates() == null || g.coordinates().latitude() == null || g.coordinates().longitude() == null) {
      throw LakecastErrors.missingMember(SHAPE, path + ".Coordinates.Latitude/Longitude");
    }
    double lat = g.coordinates().latitude();
    double lon = g.coordinates().longitude();
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) {
      throw LakecastErrors.invalidMember(SHAPE, path + ".Coordinates", "latitude must be within [-90, 90] and"
          + " longitude within [-180, 180]");
    }
    double range = g.rangeInKilometers() == null ? DEFAULT_RANGE_KM : g.rangeInKilometers();
    if (range < 0) {
      throw LakecastErrors.invalidMember(SHAPE, path + ".RangeInKilometers", "expected a distance of 0 or more");
    }
    Column elat = col("Location").getField("Latitude");
    Column elon = col("Location").getField("Longitude");
    return coalesce(haversineKm(lit(lat), lit(lon), elat, elon).leq(lit(range)), lit(false));
  }

  /** Great-circle distance in km, operation for operation as {@link #haversineKm(double, double, double, double)}. */
  static Column haversineKm(Column lat1, Column lon1, Column lat2, Column lon2) {
    Column dLat = sin(radians(lat2).minus(radians(lat1)).divide(2));
    Column dLon = sin(radians(lon2).minus(radians(lon1)).divide(2));
    Column a = dLat.multiply(dLat).plus(cos(radians(lat1)).multiply(cos(radians(lat2))).multiply(dLon).multiply(dLon));
    return lit(2 * EARTH_RADIUS_KM).multiply(asin(sqrt(a)));
  }

  /** Great-circle distance in km (plain Java). */
  public static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double dLat = Math.sin((Math.toRadians(lat2) - Math.toRadians(lat1)) / 2);
    double dLon = Math.sin((Math.toRadians(lon2) - Math.toRadians(lon1)) / 2);
    double a = dLat * dLat + Math.cos(Math.toRadians(lat1)) * Math.cos(Math.toRadians(lat2)) * dLon * dLon;
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(a));
  }

  private static Column recency(String path, RecencyDimension r, Instant asOf) {
    if (r.duration() == null) {
      throw LakecastErrors.missingMember(SHAPE, path + ".Duration");
    }
    if (r.recencyType() == null) {
      throw LakecastErrors.missingMember(SHAPE, path + ".RecencyType");
    }
    Instant since = asOf.minus(window(r.duration()));
    Column last = col(LAST_ACTIVITY);
    Column active = coalesce(last.gt(lit(since)).and(last.leq(lit(asOf))), lit(false));
    return r.recencyType() == io.lakecast.model.PinpointEnums.RecencyType.ACTIVE ? active : not(active);
  }

  /** The length of a recency window. */
  public static java.time.Duration window(io.lakecast.model.PinpointEnums.Duration d) {
    return switch (d) {
      case HR_24 -> java.time.Duration.ofHours(24);
      case DAY_7 -> java.time.Duration.ofDays(7);
      case DAY_14 -> java.time.Duration.ofDays(14);
      case DAY_30 -> java.time.Duration.ofDays(30);
    };
  }

  /** A SetDimension over a string field. */
  static Column set(String path, Column field, SetDimension dim) {
    return set(SHAPE, path, field, dim);
  }

  /** A SetDimension over a string field; errors name {@code path} in {@code shape}. */
  public static Column set(String shape, String path, Column field, SetDimension dim) {
    if (dim == null) {
      return lit(true);
    }
    List<String> values = requireValues(shape, path, dim.values());
    // Two-valued without coalesce, so Spark can push the comparison down to the Parquet reader.
    return dim.dimensionType() == DimensionType.EXCLUSIVE
        ? field.isNull().or(not(field.isin(values.toArray())))
        : field.isNotNull().and(field.isin(values.toArray()));
  }

  /** An AttributeDimension over a multi-valued attribute map. */
  static Column attribute(String path, Column map, String name, AttributeDimension dim) {
    return attribute(SHAPE, path, map, name, dim);
  }

  /**
   * An AttributeDimension over a multi-valued attribute map (string → array of strings); errors name {@code path} in
   * {@code shape}.
   */
  public static Column attribute(String shape, String path, Column map, String name, AttributeDimension dim) {
    if (dim == null) {
      throw LakecastErrors.missingMember(shape, path);
    }
    AttributeType type = dim.attributeType() == null ? AttributeType.INCLUSIVE : dim.attributeType();
    List<String> values = requireValues(shape, path, dim.values());
    Column list = element_at(map, lit(name));
    return switch (type) {
      case INCLUSIVE -> anyValue(list, v -> v.isin(values.toArray()));
      case EXCLUSIVE -> not(anyValue(list, v -> v.isin(values.toArray())));
      case CONTAINS -> anyValue(list, v -> values.stream().map(v::contains).reduce(Column::or).orElseThrow());
      case BEFORE -> {
        Instant t = instants(shape, path, values, 1).get(0);
        yield anyValue(list, v -> instant(v).lt(lit(t)));
      }
      case AFTER -> {
        Instant t = instants(shape, path, values, 1).get(0);
        yield anyValue(list, v -> instant(v).gt(lit(t)));
      }
      case ON -> {
        Instant day = instants(shape, path, values, 1).get(0).truncatedTo(ChronoUnit.DAYS);
        Instant next = day.plus(1, ChronoUnit.DAYS);
        yield anyValue(list, v -> instant(v).geq(lit(day)).and(instant(v).lt(lit(next))));
      }
      case BETWEEN -> {
        List<Instant> range = instants(shape, path, values, 2);
        if (range.get(0).isAfter(range.get(1))) {
          throw LakecastErrors.invalidMember(shape, path + ".Values", "BETWEEN expects the earlier instant first");
        }
        yield anyValue(list, v -> instant(v).geq(lit(range.get(0))).and(instant(v).leq(lit(range.get(1)))));
      }
    };
  }

  private static Column anyValue(Column list, java.util.function.Function<Column, Column> test) {
    return coalesce(exists(list, v -> coalesce(test.apply(v), lit(false))), lit(false));
  }

  /** An endpoint attribute value read as an instant (null when it is not one). Independent of session time zone. */
  static Column instant(Column v) {
    Column iso =
        when(v.rlike(INSTANT_PATTERN), v).when(v.rlike(DATE_PATTERN), concat(v, lit("T00:00:00Z")));
    return try_to_timestamp(iso);
  }

  /** Parses a criterion value: an ISO-8601 UTC instant or a date, else null. Plain Java twin of {@link #instant}. */
  public static Instant parseInstant(String v) {
    if (v == null) {
      return null;
    }
    try {
      if (v.matches(INSTANT_PATTERN)) {
        return Instant.parse(v);
      }
      if (v.matches(DATE_PATTERN)) {
        return Instant.parse(v + "T00:00:00Z");
      }
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
    return null;
  }

  private static List<Instant> instants(String shape, String path, List<String> values, int count) {
    if (values.size() != count) {
      throw LakecastErrors.invalidMember(shape, path + ".Values", "expected exactly " + count
          + (count == 1 ? " instant" : " instants (from, to)") + ", got " + values.size());
    }
    List<Instant> out = new ArrayList<>();
    for (String v : values) {
      Instant t = parseInstant(v);
      if (t == null) {
        throw LakecastErrors.invalidMember(shape, path + ".Values", "'" + v + "' is not an ISO-8601 instant in UTC"
            + " such as 2026-01-31T12:00:00Z, or a date such as 2026-01-31");
      }
      out.add(t);
    }
    return out;
  }

  /** A MetricDimension over the endpoint's Metrics. */
  static Column metric(String path, String name, MetricDimension dim) {
    return metric(SHAPE, path, col("Metrics"), name, dim);
  }

  /** A MetricDimension over a metric map (string → double); errors name {@code path} in {@code shape}. */
  public static Column metric(String shape, String path, Column metrics, String name, MetricDimension dim) {
    if (dim == null || dim.comparisonOperator() == null) {
      throw LakecastErrors.missingMember(shape, path + ".ComparisonOperator");
    }
    if (dim.value() == null) {
      throw LakecastErrors.missingMember(shape, path + ".Value");
    }
    Column m = element_at(metrics, lit(name));
    Column v = lit(dim.value());
    Column cmp =
        switch (dim.comparisonOperator()) {
          case "GREATER_THAN" -> m.gt(v);
          case "LESS_THAN" -> m.lt(v);
          case "GREATER_THAN_OR_EQUAL" -> m.geq(v);
          case "LESS_THAN_OR_EQUAL" -> m.leq(v);
          case "EQUAL" -> m.equalTo(v);
          default -> throw LakecastErrors.invalidEnum(
              shape, path + ".ComparisonOperator", dim.comparisonOperator(), METRIC_OPERATORS);
        };
    return coalesce(cmp, lit(false));
  }

  private static List<String> requireValues(String shape, String path, List<String> values) {
    if (values == null || values.isEmpty()) {
      throw LakecastErrors.invalidMember(shape, path + ".Values", "expected at least one value");
    }
    return values;
  }

  /** Whether the request uses recency (so the evaluator must prepare {@code LastActivity}). */
  public static boolean usesRecency(WriteSegmentRequest r, Context ctx) {
    return walk(r, ctx, 0).recency;
  }

  /** Imported segments the request refers to, as (id, version) pairs, so the evaluator can prepare membership. */
  public static Set<Source> importedSources(WriteSegmentRequest r, Context ctx) {
    return walk(r, ctx, 0).imported;
  }

  private record Usage(boolean recency, Set<Source> imported) {}

  private static Usage walk(WriteSegmentRequest r, Context ctx, int depth) {
    boolean recency = false;
    Set<Source> imported = new java.util.LinkedHashSet<>();
    if (r.dimensions() != null) {
      recency = hasRecency(r.dimensions());
    }
    if (r.segmentGroups() != null && r.segmentGroups().groups() != null && depth < MAX_SOURCE_DEPTH) {
      for (SegmentGroup g : r.segmentGroups().groups()) {
        if (g == null) {
          continue;
        }
        if (g.dimensions() != null) {
          for (SegmentDimensions d : g.dimensions()) {
            recency |= hasRecency(d);
          }
        }
        if (g.sourceSegments() != null) {
          for (SegmentReference ref : g.sourceSegments()) {
            if (ref == null || ref.id() == null) {
              continue;
            }
            Source s = ctx.sources().resolve(ref.id(), ref.version());
            if (s.type() == SegmentType.IMPORT) {
              imported.add(new Source(s.id(), s.version(), s.type(), null));
            } else {
              Usage u = walk(s.definition(), ctx, depth + 1);
              recency |= u.recency;
              imported.addAll(u.imported);
            }
          }
        }
      }
    }
    return new Usage(recency, imported);
  }

  private static boolean hasRecency(SegmentDimensions d) {
    return d != null && d.behavior() != null && d.behavior().recency() != null;
  }
}
