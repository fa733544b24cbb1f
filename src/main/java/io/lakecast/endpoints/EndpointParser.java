package io.lakecast.endpoints;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.lakecast.LakecastException;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.EndpointShapes.EndpointDemographic;
import io.lakecast.model.EndpointShapes.EndpointImportItem;
import io.lakecast.model.EndpointShapes.EndpointLocation;
import io.lakecast.model.EndpointShapes.EndpointUser;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.model.PinpointJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;
import io.lakecast.warehouse.Table;

/**
 * Turns one import record (a CSV row under a dot-notation header, or an NDJSON line) into an endpoint row, or into
 * a rejection with a reason code and a message naming the member. Pure: no Spark session, no I/O.
 */
public final class EndpointParser {
  /**
   * Columns of a parsed record: where it came from and why it was rejected (null when accepted); for an accepted one
   * {@code RecordHash} (a hash of the record's text, so that re-importing an unchanged record is skipped), a flat copy
   * of User.UserId for the rules across records, and from {@link #MEMBERS_AT} on the endpoint members as the
   * endpoints table nests them ({@code Table.Schemas.ENDPOINT_MEMBERS}), Id filled in.
   */
  public static final StructType PARSED_SCHEMA =
      new StructType()
          .add("source", "string")
          .add("line", "long")
          .add("reason", "string")
          .add("message", "string")
          .add("raw", "string")
          .add("RecordHash", "long")
          .add("UserId", "string")
          .merge(Table.Schemas.ENDPOINT_MEMBERS, true);

  /** Index of the first endpoint member ({@code Id}) in {@link #PARSED_SCHEMA}. */
  static final int MEMBERS_AT = 7;

  /** Demographic members, in the order of {@link EndpointDemographic}'s components (a CSV row gathers them so). */
  private static final List<String> DEMOGRAPHIC_ORDER =
      List.of("AppVersion", "Locale", "Make", "Model", "ModelVersion", "Platform", "PlatformVersion", "Timezone");
  /** Location's string members (Latitude and Longitude are numbers, parsed apart). */
  private static final List<String> LOCATION_ORDER = List.of("City", "Country", "PostalCode", "Region");
  /** Top-level members: a CSV row gathers their values at these places. */
  private static final List<String> TOP_ORDER = List.of(
      "Id", "Address", "ChannelType", "EndpointStatus", "OptOut", "EffectiveDate", "CreationDate", "RequestId",
      "CohortId", "ApplicationId");
  private static final int ID = TOP_ORDER.indexOf("Id");
  private static final int ADDRESS = TOP_ORDER.indexOf("Address");
  private static final int CHANNEL_TYPE = TOP_ORDER.indexOf("ChannelType");
  private static final int ENDPOINT_STATUS = TOP_ORDER.indexOf("EndpointStatus");
  private static final int OPT_OUT = TOP_ORDER.indexOf("OptOut");
  private static final int EFFECTIVE_DATE = TOP_ORDER.indexOf("EffectiveDate");
  private static final int CREATION_DATE = TOP_ORDER.indexOf("CreationDate");
  private static final int REQUEST_ID = TOP_ORDER.indexOf("RequestId");
  private static final int COHORT_ID = TOP_ORDER.indexOf("CohortId");
  private static final int APPLICATION_ID = TOP_ORDER.indexOf("ApplicationId");
  private static final int CITY = LOCATION_ORDER.indexOf("City");
  private static final int COUNTRY = LOCATION_ORDER.indexOf("Country");
  private static final int POSTAL_CODE = LOCATION_ORDER.indexOf("PostalCode");
  private static final int REGION = LOCATION_ORDER.indexOf("Region");
  static final Set<String> DEMOGRAPHIC_MEMBERS = Set.copyOf(DEMOGRAPHIC_ORDER);
  static final Set<String> LOCATION_MEMBERS =
      Set.of("City", "Country", "Latitude", "Longitude", "PostalCode", "Region");
  static final Set<String> TOP_MEMBERS = Set.copyOf(TOP_ORDER);


