package io.lakecast.campaigns;

import io.lakecast.LakecastErrors;
import io.lakecast.model.CampaignShapes.Schedule;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointEnums.Frequency;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * When a campaign's activities are due: its {@code Schedule} as a list of occurrences. {@code ONCE} is one
 * occurrence at {@code StartTime}; {@code HOURLY}, {@code DAILY}, {@code WEEKLY} and {@code MONTHLY} repeat from
 * {@code StartTime} (in UTC; a monthly start on the 31st falls on the last day of shorter months) while before
 * {@code EndTime}. With {@code IsLocalTime} an occurrence is read in each endpoint's local time, so it is due from its
 * first wave (its start in UTC+14) on. Pure: no clock, no I/O.
 */
public final class CampaignSchedule {
  /** Occurrences one call lists at most: an hourly campaign caught up over more than a year is refused. */
  static final int MAX_OCCURRENCES = 10_000;

  private final Instant start;
  private final Instant end;
  private final Frequency frequency;
  /** With IsLocalTime, an occurrence's first wave (UTC+14) starts this long before its UTC start. */
  static final java.time.Duration EARLIEST_WAVE = java.time.Duration.ofHours(14);
  private final boolean localTime;

  /**
   * The schedule of a campaign created at {@code created} (what {@code StartTime: IMMEDIATE} means). The definition
   * must have passed {@link CampaignCatalog#validate}.
   */
  public CampaignSchedule(Schedule s, Instant created) {
    this.start = CampaignCatalog.scheduledStart(s, created);
    this.end = CampaignCatalog.endTime(s);
    this.frequency = s.frequency() == null ? Frequency.ONCE : s.frequency();
    this.localTime = Boolean.TRUE.equals(s.isLocalTime());
  }

  /**
   * Each treatment's schedule, TreatmentId → schedule, default treatment first: a treatment's own {@code Schedule}
   * (start, end and frequency of its own; Pinpoint lets A/B treatments go out at different times), else the
   * campaign's. The holdout follows the default treatment.
   */
  public static java.util.LinkedHashMap<String, CampaignSchedule> ofTreatments(
      io.lakecast.model.CampaignShapes.WriteCampaignRequest c, Instant created) {
    java.util.LinkedHashMap<String, CampaignSchedule> out = new java.util.LinkedHashMap<>();
    out.put(AssignmentPlan.DEFAULT_TREATMENT, new CampaignSchedule(c.schedule(), created));
    List<io.lakecast.model.CampaignShapes.WriteTreatmentResource> extra =
        c.additionalTreatments() == null ? List.of() : c.additionalTreatments();
    for (int i = 0; i < extra.size(); i++) {
      Schedule own = extra.get(i).schedule();
      out.put(String.valueOf(i + 1), new CampaignSchedule(own != null ? own : c.schedule(), created));
    }
    return out;
  }

  /**
   * The occurrences due at {@code at} across the treatments' schedules, oldest first, each with the treatments it
   * sends (all of them when they share the campaign's schedule).
   */
  public static java.util.TreeMap<Instant, java.util.TreeSet<String>> dueByTreatment(
      java.util.Map<String, CampaignSchedule> schedules, Instant at) {
    java.util.TreeMap<Instant, java.util.TreeSet<String>> out = new java.util.TreeMap<>();
    schedules.forEach((t, s) -> s.dueAt(at).forEach(o -> out.computeIfAbsent(o, k -> new java.util.TreeSet<>())
        .add(t)));
    return out;
  }

  /** The first occurrence of any of the schedules after {@code at}, or null when none has one left. */
  public static Instant nextAfter(java.util.Map<String, CampaignSchedule> schedules, Instant at) {
    Instant next = null;
    for (CampaignSchedule s : schedules.values()) {
      Instant n = s.nextAfter(at);
      next = n != null && (next == null || n.isBefore(next)) ? n : next;
    }
    return next;
  }

  /** The first occurrence. */
  public Instant first() {
    return start;
  }

  /** Whether the schedule repeats. */
  public boolean recurring() {
    return frequency != Frequency.ONCE;
  }

  /** The {@code n}-th occurrence (0 is the start), counted from the start so that months do not drift. */
  Instant occurrence(long n) {
    ZonedDateTime s = start.atZone(ZoneOffset.UTC);
    return switch (frequency) {
      case HOURLY -> s.plusHours(n).toInstant();
      case DAILY -> s.plusDays(n).toInstant();
      case WEEKLY -> s.plusWeeks(n).toInstant();
      case MONTHLY -> s.plusMonths(n).toInstant();
      default -> n == 0 ? start : null;
    };
  }

  /**
   * Every occurrence due at {@code at}: at or before it, and before {@code EndTime} (a campaign past its EndTime has
   * none due at all, so that nothing is sent late).
   */
  public List<Instant> dueAt(Instant at) {
    List<Instant> out = new ArrayList<>();
    if (end != null && at.isAfter(end)) {
      return out;
    }
    for (long n = 0; ; n++) {
      Instant o = occurrence(n);
      // In local time an occurrence is due once its first wave is: its start read in UTC+14.
      Instant firstWave = localTime ? o == null ? null : o.minus(EARLIEST_WAVE) : o;
      if (o == null || firstWave.isAfter(at) || (end != null && !o.isBefore(end) && n > 0)) {
        return out;
      }
      if (out.size() == MAX_OCCURRENCES) {
        throw LakecastErrors.invalidOption("--at", Ids.iso(at), "an instant at most " + MAX_OCCURRENCES
            + " occurrences of the campaign's " + frequency + " schedule after its StartTime " + Ids.iso(start)
            + " (run it with earlier --at values first)");
      }
      out.add(o);
    }
  }

  /** The first occurrence after {@code at}, or null when none is left before EndTime. */
  public Instant nextAfter(Instant at) {
    for (long n = 0; n <= MAX_OCCURRENCES * 100L; n++) {
      Instant o = occurrence(n);
      if (o == null || (end != null && !o.isBefore(end) && n > 0)) {
        return null;
      }
      if (o.isAfter(at)) {
        return o;
      }
    }
    return null;
  }
}
