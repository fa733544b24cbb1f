package io.lakecast.dispatch;

import static org.apache.spark.sql.functions.col;

import io.lakecast.conf.FaultPoints;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * Sends pending ledger rows from executor tasks: the rows are spread over partitions, sorted by treatment and
 * channel inside each, and every partition opens one {@link Sender}. Custom deliveries go in batches
 * ({@link CustomDelivery}). Returns one result row per message (lazy: the caller
 * materializes it exactly once, e.g. by writing it to a staging table).
 */
public final class PartitionedDispatcher {
  private PartitionedDispatcher() {}

  /** Columns of a dispatch result. */
  public static final StructType RESULT_SCHEMA =
      new StructType()
          .add("RunId", "string")
          .add("EndpointId", "string")
          .add("ActivityId", "string")
          .add("TreatmentId", "string")
          .add("ChannelType", "string")
          .add("Status", "string")
          .add("Reason", "string")
          .add("SentAt", "long")
          .add("EndpointJson", "string")
          .add("DeliveryStatus", "string")
          .add("StatusCode", "int")
          .add("Attempts", "int");

  /**
   * How fast, and until when, a dispatch may send: at most {@code messagesPerSecond} in all (spread evenly over the
   * partitions; 0 for no limit), and nothing after {@code deadlineMillis} (wall clock; {@link Long#MAX_VALUE} for
   * none): a message not sent by then fails as {@link #MAXIMUM_DURATION_EXCEEDED} without reaching the sender.
   */
  public record Pacing(int messagesPerSecond, long deadlineMillis) implements java.io.Serializable {
    public static final Pacing NONE = new Pacing(0, Long.MAX_VALUE);
  }

  /**
   * The reason of a message that could not be rendered for its endpoint (Pinpoint's {@code _email.rendering_failure}):
   * a message variable with neither a value nor a default.
   */
  public static final String RENDERING_FAILURE = "RENDERING_FAILURE";

  /** The reason of a message its campaign's {@code Limits.MaximumDuration} left unsent. */
  public static final String MAXIMUM_DURATION_EXCEEDED = "MAXIMUM_DURATION_EXCEEDED";

  /**
   * Dispatches without pacing or personalization (see {@link #dispatch(Dataset, HashMap, Sender.Factory, int,
   * Pacing, Personalizer)}).
   */
  public static Dataset<Row> dispatch(
      Dataset<Row> pending,
      HashMap<String, HashMap<String, String>> messages,
      Sender.Factory factory,
      int partitions) {
    return dispatch(pending, messages, factory, partitions, Pacing.NONE, Personalizer.NONE);
  }

