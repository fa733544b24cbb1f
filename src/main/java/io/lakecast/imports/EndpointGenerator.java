package io.lakecast.imports;

import io.lakecast.model.EndpointShapes.EndpointDemographic;
import io.lakecast.model.EndpointShapes.EndpointImportItem;
import io.lakecast.model.EndpointShapes.EndpointLocation;
import io.lakecast.model.EndpointShapes.EndpointUser;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Synthetic but realistic endpoints for demos and benchmarks: users with 1–3 endpoints on EMAIL, SMS, GCM and
 * APNS, ten countries, platforms and devices, a multi-valued attribute, metrics, a user attribute, 5% opted out.
 * The same count and seed always give the same file.
 */
public final class EndpointGenerator {
  private static final String[] COUNTRIES = {"US", "CA", "GB", "DE", "FR", "IN", "BR", "JP", "MX", "AU"};
  private static final String[] TIMEZONES = {
    "America/New_York", "America/Toronto", "Europe/London", "Europe/Berlin", "Europe/Paris", "Asia/Kolkata",
    "America/Sao_Paulo", "Asia/Tokyo", "America/Mexico_City", "Australia/Sydney"
  };
  private static final String[] CITIES = {
    "Seattle", "Toronto", "London", "Berlin", "Paris", "Mumbai", "Sao Paulo", "Tokyo", "Mexico City", "Sydney"
  };
  private static final String[] INTERESTS = {"Sports", "Music", "Travel", "Books", "Food", "Movies"};
  private static final String[] PLANS = {"Free", "Free", "Free", "Pro", "Enterprise"};
  private static final String[] TIERS = {"Bronze", "Bronze", "Silver", "Gold"};
  private static final String[] APP_VERSIONS = {"1.0.0", "1.2.0", "2.0.1", "2.1.0", "3.0.0"};

  /** CSV header: Pinpoint's dot notation, {@code Attributes.Interests} repeated for its two values. */
  public static final List<String> CSV_HEADER =
      List.of(
          "Id", "ChannelType", "Address", "OptOut", "Location.Country", "Location.City", "Demographic.Platform",
          "Demographic.Make", "Demographic.Model", "Demographic.AppVersion", "Demographic.Timezone",
          "Attributes.Interests", "Attributes.Interests", "Attributes.Plan", "Metrics.purchases",
          "Metrics.sessions", "User.UserId", "User.UserAttributes.Tier");

  private EndpointGenerator() {}

  /** Generates {@code count} endpoints with {@code seed}, handing each to {@code sink} in order. */
  public static void generate(long count, long seed, Consumer<EndpointImportItem> sink) {
    SplittableRandom rnd = new SplittableRandom(seed);
    long n = 0;
    long user = 0;
    while (n < count) {
      user++;
      int endpoints = 1 + rnd.nextInt(3);
      int country = rnd.nextInt(COUNTRIES.length);
      String userId = "user-" + seed + "-" + user;
      String tier = TIERS[rnd.nextInt(TIERS.length)];
      for (int k = 0; k < endpoints && n < count; k++, n++) {
        sink.accept(endpoint(rnd, seed, n, k, userId, tier, country));
      }
    }
  }

  private static EndpointImportItem endpoint(
      SplittableRandom rnd, long seed, long n, int k, String userId, String tier, int country) {
    int c = rnd.nextInt(100);
    ChannelType channel = c < 50 ? ChannelType.EMAIL : c < 75 ? ChannelType.SMS : c < 87 ? ChannelType.GCM
        : ChannelType.APNS;
    String address =
        switch (channel) {
          case EMAIL -> userId + "." + k + "@example.com";
          case SMS -> String.format("+1%010d", 2_000_000_000L + n);
          default -> UUID.nameUUIDFromBytes(("token:" + seed + ":" + n).getBytes(StandardCharsets.UTF_8))
              .toString()
              .replace("-", "")
              .repeat(2);
        };
    boolean apple = channel == ChannelType.APNS || (channel != ChannelType.GCM && rnd.nextBoolean());
    Map<String, List<String>> attributes = new LinkedHashMap<>();
    List<String> interests = new ArrayList<>();
    interests.add(INTERESTS[rnd.nextInt(INTERESTS.length)]);
    if (rnd.nextBoolean()) {
      String second = INTERESTS[rnd.nextInt(INTERESTS.length)];
      if (!second.equals(interests.get(0))) {
        interests.add(second);
      }
    }
    attributes.put("Interests", interests);
    attributes.put("Plan", List.of(PLANS[rnd.nextInt(PLANS.length)]));
    Map<String, Double> metrics = new LinkedHashMap<>();
    metrics.put("purchases", (double) rnd.nextInt(21));
    metrics.put("sessions", (double) rnd.nextInt(200));
    return new EndpointImportItem(
        address,
        attributes,
        channel,
        new EndpointDemographic(
            APP_VERSIONS[rnd.nextInt(APP_VERSIONS.length)], null, apple ? "apple" : "samsung",
            apple ? "iPhone" : "SM-G900F", null, apple ? "ios" : "android", null, TIMEZONES[country]),
        null,
        null,
        UUID.nameUUIDFromBytes(("endpoint:" + seed + ":" + n).getBytes(StandardCharsets.UTF_8)).toString(),
        new EndpointLocation(CITIES[country], COUNTRIES[country], null, null, null, null),
        metrics,
        rnd.nextInt(100) < 5 ? "ALL" : "NONE",
        null,
        new EndpointUser(Map.of("Tier", List.of(tier)), userId),
        null,
        null,
        null);
  }

