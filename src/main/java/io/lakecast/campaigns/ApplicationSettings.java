package io.lakecast.campaigns;

import static org.apache.spark.sql.functions.col;

import io.delta.tables.DeltaTable;
import io.lakecast.LakecastErrors;
import io.lakecast.model.AppShapes.ApplicationSettingsResource;
import io.lakecast.model.AppShapes.WriteApplicationSettingsRequest;
import io.lakecast.model.CampaignShapes.CampaignLimits;
import io.lakecast.model.Ids;
import io.lakecast.model.PinpointJson;
import io.lakecast.warehouse.AppCatalog;
import io.lakecast.warehouse.Table;
import io.lakecast.warehouse.Warehouse;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * An application's settings ({@code WriteApplicationSettingsRequest}): the defaults every campaign of the
 * application inherits. One row per application in {@code app_settings}; an update replaces the whole request, as
 * Pinpoint's UpdateApplicationSettings does. Members Lakecast cannot apply yet are refused by name, never stored
 * and ignored.
 */
public final class ApplicationSettings {
  static final String SHAPE = "WriteApplicationSettingsRequest";
  private static final WriteApplicationSettingsRequest NONE =
      new WriteApplicationSettingsRequest(null, null, null, null, null, null, null);

  private final Warehouse warehouse;

  public ApplicationSettings(Warehouse warehouse) {
    this.warehouse = warehouse;
  }

  /** Checks the request is one Lakecast applies; errors name the member. */
  public static void validate(WriteApplicationSettingsRequest r) {
    SegmentHook.validate(SHAPE, "CampaignHook", r.campaignHook());
    QuietTimes.validate(SHAPE, "QuietTime", r.quietTime());
    validateLimits(SHAPE, "Limits", r.limits());
    Integer control = r.globalControlGroupPercent();
    if (control != null && (control < 0 || control > 100)) {
      throw LakecastErrors.invalidMember(SHAPE, "GlobalControlGroupPercent", control + " is not between 0 and 100");
    }
  }

  /**
   * Campaign limits, in a campaign or as the application's defaults, in Pinpoint's ranges: {@code Daily} and
   * {@code Total} 0–100, {@code MessagesPerSecond} 1–20,000, {@code MaximumDuration} at least 60 seconds.
   * {@code Session} 0–100: the in-app messages one session may show (get-in-app-messages gives it as SessionCap).
   */
  static void validateLimits(String shape, String path, CampaignLimits l) {
    if (l == null) {
      return;
    }
    range(shape, path + ".Daily", l.daily(), 0, 100);
    range(shape, path + ".Total", l.total(), 0, 100);
    range(shape, path + ".Session", l.session(), 0, 100);
    range(shape, path + ".MessagesPerSecond", l.messagesPerSecond(), 1, 20_000);
    range(shape, path + ".MaximumDuration", l.maximumDuration(), 60, Integer.MAX_VALUE);
  }

  private static void range(String shape, String path, Integer v, int min, int max) {
    if (v != null && (v < min || v > max)) {
      throw LakecastErrors.invalidMember(shape, path, v + (max == Integer.MAX_VALUE ? " is less than " + min
          : " is not between " + min + " and " + max));
    }
  }

  /** Replaces the application's settings; returns them as get-application-settings prints them. */
  public ApplicationSettingsResource update(String applicationId, WriteApplicationSettingsRequest request) {
    new AppCatalog(warehouse).require(applicationId);
    validate(request);
    String now = Ids.now();
    Row row = RowFactory.create(applicationId, PinpointJson.compact(request), now);
    warehouse.ensure(Table.APP_SETTINGS);
    DeltaTable.forPath(warehouse.spark(), warehouse.path(Table.APP_SETTINGS)).as("s")
        .merge(warehouse.spark().createDataFrame(List.of(row), Table.APP_SETTINGS.schema()).as("n"),
            col("s.ApplicationId").equalTo(col("n.ApplicationId")))
        .whenMatched().updateAll()
        .whenNotMatched().insertAll()
        .execute();
    return resource(applicationId, request, now);
  }

  /** The application's settings (all members absent until the first update). */
  public ApplicationSettingsResource get(String applicationId) {
    new AppCatalog(warehouse).require(applicationId);
    List<Row> rows = stored(applicationId);
    return rows.isEmpty() ? resource(applicationId, NONE, null)
        : resource(applicationId, parse(rows.get(0)), rows.get(0).getString(1));
  }

  /** The settings a campaign run inherits. */
  WriteApplicationSettingsRequest of(String applicationId) {
    List<Row> rows = stored(applicationId);
    return rows.isEmpty() ? NONE : parse(rows.get(0));
  }

  private List<Row> stored(String applicationId) {
    return warehouse.read(Table.APP_SETTINGS).filter(col("ApplicationId").equalTo(applicationId))
        .select(col("Settings"), col("LastModifiedDate")).collectAsList();
  }

  private static WriteApplicationSettingsRequest parse(Row r) {
    return PinpointJson.parse(r.getString(0), WriteApplicationSettingsRequest.class, SHAPE, "app_settings table");
  }

  /**
   * The response shape has no {@code CloudWatchMetricsEnabled} or {@code EventTaggingEnabled} (Pinpoint's does not
   * either): they are stored, not echoed.
   */
  private static ApplicationSettingsResource resource(String applicationId, WriteApplicationSettingsRequest r,
      String lastModified) {
    return new ApplicationSettingsResource(applicationId, r.campaignHook(), lastModified, r.limits(), r.quietTime(),
        r.journeyLimits(), r.globalControlGroupPercent());
  }
}
