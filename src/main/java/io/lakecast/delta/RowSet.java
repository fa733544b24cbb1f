package io.lakecast.delta;

import java.util.Arrays;
import org.apache.spark.sql.delta.deletionvectors.RoaringBitmapArray;

/**
 * A set of row positions in one data file: the rows a deletion vector deletes, or rows a job marks. Wraps Delta's
 * internal bitmap type, which only this package sees.
 */
public final class RowSet {
  final RoaringBitmapArray bitmap;

  public RowSet() {
    this(new RoaringBitmapArray());
  }

  RowSet(RoaringBitmapArray bitmap) {
    this.bitmap = bitmap;
  }

  public void add(long position) {
    bitmap.add(position);
  }

  /** Adds every position of {@code other}. */
  public void addAll(RowSet other) {
    bitmap.merge(other.bitmap);
  }

  public long size() {
    return bitmap.cardinality();
  }

  /** The positions, ascending (for binary search). */
  public long[] sorted() {
    long[] rows = bitmap.values();
    Arrays.sort(rows);
    return rows;
  }
}
