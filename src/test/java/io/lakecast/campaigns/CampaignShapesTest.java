package io.lakecast.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every member of WriteCampaignRequest is honoured or refused by name, never silently ignored; CampaignResponse
 * reports what runs will use.
 */
class CampaignShapesTest {
  static final String SMS = "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}}";
  @TempDir static Path warehouse;
  static String appId;
  static String segmentId;

  @BeforeAll
  static void app() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("shapes");
    segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Name\":\"v1\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"SMS\"]}}}}").ok()
        .at("/SegmentResponse/Id").asText();
  }

  private static Run create(String members, String... extra) {
    String[] args = {"create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segmentId + "\"," + members + "}"};
    String[] all = new String[args.length + extra.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(extra, 0, all, args.length, extra.length);
    return Cli.run(all);
  }

  private static void assertRefused(String members, String member) {
    Run r = create(members);
    assertThat(r.exitCode()).as("exit code for " + member).isEqualTo(2);
    assertThat(r.err()).as("refusal of " + member).startsWith("BadRequestException: " + member + " in "
        + "WriteCampaignRequest is not supported yet");
  }

  @Test
  void membersLakecastCannotHonourAreRefusedByName() {
    String now = "\"Schedule\":{\"StartTime\":\"IMMEDIATE\"}";
    assertRefused(now + "," + SMS + ",\"AdditionalTreatments\":[{\"SizePercent\":10,"
        + "\"Schedule\":{\"StartTime\":\"IMMEDIATE\",\"EventFilter\":{\"FilterType\":\"ENDPOINT\"}}}]",
        "AdditionalTreatments[0].Schedule.EventFilter");
  }

  @Test
  void anInAppMessageNeedsFrequencyInAppEventAndThatFrequencyAnInAppMessage() {
    String now = "\"Schedule\":{\"StartTime\":\"IMMEDIATE\"}";
    Run own = create(now + ",\"MessageConfiguration\":{\"InAppMessage\":{\"Layout\":\"TOP_BANNER\"}}");
    assertThat(own.exitCode()).isEqualTo(2);
    assertThat(own.err()).isEqualTo("BadRequestException: Invalid Schedule.Frequency in WriteCampaignRequest: "
        + "IN_APP_EVENT for a campaign of in-app messages, not ONCE\n");
    Run template = create(now + "," + SMS + ",\"AdditionalTreatments\":[{\"SizePercent\":10,"
        + "\"TemplateConfiguration\":{\"InAppTemplate\":{\"Name\":\"t\"}}}]");
    assertThat(template.err()).isEqualTo("BadRequestException: Invalid Schedule.Frequency in WriteCampaignRequest: "
        + "IN_APP_EVENT for a campaign of in-app messages, not ONCE\n");
    Run none = create(SMS + ",\"Schedule\":{\"StartTime\":\"IMMEDIATE\",\"Frequency\":\"IN_APP_EVENT\"}");
    assertThat(none.err()).isEqualTo("BadRequestException: Missing required member "
        + "'MessageConfiguration.InAppMessage' in WriteCampaignRequest\n");
  }

  @Test
  void badScheduleValuesNameTheMemberAndWhatWasExpected() {
    Run end = create(SMS + ",\"Schedule\":{\"StartTime\":\"2030-01-02T00:00:00Z\",\"EndTime\":\"2030-01-01T00:00:00Z\"}");
    assertThat(end.exitCode()).isEqualTo(2);
    assertThat(end.err()).isEqualTo("BadRequestException: Invalid Schedule.EndTime in WriteCampaignRequest: "
        + "'2030-01-01T00:00:00Z' is not after Schedule.StartTime '2030-01-02T00:00:00Z'\n");
    Run zone = create(SMS + ",\"Schedule\":{\"StartTime\":\"IMMEDIATE\",\"Timezone\":\"Mars/Olympus\"}");
    assertThat(zone.exitCode()).isEqualTo(2);
    assertThat(zone.err()).contains("Schedule.Timezone", "'Mars/Olympus' is not a UTC offset");
    Run priority = create(SMS + ",\"Schedule\":{\"StartTime\":\"IMMEDIATE\"},\"Priority\":9");
    assertThat(priority.exitCode()).isEqualTo(2);
    assertThat(priority.err()).contains("Priority", "9 is not between 1 and 5");
  }

  @Test
  void theResponseReportsTheSegmentVersionRunsUseAndEchoesPriority() {
    JsonNode c = create(SMS + ",\"Schedule\":{\"StartTime\":\"IMMEDIATE\",\"Timezone\":\"UTC\"},\"Priority\":3")
        .ok().get("CampaignResponse");
    assertThat(c.get("SegmentVersion").asInt()).as("the segment's latest version").isEqualTo(1);
    assertThat(c.get("Priority").asInt()).isEqualTo(3);
    assertThat(c.at("/Schedule/Timezone").asText()).isEqualTo("UTC");
    Cli.run("update-segment", "--application-id", appId, "--segment-id", segmentId, "--write-segment-request",
        "{\"Name\":\"v2\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"SMS\",\"EMAIL\"]}}}}").ok();
    JsonNode again = Cli.run("get-campaign", "--application-id", appId, "--campaign-id", c.get("Id").asText()).ok()
        .get("CampaignResponse");
    assertThat(again.get("SegmentVersion").asInt()).as("after update-segment, runs use version 2").isEqualTo(2);
  }

  @Test
  void aCampaignPastItsEndTimeIsNotDue() {
    String id = create(SMS + ",\"Schedule\":{\"StartTime\":\"2030-01-01T00:00:00Z\","
        + "\"EndTime\":\"2030-01-02T00:00:00Z\"}").ok().at("/CampaignResponse/Id").asText();
    JsonNode late = Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id,
        "--at", "2030-01-03T00:00:00Z").ok().get("CampaignRunResponse");
    assertThat(late.get("Due").asBoolean()).as("due after EndTime").isFalse();
  }

  @Test
  void aKeptCampaignIdIsUsedOnceAndMustLookLikeAnId() {
    String members = SMS + ",\"Schedule\":{\"StartTime\":\"IMMEDIATE\"}";
    JsonNode c = create(members, "--campaign-id", "0123456789abcdef0123456789abcdef").ok().get("CampaignResponse");
    assertThat(c.get("Id").asText()).isEqualTo("0123456789abcdef0123456789abcdef");
    Run twice = create(members, "--campaign-id", "0123456789abcdef0123456789abcdef");
    assertThat(twice.exitCode()).isEqualTo(1);
    assertThat(twice.err()).isEqualTo("ConflictException: Campaign '0123456789abcdef0123456789abcdef' already exists "
        + "in application '" + appId + "'\n");
    Run bad = create(members, "--campaign-id", "../etc");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).contains("--campaign-id", "'../etc'");
  }
}
