package io.lakecast.warehouse;

import static org.apache.spark.sql.types.DataTypes.BooleanType;
import static org.apache.spark.sql.types.DataTypes.DoubleType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createMapType;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The warehouse's tables: name, explicit schema, partition columns and key. Column names that cross the Pinpoint
 * interface are spelled as the model spells them; the events table uses the event stream's lower-case names.
 */
public enum Table {
  APPS("apps", Schemas.APPS, List.of()),
  ENDPOINTS("endpoints", Schemas.ENDPOINTS, List.of("ApplicationId")),
  JOBS("jobs", Schemas.JOBS, List.of()),
  IMPORT_REJECTS("import_rejects", Schemas.IMPORT_REJECTS, List.of()),
  SEGMENTS("segments", Schemas.SEGMENTS, List.of()),
  SEGMENT_MEMBERS("segment_members", Schemas.SEGMENT_MEMBERS, List.of()),
  CAMPAIGNS("campaigns", Schemas.CAMPAIGNS, List.of()),
  APP_SETTINGS("app_settings", Schemas.APP_SETTINGS, List.of()),
  TEMPLATES("templates", Schemas.TEMPLATES, List.of()),
  ACTIVITIES("activities", Schemas.ACTIVITIES, List.of()),
  SEND_LEDGER("send_ledger", Schemas.SEND_LEDGER, List.of()),
  AUDIT("audit", Schemas.AUDIT, List.of()),
  LEASES("leases", Schemas.LEASES, List.of()),
  EVENT_STREAMS("event_streams", Schemas.EVENT_STREAMS, List.of()),
  EVENT_IMPORT_REJECTS("event_import_rejects", Schemas.EVENT_IMPORT_REJECTS, List.of()),
  /** Parquet, not Delta: what event-stream consumers (Athena/Glue) read. */
  EVENTS("events", Schemas.EVENTS, List.of("app_id", "event_date"));

  private final String tableName;
  private final StructType schema;
  private final List<String> partitionColumns;

  Table(String tableName, StructType schema, List<String> partitionColumns) {
    this.tableName = tableName;
    this.schema = schema;
    this.partitionColumns = partitionColumns;
  }

  public String tableName() {
    return tableName;
  }

  public StructType schema() {
    return schema;
  }

  public List<String> partitionColumns() {
    return partitionColumns;
  }

  /**
   * The columns Delta keeps data-skipping statistics (min/max) for: keys and enums only. Statistics live in the
   * transaction log, which VACUUM never removes, so no column holding personal data (addresses, attributes, raw
   * records) may have them, or a deleted address would survive there.
   */
  public String statsColumns() {
    return switch (this) {
      case ENDPOINTS -> "Id,ChannelType,EndpointStatus,OptOut,CohortId";
      case IMPORT_REJECTS -> "JobId,ApplicationId,line,reason";
      case SEND_LEDGER -> "ApplicationId,CampaignId,RunId,ActivityId,TreatmentId,EndpointId,Arm,ChannelType,Status";
      case SEGMENT_MEMBERS -> "ApplicationId,SegmentId,Version,EndpointId";
      case AUDIT -> "eventTime,eventID,eventName,outcome";
      case JOBS -> "ApplicationId,Id,Type,JobStatus";
      case SEGMENTS -> "ApplicationId,SegmentId,Version";
      case CAMPAIGNS -> "ApplicationId,CampaignId,Version";
      case APP_SETTINGS -> "ApplicationId";
      case ACTIVITIES -> "ApplicationId,CampaignId,Id,RunId";
      case APPS -> "ApplicationId";
      case LEASES -> "Key";
      case EVENT_STREAMS -> "ApplicationId";
      case EVENT_IMPORT_REJECTS -> "JobId,ApplicationId,line,reason";
      case TEMPLATES -> "TemplateName,TemplateType,Version";
      case EVENTS -> "";
    };
  }

