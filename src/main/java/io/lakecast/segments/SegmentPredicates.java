package io.lakecast.segments;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.lit;

import io.lakecast.LakecastErrors;
import io.lakecast.model.PinpointEnums.AttributeType;
import io.lakecast.model.PinpointEnums.DimensionType;
import io.lakecast.model.SegmentShapes.AttributeDimension;
import io.lakecast.model.SegmentShapes.MetricDimension;
import io.lakecast.model.SegmentShapes.SegmentDemographics;
import io.lakecast.model.SegmentShapes.SegmentDimensions;
import io.lakecast.model.SegmentShapes.SegmentLocation;
import io.lakecast.model.SegmentShapes.SetDimension;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Compiles {@code SegmentDimensions} into one Spark {@link Column} predicate over the {@code endpoints} table. Pure:
 * no session, no reads. Every present criterion must hold (AND).
 *
 * <p>Semantics: a SetDimension INCLUSIVE matches when the field equals one of the values (exact, case-sensitive); an
 * endpoint without the field never matches INCLUSIVE and always matches EXCLUSIVE. An AttributeDimension INCLUSIVE
 * matches when any of the endpoint's values for that attribute equals one of the values; EXCLUSIVE matches when
 * none does (endpoints without the attribute match EXCLUSIVE). A metric criterion never matches an endpoint
 * without that metric.
 */
public final class SegmentPredicates {
  private SegmentPredicates() {}

  static final String SHAPE = "WriteSegmentRequest";
  static final List<String> METRIC_OPERATORS =
      List.of("GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL", "EQUAL");

  /** Checks the request is one Lakecast can evaluate, with errors naming the member path. */
  public static void validate(WriteSegmentRequest request) {
    if (request.dimensions() != null && request.segmentGroups() != null) {
      throw LakecastErrors.invalidMember(
          SHAPE, "Dimensions/SegmentGroups", "a request can include Dimensions or SegmentGroups, not both");
    }
    if (request.segmentGroups() != null) {
      throw LakecastErrors.unsupported(SHAPE, "SegmentGroups", "Dimensions");
    }
    if (request.dimensions() != null) {
      compile(request.dimensions());
    }
  }

  /** The predicate of the dimensions; {@code null} dimensions match every endpoint. */
  public static Column compile(SegmentDimensions d) {
    Column p = lit(true);
    if (d == null) {
      return p;
    }
    if (d.behavior() != null) {
      throw LakecastErrors.unsupported(SHAPE, "Dimensions.Behavior", "Attributes, UserAttributes, Demographic,"
          + " Location.Country, Metrics");
    }
    if (d.demographic() != null) {
      p = p.and(demographic(d.demographic()));
    }
    if (d.location() != null) {
      p = p.and(location(d.location()));
    }
    if (d.attributes() != null) {
      for (Map.Entry<String, AttributeDimension> e : d.attributes().entrySet()) {
        p = p.and(attribute("Dimensions.Attributes." + e.getKey(), col("Attributes"), e.getKey(), e.getValue()));
      }
    }
    if (d.userAttributes() != null) {
      for (Map.Entry<String, AttributeDimension> e : d.userAttributes().entrySet()) {
        p = p.and(
            attribute(
                "Dimensions.UserAttributes." + e.getKey(),
                col("User").getField("UserAttributes"),
                e.getKey(),
                e.getValue()));
      }
    }
    if (d.metrics() != null) {
      for (Map.Entry<String, MetricDimension> e : d.metrics().entrySet()) {
        p = p.and(metric("Dimensions.Metrics." + e.getKey(), e.getKey(), e.getValue()));
      }
    }
    return p;
  }

  private static Column demographic(SegmentDemographics d) {
    Column p = lit(true);
    if (d.deviceType() != null) {
      throw LakecastErrors.unsupported(SHAPE, "Dimensions.Demographic.DeviceType", "AppVersion, Channel, Make,"
          + " Model, Platform");
    }
    p = p.and(set("Dimensions.Demographic.AppVersion", col("Demographic").getField("AppVersion"), d.appVersion()));
    p = p.and(set("Dimensions.Demographic.Channel", col("ChannelType"), d.channel()));
    p = p.and(set("Dimensions.Demographic.Make", col("Demographic").getField("Make"), d.make()));
    p = p.and(set("Dimensions.Demographic.Model", col("Demographic").getField("Model"), d.model()));
    p = p.and(set("Dimensions.Demographic.Platform", col("Demographic").getField("Platform"), d.platform()));
    return p;
  }

  private static Column location(SegmentLocation l) {
    if (l.gpsPoint() != null) {
      throw LakecastErrors.unsupported(SHAPE, "Dimensions.Location.GPSPoint", "Location.Country");
    }
    return set("Dimensions.Location.Country", col("Location").getField("Country"), l.country());
  }

  /** A SetDimension over a string field. */
  static Column set(String path, Column field, SetDimension dim) {
    if (dim == null) {
      return lit(true);
    }
    List<String> values = requireValues(path, dim.values());
    Column in = coalesce(field.isin(values.toArray()), lit(false));
    return dim.dimensionType() == DimensionType.EXCLUSIVE ? in.unary_$bang() : in;
  }

  /** An AttributeDimension over a multi-valued attribute map. */
  static Column attribute(String path, Column map, String name, AttributeDimension dim) {
    if (dim == null) {
      throw LakecastErrors.missingMember(SHAPE, path);
    }
    AttributeType type = dim.attributeType() == null ? AttributeType.INCLUSIVE : dim.attributeType();
    List<String> values = requireValues(path, dim.values());
    Column any =
        coalesce(exists(element_at(map, lit(name)), v -> v.isin(values.toArray())), lit(false));
    return switch (type) {
      case INCLUSIVE -> any;
      case EXCLUSIVE -> any.unary_$bang();
      default -> throw LakecastErrors.unsupported(SHAPE, path + ".AttributeType=" + type, "INCLUSIVE, EXCLUSIVE");
    };
  }

  /** A MetricDimension. */
  static Column metric(String path, String name, MetricDimension dim) {
    if (dim == null || dim.comparisonOperator() == null) {
      throw LakecastErrors.missingMember(SHAPE, path + ".ComparisonOperator");
    }
    if (dim.value() == null) {
      throw LakecastErrors.missingMember(SHAPE, path + ".Value");
    }
    Column m = element_at(col("Metrics"), lit(name));
    Column v = lit(dim.value());
    Column cmp =
        switch (dim.comparisonOperator()) {
          case "GREATER_THAN" -> m.gt(v);
          case "LESS_THAN" -> m.lt(v);
          case "GREATER_THAN_OR_EQUAL" -> m.geq(v);
          case "LESS_THAN_OR_EQUAL" -> m.leq(v);
          case "EQUAL" -> m.equalTo(v);
          default -> throw LakecastErrors.invalidEnum(
              SHAPE, path + ".ComparisonOperator", dim.comparisonOperator(), METRIC_OPERATORS);
        };
    return coalesce(cmp, lit(false));
  }

  private static List<String> requireValues(String path, List<String> values) {
    if (values == null || values.isEmpty()) {
      throw LakecastErrors.invalidMember(SHAPE, path + ".Values", "expected at least one value");
    }
    return values;
  }
}
