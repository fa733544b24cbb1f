package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakecast.model.PinpointEnums.ChannelType;
import java.util.List;
import java.util.Map;

/** Endpoint shapes: {@code EndpointBatchItem} (an import record), {@code EndpointResponse} and their parts. */
public final class EndpointShapes {
  private EndpointShapes() {}

  /** Endpoint demographic members, all strings. */
  public record EndpointDemographic(
      @JsonProperty("AppVersion") String appVersion,
      @JsonProperty("Locale") String locale,
      @JsonProperty("Make") String make,
      @JsonProperty("Model") String model,
      @JsonProperty("ModelVersion") String modelVersion,
      @JsonProperty("Platform") String platform,
      @JsonProperty("PlatformVersion") String platformVersion,
      @JsonProperty("Timezone") String timezone) {}

  /** Endpoint location. */
  public record EndpointLocation(
      @JsonProperty("City") String city,
      @JsonProperty("Country") String country,
      @JsonProperty("Latitude") Double latitude,
      @JsonProperty("Longitude") Double longitude,
      @JsonProperty("PostalCode") String postalCode,
      @JsonProperty("Region") String region) {}

  /** The user an endpoint belongs to. */
  public record EndpointUser(
      @JsonProperty("UserAttributes") Map<String, List<String>> userAttributes,
      @JsonProperty("UserId") String userId) {}

  /**
   * One endpoint record of an import file: the members of {@code EndpointBatchItem} (EndpointRequest plus
   * {@code Id}), and the extra members of {@code EndpointResponse} so that a Pinpoint export file imports unchanged.
   */
  public record EndpointImportItem(
      @JsonProperty("Address") String address,
      @JsonProperty("Attributes") Map<String, List<String>> attributes,
      @JsonProperty("ChannelType") ChannelType channelType,
      @JsonProperty("Demographic") EndpointDemographic demographic,
      @JsonProperty("EffectiveDate") String effectiveDate,
      @JsonProperty("EndpointStatus") String endpointStatus,
      @JsonProperty("Id") String id,
      @JsonProperty("Location") EndpointLocation location,
      @JsonProperty("Metrics") Map<String, Double> metrics,
      @JsonProperty("OptOut") String optOut,
      @JsonProperty("RequestId") String requestId,
      @JsonProperty("User") EndpointUser user,
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CohortId") String cohortId,
      @JsonProperty("CreationDate") String creationDate) {}

  /** An endpoint as Pinpoint returns it. */
  public record EndpointResponse(
      @JsonProperty("Address") String address,
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("Attributes") Map<String, List<String>> attributes,
      @JsonProperty("ChannelType") String channelType,
      @JsonProperty("CohortId") String cohortId,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("Demographic") EndpointDemographic demographic,
      @JsonProperty("EffectiveDate") String effectiveDate,
      @JsonProperty("EndpointStatus") String endpointStatus,
      @JsonProperty("Id") String id,
      @JsonProperty("Location") EndpointLocation location,
      @JsonProperty("Metrics") Map<String, Double> metrics,
      @JsonProperty("OptOut") String optOut,
      @JsonProperty("RequestId") String requestId,
      @JsonProperty("User") EndpointUser user) {}

  /** A list of endpoints (get-user-endpoints, delete-user-endpoints). */
  public record EndpointsResponse(@JsonProperty("Item") List<EndpointResponse> item) {}

  /** Pinpoint's acknowledgement of an accepted write. */
  public record MessageBody(
      @JsonProperty("Message") String message, @JsonProperty("RequestID") String requestId) {}
}
