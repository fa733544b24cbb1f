package io.lakecast.templates;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointJson;
import io.lakecast.model.TemplateShapes.CreateTemplateMessageBody;
import io.lakecast.model.TemplateShapes.MessageBody;
import io.lakecast.model.TemplateShapes.TemplateResponse;
import io.lakecast.model.TemplateShapes.TemplateType;
import io.lakecast.model.TemplateShapes.TemplateVersionResponse;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Message templates with versions, as Pinpoint keeps them: account-wide (not per application), keyed by name and
 * type, one row per version in {@code templates}. Version 1 is active when created; {@code update-…-template}
 * changes the latest version (or the one named) in place, or with {@code --create-new-version} adds one that is not
 * active until {@code update-template-active-version} makes it so. A campaign that names a template without a version
 * uses the active one. Every text member must be a valid template (Handlebars) and {@code DefaultSubstitutions} a
 * JSON object of strings, checked when written.
 */
public final class TemplateCatalog {
  private final Warehouse warehouse;
  private final LakecastConf conf;

  public TemplateCatalog(Warehouse warehouse) {
    this.warehouse = warehouse;
    this.conf = LakecastConf.from(warehouse.spark());
  }

  /** A stored template version: its request JSON and metadata. */
  public record Stored(String name, TemplateType type, int version, JsonNode request, String creationDate,
      String lastModifiedDate, boolean active) {}

  /** create-…-template: version 1, active. */
  public CreateTemplateMessageBody create(TemplateType type, String name, Object request) {
    checkName(name);
    String json = validated(type, request);
    if (!versions(type, name).isEmpty()) {
      throw LakecastErrors.templateAlreadyExists(type.name(), name);
    }
    String now = Ids.now();
    // Insert-only MERGE on the key: of two creations at once one conflicts instead of both writing version 1.
    write(List.of(RowFactory.create(name, type.name(), 1, json, now, now, true)));
    return new CreateTemplateMessageBody(arn(type, name), "Created", Ids.random());
  }

  /**
   * update-…-template: with {@code createNewVersion}, adds the next version (not active); otherwise replaces the
   * version named, else the latest, keeping its creation date and whether it is active.
   */
  public MessageBody update(TemplateType type, String name, Object request, boolean createNewVersion,
      String version) {
    String json = validated(type, request);
    if (createNewVersion && version != null) {
      throw LakecastErrors.invalidOption("--version", version,
          "no version with --create-new-version (a new version is numbered after the latest)");
    }
    List<Stored> all = requireVersions(type, name);
    Stored latest = all.get(all.size() - 1);
    String now = Ids.now();
    if (createNewVersion) {
      write(List.of(RowFactory.create(name, type.name(), latest.version() + 1, json, now, now, false)));
    } else {
      Stored target = version == null ? latest : find(all, type, name, version);
      warehouse.delta(Table.TEMPLATES).update(key(type, name).and(col("Version").equalTo(target.version())),
          Map.of("Request", lit(json), "LastModifiedDate", lit(now)));
    }
    return new MessageBody("Accepted", Ids.random());
  }

  /** get-…-template: the version named, else the active one, as Pinpoint's …TemplateResponse. */
  public ObjectNode get(TemplateType type, String name, String version) {
    return response(resolve(type, name, version));
  }

  /** The version a campaign uses: the one named, else the active one. */
  public Stored resolve(TemplateType type, String name, String version) {
    List<Stored> all = requireVersions(type, name);
    if (version != null) {
      return find(all, type, name, version);
    }
    return all.stream().filter(Stored::active).findFirst()
        .orElseThrow(() -> LakecastErrors.templateNotFound(type.name(), name, "(active)"));
  }

  /**
   * delete-…-template: the version named, else every version. The active version cannot be deleted while other
   * versions remain: make another one active first.
   */
  public MessageBody delete(TemplateType type, String name, String version) {
    List<Stored> all = requireVersions(type, name);
    if (version == null) {
      warehouse.delta(Table.TEMPLATES).delete(key(type, name));
    } else {
      Stored target = find(all, type, name, version);
      if (target.active() && all.size() > 1) {
        throw LakecastErrors.invalidOption("--version", version, "a version that is not the active one (make "
            + "another version active with update-template-active-version first, or delete every version)");
      }
      warehouse.delta(Table.TEMPLATES).delete(key(type, name).and(col("Version").equalTo(target.version())));
    }
    return new MessageBody("Accepted", Ids.random());
  }

  /** update-template-active-version. */
  public MessageBody activate(TemplateType type, String name, String version) {
    Stored target = find(requireVersions(type, name), type, name, version);
    warehouse.delta(Table.TEMPLATES).update(key(type, name),
        Map.of("Active", col("Version").equalTo(target.version())));
    return new MessageBody("Accepted", Ids.random());
  }

