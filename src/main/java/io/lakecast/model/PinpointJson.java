package io.lakecast.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.lakecast.LakecastErrors;
import io.lakecast.LakecastException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Reads and writes Pinpoint-shaped JSON strictly: unknown members, wrong types and invalid enum values are errors
 * that name the member path (e.g. {@code MessageConfiguration.EmailMessage.Subject}) and the valid choices.
 */
public final class PinpointJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .serializationInclusion(JsonInclude.Include.NON_NULL)
          .build();
  private static final ObjectMapper COMPACT =
      MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

  private PinpointJson() {}

  /** The strict mapper (shared, thread-safe). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses {@code json} as the Pinpoint shape {@code type}.
   *
   * @param shape the shape's Pinpoint name, used in error messages
   * @param source where the JSON came from (a file, an option), used in error messages
   */
  public static <T> T parse(String json, Class<T> type, String shape, String source) {
    try {
      return MAPPER.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw translate(e, shape, source);
    }
  }

  /** Indented JSON, members in declaration order, nulls left out: what commands print. */
  public static String pretty(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** One-line JSON, nulls left out: what tables and outbox files hold. */
  public static String compact(Object value) {
    try {
      return COMPACT.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  /** Turns a Jackson failure into a user-facing error naming the member path. */
  public static LakecastException translate(JsonProcessingException e, String shape, String source) {
    if (e instanceof UnrecognizedPropertyException u) {
      String path = path(u, u.getPropertyName());
      TreeSet<String> known = new TreeSet<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      }
      return LakecastErrors.unknownMember(shape, path, known);
    }
    if (e instanceof InvalidFormatException f && f.getTargetType() != null && f.getTargetType().isEnum()) {
      List<String> valid =
          Arrays.stream(f.getTargetType().getEnumConstants()).map(String::valueOf).toList();
      return LakecastErrors.invalidEnum(shape, path(f, null), String.valueOf(f.getValue()), valid);
    }
    if (e instanceof MismatchedInputException m && m.getPath() != null && !m.getPath().isEmpty()) {
      Class<?> target = m.getTargetType();
      return LakecastErrors.typeMismatch(shape, path(m, null), describe(target));
    }
    String detail = e.getOriginalMessage();
    if (e.getLocation() != null) {
      detail += " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
    }
    return LakecastErrors.malformedJson(shape, source, detail);
  }

  private static String describe(Class<?> target) {
    if (target == null) {
      return "a value of another type";
    }
    if (target == Integer.class || target == int.class || target == Long.class) {
      return "an integer";
    }
    if (target == Double.class || target == double.class) {
      return "a number";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "true or false";
    }
    if (target == String.class) {
      return "a string";
    }
    if (java.util.List.class.isAssignableFrom(target)) {
      return "a list";
    }
    if (java.util.Map.class.isAssignableFrom(target)) {
      return "an object (map)";
    }
    if (target.isEnum()) {
      return "one of " + Arrays.toString(target.getEnumConstants());
    }
    return "an object (" + target.getSimpleName() + ")";
  }

  private static String path(JsonMappingException e, String leaf) {
    StringBuilder sb = new StringBuilder();
    List<JsonMappingException.Reference> refs = e.getPath();
    for (int i = 0; i < refs.size(); i++) {
      JsonMappingException.Reference r = refs.get(i);
      if (r.getFieldName() != null) {
        if (leaf != null && i == refs.size() - 1 && r.getFieldName().equals(leaf)) {
          break;
        }
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    if (leaf != null) {
      if (sb.length() > 0) {
        sb.append('.');
      }
      sb.append(leaf);
    }
    return sb.length() == 0 ? "(root)" : sb.toString();
  }
}
