package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.lakecast.model.PinpointEnums.Format;
import java.util.List;

/** Import and export job shapes: the requests (echoed as {@code Definition}) and the job responses. */
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

  /**
   * An import or export job as Pinpoint returns it ({@code ImportJobResponse} / {@code ExportJobResponse}: the same
   * members, {@code Type} IMPORT or EXPORT, {@code Definition} the request).
   */
  public record JobResponse<D>(
      @JsonProperty("ApplicationId") String applicationId,
      @JsonProperty("CompletedPieces") Integer completedPieces,
      @JsonProperty("CompletionDate") String completionDate,
      @JsonProperty("CreationDate") String creationDate,
      @JsonProperty("Definition") D definition,
      @JsonProperty("FailedPieces") Integer failedPieces,
      @JsonProperty("Failures") List<String> failures,
      @JsonProperty("Id") String id,
      @JsonProperty("JobStatus") String jobStatus,
      @JsonProperty("TotalFailures") Integer totalFailures,
      @JsonProperty("TotalPieces") Integer totalPieces,
      @JsonProperty("TotalProcessed") Integer totalProcessed,
      @JsonProperty("Type") String type) {}

  /** get-import-jobs / get-export-jobs result. */
  public record JobsResponse<D>(
      @JsonProperty("Item") List<JobResponse<D>> item, @JsonProperty("NextToken") String nextToken) {}

  /** Body of create-export-job; also the job's {@code Definition} ({@code ExportJobResource}). */
  public record ExportJobRequest(
      @JsonProperty("RoleArn") String roleArn,
      @JsonProperty("S3UrlPrefix") String s3UrlPrefix,
      @JsonProperty("SegmentId") String segmentId,
      @JsonProperty("SegmentVersion") Integer segmentVersion) {}

}
