package io.lakecast.cli;

import io.lakecast.LakecastException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code lakecast} command: one subcommand per Pinpoint operation, named and optioned as {@code aws pinpoint}
 * names them. JSON results on stdout, errors on stderr; exit 0 ok, 1 failure, 2 usage.
 */
@Command(
    name = "lakecast",
    mixinStandardHelpOptions = true,
    version = "lakecast 0.1.0",
    description = "Amazon Pinpoint's engagement data plane as Spark batch jobs over Delta tables.",
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
      Commands.RunCampaign.class,
      Commands.GetCampaignActivities.class,
      Commands.GenerateEndpoints.class,
      CommandLine.HelpCommand.class
    })
public final class LakecastCli implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command; see lakecast --help");
  }

  /** A configured command line; tests run it in-process with their own writers. */
  public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new LakecastCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setExitCodeExceptionMapper(
        e -> e instanceof LakecastException le
            ? le.exitCode()
            : e instanceof CommandLine.ParameterException ? LakecastException.USAGE : LakecastException.FAILURE);
    cl.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          if (e instanceof LakecastException le) {
            commandLine.getErr().println(le.code() + ": " + le.getMessage());
            commandLine.getErr().flush();
            return le.exitCode();
          }
          commandLine.getErr().println("InternalError: " + describe(e));
          org.slf4j.LoggerFactory.getLogger(LakecastCli.class).error("Command failed", e);
          commandLine.getErr().flush();
          return LakecastException.FAILURE;
        });
    return cl;
  }

  private static String describe(Throwable e) {
    StringBuilder sb = new StringBuilder(e.getClass().getSimpleName());
    if (e.getMessage() != null) {
      sb.append(": ").append(e.getMessage().lines().findFirst().orElse(""));
    }
    return sb.toString();
  }

  /** Runs a command line in-process and returns its exit code. */
  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    int code = commandLine(out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    int code = execute(out, err, args);
    System.exit(code);
  }
}
