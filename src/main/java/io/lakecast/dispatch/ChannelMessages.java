package io.lakecast.dispatch;

import com.fasterxml.jackson.databind.JsonNode;

/** Small readings the senders share: a member of a channel message, and a provider's answer fit for the ledger. */
final class ChannelMessages {
  private ChannelMessages() {}

  /** The text of {@code member} of a channel message, or null when it is absent or null. */
  static String text(JsonNode message, String member) {
    JsonNode v = message.get(member);
    return v == null || v.isNull() ? null : v.asText();
  }

  /** The first line of a provider's message, at most 200 characters ("no detail" for none). */
  static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    String line = s.strip().lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  /**
   * {@code taken} (a provider accepted the message) once {@code records} holds its delivery record (what a re-run reads
   * to not send it again); else the record's failure.
   */
  static Sender.Delivery recorded(Sender records, Sender.OutboundMessage m, Sender.Delivery taken) {
    Sender.Delivery r = records.send(m);
    return r.status().equals(Sender.Delivery.SENT) ? taken : r.afterAttempts(taken.attempts());
  }

  /**
   * Waits before attempt {@code attempt + 1} of {@code attempts}: exponential backoff with full jitter, a random pause
   * up to 200 ms × 2^(attempt-1); none after the last attempt.
   */
  static void backoff(int attempt, int attempts) {
    if (attempt >= attempts) {
      return;
    }
    try {
      Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(200L << (attempt - 1)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
