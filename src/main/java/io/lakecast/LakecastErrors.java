package io.lakecast;

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

  public static LakecastException ioFailure(String what, String location, Throwable cause) {
    return new LakecastException(
        "InternalServerErrorException",
        LakecastException.FAILURE,
        "Cannot " + what + " " + location + ": " + rootMessage(cause),
        cause);
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
