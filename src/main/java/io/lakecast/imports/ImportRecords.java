package io.lakecast.imports;

import io.lakecast.endpoints.EndpointParser;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.HadoopConf;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.catalog.SupportsRead;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableProvider;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.connector.read.ScanBuilder;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * The import's records as a Spark data source (DataSource V2): one task per {@link ImportPiece}, each parsing its
 * piece into rows of {@link EndpointParser#PARSED_SCHEMA} built directly in Spark's internal form. That is what makes
 * an import cost about as much as Spark's own CSV reader: no JSON in between, no conversion of nested Java rows.
 *
 * <p>With a {@link Plan#rejectsDir()}, rejected records do not flow on as rows: each task writes its piece's rejects
 * as NDJSON ({@link #REJECT_SCHEMA}) into that folder, so that one pass can write the accepted endpoints to Delta
 * and keep every reject. Without it, rejects are rows with {@code reason} set.
 */
public final class ImportRecords implements TableProvider {
  private static final String PLAN = "plan";

  /** The columns of a reject file written aside. */
  public static final StructType REJECT_SCHEMA = new StructType().add("source", "string").add("line", "long")
      .add("reason", "string").add("message", "string").add("raw", "string");

  /**
   * What to read, and how.
   *
   * @param allNew whether the application has no endpoints, so that every record creates one (see
   *     {@link #forEmptyApplication()})
   * @param rejectsDir where tasks write rejected records, or null to keep them as rows
   * @param keys the token of a registered accumulator that gathers the accepted records' {@link RecordKeys} (see
   *     {@link #gathering}), or null
   */
  public record Plan(Format format, List<ImportPiece> pieces, int rawMaxChars, EndpointParser.Limits limits,
      boolean defineSegment, boolean allNew, String rejectsDir, String keys) implements java.io.Serializable {
    public Plan(Format format, List<ImportPiece> pieces, int rawMaxChars, EndpointParser.Limits limits,
        boolean defineSegment, String rejectsDir) {
      this(format, pieces, rawMaxChars, limits, defineSegment, false, rejectsDir, null);
    }

    Plan withKeys(String token) {
      return new Plan(format, pieces, rawMaxChars, limits, defineSegment, allNew, rejectsDir, token);
    }

    /**
     * The plan for an application that has no endpoints: every record creates one, so a record with an Id is held
     * to the rule for new endpoints as the parser reads it.
     */
    Plan forEmptyApplication() {
      return new Plan(format, pieces, rawMaxChars, limits, defineSegment, true, rejectsDir, keys);
    }
  }

  /**
   * Accumulators that reads gather keys into, by token. An accumulator must reach the tasks serialized exactly once
   * from the instance registered on the driver (Spark's rule), so it cannot travel in the string options: the
   * driver-side scan looks it up here when it builds the tasks' reader factory.
   */
  private static final Map<String, RecordKeys> GATHERING = new java.util.concurrent.ConcurrentHashMap<>();

  /** Runs {@code read} with {@code keys} (registered) reachable from plans carrying the returned token. */
  static <T> T gathering(RecordKeys keys, java.util.function.Function<String, T> read) {
    String token = java.util.UUID.randomUUID().toString();
    GATHERING.put(token, keys);
    try {
      return read.apply(token);
    } finally {
      GATHERING.remove(token);
    }
  }

  /** The records of the plan's pieces. */
  public static Dataset<Row> read(SparkSession spark, Plan plan) {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var out = new java.io.ObjectOutputStream(bytes)) {
      out.writeObject(plan);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Options are strings: the plan travels Java-serialized, Base64-encoded.
    return spark.read().format(ImportRecords.class.getName())
        .option(PLAN, java.util.Base64.getEncoder().encodeToString(bytes.toByteArray())).load();
  }

  /** The rejects that tasks wrote aside under {@code rejectsDir} (none when the folder was never created). */
  public static Dataset<Row> rejectsAside(SparkSession spark, String rejectsDir) {
    Path dir = new Path(rejectsDir);
    try {
      FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(dir)) {
        return spark.createDataFrame(List.of(), REJECT_SCHEMA);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return spark.read().schema(REJECT_SCHEMA).json(rejectsDir);
  }

  @Override
  public StructType inferSchema(CaseInsensitiveStringMap options) {
    return EndpointParser.PARSED_SCHEMA;
  }

  @Override
  public Table getTable(StructType schema, Transform[] partitioning, Map<String, String> properties) {
    byte[] bytes = java.util.Base64.getDecoder().decode(properties.get(PLAN));
    try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes))) {
      return new RecordsTable((Plan) in.readObject());
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalArgumentException("Unreadable import plan", e);
    }
  }

  private record RecordsTable(Plan plan) implements Table, SupportsRead {
    @Override
    public String name() {
      return "import records";
    }

    @Override
    public StructType schema() {
      return EndpointParser.PARSED_SCHEMA;
    }

    @Override
    public Set<TableCapability> capabilities() {
      return Set.of(TableCapability.BATCH_READ);
    }

    @Override
    public ScanBuilder newScanBuilder(CaseInsensitiveStringMap options) {
      return () -> new RecordsScan(plan);
    }
  }

  private record RecordsScan(Plan plan) implements Scan, Batch {
    @Override
    public StructType readSchema() {
      return EndpointParser.PARSED_SCHEMA;
    }

    @Override
    public String description() {
      return "import of " + plan.pieces().size() + " " + plan.format() + " piece(s)";
    }

    @Override
    public Batch toBatch() {
      return this;
    }

    @Override
    public InputPartition[] planInputPartitions() {
      InputPartition[] out = new InputPartition[plan.pieces().size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = new PieceInput(i, plan.pieces().get(i));
      }
      return out;
    }

    @Override
    public PartitionReaderFactory createReaderFactory() {
      return new Readers(plan, plan.keys() == null ? null : GATHERING.get(plan.keys()),
          new HadoopConf(SparkSession.active().sparkContext().hadoopConfiguration()));
    }
  }

  private record PieceInput(int index, ImportPiece piece) implements InputPartition {}

  private record Readers(Plan plan, RecordKeys keys, HadoopConf hadoop) implements PartitionReaderFactory {
    @Override
    public PartitionReader<InternalRow> createReader(InputPartition partition) {
      PieceInput input = (PieceInput) partition;
      Iterator<InternalRow> rows = ImportSource.read(input.piece(), plan.format(), hadoop.get(), plan.rawMaxChars(),
          plan.limits(), plan.defineSegment(), plan.allNew(), keys);
      return new PieceReader(rows, plan.rejectsDir() == null ? null
          : new Path(plan.rejectsDir(), String.format("piece-%05d.json", input.index())), hadoop);
    }
  }

  /** Hands on a piece's rows; with a rejects file, writes rejected ones there instead. */
  private static final class PieceReader implements PartitionReader<InternalRow> {
    private final Iterator<InternalRow> rows;
    private final Path rejectsFile;
    private final HadoopConf hadoop;
    private BufferedWriter rejects;
    private InternalRow current;

    PieceReader(Iterator<InternalRow> rows, Path rejectsFile, HadoopConf hadoop) {
      this.rows = rows;
      this.rejectsFile = rejectsFile;
      this.hadoop = hadoop;
    }

    @Override
    public boolean next() throws IOException {
      while (rows.hasNext()) {
        current = rows.next();
        if (rejectsFile == null || current.isNullAt(2)) {
          return true;
        }
        writeAside(current);
      }
      return false;
    }

    private void writeAside(InternalRow r) throws IOException {
      if (rejects == null) {
        // Overwritten by a retried task, so a reject is never kept twice.
        rejects = new BufferedWriter(new OutputStreamWriter(
            rejectsFile.getFileSystem(hadoop.get()).create(rejectsFile, true), StandardCharsets.UTF_8));
      }
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("source", r.getUTF8String(0).toString());
      m.put("line", r.getLong(1));
      m.put("reason", r.getUTF8String(2).toString());
      m.put("message", r.isNullAt(3) ? null : r.getUTF8String(3).toString());
      m.put("raw", r.isNullAt(4) ? null : r.getUTF8String(4).toString());
      rejects.write(PinpointJson.compact(m));
      rejects.write('\n');
    }

    @Override
    public InternalRow get() {
      return current;
    }

    @Override
    public void close() throws IOException {
      if (rejects != null) {
        rejects.close();
      }
    }
  }
}
