package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointEnums.AttributeKind;
import io.lakecast.model.Ids;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.LakecastSession;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one write path for endpoints, used by imports and by update-endpoint(s). Input: accepted parsed records
 * ({@link EndpointParser#PARSED_SCHEMA} rows with an Id and their RecordHash). Of several records with one Id the
 * last in file order wins.
 *
 * <ol>
 *   <li>An application's first write is a plain append, unless a rule across its records (same address, user
 *       attributes) has something to do.
 *   <li>Otherwise each record's hash is compared with the stored {@code RecordHash} of its endpoint; a record that
 *       wrote the endpoint as it is now is skipped (re-importing a file writes only what changed).
 *   <li>The changed records are applied with {@link EndpointMerge}'s assignments, then Pinpoint's two side effects:
 *       other endpoints with the same ChannelType and Address become INACTIVE, and user attributes are merged into
 *       every endpoint of the user. A few changed records go through Delta MERGEs (they touch few files). Many go
 *       through one pass over the application's endpoints with the changes' keys broadcast (a MERGE would shuffle
 *       every stored row): {@link EndpointReplace} writes only the touched endpoints and marks their old rows
 *       deleted (deletion vectors); past its limits ({@link #replaceMax} changes, or too many deleted rows) the pass
 *       rewrites the application's partition in one commit. Every path gives the same table; a test holds them to
 *       it.
 * </ol>
 */
public final class EndpointUpsert {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointUpsert.class);
  /** Above this many stored endpoints the (Id, RecordHash, UserId) keys are joined by shuffle, not broadcast. */
  private static final long BROADCAST_KEYS_MAX = 5_000_000;
  /**
   * Driver heap per change that {@link EndpointReplace} may take: its {@link ChangeKeys} cost about 200 bytes a
   * change (up to three tables of 16-byte slots, two to four slots a key, and their broadcast's serialized copy), so
   * that at this many the keys stay within a tenth of the heap.
   */
  static final long REPLACE_HEAP_PER_CHANGE = 2048;

  private EndpointUpsert() {}

  /**
   * What the upsert did: how it wrote ({@code append}, {@code unchanged}, {@code merge}, {@code replace} or
   * {@code rewrite}) and how
   * many records changed an endpoint (not counted for the append, -1).
   */
  public record Result(String path, long changed) {}

  /** Upserts accepted records of one application. */
  public static Result upsert(Warehouse warehouse, String appId, Dataset<Row> records) {
    return upsert(warehouse, appId, new AppCatalog(warehouse).removedAttributes(appId), records, Known.NOTHING);
  }

  /** What the caller of {@link #upsert} knows of its records. */
  public enum Known {
    /** Nothing. */
    NOTHING,
    /**
     * No Id and no ChannelType and Address occurs twice among the records, and each user's records carry the same
     * UserAttributes: the side effects' records are then the changed records themselves, and the pass over all the
     * records that finds them is skipped.
     */
    INDEPENDENT;

    boolean independent() {
      return this != NOTHING;
    }
  }

  /** As above, with the application's removed attributes already read and what is {@code known} of the records. */
  public static Result upsert(Warehouse warehouse, String appId, Map<AttributeKind, List<String>> removed,
      Dataset<Row> records, Known known) {
    var spark = warehouse.spark();
    String now = Ids.now();
    Dataset<Row> latest = known.independent() ? records : latest(records);
    Dataset<Row> stored = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId));
    long storedCount = stored.count();
    if (storedCount == 0 && conflict(latest, Integer.MAX_VALUE) == null) {
      // The app's first write, and no rule across records applies: a plain append does what the MERGE would.
      warehouse.append(Table.ENDPOINTS, EndpointMerge.inserted(source(latest, removed, appId, now)));
      return new Result("append", -1);
    }
    String staging = warehouse.staging("upsert/") + Ids.random();
    long started = System.nanoTime();
    try {
      LakecastSession.describe(spark, "upsert", "Compare records with the " + storedCount + " stored endpoints");
      Dataset<Row> changed = changed(latest, stored, storedCount);
      // The changed records, as endpoint rows, are written aside once: every later step reads them.
      staged(source(changed, removed, appId, now)).parquet(staging);
      Dataset<Row> source = spark.read().parquet(staging);
      long changes = source.count();
      LOG.info("Upsert into {}: {} record(s) change an endpoint, the rest match the {} stored ({} ms)", appId, changes,
          storedCount, (System.nanoTime() - started) / 1_000_000);
      if (changes == 0) {
        return new Result("unchanged", 0);
      }
      Dataset<Row> related;
      if (known.independent()) {
        related = changesAsRelated(source);
      } else {
        related(latest, source).write().parquet(staging + "-related");
        related = spark.read().parquet(staging + "-related");
      }
      return apply(warehouse, appId, removed, storedCount, source, changes, related, known.independent(), started);
    } finally {
      warehouse.delete(staging);
      warehouse.delete(staging + "-related");
    }
  }

  /**
   * Upserts the changes of a one-pass re-import: {@code changes} are endpoint rows ({@link #source}'s columns),
   * written aside, {@code count} of them, each changing its endpoint, and independent (see
   * {@link Known#INDEPENDENT}), compared with the application's {@code storedCount} endpoints.
   */
  public static Result upsertChanges(Warehouse warehouse, String appId, Map<AttributeKind, List<String>> removed,
      Dataset<Row> changes, long count, long storedCount) {
    long started = System.nanoTime();
    LOG.info("Upsert into {}: {} record(s) change an endpoint, the rest match the {} stored", appId, count,
        storedCount);
    if (count == 0) {
      return new Result("unchanged", 0);
    }
    return apply(warehouse, appId, removed, storedCount, changes, count, changesAsRelated(changes), true, started);
  }

  /**
   * Applies {@code changes} changed records ({@code source}, endpoint rows) and their side effects, whose records
   * are {@code related} (see {@link #related}), by MERGE, replace or rewrite.
   */
  private static Result apply(Warehouse warehouse, String appId, Map<AttributeKind, List<String>> removed,
      long storedCount, Dataset<Row> source, long changes, Dataset<Row> related, boolean independent, long started) {
    var spark = warehouse.spark();
    LakecastConf conf = LakecastConf.from(spark);
    Dataset<Row> keepers = addressKeepers(related, independent);
    Dataset<Row> perUser = userAttributes(related, removed);
    if (changes <= conf.upsertMergeMaxRows()) {
      LakecastSession.describe(spark, "upsert", "Merge " + changes + " changed endpoint(s)");
      merge(warehouse, appId, source, keepers, perUser);
      LOG.info("Upsert into {}: merged in {} ms", appId, (System.nanoTime() - started) / 1_000_000);
      return new Result("merge", changes);
    }
    LakecastSession.describe(spark, "upsert", "Replace the endpoints " + changes + " change(s) touch");
    boolean small = changes <= conf.upsertBroadcastMaxRows();
    if (changes <= replaceMax(Runtime.getRuntime().maxMemory()) && conf.upsertDeletionVectors()
        && EndpointReplace.replace(warehouse, appId, source, changes, keepers, perUser, independent, small)) {
      return new Result("replace", changes);
    }
    LakecastSession.describe(spark, "upsert", "Rewrite " + storedCount + " endpoint(s) with " + changes + " change(s)");
    // Read here, the only path that needs the stored endpoints as a table: MERGE and replace read them themselves.
    Dataset<Row> stored = warehouse.read(Table.ENDPOINTS).filter(col("ApplicationId").equalTo(appId));
    rewrite(warehouse, appId, stored, source, keepers, perUser, small);
    LOG.info("Upsert into {}: rewrote the application's endpoints in {} ms", appId,
        (System.nanoTime() - started) / 1_000_000);
    return new Result("rewrite", changes);
  }

  /**
   * The most changes {@link EndpointReplace} takes with a driver heap of {@code maxHeap} bytes (beyond them, the
   * rewrite): those its keys fit in a tenth of the heap, and never fewer than the changes broadcast by default.
   */
  static long replaceMax(long maxHeap) {
    return Math.max(LakecastConf.UPSERT_BROADCAST_MAX_ROWS_DEFAULT, maxHeap / REPLACE_HEAP_PER_CHANGE);
  }

  /**
   * The records that change an endpoint: those whose RecordHash is not the stored endpoint's (or whose endpoint is
   * new). The stored endpoints' keys (Id, RecordHash, UserId; 64-bit hashes of the strings) are broadcast unless
   * there are more than {@code storedCount} allows. A column {@code _newForUser} says whether the record gives its
   * User.UserId an endpoint the user does not have yet (a new endpoint, or one of another user or none): only such
   * records can take a user past the per-user limit.
   */
  public static Dataset<Row> changed(Dataset<Row> records, Dataset<Row> stored, long storedCount) {
    // The stored Id's hash, never null, also says whether the record's endpoint is stored.
    Dataset<Row> keys = stored.select(xxhash64(col("Id")).as("_storedId"), col("RecordHash").as("_storedHash"),
        when(col("User.UserId").isNotNull(), xxhash64(col("User.UserId"))).as("_storedUser"));
    if (storedCount <= BROADCAST_KEYS_MAX) {
      keys = broadcast(keys);
    }
    Dataset<Row> withKey = records.withColumn("_idHash", xxhash64(col("Id")));
    Column unchanged = col("_storedId").isNotNull().and(col("RecordHash").equalTo(col("_storedHash")));
    Column newForUser = col("UserId").isNotNull().and(col("_storedId").isNull()
        .or(col("_storedUser").isNull()).or(xxhash64(col("UserId")).notEqual(col("_storedUser"))));
    return withKey
        .join(keys, col("_idHash").equalTo(col("_storedId")), "left")
        .filter(coalesce(unchanged, lit(false)).equalTo(lit(false)))
        .withColumn("_newForUser", newForUser)
        .drop("_idHash", "_storedId", "_storedHash", "_storedUser");
  }

  /**
   * A writer of endpoint rows ({@link #source}'s columns) staged aside as Parquet, with the endpoints table's
   * per-column writer settings plus {@code line}'s: no dictionary for the (nearly) unique columns, where building
   * one only costs the writer time before it gives up on it.
   */
  public static DataFrameWriter<Row> staged(Dataset<Row> rows) {
    DataFrameWriter<Row> writer = rows.write().option("parquet.enable.dictionary#line", "false");
    for (Map.Entry<String, String> e : Table.ENDPOINTS.properties().entrySet()) {
      if (e.getKey().startsWith("parquet.")) {
        writer = writer.option(e.getKey(), e.getValue());
      }
    }
    return writer;
  }

  /** The last record of each Id in file order (the sort only runs when some Id repeats). */
  static Dataset<Row> latest(Dataset<Row> records) {
    boolean duplicates =
        !records.groupBy(xxhash64(col("Id")).as("h")).count().filter(col("count").gt(1)).isEmpty();
    return !duplicates
        ? records
        : records
            .withColumn("_rank", row_number().over(Window.partitionBy("Id").orderBy(desc("source"), desc("line"))))
            .filter(col("_rank").equalTo(1))
            .drop("_rank");
  }

  /**
   * Parsed records as endpoint rows in the table's columns plus {@code source} and {@code line}: removed attributes
   * dropped, defaults for EndpointStatus, EffectiveDate, CreationDate and CohortId; the {@code keep} columns follow.
   */
  public static Dataset<Row> source(Dataset<Row> records, Map<AttributeKind, List<String>> removed, String appId, String now,
      String... keep) {
    Column[] leading = new Column[3 + keep.length];
    leading[0] = col("source");
    leading[1] = col("line");
    leading[2] = col("RecordHash");
    Column[] kept = new Column[keep.length];
    for (int i = 0; i < keep.length; i++) {
      leading[3 + i] = col(keep[i]);
      kept[i] = col(keep[i]);
    }
    Dataset<Row> e = AttributeCapture.dropRemoved(records.select(EndpointParser.members(leading)), removed);
    return e.select(Stream.concat(Stream.of(
        lit(appId).as("ApplicationId"),
        col("Id"),
        col("Address"),
        col("ChannelType"),
        coalesce(col("EndpointStatus"), lit("ACTIVE")).as("EndpointStatus"),
        col("OptOut"),
        coalesce(col("EffectiveDate"), lit(now)).as("EffectiveDate"),
        coalesce(col("CreationDate"), lit(now)).as("CreationDate"),
        col("RequestId"),
        coalesce(col("CohortId"), pmod(xxhash64(col("Id")), lit(100)).cast("string")).as("CohortId"),
        col("Demographic"),
        col("Location"),
        col("Attributes"),
        col("Metrics"),
        col("User"),
        col("RecordHash"),
        col("source"),
        col("line")), Stream.of(kept)).toArray(Column[]::new));
  }

  /**
   * The write's records (changed or not) that the two side effects look at: those with the ChannelType and Address
   * of a changed record ({@code _byAddress}) and those of a changed record's user ({@code _byUser}). One pass over
   * the records, with the changed addresses and users broadcast.
   */
  static Dataset<Row> related(Dataset<Row> latest, Dataset<Row> source) {
    Dataset<Row> addresses = source.filter(col("Address").isNotNull().and(col("ChannelType").isNotNull()))
        .select(col("ChannelType").as("_c"), col("Address").as("_a"), lit(true).as("_byAddress")).distinct();
    Dataset<Row> users = source.filter(col("User.UserId").isNotNull())
        .select(col("User.UserId").as("_u"), lit(true).as("_byUser")).distinct();
    return latest
        .join(broadcast(addresses), col("ChannelType").equalTo(col("_c")).and(col("Address").equalTo(col("_a"))),
            "left")
        .join(broadcast(users), col("UserId").equalTo(col("_u")), "left")
        .filter(col("_byAddress").isNotNull().or(col("_byUser").isNotNull()))
        .drop("_c", "_a", "_u");
  }

  /**
   * {@link #related}'s rows when no address repeats among the records and each user's records carry the same
   * UserAttributes: then the last record with a changed record's address is that record, and any of a user's
   * records gives the user's UserAttributes, so the changed records alone are enough.
   */
  static Dataset<Row> changesAsRelated(Dataset<Row> source) {
    return source
        .withColumn("_byAddress", when(col("Address").isNotNull().and(col("ChannelType").isNotNull()), lit(true)))
        .withColumn("_byUser", when(col("User.UserId").isNotNull(), lit(true)));
  }

  /**
   * Per ChannelType and Address of a changed record: the Id that keeps it ACTIVE, the last record with that address
   * in file order among all the write's records (changed or not), as if every record were written in order.
   * {@code independent}: no address repeats among the records (see {@link Known}), and no ranking is needed.
   */
  static Dataset<Row> addressKeepers(Dataset<Row> related, boolean independent) {
    Dataset<Row> withAddress = related.filter(col("_byAddress").isNotNull());
    // Independent records: no address repeats among them, so each is the last (and only) one with its address.
    Dataset<Row> last = independent ? withAddress : withAddress
        .withColumn("_rank", row_number().over(
            Window.partitionBy(col("ChannelType"), col("Address")).orderBy(desc("source"), desc("line"))))
        .filter(col("_rank").equalTo(1));
    return last.select(col("ChannelType").as("_channel"), col("Address").as("_address"), col("Id").as("_keeper"));
  }

  /**
   * Per user of a changed record: the UserAttributes of the user's last record carrying some, in file order among
   * all the write's records, and that record's Id.
   */
  static Dataset<Row> userAttributes(Dataset<Row> related, Map<AttributeKind, List<String>> removed) {
    Dataset<Row> users = related.filter(col("_byUser").isNotNull()).select(col("source"), col("line"), col("Id"),
        col("User"));
    return AttributeCapture.dropRemoved(users, Map.of(AttributeKind.USER, removed.getOrDefault(AttributeKind.USER,
            List.of())))
        .filter(col("User.UserId").isNotNull().and(col("User.UserAttributes").isNotNull()))
        .withColumn("_rank", row_number().over(
            Window.partitionBy(col("User.UserId")).orderBy(desc("source"), desc("line"))))
        .filter(col("_rank").equalTo(1))
        .select(col("User.UserId").as("_user"), col("User.UserAttributes").as("_attributes"), col("Id").as("_from"));
  }

  /** The few-changes path: a MERGE of the changes, then one MERGE per side effect. */
  static void merge(Warehouse warehouse, String appId, Dataset<Row> source, Dataset<Row> keepers,
      Dataset<Row> perUser) {
    warehouse
        .delta(Table.ENDPOINTS)
        .as(EndpointMerge.TARGET)
        .merge(source.as(EndpointMerge.SOURCE), EndpointMerge.condition(appId))
        .whenMatched()
        .update(EndpointMerge.update())
        .whenNotMatched()
        .insert(EndpointMerge.insert())
        .execute();
    warehouse
        .delta(Table.ENDPOINTS)
        .as("t")
        .merge(keepers.as("s"), col("t.ApplicationId").equalTo(lit(appId))
            .and(col("t.ChannelType").equalTo(col("s._channel")))
            .and(col("t.Address").equalTo(col("s._address")))
            .and(EndpointMerge.deactivates(col("t.Id"), col("t.EndpointStatus"), col("s._keeper"))))
        .whenMatched()
        .update(Map.of("EndpointStatus", lit("INACTIVE"), "RecordHash", EndpointMerge.NO_HASH))
        .execute();
    if (perUser.isEmpty()) {
      return;
    }
    warehouse
        .delta(Table.ENDPOINTS)
        .as("t")
        .merge(perUser.as("s"), col("t.ApplicationId").equalTo(lit(appId))
            .and(col("t.User.UserId").equalTo(col("s._user")))
            // In the condition, not a clause: endpoints the sync leaves alone are then not touched at all.
            .and(EndpointMerge.syncs(col("t.Id"), col("t.User"), col("s._attributes"), col("s._from"))))
        .whenMatched()
        .update(Map.of(
            "User", EndpointMerge.synced(col("t.User"), col("s._attributes")),
            "RecordHash", EndpointMerge.NO_HASH))
        .execute();
  }

  /**
   * The many-changes path without deletion vectors: one pass over the application's stored endpoints with the
   * changes (and the two side effects' keys) broadcast, the new endpoints added, and the application's partition
   * replaced in one commit.
   */
  static void rewrite(Warehouse warehouse, String appId, Dataset<Row> stored, Dataset<Row> source,
      Dataset<Row> keepers, Dataset<Row> perUser, boolean small) {
    applied(stored, source, keepers, perUser, small, true)
        .write()
        .format("delta")
        .mode("overwrite")
        .option("replaceWhere", "ApplicationId = '" + appId.replace("'", "''") + "'")
        .save(warehouse.path(Table.ENDPOINTS));
  }

  /**
   * The endpoints after the write, in the table's columns: the {@code stored} ones with the changes of
   * {@code source} applied ({@link EndpointMerge}'s assignments), the new ones, and the two side effects
   * ({@code keepers}, {@code perUser}; both null when the caller knows they touch no endpoint, which leaves their
   * joins and expressions out of the plan). {@code small}: the changes and keys are broadcast; {@code inserts}: some
   * change may be a new endpoint (false when the caller knows every one is stored).
   */
  static Dataset<Row> applied(Dataset<Row> stored, Dataset<Row> source, Dataset<Row> keepers, Dataset<Row> perUser,
      boolean small, boolean inserts) {
    UnaryOperator<Dataset<Row>> hint = d -> small ? broadcast(d) : d;
    String[] columns = Table.Schemas.ENDPOINTS.fieldNames();
    Column[] tableColumns = Arrays.stream(columns).map(n -> col(n)).toArray(Column[]::new);
    Map<String, Column> update = EndpointMerge.update();
    // The changes in the table's columns only: a smaller broadcast.
    Dataset<Row> changes = source.select(tableColumns);
    Dataset<Row> joined = stored.as(EndpointMerge.TARGET).join(hint.apply(changes).as(EndpointMerge.SOURCE),
        col(EndpointMerge.TARGET + ".Id").equalTo(col(EndpointMerge.SOURCE + ".Id")), "left");
    Column matched = col(EndpointMerge.SOURCE + ".Id").isNotNull();
    Dataset<Row> updated = joined.select(Arrays.stream(columns).map(n -> {
      Column kept = col(EndpointMerge.TARGET + "." + n);
      return (update.containsKey(n) ? when(matched, update.get(n)).otherwise(kept) : kept).as(n);
    }).toArray(Column[]::new));
    Dataset<Row> all = updated;
    if (inserts) {
      Dataset<Row> storedIds = stored.select(col("Id")).join(hint.apply(source.select(col("Id"))), "Id");
      all = updated.unionByName(EndpointMerge.inserted(
          source.join(hint.apply(storedIds), source.col("Id").equalTo(storedIds.col("Id")), "left_anti")));
    }
    if (keepers == null && perUser == null) {
      return all.select(tableColumns);
    }
    Dataset<Row> written = all
        .join(hint.apply(keepers),
            col("ChannelType").equalTo(col("_channel")).and(col("Address").equalTo(col("_address"))), "left")
        .join(hint.apply(perUser), col("User.UserId").equalTo(col("_user")), "left");
    Column deactivate = EndpointMerge.deactivates(col("Id"), col("EndpointStatus"), col("_keeper"));
    Column sync = EndpointMerge.syncs(col("Id"), col("User"), col("_attributes"), col("_from"));
    return written
        .withColumn("RecordHash", when(deactivate.or(sync), EndpointMerge.NO_HASH).otherwise(col("RecordHash")))
        .withColumn("EndpointStatus", when(deactivate, lit("INACTIVE")).otherwise(col("EndpointStatus")))
        .withColumn("User", when(sync, EndpointMerge.synced(col("User"), col("_attributes"))).otherwise(col("User")))
        .select(tableColumns);
  }

  /**
   * Why Pinpoint's rules across records would change the {@code endpoints} written (columns Id, ChannelType,
   * Address, User), or null when they would not. One pass and one shuffle of 64-bit keys; a hash collision only
   * sends the import down the general path.
   */
  public static String conflict(Dataset<Row> endpoints, int maxEndpointsPerUser) {
    Column attributesHash = EndpointMerge.mapHash(col("User.UserAttributes"));
    Dataset<Row> keys = endpoints.select(explode(array(
        struct(lit(1).as("kind"), xxhash64(col("Id")).as("key"), lit(0L).as("v")),
        struct(lit(2).as("kind"), when(col("Address").isNotNull().and(col("ChannelType").isNotNull()),
            xxhash64(col("ChannelType"), col("Address"))).as("key"), lit(0L).as("v")),
        struct(lit(3).as("kind"), when(col("User.UserId").isNotNull(), xxhash64(col("User.UserId"))).as("key"),
            attributesHash.as("v")))).as("k"))
        .select(col("k.*"))
        .filter(col("key").isNotNull());
    List<Row> found = keys.groupBy(col("kind"), col("key"))
        .agg(count(lit(1)).as("n"), min(col("v")).as("lo"), max(col("v")).as("hi"))
        .filter(col("kind").lt(3).and(col("n").gt(1))
            .or(col("kind").equalTo(3).and(col("n").gt(maxEndpointsPerUser).or(col("lo").notEqual(col("hi"))))))
        .select(col("kind")).limit(1).collectAsList();
    if (found.isEmpty()) {
      return null;
    }
    return switch (found.get(0).getInt(0)) {
      case 1 -> "an endpoint Id occurs more than once";
      case 2 -> "a ChannelType and Address occur more than once";
      default -> "a user has more than " + maxEndpointsPerUser + " endpoints or records with different UserAttributes";
    };
  }
}