  private EndpointParser() {}

  /** A record that could not be imported. */
  public record Rejection(RejectReason reason, String message) {}

  /** Either an endpoint or a rejection. */
  public record Parsed(EndpointImportItem item, Rejection rejection) {
    static Parsed ok(EndpointImportItem item) {
      return new Parsed(item, null);
    }

    static Parsed reject(RejectReason reason, String message) {
      return new Parsed(null, new Rejection(reason, message));
    }
  }

  /** Parses one NDJSON line (EndpointBatchItem members, or an EndpointResponse from a Pinpoint export). */
  public static Parsed parseJson(String line) {
    String json = stripBom(line);
    try {
      EndpointImportItem item = PinpointJson.mapper().readValue(json, EndpointImportItem.class);
      if (item == null) {
        return Parsed.reject(RejectReason.MALFORMED_JSON, "The line is JSON null, not an endpoint object");
      }
      return validate(item);
    } catch (JsonProcessingException e) {
      LakecastException le = PinpointJson.translate(e, "EndpointBatchItem", "import line");
      String msg = le.getMessage();
      RejectReason reason =
          msg.startsWith("Unknown member")
              ? RejectReason.UNKNOWN_MEMBER
              : msg.startsWith("Invalid value '")
                  ? RejectReason.INVALID_ENUM
                  : msg.startsWith("Invalid value for") ? RejectReason.TYPE_MISMATCH : RejectReason.MALFORMED_JSON;
      return Parsed.reject(reason, msg);
    }
  }

  /**
   * A CSV header compiled once per file: each column's dot-notation member, as a slot the row loop fills without
   * looking at the name again. A repeated {@code Attributes.x} or {@code User.UserAttributes.x} column adds one more
   * value to that attribute (Pinpoint's multi-value rule).
   */
  public record CsvHeader(List<String> columns, List<String> unknown, Slot[] slots) {
    /**
     * Where a column's value goes: its kind, the member or attribute name, and for a top-level, Demographic or
     * Location member its place among them (-1 otherwise).
     */
    record Slot(Kind kind, String name, int index) {
      Slot(Kind kind, String name) {
        this(kind, name, -1);
      }
    }

    enum Kind { TOP, DEMOGRAPHIC, LOCATION, LATITUDE, LONGITUDE, ATTRIBUTE, USER_ATTRIBUTE, METRIC, USER_ID }

