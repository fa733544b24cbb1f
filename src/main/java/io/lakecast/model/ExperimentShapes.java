package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The result of Lakecast's get-campaign-experiment (Pinpoint had none): per arm of a campaign (the holdout and each
 * treatment), its members, sends, deliveries and conversions, the conversion rate with its 95% Wilson interval,
 * lifts against the holdout and the default treatment, and a sample-ratio-mismatch check of the arm sizes.
 */
public final class ExperimentShapes {
  private ExperimentShapes() {}

  /** The whole experiment. */
  public record CampaignExperimentResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CampaignId") String campaignId,
      @JsonProperty("ConversionEventType") String conversionEventType,
      @JsonProperty("WindowHours") int windowHours,
      @JsonProperty("Arms") List<Arm> arms,
      @JsonProperty("SampleRatioMismatch") SampleRatioMismatch sampleRatioMismatch) {}

  /**
   * One arm: {@code HOLDOUT}, or a treatment id ({@code 0} the default). Members are ledger rows (an endpoint per
   * occurrence); the conversion rate is conversions ÷ members, whether or not the message reached them.
   */
  public record Arm(
      @JsonProperty("Arm") String arm,
      @JsonProperty("PlannedPercent") double plannedPercent,
      @JsonProperty("Members") long members,
      @JsonProperty("Sent") long sent,
      @JsonProperty("Delivered") long delivered,
      @JsonProperty("Conversions") long conversions,
      @JsonProperty("ConversionRate") Double conversionRate,
      @JsonProperty("ConversionRateInterval") Interval conversionRateInterval,
      @JsonProperty("VsHoldout") Comparison vsHoldout,
      @JsonProperty("VsDefaultTreatment") Comparison vsDefaultTreatment) {}

  /** A 95% confidence interval. */
  public record Interval(@JsonProperty("Low") double low, @JsonProperty("High") double high) {}

  /**
   * This arm against another: absolute lift (difference of rates, Wald interval), relative lift (ratio of rates
   * minus 1, log-ratio interval; absent when either arm has no conversion) and the two-proportion z-test's p-value.
   */
  public record Comparison(
      @JsonProperty("AbsoluteLift") double absoluteLift,
      @JsonProperty("AbsoluteLiftInterval") Interval absoluteLiftInterval,
      @JsonProperty("RelativeLift") Double relativeLift,
      @JsonProperty("RelativeLiftInterval") Interval relativeLiftInterval,
      @JsonProperty("PValue") Double pValue) {}

  /** Chi-squared of the observed arm sizes against the planned percentages; flagged below p = 0.001. */
  public record SampleRatioMismatch(
      @JsonProperty("ChiSquared") double chiSquared,
      @JsonProperty("DegreesOfFreedom") int degreesOfFreedom,
      @JsonProperty("PValue") double pValue,
      @JsonProperty("Flagged") boolean flagged) {}
}
