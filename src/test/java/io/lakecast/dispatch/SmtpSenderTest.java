package io.lakecast.dispatch;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.lakecast.conf.LakecastConf;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Credentials;
import io.lakecast.testing.HttpsTestServer;
import io.lakecast.testing.Secrets;
import io.lakecast.testing.SparkTestSession;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.security.alias.CredentialProviderFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EMAIL through SMTP against a real SMTP server (GreenMail) on 127.0.0.1 that requires a login: each message arrives
 * as a MIME message with its subject, text and HTML alternatives, headers and personalization, while SMS stays in the
 * outbox; the password, read from a Hadoop credential provider, is nowhere in the warehouse; a refused login or an
 * unreachable server fails the messages (the run completes, the ledger says why); bad settings are refused before
 * anything is recorded.
 */
class SmtpSenderTest {
  static final String START = "2030-06-01T10:00:00Z";
  /** The SMTP password: it must appear nowhere Lakecast writes. */
  static final String SECRET = "planted-Secret-8c1f27";

  @TempDir static Path warehouse;
  @TempDir static Path credentials;
  @TempDir static Path certs;
  static SparkSession spark;
  static GreenMail smtp;
  static String appId;
  static String segmentId;
  static String provider;

  @BeforeAll
  static void setUp() throws Exception {
    spark = SparkTestSession.withWarehouse(warehouse);
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer", SECRET));
    smtp.start();
    appId = Cli.createApp("mail");
    Path source = Files.createDirectories(warehouse.resolve("mail-source"));
    Files.writeString(source.resolve("endpoints.csv"), String.join("\n",
        "Id,ChannelType,Address,Attributes.FirstName",
        "e1,EMAIL,ana@example.com,Ana",
        "e2,EMAIL,bo@example.com,Bo",
        "e3,EMAIL,cy@example.com,Cy",
        "s1,SMS,+12065550100,Di") + "\n");
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + source + "\",\"Format\":\"CSV\"}").ok();
    segmentId = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Name\":\"all\",\"Dimensions\":{\"Demographic\":{\"Channel\":{\"Values\":[\"EMAIL\",\"SMS\"]}}}}").ok()
        .at("/SegmentResponse/Id").asText();
    // The password lives in a Hadoop credential provider (a JCEKS file), as it would on a cluster.
    provider = Credentials.keystore(credentials, "lakecast.jceks", SmtpSender.PASSWORD_ALIAS, SECRET);
  }

  @AfterAll
  static void tearDown() {
    smtp.stop();
  }

  @BeforeEach
  void configure() {
    spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, provider);
    spark.conf().set(LakecastConf.SENDER_PREFIX + "EMAIL", "smtp");
    spark.conf().set(LakecastConf.SMTP_HOST, "127.0.0.1");
    spark.conf().set(LakecastConf.SMTP_PORT, String.valueOf(smtp.getSmtp().getPort()));
    spark.conf().set(LakecastConf.SMTP_TLS, "none");
    spark.conf().set(LakecastConf.SMTP_USER, "mailer");
    spark.conf().set(LakecastConf.SMTP_TIMEOUT_SECONDS, "5");
  }

  @AfterEach
  void unconfigure() throws Exception {
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    for (String k : List.of(LakecastConf.SENDER_PREFIX + "EMAIL", LakecastConf.SENDER_PREFIX + "FAX",
        LakecastConf.SMTP_HOST, LakecastConf.SMTP_PORT, LakecastConf.SMTP_TLS, LakecastConf.SMTP_USER,
        LakecastConf.SMTP_TIMEOUT_SECONDS)) {
      spark.conf().unset(k);
    }
    smtp.purgeEmailFromAllMailboxes();
  }

  static String campaign(String name) {
    return Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"Name\":\"" + name + "\",\"SegmentId\":\"" + segmentId + "\",\"MessageConfiguration\":{"
            + "\"EmailMessage\":{\"FromAddress\":\"news@example.com\",\"Title\":\"Hello {{Attributes.FirstName}}\","
            + "\"Body\":\"Hi {{Attributes.FirstName}}, winter sale.\","
            + "\"HtmlBody\":\"<p>Hi <b>{{Attributes.FirstName}}</b></p>\","
            + "\"Headers\":[{\"Name\":\"X-Campaign\",\"Value\":\"winter\"}]},"
            + "\"SMSMessage\":{\"Body\":\"Winter sale\"}},"
            + "\"Schedule\":{\"StartTime\":\"" + START + "\"}}").ok().at("/CampaignResponse/Id").asText();
  }

  static JsonNode run(String campaignId) {
    return new Cli.Audience(appId, segmentId).runCampaign(campaignId, START);
  }

  static Map<String, String> ledger(String campaignId) {
    return Cli.ledger(warehouse, campaignId);
  }

  @Test
  void emailGoesThroughSmtpAsMimeWhileSmsStaysInTheOutbox() throws Exception {
    String id = campaign("smtp");
    run(id);

    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(3);
    Map<String, String> byRecipient = new TreeMap<>();
    for (MimeMessage m : received) {
      assertThat(m.getFrom()[0].toString()).isEqualTo("news@example.com");
      assertThat(m.getHeader("X-Campaign")[0]).isEqualTo("winter");
      assertThat(m.getHeader("X-Lakecast-Message-Id")[0]).hasSize(32);
      MimeMultipart parts = (MimeMultipart) m.getContent();
      assertThat(parts.getContentType()).startsWith("multipart/alternative");
      assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
      assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
      byRecipient.put(m.getAllRecipients()[0].toString(), m.getSubject() + " | "
          + parts.getBodyPart(0).getContent() + " | " + parts.getBodyPart(1).getContent());
    }
    assertThat(byRecipient).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "ana@example.com", "Hello Ana | Hi Ana, winter sale. | <p>Hi <b>Ana</b></p>",
        "bo@example.com", "Hello Bo | Hi Bo, winter sale. | <p>Hi <b>Bo</b></p>",
        "cy@example.com", "Hello Cy | Hi Cy, winter sale. | <p>Hi <b>Cy</b></p>")));
    assertThat(ledger(id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "e1", "SENT", "e2", "SENT", "e3", "SENT", "s1", "SENT")));
    // SMTP answers 250 to a message it takes; the outbox, 200.
    assertThat(Cli.deliveries(warehouse, id)).containsExactlyEntriesOf(new TreeMap<>(Map.of(
        "e1", "SUCCESSFUL 250 1", "e2", "SUCCESSFUL 250 1", "e3", "SUCCESSFUL 250 1", "s1", "SUCCESSFUL 200 1")));

    // The SMS went to the outbox with its content; each email has a delivery record there, without content.
    List<JsonNode> outbox = new ArrayList<>();
    for (JsonNode line : Cli.outbox(warehouse)) {
      if (line.path("CampaignId").asText().equals(id)) {
        outbox.add(line);
      }
    }
    List<String> lines = new ArrayList<>();
    for (JsonNode line : outbox) {
      lines.add(line.get("ChannelType").asText() + " " + line.get("EndpointId").asText() + " "
          + (line.has("Message") ? "message " + line.at("/Message/Body").asText() : "record " + line.get("Provider")
              .asText()) + (line.has("Address") && line.get("ChannelType").asText().equals("EMAIL") ? " address" : ""));
    }
    lines.sort(null);
    assertThat(lines).containsExactly("EMAIL e1 record smtp", "EMAIL e2 record smtp", "EMAIL e3 record smtp",
        "SMS s1 message Winter sale");

    // Run again: the occurrence is complete, nothing is sent twice.
    run(id);
    assertThat(smtp.getReceivedMessages()).hasSize(3);

    assertThat(Secrets.filesHolding(warehouse, SECRET)).as("warehouse files holding the password").isEmpty();
    assertThat(Secrets.tablesHolding(warehouse, SECRET)).as("table rows holding the password").isEmpty();
  }

  @Test
  void aDirectSendTakesARawMimeMessageAsItIsAndASimpleOneWithReplyTo() throws Exception {
    String raw = String.join("\r\n",
        "From: Billing <billing@example.com>",
        "To: someone-else@example.org",
        "Subject: Your invoice",
        "X-Invoice: 2026-117",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=UTF-8",
        "",
        "Invoice 2026-117 is attached in spirit.",
        "");
    String data = java.util.Base64.getEncoder().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    JsonNode response = Cli.run("send-messages", "--application-id", appId, "--message-request",
        "{\"Addresses\":{\"dee@example.com\":{\"ChannelType\":\"EMAIL\"}},\"MessageConfiguration\":{"
            + "\"EmailMessage\":{\"RawEmail\":{\"Data\":\"" + data + "\"}}}}").ok().get("MessageResponse");
    assertThat(response.at("/Result/dee@example.com/DeliveryStatus").asText()).isEqualTo("SUCCESSFUL");
    assertThat(response.at("/Result/dee@example.com/StatusCode").asInt()).isEqualTo(250);

    Cli.run("send-messages", "--application-id", appId, "--message-request",
        "{\"Endpoints\":{\"e2\":{}},\"MessageConfiguration\":{\"EmailMessage\":{"
            + "\"FromAddress\":\"news@example.com\",\"ReplyToAddresses\":[\"help@example.com\",\"desk@example.com\"],"
            + "\"FeedbackForwardingAddress\":\"bounces@example.com\","
            + "\"SimpleEmail\":{\"Subject\":{\"Data\":\"Hi {{Attributes.FirstName}}\"},"
            + "\"TextPart\":{\"Data\":\"Plain\"}}}}}").ok();

    MimeMessage[] received = smtp.getReceivedMessages();
    assertThat(received).hasSize(2);
    Map<String, MimeMessage> byMailbox = new TreeMap<>();
    for (MimeMessage m : received) {
      byMailbox.put(m.getSubject(), m);
    }
    // The raw message reached the request's address only, with its own headers and body unchanged.
    // (GreenMail keeps a mailbox per envelope recipient: two messages in all, and none for the raw one's own To.)
    assertThat(smtp.getUserManager().getUserByEmail("someone-else@example.org")).as("the raw message's own To")
        .isNull();
    assertThat(smtp.getUserManager().getUserByEmail("dee@example.com")).isNotNull();
    MimeMessage invoice = byMailbox.get("Your invoice");
    assertThat(invoice.getFrom()[0].toString()).isEqualTo("Billing <billing@example.com>");
    assertThat(invoice.getHeader("X-Invoice")[0]).isEqualTo("2026-117");
    assertThat(invoice.getHeader("X-Lakecast-Message-Id")[0])
        .isEqualTo(response.at("/Result/dee@example.com/MessageId").asText());
    assertThat(((String) invoice.getContent()).trim()).isEqualTo("Invoice 2026-117 is attached in spirit.");

    MimeMessage simple = byMailbox.get("Hi Bo");
    assertThat(simple.getAllRecipients()[0].toString()).isEqualTo("bo@example.com");
    assertThat(simple.getReplyTo()).extracting(Object::toString)
        .containsExactly("help@example.com", "desk@example.com");
    // Bounces go to FeedbackForwardingAddress: the envelope sender, which the receiving server records.
    assertThat(simple.getHeader("Return-Path")[0]).isEqualTo("<bounces@example.com>");
  }

  @Test
  void aRefusedLoginFailsTheEmailsAndNamesNoSecret() throws Exception {
    spark.sparkContext().hadoopConfiguration().set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH,
        Credentials.keystore(credentials, "wrong.jceks", SmtpSender.PASSWORD_ALIAS, "wrong-Secret-77aa"));

    String id = campaign("refused");
    JsonNode run = run(id);

    assertThat(smtp.getReceivedMessages()).isEmpty();
    Map<String, String> ledger = ledger(id);
    assertThat(ledger.get("s1")).isEqualTo("SENT");
    for (String e : List.of("e1", "e2", "e3")) {
      assertThat(ledger.get(e)).startsWith("FAILED SMTP_AUTHENTICATION_FAILED: the server refused the login");
      assertThat(Cli.deliveries(warehouse, id).get(e)).startsWith("PERMANENT_FAILURE 535 ");
    }
    assertThat(run.toString()).doesNotContain("wrong-Secret-77aa");
    assertThat(Secrets.filesHolding(warehouse, "wrong-Secret-77aa")).isEmpty();
    assertThat(Secrets.tablesHolding(warehouse, "wrong-Secret-77aa")).isEmpty();
  }

  @Test
  void tlsIsVerifiedAgainstTheTrustedCertificates() throws Exception {
    // An SMTPS server on 127.0.0.1 with a key of its own: GreenMail reads it from these properties when it starts.
    Path store = HttpsTestServer.selfSigned(certs);
    System.setProperty("greenmail.tls.keystore.file", store.toString());
    System.setProperty("greenmail.tls.keystore.password", HttpsTestServer.STORE_PASSWORD);
    System.setProperty("greenmail.tls.key.password", HttpsTestServer.STORE_PASSWORD);
    GreenMail smtps = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort())
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("mailer", SECRET));
    smtps.start();
    try {
      spark.conf().set(LakecastConf.SMTP_TLS, "tls");
      spark.conf().set(LakecastConf.SMTP_PORT, String.valueOf(smtps.getSmtps().getPort()));

      // Not trusted: the JVM's authorities do not know the server's certificate, so nothing is sent.
      String untrusted = campaign("untrusted");
      run(untrusted);
      assertThat(smtps.getReceivedMessages()).isEmpty();
      for (String e : List.of("e1", "e2", "e3")) {
        assertThat(ledger(untrusted).get(e)).startsWith("FAILED SMTP_ERROR: ").endsWith("(3 attempts)");
      }

      spark.conf().set(LakecastConf.SMTP_TRUSTED_CERTIFICATES, certs.resolve("server.pem").toString());
      String trusted = campaign("trusted");
      run(trusted);
      assertThat(smtps.getReceivedMessages()).hasSize(3);
      assertThat(ledger(trusted).values()).containsOnly("SENT");
    } finally {
      spark.conf().unset(LakecastConf.SMTP_TRUSTED_CERTIFICATES);
      smtps.stop();
    }
  }

  @Test
  void anUnreachableServerFailsEachEmailAfterThreeAttempts() {
    spark.conf().set(LakecastConf.SMTP_PORT, "1");
    String id = campaign("unreachable");
    run(id);

    Map<String, String> ledger = ledger(id);
    assertThat(ledger.get("s1")).isEqualTo("SENT");
    for (String e : List.of("e1", "e2", "e3")) {
      assertThat(ledger.get(e)).startsWith("FAILED SMTP_ERROR: MailConnectException: Couldn't connect to host")
          .endsWith("(3 attempts)");
      assertThat(Cli.deliveries(warehouse, id).get(e)).as("no answer: status code 0").isEqualTo(
          "TEMPORARY_FAILURE 0 3");
    }
  }

  @Test
  void theServersReplyCodeIsFoundWhereAngusReportsIt() throws Exception {
    // A refused recipient comes as a SendFailedException chaining the RCPT TO answer; a refused message, as one.
    jakarta.mail.internet.InternetAddress to = new jakarta.mail.internet.InternetAddress("ana@example.com");
    assertThat(SmtpSender.replyCode(new jakarta.mail.SendFailedException("Invalid Addresses",
        new org.eclipse.angus.mail.smtp.SMTPAddressFailedException(to, "RCPT TO", 452, "452 mailbox full"))))
        .isEqualTo(452);
    assertThat(SmtpSender.replyCode(new org.eclipse.angus.mail.smtp.SMTPSendFailedException("DATA", 554,
        "554 spam", null, null, null, null))).isEqualTo(554);
    assertThat(SmtpSender.replyCode(new jakarta.mail.MessagingException("no connection"))).isZero();
  }

  @Test
  void badSenderSettingsAreRefusedBeforeAnythingIsRecorded() {
    String id = campaign("misconfigured");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "EMAIL", "carrier-pigeon");
    assertThat(Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).err())
        .startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.EMAIL='carrier-pigeon': "
            + "expected one of outbox, smtp");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "EMAIL", "smtp");
    spark.conf().set(LakecastConf.SENDER_PREFIX + "FAX", "smtp");
    assertThat(Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).err())
        .startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.FAX='smtp': expected a key "
            + "spark.lakecast.sender.<ChannelType>, with a channel type such as EMAIL or SMS");
    spark.conf().unset(LakecastConf.SENDER_PREFIX + "FAX");
    spark.conf().set(LakecastConf.SMTP_TLS, "sometimes");
    assertThat(Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).err())
        .startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.email.smtp.tls='sometimes': "
            + "expected none, starttls or tls");
    spark.conf().set(LakecastConf.SMTP_TLS, "none");
    spark.sparkContext().hadoopConfiguration().unset(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH);
    assertThat(Cli.run("run-campaign", "--application-id", appId, "--campaign-id", id, "--at", START).err())
        .startsWith("BadRequestException: Invalid configuration spark.lakecast.sender.email.smtp.user: a login is "
            + "configured but no password was found; set the environment variable LAKECAST_SMTP_PASSWORD or the "
            + "Hadoop credential provider alias lakecast.smtp.password");
    assertThat(ledger(id)).isEmpty();
  }
}