    /** Compiles a header row; a leading BOM is ignored. */
    public static CsvHeader of(List<String> names) {
      List<String> cols = new ArrayList<>(names.size());
      List<String> unknown = new ArrayList<>();
      Slot[] slots = new Slot[names.size()];
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i) == null ? "" : names.get(i).trim();
        if (i == 0) {
          n = stripBom(n);
        }
        cols.add(n);
        if (!isKnownColumn(n)) {
          unknown.add(n);
        }
        slots[i] = slot(n);
      }
      return new CsvHeader(List.copyOf(cols), List.copyOf(unknown), slots);
    }

    private static Slot slot(String col) {
      if (col.startsWith("Attributes.")) {
        return new Slot(Kind.ATTRIBUTE, col.substring(11));
      } else if (col.startsWith("User.UserAttributes.")) {
        return new Slot(Kind.USER_ATTRIBUTE, col.substring(20));
      } else if (col.startsWith("Metrics.")) {
        return new Slot(Kind.METRIC, col.substring(8));
      } else if (col.equals("Location.Latitude")) {
        return new Slot(Kind.LATITUDE, col);
      } else if (col.equals("Location.Longitude")) {
        return new Slot(Kind.LONGITUDE, col);
      } else if (col.startsWith("Demographic.")) {
        return new Slot(Kind.DEMOGRAPHIC, col.substring(12), DEMOGRAPHIC_ORDER.indexOf(col.substring(12)));
      } else if (col.startsWith("Location.")) {
        return new Slot(Kind.LOCATION, col.substring(9), LOCATION_ORDER.indexOf(col.substring(9)));
      } else if (col.equals("User.UserId")) {
        return new Slot(Kind.USER_ID, col);
      }
      return new Slot(Kind.TOP, col, TOP_ORDER.indexOf(col));
    }

    static boolean isKnownColumn(String n) {
      if (TOP_MEMBERS.contains(n) || n.equals("User.UserId")) {
        return true;
      }
      if (n.startsWith("Demographic.")) {
        return DEMOGRAPHIC_MEMBERS.contains(n.substring(12));
      }
      if (n.startsWith("Location.")) {
        return LOCATION_MEMBERS.contains(n.substring(9));
      }
      return (n.startsWith("Attributes.") && n.length() > 11)
          || (n.startsWith("Metrics.") && n.length() > 8)
          || (n.startsWith("User.UserAttributes.") && n.length() > 20);
    }
  }

  /** Parses one CSV row under its file's header. */
  public static Parsed parseCsv(CsvHeader header, List<String> cells) {
    if (!header.unknown().isEmpty()) {
      return Parsed.reject(
          RejectReason.UNKNOWN_MEMBER,
          "Unknown CSV column(s) " + header.unknown() + "; expected dot-notation EndpointBatchItem members such as"
              + " ChannelType, Address, Id, Attributes.<name>, Metrics.<name>, Demographic.Platform,"
              + " Location.Country, User.UserId, User.UserAttributes.<name>");
    }
    if (cells.size() > header.columns().size()) {
      return Parsed.reject(
          RejectReason.MALFORMED_CSV,
          "Row has " + cells.size() + " cells but the header has " + header.columns().size() + " columns");
    }
    // A header with an unknown column was refused above: every slot's index is a member's. A member given twice
    // takes the last non-empty value, as before.
    String[] top = new String[TOP_ORDER.size()];
    String[] demo = null;
    String[] loc = null;
    Map<String, List<String>> attrs = null;
    Map<String, List<String>> userAttrs = null;
    Map<String, Double> metrics = null;
    Double lat = null;
    Double lon = null;
    String userId = null;
    for (int i = 0; i < cells.size(); i++) {
      String v = cells.get(i);
      if (v == null || v.isEmpty()) {
        continue;
      }
      CsvHeader.Slot slot = header.slots()[i];
      switch (slot.kind()) {
        case ATTRIBUTE -> {
          attrs = attrs == null ? new LinkedHashMap<>() : attrs;
          attrs.computeIfAbsent(slot.name(), k -> new ArrayList<>(2)).add(v);
        }
        case USER_ATTRIBUTE -> {
          userAttrs = userAttrs == null ? new LinkedHashMap<>() : userAttrs;
          userAttrs.computeIfAbsent(slot.name(), k -> new ArrayList<>(2)).add(v);
        }
        case METRIC, LATITUDE, LONGITUDE -> {
          Double d = parseDouble(v);
          if (d == null) {
            return Parsed.reject(RejectReason.TYPE_MISMATCH, header.columns().get(i) + ": '" + v + "' is not a number");
          }
          if (slot.kind() == CsvHeader.Kind.LATITUDE) {
            lat = d;
          } else if (slot.kind() == CsvHeader.Kind.LONGITUDE) {
            lon = d;
          } else {
            metrics = metrics == null ? new LinkedHashMap<>() : metrics;
            metrics.put(slot.name(), d);
          }
        }
        case DEMOGRAPHIC -> {
          demo = demo == null ? new String[DEMOGRAPHIC_ORDER.size()] : demo;
          demo[slot.index()] = v;
        }
        case LOCATION -> {
          loc = loc == null ? new String[LOCATION_ORDER.size()] : loc;
          loc[slot.index()] = v;
        }
        case USER_ID -> userId = v;
        case TOP -> top[slot.index()] = v;
      }
    }
    ChannelType channel = null;
    String channelText = top[CHANNEL_TYPE];
    if (channelText != null) {
      try {
        channel = ChannelType.valueOf(channelText);
      } catch (IllegalArgumentException e) {
        return Parsed.reject(
            RejectReason.INVALID_ENUM,
            "ChannelType '" + channelText + "' is not one of " + joined(ChannelType.values()));
      }
    }
    EndpointImportItem item =
        new EndpointImportItem(
            top[ADDRESS],
            attrs,
            channel,
            demo == null ? null : new EndpointDemographic(demo[0], demo[1], demo[2], demo[3], demo[4], demo[5],
                demo[6], demo[7]),
            top[EFFECTIVE_DATE],
            top[ENDPOINT_STATUS],
            top[ID],
            loc == null && lat == null && lon == null
                ? null
                : new EndpointLocation(loc == null ? null : loc[CITY], loc == null ? null : loc[COUNTRY], lat, lon,
                    loc == null ? null : loc[POSTAL_CODE], loc == null ? null : loc[REGION]),
            metrics,
            top[OPT_OUT],
            top[REQUEST_ID],
            userId == null && userAttrs == null ? null : new EndpointUser(userAttrs, userId),
            top[APPLICATION_ID],
            top[COHORT_ID],
            top[CREATION_DATE]);
    return validate(item);
  }

  /** Attribute limits, Pinpoint's by default; configurable through {@code spark.lakecast.import.*}. */
  public record Limits(int maxNameLength, int maxValueLength, int maxValues) implements java.io.Serializable {
    public static final Limits PINPOINT = new Limits(50, 100, 50);

    /** The limits the configuration sets ({@code spark.lakecast.import.maxAttribute*}). */
    public static Limits of(LakecastConf conf) {
      return new Limits(conf.maxAttributeNameLength(), conf.maxAttributeValueLength(), conf.maxAttributeValues());
    }
  }

  /** Applies the attribute limits to an accepted record (a rejected one passes through). */
  public static Parsed checkLimits(Parsed parsed, Limits limits) {
    EndpointImportItem e = parsed.item();
    if (e == null) {
      return parsed;
    }
    Parsed bad = checkMultiValued("Attributes", e.attributes(), limits);
    if (bad == null && e.user() != null) {
      bad = checkMultiValued("User.UserAttributes", e.user().userAttributes(), limits);
    }
    if (bad == null && e.metrics() != null) {
      for (String name : e.metrics().keySet()) {
        if (name.length() > limits.maxNameLength()) {
          bad = Parsed.reject(RejectReason.ATTRIBUTE_NAME_TOO_LONG, "Metrics name '" + abbreviate(name) + "' has "
              + name.length() + " characters; the limit is " + limits.maxNameLength());
          break;
        }
      }
    }
    return bad == null ? parsed : bad;
  }

  private static Parsed checkMultiValued(String member, Map<String, List<String>> m, Limits limits) {
    if (m == null) {
      return null;
    }
    for (Map.Entry<String, List<String>> a : m.entrySet()) {
      String name = a.getKey();
      if (name.length() > limits.maxNameLength()) {
        return Parsed.reject(RejectReason.ATTRIBUTE_NAME_TOO_LONG, member + " name '" + abbreviate(name) + "' has "
            + name.length() + " characters; the limit is " + limits.maxNameLength());
      }
      List<String> values = a.getValue() == null ? List.of() : a.getValue();
      if (values.size() > limits.maxValues()) {
        return Parsed.reject(RejectReason.TOO_MANY_ATTRIBUTE_VALUES, member + "." + name + " has " + values.size()
            + " values; the limit is " + limits.maxValues());
      }
      for (String v : values) {
        if (v != null && v.length() > limits.maxValueLength()) {
          return Parsed.reject(RejectReason.ATTRIBUTE_VALUE_TOO_LONG, member + "." + name + " has a value of "
              + v.length() + " characters; the limit is " + limits.maxValueLength());
        }
      }
    }
    return null;
  }

  private static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }

  /**
   * A record holding only {@code User.UserId}: in an import with DefineSegment it adds all endpoints of that user to
   * the segment (Pinpoint's user-ID-only files); it never creates an endpoint.
   */
  public static boolean isUserReference(EndpointImportItem e) {
    return (e.id() == null || e.id().isBlank()) && e.channelType() == null && e.address() == null
        && e.user() != null && e.user().userId() != null && e.user().userAttributes() == null
        && e.attributes() == null && e.demographic() == null && e.location() == null && e.metrics() == null
        && e.optOut() == null && e.endpointStatus() == null && e.effectiveDate() == null && e.requestId() == null
        && e.cohortId() == null && e.creationDate() == null;
  }

  /**
   * Pinpoint's rule for an import record that creates an endpoint: it needs ChannelType and a non-blank Address.
   * Returns the rejection, saying why the record is new ({@code newBecause}), or null when the record has both.
   */
  public static Parsed requireChannelAndAddress(EndpointImportItem item, String newBecause) {
    if (item.channelType() == null) {
      return Parsed.reject(
          RejectReason.MISSING_CHANNEL_TYPE, "ChannelType is required for a new endpoint (" + newBecause + ")");
    }
    if (item.address() == null || item.address().isBlank()) {
      return Parsed.reject(RejectReason.MISSING_ADDRESS, "Address is required for a new endpoint (" + newBecause + ")");
    }
    return null;
  }

  /** Whether a record lacks what a new endpoint needs (see {@link #requireChannelAndAddress}). */
  public static boolean lacksChannelOrAddress(EndpointImportItem item) {
    return item.channelType() == null || item.address() == null || item.address().isBlank();
  }

  /** Record-level rules shared by both formats. */
  static Parsed validate(EndpointImportItem item) {
    boolean isUpdate = item.id() != null && !item.id().isBlank();
    if (isUserReference(item)) {
      return Parsed.ok(item);
    }
    Parsed incomplete = isUpdate ? null : requireChannelAndAddress(item, "a record without Id");
    if (incomplete != null) {
      return incomplete;
    }
    if (item.optOut() != null && !item.optOut().equals("ALL") && !item.optOut().equals("NONE")) {
      return Parsed.reject(RejectReason.INVALID_ENUM, "OptOut '" + item.optOut() + "' is not one of ALL, NONE");
    }
    if (item.endpointStatus() != null
        && !item.endpointStatus().equals("ACTIVE")
        && !item.endpointStatus().equals("INACTIVE")) {
      return Parsed.reject(
          RejectReason.INVALID_ENUM, "EndpointStatus '" + item.endpointStatus() + "' is not one of ACTIVE, INACTIVE");
    }
    if (item.channelType() != null && item.address() != null) {
      String problem = addressProblem(item.channelType(), item.address());
      if (problem != null) {
        return Parsed.reject(RejectReason.INVALID_ADDRESS, problem);
      }
    }
    return Parsed.ok(item);
  }

  /** Why an address is not valid for its channel, or null when it is. */
  public static String addressProblem(ChannelType channel, String address) {
    return switch (channel) {
      case EMAIL -> isEmail(address)
          ? null
          : "Address '" + address + "' is not an email address (expected name@domain)";
      case SMS, VOICE -> isPhone(address)
          ? null
          : "Address '" + address + "' is not a phone number (expected E.164 such as +12065550100, or national"
              + " digits)";
      default -> address.isBlank() ? "Address is empty; a " + channel + " endpoint needs a device token" : null;
    };
  }
  /**
   * An email address as Pinpoint checked it: no whitespace, one {@code @} after at least one character, and a dot
   * inside the domain (the regex {@code ^[^@\s]+@[^@\s]+\.[^@\s]+$}, written out: it runs on every record).
   */
  static boolean isEmail(String a) {
    int at = -1;
    for (int i = 0; i < a.length(); i++) {
      char c = a.charAt(i);
      if (c == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      } else if (c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r') {
        return false;
      }
    }
    if (at <= 0) {
      return false;
    }
    for (int i = at + 2; i < a.length() - 1; i++) {
      if (a.charAt(i) == '.') {
        return true;
      }
    }
    return false;
  }

  /**
   * A phone number as Pinpoint accepted it: an optional {@code +}, a digit, then 5 to 19 digits, spaces, parentheses,
   * dots or dashes (the regex {@code ^\+?[0-9][0-9 ().-]{5,19}$}, written out).
   */
  static boolean isPhone(String a) {
    int first = a.startsWith("+") ? 1 : 0;
    int rest = a.length() - first - 1;
    if (rest < 5 || rest > 19 || a.charAt(first) < '0' || a.charAt(first) > '9') {
      return false;
    }
    for (int i = first + 1; i < a.length(); i++) {
      char c = a.charAt(i);
      if (!(c >= '0' && c <= '9' || c == ' ' || c == '(' || c == ')' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }


  /**
   * The endpoint Id of a record: its own, or for a record without one a deterministic name-based UUID of
   * ChannelType and Address, so that re-importing the same file updates rather than duplicates.
   */
  public static String endpointId(EndpointImportItem item) {
    if (item.id() != null && !item.id().isBlank()) {
      return item.id();
    }
    if (isUserReference(item)) {
      return null;
    }
    return derivedId(item.channelType().name(), item.address());
  }

  /** The derived Id of an endpoint with no Id of its own. */
  public static String derivedId(String channelType, String address) {
    return UUID.nameUUIDFromBytes((channelType + ":" + address).getBytes(StandardCharsets.UTF_8))
        .toString()
        .replace("-", "");
  }

  /**
   * The parsed record as an external row of {@link #PARSED_SCHEMA}, its RecordHash taken from the record's compact
   * JSON (for the few records of an API request and for tests; files go through {@link EndpointRows#internal}).
   */
  public static Row toRow(String source, long line, String raw, Parsed parsed) {
    long hash = parsed.item() == null ? 0 : recordHash(FNV_OFFSET, PinpointJson.compact(parsed.item()));
    return EndpointRows.external(source, line, raw, hash, parsed);
  }

  public static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /**
   * Folds {@code text} into a 64-bit FNV-1a record hash (start from {@link #FNV_OFFSET}; fold a CSV row's header, then
   * its cells). Compared only between records of one endpoint Id, so 64 bits are plenty.
   */
  public static long recordHash(long h, CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      h = (h ^ text.charAt(i)) * FNV_PRIME;
    }
    return (h ^ 0x1F) * FNV_PRIME;
  }

  /** The accepted records (not rejected, with an Id: user references have none) of parsed rows. */
  public static Dataset<Row> accepted(Dataset<Row> parsed) {
    return parsed.filter(col("reason").isNull().and(col("Id").isNotNull()));
  }

  /** The endpoint member columns of parsed rows ({@code ENDPOINT_MEMBERS}), after {@code leading} ones. */
  static Column[] members(Column... leading) {
    List<Column> cols = new ArrayList<>(Arrays.asList(leading));
    for (String n : Table.Schemas.ENDPOINT_MEMBERS.fieldNames()) {
      cols.add(col(n));
    }
    return cols.toArray(Column[]::new);
  }

  /** The accepted records of parsed rows as endpoint columns ({@code ENDPOINT_MEMBERS}) plus source and line. */
  public static Dataset<Row> endpoints(Dataset<Row> parsed) {
    return accepted(parsed).select(members(col("source"), col("line")));
  }

  /** The endpoint members of a parsed row as one JSON object: the raw record of a rejection decided in Spark. */
  public static Column membersJson() {
    return to_json(struct(members()));
  }

  private static Double parseDouble(String v) {
    try {
      return Double.valueOf(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String stripBom(String s) {
    return s != null && !s.isEmpty() && s.charAt(0) == '\uFEFF' ? s.substring(1) : s;
  }

  private static String joined(Object[] values) {
    return String.join(", ", Arrays.stream(values).map(String::valueOf).toList());
  }
}
