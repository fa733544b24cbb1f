package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * Application (project) shapes: {@code CreateApplicationRequest}, {@code ApplicationResponse}, and the
 * remove-attributes pair {@code UpdateAttributesRequest} / {@code AttributesResource}, and the application settings
 * ({@code WriteApplicationSettingsRequest} / {@code ApplicationSettingsResource}).
 */
public final class AppShapes {
  private AppShapes() {}

  /** Body of create-app. */
  public record CreateApplicationRequest(
      @JsonProperty("Name") String name, @JsonProperty("tags") Map<String, String> tags) {}

  /** One application. */
  public record ApplicationResponse(
      @JsonProperty("Arn") String arn,
      @JsonProperty("Id") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("CreationDate") String creationDate) {}

  /** get-apps result. */
  public record ApplicationsResponse(
      @JsonProperty("Item") List<ApplicationResponse> item, @JsonProperty("NextToken") String nextToken) {}

  /** Body of remove-attributes: exact attribute names or glob patterns ({@code *}, {@code ?}). */
  public record UpdateAttributesRequest(@JsonProperty("Blacklist") List<String> blacklist) {}

  /** remove-attributes result: the names and patterns now removed for the attribute type. */
  public record AttributesResource(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("AttributeType") String attributeType,
      @JsonProperty("Attributes") List<String> attributes) {}

  /**
   * Body of update-application-settings: the defaults every campaign of the application inherits.
   * {@code GlobalControlGroupPercent} is Lakecast's extension: the share of users no campaign of the application
   * ever messages.
   */
  public record WriteApplicationSettingsRequest(
      @JsonProperty("CampaignHook") CampaignShapes.CampaignHook campaignHook,
      @JsonProperty("CloudWatchMetricsEnabled") Boolean cloudWatchMetricsEnabled,
      @JsonProperty("EventTaggingEnabled") Boolean eventTaggingEnabled,
      @JsonProperty("Limits") CampaignShapes.CampaignLimits limits,
      @JsonProperty("QuietTime") CampaignShapes.QuietTime quietTime,
      @JsonProperty("JourneyLimits") ApplicationSettingsJourneyLimits journeyLimits,
      @JsonProperty("GlobalControlGroupPercent") Integer globalControlGroupPercent) {}

  /** Journey limits of an application. */
  public record ApplicationSettingsJourneyLimits(
      @JsonProperty("DailyCap") Integer dailyCap,
      @JsonProperty("TimeframeCap") JourneyTimeframeCap timeframeCap,
      @JsonProperty("TotalCap") Integer totalCap) {}

  /** At most {@code Cap} journey messages per endpoint in {@code Days} days. */
  public record JourneyTimeframeCap(@JsonProperty("Cap") Integer cap, @JsonProperty("Days") Integer days) {}

  /** get-application-settings and update-application-settings result. */
  public record ApplicationSettingsResource(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CampaignHook") CampaignShapes.CampaignHook campaignHook,
      @JsonProperty("LastModifiedDate") String lastModifiedDate,
      @JsonProperty("Limits") CampaignShapes.CampaignLimits limits,
      @JsonProperty("QuietTime") CampaignShapes.QuietTime quietTime,
      @JsonProperty("JourneyLimits") ApplicationSettingsJourneyLimits journeyLimits,
      @JsonProperty("GlobalControlGroupPercent") Integer globalControlGroupPercent) {}
}
