package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.CampaignShapes.MessageHeader;
import io.lakecast.model.PinpointEnums.Action;
import io.lakecast.model.PinpointEnums.Layout;
import java.util.List;
import java.util.Map;

/**
 * Message template shapes: the five request bodies ({@code EmailTemplateRequest}, {@code SMSTemplateRequest},
 * {@code PushNotificationTemplateRequest}, {@code VoiceTemplateRequest}, {@code InAppTemplateRequest}), the
 * {@code TemplateConfiguration} a campaign names templates with, and the list and message responses. A template's
 * own response is its request's members plus the template's metadata, built by the template catalog.
 */
public final class TemplateShapes {
  private TemplateShapes() {}

  /** Template types, as {@code TemplateType} spells them, with the path segment of their commands. */
  public enum TemplateType {
    EMAIL("email", EmailTemplateRequest.class),
    SMS("sms", SMSTemplateRequest.class),
    VOICE("voice", VoiceTemplateRequest.class),
    PUSH("push", PushNotificationTemplateRequest.class),
    INAPP("in-app", InAppTemplateRequest.class);

    private final String command;
    private final Class<?> requestType;

    TemplateType(String command, Class<?> requestType) {
      this.command = command;
      this.requestType = requestType;
    }

    /** The word in the commands' names: create-{@code email}-template, get-{@code in-app}-template. */
    public String command() {
      return command;
    }

    /** The request shape's class. */
    public Class<?> requestType() {
      return requestType;
    }

    /** The request shape's Pinpoint name. */
    public String requestShape() {
      return requestType.getSimpleName();
    }

    /** The response shape's Pinpoint name. */
    public String responseShape() {
      return requestShape().replace("Request", "Response");
    }
  }

  /** Body of create-email-template and update-email-template. */
  public record EmailTemplateRequest(
      @JsonProperty("DefaultSubstitutions") String defaultSubstitutions,
      @JsonProperty("HtmlPart") String htmlPart,
      @JsonProperty("RecommenderId") String recommenderId,
      @JsonProperty("Subject") String subject,
      @JsonProperty("Headers") List<MessageHeader> headers,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateDescription") String templateDescription,
      @JsonProperty("TextPart") String textPart) {}

  /** Body of create-sms-template and update-sms-template. */
  public record SMSTemplateRequest(
      @JsonProperty("Body") String body,
      @JsonProperty("DefaultSubstitutions") String defaultSubstitutions,
      @JsonProperty("RecommenderId") String recommenderId,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateDescription") String templateDescription) {}

  /** Body of create-voice-template and update-voice-template. */
  public record VoiceTemplateRequest(
      @JsonProperty("Body") String body,
      @JsonProperty("DefaultSubstitutions") String defaultSubstitutions,
      @JsonProperty("LanguageCode") String languageCode,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateDescription") String templateDescription,
      @JsonProperty("VoiceId") String voiceId) {}

  /** Body of create-push-template and update-push-template. */
  public record PushNotificationTemplateRequest(
      @JsonProperty("ADM") AndroidPushNotificationTemplate adm,
      @JsonProperty("APNS") APNSPushNotificationTemplate apns,
      @JsonProperty("Baidu") AndroidPushNotificationTemplate baidu,
      @JsonProperty("Default") DefaultPushNotificationTemplate defaultTemplate,
      @JsonProperty("DefaultSubstitutions") String defaultSubstitutions,
      @JsonProperty("GCM") AndroidPushNotificationTemplate gcm,
      @JsonProperty("RecommenderId") String recommenderId,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateDescription") String templateDescription) {}

  /** The ADM, Baidu and GCM part of a push template. */
  public record AndroidPushNotificationTemplate(
      @JsonProperty("Action") Action action,
      @JsonProperty("Body") String body,
      @JsonProperty("ImageIconUrl") String imageIconUrl,
      @JsonProperty("ImageUrl") String imageUrl,
      @JsonProperty("RawContent") String rawContent,
      @JsonProperty("SmallImageIconUrl") String smallImageIconUrl,
      @JsonProperty("Sound") String sound,
      @JsonProperty("Title") String title,
      @JsonProperty("Url") String url) {}

  /** The APNs part of a push template. */
  public record APNSPushNotificationTemplate(
      @JsonProperty("Action") Action action,
      @JsonProperty("Body") String body,
      @JsonProperty("MediaUrl") String mediaUrl,
      @JsonProperty("RawContent") String rawContent,
      @JsonProperty("Sound") String sound,
      @JsonProperty("Title") String title,
      @JsonProperty("Url") String url) {}

  /** The default part of a push template, for push channels without their own. */
  public record DefaultPushNotificationTemplate(
      @JsonProperty("Action") Action action,
      @JsonProperty("Body") String body,
      @JsonProperty("Sound") String sound,
      @JsonProperty("Title") String title,
      @JsonProperty("Url") String url) {}

  /** Body of create-in-app-template and update-in-app-template. In-app templates take no variables. */
  public record InAppTemplateRequest(
      @JsonProperty("Content") List<JsonNode> content,
      @JsonProperty("CustomConfig") Map<String, String> customConfig,
      @JsonProperty("Layout") Layout layout,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateDescription") String templateDescription) {}

  /** A template a campaign or treatment names; without a version, the template's active version. */
  public record Template(@JsonProperty("Name") String name, @JsonProperty("Version") String version) {}

  /** The templates a campaign or treatment uses, per channel family. */
  public record TemplateConfiguration(
      @JsonProperty("EmailTemplate") Template emailTemplate,
      @JsonProperty("PushTemplate") Template pushTemplate,
      @JsonProperty("SMSTemplate") Template smsTemplate,
      @JsonProperty("VoiceTemplate") Template voiceTemplate,
      @JsonProperty("InAppTemplate") Template inAppTemplate) {}

  /** Body of update-template-active-version. */
  public record TemplateActiveVersionRequest(@JsonProperty("Version") String version) {}

  /** What the create-…-template commands return. */
  public record CreateTemplateMessageBody(
      @JsonProperty("Arn") String arn,
      @JsonProperty("Message") String message,
      @JsonProperty("RequestID") String requestId) {}

  /** What the update, delete and update-template-active-version commands return. */
  public record MessageBody(@JsonProperty("Message") String message, @JsonProperty("RequestID") String requestId) {}

  /** One template in list-templates. */
  public record TemplateResponse(
      @JsonProperty("Arn") String arn,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("DefaultSubstitutions") String defaultSubstitutions,
      @JsonProperty("LastModifiedDate") String lastModifiedDate,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("TemplateDescription") String templateDescription,
      @JsonProperty("TemplateName") String templateName,
      @JsonProperty("TemplateType") TemplateType templateType,
      @JsonProperty("Version") String version) {}

  /** list-templates result. */
  public record TemplatesResponse(
      @JsonProperty("Item") List<TemplateResponse> item, @JsonProperty("NextToken") String nextToken) {}

  /** One version in list-template-versions. */
  public record TemplateVersionResponse(
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("DefaultSubstitutions") String defaultSubstitutions,
      @JsonProperty("LastModifiedDate") String lastModifiedDate,
      @JsonProperty("TemplateDescription") String templateDescription,
      @JsonProperty("TemplateName") String templateName,
      @JsonProperty("TemplateType") String templateType,
      @JsonProperty("Version") String version) {}

  /** list-template-versions result. */
  public record TemplateVersionsResponse(
      @JsonProperty("Item") List<TemplateVersionResponse> item,
      @JsonProperty("Message") String message,
      @JsonProperty("NextToken") String nextToken,
      @JsonProperty("RequestID") String requestId) {}
}
