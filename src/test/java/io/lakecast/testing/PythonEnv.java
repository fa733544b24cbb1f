package io.lakecast.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The project-local Python environment ({@code scripts/pyenv}, built from {@code src/test/python/requirements.txt}):
 * pyspark with the Spark distribution it ships, delta-spark, delta-rs, DuckDB, nbclient, matplotlib, moto and Airflow.
 * Created on first use and reused by every later test and run.
 */
public final class PythonEnv {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  private static Path venv;

  private PythonEnv() {}

  /** The environment's folder, creating it on first use (a few minutes, mostly downloads). */
  public static synchronized Path get() {
    if (venv == null) {
      Process.Result r = Process.run(List.of(HOME.resolve("scripts/pyenv").toString()), Map.of(), 20);
      if (r.exitCode() != 0) {
        throw new AssertionError("scripts/pyenv failed (exit " + r.exitCode() + "):\n" + r.err());
      }
      String[] lines = r.out().strip().split("\n");
      venv = Path.of(lines[lines.length - 1]);
    }
    return venv;
  }

  /** The environment's {@code python}. */
  public static Path python() {
    return get().resolve("bin/python");
  }

  /** The Spark distribution inside the pyspark package: its {@code bin/} and {@code jars/}. */
  public static Path sparkHome() {
    try (Stream<Path> libs = Files.list(get().resolve("lib"))) {
      Path site = libs.filter(p -> p.getFileName().toString().startsWith("python3")).findFirst().orElseThrow()
          .resolve("site-packages/pyspark");
      if (!Files.isExecutable(site.resolve("bin/spark-class"))) {
        throw new AssertionError("no Spark distribution in " + site);
      }
      return site;
    } catch (IOException e) {
      throw new AssertionError("cannot list " + get().resolve("lib"), e);
    }
  }

  /** Runs a script of {@code src/test/python} with the environment's python; fails on a non-zero exit. */
  public static Process.Result script(String name, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(List.of(python().toString(), HOME.resolve("src/test/python/" + name).toString()));
    cmd.addAll(List.of(args));
    Process.Result r = Process.run(cmd, env, 10);
    if (r.exitCode() != 0) {
      throw new AssertionError(name + " failed (exit " + r.exitCode() + ")\nstdout:\n" + r.out() + "\nstderr:\n"
          + r.err());
    }
    return r;
  }

  /** A child process run to its end, with its output captured. */
  public static final class Process {
    private Process() {}

    /** Exit code, stdout and stderr. */
    public record Result(int exitCode, String out, String err) {}

    /** Runs the command in the repository's folder with the extra environment; fails after the timeout. */
    public static Result run(List<String> command, Map<String, String> env, int timeoutMinutes) {
      try {
        Path out = Files.createTempFile("lakecast-proc", ".out");
        Path err = Files.createTempFile("lakecast-proc", ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(HOME.toFile())
            .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        java.lang.Process p = pb.start();
        if (!p.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
          p.descendants().forEach(ProcessHandle::destroyForcibly);
          p.destroyForcibly();
          throw new AssertionError(command.get(0) + " did not end within " + timeoutMinutes + " minutes; stderr:\n"
              + Files.readString(err, StandardCharsets.UTF_8));
        }
        Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
        Files.delete(out);
        Files.delete(err);
        return r;
      } catch (IOException e) {
        throw new AssertionError("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted running " + command, e);
      }
    }
  }
}
