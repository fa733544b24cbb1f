package io.lakecast;

import java.util.Map;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The one place user-facing errors are built. Each message names what was wrong, where (file, line, member path)
 * and what was expected, in Pinpoint's vocabulary.
 */
public final class LakecastErrors {
  private LakecastErrors() {}

  private static LakecastException badRequest(String message) {
    return new LakecastException("BadRequestException", LakecastException.USAGE, message, null);
  }

  public static LakecastException unknownMember(String shape, String path, Collection<?> known) {
    return badRequest(
        "Unknown member '" + path + "' in " + shape + "; expected one of: " + join(known));
  }

  public static LakecastException invalidEnum(String shape, String path, String value, Collection<?> valid) {
    return badRequest(
        "Invalid value '" + value + "' for " + path + " in " + shape + "; expected one of: "
            + valid.stream().map(String::valueOf).collect(Collectors.joining(", ")));
  }

  public static LakecastException typeMismatch(String shape, String path, String expected) {
    return badRequest("Invalid value for " + path + " in " + shape + ": expected " + expected);
  }

  public static LakecastException malformedJson(String shape, String source, String detail) {
    return badRequest("Malformed JSON for " + shape + " (" + source + "): " + detail);
  }

  public static LakecastException missingMember(String shape, String path) {
    return badRequest("Missing required member '" + path + "' in " + shape);
  }

  public static LakecastException invalidMember(String shape, String path, String problem) {
    return badRequest("Invalid " + path + " in " + shape + ": " + problem);
  }

  public static LakecastException unsupported(String shape, String path, String supported) {
    return badRequest(
        path + " in " + shape + " is not supported yet by Lakecast; supported: " + supported);
  }

  public static LakecastException cannotReadArgument(String option, String location, String reason) {
    return badRequest("Cannot read " + option + " from " + location + ": " + reason);
  }

  public static LakecastException invalidOption(String option, String value, String expected) {
    return badRequest("Invalid value '" + value + "' for " + option + ": expected " + expected);
  }

  public static LakecastException invalidConf(String key, String value, String expected) {
    return badRequest("Invalid configuration " + key + "='" + value + "': expected " + expected);
  }

  /** A login configured without its password (which is never a setting). */
  public static LakecastException missingPassword(String userKey, String env, String alias) {
    return badRequest("Invalid configuration " + userKey + ": a login is configured but no password was found; set"
        + " the environment variable " + env + " or the Hadoop credential provider alias " + alias);
  }

  /** A sender configured without its secret (which is never a setting). */
  public static LakecastException missingSecret(String key, String env, String alias) {
    return badRequest("Invalid configuration " + key + ": its sender signs with a secret but none was found; set"
        + " the environment variable " + env + " or the Hadoop credential provider alias " + alias);
  }

  /** A sender's secret that is there but unusable; {@code problem} names what is wrong, never a value of it. */
  public static LakecastException invalidSecret(String key, String env, String alias, String problem) {
    return badRequest("Invalid configuration " + key + ": the secret of its sender (" + env + ", else the Hadoop "
        + "credential provider alias " + alias + ") " + problem);
  }

  public static LakecastException schemeNotAllowed(String member, String uri, String scheme, Collection<?> allowed) {
    return new LakecastException("ForbiddenException", LakecastException.FAILURE,
        "Cannot use " + member + " '" + uri + "': scheme '" + scheme + "' is not allowed; "
            + "spark.lakecast.io.allowedSchemes allows " + join(allowed),
        null);
  }

  public static LakecastException outputInWarehouse(String member, String uri, String what) {
    return badRequest("Cannot write " + member + " '" + uri + "': it overlaps " + what
        + " of the warehouse; choose a location outside the warehouse's tables");
  }

  public static LakecastException notFound(String what, String id, String applicationId) {
    return new LakecastException(
        "NotFoundException",
        LakecastException.FAILURE,
        what + " '" + id + "' was not found in application '" + applicationId + "'",
        null);
  }

  /** A template (or one of its versions) that does not exist; {@code version} null for the active one. */
  public static LakecastException templateNotFound(String type, String name, String version) {
    return new LakecastException("NotFoundException", LakecastException.FAILURE,
        type + " template '" + name + "'" + (version == null ? "" : " version " + version) + " was not found; "
            + "list templates with list-templates and their versions with list-template-versions",
        null);
  }

  public static LakecastException templateAlreadyExists(String type, String name) {
    return badRequest(type + " template '" + name + "' already exists; change it with update-"
        + type.toLowerCase(java.util.Locale.ROOT).replace("inapp", "in-app") + "-template");
  }