  /**
   * Table properties beyond the schema, set when the table is created and added to older tables.
   *
   * <ul>
   *   <li>Parquet writer settings: Delta hands a table's properties to the Parquet writer of every write into it,
   *       whichever job writes. Dictionary encoding is off for the endpoints' columns whose values are (nearly)
   *       unique: a dictionary there only costs the writer time before it gives up on it (measured: a tenth to a
   *       sixth of the time a 1M-endpoint write spends, files no larger).
   *   <li>Deletion vectors on {@code endpoints}: a re-import that changes a tenth of an application's endpoints
   *       marks their old rows deleted and writes only the new ones, instead of rewriting every file (see
   *       {@code EndpointReplace}). {@code purge} rewrites the files that still hold deleted rows before VACUUM.
   *   <li>A checkpoint every {@value #JOBS_CHECKPOINT_INTERVAL} commits on {@code jobs}, not Delta's 10: an import
   *       appends three states, and each checkpoint (a state reconstruction and a Parquet write, about half a
   *       second of work on 2 cores) competed with every third import. Its rows are small, so the longer log to
   *       replay costs little.
   * </ul>
   */
  public Map<String, String> properties() {
    return switch (this) {
      case ENDPOINTS -> Map.of(
          "parquet.enable.dictionary#Id", "false",
          "parquet.enable.dictionary#Address", "false",
          "parquet.enable.dictionary#RecordHash", "false",
          "parquet.enable.dictionary#User.UserId", "false",
          DELETION_VECTORS, "true");
      case JOBS -> Map.of("delta.checkpointInterval", String.valueOf(JOBS_CHECKPOINT_INTERVAL));
      default -> Map.of();
    };
  }

  /** Commits between two checkpoints of {@code jobs}. */
  static final int JOBS_CHECKPOINT_INTERVAL = 100;

  /** The Delta table property that lets writers mark rows deleted instead of rewriting their files. */
  public static final String DELETION_VECTORS = "delta.enableDeletionVectors";

  public boolean isDelta() {
    return this != EVENTS;
  }

  /** Schemas, built once. */
  public static final class Schemas {
    private Schemas() {}

    static StructField f(String name, DataType type) {
      return new StructField(name, type, true, Metadata.empty());
    }

    static StructType struct(StructField... fields) {
      return new StructType(fields);
    }

    public static final DataType MULTI_VALUED = createMapType(StringType, createArrayType(StringType, true), true);

    public static final StructType DEMOGRAPHIC =
        struct(
            f("AppVersion", StringType), f("Locale", StringType), f("Make", StringType), f("Model", StringType),
            f("ModelVersion", StringType), f("Platform", StringType), f("PlatformVersion", StringType),
            f("Timezone", StringType));

    public static final StructType LOCATION =
        struct(
            f("City", StringType), f("Country", StringType), f("Latitude", DoubleType),
            f("Longitude", DoubleType), f("PostalCode", StringType), f("Region", StringType));

    public static final StructType USER = struct(f("UserAttributes", MULTI_VALUED), f("UserId", StringType));

    /** The endpoint members an import record can carry (EndpointBatchItem plus export-file members). */
    public static final StructType ENDPOINT_MEMBERS =
        struct(
            f("Id", StringType), f("Address", StringType), f("ChannelType", StringType),
            f("EndpointStatus", StringType), f("OptOut", StringType), f("EffectiveDate", StringType),
            f("CreationDate", StringType), f("RequestId", StringType), f("CohortId", StringType),
            f("Demographic", DEMOGRAPHIC), f("Location", LOCATION), f("Attributes", MULTI_VALUED),
            f("Metrics", createMapType(StringType, DoubleType, true)), f("User", USER));

    /** An endpoint as EndpointResponse has it: what exports write. */
    public static final StructType ENDPOINT_RESPONSE =
        struct(f("ApplicationId", StringType)).merge(ENDPOINT_MEMBERS, true);

    /**
     * The endpoints table: EndpointResponse plus {@code RecordHash}, the hash of the import record that last wrote
     * the endpoint (null once another endpoint's write changed it), so re-importing an unchanged record is skipped.
     */
    public static final StructType ENDPOINTS = ENDPOINT_RESPONSE.add(f("RecordHash", LongType));

    public static final StructType APPS =
        struct(
            f("ApplicationId", StringType), f("Arn", StringType), f("Name", StringType),
            f("tags", createMapType(StringType, StringType, true)), f("CreationDate", StringType),
            // remove-attributes: attribute type -> names or globs no longer captured on writes
            f("RemovedAttributes", MULTI_VALUED));

