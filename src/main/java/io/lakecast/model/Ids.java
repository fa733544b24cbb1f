package io.lakecast.model;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.UUID;

/** Identifiers and timestamps in Pinpoint's forms: 32-hex ids, ISO-8601 instants in UTC with milliseconds. */
public final class Ids {
  private Ids() {}

  /** A new random 32-hex id, as Pinpoint assigns to apps, segments, campaigns and jobs. */
  public static String random() {
    return UUID.randomUUID().toString().replace("-", "");
  }

  /** A deterministic 32-hex id from its parts (SHA-256, truncated): same parts, same id, on every run. */
  public static String deterministic(String... parts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] digest = md.digest(String.join("\u001f", parts).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** An instant as Pinpoint prints dates: ISO-8601, UTC, millisecond precision. */
  public static String iso(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MILLIS).toString();
  }

  /** Now, as {@link #iso}. */
  public static String now() {
    return iso(Instant.now());
  }

  /** The ARN of a Pinpoint resource. */
  public static String arn(String region, String accountId, String resource) {
    return "arn:aws:mobiletargeting:" + region + ":" + accountId + ":" + resource;
  }
}
