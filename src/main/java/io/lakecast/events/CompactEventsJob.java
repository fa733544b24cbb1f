package io.lakecast.events;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.FaultPoints;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.EventShapes.CompactEventsResult;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * compact-events (Lakecast's): merges the small files of each of an application's event partitions (one per date)
 * into files of about {@code spark.lakecast.events.compactFileMB}, without changing what a reader sees: the same
 * events before and after. Every ingestion appends files, so a store fed by daily runs and PutEvents calls gathers
 * many small ones; readers (KPIs, segments, stream-events) then spend their time opening files.
 *
 * <p>Per partition with more data files than its size needs: the files it holds now (its manifest) are read and written, merged,
 * to a staging folder with the manifest beside them and a {@code _DONE} marker written last; the merged files are
 * then renamed into the partition and the manifest's files deleted. A file appended meanwhile is not in the
 * manifest and stays. Killed at any point and run again, the job first finishes every partition whose staging is
 * marked done (merged files already moved are not moved twice, files already deleted are not looked for) and drops
 * unmarked staging. Between a partition's rename and its last deletion (milliseconds on a file system that renames
 * atomically) a reader could see that partition's events twice: run it when nothing reads the store, such as after
 * the day's stream-events.
 */
public final class CompactEventsJob {
  private static final Logger LOG = LoggerFactory.getLogger(CompactEventsJob.class);

  /** Which application's event partitions to compact. */
  public record Options(String applicationId) {}

  private final Warehouse warehouse;

  public CompactEventsJob(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  public CompactEventsResult run(Options options) {
    String appId = options.applicationId();
    new AppCatalog(warehouse).require(appId);
    long target = LakecastConf.from(warehouse.spark()).eventsCompactFileBytes();
    String stagingRoot = warehouse.staging("compact-events/app=" + appId);
    Path appDir = new Path(warehouse.path(Table.EVENTS) + "/app_id=" + appId);
    FileSystem fs = fileSystem(appDir);
    try {
      // What an earlier, killed run left: finish what it had staged completely, drop the rest.
      Path stagingPath = new Path(stagingRoot);
      if (fs.exists(stagingPath)) {
        for (FileStatus staged : fs.listStatus(stagingPath)) {
          Path partition = new Path(appDir, staged.getPath().getName());
          if (fs.exists(new Path(staged.getPath(), "_DONE"))) {
            LOG.info("compact-events {}: finishing {} from an earlier run", appId, partition.getName());
            finish(fs, partition, staged.getPath());
          } else {
            fs.delete(staged.getPath(), true);
          }
        }
      }
      long partitions = 0;
      long before = 0;
      long after = 0;
      long events = 0;
      FileStatus[] dates = fs.exists(appDir) ? fs.listStatus(appDir, p -> p.getName().startsWith("event_date="))
          : new FileStatus[0];
      Arrays.sort(dates);
      for (FileStatus date : dates) {
        List<FileStatus> files = dataFiles(fs, date.getPath());
        long bytes = files.stream().mapToLong(FileStatus::getLen).sum();
        int merged = (int) Math.max(1, (bytes + target - 1) / target);
        if (files.size() <= merged) {
          continue;
        }
        Path staging = new Path(stagingRoot, date.getPath().getName());
        fs.delete(staging, true);
        Dataset<Row> rows = warehouse.spark().read().schema(fileSchema())
            .parquet(files.stream().map(f -> f.getPath().toString()).toArray(String[]::new));
        rows.coalesce(merged).write().parquet(new Path(staging, "data").toString());
        try (var out = fs.create(new Path(staging, "manifest"), true)) {
          out.write(String.join("\n", files.stream().map(f -> f.getPath().getName()).toList())
              .getBytes(StandardCharsets.UTF_8));
        }
        long n = warehouse.spark().read().parquet(new Path(staging, "data").toString()).count();
        fs.create(new Path(staging, "_DONE"), true).close();
        FaultPoints.reach("compact.after-staging");
        finish(fs, date.getPath(), staging);
        partitions++;
        before += files.size();
        after += merged;
        events += n;
        LOG.info("compact-events {}: {} merged, {} file(s) of {} bytes into {} ({} events)", appId,
            date.getPath().getName(), files.size(), bytes, merged, n);
      }
      fs.delete(stagingPath, true);
      LOG.info("compact-events {}: {} partition(s) compacted, {} file(s) into {}, {} events", appId, partitions,
          before, after, events);
      return new CompactEventsResult(appId, partitions, before, after, events);
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("compact events under", appDir.toString(), e);
    }
  }

  /** Moves the staged merged files into the partition, deletes the manifest's files, then the staging. */
  private static void finish(FileSystem fs, Path partition, Path staging) throws IOException {
    for (FileStatus f : dataFiles(fs, new Path(staging, "data"))) {
      if (!fs.rename(f.getPath(), new Path(partition, f.getPath().getName()))) {
        throw new IOException("could not move " + f.getPath() + " into " + partition);
      }
    }
    FaultPoints.reach("compact.after-move");
    String manifest;
    try (var in = fs.open(new Path(staging, "manifest"))) {
      manifest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    for (String name : manifest.split("\n")) {
      fs.delete(new Path(partition, name), false);
    }
    fs.delete(new Path(staging, "_DONE"), false);
    fs.delete(staging, true);
  }

  /** The Parquet data files directly in a folder (not markers, checksums or hidden files). */
  private static List<FileStatus> dataFiles(FileSystem fs, Path dir) throws IOException {
    List<FileStatus> out = new ArrayList<>();
    if (!fs.exists(dir)) {
      return out;
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (f.isFile() && name.endsWith(".parquet") && !name.startsWith("_") && !name.startsWith(".")) {
        out.add(f);
      }
    }
    return out;
  }

  /** The store's columns as its files hold them: without the partition columns. */
  private static StructType fileSchema() {
    List<String> partitionColumns = Table.EVENTS.partitionColumns();
    return new StructType(Arrays.stream(Table.EVENTS.schema().fields())
        .filter(f -> !partitionColumns.contains(f.name())).toArray(StructField[]::new));
  }

  private FileSystem fileSystem(Path p) {
    try {
      return p.getFileSystem(warehouse.spark().sparkContext().hadoopConfiguration());
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("open", p.toString(), e);
    }
  }
}
