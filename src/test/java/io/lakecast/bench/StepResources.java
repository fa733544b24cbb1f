package io.lakecast.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What one bench step used besides time: the peak of the JVM's used heap (sampled every 50 ms, garbage included,
 * so it says how close the step came to {@code -Xmx}, not how much it kept), the bytes Spark's tasks spilled (to
 * memory and to disk, from the tasks' metrics) and the bytes on disk under the pass's folder afterwards (inputs and
 * warehouse). Issue 19 asks these of every step of the 100M run; the bench records them for every row.
 */
final class StepResources {
  private static final MemoryMXBean HEAP = ManagementFactory.getMemoryMXBean();
  private static final AtomicLong MEMORY_SPILLED = new AtomicLong();
  private static final AtomicLong DISK_SPILLED = new AtomicLong();
  private static volatile boolean listening;

  private final AtomicLong peakHeap = new AtomicLong();
  private final long memorySpilledBefore;
  private final long diskSpilledBefore;
  private final Thread sampler;

  /** Starts measuring a step; {@link #close} ends it. */
  static StepResources start(SparkContext spark) {
    if (!listening) {
      synchronized (StepResources.class) {
        if (!listening) {
          spark.addSparkListener(new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd end) {
              if (end.taskMetrics() != null) {
                MEMORY_SPILLED.addAndGet(end.taskMetrics().memoryBytesSpilled());
                DISK_SPILLED.addAndGet(end.taskMetrics().diskBytesSpilled());
              }
            }
          });
          listening = true;
        }
      }
    }
    return new StepResources();
  }

  private StepResources() {
    memorySpilledBefore = MEMORY_SPILLED.get();
    diskSpilledBefore = DISK_SPILLED.get();
    sampler = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        peakHeap.accumulateAndGet(HEAP.getHeapMemoryUsage().getUsed(), Math::max);
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Ends the step: stops the sampler. */
  void close() {
    sampler.interrupt();
    peakHeap.accumulateAndGet(HEAP.getHeapMemoryUsage().getUsed(), Math::max);
  }

  /**
   * The step's figures as one note: peak heap, spills, and the size of {@code folder} on disk. Task-end events reach
   * the listener a little after the tasks end, so a spill in a step's last task may be counted in the next step.
   */
  String describe(Path folder) {
    return String.format(Locale.ROOT, "peak heap %s of %s, spilled %s in memory and %s on disk, %s on disk in %s",
        bytes(peakHeap.get()), bytes(HEAP.getHeapMemoryUsage().getMax()),
        bytes(MEMORY_SPILLED.get() - memorySpilledBefore), bytes(DISK_SPILLED.get() - diskSpilledBefore),
        bytes(size(folder)), folder.getFileName());
  }

  /** Bytes of the regular files under {@code folder} (0 when it does not exist). */
  static long size(Path folder) {
    if (!Files.exists(folder)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> {
        try {
          return Files.size(p);
        } catch (IOException e) {
          return 0; // removed while walking (a Delta log compaction, a temporary file)
        }
      }).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Bytes in binary units: {@code 512 B}, {@code 3.2 MiB}, {@code 1.07 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f %s", n / (n < 1024 * 1024 ? 1024.0 : 1024.0 * 1024),
          n < 1024 * 1024 ? "KiB" : "MiB");
    }
    return String.format(Locale.ROOT, "%.2f GiB", n / (1024.0 * 1024 * 1024));
  }
}
