package io.lakecast.campaigns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.LakecastException;
import io.lakecast.model.CampaignShapes.Schedule;
import io.lakecast.model.PinpointEnums.Frequency;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A Schedule's occurrences: when each is due, where recurring ones stop, and what catch-up lists. */
class CampaignScheduleTest {
  static final Instant CREATED = Instant.parse("2026-11-30T08:00:00Z");

  static CampaignSchedule schedule(Frequency f, String start, String end) {
    return new CampaignSchedule(new Schedule(end, null, f, null, null, start, null), CREATED);
  }

  static Instant at(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void aOnceScheduleHasOneOccurrenceDueFromItsStart() {
    CampaignSchedule s = schedule(null, "2026-12-01T09:00:00Z", null);
    assertThat(s.dueAt(at("2026-12-01T08:59:59Z"))).isEmpty();
    assertThat(s.dueAt(at("2027-06-01T00:00:00Z"))).containsExactly(at("2026-12-01T09:00:00Z"));
    assertThat(s.nextAfter(at("2026-12-01T08:00:00Z"))).isEqualTo(at("2026-12-01T09:00:00Z"));
    assertThat(s.nextAfter(at("2026-12-01T09:00:00Z"))).isNull();
    assertThat(schedule(Frequency.ONCE, "IMMEDIATE", null).dueAt(CREATED)).containsExactly(CREATED);
  }

  @Test
  void recurringSchedulesListEveryOccurrenceDueForCatchUp() {
    assertThat(schedule(Frequency.HOURLY, "2026-12-01T09:30:00Z", null).dueAt(at("2026-12-01T12:00:00Z")))
        .containsExactly(at("2026-12-01T09:30:00Z"), at("2026-12-01T10:30:00Z"), at("2026-12-01T11:30:00Z"));
    assertThat(schedule(Frequency.DAILY, "2026-12-01T09:00:00Z", null).dueAt(at("2026-12-03T09:00:00Z")))
        .containsExactly(at("2026-12-01T09:00:00Z"), at("2026-12-02T09:00:00Z"), at("2026-12-03T09:00:00Z"));
    assertThat(schedule(Frequency.WEEKLY, "2026-12-01T09:00:00Z", null).dueAt(at("2026-12-20T00:00:00Z")))
        .containsExactly(at("2026-12-01T09:00:00Z"), at("2026-12-08T09:00:00Z"), at("2026-12-15T09:00:00Z"));
  }

  @Test
  void aMonthlyScheduleStartedOnThe31stFallsOnTheLastDayOfShorterMonthsWithoutDrifting() {
    assertThat(schedule(Frequency.MONTHLY, "2027-01-31T12:00:00Z", null).dueAt(at("2027-05-31T12:00:00Z")))
        .containsExactly(at("2027-01-31T12:00:00Z"), at("2027-02-28T12:00:00Z"), at("2027-03-31T12:00:00Z"),
            at("2027-04-30T12:00:00Z"), at("2027-05-31T12:00:00Z"));
  }

  @Test
  void noOccurrenceAtOrAfterEndTimeAndNothingDueOncePastIt() {
    CampaignSchedule s = schedule(Frequency.DAILY, "2026-12-01T09:00:00Z", "2026-12-03T09:00:00Z");
    assertThat(s.dueAt(at("2026-12-03T09:00:00Z")))
        .containsExactly(at("2026-12-01T09:00:00Z"), at("2026-12-02T09:00:00Z"));
    assertThat(s.nextAfter(at("2026-12-02T09:00:00Z"))).as("the EndTime itself is no occurrence").isNull();
    assertThat(s.dueAt(at("2026-12-03T09:00:01Z"))).as("past EndTime nothing is sent late").isEmpty();
  }

  @Test
  void tooManyOccurrencesToCatchUpAtOnceAreRefusedNamingTheWayOut() {
    CampaignSchedule s = schedule(Frequency.HOURLY, "2026-01-01T00:00:00Z", null);
    assertThatThrownBy(() -> s.dueAt(at("2027-12-01T00:00:00Z")))
        .isInstanceOf(LakecastException.class)
        .hasMessage("Invalid value '2027-12-01T00:00:00Z' for --at: expected an instant at most 10000 occurrences "
            + "of the campaign's HOURLY schedule after its StartTime 2026-01-01T00:00:00Z (run it with earlier --at "
            + "values first)");
  }
}
