package io.lakecast.cli;

import io.lakecast.LakecastErrors;
import io.lakecast.LakecastException;
import io.lakecast.campaigns.ApplicationSettings;
import io.lakecast.campaigns.CampaignCatalog;
import io.lakecast.campaigns.RunCampaignActivityJob;
import io.lakecast.endpoints.EndpointCatalog;
import io.lakecast.imports.EndpointGenerator;
import io.lakecast.imports.ImportEndpointsJob;
import io.lakecast.model.AppShapes.ApplicationsResponse;
import io.lakecast.model.AppShapes.CreateApplicationRequest;
import io.lakecast.model.AppShapes.WriteApplicationSettingsRequest;
import io.lakecast.model.CampaignShapes.ActivitiesResponse;
import io.lakecast.model.CampaignShapes.ActivityResponse;
import io.lakecast.model.CampaignShapes.CampaignsResponse;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.SegmentShapes.WriteSegmentRequest;
import io.lakecast.segments.SegmentCatalog;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The subcommands. Each parses, calls a catalog or job, and returns the Pinpoint-shaped result to print. */
final class Commands {
  private static final Logger LOG = LoggerFactory.getLogger(Commands.class);

  private Commands() {}

  /** A command on one application: every Pinpoint operation but create-app and get-apps. */
  abstract static class AppCommand extends WarehouseCommand {
    @Option(names = "--application-id", required = true, description = "The application (project) id")
    String applicationId;
  }

  /** An id kept from Pinpoint ({@code --application-id}, {@code --campaign-id}) must look like one. */
  private static void checkKeptId(String option, String id) {
    if (id != null && !id.matches("[A-Za-z0-9_-]{1,64}")) {
      throw LakecastErrors.invalidOption(option, id,
          "1 to 64 letters, digits, '_' or '-' (Pinpoint's ids are 32 hex digits)");
    }
  }

