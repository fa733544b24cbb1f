package io.lakecast.templates;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.github.jknack.handlebars.Context;
import com.github.jknack.handlebars.EscapingStrategy;
import com.github.jknack.handlebars.Handlebars;
import com.github.jknack.handlebars.HandlebarsException;
import com.github.jknack.handlebars.Template;
import com.github.jknack.handlebars.helper.ConditionalHelpers;
import com.github.jknack.handlebars.helper.StringHelpers;
import io.lakecast.LakecastErrors;
import io.lakecast.dispatch.Personalizer;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.TemplateShapes.TemplateType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders message variables with Handlebars (Pinpoint's template syntax): {@code {{Attributes.X}}},
 * {@code {{User.UserAttributes.X}}}, {@code {{Demographic.X}}}, {@code {{Location.X}}}, {@code {{Metrics.X}}},
 * {@code {{Address}}}, {@code {{Id}}} and the rest of the endpoint record, with {@code #if}, {@code #each}, index
 * syntax ({@code Attributes.X.[0]}) and the conditional and string helpers (eq, neq, gt, gte, lt, lte, and, or, not;
 * upper, lower, capitalize, …).
 *
 * <ul>
 *   <li>Every text member of the message is a template. {@code HtmlBody} is HTML-escaped ({@code {{{X}}}} is not);
 *       the other members are sent as rendered.
 *   <li>A variable without a value takes the template's {@code DefaultSubstitutions}. Without a default the message
 *       is not sent: it fails with {@code RENDERING_FAILURE}, as Pinpoint drops messages that fail to render, rather
 *       than greet anyone with "Hi ,".
 *   <li>A missing value handed to a helper is the helper's to judge, as in Handlebars.js: {@code {{#if X}}} is
 *       false, {@code {{upper X}}} is empty.
 *   <li>An attribute with several values renders as Handlebars.js renders an array: the values joined by commas.
 * </ul>
 *
 * One renderer serves a campaign run: its defaults are keyed by treatment and channel. Templates are compiled once
 * per sending task.
 */
public final class MessageRenderer implements Personalizer {
  private static final long serialVersionUID = 1L;
  private static final Set<String> NOT_TEMPLATES =
      Set.of("DefaultSubstitutions", "TemplateDescription", "RecommenderId", "tags");

  private final HashMap<String, HashMap<String, String>> defaults;
  private transient Map<String, Template> compiled;
  private transient Handlebars html;
  private transient Handlebars text;

  /** @param defaults TreatmentId + "/" + ChannelType → variable → default value */
  public MessageRenderer(HashMap<String, HashMap<String, String>> defaults) {
    this.defaults = defaults;
  }

  /** Whether a message has any variable, so that a campaign without any skips rendering altogether. */
  public static boolean hasVariables(String messageJson) {
    return messageJson.contains("{{");
  }

  /** The key of {@link #MessageRenderer(HashMap)}'s defaults. */
  public static String key(String treatmentId, String channel) {
    return treatmentId + "/" + channel;
  }

  /**
   * Checks a template request or a campaign message: every text member compiles, and {@code DefaultSubstitutions}
   * is a JSON object of strings. Errors name the member.
   */
  public static void check(TemplateType type, JsonNode request) {
    String shape = type.requestShape();
    if (request.hasNonNull("DefaultSubstitutions")) {
      defaultsOf(request.get("DefaultSubstitutions").asText(), shape);
    }
    if (type != TemplateType.INAPP) {
      checkMembers(shape, "", request, new MessageRenderer(new HashMap<>()));
    }
  }

  /** Checks the text members of a campaign message ({@code shape}'s member at {@code path}). */
  public static void checkMessage(String shape, String path, JsonNode message) {
    checkMembers(shape, path + ".", message, new MessageRenderer(new HashMap<>()));
  }

  private static void checkMembers(String shape, String prefix, JsonNode node, MessageRenderer r) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (NOT_TEMPLATES.contains(e.getKey())) {
        continue;
      }
      JsonNode v = e.getValue();
      if (v.isTextual()) {
        try {
          r.template(e.getKey(), v.asText());
        } catch (HandlebarsException | IOException x) {
          throw LakecastErrors.invalidMember(shape, prefix + e.getKey(),
              "not a valid template: " + firstLine(x.getMessage()));
        }
      } else if (v.isObject()) {
        checkMembers(shape, prefix + e.getKey() + ".", v, r);
      } else if (v.isArray()) {
        for (int i = 0; i < v.size(); i++) {
          if (v.get(i).isObject()) {
            checkMembers(shape, prefix + e.getKey() + "[" + i + "].", v.get(i), r);
          }
        }
      }
    }
  }

  private static String firstLine(String s) {
    return s == null ? "" : s.lines().findFirst().orElse("");
  }

  /** A template's {@code DefaultSubstitutions}: a JSON object of variable → default value. */
  public static HashMap<String, String> defaultsOf(String json, String shape) {
    HashMap<String, String> out = new HashMap<>();
    if (json == null) {
      return out;
    }
    JsonNode n;
    try {
      n = PinpointJson.mapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw LakecastErrors.invalidMember(shape, "DefaultSubstitutions", "not JSON: " + firstLine(e.getMessage()));
    }
    if (n == null || !n.isObject()) {
      throw LakecastErrors.invalidMember(shape, "DefaultSubstitutions",
          "expected a JSON object of variable names to default values, e.g. {\"User.UserAttributes.FirstName\": "
              + "\"friend\"}");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw LakecastErrors.invalidMember(shape, "DefaultSubstitutions." + e.getKey(), "expected a string");
      }
      out.put(e.getKey(), e.getValue().asText());
    }
    return out;
  }

  @Override
  public String personalize(String treatmentId, String channel, String message, String endpointJson) {
    if (!hasVariables(message)) {
      return message;
    }
    ObjectMapper mapper = PinpointJson.mapper();
    try {
      JsonNode tree = mapper.readTree(message);
      Context context = Context.newContext(endpoint(mapper.readTree(endpointJson)));
      Map<String, String> fallback = defaults.getOrDefault(key(treatmentId, channel), new HashMap<>());
      context.data("lakecast.defaults", fallback);
      render(tree, context);
      return PinpointJson.compact(tree);
    } catch (IOException | RuntimeException e) {
      // Handlebars wraps what a helper throws; the innermost cause says what failed.
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof RenderingFailure)) {
        cause = cause.getCause();
      }
      throw cause instanceof RenderingFailure f ? f : new RenderingFailure(firstLine(cause.getMessage()));
    }
  }

  private void render(JsonNode node, Context context) throws IOException {
    if (node instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (e.getValue().isTextual() && hasVariables(e.getValue().asText())) {
          e.setValue(TextNode.valueOf(template(e.getKey(), e.getValue().asText()).apply(context)));
        } else {
          render(e.getValue(), context);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (JsonNode child : a) {
        render(child, context);
      }
    }
  }

  private Template template(String member, String source) throws IOException {
    if (compiled == null) {
      compiled = new HashMap<>();
      html = handlebars(EscapingStrategy.HTML_ENTITY);
      text = handlebars(EscapingStrategy.NOOP);
    }
    boolean escape = member.equals("HtmlBody") || member.equals("HtmlPart");
    String cacheKey = (escape ? "h:" : "t:") + source;
    Template t = compiled.get(cacheKey);
    if (t == null) {
      t = (escape ? html : text).compileInline(source);
      compiled.put(cacheKey, t);
    }
    return t;
  }

  private static Handlebars handlebars(EscapingStrategy escaping) {
    Handlebars hb = new Handlebars().with(escaping);
    hb.registerHelpers(ConditionalHelpers.class);
    hb.registerHelpers(StringHelpers.class);
    // A variable without a value: the template's default, else the message is not sent.
    hb.registerHelperMissing((ctx, options) -> {
      Map<String, String> fallback = options.data("lakecast.defaults");
      String name = options.helperName;
      if (fallback != null && fallback.containsKey(name)) {
        return fallback.get(name);
      }
      throw new RenderingFailure("no value and no default for {{" + name + "}}");
    });
    return hb;
  }

  /** The endpoint record as Handlebars reads it: lists render as Handlebars.js renders arrays, whole numbers whole. */
  private static Object endpoint(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), endpoint(e.getValue())));
      return m;
    }
    if (n.isArray()) {
      JsList l = new JsList();
      n.forEach(c -> l.add(endpoint(c)));
      return l;
    }
    if (n.isNumber()) {
      double d = n.asDouble();
      return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
    }
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    return n.isNull() ? null : n.asText();
  }

  /** A list whose text is its values joined by commas, as a JavaScript array's. */
  private static final class JsList extends ArrayList<Object> {
    @Override
    public String toString() {
      List<String> parts = new ArrayList<>();
      forEach(o -> parts.add(String.valueOf(o)));
      return String.join(",", parts);
    }
  }
}
