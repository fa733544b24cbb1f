package io.lakecast.warehouse;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.LakecastErrors;
import io.lakecast.LakecastException;
import io.lakecast.conf.LakecastConf;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lease on a piece of work: its first holder learns it is the first, anyone else is refused while it is held, it
 * passes on when released or lapsed, and of two jobs taking a new lease at the same moment exactly one gets it.
 */
class LeasesTest {
  @TempDir static Path root;
  static SparkSession spark;
  static Warehouse warehouse;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.withWarehouse(root.resolve("warehouse"));
    warehouse = new Warehouse(spark, LakecastConf.qualify(root.resolve("leases-warehouse").toString()));
  }

  @Test
  void theFirstHolderIsToldSoOthersAreRefusedUntilItReleasesAndLaterTakesAreNotFirst() {
    Leases leases = new Leases(warehouse);
    assertThat(leases.take("work-1", "holder-a", "doing work 1", 600)).as("first take").isTrue();
    assertThatThrownBy(() -> leases.take("work-1", "holder-b", "doing work 1", 600))
        .isInstanceOf(LakecastException.class)
        .hasFieldOrPropertyWithValue("code", "ConflictException")
        .hasMessageStartingWith("Another job is doing work 1 (since ");
    assertThat(leases.take("work-2", "holder-b", "doing work 2", 600)).as("another key's first take").isTrue();

    leases.release("work-1", "holder-a");
    assertThat(leases.take("work-1", "holder-b", "doing work 1", 600)).as("a take after a release").isFalse();
    assertThat(holderOf("work-1")).isEqualTo("holder-b");
  }

  @Test
  void aLeaseHeldLongerThanTheTimeoutPassesToTheNextTaker() throws Exception {
    Leases leases = new Leases(warehouse);
    assertThat(leases.take("work-3", "dead-holder", "doing work 3", 600)).isTrue();
    Thread.sleep(20);
    assertThat(leases.take("work-3", "next-holder", "doing work 3", 0)).as("a take of a lapsed lease").isFalse();
    assertThat(holderOf("work-3")).isEqualTo("next-holder");
  }

  @Test
  void ofTwoJobsTakingANewLeaseAtOnceExactlyOneHoldsIt() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 3; round++) {
        String key = "race-" + round;
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<Boolean>> takers = new ArrayList<>();
        for (String holder : List.of("left", "right")) {
          Leases leases = new Leases(new Warehouse(spark, warehouse.root()));
          takers.add(pool.submit(() -> {
            start.await();
            try {
              return leases.take(key, holder, "racing", 600);
            } catch (RuntimeException e) {
              // Refused: the lease was held, or this job's commit lost to the other's.
              assertThat(LakecastErrors.fromFailure(e).code()).as("round %s: the loser's error", key)
                  .isEqualTo("ConflictException");
              return false;
            }
          }));
        }
        int firsts = 0;
        for (Future<Boolean> taker : takers) {
          firsts += taker.get(2, TimeUnit.MINUTES) ? 1 : 0;
        }
        assertThat(firsts).as("round %s: takers told they are first", key).isEqualTo(1);
        assertThat(warehouse.read(Table.LEASES).filter(col("Key").equalTo(key)).count())
            .as("round %s: rows of the lease", key).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String holderOf(String key) {
    Row row = warehouse.read(Table.LEASES).filter(col("Key").equalTo(key)).first();
    return row.getString(1);
  }
}
