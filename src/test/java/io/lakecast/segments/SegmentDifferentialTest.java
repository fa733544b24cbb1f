package io.lakecast.segments;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.model.PinpointEnums.AttributeType;
import io.lakecast.model.PinpointEnums.DimensionType;
import io.lakecast.model.PinpointEnums.Duration;
import io.lakecast.model.PinpointEnums.Include;
import io.lakecast.model.PinpointEnums.RecencyType;
import io.lakecast.model.PinpointEnums.SegmentType;
import io.lakecast.model.PinpointEnums.SourceType;
import io.lakecast.model.PinpointEnums.Type;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.SegmentShapes.AttributeDimension;
import io.lakecast.model.SegmentShapes.GPSCoordinates;
import io.lakecast.model.SegmentShapes.GPSPointDimension;
import io.lakecast.model.SegmentShapes.MetricDimension;
import io.lakecast.model.SegmentShapes.RecencyDimension;
import io.lakecast.model.SegmentShapes.SegmentBehaviors;
import io.lakecast.model.SegmentShapes.SegmentDemographics;
import io.lakecast.model.SegmentShapes.SegmentDimensions;
import io.lakecast.model.SegmentShapes.SegmentGroup;
import io.lakecast.model.SegmentShapes.SegmentGroupList;
import io.lakecast.model.SegmentShapes.SegmentLocation;
import io.lakecast.model.SegmentShapes.SegmentReference;
import io.lakecast.model.SegmentShapes.SetDimension;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.segments.ReferenceSegmentEvaluator.Ep;
import io.lakecast.segments.ReferenceSegmentEvaluator.Src;
import io.lakecast.testing.SparkTestSession;
import io.lakecast.warehouse.Table;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Differential proof of segment evaluation: 1,000 random definitions covering every dimension type and group
 * combination, over a random population full of edge cases, evaluated by Spark (the Column predicates) and by
 * {@link ReferenceSegmentEvaluator}; they must agree on every endpoint of every definition.
 */
class SegmentDifferentialTest {
  static final long SEED = 20261126L;
  static final int ENDPOINTS = 400;
  static final int DEFINITIONS = 1000;
  static final int BATCH = 50;
  static final Instant AS_OF = Instant.parse("2026-06-15T12:00:00Z");
  static final double LAT = 47.6;
  static final double LON = -122.3;

  static final String[] CHANNELS = {"EMAIL", "SMS", "GCM", "APNS", "VOICE"};
  static final String[] PLATFORMS = {"ios", "iOS", "android", "web"};
  static final String[] MAKES = {"apple", "Apple", "samsung", "google"};
  static final String[] MODELS = {"iPhone", "Pixel", "SM-G900F"};
  static final String[] VERSIONS = {"1.0", "2.0", "2.0.1"};
  static final String[] COUNTRIES = {"US", "us", "CA", "GB", "DE"};
  static final String[] INTERESTS = {"Music", "music", "Travel", "Sports", "Board games", ""};
  static final String[] TIERS = {"Gold", "gold", "Silver"};
  static final String[] DATES = {
    "2026-01-15T00:00:00Z", "2026-01-15T23:59:59.999Z", "2026-01-16", "2026-01-14T12:00:00Z",
    "2026-01-16T00:00:00Z", "2025-12-31T23:59:59Z", "not-a-date", "2026-01-15T10:00:00+01:00", "2026-1-5"
  };
  static final String[] CRITERION_DATES = {
    "2026-01-15T00:00:00Z", "2026-01-15", "2026-01-16T00:00:00Z", "2026-01-14T12:00:00Z", "2026-01-15T23:59:59.999Z"
  };
  static final double[] METRIC_VALUES = {0, 1, 1.5, 2, 5, -1, 100};
  static final String[] OPERATORS = {"GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL",
      "EQUAL"};
  static final long[] ACTIVITY_OFFSETS_HOURS = {1, 24, 25, 24 * 7, 24 * 7 + 1, 24 * 14, 24 * 30, 24 * 31, -5};

