package io.lakecast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakecast --batch FILE}: one command per line in one JVM, one JSON result per line; comments and blank lines
 * skipped; words split as a shell splits them; the first failure stops the batch with its exit code, naming the line.
 */
class BatchModeTest {
  @TempDir static Path warehouse;
  @TempDir static Path dir;

  @BeforeAll
  static void setUp() {
    SparkTestSession.withWarehouse(warehouse);
  }

  static Path file(String name, String... lines) throws Exception {
    return Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  @Test
  void runsEveryLineAndPrintsOneResultPerLine() throws Exception {
    Path batch = file("chain.txt",
        "# an application with a known id, and a segment migrated with its id",
        "create-app --create-application-request '{\"Name\":\"batch app\"}' --application-id batch-app-1",
        "",
        "create-segment --application-id batch-app-1 --segment-id seg-1 --write-segment-request "
            + "\"{\\\"Name\\\":\\\"sms users\\\",\\\"Dimensions\\\":{\\\"Demographic\\\":{\\\"Channel\\\":"
            + "{\\\"Values\\\":[\\\"SMS\\\"]}}}}\"",
        "get-segment --application-id batch-app-1 --segment-id seg-1");
    Cli.Run run = Cli.run("--batch", batch.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = List.of(run.out().split("\n"));
    assertThat(lines).hasSize(3);
    JsonNode app = PinpointJson.mapper().readTree(lines.get(0));
    assertThat(app.at("/ApplicationResponse/Id").asText()).isEqualTo("batch-app-1");
    assertThat(app.at("/ApplicationResponse/Name").asText()).isEqualTo("batch app");
    JsonNode created = PinpointJson.mapper().readTree(lines.get(1));
    assertThat(created.at("/SegmentResponse/Id").asText()).isEqualTo("seg-1");
    JsonNode got = PinpointJson.mapper().readTree(lines.get(2));
    assertThat(got.at("/SegmentResponse/Name").asText()).isEqualTo("sms users");
    assertThat(got.at("/SegmentResponse/Version").asInt()).isEqualTo(1);
  }

  @Test
  void theFirstFailureStopsTheBatchWithItsExitCode() throws Exception {
    Path batch = file("failing.txt",
        "create-app --create-application-request '{\"Name\":\"stops\"}' --application-id batch-app-2",
        "get-segment --application-id batch-app-2 --segment-id no-such-segment",
        "create-app --create-application-request '{\"Name\":\"never\"}' --application-id batch-app-3");
    Cli.Run run = Cli.run("--batch", batch.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out().strip().split("\n")).hasSize(1);
    assertThat(run.err()).contains("NotFoundException: ")
        .contains("lakecast --batch: stopped at line 2 (get-segment), exit 1, after 1 command(s) that succeeded");
    assertThat(Cli.run("get-apps").ok().toString()).contains("batch-app-2").doesNotContain("batch-app-3");
    assertThat(Cli.run("create-segment", "--application-id", "batch-app-2", "--segment-id", "x y",
        "--write-segment-request", "{\"Name\":\"n\"}").err())
        .startsWith("BadRequestException: Invalid value 'x y' for --segment-id: expected 1 to 64 letters");
  }

  @Test
  void aLineThatDoesNotSplitIsRefusedByNumber() throws Exception {
    Path batch = file("unterminated.txt", "# comment", "get-apps 'unterminated");
    Cli.Run run = Cli.run("--batch", batch.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).startsWith("BadRequestException: --batch line 2: unterminated ' quote at column 10");
    assertThat(Cli.run("--batch", dir.resolve("missing.txt").toString()).err())
        .startsWith("BadRequestException: Cannot read --batch file " + dir.resolve("missing.txt"));
  }

  @Test
  void wordsSplitAsAShellSplitsThem() {
    assertThat(BatchMode.words("a 'b c' \"d \\\"e\\\"\" f\\ g  h"))
        .containsExactly("a", "b c", "d \"e\"", "f g", "h");
  }
}
