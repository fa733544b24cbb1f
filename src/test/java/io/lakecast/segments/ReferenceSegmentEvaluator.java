package io.lakecast.segments;

import io.lakecast.model.PinpointEnums.AttributeType;
import io.lakecast.model.PinpointEnums.DimensionType;
import io.lakecast.model.PinpointEnums.RecencyType;
import io.lakecast.model.PinpointEnums.SegmentType;
import io.lakecast.model.SegmentShapes.AttributeDimension;
import io.lakecast.model.SegmentShapes.MetricDimension;
import io.lakecast.model.SegmentShapes.SegmentDemographics;
import io.lakecast.model.SegmentShapes.SegmentDimensions;
import io.lakecast.model.SegmentShapes.SegmentGroup;
import io.lakecast.model.SegmentShapes.SegmentReference;
import io.lakecast.model.SegmentShapes.SetDimension;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An independent, plain-Java reading of the segment semantics documented in README ("Segments"), over in-memory
 * endpoint records. Written without looking at the Column code paths; the differential test checks the two agree.
 */
final class ReferenceSegmentEvaluator {
  private static final Pattern ISO = Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");

  /** One endpoint as the reference sees it. */
  record Ep(
      String id, String channel, String appVersion, String make, String model, String platform, String country,
      Double lat, Double lon, Map<String, List<String>> attributes, Map<String, List<String>> userAttributes,
      Map<String, Double> metrics, Instant lastActivity, Set<String> importedIn) {}

  /** A source segment: dimensional with a definition, or imported (membership in {@link Ep#importedIn}). */
  record Src(SegmentType type, WriteSegmentRequest definition) {}

  private final Map<String, Src> sources;
  private final Instant asOf;

  ReferenceSegmentEvaluator(Map<String, Src> sources, Instant asOf) {
    this.sources = sources;
    this.asOf = asOf;
  }

  boolean matches(WriteSegmentRequest r, Ep e) {
    if (r.segmentGroups() == null) {
      return dims(r.dimensions(), e);
    }
    List<Boolean> groups = new ArrayList<>();
    for (SegmentGroup g : r.segmentGroups().groups() == null ? List.<SegmentGroup>of() : r.segmentGroups().groups()) {
      groups.add(group(g, e));
    }
    String include = r.segmentGroups().include() == null ? "ALL" : r.segmentGroups().include().name();
    return combine(groups, include);
  }

  private boolean group(SegmentGroup g, Ep e) {
    boolean base = true;
    if (g.sourceSegments() != null && !g.sourceSegments().isEmpty()) {
      List<Boolean> in = new ArrayList<>();
      for (SegmentReference ref : g.sourceSegments()) {
        Src s = sources.get(ref.id());
        in.add(s.type() == SegmentType.IMPORT ? e.importedIn().contains(ref.id()) : matches(s.definition(), e));
      }
      base = combine(in, g.sourceType() == null ? "ALL" : g.sourceType().name());
    }
    if (g.dimensions() == null || g.dimensions().isEmpty()) {
      return base;
    }
    List<Boolean> ds = new ArrayList<>();
    for (SegmentDimensions d : g.dimensions()) {
      ds.add(dims(d, e));
    }
    return base && combine(ds, g.type() == null ? "ALL" : g.type().name());
  }

  private static boolean combine(List<Boolean> bs, String how) {
    if (bs.isEmpty()) {
      return true;
    }
    boolean any = bs.contains(true);
    boolean all = !bs.contains(false);
    return switch (how) {
      case "ALL" -> all;
      case "ANY" -> any;
      default -> !any;
    };
  }

