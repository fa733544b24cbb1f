package io.lakecast.imports;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.endpoints.EndpointParser;
import io.lakecast.model.PinpointEnums.Format;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Splitting a large file into pieces parses exactly the records, with exactly the line numbers, of one piece; read
 * through the import data source, with rejects as rows or written aside.
 */
class ImportPieceTest {
  @TempDir Path dir;
  final Configuration conf = new Configuration();
  final SparkSession spark = SparkTestSession.get();

  @Test
  void csvSplitsNeverCutAQuotedValueSpanningLines() throws Exception {
    StringBuilder csv = new StringBuilder("\uFEFFId,ChannelType,Address,Attributes.Note\n");
    List<Long> expectedLines = new ArrayList<>();
    long line = 2;
    for (int i = 0; i < 400; i++) {
      expectedLines.add(line);
      if (i % 7 == 0) {
        csv.append("e").append(i).append(",EMAIL,e").append(i).append("@example.com,\"two\nlines, \"\"quoted\"\"\"\n");
        line += 2;
      } else if (i == 250) {
        csv.append("e").append(i).append(",FAX,e").append(i).append("@example.com,x\n");
        line += 1;
      } else {
        csv.append("e").append(i).append(",EMAIL,e").append(i).append("@example.com,plain\n");
        line += 1;
      }
    }
    Path file = dir.resolve("big.csv");
    Files.writeString(file, csv.toString());

    List<ImportPiece> pieces = ImportPiece.plan(List.of(file.toUri().toString()), Format.CSV, 1024, conf);
    assertThat(pieces.size()).as("pieces").isGreaterThan(5);
    List<Row> split = readAll(pieces, Format.CSV);
    List<Row> whole = readAll(List.of(ImportPiece.whole(file.toUri().toString())), Format.CSV);

    assertThat(split).hasSize(400);
    assertThat(split.stream().map(r -> r.<Long>getAs("line")).toList()).isEqualTo(expectedLines);
    assertThat(split.stream().map(r -> r.<String>getAs("Id")).toList())
        .isEqualTo(whole.stream().map(r -> r.<String>getAs("Id")).toList());
    Row fax = split.stream().filter(r -> "INVALID_ENUM".equals(r.getAs("reason"))).findFirst().orElseThrow();
    assertThat(fax.<Long>getAs("line")).isEqualTo(expectedLines.get(250));
    assertThat(split.stream().filter(r -> r.getAs("reason") != null).count()).isEqualTo(1);
    Row quoted = split.stream().filter(r -> "e7".equals(r.getAs("Id"))).findFirst().orElseThrow();
    assertThat(quoted.<scala.collection.Map<String, scala.collection.Seq<String>>>getAs("Attributes").apply("Note")
        .apply(0)).isEqualTo("two\nlines, \"quoted\"");

    String aside = dir.resolve("rejects").toUri().toString();
    List<Row> accepted = records(pieces, Format.CSV, aside).collectAsList();
    assertThat(accepted).as("with rejects written aside, only accepted records flow on").hasSize(399)
        .allMatch(r -> r.getAs("reason") == null);
    List<Row> rejects = ImportRecords.rejectsAside(spark, aside).collectAsList();
    assertThat(rejects).hasSize(1);
    assertThat(rejects.get(0).<String>getAs("reason")).isEqualTo("INVALID_ENUM");
    assertThat(rejects.get(0).<Long>getAs("line")).isEqualTo(expectedLines.get(250));
    assertThat(rejects.get(0).<String>getAs("raw")).contains("FAX");
  }

  @Test
  void ndjsonSplitsAtLines() throws Exception {
    StringBuilder json = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      json.append("{\"Id\":\"e").append(i).append("\",\"ChannelType\":\"SMS\",\"Address\":\"+1206555")
          .append(String.format("%04d", i)).append("\"}\n");
      if (i % 50 == 0) {
        json.append("\n");
      }
    }
    Path file = dir.resolve("big.ndjson");
    Files.writeString(file, json.toString());
    List<ImportPiece> pieces = ImportPiece.plan(List.of(file.toUri().toString()), Format.JSON, 2048, conf);
    assertThat(pieces.size()).isGreaterThan(3);
    List<Row> rows = readAll(pieces, Format.JSON);
    assertThat(rows).hasSize(300);
    assertThat(rows.stream().filter(r -> r.getAs("reason") != null)).isEmpty();
    Row last = rows.get(rows.size() - 1);
    assertThat(last.<String>getAs("Id")).isEqualTo("e299");
    assertThat(last.<Long>getAs("line")).as("300 records + 6 blank lines").isEqualTo(306);

    for (int slots : new int[] {2, 3}) {
      List<ImportPiece> balanced =
          ImportPiece.plan(List.of(file.toUri().toString()), Format.JSON, 2048, slots, conf);
      assertThat(balanced.size() % slots).as("pieces for " + slots + " cores").isZero();
      assertThat(readAll(balanced, Format.JSON)).extracting(r -> r.<Long>getAs("line"))
          .isEqualTo(rows.stream().map(r -> r.<Long>getAs("line")).toList());
    }
  }

  @Test
  void anUnreadableFileIsOnePieceThatReportsItself() {
    List<ImportPiece> pieces =
        ImportPiece.plan(List.of(dir.resolve("missing.csv").toUri().toString()), Format.CSV, 1024, conf);
    List<Row> rows = readAll(pieces, Format.CSV);
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).<String>getAs("reason")).isEqualTo("PIECE_UNREADABLE");
    assertThat(rows.get(0).<String>getAs("message")).contains("missing.csv");
  }

  private List<Row> readAll(List<ImportPiece> pieces, Format format) {
    return records(pieces, format, null).collectAsList();
  }

  private Dataset<Row> records(List<ImportPiece> pieces, Format format, String rejectsDir) {
    return ImportRecords.read(spark, new ImportRecords.Plan(format, pieces, 1000, EndpointParser.Limits.PINPOINT,
        false, rejectsDir));
  }
}
