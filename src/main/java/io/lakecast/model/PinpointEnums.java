package io.lakecast.model;

import io.lakecast.LakecastErrors;
import java.util.Arrays;

/** Pinpoint's enums, spelled exactly as the model ({@code pinpoint-service-2.json}) spells their values. */
public final class PinpointEnums {
  private PinpointEnums() {}

  /** Endpoint channel types. */
  public enum ChannelType {
    PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, SMS, VOICE, EMAIL, BAIDU, CUSTOM, IN_APP;

    /** Push channels, which a campaign's push message or {@code DefaultMessage} reaches. */
    public boolean isPush() {
      return switch (this) {
        case PUSH, GCM, APNS, APNS_SANDBOX, APNS_VOIP, APNS_VOIP_SANDBOX, ADM, BAIDU -> true;
        default -> false;
      };
    }
  }

  /** Import and export file formats. */
  public enum Format { CSV, JSON }

  /** Import/export job states. */
  public enum JobStatus {
    CREATED, PREPARING_FOR_INITIALIZATION, INITIALIZING, PROCESSING, PENDING_JOB, COMPLETING, COMPLETED, FAILING,
    FAILED
  }

  /** Attribute dimension operators. */
  public enum AttributeType { INCLUSIVE, EXCLUSIVE, CONTAINS, BEFORE, AFTER, ON, BETWEEN }

  /** Set dimension operators. */
  public enum DimensionType { INCLUSIVE, EXCLUSIVE }

  /** Recency windows. */
  public enum Duration { HR_24, DAY_7, DAY_14, DAY_30 }

  /** Recency type. */
  public enum RecencyType { ACTIVE, INACTIVE }

  /** How segment groups combine. */
  public enum Include { ALL, ANY, NONE }

  /** How source segments combine. */
  public enum SourceType { ALL, ANY, NONE }

  /** How a group's dimension sets combine. */
  public enum Type { ALL, ANY, NONE }

  /** Campaign schedule frequencies. */
  public enum Frequency { ONCE, HOURLY, DAILY, WEEKLY, MONTHLY, EVENT, IN_APP_EVENT }

  /** Campaign states. */
  public enum CampaignStatus { SCHEDULED, EXECUTING, PENDING_NEXT_RUN, COMPLETED, PAUSED, DELETED, INVALID }

  /** Push actions. */
  public enum Action { OPEN_APP, DEEP_LINK, URL }

  /** In-app message layouts. */
  public enum Layout { BOTTOM_BANNER, TOP_BANNER, OVERLAYS, MOBILE_FEED, MIDDLE_BANNER, CAROUSEL }

  /** SMS message types. */
  public enum MessageType { TRANSACTIONAL, PROMOTIONAL }

  /** Campaign hook modes. */
  public enum Mode { DELIVERY, FILTER }

  /** Event filter types. */
  public enum FilterType { SYSTEM, ENDPOINT }

  /** Segment types. */
  public enum SegmentType { DIMENSIONAL, IMPORT }

  /** The {@code attribute-type} path parameter of RemoveAttributes and the endpoint member it governs. */
  public enum AttributeKind {
    CUSTOM("endpoint-custom-attributes"),
    METRIC("endpoint-metric-attributes"),
    USER("endpoint-user-attributes");

    public final String wireName;

    AttributeKind(String wireName) {
      this.wireName = wireName;
    }

    /** The kind named by the request, or a BadRequest listing the valid names. */
    public static AttributeKind of(String wireName) {
      for (AttributeKind k : values()) {
        if (k.wireName.equals(wireName)) {
          return k;
        }
      }
      throw LakecastErrors.invalidEnum("RemoveAttributesRequest", "AttributeType", String.valueOf(wireName),
          Arrays.stream(values()).map(k -> k.wireName).toList());
    }
  }
}
