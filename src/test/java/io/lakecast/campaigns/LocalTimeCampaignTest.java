package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A local-time campaign (IsLocalTime) reads its 09:00 start in each endpoint's time zone and goes out in waves, one
 * per UTC offset; an endpoint without a valid zone uses the campaign's Timezone (UTC+05:30). On 2030-01-15 the waves
 * are 00:00Z (Tokyo), 03:30Z (the two without a valid zone) and 14:00Z (New York, UTC-5 in January).
 */
class LocalTimeCampaignTest {
  @TempDir static Path warehouse;
  static SparkSession spark;
  static Cli.Audience audience;

  @BeforeAll
  static void app() {
    spark = SparkTestSession.withWarehouse(warehouse);
    audience = Cli.smsAudience(warehouse, "local", """
        Id,ChannelType,Address,User.UserId,Demographic.Timezone
        ny,SMS,+12065550101,u1,America/New_York
        tokyo,SMS,+12065550102,u2,Asia/Tokyo
        mars,SMS,+12065550103,u3,Mars/Olympus
        none,SMS,+12065550104,u4,
        """);
  }

  static JsonNode run(String id, String at) {
    return audience.runCampaign(id, at);
  }

  @Test
  void eachWaveGoesOutWhenItsLocalStartArrivesAndTheOccurrenceCompletesWithTheLast() {
    String id = audience.createCampaign(
        "{\"StartTime\":\"2030-01-15T09:00:00Z\",\"IsLocalTime\":true,\"Timezone\":\"UTC+05:30\"}", "");

    assertThat(run(id, "2030-01-14T18:59:00Z").get("Due").asBoolean()).as("before the first wave can start")
        .isFalse();
    JsonNode tokyo = run(id, "2030-01-15T01:00:00Z");
    assertThat(tokyo.get("Sent").asLong()).isEqualTo(1);
    assertThat(tokyo.at("/Activities/0/State").asText()).isEqualTo("RUNNING");
    assertThat(tokyo.at("/Activities/0/TimezonesTotalCount").asInt()).isEqualTo(3);
    assertThat(tokyo.at("/Activities/0/TimezonesCompletedCount").asInt()).isEqualTo(1);

    JsonNode fallback = run(id, "2030-01-15T04:00:00Z");
    assertThat(fallback.get("Sent").asLong()).as("the two read in UTC+05:30").isEqualTo(2);
    assertThat(fallback.at("/Activities/0/TimezonesCompletedCount").asInt()).isEqualTo(2);

    JsonNode newYork = run(id, "2030-01-15T14:00:00Z");
    assertThat(newYork.get("Sent").asLong()).isEqualTo(1);
    assertThat(newYork.at("/Activities/0/State").asText()).isEqualTo("COMPLETED");
    assertThat(newYork.at("/Activities/0/TimezonesCompletedCount").asInt()).isEqualTo(3);
    assertThat(newYork.get("AlreadyInLedger").asLong()).as("the earlier waves").isEqualTo(3);

    assertThat(run(id, "2030-01-16T00:00:00Z").get("Due").asBoolean()).as("completed").isFalse();
    assertThat(spark.read().format("delta").load(warehouse + "/send_ledger").filter(col("CampaignId").equalTo(id))
        .filter(col("Status").equalTo("SENT")).count()).isEqualTo(4);
    JsonNode activity = Cli.run("get-campaign-activities", "--application-id", audience.appId(), "--campaign-id",
        id).ok().at("/ActivitiesResponse/Item/0");
    assertThat(activity.get("TimezonesTotalCount").asInt()).isEqualTo(3);
    assertThat(activity.get("SuccessfulEndpointCount").asInt()).isEqualTo(4);
  }
}
