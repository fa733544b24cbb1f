package io.lakecast.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.HadoopConf;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPMessage;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

/**
 * EMAIL through an SMTP server (Jakarta Mail, Eclipse Angus). Each dispatch partition opens one connection and sends
 * its messages over it, reconnecting when the server drops it.
 *
 * <p>The channel message becomes a MIME message: {@code FromAddress} (else {@code spark.lakecast.sender.email
 * .fromAddress}), the endpoint's address as the recipient, {@code Title} as the subject, {@code Body} and
 * {@code HtmlBody} as text and HTML alternatives, each of {@code Headers} as a header, and
 * {@code X-Lakecast-Message-Id} with the ledger's MessageId. A message is tried at most 3 times; a recipient the
 * server refuses fails at once, and a refused login fails the partition's remaining messages without retrying.
 * Every message the server accepted gets a delivery record ({@link OutboxSender#deliveryRecords}), which a resumed
 * run reads so as not to send it again.
 *
 * <p>The password is never a setting: the executor reads it from {@value #PASSWORD_ENV}, else from the Hadoop
 * credential provider alias {@value #PASSWORD_ALIAS}. It goes to the server only and is never logged or recorded.
 */
public final class SmtpSender implements Sender {
  public static final String PASSWORD_ENV = "LAKECAST_SMTP_PASSWORD";
  public static final String PASSWORD_ALIAS = "lakecast.smtp.password";
  static final int ATTEMPTS = 3;

  /** The server and how to reach it; no secret (it travels with the tasks). */
  public record Settings(String host, int port, String tls, String user, int timeoutSeconds,
      String trustedCertificates, String defaultFrom) implements Serializable {

    /** From the {@code spark.lakecast.sender.email.*} settings; throws on a bad one. */
    public static Settings of(LakecastConf conf) {
      return new Settings(conf.smtpHost(), conf.smtpPort(), conf.smtpTls(), conf.smtpUser(),
          conf.smtpTimeoutSeconds(), conf.smtpTrustedCertificates(), conf.emailFromAddress());
    }

    /** Where and how, for the logs: no user name, no secret. */
    public String describe() {
      return host + ":" + port + " (" + tls + (user.isEmpty() ? ", no login" : ", with login") + ")";
    }
  }

  /** Senders of {@code settings}' server whose accepted messages get a record from {@code records}. */
  public static Factory factory(Settings settings, HadoopConf hadoop, Factory records) {
    return partitionId -> new SmtpSender(settings, hadoop.get(), records.open(partitionId));
  }

  /** The SMTP password: {@value #PASSWORD_ENV}, else the credential provider's {@value #PASSWORD_ALIAS}, or null. */
  public static String password(Configuration hadoop) {
    return Senders.secret(hadoop, PASSWORD_ENV, PASSWORD_ALIAS);
  }

  private final Settings settings;
  private final Session session;
  private final String protocol;
  private final String password;
  private final Sender records;
  private Transport transport;
  /** Why the server refused the login: every later message fails with it, untried. */
  private String loginRefused;

