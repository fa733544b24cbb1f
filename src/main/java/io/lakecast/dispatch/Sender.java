package io.lakecast.dispatch;

import java.io.Serializable;

/**
 * The channel sender SPI. One sender is opened per dispatch partition (in an executor task) and sends that
 * partition's messages in order; it must be safe to re-run a partition (a task retry) without duplicating output.
 */
public interface Sender extends AutoCloseable {

  /** Sends one message; failures the channel reports are a {@link Delivery} with FAILED, not an exception. */
  Delivery send(OutboundMessage message);

  /**
   * Sends messages of one treatment with the same content at once (a custom channel's call takes up to 50
   * endpoints); returns one outcome per message, in order. By default, one by one.
   */
  default java.util.List<Delivery> sendBatch(java.util.List<OutboundMessage> messages) {
    java.util.List<Delivery> out = new java.util.ArrayList<>();
    for (OutboundMessage m : messages) {
      out.add(send(m));
    }
    return out;
  }

  /** Flushes and releases what the partition used. */
  @Override
  void close();

  /** Creates senders in executors; must be serializable (it travels with the task). */
  interface Factory extends Serializable {
    Sender open(int partitionId);
  }

  /**
   * One message to one endpoint. {@code message} is the channel's message as JSON; {@code channelType} the channel
   * it goes through (the endpoint's, or CUSTOM for a custom delivery); {@code endpointJson} the endpoint as events
   * carry it; {@code scheduledStart} the occurrence's.
   */
  record OutboundMessage(
      String messageId, String applicationId, String campaignId, String activityId, String treatmentId,
      String endpointId, String channelType, String address, String message, String endpointJson,
      String scheduledStart) implements Serializable {}

  /**
   * The outcome of one send, as Pinpoint's {@code MessageResult} has it: {@code status} SENT or FAILED (what the
   * ledger's Status takes); {@code reason}, the {@code StatusMessage} ({@code <CODE>: detail}, null when sent);
   * {@code deliveryStatus}, one of Pinpoint's {@code DeliveryStatus} values; {@code statusCode}, the provider's answer
   * (HTTP status, SMTP reply code), 400 for a message that could not be built or sent through this channel, 0 when
   * no provider answered (no connection, a timeout, time ran out before the call); {@code attempts}, the calls made
   * to the provider for it (0 when none was made).
   */
  record Delivery(String status, String reason, String deliveryStatus, int statusCode, int attempts)
      implements Serializable {
    public static final String SENT = "SENT";
    public static final String FAILED = "FAILED";

    /** Pinpoint's {@code DeliveryStatus} values. */
    public static final String SUCCESSFUL = "SUCCESSFUL";
    public static final String THROTTLED = "THROTTLED";
    public static final String TEMPORARY_FAILURE = "TEMPORARY_FAILURE";
    public static final String PERMANENT_FAILURE = "PERMANENT_FAILURE";
    public static final String UNKNOWN_FAILURE = "UNKNOWN_FAILURE";
    public static final String OPT_OUT = "OPT_OUT";
    public static final String DUPLICATE = "DUPLICATE";

    /** Taken by the provider (or the outbox) at the first call, answering 200. */
    public static Delivery sent() {
      return sent(200, 1);
    }

    /** Taken by the provider, answering {@code statusCode}, after {@code attempts} calls. */
    public static Delivery sent(int statusCode, int attempts) {
      return new Delivery(SENT, null, SUCCESSFUL, statusCode, attempts);
    }

    /** Never sent: the message cannot be built or sent for this endpoint (PERMANENT_FAILURE, 400, no call). */
    public static Delivery invalid(String reason) {
      return new Delivery(FAILED, reason, PERMANENT_FAILURE, 400, 0);
    }

    /** Refused by the provider for good ({@code statusCode} its answer): trying again would get the same. */
    public static Delivery rejected(int statusCode, String reason, int attempts) {
      return new Delivery(FAILED, reason, PERMANENT_FAILURE, statusCode, attempts);
    }

    /** Never sent: the recipient named no endpoint of the application (PERMANENT_FAILURE, 404, no call). */
    public static Delivery notFound(String reason) {
      return new Delivery(FAILED, reason, PERMANENT_FAILURE, 404, 0);
    }

    /** Never sent: the request has a message for the same address already (DUPLICATE, 400, no call). */
    public static Delivery duplicate(String reason) {
      return new Delivery(FAILED, reason, DUPLICATE, 400, 0);
    }

    /** Refused by the provider because the recipient opted out. */
    public static Delivery optedOut(int statusCode, String reason, int attempts) {
      return new Delivery(FAILED, reason, OPT_OUT, statusCode, attempts);
    }

    /**
     * Every attempt failed transiently; {@code statusCode} is the last answer (0 for none): THROTTLED when it was
     * 429, else TEMPORARY_FAILURE.
     */
    public static Delivery gaveUp(int statusCode, String reason, int attempts) {
      return new Delivery(FAILED, reason, statusCode == 429 ? THROTTLED : TEMPORARY_FAILURE, statusCode, attempts);
    }

    /** Not known to be sent or refused (the call was interrupted): UNKNOWN_FAILURE. */
    public static Delivery unknown(String reason, int attempts) {
      return new Delivery(FAILED, reason, UNKNOWN_FAILURE, 0, attempts);
    }

    /** This outcome, reached after {@code attempts} calls. */
    public Delivery afterAttempts(int attempts) {
      return new Delivery(status, reason, deliveryStatus, statusCode, attempts);
    }
  }
}
