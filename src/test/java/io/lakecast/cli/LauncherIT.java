package io.lakecast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged all-in-one jar through {@code scripts/lakecast}, as a user runs it: a separate JVM, the Delta data
 * source found in the shaded jar, JSON on stdout, logs on stderr, exit codes from {@code main}.
 */
class LauncherIT {
  static final Path HOME = Path.of(System.getProperty("lakecast.home", ".")).toAbsolutePath();
  @TempDir Path warehouse;

  record Result(int exit, String out, String err) {}

  Result lakecast(String... args) throws IOException, InterruptedException {
    return lakecastWithJavaOpts(null, args);
  }

  /** Runs scripts/lakecast with the JVM options given (LAKECAST_JAVA_OPTS), or the launcher's when null. */
  Result lakecastWithJavaOpts(String javaOpts, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(HOME.resolve("scripts/lakecast").toString());
    cmd.add("--conf");
    cmd.add("spark.lakecast.warehouse=" + warehouse);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(HOME.toFile());
    pb.environment().remove("SPARK_HOME");
    pb.environment().remove("LAKECAST_CDS");
    if (javaOpts != null) {
      pb.environment().put("LAKECAST_JAVA_OPTS", javaOpts);
    }
    Path out = Files.createTempFile("lakecast-out", ".json");
    Path err = Files.createTempFile("lakecast-err", ".log");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("lakecast finished").isTrue();
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void createAppThenImportThroughThePackagedJar() throws Exception {
    Result created = lakecast("create-app", "--create-application-request", "file://jobs/specs/app.json");
    assertThat(created.exit()).as(created.err()).isZero();
    JsonNode app = PinpointJson.mapper().readTree(created.out());
    String appId = app.at("/ApplicationResponse/Id").asText();
    assertThat(app.at("/ApplicationResponse/Arn").asText()).endsWith("apps/" + appId);

    // A progress line after every task, as a long command prints one every 10 seconds.
    Result imported = lakecast("--conf", "spark.lakecast.progress.intervalSeconds=0", "create-import-job",
        "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"jobs/specs/endpoints-example.ndjson\",\"Format\":\"JSON\"}");
    assertThat(imported.exit()).as(imported.err()).isZero();
    JsonNode job = PinpointJson.mapper().readTree(imported.out()).get("ImportJobResponse");
    assertThat(job.get("JobStatus").asText()).isEqualTo("COMPLETED");
    assertThat(job.get("TotalProcessed").asInt()).isEqualTo(3);
    assertThat(imported.err()).as("progress is logged on stderr").contains("Import job")
        .containsPattern("ProgressLines: create-import-job: \\d+ s, \\d+ record\\(s\\) read and \\d+ row\\(s\\) "
            + "written so far \\(\\d+ records/s read, \\d+ rows/s written\\)")
        .containsPattern("Import job \\w+: .*3 endpoint\\(s\\) written .* in \\d+ ms \\(\\d+ endpoints/s\\)");
    assertThat(Files.isDirectory(warehouse.resolve("endpoints/_delta_log"))).isTrue();
  }

  @Test
  void startsFromTheClassDataArchiveRecordedNextToTheJar(@TempDir Path logs) throws Exception {
    Path classLog = logs.resolve("class-load.log");
    Result created = lakecastWithJavaOpts("-Xmx1g -Xlog:class+load=info:file=" + classLog, "create-app",
        "--create-application-request", "file://jobs/specs/app.json");
    assertThat(created.exit()).as(created.err()).isZero();

    Path jar;
    try (var jars = Files.list(HOME.resolve("target"))) {
      jar = jars.filter(f -> f.getFileName().toString().matches("lakecast-.*-all\\.jar")).findFirst().orElseThrow();
    }
    Path archive = jar.resolveSibling(jar.getFileName().toString().replace(".jar", ".jsa"));
    assertThat(archive).as("the archive the first launch of this jar recorded").isRegularFile();
    assertThat(Files.getLastModifiedTime(archive)).isGreaterThan(Files.getLastModifiedTime(jar));
    assertThat(Files.readString(classLog)).as("the CLI's classes come from the archive, not the jar")
        .contains("io.lakecast.cli.LakecastCli source: shared objects file (top)")
        .contains("org.apache.spark.sql.SparkSession source: shared objects file (top)");
  }

  @Test
  void usageErrorsExitWithTwoAndNoStackTrace() throws Exception {
    Result r = lakecast("create-journey");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("create-journey").doesNotContain("\tat ");
  }
}