  /** Writes {@code count} endpoints in {@code format} to {@code out}. */
  public static void write(long count, long seed, Format format, Writer out) throws IOException {
    write(count, seed, format, out, 0);
  }

  /**
   * As {@link #write(long, long, Format, Writer)}, with every {@code changeEvery}-th endpoint changed (another Plan
   * and one more purchase): the same Ids, for re-import benchmarks. 0 changes nothing.
   */
  public static void write(long count, long seed, Format format, Writer out, int changeEvery) throws IOException {
    write(count, seed, format, out, changeEvery, 0);
  }

  /**
   * As above, changing the endpoints whose position modulo {@code changeEvery} is one of {@code at}: {0} changes the
   * same ones as above, and {0, k} changes another tenth (for {@code changeEvery} 10) of endpoints already
   * re-imported with {0}.
   */
  public static void write(long count, long seed, Format format, Writer out, int changeEvery, int... at)
      throws IOException {
    java.util.Set<Long> positions = new java.util.HashSet<>();
    for (int k : at) {
      positions.add((long) k);
    }
    long[] n = {0};
    // Each endpoint is written as it is generated: memory stays flat whatever the count.
    Function<EndpointImportItem, EndpointImportItem> changes = changeEvery <= 0 ? e -> e
        : e -> positions.contains(n[0]++ % changeEvery) ? change(e) : e;
    CSVPrinter csv = format == Format.JSON ? null
        : new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("\n").get());
    if (csv != null) {
      csv.printRecord(CSV_HEADER);
    }
    IOException[] failure = {null};
    generate(
        count,
        seed,
        e -> {
          if (failure[0] != null) {
            return;
          }
          try {
            EndpointImportItem written = changes.apply(e);
            if (csv == null) {
              out.write(PinpointJson.compact(written));
              out.write('\n');
            } else {
              csv.printRecord(csvRow(written));
            }
          } catch (IOException ex) {
            failure[0] = ex;
          }
        });
    if (csv != null) {
      csv.flush();
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static EndpointImportItem change(EndpointImportItem e) {
    Map<String, List<String>> attributes = new LinkedHashMap<>(e.attributes());
    attributes.put("Plan", List.of("Changed"));
    Map<String, Double> metrics = new LinkedHashMap<>(e.metrics());
    metrics.put("purchases", metrics.get("purchases") + 1);
    return new EndpointImportItem(e.address(), attributes, e.channelType(), e.demographic(), e.effectiveDate(),
        e.endpointStatus(), e.id(), e.location(), metrics, e.optOut(), e.requestId(), e.user(), null, null, null);
  }

  private static List<Object> csvRow(EndpointImportItem e) {
    List<String> interests = e.attributes().get("Interests");
    return List.of(
        e.id(), e.channelType().name(), e.address(), e.optOut(), e.location().country(), e.location().city(),
        e.demographic().platform(), e.demographic().make(), e.demographic().model(), e.demographic().appVersion(),
        e.demographic().timezone(), interests.get(0), interests.size() > 1 ? interests.get(1) : "",
        e.attributes().get("Plan").get(0), fmt(e.metrics().get("purchases")), fmt(e.metrics().get("sessions")),
        e.user().userId(), e.user().userAttributes().get("Tier").get(0));
  }

  private static String fmt(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }
}