  final SplittableRandom rnd = new SplittableRandom(SEED);
  final Set<String> covered = new TreeSet<>();
  final List<Ep> population = new ArrayList<>();

  @Test
  void sparkAgreesWithTheReferenceOnEveryEndpointOfEveryDefinition() {
    for (int i = 0; i < ENDPOINTS; i++) {
      population.add(endpoint(i));
    }
    Map<String, Src> sources = new LinkedHashMap<>();
    for (int i = 1; i <= 4; i++) {
      sources.put("dim" + i, new Src(SegmentType.DIMENSIONAL, new WriteSegmentRequest(dimensions(), null, null, null)));
    }
    sources.put("imp1", new Src(SegmentType.IMPORT, null));
    sources.put("imp2", new Src(SegmentType.IMPORT, null));
    SegmentPredicates.Sources resolver =
        (id, version) -> new SegmentPredicates.Source(id, 1, sources.get(id).type(), sources.get(id).definition());
    SegmentPredicates.Context ctx = new SegmentPredicates.Context(AS_OF, resolver);
    ReferenceSegmentEvaluator reference = new ReferenceSegmentEvaluator(sources, AS_OF);
    Dataset<Row> endpoints = toSpark(population).cache();

    List<WriteSegmentRequest> definitions = new ArrayList<>();
    for (int i = 0; i < DEFINITIONS; i++) {
      definitions.add(rnd.nextInt(100) < 35 ? groups() : new WriteSegmentRequest(dimensions(), null, null, null));
    }
    assertThat(covered).as("dimension and group kinds covered").containsAll(expectedCoverage());

    int nonTrivial = 0;
    List<String> mismatches = new ArrayList<>();
    for (int from = 0; from < DEFINITIONS; from += BATCH) {
      List<Column> cols = new ArrayList<>();
      cols.add(col("Id"));
      int to = Math.min(DEFINITIONS, from + BATCH);
      for (int d = from; d < to; d++) {
        cols.add(SegmentPredicates.compile(definitions.get(d), ctx).as("d" + d));
      }
      Map<String, Row> byId = new HashMap<>();
      for (Row r : endpoints.select(cols.toArray(Column[]::new)).collectAsList()) {
        byId.put(r.getString(0), r);
      }
      for (int d = from; d < to; d++) {
        int members = 0;
        for (Ep e : population) {
          boolean spark = byId.get(e.id()).getBoolean(d - from + 1);
          boolean expected = reference.matches(definitions.get(d), e);
          members += expected ? 1 : 0;
          if (spark != expected && mismatches.size() < 10) {
            mismatches.add("definition " + d + " " + PinpointJson.compact(definitions.get(d)) + "\n  endpoint "
                + e + ": spark " + spark + ", reference " + expected);
          }
        }
        nonTrivial += members > 0 && members < ENDPOINTS ? 1 : 0;
      }
    }
    assertThat(mismatches).as("disagreements (seed " + SEED + ")").isEmpty();
    assertThat(nonTrivial).as("definitions selecting some but not all endpoints").isGreaterThan(DEFINITIONS / 3);
  }

  static Set<String> expectedCoverage() {
    Set<String> all = new TreeSet<>();
    for (AttributeType t : AttributeType.values()) {
      all.add("attr:" + t);
    }
    for (String op : OPERATORS) {
      all.add("metric:" + op);
    }
    for (String f : List.of("AppVersion", "Channel", "DeviceType", "Make", "Model", "Platform", "Country")) {
      all.add("set:" + f);
    }
    for (DimensionType t : DimensionType.values()) {
      all.add("settype:" + t);
    }
    for (Duration d : Duration.values()) {
      for (RecencyType r : RecencyType.values()) {
        all.add("recency:" + r + ":" + d);
      }
    }
    for (String x : List.of("ALL", "ANY", "NONE")) {
      all.add("include:" + x);
      all.add("sourcetype:" + x);
      all.add("type:" + x);
    }
    all.addAll(List.of("gps", "gps:boundary", "userattr", "source:IMPORT", "source:DIMENSIONAL"));
    return all;
  }