  /**
   * Dispatches {@code pending} (ledger columns plus {@code EndpointJson}).
   *
   * @param messages TreatmentId → ChannelType → message JSON
   * @param personalizer renders each message for its endpoint; a message it cannot render fails as
   *     {@link #RENDERING_FAILURE}
   */
  public static Dataset<Row> dispatch(
      Dataset<Row> pending,
      HashMap<String, HashMap<String, String>> messages,
      Sender.Factory factory,
      int partitions,
      Pacing pacing,
      Personalizer personalizer) {
    // Each partition sends its share of the rate: one message every intervalNanos.
    long intervalNanos = pacing.messagesPerSecond() <= 0 ? 0
        : Math.round(1e9 * partitions / pacing.messagesPerSecond());
    // How far behind the pace a partition may catch up: a call that outlasts its messages' slots (a batch of 50
    // waits for its 50 slots, then the call takes its time) is made up by the next messages going sooner, so the
    // rate over the run stays the campaign's. At least 50 messages or 100 ms of sends, at most 1 s.
    long catchUpNanos =
        Math.min(1_000_000_000L, Math.max(CustomDelivery.MAX_ENDPOINTS * intervalNanos, 100_000_000L));
    MapPartitionsFunction<Row, Row> send =
        rows -> {
          if (!rows.hasNext()) {
            return rows;
          }
          Sender sender = factory.open(TaskContext.getPartitionId());
          return new Iterator<Row>() {
            private boolean open = true;
            private long nextSendNanos = System.nanoTime();
            /** Outcomes of a batch sent, not returned yet. */
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            /** A row read to end a batch, not sent yet. */
            private Row lookahead;

            @Override
            public boolean hasNext() {
              boolean more = !ready.isEmpty() || lookahead != null || rows.hasNext();
              if (!more && open) {
                open = false;
                sender.close();
              }
              return more;
            }

            @Override
            public Row next() {
              if (!ready.isEmpty()) {
                return ready.poll();
              }
              Row r = lookahead != null ? lookahead : rows.next();
              lookahead = null;
              if (System.currentTimeMillis() > pacing.deadlineMillis()) {
                return outcome(r, Sender.Delivery.gaveUp(0, MAXIMUM_DURATION_EXCEEDED, 0));
              }
              pace(1);
              Prepared p = prepare(r, messages, personalizer);
              if (p.outcome() != null) {
                return p.outcome();
              }
              if (!p.message().channelType().equals(CustomDelivery.CHANNEL)) {
                return outcome(r, sender.send(p.message()));
              }
              // A custom channel takes up to 50 endpoints of one treatment per call: the rows are sorted by
              // treatment, so the batch is the following rows with the same custom message.
              List<Row> batchRows = new ArrayList<>(List.of(r));
              List<Sender.OutboundMessage> batch = new ArrayList<>(List.of(p.message()));
              while (batch.size() < CustomDelivery.MAX_ENDPOINTS && rows.hasNext()) {
                Row n = rows.next();
                Prepared q = prepare(n, messages, personalizer);
                if (q.message() == null || !q.message().treatmentId().equals(p.message().treatmentId())
                    || !q.message().message().equals(p.message().message())) {
                  lookahead = n;
                  break;
                }
                batchRows.add(n);
                batch.add(q.message());
              }
              pace(batch.size() - 1);
              List<Sender.Delivery> outcomes = sender.sendBatch(batch);
              for (int i = 0; i < batchRows.size(); i++) {
                ready.add(outcome(batchRows.get(i), outcomes.get(i)));
              }
              return ready.poll();
            }

            /** Waits until {@code messages} more may go at the pace. */
            private void pace(int messages) {
              for (int k = 0; k < messages && intervalNanos > 0; k++) {
                for (long wait = nextSendNanos - System.nanoTime(); wait > 0; wait = nextSendNanos - System.nanoTime()) {
                  java.util.concurrent.locks.LockSupport.parkNanos(wait);
                }
                nextSendNanos = Math.max(nextSendNanos, System.nanoTime() - catchUpNanos) + intervalNanos;
              }
            }
          };
        };
    return pending
        .repartition(partitions)
        .sortWithinPartitions(col("TreatmentId"), col("ChannelType"))
        .mapPartitions(send, Encoders.row(RESULT_SCHEMA));
  }

  /** A row made ready to send: its message, or its outcome when it cannot be sent. */
  private record Prepared(Sender.OutboundMessage message, Row outcome) {}

  private static Prepared prepare(Row r, HashMap<String, HashMap<String, String>> messages,
      Personalizer personalizer) {
    String treatment = r.getAs("TreatmentId");
    String channel = r.getAs("ChannelType");
    HashMap<String, String> byChannel = messages.get(treatment);
    String message = byChannel == null ? null : byChannel.get(channel);
    FaultPoints.reach("campaign.during-dispatch");
    if (message == null) {
      return new Prepared(null, outcome(r, Sender.Delivery.invalid("UNSUPPORTED_CHANNEL")));
    }
    boolean custom = CustomDelivery.isCustom(message);
    if (!custom) {
      try {
        message = personalizer.personalize(treatment, channel, message, r.getAs("EndpointJson"));
      } catch (Personalizer.RenderingFailure e) {
        return new Prepared(null, outcome(r, Sender.Delivery.invalid(RENDERING_FAILURE)));
      }
    }
    return new Prepared(new Sender.OutboundMessage(
        r.getAs("MessageId"), r.getAs("ApplicationId"), r.getAs("CampaignId"), r.getAs("ActivityId"), treatment,
        r.getAs("EndpointId"), custom ? CustomDelivery.CHANNEL : channel, r.getAs("Address"), message,
        r.getAs("EndpointJson"), r.getAs("ScheduledStart")), null);
  }

  private static Row outcome(Row r, Sender.Delivery d) {
    return RowFactory.create(
        r.getAs("RunId"), r.getAs("EndpointId"), r.getAs("ActivityId"), r.getAs("TreatmentId"), r.getAs("ChannelType"),
        d.status(), d.reason(), System.currentTimeMillis(), r.getAs("EndpointJson"), d.deliveryStatus(),
        d.statusCode(), d.attempts());
  }
}
