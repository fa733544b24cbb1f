package io.lakecast.warehouse;

import static org.assertj.core.api.Assertions.assertThat;

import io.delta.tables.DeltaTable;
import io.lakecast.imports.ImportEndpointsJob;
import io.lakecast.model.JobShapes.ImportJobRequest;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoints table carries its Parquet writer settings as table properties, so every job's writes use them, and a
 * table created by an earlier Lakecast gains them on first use; the jobs table is checkpointed seldom.
 */
class WriterPropertiesTest {
  @TempDir static Path root;
  static SparkSession spark;

  @BeforeAll
  static void session() {
    spark = SparkTestSession.withWarehouse(root.resolve("warehouse"));
  }

  /** Encodings of each column chunk of the first data file under {@code dir}, by column path. */
  static Map<String, java.util.Set<Encoding>> encodings(Path dir) throws IOException {
    Path file;
    try (Stream<Path> files = Files.walk(dir)) {
      file = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    Map<String, java.util.Set<Encoding>> out = new HashMap<>();
    try (ParquetFileReader reader = ParquetFileReader.open(
        HadoopInputFile.fromPath(new org.apache.hadoop.fs.Path(file.toUri()), new Configuration()))) {
      for (ColumnChunkMetaData c : reader.getFooter().getBlocks().get(0).getColumns()) {
        out.put(c.getPath().toDotString(), c.getEncodings());
      }
    }
    return out;
  }

  static boolean dictionary(java.util.Set<Encoding> encodings) {
    return encodings.contains(Encoding.PLAIN_DICTIONARY) || encodings.contains(Encoding.RLE_DICTIONARY);
  }

  @Test
  void importedEndpointsStoreUniqueColumnsWithoutADictionaryAndEnumsWithOne() throws IOException {
    String app = Cli.createApp("writer-properties");
    Path csv = root.resolve("endpoints.csv");
    // Five users with ten endpoints each, a user's on one address: Address and User.UserId repeat, so a dictionary
    // would take them (unique values fall back to plain encoding with or without one; Id and RecordHash only show
    // that nothing sets one back on).
    StringBuilder text = new StringBuilder("Id,ChannelType,Address,User.UserId\n");
    for (int i = 0; i < 50; i++) {
      text.append("e").append(i).append(",EMAIL,u").append(i % 5).append("@example.com,user-").append(i % 5)
          .append('\n');
    }
    Files.writeString(csv, text);
    Warehouse warehouse = Warehouse.of(spark);
    new ImportEndpointsJob(warehouse, new ImportEndpointsJob.Options(app,
        new ImportJobRequest(null, null, Format.CSV, true, null, csv.toUri().toString(), null, null))).run();

    Map<String, java.util.Set<Encoding>> encodings =
        encodings(root.resolve("warehouse/endpoints/ApplicationId=" + app));
    for (String unique : List.of("Id", "Address", "RecordHash", "User.UserId")) {
      assertThat(dictionary(encodings.get(unique))).as(unique + " " + encodings.get(unique)).isFalse();
    }
    assertThat(dictionary(encodings.get("ChannelType"))).as("ChannelType " + encodings.get("ChannelType")).isTrue();
  }

  @Test
  void anEndpointsTableFromAnEarlierVersionGainsTheWriterProperties() throws IOException {
    String old = "file:" + root.resolve("old");
    DeltaTable.create(spark).location(old + "/endpoints").addColumns(Table.ENDPOINTS.schema())
        .partitionedBy("ApplicationId").execute();
    Warehouse warehouse = new Warehouse(spark, old);
    warehouse.ensure(Table.ENDPOINTS);

    Map<String, String> properties = DeltaTable.forPath(spark, old + "/endpoints").detail()
        .select("properties").first().getJavaMap(0);
    assertThat(properties).containsAllEntriesOf(Table.ENDPOINTS.properties());
    assertThat(warehouse.read(Table.ENDPOINTS).schema()).isEqualTo(Table.ENDPOINTS.schema());
  }

  @Test
  void theJobsTableIsCheckpointedEveryHundredCommitsNotEveryTen() {
    Warehouse warehouse = new Warehouse(spark, "file:" + root.resolve("jobs-checkpoints"));
    warehouse.ensure(Table.JOBS);
    for (int i = 0; i < 10; i++) {
      warehouse.append(Table.JOBS, spark.createDataFrame(
          List.of(org.apache.spark.sql.RowFactory.create(new Object[Table.JOBS.schema().size()])),
          Table.JOBS.schema()));
    }
    Path log = root.resolve("jobs-checkpoints").resolve("jobs").resolve("_delta_log");
    assertThat(log.resolve(String.format("%020d.json", 10))).as("the tenth append's commit").exists();
    assertThat(log.resolve(String.format("%020d.checkpoint.parquet", 10))).as("no checkpoint at version 10")
        .doesNotExist();
    Map<String, String> properties = DeltaTable.forPath(spark, log.getParent().toString()).detail()
        .select("properties").first().getJavaMap(0);
    assertThat(properties).containsEntry("delta.checkpointInterval", "100");
  }
}
