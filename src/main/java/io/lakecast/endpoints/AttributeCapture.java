package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.map_filter;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.lakecast.model.PinpointEnums.AttributeKind;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * remove-attributes semantics: an application's list of attribute names (or globs) per attribute type that are no
 * longer captured. Stored endpoints keep what they have; every later write (import, update-endpoint(s)) drops
 * those keys from the incoming record before the merge, so they are neither added nor changed.
 */
public final class AttributeCapture {
  private AttributeCapture() {}

  /**
   * A Blacklist entry as a regular expression: {@code *} is any run of characters, {@code ?} one character,
   * everything else literal (attribute names are case-sensitive).
   */
  public static String globToRegex(String glob) {
    StringBuilder re = new StringBuilder("^");
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (!literal.isEmpty()) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (!literal.isEmpty()) {
      re.append(Pattern.quote(literal.toString()));
    }
    return re.append('$').toString();
  }

  /** Whether a name is removed by any of the patterns (the plain-Java twin of {@link #dropRemoved}). */
  public static boolean isRemoved(String name, List<String> patterns) {
    return patterns.stream().anyMatch(p -> name.matches(globToRegex(p)));
  }

  /**
   * Drops removed keys from the incoming endpoint columns {@code Attributes}, {@code Metrics} and
   * {@code User.UserAttributes}; a map left empty becomes null, so the stored value stays as it was.
   */
  public static Dataset<Row> dropRemoved(Dataset<Row> endpoints, Map<AttributeKind, List<String>> removed) {
    Dataset<Row> out = endpoints;
    for (Map.Entry<AttributeKind, List<String>> e : removed.entrySet()) {
      if (e.getValue() == null || e.getValue().isEmpty()) {
        continue;
      }
      String regex = e.getValue().stream().map(AttributeCapture::globToRegex).collect(Collectors.joining("|"));
      switch (e.getKey()) {
        case CUSTOM -> out = out.withColumn("Attributes", kept(col("Attributes"), regex));
        case METRIC -> out = out.withColumn("Metrics", kept(col("Metrics"), regex));
        case USER -> out = out.withColumn("User", when(col("User").isNull(), col("User")).otherwise(struct(
            kept(col("User.UserAttributes"), regex).as("UserAttributes"), col("User.UserId").as("UserId"))));
      }
    }
    return out;
  }

  private static Column kept(Column map, String regex) {
    Column filtered = map_filter(map, (k, v) -> not(k.rlike(regex)));
    return when(map.isNull().or(size(filtered).equalTo(0)), null).otherwise(filtered);
  }
}
