package io.lakecast.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * An event's {@code Timestamp}: ISO 8601 with a zone, as Unix milliseconds. The plain UTC form is read by hand and
 * every other form by {@code java.time}; both must give the same instants and refuse the same texts. Expected values
 * were computed with Python's {@code datetime}.
 */
class EventTimestampTest {
  @Test
  void thePlainUtcFormReadsToItsInstant() {
    assertThat(EventRecords.millis("2026-12-01T09:30:00Z")).isEqualTo(1_796_117_400_000L);
    assertThat(EventRecords.millis("2024-02-29T23:59:59Z")).isEqualTo(1_709_251_199_000L);
    assertThat(EventRecords.millis("0001-01-01T00:00:00Z")).isEqualTo(-62_135_596_800_000L);
  }

  @Test
  void aFractionGivesItsMillisecondsAndDropsTheRest() {
    assertThat(EventRecords.millis("2026-12-01T09:30:00.1Z")).isEqualTo(1_796_117_400_100L);
    assertThat(EventRecords.millis("2026-12-01T09:30:00.123Z")).isEqualTo(1_796_117_400_123L);
    assertThat(EventRecords.millis("2026-12-01T09:30:00.123999999Z")).isEqualTo(1_796_117_400_123L);
    assertThat(EventRecords.millis("1969-12-31T23:59:59.5Z")).isEqualTo(-500L);
  }

  @Test
  void offsetsAndShortFormsAreReadTheIsoWay() {
    assertThat(EventRecords.millis("2026-12-01T10:30:00+01:00")).isEqualTo(1_796_117_400_000L);
    assertThat(EventRecords.millis("2026-12-01T04:30:00-05:00")).isEqualTo(1_796_117_400_000L);
    assertThat(EventRecords.millis("2026-12-01T09:30Z")).isEqualTo(1_796_117_400_000L);
    assertThat(EventRecords.millis("2026-12-01T09:30:00.1234567891Z")).as("ten fraction digits").isNull();
  }

  @Test
  void impossibleDatesAndTimesAndTextsWithoutAZoneAreRefused() {
    assertThat(EventRecords.millis("2026-02-29T00:00:00Z")).as("not a leap year").isNull();
    assertThat(EventRecords.millis("2026-04-31T00:00:00Z")).isNull();
    assertThat(EventRecords.millis("2026-13-01T00:00:00Z")).isNull();
    assertThat(EventRecords.millis("2026-12-01T24:00:00Z")).isNull();
    assertThat(EventRecords.millis("2026-12-01T09:60:00Z")).isNull();
    assertThat(EventRecords.millis("2026-12-01T09:30:60Z")).isNull();
    assertThat(EventRecords.millis("2026-12-01 09:30:00Z")).isNull();
    assertThat(EventRecords.millis("2026-12-01T09:30:00")).isNull();
    assertThat(EventRecords.millis("2026-12-0xT09:30:00Z")).isNull();
    assertThat(EventRecords.millis("yesterday")).isNull();
  }
}
