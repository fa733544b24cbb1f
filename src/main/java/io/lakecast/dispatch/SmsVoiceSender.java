package io.lakecast.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.pinpointsmsvoicev2.PinpointSmsVoiceV2Client;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictException;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.ConflictExceptionReason;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.PinpointSmsVoiceV2Exception;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.SendTextMessageRequest;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.SendVoiceMessageRequest;
import software.amazon.awssdk.services.pinpointsmsvoicev2.model.VoiceMessageBodyTextType;

/**
 * SMS and VOICE through AWS End User Messaging SMS ({@code pinpoint-sms-voice-v2} {@code SendTextMessage} and
 * {@code SendVoiceMessage}, AWS SDK v2), the service that carries Pinpoint's SMS and voice on. Each dispatch partition
 * opens one client; each message is one call.
 *
 * <p>The Pinpoint SMS message maps as the service documents the move: the endpoint's address is
 * {@code DestinationPhoneNumber}; {@code OriginationNumber} (else {@code SenderId}) is {@code OriginationIdentity};
 * {@code Body}, {@code MessageType} and {@code Keyword} pass through; {@code EntityId} and {@code TemplateId} become
 * the destination country parameters {@code IN_ENTITY_ID} and {@code IN_TEMPLATE_ID}. The ledger's MessageId goes in
 * {@code Context} ({@code lakecast_message_id}), which the service hands to its event destinations.
 * {@code spark.lakecast.sender.sms.smsvoice.configurationSet} is named on every text when set.
 *
 * <p>Throttling and 5xx answers are retried by the SDK's standard strategy up to
 * {@code spark.lakecast.sender.sms.smsvoice.maxAttempts} calls; refusals (a number that opted out, an invalid
 * parameter, an unknown origination identity) fail the text at once. Accepted texts get a delivery record
 * ({@link OutboxSender#deliveryRecords}), which a resumed run reads so as not to send them again. Credentials come
 * from the SDK's default chain and are never logged or recorded.
 */
public final class SmsVoiceSender implements Sender {
  /** The {@code Context} key holding the ledger's MessageId. */
  public static final String MESSAGE_ID_CONTEXT = "lakecast_message_id";

  /** Where the service is and how to call it; no secret (it travels with the tasks). */
  public record Settings(String endpoint, String region, String configurationSet, int maxAttempts)
      implements Serializable {

    /** From the {@code spark.lakecast.sender.sms.smsvoice.*} settings and the region; throws on a bad one. */
    public static Settings of(LakecastConf conf) {
      return new Settings(conf.smsVoiceEndpoint(), conf.region(), conf.smsVoiceConfigurationSet(),
          conf.smsVoiceMaxAttempts());
    }

    /** Where, for the logs. */
    public String describe() {
      return (endpoint.isEmpty() ? "the AWS endpoint of " + region : endpoint + " (" + region + ")")
          + (configurationSet.isEmpty() ? "" : ", configuration set " + configurationSet);
    }
  }

  /** Senders to {@code settings}' service whose accepted texts get a record from {@code records}. */
  public static Factory factory(Settings settings, Factory records) {
    return partitionId -> new SmsVoiceSender(settings, records.open(partitionId));
  }

  private final Settings settings;
  private final Sender records;
  private final PinpointSmsVoiceV2Client client;
  private final AwsSenders.Attempts attempts = new AwsSenders.Attempts();

  private SmsVoiceSender(Settings settings, Sender records) {
    this.settings = settings;
    this.records = records;
    this.client = AwsSenders.client(PinpointSmsVoiceV2Client.builder(), settings.endpoint(), settings.region(),
        settings.maxAttempts(), attempts);
  }