  // ---- population ----

  Ep endpoint(int i) {
    boolean hasDemo = rnd.nextInt(10) > 0;
    boolean hasCoords = rnd.nextInt(4) > 0;
    Map<String, List<String>> attrs = null;
    if (rnd.nextInt(5) > 0) {
      attrs = new LinkedHashMap<>();
      if (rnd.nextInt(4) > 0) {
        attrs.put("Interests", pickSome(INTERESTS, 0, 3));
      }
      if (rnd.nextInt(3) > 0) {
        attrs.put("Signup", pickSome(DATES, 1, 2));
      }
    }
    Map<String, List<String>> user = rnd.nextInt(3) > 0 ? Map.of("Tier", pickSome(TIERS, 0, 2)) : null;
    Map<String, Double> metrics = null;
    if (rnd.nextInt(5) > 0) {
      metrics = new LinkedHashMap<>();
      if (rnd.nextInt(4) > 0) {
        metrics.put("purchases", METRIC_VALUES[rnd.nextInt(METRIC_VALUES.length)]);
      }
      if (rnd.nextBoolean()) {
        metrics.put("score", METRIC_VALUES[rnd.nextInt(METRIC_VALUES.length)]);
      }
    }
    Instant last = rnd.nextInt(6) == 0 ? null
        : AS_OF.minusSeconds(ACTIVITY_OFFSETS_HOURS[rnd.nextInt(ACTIVITY_OFFSETS_HOURS.length)] * 3600);
    Set<String> imported = new HashSet<>();
    if (rnd.nextBoolean()) {
      imported.add("imp1");
    }
    if (rnd.nextInt(3) == 0) {
      imported.add("imp2");
    }
    return new Ep(
        "e" + i,
        rnd.nextInt(20) == 0 ? null : pick(CHANNELS),
        hasDemo ? maybe(VERSIONS) : null,
        hasDemo ? maybe(MAKES) : null,
        hasDemo ? maybe(MODELS) : null,
        hasDemo ? maybe(PLATFORMS) : null,
        rnd.nextInt(6) == 0 ? null : pick(COUNTRIES),
        hasCoords ? Math.round((LAT + rnd.nextDouble(-2, 2)) * 10) / 10.0 : null,
        hasCoords ? Math.round((LON + rnd.nextDouble(-2, 2)) * 10) / 10.0 : null,
        attrs, user, metrics, last, imported);
  }

  String pick(String[] values) {
    return values[rnd.nextInt(values.length)];
  }

  String maybe(String[] values) {
    return rnd.nextInt(5) == 0 ? null : pick(values);
  }

