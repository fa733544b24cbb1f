package io.lakecast.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** At most N endpoints per User.UserId: which incoming records are over the limit. */
class UserEndpointLimitTest {
  static final StructType INCOMING = new StructType().add("source", "string").add("line", "long")
      .add("Id", "string").add("UserId", "string").add("ChannelType", "string");
  static final StructType STORED = new StructType().add("Id", "string").add("UserId", "string")
      .add("ChannelType", "string").add("EffectiveDate", "string");
  final SparkSession spark = SparkTestSession.get();

  /** Incoming records "Id:UserId[:ChannelType]" (EMAIL by default) at lines 1, 2, … of file f. */
  Dataset<Row> incoming(String... records) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < records.length; i++) {
      String[] r = records[i].split(":", -1);
      rows.add(RowFactory.create("f", (long) i + 1, r[0], r[1].isEmpty() ? null : r[1], r.length > 2 ? r[2] : "EMAIL"));
    }
    return spark.createDataFrame(rows, INCOMING);
  }

  /** {@code count} stored EMAIL endpoints of a user. */
  Dataset<Row> stored(String user, int count) {
    return stored(user, count, "EMAIL");
  }

  /** {@code count} stored endpoints of a user on one channel, the i-th effective on day i of January. */
  Dataset<Row> stored(String user, int count, String channel) {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      rows.add(RowFactory.create(user + "-stored-" + i, user, channel, String.format("2026-01-%02dT00:00:00Z", i)));
    }
    return spark.createDataFrame(rows, STORED);
  }

  static String[] newIds(String user, int count) {
    String[] out = new String[count];
    for (int i = 0; i < count; i++) {
      out[i] = user + "-new-" + (i + 1) + ":" + user;
    }
    return out;
  }

  List<String> over(Dataset<Row> in, Dataset<Row> have, int max) {
    return UserEndpointLimit.check(in, have, max).over().orderBy("line").collectAsList().stream()
        .map(r -> r.getLong(1) + ":" + r.getString(3) + ":" + r.getLong(4)).toList();
  }

  @Test
  void newIdsPastTheLimitAreOverInFileOrder() {
    assertThat(over(incoming(newIds("u", 12)), stored("x", 0), 10))
        .containsExactly("11:u-new-11:11", "12:u-new-12:12");
    assertThat(over(incoming(newIds("u", 10)), stored("x", 0), 10)).isEmpty();
  }

  @Test
  void storedEndpointsCountAndTheirUpdatesAreFree() {
    String[] records = {"u-stored-1:u", "u-new-1:u", "u-stored-2:u", "u-new-2:u", "u-new-3:u"};
    assertThat(over(incoming(records), stored("u", 8), 10)).containsExactly("5:u-new-3:11");
  }

  @Test
  void aUserAlreadyOverTheLimitCanStillBeUpdated() {
    assertThat(over(incoming("u-stored-1:u", "u-stored-11:u"), stored("u", 11), 10)).isEmpty();
    assertThat(over(incoming("u-stored-1:u", "u-new-1:u"), stored("u", 11), 10)).containsExactly("2:u-new-1:12");
  }

  @Test
  void anEndpointMovedToAnotherUserFreesItsPlace() {
    assertThat(over(incoming("u-stored-1:v", "u-new-1:u"), stored("u", 10), 10)).isEmpty();
    assertThat(over(incoming("u-new-1:u"), stored("u", 10), 10)).containsExactly("1:u-new-1:11");
  }

  @Test
  void repeatedRecordsOfOneIdCountOnceAndAreAllOver() {
    assertThat(over(incoming("a:u", "b:u", "a:u", "c:u", "c:u"), stored("x", 0), 2))
        .containsExactly("4:c:3", "5:c:3");
  }

  List<String> displaced(Dataset<Row> in, Dataset<Row> have, int max) {
    return UserEndpointLimit.check(in, have, max).displaced().orderBy("Id").collectAsList().stream()
        .map(r -> r.getString(0)).toList();
  }

  @Test
  void aNewPushEndpointDisplacesTheOldestStoredPushEndpoint() {
    Dataset<Row> tokens = stored("u", 3, "GCM").union(stored("v", 0)).union(
        spark.createDataFrame(List.of(
            RowFactory.create("u-mail-1", "u", "EMAIL", "2025-01-01T00:00:00Z"),
            RowFactory.create("u-mail-2", "u", "EMAIL", "2025-01-02T00:00:00Z")), STORED));
    Dataset<Row> in = incoming("u-new-1:u:APNS", "u-new-2:u:GCM", "u-new-3:u:SMS", "u-stored-1:u:GCM");
    assertThat(over(in, tokens, 5)).as("SMS has no push endpoint to displace").containsExactly("3:u-new-3:8");
    assertThat(displaced(in, tokens, 5)).as("oldest first; u-stored-1 is updated by this write, so not displaced")
        .containsExactly("u-stored-2", "u-stored-3");
    Dataset<Row> oneMore = incoming("u-new-1:u:APNS", "u-new-2:u:GCM", "u-new-3:u:GCM", "u-new-4:u:BAIDU");
    assertThat(over(oneMore, tokens, 5)).as("no push endpoint left to displace").containsExactly("4:u-new-4:9");
    assertThat(displaced(oneMore, tokens, 5)).containsExactly("u-stored-1", "u-stored-2", "u-stored-3");
  }

  @Test
  void recordsWithoutAUserAndOtherUsersAreNeverOver() {
    assertThat(over(incoming("a:", "b:", "c:", "d:v"), stored("u", 3), 1)).isEmpty();
  }
}
