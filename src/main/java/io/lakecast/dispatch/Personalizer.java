package io.lakecast.dispatch;

import java.io.Serializable;

/**
 * Turns a treatment's channel message into the message one endpoint receives (message variables such as
 * {@code {{User.UserAttributes.FirstName}}}). Runs in the sending tasks, so it is serializable and keeps whatever
 * it compiles per task.
 */
public interface Personalizer extends Serializable {
  /** Messages as they are: for campaigns whose messages have no variables. */
  Personalizer NONE = (treatmentId, channel, message, endpointJson) -> message;

  /**
   * The message for this endpoint.
   *
   * @param message the channel message JSON of the treatment
   * @param endpointJson the endpoint record as the event stream carries it
   * @throws RenderingFailure when the message cannot be rendered for this endpoint: that message fails, not the run
   */
  String personalize(String treatmentId, String channel, String message, String endpointJson);

  /** A message that cannot be rendered for one endpoint (a variable without a value or default, a helper error). */
  final class RenderingFailure extends RuntimeException {
    public RenderingFailure(String message) {
      super(message, null, false, false);
    }
  }
}