  List<String> pickSome(String[] values, int min, int max) {
    int n = min + rnd.nextInt(max - min + 1);
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(pick(values));
    }
    return out;
  }

  // ---- definitions ----

  WriteSegmentRequest groups() {
    int n = 1 + rnd.nextInt(2);
    List<SegmentGroup> groups = new ArrayList<>();
    for (int g = 0; g < n; g++) {
      List<SegmentReference> refs = new ArrayList<>();
      int sources = rnd.nextInt(3);
      for (int s = 0; s < sources; s++) {
        String id = rnd.nextInt(3) == 0 ? (rnd.nextBoolean() ? "imp1" : "imp2") : "dim" + (1 + rnd.nextInt(4));
        covered.add(id.startsWith("imp") ? "source:IMPORT" : "source:DIMENSIONAL");
        refs.add(new SegmentReference(id, null));
      }
      List<SegmentDimensions> dims = new ArrayList<>();
      int nd = rnd.nextInt(4);
      for (int d = 0; d < nd; d++) {
        dims.add(dimensions());
      }
      SourceType st = rnd.nextInt(5) == 0 ? null : SourceType.values()[rnd.nextInt(3)];
      Type t = rnd.nextInt(5) == 0 ? null : Type.values()[rnd.nextInt(3)];
      if (!refs.isEmpty()) {
        covered.add("sourcetype:" + (st == null ? "ALL" : st));
      }
      if (!dims.isEmpty()) {
        covered.add("type:" + (t == null ? "ALL" : t));
      }
      groups.add(new SegmentGroup(dims.isEmpty() ? null : dims, refs.isEmpty() ? null : refs, st, t));
    }
    Include include = rnd.nextInt(5) == 0 ? null : Include.values()[rnd.nextInt(3)];
    covered.add("include:" + (include == null ? "ALL" : include));
    return new WriteSegmentRequest(null, null, new SegmentGroupList(groups, include), null);
  }

  SegmentDimensions dimensions() {
    Map<String, AttributeDimension> attrs = null;
    Map<String, AttributeDimension> userAttrs = null;
    Map<String, MetricDimension> metrics = null;
    SegmentDemographics demo = null;
    SegmentLocation loc = null;
    SegmentBehaviors behavior = null;
    int criteria = 1 + rnd.nextInt(3);
    for (int c = 0; c < criteria; c++) {
      switch (rnd.nextInt(6)) {
        case 0 -> {
          attrs = attrs == null ? new LinkedHashMap<>() : attrs;
          AttributeType t = AttributeType.values()[rnd.nextInt(AttributeType.values().length)];
          covered.add("attr:" + t);
          attrs.put(isDate(t) ? "Signup" : (rnd.nextInt(4) == 0 ? "Signup" : "Interests"), attribute(t));
        }
        case 1 -> {
          userAttrs = Map.of("Tier", new AttributeDimension(rnd.nextBoolean() ? AttributeType.INCLUSIVE
              : AttributeType.EXCLUSIVE, pickSome(TIERS, 1, 2)));
          covered.add("userattr");
        }
        case 2 -> {
          metrics = metrics == null ? new LinkedHashMap<>() : metrics;
          String op = OPERATORS[rnd.nextInt(OPERATORS.length)];
          covered.add("metric:" + op);
          metrics.put(rnd.nextBoolean() ? "purchases" : "score",
              new MetricDimension(op, METRIC_VALUES[rnd.nextInt(METRIC_VALUES.length)]));
        }
        case 3 -> demo = demographics();
        case 4 -> loc = location();
        default -> {
          Duration d = Duration.values()[rnd.nextInt(4)];
          RecencyType r = RecencyType.values()[rnd.nextInt(2)];
          covered.add("recency:" + r + ":" + d);
          behavior = new SegmentBehaviors(new RecencyDimension(d, r));
        }
      }
    }
    return new SegmentDimensions(attrs, behavior, demo, loc, metrics, userAttrs);
  }

  static boolean isDate(AttributeType t) {
    return t == AttributeType.BEFORE || t == AttributeType.AFTER || t == AttributeType.ON
        || t == AttributeType.BETWEEN;
  }

  AttributeDimension attribute(AttributeType t) {
    AttributeType declared = t == AttributeType.INCLUSIVE && rnd.nextInt(4) == 0 ? null : t;
    return switch (t) {
      case BEFORE, AFTER, ON -> new AttributeDimension(t, List.of(pick(CRITERION_DATES)));
      case BETWEEN -> {
        String a = pick(CRITERION_DATES);
        String b = pick(CRITERION_DATES);
        boolean ordered = SegmentPredicates.parseInstant(a).compareTo(SegmentPredicates.parseInstant(b)) <= 0;
        yield new AttributeDimension(t, ordered ? List.of(a, b) : List.of(b, a));
      }
      case CONTAINS -> new AttributeDimension(t, pickSome(new String[] {"us", "Mus", "a", "Travel", " ", "2026-01"},
          1, 2));
      default -> new AttributeDimension(declared, pickSome(rnd.nextBoolean() ? INTERESTS : DATES, 1, 3));
    };
  }

  SegmentDemographics demographics() {
    SetDimension[] f = new SetDimension[6];
    String[] names = {"AppVersion", "Channel", "DeviceType", "Make", "Model", "Platform"};
    String[][] pools = {VERSIONS, CHANNELS, PLATFORMS, MAKES, MODELS, PLATFORMS};
    int i = rnd.nextInt(6);
    f[i] = setDimension(names[i], pools[i]);
    if (rnd.nextBoolean()) {
      int j = rnd.nextInt(6);
      f[j] = setDimension(names[j], pools[j]);
    }
    return new SegmentDemographics(f[0], f[1], f[2], f[3], f[4], f[5]);
  }

  SetDimension setDimension(String name, String[] pool) {
    covered.add("set:" + name);
    DimensionType t = rnd.nextInt(5) == 0 ? null : DimensionType.values()[rnd.nextInt(2)];
    covered.add("settype:" + (t == null ? DimensionType.INCLUSIVE : t));
    return new SetDimension(t, pickSome(pool, 1, 2));
  }

  SegmentLocation location() {
    SetDimension country = rnd.nextBoolean() ? setDimension("Country", COUNTRIES) : null;
    GPSPointDimension gps = null;
    if (country == null || rnd.nextBoolean()) {
      covered.add("gps");
      double lat = LAT + rnd.nextDouble(-1, 1);
      double lon = LON + rnd.nextDouble(-1, 1);
      Double range;
      if (rnd.nextBoolean()) {
        // Exactly the distance of one endpoint, so that the endpoint sits on the boundary.
        Ep e = population.get(rnd.nextInt(population.size()));
        range = e.lat() == null ? 50.0 : SegmentPredicates.haversineKm(lat, lon, e.lat(), e.lon());
        covered.add("gps:boundary");
      } else {
        range = rnd.nextInt(4) == 0 ? null : rnd.nextDouble(1, 200);
      }
      gps = new GPSPointDimension(new GPSCoordinates(lat, lon), range);
    }
    return new SegmentLocation(country, gps);
  }

  // ---- Spark ----

  static Dataset<Row> toSpark(List<Ep> population) {
    SparkSession spark = SparkTestSession.get();
    StructType schema =
        new StructType()
            .add("Id", "string")
            .add("ChannelType", "string")
            .add("Demographic", Table.Schemas.DEMOGRAPHIC)
            .add("Location", Table.Schemas.LOCATION)
            .add("Attributes", Table.Schemas.MULTI_VALUED)
            .add("Metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType))
            .add("User", Table.Schemas.USER)
            .add(SegmentPredicates.LAST_ACTIVITY, DataTypes.TimestampType)
            .add(SegmentPredicates.importedMemberColumn("imp1", 1), DataTypes.BooleanType)
            .add(SegmentPredicates.importedMemberColumn("imp2", 1), DataTypes.BooleanType);
    List<Row> rows = new ArrayList<>();
    for (Ep e : population) {
      rows.add(RowFactory.create(
          e.id(), e.channel(),
          RowFactory.create(e.appVersion(), null, e.make(), e.model(), null, e.platform(), null, null),
          RowFactory.create(null, e.country(), e.lat(), e.lon(), null, null),
          e.attributes(), e.metrics(),
          e.userAttributes() == null ? null : RowFactory.create(e.userAttributes(), "u-" + e.id()),
          e.lastActivity() == null ? null : Timestamp.from(e.lastActivity()),
          e.importedIn().contains("imp1") ? Boolean.TRUE : null,
          e.importedIn().contains("imp2") ? Boolean.TRUE : null));
    }
    return spark.createDataFrame(rows, schema);
  }
}