    public static final StructType JOBS =
        struct(
            f("ApplicationId", StringType), f("Id", StringType), f("Type", StringType),
            f("JobStatus", StringType), f("Definition", StringType), f("CreationDate", StringType),
            f("CompletionDate", StringType), f("TotalPieces", IntegerType), f("CompletedPieces", IntegerType),
            f("FailedPieces", IntegerType), f("TotalProcessed", IntegerType), f("TotalFailures", IntegerType),
            f("Failures", createArrayType(StringType, true)));

    public static final StructType IMPORT_REJECTS =
        struct(
            f("JobId", StringType), f("ApplicationId", StringType), f("source", StringType),
            f("line", LongType), f("raw", StringType), f("reason", StringType), f("message", StringType));

    public static final StructType SEGMENTS =
        struct(
            f("ApplicationId", StringType), f("SegmentId", StringType), f("Version", IntegerType),
            f("Name", StringType), f("SegmentType", StringType), f("Definition", StringType),
            f("ImportDefinition", StringType), f("CreationDate", StringType), f("LastModifiedDate", StringType));

    public static final StructType SEGMENT_MEMBERS =
        struct(
            f("ApplicationId", StringType), f("SegmentId", StringType), f("Version", IntegerType),
            f("EndpointId", StringType));

    public static final StructType CAMPAIGNS =
        struct(
            f("ApplicationId", StringType), f("CampaignId", StringType), f("Version", IntegerType),
            f("Name", StringType), f("Definition", StringType), f("CreationDate", StringType),
            f("LastModifiedDate", StringType));

    public static final StructType ACTIVITIES =
        struct(
            f("ApplicationId", StringType), f("CampaignId", StringType), f("Id", StringType),
            f("RunId", StringType), f("TreatmentId", StringType), f("ScheduledStart", StringType),
            f("Start", StringType), f("End", StringType), f("State", StringType), f("Result", StringType),
            f("TotalEndpointCount", IntegerType), f("SuccessfulEndpointCount", IntegerType),
            f("ExecutionMetrics", createMapType(StringType, StringType, true)),
            // Local-time campaigns: the UTC offsets (waves) of the audience, and those sent so far.
            f("TimezonesTotalCount", IntegerType), f("TimezonesCompletedCount", IntegerType));

    public static final StructType SEND_LEDGER =
        struct(
            f("ApplicationId", StringType), f("CampaignId", StringType), f("RunId", StringType),
            f("ActivityId", StringType), f("TreatmentId", StringType), f("EndpointId", StringType),
            f("UserId", StringType), f("Arm", StringType), f("ChannelType", StringType),
            f("Address", StringType), f("MessageId", StringType), f("Status", StringType),
            f("Reason", StringType), f("Attempts", IntegerType), f("UpdatedAt", TimestampType),
            // The attempt that claimed the row for sending (Status DISPATCHING), so two runs never send it both.
            f("ClaimedBy", StringType),
            // The occurrence's scheduled start (ISO), which the Daily limit's 24-hour window is counted by.
            f("ScheduledStart", StringType),
            // The endpoint as the campaign hook returned it (JSON), when the campaign has a hook.
            f("HookEndpoint", StringType),
            // Pinpoint's DeliveryStatus and the provider's status code of the last dispatch (Reason is its
            // StatusMessage; Attempts counts the provider calls of every dispatch).
            f("DeliveryStatus", StringType), f("StatusCode", IntegerType));

    /** One row per application: its WriteApplicationSettingsRequest as JSON. */
    public static final StructType APP_SETTINGS =
        struct(f("ApplicationId", StringType), f("Settings", StringType), f("LastModifiedDate", StringType));

    /**
     * One row per template version: the request as JSON, and whether it is the template's active version (the one a
     * campaign uses when it names no version).
     */
    public static final StructType TEMPLATES =
        struct(f("TemplateName", StringType), f("TemplateType", StringType), f("Version", IntegerType),
            f("Request", StringType), f("CreationDate", StringType), f("LastModifiedDate", StringType),
            f("Active", BooleanType));

