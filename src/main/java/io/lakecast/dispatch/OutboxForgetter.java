package io.lakecast.dispatch;

import io.lakecast.LakecastErrors;
import io.lakecast.warehouse.EndpointForgetter;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The outbox's part of a deletion: drops the deleted endpoints' lines from the outbox files (the record of what was
 * sent holds their addresses). Files without such lines are left untouched.
 */
public final class OutboxForgetter implements EndpointForgetter {
  private final String root;
  private final Configuration hadoop;

  /** @param root the outbox root ({@code spark.lakecast.sender.outbox.path}, or the warehouse's outbox) */
  public OutboxForgetter(String root, Configuration hadoop) {
    this.root = root;
    this.hadoop = hadoop;
  }

  @Override
  public void forget(String applicationId, List<String> endpointIds, List<String> addresses) {
    if (endpointIds.isEmpty()) {
      return;
    }
    try {
      Path rootPath = new Path(root);
      FileSystem fs = rootPath.getFileSystem(hadoop);
      if (!fs.exists(rootPath)) {
        return;
      }
      List<String> markers = endpointIds.stream().map(id -> "\"EndpointId\":\"" + id + "\"").toList();
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(rootPath, true);
      while (files.hasNext()) {
        Path f = files.next().getPath();
        if (f.getName().endsWith(".ndjson")) {
          rewriteWithout(fs, f, markers);
        }
      }
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("rewrite the outbox under", root, e);
    }
  }

  private static void rewriteWithout(FileSystem fs, Path f, List<String> markers) throws IOException {
    List<String> kept = new ArrayList<>();
    boolean changed = false;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(f), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        String l = line;
        if (markers.stream().anyMatch(l::contains)) {
          changed = true;
        } else {
          kept.add(line);
        }
      }
    }
    if (changed) {
      fs.setWriteChecksum(false);
      try (Writer w = new OutputStreamWriter(fs.create(f, true), StandardCharsets.UTF_8)) {
        for (String line : kept) {
          w.write(line);
          w.write('\n');
        }
      }
    }
  }
}
