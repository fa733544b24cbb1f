package io.lakecast.imports;

import io.lakecast.endpoints.EndpointParser;
import io.lakecast.model.EndpointShapes.EndpointImportItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.AccumulatorV2;

/**
 * The 64-bit keys of Pinpoint's rules across records (endpoint Id, ChannelType with Address, user and
 * UserAttributes), four per accepted record, gathered by the import's tasks as a Spark accumulator. A first import
 * checks the rules on the driver from them ({@link #conflict}) instead of reading what it wrote again: a hash table
 * pass over 32 bytes per record. At most {@code cap} records are kept; past that the keys only say so
 * ({@link #overflowed()}) and the caller checks in Spark. Each task keeps at most its equal share of {@code cap}
 * and past it sends only that it overflowed, so the tasks' results stay within the cap however large the input:
 * capping only on the driver let a 100M-endpoint import's tasks send 1 GiB of keys, past
 * {@code spark.driver.maxResultSize}, and Spark failed the job.
 *
 * <p>A hash collision, or a task whose keys Spark counts twice after a retry, can only report a conflict that is not
 * there, which sends the import down the general path; it can never hide one, except for UserAttributes of one user
 * whose different values hash alike (2<sup>-64</sup>).
 */
final class RecordKeys extends AccumulatorV2<long[], RecordKeys> {
  private static final long serialVersionUID = 1L;
  private static final int CHUNK = 4 * 8192;
  private final long cap;
  private final long taskCap;
  private final List<long[]> chunks = new ArrayList<>();
  private long[] open = new long[CHUNK];
  private int used;
  private long count;
  private long incomplete;
  private boolean overflowed;

  /** Keys for at most {@code cap} records in all, of which each task keeps at most {@code taskCap}. */
  RecordKeys(long cap, long taskCap) {
    this.cap = cap;
    this.taskCap = Math.min(cap, taskCap);
  }

  /**
   * Keys for as many records as the driver can take: a quarter of its heap checks them (32 bytes each kept, and
   * about 72 more in the check's tables), and they are at most half of {@code maxResultSize} (0: no limit) in the
   * tasks' results (Spark's other results, the written files' statistics, are far smaller). Each of {@code tasks}
   * tasks keeps an equal share: an input whose records are spread unevenly over its pieces may overflow below the
   * cap, which only sends the check to Spark.
   */
  static RecordKeys forDriver(long maxHeap, long maxResultSize, int tasks) {
    long cap = maxHeap / 4 / 104;
    if (maxResultSize > 0) {
      cap = Math.min(cap, maxResultSize / 2 / 32);
    }
    return new RecordKeys(cap, cap / Math.max(1, tasks));
  }

  /**
   * {@link #forDriver} keys for a read of {@code tasks} pieces, registered with the session's context, ready for
   * {@link ImportRecords#gathering}.
   */
  static RecordKeys registered(SparkSession spark, int tasks) {
    RecordKeys keys = forDriver(Runtime.getRuntime().maxMemory(),
        spark.sparkContext().getConf().getSizeAsBytes("spark.driver.maxResultSize", "1g"), tasks);
    spark.sparkContext().register(keys, "import record keys");
    return keys;
  }

  /**
   * Why a rule across records (an Id or ChannelType and Address twice, a user's records with different
   * UserAttributes) may apply, or null when none does; the number of a user's records is not checked. Keys that
   * overflowed cannot tell, and say so.
   */
  String acrossRecords() {
    return overflowed ? "too many records to check on the driver" : conflict(Integer.MAX_VALUE);
  }

  /** Keeps the keys of an accepted record. */
  void add(EndpointImportItem e, String id) {
    if (EndpointParser.lacksChannelOrAddress(e)) {
      incomplete++;
    }
    String channel = e.channelType() == null ? null : e.channelType().name();
    long address = channel == null || e.address() == null ? 0 : nonZero(hash(hash(EndpointParser.FNV_OFFSET, channel),
        e.address()));
    long user = e.user() == null || e.user().userId() == null ? 0
        : nonZero(hash(EndpointParser.FNV_OFFSET, e.user().userId()));
    add(new long[] {nonZero(hash(EndpointParser.FNV_OFFSET, id)), address, user,
        user == 0 ? 0 : attributes(e.user().userAttributes())});
  }

  /** A multi-valued map's hash, the same whatever the order of its keys; 0 for none. */
  static long attributes(Map<String, List<String>> m) {
    if (m == null) {
      return 0;
    }
    long sum = 0;
    for (Map.Entry<String, List<String>> a : m.entrySet()) {
      long h = hash(EndpointParser.FNV_OFFSET, a.getKey());
      for (String v : a.getValue() == null ? List.<String>of() : a.getValue()) {
        h = hash(h, v == null ? "\u0000" : v);
      }
      sum += mix(h);
    }
    return nonZero(sum);
  }

