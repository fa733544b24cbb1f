package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The pieces an upsert decides with: how an incoming attribute map merges into a stored one (its shortcuts give the
 * general rule's result, entry order included), and the primitive table the replace looks changed keys up in.
 */
class MergeKeysTest {
  final SparkSession spark = SparkTestSession.get();

  /** Stored map, incoming map, and the merged map as (key, value) pairs in order; null for a null map. */
  record Case(String name, List<String[]> stored, List<String[]> incoming, List<String[]> merged) {}

  static List<String[]> entries(String... kv) {
    List<String[]> out = new ArrayList<>();
    for (int i = 0; i < kv.length; i += 2) {
      out.add(new String[] {kv[i], kv[i + 1]});
    }
    return out;
  }

  static scala.collection.Map<String, String> map(List<String[]> entries) {
    if (entries == null) {
      return null;
    }
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    entries.forEach(e -> m.put(e[0], e[1]));
    return CollectionConverters.asScala(m);
  }

  @Test
  void anIncomingKeyReplacesThatKeyAndEveryOtherStoredKeyStays() {
    List<Case> cases = List.of(
        new Case("the same keys in the same order", entries("Plan", "Gold", "Tier", "1"),
            entries("Plan", "Silver", "Tier", "2"), entries("Plan", "Silver", "Tier", "2")),
        new Case("every stored key replaced", entries("Plan", "Gold", "Tier", "1"),
            entries("Tier", "2", "Plan", "Silver"), entries("Tier", "2", "Plan", "Silver")),
        new Case("no stored key replaced", entries("Plan", "Gold"), entries("Tier", "2"),
            entries("Plan", "Gold", "Tier", "2")),
        new Case("some stored keys replaced", entries("Plan", "Gold", "Tier", "1", "Team", "A"),
            entries("Tier", "2", "Zone", "EU"), entries("Plan", "Gold", "Team", "A", "Tier", "2", "Zone", "EU")),
        new Case("nothing incoming", entries("Plan", "Gold"), null, entries("Plan", "Gold")),
        new Case("nothing stored", null, entries("Plan", "Gold"), entries("Plan", "Gold")),
        new Case("an empty incoming map", entries("Plan", "Gold"), entries(), entries("Plan", "Gold")),
        new Case("an empty stored map", entries(), entries("Plan", "Gold"), entries("Plan", "Gold")));
    StructType schema = new StructType()
        .add("name", DataTypes.StringType)
        .add("t", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
        .add("s", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType));
    List<Row> rows = cases.stream()
        .map(c -> RowFactory.create(c.name(), map(c.stored()), map(c.incoming()))).toList();
    Dataset<Row> merged = spark.createDataFrame(rows, schema)
        .select(col("name"), org.apache.spark.sql.functions.map_entries(EndpointMerge.mergeMaps(col("t"), col("s"))));
    Map<String, List<Row>> byName = new java.util.HashMap<>();
    for (Row r : merged.collectAsList()) {
      byName.put(r.getString(0), r.getList(1));
    }
    for (Case c : cases) {
      List<String> got = byName.get(c.name()).stream().map(e -> e.getString(0) + "=" + e.getString(1)).toList();
      List<String> expected = c.merged().stream().map(e -> e[0] + "=" + e[1]).toList();
      assertThat(got).as(c.name()).containsExactlyElementsOf(expected);
    }
  }

  @Test
  void aLongTableFindsEveryKeyItHoldsAndNoOther() {
    ChangeKeys.LongTable table = new ChangeKeys.LongTable(1000);
    assertThat(table.get(0L)).as("key 0 before it is put").isNull();
    assertThat(table.contains(0L)).isFalse();
    java.util.Random random = new java.util.Random(7);
    Map<Long, Long> expected = new java.util.HashMap<>();
    // Half the keys differ only in their high bits, where a table indexed by the low ones would collide.
    for (long i = 0; i < 500; i++) {
      long key = i % 2 == 0 ? random.nextLong() : i << 40;
      table.put(key, i);
      expected.put(key, i);
    }
    table.put(0L, -1L);
    expected.put(0L, -1L);
    assertThat(table.size()).as("distinct keys held").isEqualTo(expected.size());
    expected.forEach((k, v) -> {
      assertThat(table.get(k)).as("value of key %d", k).isEqualTo(v);
      assertThat(table.contains(k)).isTrue();
    });
    for (int i = 0; i < 10_000; i++) {
      long other = random.nextLong();
      if (!expected.containsKey(other)) {
        assertThat(table.get(other)).as("a key never put").isNull();
        assertThat(table.contains(other)).isFalse();
      }
    }
  }

  @Test
  void aLongTableRefusesMoreKeysThanItWasSizedFor() {
    ChangeKeys.LongTable table = new ChangeKeys.LongTable(4);
    for (long k = 0; k < 4; k++) {
      table.put(k, k);
    }
    assertThat(table.size()).as("the keys it was sized for fit").isEqualTo(4);
    assertThatThrownBy(() -> {
      for (long k = 4; k < 64; k++) {
        table.put(k, k);
      }
    }).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is full");
  }
}