  /** list-templates: the active version of every template, by name, optionally of one type and name prefix. */
  public List<TemplateResponse> list(String prefix, TemplateType type) {
    Column filter = col("Active");
    if (type != null) {
      filter = filter.and(col("TemplateType").equalTo(type.name()));
    }
    if (prefix != null) {
      filter = filter.and(col("TemplateName").startsWith(prefix));
    }
    List<TemplateResponse> out = new ArrayList<>();
    for (Stored s : stored(filter)) {
      JsonNode r = s.request();
      out.add(new TemplateResponse(arn(s.type(), s.name()), s.creationDate(), text(r, "DefaultSubstitutions"),
          s.lastModifiedDate(), tags(r), text(r, "TemplateDescription"), s.name(), s.type(),
          String.valueOf(s.version())));
    }
    return out;
  }

  /** list-template-versions, oldest first. */
  public List<TemplateVersionResponse> versionList(TemplateType type, String name) {
    List<TemplateVersionResponse> out = new ArrayList<>();
    for (Stored s : requireVersions(type, name)) {
      out.add(new TemplateVersionResponse(s.creationDate(), text(s.request(), "DefaultSubstitutions"),
          s.lastModifiedDate(), text(s.request(), "TemplateDescription"), s.name(), s.type().name(),
          String.valueOf(s.version())));
    }
    return out;
  }

  private static String text(JsonNode n, String member) {
    return n.hasNonNull(member) ? n.get(member).asText() : null;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> tags(JsonNode n) {
    return n.hasNonNull("tags") ? PinpointJson.mapper().convertValue(n.get("tags"), Map.class) : null;
  }

  /** The request's members plus the template's metadata, as Pinpoint's …TemplateResponse. */
  private ObjectNode response(Stored s) {
    ObjectNode out = PinpointJson.mapper().createObjectNode();
    out.put("Arn", arn(s.type(), s.name()));
    out.put("CreationDate", s.creationDate());
    out.setAll((ObjectNode) s.request().deepCopy());
    out.put("LastModifiedDate", s.lastModifiedDate());
    out.put("TemplateName", s.name());
    out.put("TemplateType", s.type().name());
    out.put("Version", String.valueOf(s.version()));
    return out;
  }

  private String arn(TemplateType type, String name) {
    return Ids.arn(conf.region(), conf.accountId(), "templates/" + name + "/" + type.name());
  }

  private static void checkName(String name) {
    if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_-]{0,127}")) {
      throw LakecastErrors.invalidOption("--template-name", String.valueOf(name),
          "up to 128 letters, digits, '_' or '-', starting with a letter or digit");
    }
  }

  /** The request as stored JSON, after checking its templates and default substitutions. */
  private static String validated(TemplateType type, Object request) {
    JsonNode tree = PinpointJson.mapper().valueToTree(request);
    MessageRenderer.check(type, tree);
    return PinpointJson.compact(tree);
  }

  private void write(List<Row> rows) {
    warehouse.delta(Table.TEMPLATES).as("t")
        .merge(warehouse.spark().createDataFrame(rows, Table.TEMPLATES.schema()).as("n"),
            col("t.TemplateName").equalTo(col("n.TemplateName"))
                .and(col("t.TemplateType").equalTo(col("n.TemplateType")))
                .and(col("t.Version").equalTo(col("n.Version"))))
        .whenNotMatched().insertAll()
        .execute();
  }

  private static Column key(TemplateType type, String name) {
    return col("TemplateName").equalTo(name).and(col("TemplateType").equalTo(type.name()));
  }

  private List<Stored> versions(TemplateType type, String name) {
    return stored(key(type, name));
  }

  private List<Stored> requireVersions(TemplateType type, String name) {
    List<Stored> all = versions(type, name);
    if (all.isEmpty()) {
      throw LakecastErrors.templateNotFound(type.name(), name, null);
    }
    return all;
  }

  private static Stored find(List<Stored> all, TemplateType type, String name, String version) {
    return all.stream().filter(s -> String.valueOf(s.version()).equals(version)).findFirst()
        .orElseThrow(() -> LakecastErrors.templateNotFound(type.name(), name, version));
  }

  private List<Stored> stored(Column filter) {
    List<Stored> out = new ArrayList<>();
    for (Row r : warehouse.read(Table.TEMPLATES).filter(filter).collectAsList()) {
      JsonNode request;
      try {
        request = PinpointJson.mapper().readTree(r.getString(3));
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw PinpointJson.translate(e, "template", "templates table");
      }
      out.add(new Stored(r.getString(0), TemplateType.valueOf(r.getString(1)), r.getInt(2), request,
          r.getString(4), r.getString(5), r.getBoolean(6)));
    }
    out.sort(Comparator.comparing(Stored::name).thenComparing(s -> s.type().name())
        .thenComparingInt(Stored::version));
    return out;
  }
}
