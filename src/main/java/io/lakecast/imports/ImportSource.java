package io.lakecast.imports;

import io.lakecast.conf.FaultPoints;
import io.lakecast.endpoints.RejectReason;
import io.lakecast.endpoints.EndpointRows;
import io.lakecast.endpoints.EndpointParser;
import io.lakecast.LakecastErrors;
import io.lakecast.model.PinpointEnums.Format;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The files of an import: listing them under a Hadoop URI (a file, or a folder with subfolders, only files of the
 * requested format) and reading one piece of a file into parsed rows with 1-based line numbers. Reading runs in
 * executor tasks (through {@link ImportRecords}), one piece per task, streaming (a file is never held in memory
 * whole).
 */
public final class ImportSource {
  private ImportSource() {}

  /** Whether a file name is of the format (plain or gzip-compressed). */
  public static boolean matchesFormat(String name, Format format) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".gz")) {
      n = n.substring(0, n.length() - 3);
    }
    return format == Format.CSV
        ? n.endsWith(".csv")
        : n.endsWith(".json") || n.endsWith(".ndjson") || n.endsWith(".jsonl");
  }

  /** The files to import, sorted by path (file order decides which duplicate Id wins); none is an error. */
  public static List<String> list(String url, Format format, Configuration conf) {
    List<String> files = listOrEmpty(url, format, conf);
    if (files.isEmpty()) {
      throw LakecastErrors.importSourceEmpty(url, format.name());
    }
    return files;
  }

  /** The files to import, sorted by path; none when the location is missing or holds no file of the format. */
  public static List<String> listOrEmpty(String url, Format format, Configuration conf) {
    Path root = new Path(url);
    try {
      FileSystem fs = root.getFileSystem(conf);
      FileStatus status;
      try {
        status = fs.getFileStatus(root);
      } catch (java.io.FileNotFoundException e) {
        return List.of();
      }
      List<String> files = new ArrayList<>();
      if (status.isFile()) {
        files.add(status.getPath().toString());
      } else {
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
          LocatedFileStatus f = it.next();
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith(".") && !name.startsWith("_") && matchesFormat(name, format)) {
            files.add(f.getPath().toString());
          }
        }
      }
      files.sort(String::compareTo);
      return files;
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("list", url, e);
    }
  }

  /**
   * Reads one piece lazily into Spark internal rows of {@link EndpointParser#PARSED_SCHEMA}. A file that cannot be
   * opened or read to its end yields one PIECE_UNREADABLE row (after the rows read before the failure). Without
   * {@code defineSegment}, a record holding only User.UserId is rejected: outside an imported segment it would do
   * nothing. With {@code allNew} (the application has no endpoints), a record with an Id creates an endpoint and is
   * held to the rule for new endpoints. With {@code keys}, each accepted record's {@link RecordKeys} are gathered
   * there.
   */
  public static Iterator<InternalRow> read(
      ImportPiece piece, Format format, Configuration conf, int rawMaxChars, EndpointParser.Limits limits,
      boolean defineSegment, boolean allNew, RecordKeys keys) {
    return new FileRows(piece, format, conf, rawMaxChars, limits, defineSegment, allNew, keys);
  }

  /** The lazy row iterator over one piece. */
  private static final class FileRows implements Iterator<InternalRow> {
    private final ImportPiece piece;
    private final String file;
    private final Format format;
    private final Configuration conf;
    private final int rawMaxChars;
    private final EndpointParser.Limits limits;
    private final boolean defineSegment;
    private final boolean allNew;
    private final RecordKeys keys;
    private final CSVFormat csv = CSVFormat.RFC4180;
    private Reader reader;
    private BufferedReader lines;
    private CsvReader records;
    private EndpointParser.CsvHeader header;
    private long headerHash;
    private long line;
    private InternalRow next;
    private boolean done;

    FileRows(ImportPiece piece, Format format, Configuration conf, int rawMaxChars, EndpointParser.Limits limits,
        boolean defineSegment, boolean allNew, RecordKeys keys) {
      FaultPoints.reach("import.during-parsing");
      this.allNew = allNew;
      this.keys = keys;
      this.piece = piece;
      this.file = piece.file();
      this.line = piece.firstLine() - 1;
      this.format = format;
      this.conf = conf;
      this.rawMaxChars = rawMaxChars;
      this.limits = limits;
      this.defineSegment = defineSegment;
    }

    @Override
    public boolean hasNext() {
      if (next == null && !done) {
        try {
          next = advance();
        } catch (IOException | RuntimeException e) {
          next = failure(e);
          finish();
        }
      }
      return next != null;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      InternalRow r = next;
      next = null;
      return r;
    }

    private InternalRow advance() throws IOException {
      if (reader == null) {
        reader = open(piece, conf);
        if (piece.header() != null && !piece.isFirst()) {
          useHeader(piece.header());
        }
        if (format == Format.JSON) {
          lines = new BufferedReader(reader, 1 << 16);
        } else {
          records = new CsvReader(reader, piece.firstLine());
        }
      }
      return format == Format.JSON ? nextJson() : nextCsv();
    }

    private void useHeader(List<String> names) {
      header = EndpointParser.CsvHeader.of(names);
      long h = EndpointParser.FNV_OFFSET;
      for (String n : header.columns()) {
        h = EndpointParser.recordHash(h, n);
      }
      headerHash = h;
    }

    private InternalRow nextJson() throws IOException {
      String text;
      while ((text = lines.readLine()) != null) {
        line++;
        if (!text.isBlank()) {
          EndpointParser.Parsed parsed = checked(EndpointParser.parseJson(text));
          // The raw record is kept for rejects only: accepted rows need not carry it.
          String raw = parsed.rejection() == null ? null : truncate(text, rawMaxChars);
          return EndpointRows.internal(file, line, raw, EndpointParser.recordHash(EndpointParser.FNV_OFFSET, text),
              parsed);
        }
      }
      finish();
      return null;
    }

    private InternalRow nextCsv() {
      while (true) {
        List<String> cells;
        try {
          cells = records.next();
        } catch (CsvReader.Malformed e) {
          finish();
          long at = records.recordLine();
          return EndpointRows.internal(file, at, null, 0,
              reject(RejectReason.MALFORMED_CSV, "Cannot parse CSV from line " + at + ": " + e.getMessage()));
        }
        if (cells == null) {
          finish();
          return null;
        }
        long startLine = records.recordLine();
        if (header == null) {
          useHeader(cells);
          continue;
        }
        EndpointParser.Parsed parsed = checked(EndpointParser.parseCsv(header, cells));
        String raw = parsed.rejection() == null ? null : truncate(csv.format(cells.toArray()), rawMaxChars);
        long hash = headerHash;
        for (String cell : cells) {
          hash = EndpointParser.recordHash(hash, cell);
        }
        return EndpointRows.internal(file, startLine, raw, hash, parsed);
      }
    }

    /** The attribute limits, and user references outside an imported segment rejected. */
    private EndpointParser.Parsed checked(EndpointParser.Parsed parsed) {
      EndpointParser.Parsed p = EndpointParser.checkLimits(parsed, limits);
      if (!defineSegment && p.item() != null && EndpointParser.isUserReference(p.item())) {
        return reject(RejectReason.MISSING_CHANNEL_TYPE, "A record with only User.UserId adds that user's endpoints"
            + " to an imported segment; set DefineSegment, or give ChannelType and Address to create an endpoint");
      }
      if (allNew && p.item() != null && EndpointParser.lacksChannelOrAddress(p.item())) {
        return EndpointParser.requireChannelAndAddress(p.item(),
            "Id '" + p.item().id() + "' is not an endpoint of the application");
      }
      if (keys != null && p.item() != null) {
        String id = EndpointParser.endpointId(p.item());
        if (id != null) {
          keys.add(p.item(), id);
        }
      }
      return p;
    }

    private InternalRow failure(Exception e) {
      String detail = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      return EndpointRows.internal(
          file, 0, null, 0, reject(RejectReason.PIECE_UNREADABLE, "Cannot read " + file + ": " + detail));
    }

    private void finish() {
      done = true;
      try {
        if (reader != null) {
          reader.close();
        }
      } catch (IOException ignored) {
        // closing a read-only stream: nothing to lose
      }
    }
  }

  private static EndpointParser.Parsed reject(RejectReason reason, String message) {
    return new EndpointParser.Parsed(null, new EndpointParser.Rejection(reason, message));
  }

  private static Reader open(ImportPiece piece, Configuration conf) throws IOException {
    String file = piece.file();
    Path p = new Path(file);
    org.apache.hadoop.fs.FSDataInputStream raw = p.getFileSystem(conf).open(p);
    InputStream in = raw;
    if (piece.start() > 0) {
      raw.seek(piece.start());
    }
    if (piece.end() >= 0) {
      in = new BoundedInputStream(raw, piece.end() - piece.start());
    }
    if (file.toLowerCase(Locale.ROOT).endsWith(".gz")) {
      in = new GZIPInputStream(in, 1 << 16);
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }

  /** Reads at most {@code remaining} bytes of a stream. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      super(in);
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }

  static String truncate(String s, int max) {
    return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
  }
}
