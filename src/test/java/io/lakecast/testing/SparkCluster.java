package io.lakecast.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A Spark standalone cluster on 127.0.0.1: one master and one worker (2 cores, 2 GiB), started with
 * {@code bin/spark-class} from a Spark distribution (the one the pyspark package ships, {@link PythonEnv#sparkHome}).
 * Its REST submission server is off, so it listens only on its own ports; stopping it stops both processes.
 */
public final class SparkCluster implements AutoCloseable {
  private final Path sparkHome;
  private final int port;
  private final Process master;
  private final Process worker;
  private final Path workDir;

  private SparkCluster(Path sparkHome, int port, Process master, Process worker, Path workDir) {
    this.workDir = workDir;
    this.sparkHome = sparkHome;
    this.port = port;
    this.master = master;
    this.worker = worker;
  }

  /** Starts the master and the worker, logging into {@code dir}; returns once the worker has registered. */
  public static SparkCluster start(Path sparkHome, Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    int port = freePort();
    Path masterLog = dir.resolve("master.log");
    Path workerLog = dir.resolve("worker.log");
    Process master = daemon(sparkHome, masterLog, "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
        "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
    Process worker = null;
    try {
      await(masterLog, "I have been elected leader", master);
      worker = daemon(sparkHome, workerLog, "org.apache.spark.deploy.worker.Worker",
          "spark://127.0.0.1:" + port, "--host", "127.0.0.1", "--webui-port", String.valueOf(freePort()),
          "--cores", "2", "--memory", "2g", "--work-dir", dir.resolve("work").toString());
      await(workerLog, "Successfully registered with master", worker);
      return new SparkCluster(sparkHome, port, master, worker, dir.resolve("work"));
    } catch (RuntimeException | IOException | InterruptedException e) {
      stop(worker);
      stop(master);
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:<port>}. */
  public String masterUrl() {
    return "spark://127.0.0.1:" + port;
  }

  /** The worker's folder: one {@code app-…} folder per application it ran executors for. */
  public Path workDir() {
    return workDir;
  }

  public Path sparkHome() {
    return sparkHome;
  }

  /** The environment {@code scripts/lakecast --master} needs to submit to this cluster. */
  public Map<String, String> submitEnvironment() {
    return Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.13", "SPARK_LOCAL_IP", "127.0.0.1");
  }

  private static Process daemon(Path sparkHome, Path log, String mainClass, String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(List.of(sparkHome.resolve("bin/spark-class").toString(), mainClass));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.13");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("SPARK_MASTER_OPTS", "-Dspark.master.rest.enabled=false");
    pb.environment().put("SPARK_WORKER_OPTS", "-Dspark.worker.cleanup.enabled=false");
    return pb.start();
  }

  /** Waits up to two minutes for the line in the daemon's log; fails with the log if it dies or never logs it. */
  private static void await(Path log, String line, Process p) throws IOException, InterruptedException {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (text.contains(line)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException("Spark daemon exited (" + p.exitValue() + "); its log:\n" + text);
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("no \"" + line + "\" within 2 minutes; log:\n"
        + Files.readString(log, StandardCharsets.UTF_8));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void stop(Process p) {
    if (p != null) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      try {
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
      }
    }
  }

  @Override
  public void close() {
    stop(worker);
    stop(master);
  }
}