  private SmtpSender(Settings settings, Configuration hadoop, Sender records) {
    this.settings = settings;
    this.records = records;
    this.protocol = settings.tls().equals("tls") ? "smtps" : "smtp";
    this.password = settings.user().isEmpty() ? null : password(hadoop);
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put(p + "host", settings.host());
    props.put(p + "port", String.valueOf(settings.port()));
    String millis = String.valueOf(settings.timeoutSeconds() * 1000L);
    props.put(p + "connectiontimeout", millis);
    props.put(p + "timeout", millis);
    props.put(p + "writetimeout", millis);
    props.put(p + "auth", String.valueOf(!settings.user().isEmpty()));
    if (settings.tls().equals("starttls")) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");
    }
    if (!settings.tls().equals("none")) {
      props.put(p + "ssl.checkserveridentity", "true");
      if (!settings.trustedCertificates().isEmpty()) {
        try {
          props.put(p + "ssl.socketFactory", TrustedCertificates.sslContext(settings.trustedCertificates(),
              LakecastConf.SMTP_TRUSTED_CERTIFICATES).getSocketFactory());
        } catch (IOException e) {
          throw LakecastErrors.ioFailure("read the certificates of", settings.trustedCertificates(), e);
        }
      }
    }
    this.session = Session.getInstance(props);
  }

  @Override
  public Delivery send(OutboundMessage m) {
    if (loginRefused != null) {
      return Delivery.rejected(AUTHENTICATION_FAILED, loginRefused, 0);
    }
    MimeMessage mime;
    try {
      mime = mime(m);
    } catch (MessagingException | IOException | IllegalArgumentException e) {
      return Delivery.invalid("EMAIL_INVALID_MESSAGE: " + ChannelMessages.firstLine(e.getMessage()));
    }
    MessagingException last = null;
    for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
      try {
        // The endpoint's address is the only recipient, whatever a raw message's own headers name.
        connected().sendMessage(mime, new jakarta.mail.Address[] {new InternetAddress(m.address(), true)});
        return ChannelMessages.recorded(records, m, Delivery.sent(250, attempt));
      } catch (AuthenticationFailedException e) {
        loginRefused = "SMTP_AUTHENTICATION_FAILED: the server refused the login of the configured user ("
            + ChannelMessages.firstLine(e.getMessage()) + ")";
        disconnect();
        return Delivery.rejected(AUTHENTICATION_FAILED, loginRefused, attempt);
      } catch (SendFailedException e) {
        int code = replyCode(e);
        if (code / 100 != 4) {
          // The server refused this recipient (or message) for good: trying again would get the same answer.
          return Delivery.rejected(code, "SMTP_REJECTED: " + ChannelMessages.firstLine(e.getMessage()), attempt);
        }
        // 4xx: the server cannot take it now (a full mailbox, greylisting); the connection stays usable.
        last = e;
        pause(250L * attempt);
      } catch (MessagingException e) {
        last = e;
        disconnect();
        pause(250L * attempt);
      }
    }
    return Delivery.gaveUp(replyCode(last), "SMTP_ERROR: " + last.getClass().getSimpleName() + ": "
        + ChannelMessages.firstLine(last.getMessage())
        + " (" + ATTEMPTS + " attempts)", ATTEMPTS);
  }

  /** SMTP's answer to a refused login. */
  private static final int AUTHENTICATION_FAILED = 535;

  /**
   * The server's reply code in {@code e} or the exceptions it chains (Angus reports a refused recipient as a nested
   * exception), or 0 when the server gave none (no connection, a timeout).
   */
  static int replyCode(MessagingException e) {
    for (Exception x = e; x != null; x = x instanceof MessagingException me ? me.getNextException() : null) {
      if (x instanceof SMTPSendFailedException f) {
        return f.getReturnCode();
      }
      if (x instanceof SMTPAddressFailedException f) {
        return f.getReturnCode();
      }
      if (x instanceof SMTPSenderFailedException f) {
        return f.getReturnCode();
      }
    }
    return 0;
  }

  private Transport connected() throws MessagingException {
    if (transport == null || !transport.isConnected()) {
      Transport t = session.getTransport(protocol);
      if (settings.user().isEmpty()) {
        t.connect();
      } else {
        t.connect(settings.host(), settings.port(), settings.user(), password);
      }
      transport = t;
    }
    return transport;
  }

  private SMTPMessage mime(OutboundMessage m) throws MessagingException, IOException {
    JsonNode msg = PinpointJson.mapper().readTree(m.message());
    String from = ChannelMessages.text(msg, "FromAddress");
    from = from != null ? from : settings.defaultFrom();
    String raw = ChannelMessages.text(msg, "RawEmail");
    if (raw != null) {
      // A direct send's whole MIME message: sent as it is, with only the message id header added.
      SMTPMessage mime = new SMTPMessage(session,
          new java.io.ByteArrayInputStream(java.util.Base64.getMimeDecoder().decode(raw)));
      if (mime.getFrom() == null && !from.isEmpty()) {
        mime.setFrom(new InternetAddress(from, true));
      }
      if (mime.getFrom() == null) {
        throw new MessagingException("the raw message has no From header, the message no FromAddress, and "
            + LakecastConf.EMAIL_FROM_ADDRESS + " is not set");
      }
      envelope(mime, msg);
      mime.setHeader("X-Lakecast-Message-Id", m.messageId());
      return mime;
    }
    if (from.isEmpty()) {
      throw new MessagingException("the message has no FromAddress and " + LakecastConf.EMAIL_FROM_ADDRESS
          + " is not set");
    }
    SMTPMessage mime = new SMTPMessage(session);
    mime.setFrom(new InternetAddress(from, true));
    mime.setRecipient(Message.RecipientType.TO, new InternetAddress(m.address(), true));
    JsonNode replyTo = msg.get("ReplyToAddresses");
    if (replyTo != null && replyTo.isArray() && !replyTo.isEmpty()) {
      List<InternetAddress> to = new ArrayList<>();
      for (JsonNode a : replyTo) {
        to.add(new InternetAddress(a.asText(), true));
      }
      mime.setReplyTo(to.toArray(InternetAddress[]::new));
    }
    envelope(mime, msg);
    String title = ChannelMessages.text(msg, "Title");
    if (title != null) {
      mime.setSubject(title, "UTF-8");
    }
    String body = ChannelMessages.text(msg, "Body");
    String html = ChannelMessages.text(msg, "HtmlBody");
    if (body != null && html != null) {
      MimeBodyPart textPart = new MimeBodyPart();
      textPart.setText(body, "UTF-8");
      MimeBodyPart htmlPart = new MimeBodyPart();
      htmlPart.setText(html, "UTF-8", "html");
      MimeMultipart alternatives = new MimeMultipart("alternative");
      alternatives.addBodyPart(textPart);
      alternatives.addBodyPart(htmlPart);
      mime.setContent(alternatives);
    } else if (html != null) {
      mime.setText(html, "UTF-8", "html");
    } else {
      mime.setText(body == null ? "" : body, "UTF-8");
    }
    JsonNode headers = msg.get("Headers");
    if (headers != null && headers.isArray()) {
      for (JsonNode h : headers) {
        if (h.hasNonNull("Name") && h.hasNonNull("Value")) {
          mime.addHeader(h.get("Name").asText(), h.get("Value").asText());
        }
      }
    }
    mime.setHeader("X-Lakecast-Message-Id", m.messageId());
    mime.saveChanges();
    return mime;
  }

  /**
   * Bounces and complaints go to {@code FeedbackForwardingAddress} (the envelope sender) when the message names one.
   */
  private static void envelope(SMTPMessage mime, JsonNode msg) throws MessagingException {
    String feedback = ChannelMessages.text(msg, "FeedbackForwardingAddress");
    if (feedback != null) {
      mime.setEnvelopeFrom(new InternetAddress(feedback, true).getAddress());
    }
  }


  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void disconnect() {
    if (transport != null) {
      try {
        transport.close();
      } catch (MessagingException e) {
        // Already gone: the next message connects again.
      }
      transport = null;
    }
  }

  @Override
  public void close() {
    disconnect();
    records.close();
  }
}
