package io.lakecast.endpoints;

import io.lakecast.model.EndpointShapes.EndpointDemographic;
import io.lakecast.model.EndpointShapes.EndpointImportItem;
import io.lakecast.model.EndpointShapes.EndpointLocation;
import io.lakecast.model.EndpointShapes.EndpointUser;
import io.lakecast.warehouse.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * A parsed record as a row of {@link EndpointParser#PARSED_SCHEMA}, in either of Spark's two row forms: the internal
 * form that the import data source hands straight to Spark (no conversion, the cheap path for millions of rows) and
 * the external {@link Row} for the few records of an API request. One layout, two builders.
 */
final class EndpointRows {
  private EndpointRows() {}

  /** How one row form spells strings, structs, arrays and maps. */
  private interface Form {
    Object text(String s);

    Object struct(Object[] values, StructType type);

    Object array(List<?> values);

    Object map(Map<String, ?> m, java.util.function.Function<Object, Object> value);
  }

  private static final Form INTERNAL = new Form() {
    @Override
    public Object text(String s) {
      return s == null ? null : UTF8String.fromString(s);
    }

    @Override
    public Object struct(Object[] values, StructType type) {
      return new GenericInternalRow(values);
    }

    @Override
    public Object array(List<?> values) {
      Object[] out = new Object[values.size()];
      for (int i = 0; i < out.length; i++) {
        Object v = values.get(i);
        out[i] = v instanceof String s ? UTF8String.fromString(s) : v;
      }
      return new GenericArrayData(out);
    }

    @Override
    public Object map(Map<String, ?> m, java.util.function.Function<Object, Object> value) {
      Object[] keys = new Object[m.size()];
      Object[] values = new Object[m.size()];
      int i = 0;
      for (Map.Entry<String, ?> e : m.entrySet()) {
        keys[i] = UTF8String.fromString(e.getKey());
        values[i++] = value.apply(e.getValue());
      }
      return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
    }
  };

  private static final Form EXTERNAL = new Form() {
    @Override
    public Object text(String s) {
      return s;
    }

    @Override
    public Object struct(Object[] values, StructType type) {
      return new GenericRowWithSchema(values, type);
    }

    @Override
    public Object array(List<?> values) {
      return new ArrayList<>(values);
    }

    @Override
    public Object map(Map<String, ?> m, java.util.function.Function<Object, Object> value) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, value.apply(v)));
      return out;
    }
  };

  /** The record as Spark's internal row (strings as UTF8String, maps as MapData). */
  static InternalRow internal(String source, long line, String raw, long hash, EndpointParser.Parsed parsed) {
    return new GenericInternalRow(values(INTERNAL, source, line, raw, hash, parsed));
  }

  /** The record as an external {@link Row}. */
  static Row external(String source, long line, String raw, long hash, EndpointParser.Parsed parsed) {
    return new GenericRowWithSchema(values(EXTERNAL, source, line, raw, hash, parsed), EndpointParser.PARSED_SCHEMA);
  }

  private static Object[] values(Form f, String source, long line, String raw, long hash, EndpointParser.Parsed p) {
    Object[] v = new Object[EndpointParser.PARSED_SCHEMA.size()];
    v[0] = f.text(source);
    v[1] = line;
    if (p.rejection() != null) {
      v[2] = f.text(p.rejection().reason().name());
      v[3] = f.text(p.rejection().message());
      v[4] = f.text(raw);
      return v;
    }
    EndpointImportItem e = p.item();
    EndpointUser user = e.user();
    v[5] = hash;
    v[6] = f.text(user == null ? null : user.userId());
    int m = EndpointParser.MEMBERS_AT;
    v[m] = f.text(EndpointParser.endpointId(e));
    v[m + 1] = f.text(e.address());
    v[m + 2] = f.text(e.channelType() == null ? null : e.channelType().name());
    v[m + 3] = f.text(e.endpointStatus());
    v[m + 4] = f.text(e.optOut());
    v[m + 5] = f.text(e.effectiveDate());
    v[m + 6] = f.text(e.creationDate());
    v[m + 7] = f.text(e.requestId());
    v[m + 8] = f.text(e.cohortId());
    v[m + 9] = demographic(f, e.demographic());
    v[m + 10] = location(f, e.location());
    v[m + 11] = multiValued(f, e.attributes());
    v[m + 12] = e.metrics() == null ? null : f.map(e.metrics(), x -> x);
    v[m + 13] = user == null
        ? null
        : f.struct(new Object[] {multiValued(f, user.userAttributes()), f.text(user.userId())}, Table.Schemas.USER);
    return v;
  }

  private static Object multiValued(Form f, Map<String, List<String>> m) {
    return m == null ? null : f.map(m, x -> x == null ? null : f.array((List<?>) x));
  }

  private static Object demographic(Form f, EndpointDemographic d) {
    if (d == null) {
      return null;
    }
    return f.struct(new Object[] {
      f.text(d.appVersion()), f.text(d.locale()), f.text(d.make()), f.text(d.model()), f.text(d.modelVersion()),
      f.text(d.platform()), f.text(d.platformVersion()), f.text(d.timezone())
    }, Table.Schemas.DEMOGRAPHIC);
  }

  private static Object location(Form f, EndpointLocation l) {
    if (l == null) {
      return null;
    }
    return f.struct(new Object[] {
      f.text(l.city()), f.text(l.country()), l.latitude(), l.longitude(), f.text(l.postalCode()), f.text(l.region())
    }, Table.Schemas.LOCATION);
  }
}
