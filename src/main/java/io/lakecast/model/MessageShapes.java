package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.model.TemplateShapes.TemplateConfiguration;
import java.util.List;
import java.util.Map;

/**
 * Direct-send shapes: {@code MessageRequest} (SendMessages), {@code SendUsersMessageRequest} (SendUsersMessages) and
 * their responses. Each channel's message of {@code DirectMessageConfiguration} is carried as raw JSON, as the
 * senders read it.
 */
public final class MessageShapes {
  private MessageShapes() {}

  /** SendMessages: at most 100 recipients, by address or by endpoint id. */
  public record MessageRequest(
      @JsonProperty("Addresses") Map<String, AddressConfiguration> addresses,
      @JsonProperty("Context") Map<String, String> context,
      @JsonProperty("Endpoints") Map<String, EndpointSendConfiguration> endpoints,
      @JsonProperty("MessageConfiguration") DirectMessageConfiguration messageConfiguration,
      @JsonProperty("TemplateConfiguration") TemplateConfiguration templateConfiguration,
      @JsonProperty("TraceId") String traceId) {}

  /** SendUsersMessages: at most 100 users, each sent on every endpoint. */
  public record SendUsersMessageRequest(
      @JsonProperty("Context") Map<String, String> context,
      @JsonProperty("MessageConfiguration") DirectMessageConfiguration messageConfiguration,
      @JsonProperty("TemplateConfiguration") TemplateConfiguration templateConfiguration,
      @JsonProperty("TraceId") String traceId,
      @JsonProperty("Users") Map<String, EndpointSendConfiguration> users) {}

  /** One address's channel and its overrides. */
  public record AddressConfiguration(
      @JsonProperty("BodyOverride") String bodyOverride,
      @JsonProperty("ChannelType") ChannelType channelType,
      @JsonProperty("Context") Map<String, String> context,
      @JsonProperty("RawContent") String rawContent,
      @JsonProperty("Substitutions") Map<String, List<String>> substitutions,
      @JsonProperty("TitleOverride") String titleOverride) {}

  /** One endpoint's (or user's) overrides. */
  public record EndpointSendConfiguration(
      @JsonProperty("BodyOverride") String bodyOverride,
      @JsonProperty("Context") Map<String, String> context,
      @JsonProperty("RawContent") String rawContent,
      @JsonProperty("Substitutions") Map<String, List<String>> substitutions,
      @JsonProperty("TitleOverride") String titleOverride) {}

  /** The message of each channel; a channel's own message overrides the defaults. */
  public record DirectMessageConfiguration(
      @JsonProperty("ADMMessage") JsonNode admMessage,
      @JsonProperty("APNSMessage") JsonNode apnsMessage,
      @JsonProperty("BaiduMessage") JsonNode baiduMessage,
      @JsonProperty("DefaultMessage") JsonNode defaultMessage,
      @JsonProperty("DefaultPushNotificationMessage") JsonNode defaultPushNotificationMessage,
      @JsonProperty("EmailMessage") JsonNode emailMessage,
      @JsonProperty("GCMMessage") JsonNode gcmMessage,
      @JsonProperty("SMSMessage") JsonNode smsMessage,
      @JsonProperty("VoiceMessage") JsonNode voiceMessage) {}

  /** SendMessages result. */
  public record MessageResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("EndpointResult") Map<String, EndpointMessageResult> endpointResult,
      @JsonProperty("RequestId") String requestId,
      @JsonProperty("Result") Map<String, MessageResult> result) {}

  /** SendUsersMessages result: userId → endpointId → outcome. */
  public record SendUsersMessageResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("RequestId") String requestId,
      @JsonProperty("Result") Map<String, Map<String, EndpointMessageResult>> result) {}

  /** The outcome of one endpoint's message. */
  public record EndpointMessageResult(
      @JsonProperty("Address") String address,
      @JsonProperty("DeliveryStatus") String deliveryStatus,
      @JsonProperty("MessageId") String messageId,
      @JsonProperty("StatusCode") int statusCode,
      @JsonProperty("StatusMessage") String statusMessage,
      @JsonProperty("UpdatedToken") String updatedToken) {}

  /** The outcome of one address's message. */
  public record MessageResult(
      @JsonProperty("DeliveryStatus") String deliveryStatus,
      @JsonProperty("MessageId") String messageId,
      @JsonProperty("StatusCode") int statusCode,
      @JsonProperty("StatusMessage") String statusMessage,
      @JsonProperty("UpdatedToken") String updatedToken) {}
}
