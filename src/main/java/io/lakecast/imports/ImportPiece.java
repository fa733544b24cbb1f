package io.lakecast.imports;

import io.lakecast.LakecastErrors;
import io.lakecast.model.PinpointEnums.Format;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A byte range of an import file that one Spark task parses: {@code [start, end)} beginning at physical line
 * {@code firstLine} (1-based). A large uncompressed file is split at record boundaries so that its records are
 * parsed in parallel with exact line numbers; a compressed or small file is one piece ({@code end = -1}: to EOF).
 *
 * <p>Splitting scans the file once on the driver: for CSV it tracks RFC 4180 quoting, so a split never falls
 * inside a quoted value that spans lines. The CSV header, read from the file's first record, travels with every
 * piece.
 */
public record ImportPiece(String file, long start, long end, long firstLine, List<String> header)
    implements Serializable {

  /** The whole file as one piece. */
  static ImportPiece whole(String file) {
    return new ImportPiece(file, 0, -1, 1, null);
  }

  boolean isFirst() {
    return start == 0;
  }

  /** Splits each file into pieces of about {@code splitBytes} (at least one piece per file). */
  public static List<ImportPiece> plan(List<String> files, Format format, long splitBytes, Configuration conf) {
    return plan(files, format, splitBytes, 1, conf);
  }

  /**
   * As above, a large file cut into a multiple of {@code slots} (the cores that parse) pieces of at most
   * {@code splitBytes}, so that no core idles through the last round: 11 pieces on 2 cores leave one core idle for
   * a whole piece, 12 slightly smaller ones do not.
   */
  public static List<ImportPiece> plan(
      List<String> files, Format format, long splitBytes, int slots, Configuration conf) {
    List<ImportPiece> pieces = new ArrayList<>();
    for (String file : files) {
      try {
        Path p = new Path(file);
        FileSystem fs = p.getFileSystem(conf);
        long size = fs.getFileStatus(p).getLen();
        if (file.toLowerCase(Locale.ROOT).endsWith(".gz") || size <= splitBytes) {
          pieces.add(whole(file));
        } else {
          long count = (size + splitBytes - 1) / splitBytes;
          count = (count + slots - 1) / slots * slots;
          pieces.addAll(split(file, format, size, (size + count - 1) / count, fs, p));
        }
      } catch (IOException e) {
        // The task reading it reports the file as an unreadable piece, with the other files still imported.
        pieces.add(whole(file));
      }
    }
    return pieces;
  }

  private static List<ImportPiece> split(
      String file, Format format, long size, long splitBytes, FileSystem fs, Path p) throws IOException {
    List<String> header = format == Format.CSV ? header(fs, p) : null;
    List<ImportPiece> pieces = new ArrayList<>();
    long start = 0;
    long firstLine = 1;
    long line = 1;
    long next = splitBytes;
    boolean quoted = false;
    long pos = 0;
    try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 20)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++, pos++) {
          byte b = buf[i];
          if (b == '"' && format == Format.CSV) {
            quoted = !quoted;
          } else if (b == '\n') {
            line++;
            if (!quoted && pos + 1 >= next && pos + 1 < size) {
              pieces.add(new ImportPiece(file, start, pos + 1, firstLine, header));
              start = pos + 1;
              firstLine = line;
              next = start + splitBytes;
            }
          }
        }
      }
    }
    pieces.add(new ImportPiece(file, start, -1, firstLine, header));
    return pieces;
  }

  private static List<String> header(FileSystem fs, Path p) throws IOException {
    try (CSVParser parser =
        CSVParser.parse(new InputStreamReader(fs.open(p), StandardCharsets.UTF_8), CSVFormat.RFC4180)) {
      for (CSVRecord r : parser) {
        return r.toList();
      }
    }
    throw LakecastErrors.importSourceEmpty(p.toString(), "CSV");
  }
}
