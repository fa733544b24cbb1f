package io.lakecast.campaigns;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-app campaigns: a campaign with {@code Frequency: IN_APP_EVENT} and an {@code InAppMessage} (or an
 * {@code InAppTemplate}) holds its message for each IN_APP endpoint of its segment when it runs, and
 * get-in-app-messages answers Pinpoint's {@code InAppMessagesResponse} for an endpoint: the live campaigns it is in,
 * by Priority, with message, caps and schedule.
 */
class InAppCampaignTest {
  static final String START = "2030-01-01T09:00:00Z";
  static final String BANNER = "{\"Layout\":\"TOP_BANNER\",\"Content\":[{\"BackgroundColor\":\"#FFFFFF\","
      + "\"BodyConfig\":{\"Alignment\":\"CENTER\",\"Body\":\"Winter sale\",\"TextColor\":\"#000000\"},"
      + "\"HeaderConfig\":{\"Alignment\":\"CENTER\",\"Header\":\"Hello\",\"TextColor\":\"#000000\"},"
      + "\"PrimaryBtn\":{\"DefaultConfig\":{\"ButtonAction\":\"DEEP_LINK\",\"Link\":\"shop://sale\","
      + "\"Text\":\"Shop\"}}}],\"CustomConfig\":{\"campaign\":\"winter\"}}";
  static final String CAROUSEL = "{\"Layout\":\"CAROUSEL\",\"Content\":[{\"BodyConfig\":{\"Alignment\":\"LEFT\","
      + "\"Body\":\"New arrivals\",\"TextColor\":\"#111111\"}}]}";
  static final String TRIGGER = "{\"FilterType\":\"ENDPOINT\",\"Dimensions\":{\"EventType\":{\"DimensionType\":"
      + "\"INCLUSIVE\",\"Values\":[\"_session.start\"]}}}";

  @TempDir static Path warehouse;
  static Cli.Audience audience;
  static String banner;
  static String carousel;

  @BeforeAll
  static void setUp() {
    SparkTestSession.withWarehouse(warehouse);
    audience = Cli.audience(warehouse, "inapp", "Id,ChannelType,Address,OptOut\n"
        + "a1,IN_APP,app-a1,NONE\na2,IN_APP,app-a2,NONE\na3,IN_APP,app-a3,ALL\ne1,EMAIL,e1@example.com,NONE\n",
        "IN_APP", "EMAIL");
    Cli.run("create-in-app-template", "--template-name", "arrivals", "--in-app-template-request", CAROUSEL).ok();
    // A banner until the end of January, shown on session start, at most once a day, twice a session, 5 times.
    banner = create("{\"Name\":\"banner\",\"Priority\":2,\"Limits\":{\"Daily\":1,\"Session\":2,\"Total\":5},"
        + "\"MessageConfiguration\":{\"InAppMessage\":" + BANNER + "},"
        + "\"Schedule\":{\"StartTime\":\"" + START + "\",\"EndTime\":\"2030-02-01T00:00:00Z\","
        + "\"Frequency\":\"IN_APP_EVENT\",\"EventFilter\":" + TRIGGER + ","
        + "\"QuietTime\":{\"Start\":\"22:00\",\"End\":\"07:00\"}}}");
    // From a template, more urgent, no end.
    carousel = create("{\"Name\":\"carousel\",\"Priority\":1,"
        + "\"TemplateConfiguration\":{\"InAppTemplate\":{\"Name\":\"arrivals\"}},"
        + "\"Schedule\":{\"StartTime\":\"" + START + "\",\"Frequency\":\"IN_APP_EVENT\"}}");
    audience.runCampaign(banner, START);
    audience.runCampaign(carousel, START);
  }

