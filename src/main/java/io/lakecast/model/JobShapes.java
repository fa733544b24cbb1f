package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakecast.model.PinpointEnums.Format;
import java.util.List;

/** Import job shapes: {@code ImportJobRequest} (echoed as {@code Definition}) and {@code ImportJobResponse}. */
public final class JobShapes {
  private JobShapes() {}

  /** Body of create-import-job; also the job's {@code Definition} ({@code ImportJobResource}). */
  public record ImportJobRequest(
      @JsonProperty("DefineSegment") Boolean defineSegment,
      @JsonProperty("ExternalId") String externalId,
      @JsonProperty("Format") Format format,
      @JsonProperty("RegisterEndpoints") Boolean registerEndpoints,
      @JsonProperty("RoleArn") String roleArn,
      @JsonProperty("S3Url") String s3Url,
      @JsonProperty("SegmentId") String segmentId,
      @JsonProperty("SegmentName") String segmentName) {}

  /** An import job as Pinpoint returns it. */
  public record ImportJobResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CompletedPieces") Integer completedPieces,
      @JsonProperty("CompletionDate") String completionDate,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("Definition") ImportJobRequest definition,
      @JsonProperty("FailedPieces") Integer failedPieces,
      @JsonProperty("Failures") List<String> failures,
      @JsonProperty("Id") String id,
      @JsonProperty("JobStatus") String jobStatus,
      @JsonProperty("TotalFailures") Integer totalFailures,
      @JsonProperty("TotalPieces") Integer totalPieces,
      @JsonProperty("TotalProcessed") Integer totalProcessed,
      @JsonProperty("Type") String type) {}

  /** get-import-jobs result. */
  public record ImportJobsResponse(
      @JsonProperty("Item") List<ImportJobResponse> item, @JsonProperty("NextToken") String nextToken) {}

  /** Body of create-export-job; also the job's {@code Definition} ({@code ExportJobResource}). */
  public record ExportJobRequest(
      @JsonProperty("RoleArn") String roleArn,
      @JsonProperty("S3UrlPrefix") String s3UrlPrefix,
      @JsonProperty("SegmentId") String segmentId,
      @JsonProperty("SegmentVersion") Integer segmentVersion) {}

  /** An export job as Pinpoint returns it. */
  public record ExportJobResponse(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CompletedPieces") Integer completedPieces,
      @JsonProperty("CompletionDate") String completionDate,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("Definition") ExportJobRequest definition,
      @JsonProperty("FailedPieces") Integer failedPieces,
      @JsonProperty("Failures") List<String> failures,
      @JsonProperty("Id") String id,
      @JsonProperty("JobStatus") String jobStatus,
      @JsonProperty("TotalFailures") Integer totalFailures,
      @JsonProperty("TotalPieces") Integer totalPieces,
      @JsonProperty("TotalProcessed") Integer totalProcessed,
      @JsonProperty("Type") String type) {}

  /** get-export-jobs result. */
  public record ExportJobsResponse(
      @JsonProperty("Item") List<ExportJobResponse> item, @JsonProperty("NextToken") String nextToken) {}
}