    /**
     * One row per lease ever taken ({@link Leases}): what it covers, the attempt holding it (null once released),
     * since when, and how many times it was taken.
     */
    public static final StructType LEASES =
        struct(f("Key", StringType), f("Holder", StringType), f("TakenAt", TimestampType), f("Takes", IntegerType));

    /** One row per application with an event stream: its {@code WriteEventStream} and when it was last set. */
    public static final StructType EVENT_STREAMS =
        struct(f("ApplicationId", StringType), f("DestinationStreamArn", StringType), f("RoleArn", StringType),
            f("LastModifiedDate", StringType), f("LastUpdatedBy", StringType));

    /** The lines and events an events import refused: file, line, the line (truncated), reason and message. */
    public static final StructType EVENT_IMPORT_REJECTS =
        struct(f("JobId", StringType), f("ApplicationId", StringType), f("source", StringType), f("line", LongType),
            f("raw", StringType), f("reason", StringType), f("message", StringType));

    public static final StructType AUDIT =
        struct(
            f("eventTime", TimestampType), f("eventID", StringType), f("eventName", StringType),
            f("userIdentity", StringType), f("requestParameters", StringType), f("outcome", StringType),
            f("errorCode", StringType), f("durationMillis", LongType), f("readOnly", BooleanType));

    /** The event-stream record as the Glue {@code all_events} table reads it, plus Hive partition columns. */
    /**
     * {@code all_events.facets}: an email event's {@code facets.email_channel.mail_event} (the message and one object
     * named after the event), typed as the Glue table types it. Null for every other event.
     */
    public static final StructType FACETS = StructType.fromDDL(
        "email_channel struct<mail_event:struct<"
            + "mail:struct<message_id:string,message_send_timestamp:bigint,from_address:string,"
            + "destination:array<string>,headers_truncated:boolean,headers:array<map<string,string>>,"
            + "common_headers:struct<`from`:string,`to`:array<string>,subject:string>>,"
            + "send:map<string,string>,"
            + "delivery:struct<smtp_response:string,reporting_mta:string,recipients:array<string>,"
            + "processing_time_millis:int>,"
            + "`open`:struct<ip_address:string,user_agent:string>,"
            + "click:struct<ip_address:string,user_agent:string,link:string,"
            + "link_tags:struct<unsubscribeLinkTag:array<string>>>,"
            + "reject:struct<reason:string>,"
            + "complaint:struct<complained_recipients:array<struct<email_address:string>>,feedback_id:string,"
            + "user_agent:string,complaint_feedback_type:string>,"
            + "bounce:struct<bounce_type:string,bounce_sub_type:string,"
            + "bounced_recipients:array<struct<email_address:string,`action`:string,`status`:string,"
            + "diagnostic_code:string>>,feedback_id:string,reporting_mta:string>>>");

    public static final StructType EVENTS =
        struct(
            f("event_type", StringType), f("event_timestamp", LongType), f("arrival_timestamp", LongType),
            f("event_version", StringType),
            f("application", struct(f("app_id", StringType), f("sdk", createMapType(StringType, StringType)))),
            f("client", struct(f("client_id", StringType), f("cognito_id", StringType))),
            f("device", struct(f("platform", createMapType(StringType, StringType)))),
            f("session", createMapType(StringType, StringType)),
            f("attributes", createMapType(StringType, StringType)),
            f("client_context", struct(f("custom", createMapType(StringType, StringType)))),
            f("awsaccountid", StringType),
            f("facets", FACETS),
            f("metrics", struct(f("price_in_millicents_usd", DoubleType))),
            // Lakecast's (not all_events columns; Athena ignores them): what the Glue table drops of an app event,
            // kept so that the stream, event-triggered campaigns and KPIs see the event as PutEvents took it:
            // the application's package_name, title, version_code and cognito_identity_pool_id, and every metric.
            f("app_details", createMapType(StringType, StringType)),
            f("custom_metrics", createMapType(StringType, DoubleType)),
            // Lakecast's key (not an all_events column; Athena ignores it): the event's id as PutEvents keys it,
            // the message id for a campaign send. The store holds each (client_id, event_id) once.
            f("event_id", StringType),
            f("app_id", StringType), f("event_date", StringType));
  }
}
