package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakecast.model.PinpointEnums.AttributeType;
import io.lakecast.model.PinpointEnums.DimensionType;
import io.lakecast.model.PinpointEnums.Duration;
import io.lakecast.model.PinpointEnums.Include;
import io.lakecast.model.PinpointEnums.RecencyType;
import io.lakecast.model.PinpointEnums.SourceType;
import io.lakecast.model.PinpointEnums.Type;
import java.util.List;
import java.util.Map;

/** Segment shapes: {@code WriteSegmentRequest}, its dimensions and groups, and {@code SegmentResponse}. */
public final class SegmentShapes {
  private SegmentShapes() {}

  /** Body of create-segment / update-segment: {@code Dimensions} or {@code SegmentGroups}, not both. */
  public record WriteSegmentRequest(
      @JsonProperty("Dimensions") SegmentDimensions dimensions,
      @JsonProperty("Name") String name,
      @JsonProperty("SegmentGroups") SegmentGroupList segmentGroups,
      @JsonProperty("tags") Map<String, String> tags) {}

  /** Criteria of a dimensional segment; every present criterion must hold. */
  public record SegmentDimensions(
      @JsonProperty("Attributes") Map<String, AttributeDimension> attributes,
      @JsonProperty("Behavior") SegmentBehaviors behavior,
      @JsonProperty("Demographic") SegmentDemographics demographic,
      @JsonProperty("Location") SegmentLocation location,
      @JsonProperty("Metrics") Map<String, MetricDimension> metrics,
      @JsonProperty("UserAttributes") Map<String, AttributeDimension> userAttributes) {}

  /** A criterion over a custom attribute. */
  public record AttributeDimension(
      @JsonProperty("AttributeType") AttributeType attributeType,
      @JsonProperty("Values") List<String> values) {}

  /** A criterion over a string field: INCLUSIVE or EXCLUSIVE of the values. */
  public record SetDimension(
      @JsonProperty("DimensionType") DimensionType dimensionType,
      @JsonProperty("Values") List<String> values) {}

  /** A criterion over a custom metric. ComparisonOperator is a plain string in the model. */
  public record MetricDimension(
      @JsonProperty("ComparisonOperator") String comparisonOperator,
      @JsonProperty("Value") Double value) {}

  /** Demographic criteria. */
  public record SegmentDemographics(
      @JsonProperty("AppVersion") SetDimension appVersion,
      @JsonProperty("Channel") SetDimension channel,
      @JsonProperty("DeviceType") SetDimension deviceType,
      @JsonProperty("Make") SetDimension make,
      @JsonProperty("Model") SetDimension model,
      @JsonProperty("Platform") SetDimension platform) {}

  /** Location criteria. */
  public record SegmentLocation(
      @JsonProperty("Country") SetDimension country,
      @JsonProperty("GPSPoint") GPSPointDimension gpsPoint) {}

  /** A point and range. */
  public record GPSPointDimension(
      @JsonProperty("Coordinates") GPSCoordinates coordinates,
      @JsonProperty("RangeInKilometers") Double rangeInKilometers) {}

  /** Latitude and longitude. */
  public record GPSCoordinates(
      @JsonProperty("Latitude") Double latitude, @JsonProperty("Longitude") Double longitude) {}

  /** Behaviour criteria. */
  public record SegmentBehaviors(@JsonProperty("Recency") RecencyDimension recency) {}

  /** Recency criterion. */
  public record RecencyDimension(
      @JsonProperty("Duration") Duration duration, @JsonProperty("RecencyType") RecencyType recencyType) {}

  /** Segment groups. */
  public record SegmentGroupList(
      @JsonProperty("Groups") List<SegmentGroup> groups, @JsonProperty("Include") Include include) {}

  /** One segment group. */
  public record SegmentGroup(
      @JsonProperty("Dimensions") List<SegmentDimensions> dimensions,
      @JsonProperty("SourceSegments") List<SegmentReference> sourceSegments,
      @JsonProperty("SourceType") SourceType sourceType,
      @JsonProperty("Type") Type type) {}

  /** A reference to a segment version. */
  public record SegmentReference(@JsonProperty("Id") String id, @JsonProperty("Version") Integer version) {}

  /** Import definition of an IMPORT segment. */
  public record SegmentImportResource(
      @JsonProperty("ChannelCounts") Map<String, Integer> channelCounts,
      @JsonProperty("ExternalId") String externalId,
      @JsonProperty("Format") String format,
      @JsonProperty("RoleArn") String roleArn,
      @JsonProperty("S3Url") String s3Url,
      @JsonProperty("Size") Integer size) {}

  /** A segment as Pinpoint returns it. */
  public record SegmentResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("Arn") String arn,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("Dimensions") SegmentDimensions dimensions,
      @JsonProperty("Id") String id,
      @JsonProperty("ImportDefinition") SegmentImportResource importDefinition,
      @JsonProperty("LastModifiedDate") String lastModifiedDate,
      @JsonProperty("Name") String name,
      @JsonProperty("SegmentGroups") SegmentGroupList segmentGroups,
      @JsonProperty("SegmentType") String segmentType,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("Version") Integer version) {}

  /** get-segments / get-segment-versions result. */
  public record SegmentsResponse(
      @JsonProperty("Item") List<SegmentResponse> item, @JsonProperty("NextToken") String nextToken) {}
}