  /** A campaign hook's LambdaFunctionName without a URL to run it at. */
  public static LakecastException hookNotMapped(String lambdaFunctionName, String key) {
    return badRequest("Campaign hook LambdaFunctionName '" + lambdaFunctionName + "' has no URL: Lakecast runs hooks "
        + "over HTTPS, so set " + key + " to the https:// URL that runs it, or give the hook a WebUrl");
  }

  /** Batches a campaign hook did not answer; nothing of the occurrence was recorded or sent. */
  public static LakecastException hookFailed(String url, long endpoints, String reason) {
    return new LakecastException("InternalServerErrorException", LakecastException.FAILURE,
        "The campaign hook at " + url + " failed for " + endpoints + " endpoint(s): " + reason + "; nothing of this "
            + "occurrence was recorded or sent, run the campaign again when the hook answers",
        null);
  }

  public static LakecastException appNotFound(String applicationId) {
    return new LakecastException(
        "NotFoundException",
        LakecastException.FAILURE,
        "Application '" + applicationId + "' was not found; create it with create-app or list them with get-apps",
        null);
  }

  public static LakecastException importSourceEmpty(String s3Url, String format) {
    return new LakecastException(
        "BadRequestException",
        LakecastException.FAILURE,
        "No " + format + " files found at " + s3Url + " (expected files ending in "
            + ("CSV".equals(format) ? ".csv or .csv.gz" : ".json, .ndjson, .jsonl or their .gz forms") + ")",
        null);
  }

  /** An I/O failure at a named location, with the code its cause calls for (access denied, missing bucket, …). */
  public static LakecastException ioFailure(String what, String location, Throwable cause) {
    LakecastException kind = fromFailure(cause);
    String detail = kind.code().equals("InternalServerErrorException") ? rootMessage(cause) : kind.getMessage();
    return failed(kind.code(), "Cannot " + what + " " + location + ": " + detail, cause);
  }

  public static LakecastException notADeltaTable(String table, String location) {
    return new LakecastException("BadRequestException", LakecastException.FAILURE,
        "The warehouse table '" + table + "' at " + location + " is not a Delta table (the folder holds files but no "
            + "_delta_log); point spark.lakecast.warehouse at a Lakecast warehouse or an empty location",
        null);
  }

  /** A table folder whose _delta_log never received its first commit, after waiting for the job creating it. */
  public static LakecastException tableNeverCreated(String table, String location, int seconds) {
    return new LakecastException("ConflictException", LakecastException.FAILURE,
        "The warehouse table '" + table + "' at " + location + " has a _delta_log but no first commit after "
            + seconds + " s of waiting; if no other job is creating it (one may have been killed while creating "
            + "it), remove " + location + "/_delta_log and run again",
        null);
  }

  public static LakecastException appAlreadyExists(String applicationId) {
    return new LakecastException("ConflictException", LakecastException.FAILURE,
        "Application '" + applicationId + "' already exists", null);
  }

  public static LakecastException alreadyExists(String what, String id, String applicationId) {
    return new LakecastException("ConflictException", LakecastException.FAILURE,
        what + " '" + id + "' already exists in application '" + applicationId + "'", null);
  }

  /** A lease ({@code warehouse.Leases}) another attempt holds. */
  public static LakecastException leaseHeld(String what, String takenAt, long timeoutSeconds) {
    return new LakecastException("ConflictException", LakecastException.FAILURE,
        "Another job is " + what + " (since " + takenAt + "); run again when it has ended, or, if it died, after "
            + "its lease lapses (spark.lakecast.dispatch.claimTimeoutSeconds = " + timeoutSeconds + ")",
        null);
  }

  public static LakecastException runInFlight(String runId, long messages, String claimedAt, long timeoutSeconds) {
    return new LakecastException("ConflictException", LakecastException.FAILURE,
        "Another run of this campaign is sending " + messages + " message(s) of run " + runId + " (claimed at "
            + claimedAt + "); run again when it has ended, or, if it died, after its claim lapses "
            + "(spark.lakecast.dispatch.claimTimeoutSeconds = " + timeoutSeconds + ")",
        null);
  }

  /** The event stream's destination kept refusing a batch (throttling, partial failures) until attempts ran out. */
  public static LakecastException streamDeliveryFailed(String arn, int records, int attempts, String lastError) {
    return failed("StreamDeliveryFailed", records + " record(s) still undelivered to " + arn + " after " + attempts
        + " attempt(s); last refusal: " + lastError + ". Everything before them is delivered and the watermark"
        + " committed: run stream-events again to resume (raise spark.lakecast.stream.maxAttempts for a busy"
        + " stream)", null);
  }

