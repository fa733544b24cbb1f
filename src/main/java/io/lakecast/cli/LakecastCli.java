package io.lakecast.cli;

import io.lakecast.LakecastErrors;
import io.lakecast.LakecastException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lakecast} command: one subcommand per Pinpoint operation, named and optioned as {@code aws pinpoint}
 * names them. JSON results on stdout, errors on stderr; exit 0 ok, 1 failure, 2 usage. {@code --batch FILE} runs a
 * file of commands in one JVM ({@link BatchMode}).
 */
@Command(
    name = "lakecast",
    mixinStandardHelpOptions = true,
    versionProvider = BuildVersion.class,
    description = {"Amazon Pinpoint's engagement data plane as Spark batch jobs over Delta tables.",
        "lakecast --batch FILE (or - for standard input) runs one command per line in one JVM."},
    subcommands = {
      Commands.CreateApp.class,
      Commands.GetApps.class,
      Commands.CreateImportJob.class,
      Commands.GetImportJob.class,
      Commands.GetImportJobs.class,
      Commands.CreateExportJob.class,
      Commands.GetExportJob.class,
      Commands.GetExportJobs.class,
      Commands.GetEndpoint.class,
      Commands.UpdateEndpoint.class,
      Commands.UpdateEndpointsBatch.class,
      Commands.RemoveAttributes.class,
      Commands.GetUserEndpoints.class,
      Commands.DeleteEndpoint.class,
      Commands.DeleteUserEndpoints.class,
      Commands.Purge.class,
      Commands.CreateSegment.class,
      Commands.GetSegment.class,
      Commands.UpdateSegment.class,
      Commands.GetSegmentVersion.class,
      Commands.GetSegmentVersions.class,
      Commands.GetSegments.class,
      Commands.DeleteSegment.class,
      Commands.EvaluateSegment.class,
      Commands.CreateCampaign.class,
      Commands.GetCampaign.class,
      Commands.UpdateCampaign.class,
      Commands.GetCampaignVersion.class,
      Commands.GetCampaignVersions.class,
      Commands.GetCampaigns.class,
      Commands.DeleteCampaign.class,
      Commands.UpdateApplicationSettings.class,
      Commands.GetApplicationSettings.class,
      Commands.RunCampaign.class,
      Commands.RunDueCampaigns.class,
      Commands.GetCampaignActivities.class,
      Commands.GetCampaignExperiment.class,
      Commands.GetInAppMessages.class,
      Commands.SendMessages.class,
      Commands.SendUsersMessages.class,
      EventCommands.PutEventsCommand.class,
      EventCommands.CreateEventsImportJob.class,
      EventCommands.GetEventsImportJob.class,
      EventCommands.GetEventsImportJobs.class,
      EventCommands.PutEventStream.class,
      EventCommands.GetApplicationDateRangeKpi.class,
      EventCommands.GetCampaignDateRangeKpi.class,
      EventCommands.GetEventStream.class,
      EventCommands.DeleteEventStream.class,
      EventCommands.StreamEvents.class,
      EventCommands.CompactEvents.class,
      TemplateCommands.CreateEmailTemplate.class,
      TemplateCommands.UpdateEmailTemplate.class,
      TemplateCommands.GetEmailTemplate.class,
      TemplateCommands.DeleteEmailTemplate.class,
      TemplateCommands.CreateSmsTemplate.class,
      TemplateCommands.UpdateSmsTemplate.class,
      TemplateCommands.GetSmsTemplate.class,
      TemplateCommands.DeleteSmsTemplate.class,
      TemplateCommands.CreatePushTemplate.class,
      TemplateCommands.UpdatePushTemplate.class,
      TemplateCommands.GetPushTemplate.class,
      TemplateCommands.DeletePushTemplate.class,
      TemplateCommands.CreateVoiceTemplate.class,
      TemplateCommands.UpdateVoiceTemplate.class,
      TemplateCommands.GetVoiceTemplate.class,
      TemplateCommands.DeleteVoiceTemplate.class,
      TemplateCommands.CreateInAppTemplate.class,
      TemplateCommands.UpdateInAppTemplate.class,
      TemplateCommands.GetInAppTemplate.class,
      TemplateCommands.DeleteInAppTemplate.class,
      TemplateCommands.ListTemplates.class,
      TemplateCommands.ListTemplateVersions.class,
      TemplateCommands.UpdateTemplateActiveVersion.class,
      Commands.GenerateEndpoints.class,
      CommandLine.HelpCommand.class
    })
public final class LakecastCli implements Runnable {
  /** The option that adds the stack trace to a failure's message, as the AWS CLI's does. */
  static final String DEBUG = "--debug";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = DEBUG, scope = CommandLine.ScopeType.INHERIT,
      description = "On failure, print the stack trace after the error message")
  boolean debug;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command; see lakecast --help");
  }

  /** A configured command line; tests run it in-process with their own writers. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    return commandLine(out, err, false);
  }

  /**
   * A configured command line. Every failure reaches {@code err} as one line, {@code <Code>: message}, with
   * Pinpoint's error codes ({@link LakecastErrors#fromFailure}); the stack trace follows only with {@code debug}.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err, boolean debug) {
    CommandLine cl = new CommandLine(new LakecastCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? LakecastException.USAGE
            : LakecastErrors.fromFailure(e).exitCode());
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          LakecastException le = LakecastErrors.fromFailure(e);
          commandLine.getErr().println(le.code() + ": " + le.getMessage());
          if (debug) {
            e.printStackTrace(commandLine.getErr());
          } else {
            org.slf4j.LoggerFactory.getLogger(LakecastCli.class).debug("Command failed", e);
          }
          commandLine.getErr().flush();
          return le.exitCode();
        });
    return cl;
  }

  /** Runs a command line in-process and returns its exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    if (args.length > 0 && args[0].equals(BatchMode.OPTION)) {
      return BatchMode.run(out, err, args, System.in);
    }
    boolean debug = java.util.Arrays.asList(args).contains(DEBUG);
    int code;
    try {
      code = commandLine(out, err, debug).execute(args);
    } catch (org.apache.hadoop.fs.FSError e) {
      // Hadoop's local filesystem reports a disk error (a full disk) as an Error, which picocli does not handle.
      LakecastException le = LakecastErrors.fromFailure(e);
      err.println(le.code() + ": " + le.getMessage());
      if (debug) {
        e.printStackTrace(err);
      }
      code = le.exitCode();
    }
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    // Library stack traces in the log (a failed Spark task logs one) only with --debug; conf/log4j2.properties
    // reads this property before the first logger exists.
    System.setProperty("lakecast.log.exceptions", java.util.Arrays.asList(args).contains(DEBUG) ? "full" : "short");
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(out, err, args);
    System.exit(code);
  }
}
