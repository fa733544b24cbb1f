package io.lakecast.imports;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.filter;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.lakecast.warehouse.EndpointForgetter;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The import pipeline's part of a deletion: drops {@code import_rejects} rows whose raw record or message quotes a
 * deleted address, and removes such messages from the import jobs' {@code Failures}.
 */
public final class ImportForgetter implements EndpointForgetter {
  private final Warehouse warehouse;

  public ImportForgetter(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  @Override
  public void forget(String applicationId, List<String> endpointIds, List<String> addresses) {
    if (addresses.isEmpty()) {
      return;
    }
    // The addresses travel as merge source data, never as literals in a predicate: Delta records predicates in
    // its transaction log (commitInfo), which VACUUM does not remove.
    Dataset<Row> source =
        warehouse.spark().createDataFrame(
            List.of(RowFactory.create(applicationId, addresses.toArray(String[]::new))),
            new StructType().add("app", "string").add("addrs", DataTypes.createArrayType(DataTypes.StringType)));
    Column addrs = col("s.addrs");
    warehouse.delta(Table.IMPORT_REJECTS).as("t")
        .merge(source.as("s"), col("t.ApplicationId").equalTo(col("s.app"))
            .and(mentions(col("t.raw"), addrs).or(mentions(col("t.message"), addrs))))
        .whenMatched().delete()
        .execute();
    warehouse.delta(Table.JOBS).as("t")
        .merge(source.as("s"), col("t.ApplicationId").equalTo(col("s.app"))
            .and(mentions(col("t.Failures").cast("string"), addrs)))
        .whenMatched()
        .update(Map.of("Failures", filter(col("t.Failures"), f -> not(mentions(f, addrs)))))
        .execute();
  }

  /** Whether the text contains any of the addresses (an array column). */
  private static Column mentions(Column text, Column addresses) {
    return coalesce(exists(addresses, a -> text.contains(a)), lit(false));
  }
}
