package io.lakecast.conf;

import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;

/**
 * Test-only: named phases of the multi-step jobs where the kill-and-rerun suite stops the process dead, as
 * {@code kill -9} there would ({@code Runtime.halt}: no shutdown hooks, no flushing). Set
 * {@code spark.lakecast.test.haltAt} to a phase name; unset (always, in production) every point is a no-op.
 * The phase travels to executor tasks as a Spark local property, so points inside tasks work too. A phase with a
 * count, {@code phase:n}, halts the n-th time the process reaches that point (e.g. after the third message a
 * provider took).
 */
public final class FaultPoints {
  /** The phase at which to halt, e.g. {@code campaign.after-statuses}. */
  public static final String HALT_AT = LakecastConf.PREFIX + "test.haltAt";
  /** The exit status of a halted process (128 + SIGKILL's 9, as a shell reports a killed one). */
  public static final int HALT_STATUS = 137;

  /** How often this process reached a counted phase. */
  private static final java.util.concurrent.atomic.AtomicInteger REACHED =
      new java.util.concurrent.atomic.AtomicInteger();

  private FaultPoints() {}

  /** Makes the configured phase visible to the command's tasks. Called once per command, on the driver. */
  public static void arm(SparkSession spark) {
    String phase = spark.conf().get(HALT_AT, "");
    if (!phase.isEmpty()) {
      spark.sparkContext().setLocalProperty(HALT_AT, phase);
    }
  }

  /** Halts the JVM if this is the configured phase (or its configured reach); otherwise does nothing. */
  public static void reach(String phase) {
    TaskContext task = TaskContext.get();
    String target = task != null ? task.getLocalProperty(HALT_AT)
        : SparkSession.getDefaultSession().isDefined()
            ? SparkSession.getDefaultSession().get().sparkContext().getLocalProperty(HALT_AT) : null;
    if (target == null || !target.startsWith(phase)) {
      return;
    }
    boolean counted = target.length() > phase.length() && target.charAt(phase.length()) == ':';
    if (target.length() == phase.length()
        || counted && REACHED.incrementAndGet() == Integer.parseInt(target.substring(phase.length() + 1))) {
      System.err.println("FaultPoints: halting at " + target);
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
