package io.lakecast.cli;

import io.lakecast.conf.LakecastConf;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A command that works on the warehouse: opens the session, runs, prints the result as JSON, and records one audit
 * row (command, outcome, parameter names with values masked as {@code ****}, as CloudTrail does).
 */
abstract class WarehouseCommand implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(WarehouseCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** What a command runs with. */
  record Context(SparkSession spark, Warehouse warehouse) {}

  abstract Object execute(Context ctx);

  /** Whether the command only reads (recorded in the audit log); the {@code get-*} commands do. */
  boolean readOnly() {
    return spec.name().startsWith("get-");
  }

  @Override
  public Integer call() {
    long started = System.nanoTime();
    SparkSession spark = LakecastSession.getOrCreate();
    LakecastConf conf = LakecastConf.from(spark);
    conf.logEffective();
    io.lakecast.conf.FaultPoints.arm(spark);
    Warehouse warehouse = Warehouse.of(spark);
    ProgressLines progress = ProgressLines.of(spark);
    progress.start(spec.name(), conf.progressIntervalSeconds());
    String errorCode = null;
    try {
      Object result = execute(new Context(spark, warehouse));
      LOG.info("{} finished in {} ms", spec.name(), (System.nanoTime() - started) / 1_000_000);
      spec.commandLine().getOut().println(PinpointJson.pretty(result));
      spec.commandLine().getOut().flush();
      return 0;
    } catch (RuntimeException e) {
      errorCode = io.lakecast.LakecastErrors.fromFailure(e).code();
      throw e;
    } finally {
      progress.stop();
      audit(warehouse, errorCode, (System.nanoTime() - started) / 1_000_000);
    }
  }

  private void audit(Warehouse warehouse, String errorCode, long millis) {
    try {
      TreeMap<String, String> params = new TreeMap<>();
      for (CommandLine.Model.OptionSpec o : spec.options()) {
        if (o.getValue() != null && !o.usageHelp() && !o.versionHelp()) {
          params.put(o.longestName(), "****");
        }
      }
      var row =
          RowFactory.create(
              Timestamp.from(Instant.now()), Ids.random(), spec.name(), System.getProperty("user.name"),
              PinpointJson.compact(params), errorCode == null ? "SUCCESS" : "FAILURE", errorCode, millis,
              readOnly());
      long auditStart = System.nanoTime();
      warehouse.append(Table.AUDIT, warehouse.spark().createDataFrame(List.of(row), Table.AUDIT.schema()));
      LOG.debug("audit record written in {} ms", (System.nanoTime() - auditStart) / 1_000_000);
    } catch (RuntimeException e) {
      LOG.warn("Could not write the audit record of {}: {}", spec.name(), e.toString());
    }
  }
}
