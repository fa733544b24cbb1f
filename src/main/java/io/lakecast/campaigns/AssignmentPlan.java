package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.LakecastErrors;
import io.lakecast.model.CampaignShapes.WriteCampaignRequest;
import io.lakecast.model.CampaignShapes.WriteTreatmentResource;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Holdout and A/B treatment assignment: {@code bucket = xxhash64(CampaignId, UserId or else endpoint Id) mod
 * 10000}, never {@code rand()}. Buckets {@code [0, HoldoutPercent×100)} are held out; then each additional
 * treatment takes {@code SizePercent×100} buckets in order; the default treatment ({@code TreatmentId "0"}) takes
 * the rest. Because the key is the UserId when there is one, all endpoints of a user land in the same arm; because
 * the salt is the CampaignId, another campaign assigns independently.
 *
 * <p>Percentages are of the whole eligible audience (Pinpoint leaves this unspecified); HoldoutPercent plus every
 * SizePercent must not exceed 100.
 */
public record AssignmentPlan(String salt, int holdoutBuckets, List<Slice> treatments) implements Serializable {
  public static final int BUCKETS = 10_000;
  public static final String HOLDOUT = "HOLDOUT";
  public static final String TREATMENT = "TREATMENT";
  public static final String DEFAULT_TREATMENT = "0";

  /** One additional treatment's buckets, {@code [from, to)}. */
  public record Slice(String treatmentId, int from, int to) implements Serializable {}

  /** The plan of a campaign definition, validated. */
  public static AssignmentPlan of(String campaignId, WriteCampaignRequest campaign) {
    int holdout = percent("HoldoutPercent", campaign.holdoutPercent());
    int next = holdout * 100;
    List<Slice> slices = new ArrayList<>();
    List<WriteTreatmentResource> extra =
        campaign.additionalTreatments() == null ? List.of() : campaign.additionalTreatments();
    int total = holdout;
    for (int i = 0; i < extra.size(); i++) {
      String path = "AdditionalTreatments[" + i + "].SizePercent";
      if (extra.get(i).sizePercent() == null) {
        throw LakecastErrors.missingMember("WriteCampaignRequest", path);
      }
      int size = percent(path, extra.get(i).sizePercent());
      total += size;
      slices.add(new Slice(String.valueOf(i + 1), next, next + size * 100));
      next += size * 100;
    }
    if (total > 100) {
      throw LakecastErrors.invalidMember(
          "WriteCampaignRequest",
          "HoldoutPercent + AdditionalTreatments[*].SizePercent",
          "they add up to " + total + "; expected at most 100");
    }
    return new AssignmentPlan(campaignId, holdout * 100, List.copyOf(slices));
  }

  private static int percent(String path, Integer value) {
    int v = value == null ? 0 : value;
    if (v < 0 || v > 100) {
      throw LakecastErrors.invalidMember("WriteCampaignRequest", path, v + " is not between 0 and 100");
    }
    return v;
  }

  /** The arm of a bucket: {@code HOLDOUT} or a TreatmentId. Plain Java, mirrors {@link #assign}. */
  public String armOf(int bucket) {
    if (bucket < holdoutBuckets) {
      return HOLDOUT;
    }
    for (Slice s : treatments) {
      if (bucket >= s.from() && bucket < s.to()) {
        return s.treatmentId();
      }
    }
    return DEFAULT_TREATMENT;
  }

  /**
   * The bucket of a key in plain Java, bit-for-bit what {@link #bucket()} computes in Spark ({@code xxhash64} with
   * Spark's seed 42 over the salt then the key, {@code pmod 10000}): for reference checks and explanations.
   */
  public static int bucketOf(String salt, String key) {
    long hash = 42L;
    for (String part : new String[] {salt, key}) {
      org.apache.spark.unsafe.types.UTF8String u = org.apache.spark.unsafe.types.UTF8String.fromString(part);
      hash = org.apache.spark.sql.catalyst.expressions.XXH64.hashUnsafeBytes(
          u.getBaseObject(), u.getBaseOffset(), u.numBytes(), hash);
    }
    return (int) Math.floorMod(hash, (long) BUCKETS);
  }

  /**
   * Whether an endpoint's user is in the application's global control group (Lakecast's extension): the users no
   * campaign of the application messages. The bucket is salted by the application, not the campaign, so the same
   * users are in it for every campaign: {@code xxhash64("global-control:" + ApplicationId, key) mod 10000} below
   * {@code percent × 100}.
   */
  public static Column inGlobalControl(String applicationId, int percent) {
    return pmod(xxhash64(lit(GLOBAL_CONTROL_SALT + applicationId), key()), lit((long) BUCKETS)).cast("int")
        .lt(percent * (BUCKETS / 100));
  }

  /** The prefix of the global control group's salt. */
  public static final String GLOBAL_CONTROL_SALT = "global-control:";

  /** The assignment key: UserId when present and non-empty, else the endpoint Id. */
  public static Column key() {
    Column userId = col("User").getField("UserId");
    return when(userId.isNotNull().and(userId.notEqual(lit(""))), userId).otherwise(col("Id"));
  }

  /** The bucket Column for this plan's salt. */
  public Column bucket() {
    return pmod(xxhash64(lit(salt), key()), lit((long) BUCKETS)).cast("int");
  }

  /** Adds {@code Bucket}, {@code Arm} (HOLDOUT or TREATMENT) and {@code TreatmentId} (null when held out). */
  public Dataset<Row> assign(Dataset<Row> endpoints) {
    Column b = col("Bucket");
    Column treatment = lit(DEFAULT_TREATMENT);
    for (int i = treatments.size() - 1; i >= 0; i--) {
      Slice s = treatments.get(i);
      treatment = when(b.geq(s.from()).and(b.lt(s.to())), lit(s.treatmentId())).otherwise(treatment);
    }
    return endpoints
        .withColumn("Bucket", bucket())
        .withColumn("Arm", when(b.lt(holdoutBuckets), lit(HOLDOUT)).otherwise(lit(TREATMENT)))
        .withColumn("TreatmentId", when(b.lt(holdoutBuckets), lit(null).cast("string")).otherwise(treatment));
  }

  /** Every TreatmentId of the plan, default first. */
  public List<String> treatmentIds() {
    List<String> ids = new ArrayList<>();
    ids.add(DEFAULT_TREATMENT);
    treatments.forEach(s -> ids.add(s.treatmentId()));
    return ids;
  }

}
