package io.lakecast.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/**
 * The keys an import's tasks gather for the driver's check of the rules across records: what the tasks send is
 * bounded by the driver's heap and by {@code spark.driver.maxResultSize}, however large the input. Tasks are played
 * here as Spark plays them: the registered accumulator is serialized to each task, which adds to its copy; the
 * copy comes back serialized in the task's result, and the driver merges it.
 */
class RecordKeysTest {

  /** Keys registered with the test session, as an import registers them. */
  static RecordKeys registered(RecordKeys keys) {
    SparkTestSession.get().sparkContext().register(keys, "import record keys");
    return keys;
  }

  /** The copy of the driver's keys one task works on: the accumulator as a task deserializes it. */
  static RecordKeys task(RecordKeys driver) {
    return (RecordKeys) deserialize(serialize(driver));
  }

  /** A task's keys as the driver receives them in the task's result. */
  static RecordKeys result(RecordKeys task) {
    return (RecordKeys) deserialize(serialize(task));
  }

  static byte[] serialize(Object o) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(o);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  static Object deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new AssertionError(e);
    }
  }

  /** Adds the keys of records {@code from} to {@code to - 1}: every key distinct, no user. */
  static RecordKeys records(RecordKeys task, long from, long to) {
    for (long i = from; i < to; i++) {
      task.add(new long[] {i + 1, (i + 1) << 20, 0, 0});
    }
    return task;
  }

  @Test
  void theCapIsAQuarterOfTheHeapAtOneHundredAndFourBytesARecordAndHalfOfMaxResultSizeAtThirtyTwo() {
    // 416,000 bytes of heap: 1,000 records. maxResultSize 38,400 bytes: 600 records. Two tasks: 300 each.
    RecordKeys driver = registered(RecordKeys.forDriver(416_000, 38_400, 2));
    assertThat(records(task(driver), 0, 300).overflowed()).as("a task with its share, 300").isFalse();
    assertThat(records(task(driver), 0, 301).overflowed()).as("a task with 301").isTrue();
    // maxResultSize 0 means no limit: the heap's 1,000 records, 500 a task.
    RecordKeys unlimited = registered(RecordKeys.forDriver(416_000, 0, 2));
    assertThat(records(task(unlimited), 0, 500).overflowed()).as("500 with no result limit").isFalse();
    assertThat(records(task(unlimited), 0, 501).overflowed()).as("501 with no result limit").isTrue();
  }

  @Test
  void aHundredMillionEndpointImportsTasksSendOnlyThatTheyOverflowed() {
    // The bench's driver (-Xmx8g, maxResultSize 1g) and 340 pieces of 16.6 GiB: 16,777,216 records in all (half of
    // 1 GiB at 32 bytes), 49,344 a task, where each piece holds about 294,000.
    RecordKeys driver = registered(RecordKeys.forDriver(8L << 30, 1L << 30, 340));
    RecordKeys atShare = records(task(driver), 0, 49_344);
    assertThat(atShare.overflowed()).isFalse();
    assertThat(serialize(atShare).length).as("a task's keys at its share, 32 bytes a record")
        .isGreaterThan(49_344 * 32);
    RecordKeys past = records(task(driver), 0, 49_345);
    assertThat(past.overflowed()).isTrue();
    assertThat(serialize(past).length).as("a task past its share sends almost nothing").isLessThan(1_000);
    driver.merge(result(atShare));
    driver.merge(result(past));
    assertThat(driver.overflowed()).isTrue();
    assertThat(driver.acrossRecords()).isEqualTo("too many records to check on the driver");
  }

  @Test
  void tasksWithinTheirSharesAreCheckedTogether() {
    RecordKeys driver = registered(RecordKeys.forDriver(416_000, 0, 2));
    driver.merge(result(records(task(driver), 0, 400)));
    driver.merge(result(records(task(driver), 400, 800)));
    assertThat(driver.overflowed()).isFalse();
    assertThat(driver.count()).isEqualTo(800);
    assertThat(driver.acrossRecords()).as("800 distinct records").isNull();

    RecordKeys again = registered(RecordKeys.forDriver(416_000, 0, 2));
    again.merge(result(records(task(again), 0, 400)));
    again.merge(result(records(task(again), 399, 799)));
    assertThat(again.acrossRecords()).as("record 399 in both tasks").isEqualTo("an endpoint Id occurs more than once");
  }
}