  private boolean dims(SegmentDimensions d, Ep e) {
    if (d == null) {
      return true;
    }
    if (d.behavior() != null && d.behavior().recency() != null) {
      Instant since = asOf.minus(SegmentPredicates.window(d.behavior().recency().duration()));
      boolean active = e.lastActivity() != null && e.lastActivity().isAfter(since) && !e.lastActivity().isAfter(asOf);
      if (active != (d.behavior().recency().recencyType() == RecencyType.ACTIVE)) {
        return false;
      }
    }
    SegmentDemographics demo = d.demographic();
    if (demo != null) {
      if (!set(demo.appVersion(), e.appVersion()) || !set(demo.channel(), e.channel())
          || !set(demo.deviceType(), e.platform()) || !set(demo.make(), e.make())
          || !set(demo.model(), e.model()) || !set(demo.platform(), e.platform())) {
        return false;
      }
    }
    if (d.location() != null) {
      if (!set(d.location().country(), e.country())) {
        return false;
      }
      if (d.location().gpsPoint() != null) {
        if (e.lat() == null || e.lon() == null) {
          return false;
        }
        double range = d.location().gpsPoint().rangeInKilometers() == null ? 100.0
            : d.location().gpsPoint().rangeInKilometers();
        double km = SegmentPredicates.haversineKm(d.location().gpsPoint().coordinates().latitude(),
            d.location().gpsPoint().coordinates().longitude(), e.lat(), e.lon());
        if (!(km <= range)) {
          return false;
        }
      }
    }
    if (d.attributes() != null) {
      for (var a : d.attributes().entrySet()) {
        if (!attribute(a.getValue(), e.attributes() == null ? null : e.attributes().get(a.getKey()))) {
          return false;
        }
      }
    }
    if (d.userAttributes() != null) {
      for (var a : d.userAttributes().entrySet()) {
        if (!attribute(a.getValue(), e.userAttributes() == null ? null : e.userAttributes().get(a.getKey()))) {
          return false;
        }
      }
    }
    if (d.metrics() != null) {
      for (var m : d.metrics().entrySet()) {
        Double v = e.metrics() == null ? null : e.metrics().get(m.getKey());
        if (v == null || !compare(m.getValue(), v)) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean compare(MetricDimension m, double v) {
    double x = m.value();
    return switch (m.comparisonOperator()) {
      case "GREATER_THAN" -> v > x;
      case "LESS_THAN" -> v < x;
      case "GREATER_THAN_OR_EQUAL" -> v >= x;
      case "LESS_THAN_OR_EQUAL" -> v <= x;
      default -> v == x;
    };
  }

  private static boolean set(SetDimension s, String field) {
    if (s == null) {
      return true;
    }
    boolean in = field != null && s.values().contains(field);
    return s.dimensionType() == DimensionType.EXCLUSIVE ? !in : in;
  }

  private static boolean attribute(AttributeDimension a, List<String> values) {
    AttributeType type = a.attributeType() == null ? AttributeType.INCLUSIVE : a.attributeType();
    List<String> vs = values == null ? List.of() : values;
    switch (type) {
      case INCLUSIVE:
        return vs.stream().anyMatch(a.values()::contains);
      case EXCLUSIVE:
        return vs.stream().noneMatch(a.values()::contains);
      case CONTAINS:
        return vs.stream().anyMatch(v -> a.values().stream().anyMatch(v::contains));
      default:
        break;
    }
    Instant x = parse(a.values().get(0));
    for (String v : vs) {
      Instant t = parse(v);
      if (t == null) {
        continue;
      }
      boolean hit = switch (type) {
        case BEFORE -> t.isBefore(x);
        case AFTER -> t.isAfter(x);
        case ON -> t.atZone(ZoneOffset.UTC).toLocalDate().equals(x.atZone(ZoneOffset.UTC).toLocalDate());
        default -> !t.isBefore(x) && !t.isAfter(parse(a.values().get(1)));
      };
      if (hit) {
        return true;
      }
    }
    return false;
  }

  private static Instant parse(String v) {
    if (ISO.matcher(v).matches()) {
      return Instant.parse(v);
    }
    if (DATE.matcher(v).matches()) {
      return java.time.LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return null;
  }
}
