package io.lakecast.cli;

import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Progress of a long command on stderr. While a command runs, each Spark task that ends adds its records read and
 * rows written; at most once per interval ({@code spark.lakecast.progress.intervalSeconds}, 10 by default) a line
 * tells the totals so far and the rates since the previous line. A command shorter than the interval prints none.
 * One listener per session: the commands of a batch share it, each with its own counts.
 */
final class ProgressLines extends SparkListener {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressLines.class);
  private static ProgressLines installed;
  private static SparkSession installedOn;

  private String command;
  private long intervalNanos;
  private long startedNanos;
  private long lastLineNanos;
  private long read;
  private long written;
  private long readAtLastLine;
  private long writtenAtLastLine;

  private ProgressLines() {}

  /** The session's listener, added on first use. */
  static synchronized ProgressLines of(SparkSession spark) {
    if (installed == null || installedOn != spark) {
      installed = new ProgressLines();
      installedOn = spark;
      spark.sparkContext().addSparkListener(installed);
    }
    return installed;
  }

  /** Counts from zero for the command; a line at most every {@code intervalSeconds} (0: after every task). */
  synchronized void start(String name, int intervalSeconds) {
    command = name;
    intervalNanos = Math.max(0, intervalSeconds) * 1_000_000_000L;
    startedNanos = System.nanoTime();
    lastLineNanos = startedNanos;
    read = 0;
    written = 0;
    readAtLastLine = 0;
    writtenAtLastLine = 0;
  }

  /** Stops counting until the next {@link #start}. */
  synchronized void stop() {
    command = null;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics metrics = end.taskMetrics();
    if (metrics == null) {
      return;
    }
    synchronized (this) {
      if (command == null) {
        return;
      }
      read += metrics.inputMetrics().recordsRead();
      written += metrics.outputMetrics().recordsWritten();
      long now = System.nanoTime();
      if (now - lastLineNanos < intervalNanos) {
        return;
      }
      double seconds = Math.max(1e-3, (now - lastLineNanos) / 1e9);
      LOG.info("{}: {} s, {} record(s) read and {} row(s) written so far ({} records/s read, {} rows/s written)",
          command, (now - startedNanos) / 1_000_000_000L, read, written,
          Math.round((read - readAtLastLine) / seconds), Math.round((written - writtenAtLastLine) / seconds));
      lastLineNanos = now;
      readAtLastLine = read;
      writtenAtLastLine = written;
    }
  }
}
