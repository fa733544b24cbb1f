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

  /** The outcome of one send: SENT or FAILED with a reason. */
  record Delivery(String status, String reason) implements Serializable {
    public static final String SENT = "SENT";
    public static final String FAILED = "FAILED";

    public static Delivery sent() {
      return new Delivery(SENT, null);
    }

    public static Delivery failed(String reason) {
      return new Delivery(FAILED, reason);
    }
  }
}
