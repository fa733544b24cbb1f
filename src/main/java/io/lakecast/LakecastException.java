package io.lakecast;

/**
 * A user-facing failure: its message says what went wrong, where, and what was expected. Built only by {@link
 * LakecastErrors}; the CLI prints the message (never a stack trace alone) and exits with {@link #exitCode()}.
 */
public final class LakecastException extends RuntimeException {
  /** Exit code for a request the user must fix (bad option, bad JSON, unknown member). */
  public static final int USAGE = 2;
  /** Exit code for a request that was valid but could not be carried out. */
  public static final int FAILURE = 1;

  private final int exitCode;
  private final String code;

  LakecastException(String code, int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.exitCode = exitCode;
  }

  /** Exit code the CLI maps this failure to. */
  public int exitCode() {
    return exitCode;
  }

  /** Short machine-readable error code, e.g. {@code BadRequestException} or {@code NotFoundException}. */
  public String code() {
    return code;
  }
}