  /** A result under its Pinpoint shape's name, as the AWS CLI prints it. */
  static Map<String, Object> wrap(String name, Object value) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(name, value);
    return m;
  }

  @Command(name = "create-app", description = "Creates an application (CreateApp).")
  static final class CreateApp extends WarehouseCommand {
    @Option(names = "--create-application-request", required = true,
        description = "CreateApplicationRequest JSON, inline or file://path")
    String request;

    @Option(names = "--application-id",
        description = "Lakecast's: keep a migrated Pinpoint project's id, so its global control group keeps the same "
            + "users (default: a new id)")
    String applicationId;

    @Override
    Object execute(Context ctx) {
      CreateApplicationRequest r = RequestArgs.parse("--create-application-request", request,
          CreateApplicationRequest.class, "CreateApplicationRequest");
      checkKeptId("--application-id", applicationId);
      return wrap("ApplicationResponse", new AppCatalog(ctx.warehouse()).create(r, applicationId));
    }
  }

  @Command(name = "get-apps", description = "Lists applications (GetApps).")
  static final class GetApps extends WarehouseCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("ApplicationsResponse", new ApplicationsResponse(new AppCatalog(ctx.warehouse()).list(), null));
    }
  }

  @Command(name = "create-import-job",
      description = "Imports endpoints from CSV or NDJSON files under any Hadoop URI (CreateImportJob).")
  static final class CreateImportJob extends AppCommand {
    @Option(names = "--import-job-request", required = true,
        description = "ImportJobRequest JSON, inline or file://path")
    String request;

    @Option(names = "--allow-empty",
        description = "A source with no file of the format completes the job with nothing imported instead of "
            + "failing it (a scheduled day with no new export)")
    boolean allowEmpty;

    @Override
    Object execute(Context ctx) {
      ImportJobRequest r =
          RequestArgs.parse("--import-job-request", request, ImportJobRequest.class, "ImportJobRequest");
      var result = new ImportEndpointsJob(ctx.warehouse(),
          new ImportEndpointsJob.Options(applicationId, r, allowEmpty)).run();
      return wrap("ImportJobResponse", result.job());
    }
  }

  @Command(name = "get-import-job", description = "Shows an import job (GetImportJob).")
  static final class GetImportJob extends AppCommand {
    @Option(names = "--job-id", required = true) String jobId;

    @Override
    Object execute(Context ctx) {
      return wrap("ImportJobResponse",
          new io.lakecast.warehouse.JobCatalog(ctx.warehouse()).get(applicationId, jobId, "IMPORT",
              ImportJobRequest.class));
    }
  }

  @Command(name = "get-import-jobs", description = "Lists the application's import jobs (GetImportJobs).")
  static final class GetImportJobs extends AppCommand {
    @Override
    Object execute(Context ctx) {
      new AppCatalog(ctx.warehouse()).require(applicationId);
      return wrap("ImportJobsResponse", new io.lakecast.model.JobShapes.JobsResponse<>(
          new io.lakecast.warehouse.JobCatalog(ctx.warehouse()).list(applicationId, "IMPORT", ImportJobRequest.class),
          null));
    }
  }

  @Command(name = "create-export-job",
      description = "Exports endpoints as gzip NDJSON of EndpointResponse under S3UrlPrefix (CreateExportJob).")
  static final class CreateExportJob extends AppCommand {
    @Option(names = "--export-job-request", required = true,
        description = "ExportJobRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      var r = RequestArgs.parse("--export-job-request", request, io.lakecast.model.JobShapes.ExportJobRequest.class,
          "ExportJobRequest");
      return wrap("ExportJobResponse", new io.lakecast.endpoints.ExportEndpointsJob(ctx.warehouse(),
          new io.lakecast.endpoints.ExportEndpointsJob.Options(applicationId, r)).run().job());
    }
  }

  @Command(name = "get-export-job", description = "Shows an export job (GetExportJob).")
  static final class GetExportJob extends AppCommand {
    @Option(names = "--job-id", required = true) String jobId;

    @Override
    Object execute(Context ctx) {
      return wrap("ExportJobResponse",
          new io.lakecast.warehouse.JobCatalog(ctx.warehouse()).get(applicationId, jobId, "EXPORT",
              io.lakecast.model.JobShapes.ExportJobRequest.class));
    }
  }

  @Command(name = "get-export-jobs", description = "Lists the application's export jobs (GetExportJobs).")
  static final class GetExportJobs extends AppCommand {
    @Override
    Object execute(Context ctx) {
      new AppCatalog(ctx.warehouse()).require(applicationId);
      return wrap("ExportJobsResponse", new io.lakecast.model.JobShapes.JobsResponse<>(
          new io.lakecast.warehouse.JobCatalog(ctx.warehouse()).list(applicationId, "EXPORT",
              io.lakecast.model.JobShapes.ExportJobRequest.class),
          null));
    }
  }

  @Command(name = "update-endpoint", description = "Creates or updates an endpoint (UpdateEndpoint).")
  static final class UpdateEndpoint extends AppCommand {
    @Option(names = "--endpoint-id", required = true) String endpointId;

    @Option(names = "--endpoint-request", required = true, description = "EndpointRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      return wrap("MessageBody", new io.lakecast.endpoints.EndpointWrites(ctx.warehouse()).updateEndpoint(
          applicationId, endpointId, RequestArgs.text("--endpoint-request", request),
          RequestArgs.source("--endpoint-request", request)));
    }
  }

  @Command(name = "update-endpoints-batch",
      description = "Creates or updates up to 100 endpoints (UpdateEndpointsBatch).")
  static final class UpdateEndpointsBatch extends AppCommand {
    @Option(names = "--endpoint-batch-request", required = true,
        description = "EndpointBatchRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      return wrap("MessageBody", new io.lakecast.endpoints.EndpointWrites(ctx.warehouse()).updateBatch(
          applicationId, RequestArgs.text("--endpoint-batch-request", request),
          RequestArgs.source("--endpoint-batch-request", request)));
    }
  }

  @Command(name = "remove-attributes",
      description = "Stops capturing attributes of one type, by name or glob, on every later write (RemoveAttributes).")
  static final class RemoveAttributes extends AppCommand {
    @Option(names = "--attribute-type", required = true,
        description = "endpoint-custom-attributes, endpoint-metric-attributes or endpoint-user-attributes")
    String attributeType;

    @Option(names = "--update-attributes-request", required = true,
        description = "UpdateAttributesRequest JSON ({\"Blacklist\": [names or globs]}), inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      var kind = io.lakecast.model.PinpointEnums.AttributeKind.of(attributeType);
      var r = RequestArgs.parse("--update-attributes-request", request,
          io.lakecast.model.AppShapes.UpdateAttributesRequest.class, "UpdateAttributesRequest");
      return wrap("AttributesResource", new AppCatalog(ctx.warehouse()).removeAttributes(applicationId, kind, r));
    }
  }

  @Command(name = "get-user-endpoints", description = "Lists a user's endpoints (GetUserEndpoints).")
  static final class GetUserEndpoints extends AppCommand {
    @Option(names = "--user-id", required = true) String userId;

    @Override
    Object execute(Context ctx) {
      return wrap("EndpointsResponse", new io.lakecast.model.EndpointShapes.EndpointsResponse(
          new EndpointCatalog(ctx.warehouse()).userEndpoints(applicationId, userId)));
    }
  }

  /**
   * Endpoint deletion with every owner of endpoint data wired in: segment members, the send ledger, import rejects
   * and job messages, the event store and the outbox.
   */
  static io.lakecast.endpoints.EndpointDeletion deletion(WarehouseCommand.Context ctx) {
    var w = ctx.warehouse();
    var conf = io.lakecast.conf.LakecastConf.from(w.spark());
    return new io.lakecast.endpoints.EndpointDeletion(w, List.of(
        new SegmentCatalog(w).memberForgetter(),
        new CampaignCatalog(w).ledgerForgetter(),
        new io.lakecast.imports.ImportForgetter(w),
        new io.lakecast.events.EventStore(w),
        new io.lakecast.dispatch.OutboxForgetter(conf.outboxPath(), w.spark().sparkContext().hadoopConfiguration())));
  }

  @Command(name = "delete-endpoint",
      description = "Deletes an endpoint from every table that holds it (DeleteEndpoint); purge makes it final.")
  static final class DeleteEndpoint extends AppCommand {
    @Option(names = "--endpoint-id", required = true) String endpointId;

    @Override
    Object execute(Context ctx) {
      var endpoint = new EndpointCatalog(ctx.warehouse()).get(applicationId, endpointId);
      deletion(ctx).delete(applicationId, List.of(endpoint));
      return wrap("EndpointResponse", endpoint);
    }
  }

  @Command(name = "delete-user-endpoints",
      description = "Deletes every endpoint of a user from every table (DeleteUserEndpoints); purge makes it final.")
  static final class DeleteUserEndpoints extends AppCommand {
    @Option(names = "--user-id", required = true) String userId;

    @Override
    Object execute(Context ctx) {
      var endpoints = new EndpointCatalog(ctx.warehouse()).userEndpoints(applicationId, userId);
      deletion(ctx).delete(applicationId, endpoints);
      return wrap("EndpointsResponse", new io.lakecast.model.EndpointShapes.EndpointsResponse(endpoints));
    }
  }

  @Command(name = "purge",
      description = "Removes files no longer referenced by the Delta tables (VACUUM), so deleted data is gone.")
  static final class Purge extends WarehouseCommand {
    @Option(names = "--retention-hours", required = true,
        description = "History to keep, in hours (0 removes every unreferenced file)")
    double retentionHours;

    @Override
    Object execute(Context ctx) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("RetentionHours", retentionHours);
      body.put("Vacuumed", io.lakecast.endpoints.EndpointDeletion.purge(ctx.warehouse(), retentionHours));
      return wrap("PurgeResponse", body);
    }
  }

  @Command(name = "get-endpoint", description = "Shows an endpoint (GetEndpoint).")
  static final class GetEndpoint extends AppCommand {
    @Option(names = "--endpoint-id", required = true) String endpointId;

    @Override
    Object execute(Context ctx) {
      return wrap("EndpointResponse", new EndpointCatalog(ctx.warehouse()).get(applicationId, endpointId));
    }
  }

  @Command(name = "create-segment", description = "Creates a dimensional segment (CreateSegment).")
  static final class CreateSegment extends AppCommand {

    @Option(names = "--write-segment-request", required = true,
        description = "WriteSegmentRequest JSON, inline or file://path")
    String request;

    @Option(names = "--segment-id",
        description = "Lakecast's: keep a migrated Pinpoint segment's id, which its campaigns name (default: a new "
            + "id)")
    String segmentId;

    @Override
    Object execute(Context ctx) {
      WriteSegmentRequest r =
          RequestArgs.parse("--write-segment-request", request, WriteSegmentRequest.class, "WriteSegmentRequest");
      checkKeptId("--segment-id", segmentId);
      return wrap("SegmentResponse", new SegmentCatalog(ctx.warehouse()).create(applicationId, r, segmentId));
    }
  }

  @Command(name = "get-segment", description = "Shows a segment's latest version (GetSegment).")
  static final class GetSegment extends AppCommand {
    @Option(names = "--segment-id", required = true) String segmentId;

    @Override
    Object execute(Context ctx) {
      return wrap("SegmentResponse", new SegmentCatalog(ctx.warehouse()).get(applicationId, segmentId, null));
    }
  }

  @Command(name = "update-segment", description = "Writes a new version of a segment (UpdateSegment).")
  static final class UpdateSegment extends AppCommand {
    @Option(names = "--segment-id", required = true) String segmentId;

    @Option(names = "--write-segment-request", required = true,
        description = "WriteSegmentRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      WriteSegmentRequest r =
          RequestArgs.parse("--write-segment-request", request, WriteSegmentRequest.class, "WriteSegmentRequest");
      return wrap("SegmentResponse", new SegmentCatalog(ctx.warehouse()).update(applicationId, segmentId, r));
    }
  }

  @Command(name = "get-segment-version", description = "Shows one version of a segment (GetSegmentVersion).")
  static final class GetSegmentVersion extends AppCommand {
    @Option(names = "--segment-id", required = true) String segmentId;
    @Option(names = "--version", required = true) int version;

    @Override
    Object execute(Context ctx) {
      return wrap("SegmentResponse", new SegmentCatalog(ctx.warehouse()).get(applicationId, segmentId, version));
    }
  }

  @Command(name = "get-segment-versions", description = "Lists every version of a segment (GetSegmentVersions).")
  static final class GetSegmentVersions extends AppCommand {
    @Option(names = "--segment-id", required = true) String segmentId;

    @Override
    Object execute(Context ctx) {
      return wrap("SegmentsResponse", new io.lakecast.model.SegmentShapes.SegmentsResponse(
          new SegmentCatalog(ctx.warehouse()).versions(applicationId, segmentId), null));
    }
  }

  @Command(name = "get-segments", description = "Lists the latest version of every segment (GetSegments).")
  static final class GetSegments extends AppCommand {

    @Override
    Object execute(Context ctx) {
      new AppCatalog(ctx.warehouse()).require(applicationId);
      return wrap("SegmentsResponse", new io.lakecast.model.SegmentShapes.SegmentsResponse(
          new SegmentCatalog(ctx.warehouse()).list(applicationId), null));
    }
  }

  @Command(name = "delete-segment", description = "Deletes a segment and all its versions (DeleteSegment).")
  static final class DeleteSegment extends AppCommand {
    @Option(names = "--segment-id", required = true) String segmentId;

    @Override
    Object execute(Context ctx) {
      return wrap("SegmentResponse", new SegmentCatalog(ctx.warehouse()).delete(applicationId, segmentId));
    }
  }

  @Command(name = "evaluate-segment",
      description = "Counts a segment's members in total and per channel, optionally writing them (Lakecast's).")
  static final class EvaluateSegment extends AppCommand {
    @Option(names = "--segment-id", required = true) String segmentId;
    @Option(names = "--segment-version", description = "Version to evaluate (default: latest)") Integer version;

    @Option(names = "--as-of", description = "ISO-8601 instant for recency criteria (default: now)")
    String asOf;

    @Option(names = "--output",
        description = "Hadoop URI for the members: a Delta table, or NDJSON when it ends in .json/.ndjson")
    String output;

    @Override
    Object execute(Context ctx) {
      new AppCatalog(ctx.warehouse()).require(applicationId);
      var r = new io.lakecast.segments.EvaluateSegmentJob(ctx.warehouse(),
          new io.lakecast.segments.EvaluateSegmentJob.Options(applicationId, segmentId, version,
              instant("--as-of", asOf), output)).run();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ApplicationId", applicationId);
      body.put("SegmentId", r.segmentId());
      body.put("Version", r.version());
      body.put("AsOf", r.asOf());
      body.put("Size", r.total());
      body.put("ChannelCounts", r.perChannel());
      if (r.output() != null) {
        body.put("Output", r.output());
      }
      return wrap("SegmentEvaluationResponse", body);
    }

    @Override
    boolean readOnly() {
      return output == null;
    }
  }

  static Instant instant(String option, String value) {
    if (value == null) {
      return null;
    }
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw LakecastErrors.invalidOption(option, value, "an ISO-8601 instant such as 2026-12-01T15:00:00Z");
    }
  }

  @Command(name = "create-campaign", description = "Creates a campaign (CreateCampaign).")
  static final class CreateCampaign extends AppCommand {

    @Option(names = "--write-campaign-request", required = true,
        description = "WriteCampaignRequest JSON, inline or file://path")
    String request;

    @Option(names = "--campaign-id",
        description = "Lakecast's: keep a migrated Pinpoint campaign's id, so its holdout and treatment arms stay "
            + "the same (default: a new id)")
    String campaignId;

    @Override
    Object execute(Context ctx) {
      WriteCampaignRequest r = RequestArgs.parse("--write-campaign-request", request, WriteCampaignRequest.class,
          "WriteCampaignRequest");
      checkKeptId("--campaign-id", campaignId);
      return wrap("CampaignResponse", new CampaignCatalog(ctx.warehouse()).create(applicationId, r, campaignId));
    }
  }

  @Command(name = "get-campaign", description = "Shows a campaign (GetCampaign).")
  static final class GetCampaign extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Override
    Object execute(Context ctx) {
      return wrap("CampaignResponse", new CampaignCatalog(ctx.warehouse()).get(applicationId, campaignId));
    }
  }

  @Command(name = "update-application-settings",
      description = "Replaces the application's settings, the defaults its campaigns inherit "
          + "(UpdateApplicationSettings).")
  static final class UpdateApplicationSettings extends AppCommand {
    @Option(names = "--write-application-settings-request", required = true,
        description = "WriteApplicationSettingsRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      WriteApplicationSettingsRequest r = RequestArgs.parse("--write-application-settings-request", request,
          WriteApplicationSettingsRequest.class, "WriteApplicationSettingsRequest");
      return wrap("ApplicationSettingsResource", new ApplicationSettings(ctx.warehouse()).update(applicationId, r));
    }
  }

  @Command(name = "get-application-settings", description = "The application's settings (GetApplicationSettings).")
  static final class GetApplicationSettings extends AppCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("ApplicationSettingsResource", new ApplicationSettings(ctx.warehouse()).get(applicationId));
    }
  }

  @Command(name = "update-campaign", description = "Writes a new version of a campaign (UpdateCampaign).")
  static final class UpdateCampaign extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Option(names = "--write-campaign-request", required = true,
        description = "WriteCampaignRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      WriteCampaignRequest r = RequestArgs.parse("--write-campaign-request", request, WriteCampaignRequest.class,
          "WriteCampaignRequest");
      return wrap("CampaignResponse", new CampaignCatalog(ctx.warehouse()).update(applicationId, campaignId, r));
    }
  }

  @Command(name = "get-campaign-version", description = "Shows one version of a campaign (GetCampaignVersion).")
  static final class GetCampaignVersion extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;
    @Option(names = "--version", required = true) int version;

    @Override
    Object execute(Context ctx) {
      return wrap("CampaignResponse",
          new CampaignCatalog(ctx.warehouse()).version(applicationId, campaignId, version));
    }
  }

  @Command(name = "get-campaign-versions", description = "Lists every version of a campaign (GetCampaignVersions).")
  static final class GetCampaignVersions extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Override
    Object execute(Context ctx) {
      return wrap("CampaignsResponse", new CampaignsResponse(
          new CampaignCatalog(ctx.warehouse()).versions(applicationId, campaignId), null));
    }
  }

  @Command(name = "get-campaigns", description = "Lists the latest version of every campaign (GetCampaigns).")
  static final class GetCampaigns extends AppCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("CampaignsResponse", new CampaignsResponse(
          new CampaignCatalog(ctx.warehouse()).list(applicationId), null));
    }
  }

  @Command(name = "delete-campaign",
      description = "Deletes a campaign and its versions; its ledger and activities stay (DeleteCampaign).")
  static final class DeleteCampaign extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Override
    Object execute(Context ctx) {
      return wrap("CampaignResponse", new CampaignCatalog(ctx.warehouse()).delete(applicationId, campaignId));
    }
  }

  @Command(name = "run-campaign",
      description = "Runs every occurrence of the campaign's schedule due now, or as of --at, that has not completed "
          + "(catch-up for backfills); Lakecast's scheduler entry point.")
  static final class RunCampaign extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Option(names = "--at", description = "ISO-8601 instant to run as of (default: now)")
    String at;

    @Override
    Object execute(Context ctx) {
      Instant asOf = instant("--at", at);
      var r = new RunCampaignActivityJob(ctx.warehouse(),
          new RunCampaignActivityJob.Options(applicationId, campaignId, asOf)).run();
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ApplicationId", applicationId);
      body.put("CampaignId", campaignId);
      body.put("Due", r.due());
      if (r.paused()) {
        body.put("IsPaused", true);
      }
      if (r.stopped() != null) {
        body.put("CampaignStatus", "DELETED");
        body.put("Reason", r.stopped());
      }
      if (r.due()) {
        // The latest occurrence that ran, at the top; every one that ran under Runs.
        body.putAll(runBody(r.last()));
        body.put("Runs", r.runs().stream().map(Commands::runBody).toList());
      }
      body.put("NextScheduledStart", r.nextScheduledStart());
      return wrap("CampaignRunResponse", body);
    }
  }

  @Command(name = "get-campaign-experiment",
      description = "The campaign's A/B experiment (Lakecast's): per holdout and treatment, members, sends and"
          + " conversions with intervals, lifts, p-values and a sample-ratio-mismatch check.")
  static final class GetCampaignExperiment extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Option(names = "--conversion-event-type", defaultValue = "_monetization.purchase",
        description = "The event that counts as a conversion (default ${DEFAULT-VALUE})")
    String conversionEventType;

    @Option(names = "--window-hours", defaultValue = "24",
        description = "Hours after each send (or holdout) in which the event counts (default ${DEFAULT-VALUE})")
    int windowHours;

    @Override
    Object execute(Context ctx) {
      return wrap("CampaignExperimentResponse", new io.lakecast.campaigns.CampaignExperiment(ctx.warehouse())
          .run(new io.lakecast.campaigns.CampaignExperiment.Options(applicationId, campaignId, conversionEventType,
              windowHours)));
    }
  }

  @Command(name = "get-in-app-messages",
      description = "The in-app messages an endpoint's app may show now (GetInAppMessages): the live in-app "
          + "campaigns it is in, by Priority, with their message, caps and schedule.")
  static final class GetInAppMessages extends AppCommand {
    @Option(names = "--endpoint-id", required = true) String endpointId;

    @Option(names = "--at", description = "Lakecast's: ISO-8601 instant to answer as of (default: now)")
    String at;

    @Override
    Object execute(Context ctx) {
      return wrap("InAppMessagesResponse", new io.lakecast.campaigns.InAppMessages(ctx.warehouse()).run(
          new io.lakecast.campaigns.InAppMessages.Options(applicationId, endpointId, instant("--at", at))));
    }
  }

  @Command(name = "send-messages",
      description = "Sends a message to at most 100 addresses or endpoints now (SendMessages), through the "
          + "configured senders; answers each recipient's DeliveryStatus.")
  static final class SendMessages extends AppCommand {
    @Option(names = "--message-request", required = true, description = "MessageRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      var r = RequestArgs.parse("--message-request", request, io.lakecast.model.MessageShapes.MessageRequest.class,
          "MessageRequest");
      return wrap("MessageResponse", new io.lakecast.campaigns.SendMessagesJob(ctx.warehouse()).send(applicationId,
          r));
    }
  }

  @Command(name = "send-users-messages",
      description = "Sends a message to every endpoint of at most 100 users now (SendUsersMessages).")
  static final class SendUsersMessages extends AppCommand {
    @Option(names = "--send-users-message-request", required = true,
        description = "SendUsersMessageRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      var r = RequestArgs.parse("--send-users-message-request", request,
          io.lakecast.model.MessageShapes.SendUsersMessageRequest.class, "SendUsersMessageRequest");
      return wrap("SendUsersMessageResponse", new io.lakecast.campaigns.SendMessagesJob(ctx.warehouse())
          .sendUsers(applicationId, r));
    }
  }

  @Command(name = "run-due-campaigns",
      description = "Runs every due occurrence of every campaign of the application (one scheduled task per "
          + "application); a campaign that fails does not stop the others.")
  static final class RunDueCampaigns extends AppCommand {
    @Option(names = "--at", description = "ISO-8601 instant to run as of (default: now)")
    String at;

    @Override
    Object execute(Context ctx) {
      Instant asOf = instant("--at", at);
      new AppCatalog(ctx.warehouse()).require(applicationId);
      List<String> ids = new CampaignCatalog(ctx.warehouse()).campaignIds(applicationId);
      List<Map<String, Object>> campaigns = new ArrayList<>();
      Map<String, LakecastException> failures = new LinkedHashMap<>();
      for (String id : ids) {
        try {
          var r = new RunCampaignActivityJob(ctx.warehouse(),
              new RunCampaignActivityJob.Options(applicationId, id, asOf)).run();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("CampaignId", id);
          body.put("Due", r.due());
          body.put("Runs", r.runs().stream().map(Commands::runBody).toList());
          body.put("NextScheduledStart", r.nextScheduledStart());
          if (r.stopped() != null) {
            body.put("CampaignStatus", "DELETED");
            body.put("Reason", r.stopped());
          }
          campaigns.add(body);
        } catch (RuntimeException e) {
          LakecastException failure = LakecastErrors.fromFailure(e);
          LOG.warn("Campaign {}: {}: {}", id, failure.code(), failure.getMessage());
          failures.put("campaign " + id, failure);
        }
      }
      if (!failures.isEmpty()) {
        throw LakecastErrors.someFailed("campaigns", ids.size(), failures);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("ApplicationId", applicationId);
      body.put("Campaigns", campaigns);
      return wrap("DueCampaignsResponse", body);
    }
  }

  /** One occurrence's run as the CLI prints it. */
  static Map<String, Object> runBody(RunCampaignActivityJob.Run run) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("RunId", run.runId());
    body.put("ScheduledStart", run.scheduledStart());
    body.put("SegmentSize", run.segmentSize());
    body.put("Excluded", run.dropped());
    body.put("Holdout", run.holdout());
    body.put("TreatmentEndpointCounts", run.assigned());
    body.put("Sent", run.sent());
    body.put("Failed", run.failed());
    body.put("AlreadyInLedger", run.alreadyInLedger());
    body.put("Activities", run.activities());
    return body;
  }

  @Command(name = "get-campaign-activities", description = "Lists a campaign's activities (GetCampaignActivities).")
  static final class GetCampaignActivities extends AppCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Override
    Object execute(Context ctx) {
      new CampaignCatalog(ctx.warehouse()).load(applicationId, campaignId);
      List<ActivityResponse> items =
          ctx.warehouse().read(Table.ACTIVITIES)
              .filter(org.apache.spark.sql.functions.col("ApplicationId").equalTo(applicationId)
                  .and(org.apache.spark.sql.functions.col("CampaignId").equalTo(campaignId)))
              .orderBy("Start", "TreatmentId")
              .collectAsList()
              .stream()
              .map(r -> new ActivityResponse(
                  r.getAs("ApplicationId"), r.getAs("CampaignId"), r.getAs("End"),
                  r.<String, String>getJavaMap(r.fieldIndex("ExecutionMetrics")), r.getAs("Id"), r.getAs("Result"),
                  r.getAs("ScheduledStart"), r.getAs("Start"), r.getAs("State"), r.getAs("SuccessfulEndpointCount"),
                  r.getAs("TimezonesCompletedCount"), r.getAs("TimezonesTotalCount"), r.getAs("TotalEndpointCount"),
                  r.getAs("TreatmentId")))
              .collect(Collectors.toList());
      return wrap("ActivitiesResponse", new ActivitiesResponse(items, null));
    }
  }

  @Command(name = "generate-endpoints",
      description = "Writes synthetic endpoints (CSV with Pinpoint's dot-notation header, or NDJSON).")
  static final class GenerateEndpoints implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;
    @Option(names = "--count", required = true) long count;
    @Option(names = "--seed", defaultValue = "1") long seed;
    @Option(names = "--format", defaultValue = "CSV", description = "CSV or JSON") Format format;
    @Option(names = "--output", required = true, description = "File path or Hadoop URI") String output;

    @Override
    public Integer call() throws IOException {
      if (count < 0) {
        throw LakecastErrors.invalidOption("--count", String.valueOf(count), "a count of 0 or more");
      }
      Path path = new Path(io.lakecast.conf.LakecastConf.qualify(output));
      FileSystem fs = path.getFileSystem(new Configuration());
      fs.setWriteChecksum(false);
      try (BufferedWriter w = new BufferedWriter(
          new OutputStreamWriter(fs.create(path, true), StandardCharsets.UTF_8), 1 << 16)) {
        EndpointGenerator.write(count, seed, format, w);
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("Count", count);
      body.put("Seed", seed);
      body.put("Format", format.name());
      body.put("Output", path.toString());
      spec.commandLine().getOut().println(io.lakecast.model.PinpointJson.pretty(body));
      return 0;
    }
  }
}
