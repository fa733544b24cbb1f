package io.lakecast.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.testing.SparkTestSession;
import io.lakecast.LakecastException;
import io.lakecast.conf.LakecastConf;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jobs that find a table missing at the same moment both create it: one wins, the other waits for the winner's
 * first commit and uses the table (Delta reports the loser's attempt as a non-empty location or a conflicting
 * commit). Neither fails.
 */
class ConcurrentCreationTest {
  @TempDir static Path root;
  static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.withWarehouse(root.resolve("warehouse"));
  }

  @Test
  void twoWarehousesCreatingOneTableAtOnceBothGetTheTable() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = 0; round < 4; round++) {
        String location = LakecastConf.qualify(root.resolve("round-" + round).toString());
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<?>> jobs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
          // Separate instances: each remembers its own ensured tables, as two processes would.
          Warehouse warehouse = new Warehouse(spark, location);
          jobs.add(pool.submit(() -> {
            start.await();
            warehouse.ensure(Table.SEND_LEDGER);
            return null;
          }));
        }
        for (Future<?> job : jobs) {
          job.get(2, TimeUnit.MINUTES);
        }
        Warehouse after = new Warehouse(spark, location);
        assertThat(after.read(Table.SEND_LEDGER).columns()).as("round %d: the table's columns", round)
            .contains("EndpointId", "MessageId", "Status");
        assertThat(after.read(Table.SEND_LEDGER).count()).as("round %d: rows", round).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aTableAnotherJobIsHalfWayThroughCreatingIsWaitedFor() throws Exception {
    // What a second job sees while the first is between creating _delta_log and its first commit: Delta takes the
    // folder for a table and finds no commit in it.
    Path table = root.resolve("half-created/send_ledger");
    Path pending = Files.createDirectories(table.resolve("_delta_log")).resolve(".00000000000000000000.json.tmp");
    Files.writeString(pending, "{}");
    String location = LakecastConf.qualify(root.resolve("half-created").toString());
    Warehouse warehouse = new Warehouse(spark, location);
    Thread firstJob = new Thread(() -> {
      try {
        Thread.sleep(1500);
        // The first job, paused for this test, has not started yet: it creates the table from scratch.
        Files.delete(pending);
        Files.delete(pending.getParent());
        new Warehouse(spark, location).ensure(Table.SEND_LEDGER);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    firstJob.start();
    warehouse.ensure(Table.SEND_LEDGER);
    firstJob.join();
    assertThat(warehouse.read(Table.SEND_LEDGER).count()).as("rows of the table the first job created").isZero();
  }

  @Test
  void aTableWhoseCreatorWasKilledBeforeItsFirstCommitIsReportedWithTheWayOut() throws Exception {
    Files.createDirectories(root.resolve("abandoned/send_ledger/_delta_log"));
    String location = LakecastConf.qualify(root.resolve("abandoned").toString());
    assertThatThrownBy(() -> new Warehouse(spark, location).ensure(Table.SEND_LEDGER))
        .isInstanceOf(LakecastException.class)
        .hasFieldOrPropertyWithValue("code", "ConflictException")
        .hasMessage("The warehouse table 'send_ledger' at " + location + "/send_ledger has a "
            + "_delta_log but no first commit after 10 s of waiting; if no other job is creating it (one may have "
            + "been killed while creating it), remove " + location + "/send_ledger/_delta_log and run again");
  }
}
