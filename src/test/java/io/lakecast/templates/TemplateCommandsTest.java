package io.lakecast.templates;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The template commands as the AWS CLI spells them: each of the five types is created and read back with
 * Pinpoint's response members; versions are added, made active, changed in place and deleted; bad requests are
 * refused by member.
 */
class TemplateCommandsTest {
  @TempDir static Path warehouse;

  @BeforeAll
  static void session() {
    SparkTestSession.withWarehouse(warehouse);
  }

  /** Every type: its create command, request option, a request, and the get command's response shape. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "email|--email-template-request|{\"Subject\":\"Hi {{User.UserAttributes.FirstName}}\",\"HtmlPart\":\"<p>Hi</p>\",\"TextPart\":\"Hi\",\"Headers\":[{\"Name\":\"X-Tag\",\"Value\":\"v\"}],\"DefaultSubstitutions\":\"{\\\"User.UserAttributes.FirstName\\\":\\\"friend\\\"}\",\"TemplateDescription\":\"welcome\",\"tags\":{\"team\":\"crm\"}}|EmailTemplateResponse|EMAIL",
      "sms|--sms-template-request|{\"Body\":\"Code {{Attributes.Code}}\",\"TemplateDescription\":\"otp\"}|SMSTemplateResponse|SMS",
      "push|--push-notification-template-request|{\"Default\":{\"Title\":\"t\",\"Body\":\"b\",\"Action\":\"OPEN_APP\"},\"GCM\":{\"Body\":\"g\",\"SmallImageIconUrl\":\"https://i/s.png\"},\"APNS\":{\"Body\":\"a\",\"MediaUrl\":\"https://m\"}}|PushNotificationTemplateResponse|PUSH",
      "voice|--voice-template-request|{\"Body\":\"Hello\",\"LanguageCode\":\"en-US\",\"VoiceId\":\"Joanna\"}|VoiceTemplateResponse|VOICE",
      "in-app|--in-app-template-request|{\"Layout\":\"TOP_BANNER\",\"Content\":[{\"BodyConfig\":{\"Body\":\"b\",\"Alignment\":\"LEFT\",\"TextColor\":\"#000000\"}}],\"CustomConfig\":{\"k\":\"v\"}}|InAppTemplateResponse|INAPP"})
  void everyTypeIsCreatedAndReadBackWithItsMembersAndMetadata(String type, String option, String request,
      String shape, String templateType) throws Exception {
    String name = "roundtrip-" + type;
    JsonNode created = Cli.run("create-" + type + "-template", "--template-name", name, option, request).ok();
    assertThat(created.at("/CreateTemplateMessageBody/Arn").asText())
        .isEqualTo("arn:aws:mobiletargeting:us-east-1:000000000000:templates/" + name + "/" + templateType);
    assertThat(created.at("/CreateTemplateMessageBody/Message").asText()).isEqualTo("Created");

    JsonNode got = Cli.run("get-" + type + "-template", "--template-name", name).ok().get(shape);
    JsonNode expected = PinpointJson.mapper().readTree(request);
    expected.fields().forEachRemaining(e ->
        assertThat(got.get(e.getKey())).as(e.getKey()).isEqualTo(e.getValue()));
    assertThat(got.get("TemplateName").asText()).isEqualTo(name);
    assertThat(got.get("TemplateType").asText()).isEqualTo(templateType);
    assertThat(got.get("Version").asText()).isEqualTo("1");
    assertThat(got.get("CreationDate").asText()).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
  }

  @Test
  void versionsAreAddedMadeActiveChangedInPlaceAndDeleted() {
    String name = "offer";
    Cli.run("create-sms-template", "--template-name", name, "--sms-template-request", "{\"Body\":\"v1\"}").ok();
    Cli.run("update-sms-template", "--template-name", name, "--create-new-version",
        "--sms-template-request", "{\"Body\":\"v2\"}").ok();
    // A new version is not active until made so: get shows the active one.
    assertThat(body(name, null)).isEqualTo("v1");
    assertThat(body(name, "2")).isEqualTo("v2");
    assertThat(versions(name)).containsExactly("1", "2");

    JsonNode activated = Cli.run("update-template-active-version", "--template-name", name, "--template-type", "SMS",
        "--template-active-version-request", "{\"Version\":\"2\"}").ok();
    assertThat(activated.at("/MessageBody/Message").asText()).isEqualTo("Accepted");
    assertThat(body(name, null)).isEqualTo("v2");

    // Without --create-new-version the latest version changes in place; a named one can be changed too.
    Cli.run("update-sms-template", "--template-name", name, "--sms-template-request", "{\"Body\":\"v2b\"}").ok();
    Cli.run("update-sms-template", "--template-name", name, "--version", "1",
        "--sms-template-request", "{\"Body\":\"v1b\"}").ok();
    assertThat(body(name, null)).isEqualTo("v2b");
    assertThat(body(name, "1")).isEqualTo("v1b");
    assertThat(versions(name)).containsExactly("1", "2");

    Cli.Run refused = Cli.run("delete-sms-template", "--template-name", name, "--version", "2");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).startsWith("BadRequestException: Invalid value '2' for --version: expected a version "
        + "that is not the active one");
    Cli.run("delete-sms-template", "--template-name", name, "--version", "1").ok();
    assertThat(versions(name)).containsExactly("2");

    JsonNode listed = Cli.run("list-templates", "--template-type", "SMS", "--prefix", "off").ok();
    assertThat(listed.at("/TemplatesResponse/Item").size()).isEqualTo(1);
    assertThat(listed.at("/TemplatesResponse/Item/0/TemplateName").asText()).isEqualTo(name);
    assertThat(listed.at("/TemplatesResponse/Item/0/Version").asText()).isEqualTo("2");

    Cli.run("delete-sms-template", "--template-name", name).ok();
    Cli.Run gone = Cli.run("get-sms-template", "--template-name", name);
    assertThat(gone.exitCode()).isEqualTo(1);
    assertThat(gone.err()).startsWith("NotFoundException: SMS template 'offer' was not found");
  }

  @Test
  void aSecondCreationOfOneNameAndTypeIsRefused() {
    Cli.run("create-sms-template", "--template-name", "twice", "--sms-template-request", "{\"Body\":\"a\"}").ok();
    Cli.Run r = Cli.run("create-sms-template", "--template-name", "twice", "--sms-template-request", "{\"Body\":\"b\"}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("BadRequestException: SMS template 'twice' already exists; change it with "
        + "update-sms-template\n");
  }

  @Test
  void badRequestsAreRefusedByMember() {
    Cli.Run unknown = Cli.run("create-email-template", "--template-name", "bad",
        "--email-template-request", "{\"Subjekt\":\"x\"}");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("BadRequestException: Unknown member 'Subjekt' in EmailTemplateRequest");

    Cli.Run syntax = Cli.run("create-sms-template", "--template-name", "bad",
        "--sms-template-request", "{\"Body\":\"Hi {{#if x}}\"}");
    assertThat(syntax.exitCode()).isEqualTo(2);
    assertThat(syntax.err()).startsWith("BadRequestException: Invalid Body in SMSTemplateRequest: not a valid template");

    Cli.Run name = Cli.run("create-sms-template", "--template-name", "-dash", "--sms-template-request", "{}");
    assertThat(name.exitCode()).isEqualTo(2);
    assertThat(name.err()).startsWith("BadRequestException: Invalid value '-dash' for --template-name");

    Cli.Run type = Cli.run("list-templates", "--template-type", "FAX");
    assertThat(type.exitCode()).isEqualTo(2);
    assertThat(type.err()).startsWith("BadRequestException: Invalid value 'FAX' for --template-type: expected one "
        + "of [EMAIL, SMS, VOICE, PUSH, INAPP]");
  }

  static String body(String name, String version) {
    List<String> args = new ArrayList<>(List.of("get-sms-template", "--template-name", name));
    if (version != null) {
      args.addAll(List.of("--version", version));
    }
    return Cli.run(args.toArray(String[]::new)).ok().at("/SMSTemplateResponse/Body").asText();
  }

  static List<String> versions(String name) {
    List<String> out = new ArrayList<>();
    Cli.run("list-template-versions", "--template-name", name, "--template-type", "SMS").ok()
        .at("/TemplateVersionsResponse/Item").forEach(v -> out.add(v.get("Version").asText()));
    return out;
  }
}
