package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointEnums.Action;
import io.lakecast.model.PinpointEnums.FilterType;
import io.lakecast.model.PinpointEnums.Frequency;
import io.lakecast.model.PinpointEnums.MessageType;
import io.lakecast.model.PinpointEnums.Mode;
import io.lakecast.model.TemplateShapes.TemplateConfiguration;
import java.util.List;
import java.util.Map;

/**
 * Campaign shapes: {@code WriteCampaignRequest}, its messages and schedule, {@code CampaignResponse} and
 * {@code ActivityResponse}, and the in-app messages of an endpoint. An in-app message's content is carried as raw JSON
 * (its layout is the app's business); members Lakecast does not act on are refused by name by the campaign catalog.
 */
public final class CampaignShapes {
  private CampaignShapes() {}

  /** Body of create-campaign. */
  public record WriteCampaignRequest(
      @JsonProperty("AdditionalTreatments") List<WriteTreatmentResource> additionalTreatments,
      @JsonProperty("CustomDeliveryConfiguration") CustomDeliveryConfiguration customDeliveryConfiguration,
      @JsonProperty("Description") String description,
      @JsonProperty("HoldoutPercent") Integer holdoutPercent,
      @JsonProperty("Hook") CampaignHook hook,
      @JsonProperty("IsPaused") Boolean isPaused,
      @JsonProperty("Limits") CampaignLimits limits,
      @JsonProperty("MessageConfiguration") MessageConfiguration messageConfiguration,
      @JsonProperty("Name") String name,
      @JsonProperty("Schedule") Schedule schedule,
      @JsonProperty("SegmentId") String segmentId,
      @JsonProperty("SegmentVersion") Integer segmentVersion,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateConfiguration") TemplateConfiguration templateConfiguration,
      @JsonProperty("TreatmentDescription") String treatmentDescription,
      @JsonProperty("TreatmentName") String treatmentName,
      @JsonProperty("Priority") Integer priority) {}

  /** An additional A/B treatment. */
  public record WriteTreatmentResource(
      @JsonProperty("CustomDeliveryConfiguration") CustomDeliveryConfiguration customDeliveryConfiguration,
      @JsonProperty("MessageConfiguration") MessageConfiguration messageConfiguration,
      @JsonProperty("Schedule") Schedule schedule,
      @JsonProperty("SizePercent") Integer sizePercent,
      @JsonProperty("TemplateConfiguration") TemplateConfiguration templateConfiguration,
      @JsonProperty("TreatmentDescription") String treatmentDescription,
      @JsonProperty("TreatmentName") String treatmentName) {}

  /** Per-channel messages. */
  public record MessageConfiguration(
      @JsonProperty("ADMMessage") Message admMessage,
      @JsonProperty("APNSMessage") Message apnsMessage,
      @JsonProperty("BaiduMessage") Message baiduMessage,
      @JsonProperty("CustomMessage") CampaignCustomMessage customMessage,
      @JsonProperty("DefaultMessage") Message defaultMessage,
      @JsonProperty("EmailMessage") CampaignEmailMessage emailMessage,
      @JsonProperty("GCMMessage") Message gcmMessage,
      @JsonProperty("SMSMessage") CampaignSmsMessage smsMessage,
      @JsonProperty("InAppMessage") JsonNode inAppMessage) {}

  /**
   * Where a custom channel's messages go: {@code DeliveryUri}, an {@code https://} URL or a Lambda function name
   * (mapped to a URL by configuration), and the endpoint types that get them (every type when empty).
   */
  public record CustomDeliveryConfiguration(
      @JsonProperty("DeliveryUri") String deliveryUri,
      @JsonProperty("EndpointTypes") List<io.lakecast.model.PinpointEnums.ChannelType> endpointTypes) {}

  /** A custom channel's message: {@code Data}, the payload (at most 5 KB). */
  public record CampaignCustomMessage(@JsonProperty("Data") String data) {}

