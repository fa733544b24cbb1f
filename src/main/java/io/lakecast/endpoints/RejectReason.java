package io.lakecast.endpoints;

/** Why an import record was rejected; stored in {@code import_rejects.reason}. README lists each code. */
public enum RejectReason {
  /** The line is not a JSON object. */
  MALFORMED_JSON,
  /** A CSV row has more cells than the header, or a cell cannot be parsed as CSV. */
  MALFORMED_CSV,
  /** A JSON member or CSV header column that EndpointBatchItem/EndpointResponse does not have. */
  UNKNOWN_MEMBER,
  /** A value outside its enum (ChannelType, OptOut, EndpointStatus). */
  INVALID_ENUM,
  /** A value of the wrong type (a metric or coordinate that is not a number, a list where a string belongs). */
  TYPE_MISMATCH,
  /** A new endpoint (no Id, or an Id the application does not have) without ChannelType. */
  MISSING_CHANNEL_TYPE,
  /** A new endpoint (no Id, or an Id the application does not have) without Address. */
  MISSING_ADDRESS,
  /** An address that is not valid for its channel (email syntax, phone digits, empty push token). */
  INVALID_ADDRESS,
  /** An attribute, user attribute or metric name longer than the limit (Pinpoint: 50 characters). */
  ATTRIBUTE_NAME_TOO_LONG,
  /** An attribute or user attribute value longer than the limit (Pinpoint: 100 characters). */
  ATTRIBUTE_VALUE_TOO_LONG,
  /** More values for one attribute than the limit (Pinpoint: 50). */
  TOO_MANY_ATTRIBUTE_VALUES,
  /**
   * The record would give its User.UserId more endpoints than the limit (Lakecast's default 10; Pinpoint's quota
   * 15); earlier Ids of the user in file order are kept. A push endpoint instead displaces the user's oldest stored
   * push endpoint while there is one.
   */
  TOO_MANY_ENDPOINTS_FOR_USER,
  /** The whole file could not be read (missing, unreadable, corrupt compression); counted as a failed piece. */
  PIECE_UNREADABLE
}
