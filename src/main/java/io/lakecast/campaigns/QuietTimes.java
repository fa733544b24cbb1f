package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.when;

import io.lakecast.LakecastErrors;
import io.lakecast.model.CampaignShapes.QuietTime;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneId;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;

/**
 * Endpoints' local time: when a local-time schedule reaches each endpoint ({@link #localStart}), and quiet time.
 * Quiet time, as Pinpoint's reference states it: an endpoint is not messaged when its local time at the send lies in
 * [Start, End] (HH:MM, 24-hour; a window whose End is before its Start wraps past midnight). It applies only to an
 * endpoint with a valid time zone ({@code Demographic.Timezone}, an IANA name); any other endpoint is messaged "even
 * if quiet time is enabled". The campaign's {@code Schedule.QuietTime} applies, else the application's.
 */
final class QuietTimes {
  private static final Pattern HH_MM = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");
  /** The time zone names Java knows, which Spark's {@code from_utc_timestamp} reads. */
  private static final Object[] ZONES = new TreeSet<>(ZoneId.getAvailableZoneIds()).toArray();

  private QuietTimes() {}

  /** Checks Start and End are both present and HH:MM; errors name the member under {@code path}. */
  static void validate(String shape, String path, QuietTime q) {
    if (q == null) {
      return;
    }
    for (String[] m : new String[][] {{"Start", q.start()}, {"End", q.end()}}) {
      if (m[1] == null) {
        throw LakecastErrors.missingMember(shape, path + "." + m[0]);
      }
      if (!HH_MM.matcher(m[1]).matches()) {
        throw LakecastErrors.invalidMember(shape, path + "." + m[0],
            "'" + m[1] + "' is not a 24-hour time HH:MM such as 02:30 or 14:30");
      }
    }
  }

  /**
   * For a local-time schedule, when an endpoint row's wave is sent: the wall-clock time of {@code start} (read in
   * UTC) in the endpoint's valid {@code Demographic.Timezone}, else in {@code fallbackZone} (the campaign's
   * {@code Schedule.Timezone}, or UTC), as a UTC timestamp.
   */
  static Column localStart(Instant start, String fallbackZone) {
    Column zone = col("Demographic").getField("Timezone");
    Column valid = zone.isNotNull().and(zone.isin(ZONES));
    return to_utc_timestamp(lit(Timestamp.from(start)),
        when(valid, zone).otherwise(lit(fallbackZone == null ? "UTC" : fallbackZone)));
  }

  /**
   * Whether an endpoint row is in quiet time at {@code sendAt}: true only with a valid {@code Demographic.Timezone}
   * whose local time of day lies in the window.
   */
  static Column inQuietTime(QuietTime q, Instant sendAt) {
    Column zone = col("Demographic").getField("Timezone");
    Column local = date_format(from_utc_timestamp(lit(Timestamp.from(sendAt)), zone), "HH:mm");
    Column inside = q.start().compareTo(q.end()) <= 0
        ? local.geq(q.start()).and(local.leq(q.end()))
        : local.geq(q.start()).or(local.leq(q.end()));
    // The zone is checked first: from_utc_timestamp is only evaluated for names it can read.
    return when(zone.isNotNull().and(zone.isin(ZONES)), inside).otherwise(lit(false));
  }
}