  /** The destination refused the stream for good (no such stream, no access, a bad request). */
  public static LakecastException streamRefused(String arn, String code, String message) {
    return failed("StreamDeliveryFailed", arn + " refused the records: " + code + ": " + message
        + ". Nothing more is sent; check the stream's DestinationStreamArn, region and credentials", null);
  }

  public static LakecastException outputHoldsTable(String member, String location) {
    return new LakecastException("ConflictException", LakecastException.FAILURE,
        "Cannot write " + member + " '" + location + "': it holds a Delta table (_delta_log), which this output "
            + "would overwrite; choose an empty location or one written by an earlier export",
        null);
  }

  /**
   * A failure that came from Spark, Delta, Hadoop or the JVM, as the user should read it: Pinpoint's error code,
   * what failed and where (the underlying message names the table, URI or file), and what to do. A
   * {@link LakecastException} anywhere in the causes wins. The stack trace stays available as the cause.
   */
  public static LakecastException fromFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof LakecastException le) {
        return le;
      }
    }
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String type = t.getClass().getName();
      String message = firstLine(t);
      if (isA(t, "io.delta.exceptions.DeltaConcurrentModificationException")
          || isA(t, "org.apache.spark.sql.delta.DeltaConcurrentModificationException")) {
        return failed("ConflictException", "Another job changed a warehouse table while this command ran, so its "
            + "commit was refused (" + t.getClass().getSimpleName() + ": " + message + "); nothing of the refused "
            + "commit was written: run the command again", failure);
      }
      if (t instanceof java.nio.file.AccessDeniedException || message.contains("Access Denied")
          || message.contains("Status Code: 403")) {
        return failed("ForbiddenException", "Access denied: " + message + "; check the credentials "
            + "(fs.s3a.* or the environment) and the bucket's policy", failure);
      }
      if (type.equals("org.apache.hadoop.fs.s3a.UnknownStoreException") || message.contains("NoSuchBucket")
          || message.contains("The specified bucket does not exist")) {
        return failed("NotFoundException", "The bucket does not exist: " + message, failure);
      }
      if (message.contains("No space left on device")) {
        return failed("InternalServerErrorException", "Out of disk space: " + message + "; free space under the "
            + "warehouse and spark.local.dir, then run the command again", failure);
      }
      if (type.equals("org.apache.hadoop.fs.ParentNotDirectoryException")
          || type.equals("org.apache.hadoop.fs.FileAlreadyExistsException")
          || message.contains("Permission denied") || message.contains("Mkdirs failed")
          || message.contains("Read-only file system")) {
        return failed("ForbiddenException", "Cannot write: " + message + "; the warehouse "
            + "(spark.lakecast.warehouse) and every output must be writable folders", failure);
      }
      if (t instanceof java.io.FileNotFoundException || message.contains("[PATH_NOT_FOUND]")) {
        return failed("NotFoundException", "Not found: " + message, failure);
      }
    }
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    boolean taskFailed = false;
    for (Throwable t = failure; t != null && !taskFailed; t = t.getCause() == t ? null : t.getCause()) {
      // A task's error keeps the executor's frames when Spark hands it to the driver.
      taskFailed = String.valueOf(t.getMessage()).contains("due to stage failure")
          || java.util.Arrays.stream(t.getStackTrace())
              .anyMatch(f -> f.getClassName().startsWith("org.apache.spark.executor.Executor"));
    }
    String task = taskFailed ? "A Spark task failed and was retried until the job gave up; the task's error: " : "";
    return failed("InternalServerErrorException",
        task + root.getClass().getSimpleName() + ": " + firstLine(root) + " (run with --debug for the stack trace)",
        failure);
  }

  /**
   * Some of a batch of independent runs failed (the others completed): the first failure's code, and each failure's
   * message with what it was for.
   */
  public static LakecastException someFailed(String what, int total, Map<String, LakecastException> failures) {
    LakecastException first = failures.values().iterator().next();
    StringBuilder m = new StringBuilder(failures.size() + " of " + total + " " + what + " failed (the others "
        + "completed):");
    failures.forEach((item, e) -> m.append("\n  ").append(item).append(": ").append(e.code()).append(": ")
        .append(e.getMessage()));
    return failed(first.code(), m.toString(), first);
  }

  private static LakecastException failed(String code, String message, Throwable cause) {
    return new LakecastException(code, LakecastException.FAILURE, message, cause);
  }

  /** Whether the throwable's class or one of its superclasses has that name (no compile-time tie to Delta). */
  private static boolean isA(Throwable t, String className) {
    for (Class<?> c = t.getClass(); c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage();
    return m == null ? "" : m.lines().findFirst().orElse("").strip();
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
  }

  private static String join(Collection<?> values) {
    return values.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
  }
}
