package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lakecast.LakecastException;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.PinpointJson;
import io.lakecast.testing.SparkTestSession;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Holdout and treatment assignment: deterministic, proportional, one arm per user, salted by campaign. */
class AssignmentPlanTest {
  static final int USERS = 100_000;
  static SparkSession spark;
  static Dataset<Row> endpoints;

  /** 100,000 users with two endpoints each, plus nothing else: the assignment's only inputs. */
  @BeforeAll
  static void population() {
    spark = SparkTestSession.get();
    endpoints =
        spark
            .range(2L * USERS)
            .select(
                col("id").cast("string").as("Id"),
                struct(floor(col("id").divide(2)).cast("string").as("UserId")).as("User"))
            .cache();
  }

  static WriteCampaignRequest campaign(String json) {
    return PinpointJson.parse(json, WriteCampaignRequest.class, "WriteCampaignRequest", "test");
  }

  static final WriteCampaignRequest AB =
      campaign("{\"HoldoutPercent\":10,\"AdditionalTreatments\":[{\"SizePercent\":40}]}");

  @Test
  void armsMatchHoldoutAndSizePercentWithinOnePointPerUser() {
    Dataset<Row> assigned = AssignmentPlan.of("campaign-1", AB).assign(endpoints);
    Dataset<Row> perUser =
        assigned.select(col("User.UserId"), coalesce(col("TreatmentId"), col("Arm")).as("arm")).distinct();
    Map<String, Long> counts = new HashMap<>();
    perUser.groupBy("arm").count().collectAsList().forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    assertThat(counts.get("HOLDOUT") / (double) USERS).as("holdout share").isCloseTo(0.10, within(0.01));
    assertThat(counts.get("1") / (double) USERS).as("treatment 1 share").isCloseTo(0.40, within(0.01));
    assertThat(counts.get("0") / (double) USERS).as("default treatment share").isCloseTo(0.50, within(0.01));
  }

  @Test
  void allEndpointsOfAUserLandInTheSameArm() {
    Dataset<Row> assigned = AssignmentPlan.of("campaign-1", AB).assign(endpoints);
    long usersInTwoArms =
        assigned
            .groupBy(col("User.UserId"))
            .agg(countDistinct(coalesce(col("TreatmentId"), col("Arm"))).as("arms"))
            .filter(col("arms").gt(1))
            .count();
    assertThat(usersInTwoArms).as("users split across arms").isZero();
  }

  @Test
  void assignmentIsDeterministic() {
    Dataset<Row> first = AssignmentPlan.of("campaign-1", AB).assign(endpoints).select("Id", "Bucket", "Arm",
        "TreatmentId");
    Dataset<Row> second = AssignmentPlan.of("campaign-1", AB).assign(endpoints).select("Id", "Bucket", "Arm",
        "TreatmentId");
    assertThat(first.exceptAll(second).count()).as("rows that differ between two runs").isZero();
    assertThat(first.count()).isEqualTo(2L * USERS);
  }

  @Test
  void anotherCampaignAssignsIndependently() {
    Dataset<Row> a = AssignmentPlan.of("campaign-1", AB).assign(endpoints).select(col("Id"), col("Bucket").as("a"));
    Dataset<Row> b = AssignmentPlan.of("campaign-2", AB).assign(endpoints).select(col("Id"), col("Bucket").as("b"));
    long same = a.join(b, "Id").filter(col("a").equalTo(col("b"))).count();
    assertThat(same / (2.0 * USERS)).as("share of endpoints with the same bucket").isLessThan(0.01);
    Row heldOutInBoth =
        AssignmentPlan.of("campaign-1", AB).assign(endpoints).select(col("Id"), col("Arm").as("a"))
            .join(AssignmentPlan.of("campaign-2", AB).assign(endpoints).select(col("Id"), col("Arm").as("b")), "Id")
            .agg(count(when(col("a").equalTo("HOLDOUT").and(col("b").equalTo("HOLDOUT")), 1)))
            .first();
    // Independent 10% holdouts overlap on about 1% of endpoints, not 10%.
    assertThat(heldOutInBoth.getLong(0) / (2.0 * USERS)).as("held out by both").isCloseTo(0.01, within(0.005));
  }

  @Test
  void plainJavaBucketsMatchSparkBucketsExactly() {
    AssignmentPlan plan = AssignmentPlan.of("campaign-1", AB);
    long mismatches =
        plan.assign(endpoints.limit(20_000)).select("User.UserId", "Bucket").collectAsList().stream()
            .filter(r -> AssignmentPlan.bucketOf("campaign-1", r.getString(0)) != r.getInt(1))
            .count();
    assertThat(mismatches).isZero();
  }

  @Test
  void endpointsWithoutUserIdAreKeyedByTheirOwnId() {
    Dataset<Row> anonymous =
        spark.range(1000).select(col("id").cast("string").as("Id"),
            struct(lit(null).cast("string").as("UserId")).as("User"));
    Dataset<Row> withIdAsUser =
        spark.range(1000).select(col("id").cast("string").as("Id"),
            struct(col("id").cast("string").as("UserId")).as("User"));
    AssignmentPlan plan = AssignmentPlan.of("campaign-1", AB);
    assertThat(plan.assign(anonymous).select("Id", "Bucket").exceptAll(
        plan.assign(withIdAsUser).select("Id", "Bucket")).count()).isZero();
  }

  @Test
  void bucketBoundariesFollowTheDeclaredOrder() {
    AssignmentPlan plan = AssignmentPlan.of("c", AB);
    assertThat(plan.armOf(0)).isEqualTo("HOLDOUT");
    assertThat(plan.armOf(999)).isEqualTo("HOLDOUT");
    assertThat(plan.armOf(1000)).isEqualTo("1");
    assertThat(plan.armOf(4999)).isEqualTo("1");
    assertThat(plan.armOf(5000)).isEqualTo("0");
    assertThat(plan.armOf(9999)).isEqualTo("0");
    assertThat(plan.treatmentIds()).containsExactly("0", "1");
  }

  @Test
  void percentagesAboveOneHundredAreRejectedNamingTheMembers() {
    assertThatThrownBy(() -> AssignmentPlan.of("c",
            campaign("{\"HoldoutPercent\":30,\"AdditionalTreatments\":[{\"SizePercent\":80}]}")))
        .isInstanceOf(LakecastException.class)
        .hasMessageContaining("HoldoutPercent + AdditionalTreatments[*].SizePercent")
        .hasMessageContaining("110");
    assertThatThrownBy(() -> AssignmentPlan.of("c", campaign("{\"AdditionalTreatments\":[{}]}")))
        .hasMessageContaining("AdditionalTreatments[0].SizePercent");
  }
}
