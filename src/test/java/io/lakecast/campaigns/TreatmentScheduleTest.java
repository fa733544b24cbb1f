package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A/B treatments on their own schedules (WriteTreatmentResource.Schedule): each occurrence sends only the treatments
 * whose schedule has it, the holdout goes with the default treatment, every endpoint is in exactly one run, and the
 * campaign is done when the last treatment is.
 */
class TreatmentScheduleTest {
  @TempDir static Path warehouse;
  static SparkSession spark;
  static Cli.Audience audience;

  @BeforeAll
  static void setUp() {
    spark = SparkTestSession.withWarehouse(warehouse);
    StringBuilder csv = new StringBuilder("Id,ChannelType,Address\n");
    for (int i = 0; i < 120; i++) {
      csv.append(String.format("e%03d,SMS,+1206555%04d%n", i, i));
    }
    audience = Cli.smsAudience(warehouse, "ab", csv.toString());
  }

  static String create(String treatmentSchedule) {
    return Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"HoldoutPercent\":10,"
            + "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"morning\"}},"
            + "\"Schedule\":{\"StartTime\":\"2030-09-01T10:00:00Z\"},"
            + "\"AdditionalTreatments\":[{\"SizePercent\":50,"
            + "\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"evening\"}},"
            + "\"Schedule\":" + treatmentSchedule + "}]}").ok().at("/CampaignResponse/Id").asText();
  }

  static Dataset<Row> ledger(String campaignId) {
    return spark.read().format("delta").load(warehouse.resolve("send_ledger").toString())
        .filter(col("CampaignId").equalTo(campaignId));
  }

  static String status(String campaignId) {
    return Cli.run("get-campaign", "--application-id", audience.appId(), "--campaign-id", campaignId).ok()
        .at("/CampaignResponse/State/CampaignStatus").asText();
  }

  @Test
  void eachOccurrenceSendsTheTreatmentsScheduledForIt() {
    String id = create("{\"StartTime\":\"2030-09-01T18:00:00Z\"}");

    JsonNode morning = audience.runCampaign(id, "2030-09-01T12:00:00Z");
    assertThat(morning.get("Runs")).hasSize(1);
    assertThat(morning.at("/Runs/0/ScheduledStart").asText()).isEqualTo("2030-09-01T10:00:00Z");
    assertThat(morning.at("/Runs/0/Activities")).hasSize(1);
    assertThat(morning.at("/Runs/0/Activities/0/TreatmentId").asText()).isEqualTo("0");
    assertThat(morning.at("/NextScheduledStart").asText()).isEqualTo("2030-09-01T18:00:00Z");
    assertThat(status(id)).isEqualTo("PENDING_NEXT_RUN");
    assertThat(ledger(id).filter(col("TreatmentId").equalTo("1")).count()).as("evening rows before 18:00").isZero();

    JsonNode evening = audience.runCampaign(id, "2030-09-01T19:00:00Z");
    assertThat(evening.get("Runs")).hasSize(1);
    assertThat(evening.at("/Runs/0/ScheduledStart").asText()).isEqualTo("2030-09-01T18:00:00Z");
    assertThat(evening.at("/Runs/0/Activities")).hasSize(1);
    assertThat(evening.at("/Runs/0/Activities/0/TreatmentId").asText()).isEqualTo("1");
    assertThat(status(id)).isEqualTo("COMPLETED");

    Dataset<Row> rows = ledger(id);
    assertThat(rows.count()).as("every endpoint once").isEqualTo(120);
    assertThat(rows.select("EndpointId").distinct().count()).isEqualTo(120);
    List<Row> byRun = rows.groupBy(col("ScheduledStart"), col("Arm"), col("TreatmentId")).count()
        .orderBy(col("ScheduledStart"), col("Arm"), col("TreatmentId")).collectAsList();
    assertThat(byRun).extracting(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2))
        .containsExactly("2030-09-01T10:00:00Z HOLDOUT null", "2030-09-01T10:00:00Z TREATMENT 0",
            "2030-09-01T18:00:00Z TREATMENT 1");
    assertThat(rows.filter(col("TreatmentId").equalTo("1")).count())
        .isEqualTo(evening.at("/Runs/0/Activities/0/TotalEndpointCount").asLong());
  }

  @Test
  void aTreatmentScheduleKeepsTheCampaignsLocalTimeAndQuietTime() {
    Cli.Run r = Cli.run("create-campaign", "--application-id", audience.appId(), "--write-campaign-request",
        "{\"SegmentId\":\"" + audience.segmentId() + "\",\"MessageConfiguration\":{\"SMSMessage\":{\"Body\":\"b\"}},"
            + "\"Schedule\":{\"StartTime\":\"2030-09-01T10:00:00Z\"},\"AdditionalTreatments\":[{\"SizePercent\":50,"
            + "\"Schedule\":{\"StartTime\":\"2030-09-01T18:00:00Z\",\"IsLocalTime\":true}}]}");
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).startsWith("BadRequestException: AdditionalTreatments[0].Schedule.IsLocalTime, Timezone or "
        + "QuietTime different from the campaign's in WriteCampaignRequest is not supported yet");
  }
}
