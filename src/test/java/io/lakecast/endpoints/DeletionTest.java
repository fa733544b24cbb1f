package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deletion that really deletes: after delete-user-endpoints and purge, the user's addresses appear in no file
 * under the warehouse (tables, transaction logs, events, outbox), while everyone else's data stays. Parquet is
 * written uncompressed here so that a byte search cannot miss a compressed copy.
 */
class DeletionTest {
  static final String EMAIL = "zed.deleted@example.com";
  static final String PHONE = "+12065559999";
  @TempDir static Path warehouse;
  static SparkSession spark;
  static String appId;

  @BeforeAll
  static void audienceWithHistory() {
    spark = SparkTestSession.withWarehouse(warehouse);
    spark.conf().set("spark.sql.parquet.compression.codec", "uncompressed");
    appId = Cli.createApp("gdpr");
    String csv = "ChannelType,Address,User.UserId,Metrics.purchases\n"
        + "EMAIL," + EMAIL + ",zed,1\n"
        + "SMS," + PHONE + ",zed,1\n"
        + "EMAIL,keep.me@example.com,amy,1\n"
        + "SMS,+12065550111,amy,1\n"
        + "EMAIL," + EMAIL + ",zed,lots\n";
    Path file = warehouse.resolve("incoming.csv");
    try {
      Files.writeString(file, csv);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"" + file + "\",\"Format\":\"CSV\"}").ok();
    String segment = Cli.run("create-segment", "--application-id", appId, "--write-segment-request",
        "{\"Dimensions\":{}}").ok().at("/SegmentResponse/Id").asText();
    String campaign = Cli.run("create-campaign", "--application-id", appId, "--write-campaign-request",
        "{\"SegmentId\":\"" + segment + "\",\"Schedule\":{\"StartTime\":\"IMMEDIATE\"},"
            + "\"MessageConfiguration\":{\"DefaultMessage\":{\"Body\":\"hi\"}}}").ok()
        .at("/CampaignResponse/Id").asText();
    Cli.run("run-campaign", "--application-id", appId, "--campaign-id", campaign).ok();
    try {
      Files.delete(file);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @AfterAll
  static void restore() {
    spark.conf().unset("spark.sql.parquet.compression.codec");
  }

  @Test
  void afterDeleteAndPurgeTheAddressIsInNoFileAndOthersRemain() throws Exception {
    assertThat(filesContaining(EMAIL)).as("before: the address is stored").isNotEmpty();

    var deleted = Cli.run("delete-user-endpoints", "--application-id", appId, "--user-id", "zed").ok()
        .at("/EndpointsResponse/Item");
    assertThat(deleted).hasSize(2);
    var purge = Cli.run("purge", "--retention-hours", "0").ok();
    assertThat(purge.at("/PurgeResponse/Vacuumed").toString()).contains("endpoints", "import_rejects");

    assertThat(filesContaining(EMAIL)).as("files still holding " + EMAIL).isEmpty();
    assertThat(filesContaining(PHONE)).as("files still holding " + PHONE).isEmpty();

    assertThat(Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "zed").exitCode()).isEqualTo(1);
    assertThat(Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "amy").ok()
        .at("/EndpointsResponse/Item")).hasSize(2);
    var ledger = spark.read().format("delta").load(warehouse + "/send_ledger");
    assertThat(ledger.count()).as("ledger rows stay, so nothing is re-sent").isEqualTo(4);
    assertThat(ledger.filter(col("UserId").equalTo("zed")).filter(col("Address").isNotNull()).count()).isZero();
    assertThat(spark.read().parquet(warehouse + "/events").count()).as("amy's two events remain").isEqualTo(2);
    assertThat(filesContaining("keep.me@example.com")).as("other users' data stays").isNotEmpty();
  }

  static List<Path> filesContaining(String text) throws Exception {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> hits = new ArrayList<>();
    try (Stream<Path> files = Files.walk(warehouse)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (indexOf(Files.readAllBytes(f), needle) >= 0) {
          hits.add(warehouse.relativize(f));
        }
      }
    }
    return hits;
  }

  static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
