package io.lakecast.dispatch;

import java.io.Serializable;

/**
 * The channel sender SPI. One sender is opened per dispatch partition (in an executor task) and sends that
 * partition's messages in order; it must be safe to re-run a partition (a task retry) without duplicating output.
 */
public interface Sender extends AutoCloseable {

  /** Sends one message; failures the channel reports are a {@link Delivery} with FAILED, not an exception. */
  Delivery send(OutboundMessage message);

  /** Flushes and releases what the partition used. */
  @Override
  void close();

  /** Creates senders in executors; must be serializable (it travels with the task). */
  interface Factory extends Serializable {
    Sender open(int partitionId);
  }

  /** One message to one endpoint. {@code message} is the channel's message as JSON. */
  record OutboundMessage(
      String messageId, String applicationId, String campaignId, String activityId, String treatmentId,
      String endpointId, String channelType, String address, String message) implements Serializable {}

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
