package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A campaign whose messages come from templates: the default treatment names version 1 of an SMS template, the
 * other treatment names none (the active version, 2); the campaign's SMSMessage lays its members over the template's.
 * Every endpoint's message is personalized; the template's DefaultSubstitutions fill a missing first name; an
 * endpoint whose plan is missing (no default) is not sent and its ledger row says RENDERING_FAILURE.
 */
class TemplatedCampaignTest {
  static final String START = "2030-03-01T09:00:00Z";
  @TempDir static Path warehouse;
  static SparkSession spark;
  static Cli.Audience audience;

  @BeforeAll
  static void audience() {
    spark = SparkTestSession.withWarehouse(warehouse);
    audience = Cli.smsAudience(warehouse, "templated", """
        Id,ChannelType,Address,User.UserId,User.UserAttributes.FirstName,Attributes.Plan
        ana,SMS,+12065550101,u1,Ana,gold
        bo,SMS,+12065550102,u2,,silver
        cy,SMS,+12065550103,u3,Cy,
        dee,SMS,+12065550104,u4,Dee,bronze
        """);
    Cli.run("create-sms-template", "--template-name", "greet", "--sms-template-request",
        "{\"Body\":\"v1: Hi {{User.UserAttributes.FirstName}}, your {{Attributes.Plan}} plan\","
            + "\"DefaultSubstitutions\":\"{\\\"User.UserAttributes.FirstName\\\":\\\"friend\\\"}\"}").ok();
    Cli.run("update-sms-template", "--template-name", "greet", "--create-new-version", "--sms-template-request",
        "{\"Body\":\"v2: {{Attributes.Plan}} for {{User.UserAttributes.FirstName}}\","
            + "\"DefaultSubstitutions\":\"{\\\"User.UserAttributes.FirstName\\\":\\\"you\\\"}\"}").ok();
    Cli.run("update-template-active-version", "--template-name", "greet", "--template-type", "SMS",
        "--template-active-version-request", "{\"Version\":\"2\"}").ok();
  }

  @Test
  void eachEndpointGetsItsTreatmentsTemplateVersionPersonalized() throws IOException {
    String campaignId = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"Name\":\"templated\",\"SegmentId\":\"" + audience.segmentId() + "\","
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"},"
            + "\"MessageConfiguration\":{\"SMSMessage\":{\"MessageType\":\"PROMOTIONAL\"}},"
            + "\"TemplateConfiguration\":{\"SMSTemplate\":{\"Name\":\"greet\",\"Version\":\"1\"}},"
            + "\"AdditionalTreatments\":[{\"SizePercent\":50,"
            + "\"TemplateConfiguration\":{\"SMSTemplate\":{\"Name\":\"greet\"}}}]}").ok()
        .at("/CampaignResponse/Id").asText();
    JsonNode run = audience.runCampaign(campaignId, START);

    // What each endpoint would read, by the treatment it landed in (written down per version).
    Map<String, String> v1 = Map.of("ana", "v1: Hi Ana, your gold plan", "bo", "v1: Hi friend, your silver plan",
        "dee", "v1: Hi Dee, your bronze plan");
    Map<String, String> v2 = Map.of("ana", "v2: gold for Ana", "bo", "v2: silver for you", "dee", "v2: bronze for Dee");
    Map<String, String> sent = new TreeMap<>();
    for (JsonNode m : Cli.outbox(warehouse)) {
      String endpoint = m.get("EndpointId").asText();
      String expected = m.get("TreatmentId").asText().equals("0") ? v1.get(endpoint) : v2.get(endpoint);
      assertThat(m.at("/Message/Body").asText()).as(endpoint).isEqualTo(expected);
      assertThat(m.at("/Message/MessageType").asText()).as("the campaign's SMSMessage member").isEqualTo("PROMOTIONAL");
      sent.put(endpoint, m.get("TreatmentId").asText());
    }
    assertThat(sent.keySet()).containsExactly("ana", "bo", "dee");
    assertThat(run.get("Sent").asLong()).isEqualTo(3);
    assertThat(run.get("Failed").asLong()).isEqualTo(1);

    List<Row> cy = spark.read().format("delta").load(warehouse + "/send_ledger")
        .filter(col("CampaignId").equalTo(campaignId).and(col("EndpointId").equalTo("cy")))
        .select("Status", "Reason").collectAsList();
    assertThat(cy).hasSize(1);
    assertThat(cy.get(0).getString(0)).isEqualTo("FAILED");
    assertThat(cy.get(0).getString(1)).isEqualTo("RENDERING_FAILURE");

    JsonNode campaign = Cli.run("get-campaign", "--application-id", audience.appId(), "--campaign-id", campaignId)
        .ok().get("CampaignResponse");
    assertThat(campaign.at("/TemplateConfiguration/SMSTemplate/Version").asText()).isEqualTo("1");
    assertThat(campaign.at("/AdditionalTreatments/0/TemplateConfiguration/SMSTemplate/Name").asText())
        .isEqualTo("greet");
  }

  @Test
  void aCampaignNamingATemplateThatDoesNotExistIsRefused() {
    Cli.Run r = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"Schedule\":{\"StartTime\":\"" + START + "\"},"
            + "\"TemplateConfiguration\":{\"SMSTemplate\":{\"Name\":\"nope\"}}}");
    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).startsWith("NotFoundException: SMS template 'nope' was not found");
  }

  @Test
  void aVoiceTemplateIsRefusedForCampaignsAsPinpointDoes() {
    Cli.Run r = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"Schedule\":{\"StartTime\":\"" + START + "\"},"
            + "\"TemplateConfiguration\":{\"VoiceTemplate\":{\"Name\":\"greet\"}}}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: TemplateConfiguration.VoiceTemplate in WriteCampaignRequest "
        + "is not supported yet by Lakecast");
  }

  @Test
  void aMessageVariableThatDoesNotCompileIsRefusedByMember() {
    Cli.Run r = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"Schedule\":{\"StartTime\":\"" + START + "\"},"
            + "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"Hi {{#each x}}\"}}}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: Invalid MessageConfiguration.SMSMessage.Body in "
        + "WriteCampaignRequest: not a valid template");
  }
}
