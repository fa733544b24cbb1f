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
public final class EndpointRows {
  static {
    if (EndpointParser.PARSED_SCHEMA.size() > Long.SIZE) {
      throw new IllegalStateException("A parsed record's fields must fit the 64 bits of OnRead's mask");
    }
  }

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

  /**
   * The record as Spark's internal row (strings as UTF8String, maps as MapData). An accepted record's fields are
   * built when Spark first reads them: a re-import reads only the Id and RecordHash of a record that changes
   * nothing before it drops it, and building its other members would be most of the cost of reading it.
   */
  public static InternalRow internal(String source, long line, String raw, long hash, EndpointParser.Parsed parsed) {
    if (parsed.rejection() == null) {
      return new OnRead(source, line, hash, parsed);
    }
    return new GenericInternalRow(values(INTERNAL, source, line, raw, hash, parsed));
  }

  /** The record as an external {@link Row}. */
  static Row external(String source, long line, String raw, long hash, EndpointParser.Parsed parsed) {
    return new GenericRowWithSchema(values(EXTERNAL, source, line, raw, hash, parsed), EndpointParser.PARSED_SCHEMA);
  }

  private static Object[] values(Form f, String source, long line, String raw, long hash, EndpointParser.Parsed p) {
    Object[] v = new Object[EndpointParser.PARSED_SCHEMA.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = field(f, i, source, line, raw, hash, p);
    }
    return v;
  }

  /** Field {@code i} of {@link EndpointParser#PARSED_SCHEMA} for the record: the one layout of both forms. */
  private static Object field(Form f, int i, String source, long line, String raw, long hash, EndpointParser.Parsed p) {
    if (i == 0) {
      return f.text(source);
    }
    if (i == 1) {
      return line;
    }
    if (p.rejection() != null) {
      return switch (i) {
        case 2 -> f.text(p.rejection().reason().name());
        case 3 -> f.text(p.rejection().message());
        case 4 -> f.text(raw);
        default -> null;
      };
    }
    EndpointImportItem e = p.item();
    return switch (i) {
      case 2, 3, 4 -> null;
      case 5 -> hash;
      case 6 -> f.text(e.user() == null ? null : e.user().userId());
      default -> member(f, i - EndpointParser.MEMBERS_AT, e);
    };
  }

  /** Endpoint member {@code k} (from {@code Id} on) of an accepted record. */
  private static Object member(Form f, int k, EndpointImportItem e) {
    EndpointUser user = e.user();
    return switch (k) {
      case 0 -> f.text(EndpointParser.endpointId(e));
      case 1 -> f.text(e.address());
      case 2 -> f.text(e.channelType() == null ? null : e.channelType().name());
      case 3 -> f.text(e.endpointStatus());
      case 4 -> f.text(e.optOut());
      case 5 -> f.text(e.effectiveDate());
      case 6 -> f.text(e.creationDate());
      case 7 -> f.text(e.requestId());
      case 8 -> f.text(e.cohortId());
      case 9 -> demographic(f, e.demographic());
      case 10 -> location(f, e.location());
      case 11 -> multiValued(f, e.attributes());
      case 12 -> e.metrics() == null ? null : f.map(e.metrics(), x -> x);
      case 13 -> user == null
          ? null
          : f.struct(new Object[] {multiValued(f, user.userAttributes()), f.text(user.userId())},
              Table.Schemas.USER);
      default -> throw new IllegalArgumentException("No endpoint member " + k + " in the parsed records' schema");
    };
  }

  /**
   * An accepted record as an internal row whose fields are built on first read (Spark reads a data source's rows
   * through {@code genericGet}), each once. Rows are read by one task's thread.
   */
  private static final class OnRead extends GenericInternalRow {
    private final String source;
    private final long line;
    private final long hash;
    private final EndpointParser.Parsed parsed;
    /** Bit i: field i is built. */
    private long built;

    OnRead(String source, long line, long hash, EndpointParser.Parsed parsed) {
      super(new Object[EndpointParser.PARSED_SCHEMA.size()]);
      this.source = source;
      this.line = line;
      this.hash = hash;
      this.parsed = parsed;
    }

    @Override
    public Object genericGet(int ordinal) {
      Object[] v = values();
      if ((built & (1L << ordinal)) == 0) {
        v[ordinal] = field(INTERNAL, ordinal, source, line, null, hash, parsed);
        built |= 1L << ordinal;
      }
      return v[ordinal];
    }

    @Override
    public void update(int i, Object value) {
      super.update(i, value);
      built |= 1L << i;
    }

    @Override
    public void setNullAt(int i) {
      super.setNullAt(i);
      built |= 1L << i;
    }

    @Override
    public scala.collection.immutable.Seq<Object> toSeq(
        scala.collection.immutable.Seq<org.apache.spark.sql.types.DataType> fieldTypes) {
      for (int i = 0; i < numFields(); i++) {
        genericGet(i);
      }
      return super.toSeq(fieldTypes);
    }
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