  static String create(String request) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        request.replaceFirst("\\{", "{\"SegmentId\":\"" + audience.segmentId() + "\",")).ok()
        .at("/CampaignResponse/Id").asText();
  }

  static JsonNode messages(String endpointId, String at) {
    return Cli.run("get-in-app-messages", "--application-id", audience.appId(), "--endpoint-id", endpointId,
        "--at", at).ok().get("InAppMessagesResponse");
  }

  @Test
  void theRunHoldsTheMessageForEachInAppEndpointThatMayHaveIt() {
    // a3 opted out; e1 is an email endpoint, which an in-app message does not reach.
    assertThat(Cli.ledger(warehouse, banner)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "a1", "SENT", "a2", "SENT")));
    assertThat(Cli.campaignEvents(warehouse, banner)).containsExactly(
        "_campaign.send a1 {campaign_send_status=SUCCESS, delivery_type=IN_APP, treatment_id=0}",
        "_campaign.send a2 {campaign_send_status=SUCCESS, delivery_type=IN_APP, treatment_id=0}");
  }

  @Test
  void anEndpointGetsItsLiveCampaignsByPriorityWithMessageCapsAndSchedule() {
    assertThat(messages("a1", "2030-01-15T12:00:00Z").toString()).isEqualTo("{\"InAppMessageCampaigns\":["
        + "{\"CampaignId\":\"" + carousel + "\",\"InAppMessage\":{\"Content\":[{\"BodyConfig\":{\"Alignment\":"
        + "\"LEFT\",\"Body\":\"New arrivals\",\"TextColor\":\"#111111\"}}],\"Layout\":\"CAROUSEL\"},\"Priority\":1,"
        + "\"Schedule\":{},\"TreatmentId\":\"0\"},"
        + "{\"CampaignId\":\"" + banner + "\",\"DailyCap\":1,\"InAppMessage\":{\"Content\":[{\"BackgroundColor\":"
        + "\"#FFFFFF\",\"BodyConfig\":{\"Alignment\":\"CENTER\",\"Body\":\"Winter sale\",\"TextColor\":\"#000000\"},"
        + "\"HeaderConfig\":{\"Alignment\":\"CENTER\",\"Header\":\"Hello\",\"TextColor\":\"#000000\"},"
        + "\"PrimaryBtn\":{\"DefaultConfig\":{\"ButtonAction\":\"DEEP_LINK\",\"Link\":\"shop://sale\","
        + "\"Text\":\"Shop\"}}}],\"CustomConfig\":{\"campaign\":\"winter\"},\"Layout\":\"TOP_BANNER\"},"
        + "\"Priority\":2,\"Schedule\":{\"EndDate\":\"2030-02-01T00:00:00Z\",\"EventFilter\":{\"Dimensions\":"
        + "{\"EventType\":{\"DimensionType\":\"INCLUSIVE\",\"Values\":[\"_session.start\"]}},\"FilterType\":"
        + "\"ENDPOINT\"},\"QuietTime\":{\"End\":\"07:00\",\"Start\":\"22:00\"}},\"SessionCap\":2,\"TotalCap\":5,"
        + "\"TreatmentId\":\"0\"}]}");
  }

  @Test
  void onlyCampaignsLiveAtThatMomentAndHoldingTheEndpointAreGiven() {
    assertThat(ids(messages("a1", "2029-12-31T00:00:00Z"))).as("before the start").isEmpty();
    assertThat(ids(messages("a2", "2030-03-01T00:00:00Z"))).as("after the banner's EndTime").containsExactly(carousel);
    assertThat(ids(messages("a3", "2030-01-15T12:00:00Z"))).as("opted out").isEmpty();
    assertThat(ids(messages("e1", "2030-01-15T12:00:00Z"))).as("an email endpoint").isEmpty();
    assertThat(ids(messages("nobody", "2030-01-15T12:00:00Z"))).as("an unknown endpoint").isEmpty();
  }

  @Test
  void aPausedCampaignIsNotGiven() {
    String flash = create("{\"Name\":\"flash\",\"Priority\":3,\"MessageConfiguration\":{\"InAppMessage\":"
        + CAROUSEL + "},\"Schedule\":{\"StartTime\":\"" + START + "\",\"Frequency\":\"IN_APP_EVENT\"}}");
    audience.runCampaign(flash, START);
    assertThat(ids(messages("a2", "2030-01-15T12:00:00Z"))).containsExactly(carousel, banner, flash);
    Cli.run("update-campaign", "--application-id", audience.appId(), "--campaign-id", flash,
        "--write-campaign-request", "{\"SegmentId\":\"" + audience.segmentId() + "\",\"IsPaused\":true,"
            + "\"MessageConfiguration\":{\"InAppMessage\":" + CAROUSEL + "},\"Schedule\":{\"StartTime\":\""
            + START + "\",\"Frequency\":\"IN_APP_EVENT\"}}").ok();
    assertThat(ids(messages("a2", "2030-01-15T12:00:00Z"))).containsExactly(carousel, banner);
  }

  @Test
  void aMissingApplicationOrEndpointIdIsRefused() {
    Cli.Run noApp = Cli.run("get-in-app-messages", "--application-id", "0123456789abcdef0123456789abcdef",
        "--endpoint-id", "a1");
    assertThat(noApp.exitCode()).isEqualTo(1);
    assertThat(noApp.err()).startsWith("NotFoundException: ");
    Cli.Run blank = Cli.run("get-in-app-messages", "--application-id", audience.appId(), "--endpoint-id", " ");
    assertThat(blank.exitCode()).isEqualTo(2);
    assertThat(blank.err()).isEqualTo("BadRequestException: Invalid value ' ' for --endpoint-id: expected an "
        + "endpoint id\n");
  }

  static java.util.List<String> ids(JsonNode response) {
    java.util.List<String> out = new java.util.ArrayList<>();
    response.get("InAppMessageCampaigns").forEach(c -> out.add(c.get("CampaignId").asText()));
    return out;
  }
}
