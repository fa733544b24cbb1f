package io.lakecast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input at the command line: exit 2, a message on stderr naming what was wrong, nothing on stdout. */
class CliBadInputTest {
  @TempDir static Path warehouse;
  @TempDir static Path files;
  static String appId;

  @BeforeAll
  static void app() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("cli");
  }

  @Test
  void versionIsTheBuildsVersion() {
    Run r = Cli.run("--version");
    assertThat(r.exitCode()).isZero();
    assertThat(r.out().strip()).isEqualTo("lakecast 0.1.0-SNAPSHOT");
  }

  @Test
  void unknownCommandIsAUsageError() {
    Run r = Cli.run("create-journey", "--application-id", appId);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("create-journey");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingRequiredOptionIsAUsageError() {
    Run r = Cli.run("create-import-job", "--application-id", appId);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--import-job-request");
  }

  @Test
  void missingRequestFileIsNamed() {
    Run r = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "file:///no/such/segment.json");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("file:///no/such/segment.json", "no such file", "--write-segment-request");
  }

  @Test
  void malformedJsonSaysWhereItBroke() throws Exception {
    Path bad = files.resolve("bad.json");
    Files.writeString(bad, "{\"Name\": \"x\",\n \"Dimensions\": {\n");
    Run r = Cli.run("create-segment", "--application-id", appId, "--write-segment-request", "file://" + bad);
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Malformed JSON", "WriteSegmentRequest", bad.toString(), "line");
  }

  @Test
  void unknownMemberIsNamedWithItsPath() {
    Run r = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"s\",\"MessageConfiguration\":{\"EmailMessage\":{\"Subject\":\"Hi\"}}}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown member 'MessageConfiguration.EmailMessage.Subject'", "Title", "HtmlBody");
  }

  @Test
  void invalidEnumListsTheValidValues() {
    Run r = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"/tmp/x.csv\",\"Format\":\"XML\"}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("'XML'", "Format", "CSV, JSON");
  }

  @Test
  void wrongTypeIsNamed() {
    Run r = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"s\",\"HoldoutPercent\":\"ten\"}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("HoldoutPercent", "an integer");
  }

  @Test
  void unknownApplicationIsAFailureNotAUsageError() {
    Run r = Cli.run("get-campaign", "--application-id", "nope", "--campaign-id", "c");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("NotFoundException", "nope");
  }

  @Test
  void importIntoAnUnknownApplicationIsNotFound() throws Exception {
    Path csv = Files.writeString(files.resolve("one.csv"), "Id,ChannelType,Address\ne1,EMAIL,a@example.com\n");
    Run r = Cli.run("create-import-job", "--application-id", "nope", "--import-job-request",
        "{\"S3Url\":\"" + csv + "\",\"Format\":\"CSV\"}");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("NotFoundException", "Application 'nope' was not found");
  }

  @Test
  void importFromAnEmptyLocationNamesTheExpectedFiles() throws Exception {
    Path dir = Files.createDirectories(files.resolve("empty"));
    Files.writeString(dir.resolve("notes.txt"), "not endpoints");
    Run r = Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + dir + "\",\"Format\":\"CSV\"}");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("No CSV files found", dir.toString(), ".csv");
  }

  @Test
  void unsupportedMembersAreRefusedRatherThanIgnored() {
    Run r = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"s\",\"TemplateConfiguration\":{\"VoiceTemplate\":{\"Name\":\"v\"}},"
            + "\"Schedule\":{\"StartTime\":\"IMMEDIATE\"},\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}}}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("TemplateConfiguration.VoiceTemplate", "not supported yet");
  }
}
