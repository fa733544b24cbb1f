package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** Application (project) shapes: {@code CreateApplicationRequest}, {@code ApplicationResponse}. */
public final class AppShapes {
  private AppShapes() {}

  /** Body of create-app. */
  public record CreateApplicationRequest(
      @JsonProperty("Name") String name, @JsonProperty("tags") Map<String, String> tags) {}

  /** One application. */
  public record ApplicationResponse(
      @JsonProperty("Arn") String arn,
      @JsonProperty("Id") String id,
      @JsonProperty("Name") String name,
      @JsonProperty("tags") Map<String, String> tags,
      @JsonProperty("CreationDate") String creationDate) {}

  /** get-apps result. */
  public record ApplicationsResponse(
      @JsonProperty("Item") List<ApplicationResponse> item, @JsonProperty("NextToken") String nextToken) {}
}