  /** A push (or default) message. */
  public record Message(
      @JsonProperty("Action") Action action,
      @JsonProperty("Body") String body,
      @JsonProperty("ImageIconUrl") String imageIconUrl,
      @JsonProperty("ImageSmallIconUrl") String imageSmallIconUrl,
      @JsonProperty("ImageUrl") String imageUrl,
      @JsonProperty("JsonBody") String jsonBody,
      @JsonProperty("MediaUrl") String mediaUrl,
      @JsonProperty("RawContent") String rawContent,
      @JsonProperty("SilentPush") Boolean silentPush,
      @JsonProperty("TimeToLive") Integer timeToLive,
      @JsonProperty("Title") String title,
      @JsonProperty("Url") String url) {}

  /** An email message. */
  public record CampaignEmailMessage(
      @JsonProperty("Body") String body,
      @JsonProperty("FromAddress") String fromAddress,
      @JsonProperty("Headers") List<MessageHeader> headers,
      @JsonProperty("HtmlBody") String htmlBody,
      @JsonProperty("Title") String title) {}

  /** An email header. */
  public record MessageHeader(@JsonProperty("Name") String name, @JsonProperty("Value") String value) {}

  /** An SMS message. */
  public record CampaignSmsMessage(
      @JsonProperty("Body") String body,
      @JsonProperty("MessageType") MessageType messageType,
      @JsonProperty("OriginationNumber") String originationNumber,
      @JsonProperty("SenderId") String senderId,
      @JsonProperty("EntityId") String entityId,
      @JsonProperty("TemplateId") String templateId) {}

  /** When the campaign runs. */
  public record Schedule(
      @JsonProperty("EndTime") String endTime,
      @JsonProperty("EventFilter") CampaignEventFilter eventFilter,
      @JsonProperty("Frequency") Frequency frequency,
      @JsonProperty("IsLocalTime") Boolean isLocalTime,
      @JsonProperty("QuietTime") QuietTime quietTime,
      @JsonProperty("StartTime") String startTime,
      @JsonProperty("Timezone") String timezone) {}

  /** The event that triggers a campaign whose {@code Frequency} is {@code EVENT}. */
  public record CampaignEventFilter(
      @JsonProperty("Dimensions") EventDimensions dimensions,
      @JsonProperty("FilterType") FilterType filterType) {}

  /** Criteria over an event: its type, its attributes and its metrics (each must hold). */
  public record EventDimensions(
      @JsonProperty("Attributes") Map<String, SegmentShapes.AttributeDimension> attributes,
      @JsonProperty("EventType") SegmentShapes.SetDimension eventType,
      @JsonProperty("Metrics") Map<String, SegmentShapes.MetricDimension> metrics) {}

  /** Quiet time window, HH:MM. */
  public record QuietTime(@JsonProperty("End") String end, @JsonProperty("Start") String start) {}

  /** Campaign limits. */
  public record CampaignLimits(
      @JsonProperty("Daily") Integer daily,
      @JsonProperty("MaximumDuration") Integer maximumDuration,
      @JsonProperty("MessagesPerSecond") Integer messagesPerSecond,
      @JsonProperty("Total") Integer total,
      @JsonProperty("Session") Integer session) {}

  /** Campaign hook. */
  public record CampaignHook(
      @JsonProperty("LambdaFunctionName") String lambdaFunctionName,
      @JsonProperty("Mode") Mode mode,
      @JsonProperty("WebUrl") String webUrl) {}

  /** A treatment as returned. */
  public record TreatmentResource(
      @JsonProperty("CustomDeliveryConfiguration") CustomDeliveryConfiguration customDeliveryConfiguration,
      @JsonProperty("Id") String id,
      @JsonProperty("MessageConfiguration") MessageConfiguration messageConfiguration,
      @JsonProperty("Schedule") Schedule schedule,
      @JsonProperty("SizePercent") Integer sizePercent,
      @JsonProperty("State") CampaignState state,
      @JsonProperty("TemplateConfiguration") TemplateConfiguration templateConfiguration,
      @JsonProperty("TreatmentDescription") String treatmentDescription,
      @JsonProperty("TreatmentName") String treatmentName) {}

