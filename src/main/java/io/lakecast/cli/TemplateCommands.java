package io.lakecast.cli;

import static io.lakecast.cli.Commands.wrap;

import io.lakecast.LakecastErrors;
import io.lakecast.model.Ids;
import io.lakecast.model.TemplateShapes.TemplateActiveVersionRequest;
import io.lakecast.model.TemplateShapes.TemplateType;
import io.lakecast.model.TemplateShapes.TemplateVersionsResponse;
import io.lakecast.model.TemplateShapes.TemplatesResponse;
import io.lakecast.templates.TemplateCatalog;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The message template commands, Pinpoint's: create, update, get and delete for each of the five template types,
 * plus list-templates, list-template-versions and update-template-active-version. Templates belong to the
 * warehouse (Pinpoint's are per account and region), not to an application.
 */
final class TemplateCommands {
  private TemplateCommands() {}

  /** A command on one template of one type. */
  abstract static class TemplateCommand extends WarehouseCommand {
    final TemplateType type;

    @Option(names = "--template-name", required = true, description = "The template's name")
    String templateName;

    TemplateCommand(TemplateType type) {
      this.type = type;
    }
  }

  /** create-…-template. */
  abstract static class CreateTemplate extends TemplateCommand {
    private final String option;

    CreateTemplate(TemplateType type, String option) {
      super(type);
      this.option = option;
    }

    abstract String request();

    @Override
    Object execute(Context ctx) {
      Object r = RequestArgs.parse(option, request(), type.requestType(), type.requestShape());
      return wrap("CreateTemplateMessageBody", new TemplateCatalog(ctx.warehouse()).create(type, templateName, r));
    }
  }

  /** update-…-template. */
  abstract static class UpdateTemplate extends TemplateCommand {
    private final String option;

    @Option(names = "--create-new-version", negatable = true,
        description = "Add the changes as a new version (not active until update-template-active-version)")
    boolean createNewVersion;

    @Option(names = "--version", description = "The version to change (default: the latest)")
    String version;

    UpdateTemplate(TemplateType type, String option) {
      super(type);
      this.option = option;
    }

    abstract String request();

    @Override
    Object execute(Context ctx) {
      Object r = RequestArgs.parse(option, request(), type.requestType(), type.requestShape());
      return wrap("MessageBody",
          new TemplateCatalog(ctx.warehouse()).update(type, templateName, r, createNewVersion, version));
    }
  }

  /** get-…-template. */
  abstract static class GetTemplate extends TemplateCommand {
    @Option(names = "--version", description = "The version to show (default: the active one)")
    String version;

    GetTemplate(TemplateType type) {
      super(type);
    }

    @Override
    Object execute(Context ctx) {
      return wrap(type.responseShape(), new TemplateCatalog(ctx.warehouse()).get(type, templateName, version));
    }
  }

  /** delete-…-template. */
  abstract static class DeleteTemplate extends TemplateCommand {
    @Option(names = "--version", description = "The version to delete (default: every version)")
    String version;

    DeleteTemplate(TemplateType type) {
      super(type);
    }

    @Override
    Object execute(Context ctx) {
      return wrap("MessageBody", new TemplateCatalog(ctx.warehouse()).delete(type, templateName, version));
    }
  }

  /** A {@code --template-type} value: EMAIL, SMS, PUSH, VOICE or INAPP. */
  static TemplateType type(String value) {
    try {
      return value == null ? null : TemplateType.valueOf(value);
    } catch (IllegalArgumentException e) {
      throw LakecastErrors.invalidOption("--template-type", value,
          "one of " + Arrays.toString(TemplateType.values()));
    }
  }

  @Command(name = "create-email-template", description = "Creates an email template, version 1 (CreateEmailTemplate).")
  static final class CreateEmailTemplate extends CreateTemplate {
    @Option(names = "--email-template-request", required = true, description = "EmailTemplateRequest JSON, inline or file://path")
    String request;

    CreateEmailTemplate() {
      super(TemplateType.EMAIL, "--email-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "update-email-template",
      description = "Changes an email template's latest (or named) version, or adds a version (UpdateEmailTemplate).")
  static final class UpdateEmailTemplate extends UpdateTemplate {
    @Option(names = "--email-template-request", required = true, description = "EmailTemplateRequest JSON, inline or file://path")
    String request;

    UpdateEmailTemplate() {
      super(TemplateType.EMAIL, "--email-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "get-email-template",
      description = "Shows an email template's active (or named) version (GetEmailTemplate).")
  static final class GetEmailTemplate extends GetTemplate {
    GetEmailTemplate() {
      super(TemplateType.EMAIL);
    }
  }

  @Command(name = "delete-email-template",
      description = "Deletes one version of an email template, or all of them (DeleteEmailTemplate).")
  static final class DeleteEmailTemplate extends DeleteTemplate {
    DeleteEmailTemplate() {
      super(TemplateType.EMAIL);
    }
  }

  @Command(name = "create-sms-template", description = "Creates an SMS template, version 1 (CreateSmsTemplate).")
  static final class CreateSmsTemplate extends CreateTemplate {
    @Option(names = "--sms-template-request", required = true, description = "SMSTemplateRequest JSON, inline or file://path")
    String request;

    CreateSmsTemplate() {
      super(TemplateType.SMS, "--sms-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "update-sms-template",
      description = "Changes an SMS template's latest (or named) version, or adds a version (UpdateSmsTemplate).")
  static final class UpdateSmsTemplate extends UpdateTemplate {
    @Option(names = "--sms-template-request", required = true, description = "SMSTemplateRequest JSON, inline or file://path")
    String request;

    UpdateSmsTemplate() {
      super(TemplateType.SMS, "--sms-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "get-sms-template",
      description = "Shows an SMS template's active (or named) version (GetSmsTemplate).")
  static final class GetSmsTemplate extends GetTemplate {
    GetSmsTemplate() {
      super(TemplateType.SMS);
    }
  }

  @Command(name = "delete-sms-template",
      description = "Deletes one version of an SMS template, or all of them (DeleteSmsTemplate).")
  static final class DeleteSmsTemplate extends DeleteTemplate {
    DeleteSmsTemplate() {
      super(TemplateType.SMS);
    }
  }

  @Command(name = "create-push-template", description = "Creates a push template, version 1 (CreatePushTemplate).")
  static final class CreatePushTemplate extends CreateTemplate {
    @Option(names = "--push-notification-template-request", required = true, description = "PushNotificationTemplateRequest JSON, inline or file://path")
    String request;

    CreatePushTemplate() {
      super(TemplateType.PUSH, "--push-notification-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "update-push-template",
      description = "Changes a push template's latest (or named) version, or adds a version (UpdatePushTemplate).")
  static final class UpdatePushTemplate extends UpdateTemplate {
    @Option(names = "--push-notification-template-request", required = true, description = "PushNotificationTemplateRequest JSON, inline or file://path")
    String request;

    UpdatePushTemplate() {
      super(TemplateType.PUSH, "--push-notification-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "get-push-template",
      description = "Shows a push template's active (or named) version (GetPushTemplate).")
  static final class GetPushTemplate extends GetTemplate {
    GetPushTemplate() {
      super(TemplateType.PUSH);
    }
  }

  @Command(name = "delete-push-template",
      description = "Deletes one version of a push template, or all of them (DeletePushTemplate).")
  static final class DeletePushTemplate extends DeleteTemplate {
    DeletePushTemplate() {
      super(TemplateType.PUSH);
    }
  }

  @Command(name = "create-voice-template", description = "Creates a voice template, version 1 (CreateVoiceTemplate).")
  static final class CreateVoiceTemplate extends CreateTemplate {
    @Option(names = "--voice-template-request", required = true, description = "VoiceTemplateRequest JSON, inline or file://path")
    String request;

    CreateVoiceTemplate() {
      super(TemplateType.VOICE, "--voice-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "update-voice-template",
      description = "Changes a voice template's latest (or named) version, or adds a version (UpdateVoiceTemplate).")
  static final class UpdateVoiceTemplate extends UpdateTemplate {
    @Option(names = "--voice-template-request", required = true, description = "VoiceTemplateRequest JSON, inline or file://path")
    String request;

    UpdateVoiceTemplate() {
      super(TemplateType.VOICE, "--voice-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "get-voice-template",
      description = "Shows a voice template's active (or named) version (GetVoiceTemplate).")
  static final class GetVoiceTemplate extends GetTemplate {
    GetVoiceTemplate() {
      super(TemplateType.VOICE);
    }
  }

  @Command(name = "delete-voice-template",
      description = "Deletes one version of a voice template, or all of them (DeleteVoiceTemplate).")
  static final class DeleteVoiceTemplate extends DeleteTemplate {
    DeleteVoiceTemplate() {
      super(TemplateType.VOICE);
    }
  }

  @Command(name = "create-in-app-template", description = "Creates an in-app template, version 1 (CreateInAppTemplate).")
  static final class CreateInAppTemplate extends CreateTemplate {
    @Option(names = "--in-app-template-request", required = true, description = "InAppTemplateRequest JSON, inline or file://path")
    String request;

    CreateInAppTemplate() {
      super(TemplateType.INAPP, "--in-app-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "update-in-app-template",
      description = "Changes an in-app template's latest (or named) version, or adds a version (UpdateInAppTemplate).")
  static final class UpdateInAppTemplate extends UpdateTemplate {
    @Option(names = "--in-app-template-request", required = true, description = "InAppTemplateRequest JSON, inline or file://path")
    String request;

    UpdateInAppTemplate() {
      super(TemplateType.INAPP, "--in-app-template-request");
    }

    @Override
    String request() {
      return request;
    }
  }

  @Command(name = "get-in-app-template",
      description = "Shows an in-app template's active (or named) version (GetInAppTemplate).")
  static final class GetInAppTemplate extends GetTemplate {
    GetInAppTemplate() {
      super(TemplateType.INAPP);
    }
  }

  @Command(name = "delete-in-app-template",
      description = "Deletes one version of an in-app template, or all of them (DeleteInAppTemplate).")
  static final class DeleteInAppTemplate extends DeleteTemplate {
    DeleteInAppTemplate() {
      super(TemplateType.INAPP);
    }
  }

  @Command(name = "list-templates",
      description = "Lists templates, each with its active version's metadata (ListTemplates).")
  static final class ListTemplates extends WarehouseCommand {
    @Option(names = "--prefix", description = "Only templates whose name starts with this") String prefix;
    @Option(names = "--template-type", description = "EMAIL, SMS, PUSH, VOICE or INAPP") String templateType;

    @Override
    boolean readOnly() {
      return true;
    }

    @Override
    Object execute(Context ctx) {
      return wrap("TemplatesResponse",
          new TemplatesResponse(new TemplateCatalog(ctx.warehouse()).list(prefix, type(templateType)), null));
    }
  }

  @Command(name = "list-template-versions", description = "Lists a template's versions (ListTemplateVersions).")
  static final class ListTemplateVersions extends WarehouseCommand {
    @Option(names = "--template-name", required = true) String templateName;
    @Option(names = "--template-type", required = true, description = "EMAIL, SMS, PUSH, VOICE or INAPP")
    String templateType;

    @Override
    boolean readOnly() {
      return true;
    }

    @Override
    Object execute(Context ctx) {
      return wrap("TemplateVersionsResponse", new TemplateVersionsResponse(
          new TemplateCatalog(ctx.warehouse()).versionList(type(templateType), templateName), null, null,
          Ids.random()));
    }
  }

  @Command(name = "update-template-active-version",
      description = "Makes a version the template's active one (UpdateTemplateActiveVersion).")
  static final class UpdateTemplateActiveVersion extends WarehouseCommand {
    @Option(names = "--template-name", required = true) String templateName;
    @Option(names = "--template-type", required = true, description = "EMAIL, SMS, PUSH, VOICE or INAPP")
    String templateType;

    @Option(names = "--template-active-version-request", required = true,
        description = "TemplateActiveVersionRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      TemplateActiveVersionRequest r = RequestArgs.parse("--template-active-version-request", request,
          TemplateActiveVersionRequest.class, "TemplateActiveVersionRequest");
      if (r.version() == null) {
        throw LakecastErrors.missingMember("TemplateActiveVersionRequest", "Version");
      }
      return wrap("MessageBody",
          new TemplateCatalog(ctx.warehouse()).activate(type(templateType), templateName, r.version()));
    }
  }
}
