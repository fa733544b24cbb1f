package io.lakecast.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.Body;
import software.amazon.awssdk.services.sesv2.model.Content;
import software.amazon.awssdk.services.sesv2.model.MessageHeader;
import software.amazon.awssdk.services.sesv2.model.MessageTag;
import software.amazon.awssdk.services.sesv2.model.SendEmailRequest;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;

/**
 * EMAIL through Amazon SES v2 ({@code SendEmail}, AWS SDK v2). Each dispatch partition opens one client and sends its
 * messages through it, one call per recipient.
 *
 * <p>The channel message becomes a simple SES message: {@code FromAddress} (else {@code spark.lakecast.sender.email
 * .fromAddress}), the endpoint's address as the only recipient, {@code Title} as the subject, {@code Body} and
 * {@code HtmlBody} as the text and HTML parts, each of {@code Headers} as a header, plus {@code X-Lakecast-Message-Id}
 * and the email tag {@code lakecast_message_id} with the ledger's MessageId (so SES's own events can be joined to the
 * ledger). {@code spark.lakecast.sender.email.ses.configurationSet} is named on every email when set.
 *
 * <p>Throttling (429), 5xx answers, timeouts and lost connections are retried by the SDK's standard strategy
 * (exponential backoff with full jitter) up to {@code spark.lakecast.sender.email.ses.maxAttempts} calls; SES's
 * refusals (an unverified sender, a rejected message, a paused account) fail the message at once with SES's error
 * code and message. Every email SES accepted gets a delivery record ({@link OutboxSender#deliveryRecords}), which a
 * resumed run reads so as not to send it again. Credentials come from the SDK's default chain (environment, system
 * properties, profile, instance or container role) and are never logged or recorded.
 */
public final class SesSender implements Sender {
  /** The email tag holding the ledger's MessageId. */
  public static final String MESSAGE_ID_TAG = "lakecast_message_id";

  /** Where SES is and how to call it; no secret (it travels with the tasks). */
  public record Settings(String endpoint, String region, String configurationSet, int maxAttempts,
      String defaultFrom) implements Serializable {

    /** From the {@code spark.lakecast.sender.email.ses.*} settings and the region; throws on a bad one. */
    public static Settings of(LakecastConf conf) {
      return new Settings(conf.sesEndpoint(), conf.region(), conf.sesConfigurationSet(), conf.sesMaxAttempts(),
          conf.emailFromAddress());
    }

    /** Where, for the logs. */
    public String describe() {
      return (endpoint.isEmpty() ? "the AWS endpoint of " + region : endpoint + " (" + region + ")")
          + (configurationSet.isEmpty() ? "" : ", configuration set " + configurationSet);
    }
  }

  /** Senders to {@code settings}' SES whose accepted emails get a record from {@code records}. */
  public static Factory factory(Settings settings, Factory records) {
    return partitionId -> new SesSender(settings, records.open(partitionId));
  }

  private final Settings settings;
  private final Sender records;
  private final SesV2Client client;
  private final AwsSenders.Attempts attempts = new AwsSenders.Attempts();

  private SesSender(Settings settings, Sender records) {
    this.settings = settings;
    this.records = records;
    this.client = AwsSenders.client(SesV2Client.builder(), settings.endpoint(), settings.region(),
        settings.maxAttempts(), attempts);
  }

  @Override
  public Delivery send(OutboundMessage m) {
    SendEmailRequest request;
    try {
      request = request(m);
    } catch (IOException | IllegalArgumentException e) {
      return Delivery.invalid("EMAIL_INVALID_MESSAGE: " + ChannelMessages.firstLine(e.getMessage()));
    }
    attempts.take();
    try {
      client.sendEmail(request);
    } catch (SesV2Exception e) {
      return AwsSenders.failed("SES", e, attempts.take(), false);
    } catch (SdkClientException e) {
      return AwsSenders.failed("SES", e, attempts.take());
    }
    return ChannelMessages.recorded(records, m, Delivery.sent(200, attempts.take()));
  }

  private SendEmailRequest request(OutboundMessage m) throws IOException {
    JsonNode msg = PinpointJson.mapper().readTree(m.message());
    String from = ChannelMessages.text(msg, "FromAddress");
    from = from != null ? from : settings.defaultFrom();
    String raw = ChannelMessages.text(msg, "RawEmail");
    // A raw message may name its sender in its own From header.
    if (from.isEmpty() && raw == null) {
      throw new IllegalArgumentException("the message has no FromAddress and " + LakecastConf.EMAIL_FROM_ADDRESS
          + " is not set");
    }
    SendEmailRequest.Builder request = SendEmailRequest.builder()
        .fromEmailAddress(from.isEmpty() ? null : from)
        .destination(d -> d.toAddresses(m.address()));
    JsonNode replyTo = msg.get("ReplyToAddresses");
    if (replyTo != null && replyTo.isArray() && !replyTo.isEmpty()) {
      List<String> to = new ArrayList<>();
      replyTo.forEach(a -> to.add(a.asText()));
      request.replyToAddresses(to);
    }
    String feedback = ChannelMessages.text(msg, "FeedbackForwardingAddress");
    if (feedback != null) {
      request.feedbackForwardingEmailAddress(feedback);
    }
    if (m.messageId().matches("[A-Za-z0-9_-]{1,256}")) {
      request.emailTags(MessageTag.builder().name(MESSAGE_ID_TAG).value(m.messageId()).build());
    }
    if (!settings.configurationSet().isEmpty()) {
      request.configurationSetName(settings.configurationSet());
    }
    if (raw != null) {
      // A direct send's whole MIME message, as it is, after one header line with the message id.
      byte[] header = ("X-Lakecast-Message-Id: " + m.messageId() + "\r\n").getBytes(StandardCharsets.US_ASCII);
      byte[] mime = java.util.Base64.getMimeDecoder().decode(raw);
      byte[] whole = java.util.Arrays.copyOf(header, header.length + mime.length);
      System.arraycopy(mime, 0, whole, header.length, mime.length);
      return request.content(c -> c.raw(r -> r.data(SdkBytes.fromByteArray(whole)))).build();
    }
    String title = ChannelMessages.text(msg, "Title");
    String text = ChannelMessages.text(msg, "Body");
    String html = ChannelMessages.text(msg, "HtmlBody");
    Body.Builder body = Body.builder();
    if (text != null || html == null) {
      body.text(utf8(text == null ? "" : text));
    }
    if (html != null) {
      body.html(utf8(html));
    }
    List<MessageHeader> headers = new ArrayList<>();
    JsonNode given = msg.get("Headers");
    if (given != null && given.isArray()) {
      for (JsonNode h : given) {
        if (h.hasNonNull("Name") && h.hasNonNull("Value")) {
          headers.add(MessageHeader.builder().name(h.get("Name").asText()).value(h.get("Value").asText()).build());
        }
      }
    }
    headers.add(MessageHeader.builder().name("X-Lakecast-Message-Id").value(m.messageId()).build());
    return request
        .content(c -> c.simple(s -> s.subject(utf8(title == null ? "" : title)).body(body.build()).headers(headers)))
        .build();
  }

  private static Content utf8(String data) {
    return Content.builder().data(data).charset("UTF-8").build();
  }

  @Override
  public void close() {
    client.close();
    records.close();
  }
}
