package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The keys by which a write's changes touch stored endpoints, as 64-bit hashes in primitive tables: the changed
 * Ids, the ChannelType and Address of a changed record with the Id that keeps it ACTIVE, and per user the hash of the
 * incoming UserAttributes (and the Id of the record they came from, when known). Collected to the driver in one small
 * job and broadcast, they are looked up per stored row by {@link #touches}: no broadcast join, no shuffle to rank or
 * group the keys. A hash collision only touches an endpoint needlessly, except one of two different UserAttributes
 * (as unlikely as one of two RecordHashes).
 */
final class ChangeKeys implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LongTable ids;
  private final LongTable keepers;
  private final LongTable userAttributes;
  private final LongTable userFrom;

  private ChangeKeys(int ids, int keepers, int users, int from) {
    this.ids = new LongTable(ids);
    this.keepers = new LongTable(keepers);
    this.userAttributes = new LongTable(users);
    this.userFrom = new LongTable(from);
  }

  /**
   * The keys of independent changes ({@link EndpointUpsert.Known#INDEPENDENT}), {@code changes} of them: each changed
   * record keeps its own address, and any of a user's records carries the user's UserAttributes (the smallest hash
   * is kept, so that the choice does not depend on the order rows arrive in). One pass over the changes, read a
   * partition at a time: the driver holds the tables, not a row per change.
   */
  static ChangeKeys ofIndependent(Dataset<Row> source, long changes) {
    Column id = xxhash64(col("Id"));
    Iterator<Row> rows = source.select(id,
        when(col("ChannelType").isNotNull().and(col("Address").isNotNull()),
            xxhash64(col("ChannelType"), col("Address"))),
        when(col("User.UserId").isNotNull().and(col("User.UserAttributes").isNotNull()),
            xxhash64(col("User.UserId"))),
        EndpointMerge.entriesHash(col("User.UserAttributes")))
        .toLocalIterator();
    int n = Math.toIntExact(changes);
    ChangeKeys keys = new ChangeKeys(n, n, n, 0);
    while (rows.hasNext()) {
      Row r = rows.next();
      long idHash = r.getLong(0);
      keys.ids.put(idHash, 0L);
      if (!r.isNullAt(1)) {
        keys.keepers.put(r.getLong(1), idHash);
      }
      if (!r.isNullAt(2)) {
        Long known = keys.userAttributes.get(r.getLong(2));
        keys.userAttributes.put(r.getLong(2), known == null ? r.getLong(3) : Math.min(known, r.getLong(3)));
      }
    }
    return keys;
  }

  /**
   * The keys of any changes: the changed Ids from {@code source}, and the side effects' keys from {@code keepers}
   * and {@code perUser} (see {@link EndpointUpsert#addressKeepers} and {@link EndpointUpsert#userAttributes}), in
   * three small jobs.
   */
  static ChangeKeys of(Dataset<Row> source, Dataset<Row> keepers, Dataset<Row> perUser) {
    List<Row> ids = source.select(xxhash64(col("Id"))).collectAsList();
    List<Row> addresses = keepers.select(xxhash64(col("_channel"), col("_address")), xxhash64(col("_keeper")))
        .collectAsList();
    List<Row> users = perUser.select(xxhash64(col("_user")), EndpointMerge.entriesHash(col("_attributes")),
        xxhash64(col("_from"))).collectAsList();
    ChangeKeys keys = new ChangeKeys(ids.size(), addresses.size(), users.size(), users.size());
    ids.forEach(r -> keys.ids.put(r.getLong(0), 0L));
    addresses.forEach(r -> keys.keepers.put(r.getLong(0), r.getLong(1)));
    for (Row r : users) {
      keys.userAttributes.put(r.getLong(0), r.getLong(1));
      keys.userFrom.put(r.getLong(0), r.getLong(2));
    }
    return keys;
  }

  /**
   * Per stored row (the endpoints' columns), whether a change touches it: {@code _byId} (its Id is changed) and
   * {@code _sideEffect} (another record's address deactivates it, or its user's UserAttributes change it), as
   * {@link EndpointMerge#deactivates} and {@link EndpointMerge#syncs} decide, on the hashes. A user's endpoint whose
   * UserAttributes already are the incoming ones, entry for entry, is left alone (merging them in changes nothing);
   * the same entries in another order only touch it needlessly.
   */
  static Dataset<Row> touches(SparkSession spark, Dataset<Row> stored, ChangeKeys keys) {
    Broadcast<ChangeKeys> b = new JavaSparkContext(spark.sparkContext()).broadcast(keys);
    UserDefinedFunction byId = udf((UDF1<Long, Boolean>) id -> b.value().ids.contains(id), DataTypes.BooleanType);
    UserDefinedFunction deactivated = udf((UDF2<Long, Long, Boolean>) (id, address) -> {
      Long keeper = b.value().keepers.get(address);
      return keeper != null && keeper.longValue() != id.longValue();
    }, DataTypes.BooleanType);
    // The incoming UserAttributes' hash for an endpoint of a changed user, unless the endpoint is the record they
    // came from; null otherwise.
    UserDefinedFunction synced = udf((UDF2<Long, Long, Long>) (id, user) -> {
      Long attributes = b.value().userAttributes.get(user);
      Long from = attributes == null ? null : b.value().userFrom.get(user);
      return attributes == null || from != null && from.longValue() == id.longValue() ? null : attributes;
    }, DataTypes.LongType);
    Column id = xxhash64(col("Id"));
    Dataset<Row> looked = stored
        .withColumn("_byId", byId.apply(id))
        .withColumn("_deactivated", deactivated.apply(id, xxhash64(col("ChannelType"), col("Address")))
            .and(col("EndpointStatus").notEqual(lit("INACTIVE"))))
        .withColumn("_syncedWith",
            when(col("User.UserId").isNotNull(), synced.apply(id, xxhash64(col("User.UserId")))));
    // The UserAttributes are hashed only for the endpoints of a changed user.
    Column byUser = when(col("_syncedWith").isNotNull(),
        EndpointMerge.entriesHash(col("User.UserAttributes")).notEqual(col("_syncedWith")));
    return looked
        .withColumn("_sideEffect", coalesce(col("_deactivated"), lit(false)).or(coalesce(byUser, lit(false))))
        .drop("_deactivated", "_syncedWith");
  }

  /**
   * Long keys to long values in open addressing: a few megabytes for a hundred thousand keys. Most lookups are of
   * keys it does not hold (the stored rows no change touches), so a bit set of 16 bits per key, small enough to stay
   * in the processor's cache, answers most of them without touching the table; a lookup that passes it reads one or
   * two cache lines of keys. Key 0 marks an empty slot and is held aside.
   */
  static final class LongTable implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final long SLOT_MIX = 0x9E3779B97F4A7C15L;
    private static final long FILTER_MIX = 0xC2B2AE3D27D4EB4FL;
    private final long[] keys;
    private final long[] values;
    private final int mask;
    /** 64 minus the table's size in bits: a slot is the top bits of the key's multiplicative hash. */
    private final int shift;
    /** One bit per filter position, set for each key held; a clear bit means the key is not held. */
    private final long[] filter;
    private final int filterShift;
    private boolean hasZero;
    private long zeroValue;
    private int size;

    LongTable(int expected) {
      int capacity = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) << 1;
      keys = new long[capacity];
      values = new long[capacity];
      mask = capacity - 1;
      shift = 64 - Integer.numberOfTrailingZeros(capacity);
      // 16 bits per key (8 per slot): about one lookup in sixteen of a key not held passes the filter.
      int filterBits = capacity * 8;
      filter = new long[filterBits / Long.SIZE];
      filterShift = 64 - Integer.numberOfTrailingZeros(filterBits);
    }

    private int slot(long key) {
      // The keys are hashes already; the multiply mixes every bit of them into the top bits a slot is taken from.
      return (int) ((key * SLOT_MIX) >>> shift);
    }

    private int filterBit(long key) {
      return (int) ((key * FILTER_MIX) >>> filterShift);
    }

    private boolean mayHold(long key) {
      int bit = filterBit(key);
      return (filter[bit >>> 6] & (1L << bit)) != 0;
    }

    /** The slot holding {@code key} (not 0), or the empty one where it would go. */
    private int find(long key) {
      int i = slot(key);
      while (keys[i] != 0 && keys[i] != key) {
        i = (i + 1) & mask;
      }
      return i;
    }

    /** Sets the value of a key. Past half full, the table would slow down: it is sized for its keys up front. */
    void put(long key, long value) {
      if (key == 0) {
        if (!hasZero) {
          checkRoom();
          hasZero = true;
          size++;
        }
        zeroValue = value;
        return;
      }
      int i = find(key);
      if (keys[i] == 0) {
        checkRoom();
        keys[i] = key;
        int bit = filterBit(key);
        filter[bit >>> 6] |= 1L << bit;
        size++;
      }
      values[i] = value;
    }

    private void checkRoom() {
      if (size + 1 > keys.length / 2) {
        throw new IllegalStateException("LongTable sized for " + keys.length / 2 + " keys is full");
      }
    }

    Long get(long key) {
      if (key == 0) {
        return hasZero ? zeroValue : null;
      }
      if (!mayHold(key)) {
        return null;
      }
      int i = find(key);
      return keys[i] == 0 ? null : values[i];
    }

    boolean contains(long key) {
      if (key == 0) {
        return hasZero;
      }
      return mayHold(key) && keys[find(key)] != 0;
    }

    int size() {
      return size;
    }
  }
}