  /** Campaign state. */
  public record CampaignState(@JsonProperty("CampaignStatus") String campaignStatus) {}

  /** A campaign as Pinpoint returns it. */
  public record CampaignResponse(
      @JsonProperty("AdditionalTreatments") List<TreatmentResource> additionalTreatments,
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("Arn") String arn,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("CustomDeliveryConfiguration") CustomDeliveryConfiguration customDeliveryConfiguration,
      @JsonProperty("DefaultState") CampaignState defaultState,
      @JsonProperty("Description") String description,
      @JsonProperty("HoldoutPercent") Integer holdoutPercent,
      @JsonProperty("Hook") CampaignHook hook,
      @JsonProperty("Id") String id,
      @JsonProperty("IsPaused") Boolean isPaused,
      @JsonProperty("LastModifiedDate") String lastModifiedDate,
      @JsonProperty("Limits") CampaignLimits limits,
      @JsonProperty("MessageConfiguration") MessageConfiguration messageConfiguration,
      @JsonProperty("Name") String name,
      @JsonProperty("Schedule") Schedule schedule,
      @JsonProperty("SegmentId") String segmentId,
      @JsonProperty("SegmentVersion") Integer segmentVersion,
      @JsonProperty("State") CampaignState state,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateConfiguration") TemplateConfiguration templateConfiguration,
      @JsonProperty("TreatmentDescription") String treatmentDescription,
      @JsonProperty("TreatmentName") String treatmentName,
      @JsonProperty("Version") Integer version,
      @JsonProperty("Priority") Integer priority) {}

  /** One campaign activity (one run of one treatment). */
  public record ActivityResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CampaignId") String campaignId,
      @JsonProperty("End") String end,
      @JsonProperty("ExecutionMetrics") Map<String, String> executionMetrics,
      @JsonProperty("Id") String id,
      @JsonProperty("Result") String result,
      @JsonProperty("ScheduledStart") String scheduledStart,
      @JsonProperty("Start") String start,
      @JsonProperty("State") String state,
      @JsonProperty("SuccessfulEndpointCount") Integer successfulEndpointCount,
      @JsonProperty("TimezonesCompletedCount") Integer timezonesCompletedCount,
      @JsonProperty("TimezonesTotalCount") Integer timezonesTotalCount,
      @JsonProperty("TotalEndpointCount") Integer totalEndpointCount,
      @JsonProperty("TreatmentId") String treatmentId) {}

  /** get-campaign-activities result. */
  public record ActivitiesResponse(
      @JsonProperty("Item") List<ActivityResponse> item, @JsonProperty("NextToken") String nextToken) {}

  /** get-campaigns and get-campaign-versions result. */
  public record CampaignsResponse(
      @JsonProperty("Item") List<CampaignResponse> item, @JsonProperty("NextToken") String nextToken) {}

  /** get-in-app-messages result (GetInAppMessages): the in-app campaigns an endpoint may show, by Priority. */
  public record InAppMessagesResponse(
      @JsonProperty("InAppMessageCampaigns") List<InAppMessageCampaign> inAppMessageCampaigns) {}

  /** One in-app campaign for an endpoint: its message, caps (the campaign's limits) and schedule. */
  public record InAppMessageCampaign(
      @JsonProperty("CampaignId") String campaignId,
      @JsonProperty("DailyCap") Integer dailyCap,
      @JsonProperty("InAppMessage") JsonNode inAppMessage,
      @JsonProperty("Priority") Integer priority,
      @JsonProperty("Schedule") InAppCampaignSchedule schedule,
      @JsonProperty("SessionCap") Integer sessionCap,
      @JsonProperty("TotalCap") Integer totalCap,
      @JsonProperty("TreatmentId") String treatmentId) {}

  /** When an in-app message may show: until {@code EndDate}, on {@code EventFilter}'s events, outside quiet time. */
  public record InAppCampaignSchedule(
      @JsonProperty("EndDate") String endDate,
      @JsonProperty("EventFilter") CampaignEventFilter eventFilter,
      @JsonProperty("QuietTime") QuietTime quietTime) {}
}
