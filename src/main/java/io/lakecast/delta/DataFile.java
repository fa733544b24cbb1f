package io.lakecast.delta;

import java.util.List;
import org.apache.spark.sql.delta.actions.AddFile;

/**
 * One data file of a Delta table in a transaction's snapshot, or one written by the transaction and not committed
 * yet: its location (a Hadoop path string), the rows it holds and the rows its deletion vector deletes. Wraps Delta's
 * internal {@code AddFile}, which only this package sees.
 */
public final class DataFile {
  final AddFile add;
  private final String location;

  DataFile(AddFile add, String location) {
    this.add = add;
    this.location = location;
  }

  /** The file's absolute location, as a Hadoop path string. */
  public String location() {
    return location;
  }

  /** The rows the file holds and its deletion vector does not delete, from its statistics; -1 without them. */
  public long liveRows() {
    return add.numLogicalRecords().isDefined() ? (Long) add.numLogicalRecords().get() : -1;
  }

  /** Every row the file holds, deleted or not, from its statistics; 0 without them. */
  public long physicalRows() {
    return add.numPhysicalRecords().isDefined() ? (Long) add.numPhysicalRecords().get() : 0;
  }

  /** How many rows its deletion vector deletes. */
  public long deletedRows() {
    return add.deletionVector() == null ? 0 : add.deletionVector().cardinality();
  }

  /** Whether a deletion vector deletes some of its rows. */
  public boolean hasDeletedRows() {
    return add.deletionVector() != null;
  }

  /** How many live rows {@code files} hold, from their statistics; -1 when a file has none. */
  public static long liveRows(List<DataFile> files) {
    long rows = 0;
    for (DataFile f : files) {
      if (f.liveRows() < 0) {
        return -1;
      }
      rows += f.liveRows();
    }
    return rows;
  }

  @Override
  public String toString() {
    return location;
  }
}