  private static long hash(long h, String s) {
    return mix(EndpointParser.recordHash(h, s));
  }

  /** Murmur3's 64-bit finalizer: spreads FNV's low bits for the open-addressing tables below. */
  private static long mix(long h) {
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }

  private static long nonZero(long h) {
    return h == 0 ? 1 : h;
  }

  boolean overflowed() {
    return overflowed;
  }

  long count() {
    return count;
  }

  /**
   * How many accepted records lack ChannelType or Address: records with an Id (the parser rejects the others) that
   * are valid updates of stored endpoints but would be rejected as new ones, which only the stored Ids can tell.
   */
  long incomplete() {
    return incomplete;
  }

  @Override
  public boolean isZero() {
    return count == 0 && incomplete == 0 && !overflowed;
  }

  @Override
  public AccumulatorV2<long[], RecordKeys> copy() {
    RecordKeys c = new RecordKeys(cap, taskCap);
    c.merge(this);
    return c;
  }

  @Override
  public void reset() {
    chunks.clear();
    open = new long[CHUNK];
    used = 0;
    count = 0;
    incomplete = 0;
    overflowed = false;
  }

  @Override
  public void add(long[] keys) {
    if (overflowed) {
      return;
    }
    // Called in the tasks: each keeps at most its share.
    if (count >= taskCap) {
      overflow();
      return;
    }
    if (used == open.length) {
      chunks.add(open);
      open = new long[CHUNK];
      used = 0;
    }
    System.arraycopy(keys, 0, open, used, 4);
    used += 4;
    count++;
  }

  @Override
  public void merge(AccumulatorV2<long[], RecordKeys> other) {
    RecordKeys o = (RecordKeys) other;
    incomplete += o.incomplete;
    if (overflowed || o.overflowed || count + o.count > cap) {
      overflow();
      return;
    }
    if (used > 0) {
      chunks.add(java.util.Arrays.copyOf(open, used));
      open = new long[CHUNK];
      used = 0;
    }
    chunks.addAll(o.chunks);
    if (o.used > 0) {
      chunks.add(java.util.Arrays.copyOf(o.open, o.used));
    }
    count += o.count;
  }

  private void overflow() {
    chunks.clear();
    open = new long[0];
    used = 0;
    overflowed = true;
  }

  @Override
  public RecordKeys value() {
    return this;
  }

  /** Spark logs accumulators; the value is this object, so it must not print itself through the value. */
  @Override
  public String toString() {
    return "RecordKeys(" + count + " records" + (overflowed ? ", overflowed" : "") + ")";
  }

  /**
   * Why Pinpoint's rules across records would change what the records write, or null when they would not: an Id
   * twice, a ChannelType and Address twice, a user with more than {@code maxPerUser} records, or a user whose
   * records carry different UserAttributes.
   */
  String conflict(int maxPerUser) {
    int capacity = Integer.highestOneBit((int) Math.max(16, Math.min(1 << 29, count * 2)) - 1) << 1;
    long[] ids = new long[capacity];
    long[] addresses = new long[capacity];
    long[] users = new long[capacity];
    long[] userAttributes = new long[capacity];
    int[] perUser = new int[capacity];
    List<long[]> all = new ArrayList<>(chunks);
    all.add(java.util.Arrays.copyOf(open, used));
    for (long[] chunk : all) {
      for (int i = 0; i + 3 < chunk.length; i += 4) {
        if (chunk[i] == 0) {
          continue;
        }
        if (slot(ids, chunk[i]) < 0) {
          return "an endpoint Id occurs more than once";
        }
        if (chunk[i + 1] != 0 && slot(addresses, chunk[i + 1]) < 0) {
          return "a ChannelType and Address occur more than once";
        }
        if (chunk[i + 2] != 0) {
          int s = slot(users, chunk[i + 2]);
          int at = s < 0 ? -s - 1 : s;
          if (s >= 0) {
            userAttributes[at] = chunk[i + 3];
          } else if (userAttributes[at] != chunk[i + 3]) {
            return "a user's records carry different UserAttributes";
          }
          if (++perUser[at] > maxPerUser) {
            return "a user has more than " + maxPerUser + " endpoints";
          }
        }
      }
    }
    return null;
  }

  /** Inserts {@code key} into an open-addressing set: its new slot, or {@code -slot - 1} when already there. */
  private static int slot(long[] table, long key) {
    int mask = table.length - 1;
    int i = (int) (key ^ (key >>> 32)) & mask;
    while (table[i] != 0) {
      if (table[i] == key) {
        return -i - 1;
      }
      i = (i + 1) & mask;
    }
    table[i] = key;
    return i;
  }
}
