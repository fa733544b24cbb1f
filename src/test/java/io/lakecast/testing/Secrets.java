package io.lakecast.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.function.FilterFunction;
import org.apache.spark.sql.Encoders;

/** Looks for a planted secret where Lakecast writes: every file of a warehouse, and every row of its tables. */
public final class Secrets {
  private Secrets() {}

  /** Files under {@code root} whose bytes contain {@code secret}. */
  public static List<Path> filesHolding(Path root, String secret) throws IOException {
    String needle = new String(secret.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    List<Path> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(needle)) {
          out.add(f);
        }
      }
    }
    return out;
  }

  /** Delta tables under {@code warehouse} with a row whose JSON contains {@code secret}. */
  public static List<String> tablesHolding(Path warehouse, String secret) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(warehouse)) {
      for (Path d : dirs.filter(p -> Files.isDirectory(p.resolve("_delta_log"))).toList()) {
        long n = SparkTestSession.get().read().format("delta").load(d.toString()).toJSON().as(Encoders.STRING())
            .filter((FilterFunction<String>) s -> s.contains(secret)).count();
        if (n > 0) {
          out.add(d.getFileName().toString());
        }
      }
    }
    return out;
  }
}