  @Override
  public Delivery send(OutboundMessage m) {
    boolean voice = m.channelType().equals("VOICE");
    SendTextMessageRequest text = null;
    SendVoiceMessageRequest call = null;
    try {
      if (voice) {
        call = voiceRequest(m);
      } else {
        text = request(m);
      }
    } catch (IOException e) {
      return Delivery.invalid((voice ? "VOICE" : "SMS") + "_INVALID_MESSAGE: "
          + ChannelMessages.firstLine(e.getMessage()));
    }
    attempts.take();
    try {
      if (voice) {
        client.sendVoiceMessage(call);
      } else {
        client.sendTextMessage(text);
      }
    } catch (PinpointSmsVoiceV2Exception e) {
      boolean optedOut = e instanceof ConflictException c
          && c.reason() == ConflictExceptionReason.DESTINATION_PHONE_NUMBER_OPTED_OUT;
      return AwsSenders.failed("SMS", e, attempts.take(), optedOut);
    } catch (SdkClientException e) {
      return AwsSenders.failed("SMS", e, attempts.take());
    }
    return ChannelMessages.recorded(records, m, Delivery.sent(200, attempts.take()));
  }

  /**
   * A VOICE message ({@code VoiceMessage}: {@code Body} read as plain text, {@code OriginationNumber},
   * {@code VoiceId} such as {@code Joanna}) as {@code SendVoiceMessage}; {@code LanguageCode} has no member there
   * (the voice speaks its language).
   */
  private SendVoiceMessageRequest voiceRequest(OutboundMessage m) throws IOException {
    JsonNode msg = PinpointJson.mapper().readTree(m.message());
    String body = ChannelMessages.text(msg, "Body");
    SendVoiceMessageRequest.Builder request = SendVoiceMessageRequest.builder()
        .destinationPhoneNumber(m.address())
        .messageBody(body == null ? "" : body)
        .messageBodyTextType(VoiceMessageBodyTextType.TEXT)
        .context(Map.of(MESSAGE_ID_CONTEXT, m.messageId()));
    String origination = ChannelMessages.text(msg, "OriginationNumber");
    if (origination != null) {
      request.originationIdentity(origination);
    }
    if (ChannelMessages.text(msg, "VoiceId") != null) {
      request.voiceId(ChannelMessages.text(msg, "VoiceId").toUpperCase(java.util.Locale.ROOT));
    }
    if (!settings.configurationSet().isEmpty()) {
      request.configurationSetName(settings.configurationSet());
    }
    return request.build();
  }

  private SendTextMessageRequest request(OutboundMessage m) throws IOException {
    JsonNode msg = PinpointJson.mapper().readTree(m.message());
    SendTextMessageRequest.Builder request = SendTextMessageRequest.builder()
        .destinationPhoneNumber(m.address())
        .context(Map.of(MESSAGE_ID_CONTEXT, m.messageId()));
    String origination = ChannelMessages.text(msg, "OriginationNumber");
    origination = origination != null ? origination : ChannelMessages.text(msg, "SenderId");
    if (origination != null) {
      request.originationIdentity(origination);
    }
    String body = ChannelMessages.text(msg, "Body");
    request.messageBody(body == null ? "" : body);
    if (ChannelMessages.text(msg, "MessageType") != null) {
      request.messageType(ChannelMessages.text(msg, "MessageType"));
    }
    if (ChannelMessages.text(msg, "Keyword") != null) {
      request.keyword(ChannelMessages.text(msg, "Keyword"));
    }
    Map<String, String> country = new LinkedHashMap<>();
    if (ChannelMessages.text(msg, "EntityId") != null) {
      country.put("IN_ENTITY_ID", ChannelMessages.text(msg, "EntityId"));
    }
    if (ChannelMessages.text(msg, "TemplateId") != null) {
      country.put("IN_TEMPLATE_ID", ChannelMessages.text(msg, "TemplateId"));
    }
    if (!country.isEmpty()) {
      request.destinationCountryParametersWithStrings(country);
    }
    if (!settings.configurationSet().isEmpty()) {
      request.configurationSetName(settings.configurationSet());
    }
    return request.build();
  }

  @Override
  public void close() {
    client.close();
    records.close();
  }
}
