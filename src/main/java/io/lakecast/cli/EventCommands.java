package io.lakecast.cli;

import static io.lakecast.cli.Commands.wrap;

import io.lakecast.events.EventStreams;
import io.lakecast.events.ImportEventsJob;
import io.lakecast.events.Kpis;
import io.lakecast.model.EventShapes.EventsImportJobRequest;
import io.lakecast.warehouse.JobCatalog;
import io.lakecast.events.PutEvents;
import io.lakecast.events.StreamEventsJob;
import io.lakecast.model.EventShapes.WriteEventStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The event commands: put-events, the event stream (put-, get-, delete-event-stream) and stream-events. */
final class EventCommands {
  private EventCommands() {}

  @Command(name = "put-events",
      description = "Records endpoints and their events (PutEvents): each endpoint and event gets its own status.")
  static final class PutEventsCommand extends Commands.AppCommand {
    @Option(names = "--events-request", required = true, description = "EventsRequest JSON, inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      return wrap("EventsResponse", new PutEvents(ctx.warehouse()).put(applicationId,
          RequestArgs.text("--events-request", request), RequestArgs.source("--events-request", request)));
    }
  }

  @Command(name = "create-events-import-job",
      description = "Imports events from NDJSON files (EventsRequest documents or Pinpoint event-stream records,"
          + " plain or gzip) under S3Url into the event store (Lakecast's).")
  static final class CreateEventsImportJob extends Commands.AppCommand {
    @Option(names = "--events-import-job-request", required = true,
        description = "EventsImportJobRequest JSON ({\"S3Url\": ...}), inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      var r = RequestArgs.parse("--events-import-job-request", request, EventsImportJobRequest.class,
          "EventsImportJobRequest");
      return wrap("EventsImportJobResponse", new ImportEventsJob(ctx.warehouse())
          .run(new ImportEventsJob.Options(applicationId, r)).job());
    }
  }

  @Command(name = "get-events-import-job", description = "Shows one events import job (Lakecast's).")
  static final class GetEventsImportJob extends Commands.AppCommand {
    @Option(names = "--job-id", required = true) String jobId;

    @Override
    Object execute(Context ctx) {
      return wrap("EventsImportJobResponse", new JobCatalog(ctx.warehouse())
          .get(applicationId, jobId, ImportEventsJob.TYPE, EventsImportJobRequest.class));
    }
  }

  @Command(name = "get-events-import-jobs", description = "Lists the application's events import jobs, newest first.")
  static final class GetEventsImportJobs extends Commands.AppCommand {
    @Override
    Object execute(Context ctx) {
      new io.lakecast.warehouse.AppCatalog(ctx.warehouse()).require(applicationId);
      return wrap("EventsImportJobsResponse", new io.lakecast.model.JobShapes.JobsResponse<>(
          new JobCatalog(ctx.warehouse()).list(applicationId, ImportEventsJob.TYPE, EventsImportJobRequest.class),
          null));
    }
  }

  /** The options of both date-range KPI commands. */
  abstract static class KpiCommand extends Commands.AppCommand {
    @Option(names = "--kpi-name", required = true, description = "The KPI, e.g. successful-delivery-rate")
    String kpiName;

    @Option(names = "--start-time", description = "ISO 8601 start, inclusive (default: 31 days before the end)")
    String startTime;

    @Option(names = "--end-time", description = "ISO 8601 end, inclusive (default: now)")
    String endTime;

    @Option(names = "--page-size", description = "Rows per page of a grouped KPI (1 to 1000, default 100)")
    Integer pageSize;

    @Option(names = "--next-token", description = "The NextToken of the previous page")
    String nextToken;
  }

  @Command(name = "get-application-date-range-kpi",
      description = "Computes one of the application's KPIs over a date range (GetApplicationDateRangeKpi).")
  static final class GetApplicationDateRangeKpi extends KpiCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("ApplicationDateRangeKpiResponse", new Kpis(ctx.warehouse())
          .application(applicationId, kpiName, startTime, endTime, pageSize, nextToken));
    }
  }

  @Command(name = "get-campaign-date-range-kpi",
      description = "Computes one of a campaign's KPIs over a date range (GetCampaignDateRangeKpi).")
  static final class GetCampaignDateRangeKpi extends KpiCommand {
    @Option(names = "--campaign-id", required = true) String campaignId;

    @Override
    Object execute(Context ctx) {
      return wrap("CampaignDateRangeKpiResponse", new Kpis(ctx.warehouse())
          .campaign(applicationId, campaignId, kpiName, startTime, endTime, pageSize, nextToken));
    }
  }

  @Command(name = "put-event-stream",
      description = "Sets the application's event stream: a Kinesis data stream or Firehose delivery stream ARN.")
  static final class PutEventStream extends Commands.AppCommand {
    @Option(names = "--write-event-stream", required = true,
        description = "WriteEventStream JSON (DestinationStreamArn, RoleArn), inline or file://path")
    String request;

    @Override
    Object execute(Context ctx) {
      WriteEventStream r = RequestArgs.parse("--write-event-stream", request, WriteEventStream.class,
          "WriteEventStream");
      return wrap("EventStream", new EventStreams(ctx.warehouse()).put(applicationId, r));
    }
  }

  @Command(name = "get-event-stream", description = "Shows the application's event stream.")
  static final class GetEventStream extends Commands.AppCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("EventStream", new EventStreams(ctx.warehouse()).get(applicationId));
    }
  }

  @Command(name = "delete-event-stream", description = "Removes the application's event stream.")
  static final class DeleteEventStream extends Commands.AppCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("EventStream", new EventStreams(ctx.warehouse()).delete(applicationId));
    }
  }

  @Command(name = "stream-events",
      description = "Delivers the events stored since the stream's watermark to its destination (Lakecast's).")
  static final class StreamEvents extends Commands.AppCommand {
    @Option(names = "--allow-no-stream",
        description = "An application without an event stream delivers nothing instead of failing")
    boolean allowNoStream;

    @Override
    Object execute(Context ctx) {
      return wrap("StreamEventsResult",
          new StreamEventsJob(ctx.warehouse()).run(new StreamEventsJob.Options(applicationId, allowNoStream)));
    }
  }

  @Command(name = "compact-events",
      description = "Merges the small files of each of the application's event partitions (Lakecast's); readers see "
          + "the same events.")
  static final class CompactEvents extends Commands.AppCommand {
    @Override
    Object execute(Context ctx) {
      return wrap("CompactEventsResult", new io.lakecast.events.CompactEventsJob(ctx.warehouse())
          .run(new io.lakecast.events.CompactEventsJob.Options(applicationId)));
    }
  }
}
