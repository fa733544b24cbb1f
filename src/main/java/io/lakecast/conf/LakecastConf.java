package io.lakecast.conf;

import io.lakecast.LakecastErrors;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every Lakecast setting: a {@code spark.lakecast.*} key with its default beside it, read from the Spark
 * configuration.
 *
 * <p>Resolution order (last wins): the defaults here; {@code conf/lakecast-defaults.conf} (passed as
 * {@code --properties-file} to spark-submit, or loaded by the embedded launcher); {@code --conf key=value} on the
 * launcher or spark-submit; Airflow's {@code conf={...}}. Secrets never live here: they come from environment
 * variables or Hadoop credential providers.
 */
public final class LakecastConf {
  private static final Logger LOG = LoggerFactory.getLogger(LakecastConf.class);
  private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(secret|password|token|credential|key$).*");

  public static final String PREFIX = "spark.lakecast.";

  /** Warehouse root URI: every table lives under it ({@code file:///…} or {@code s3a://bucket/prefix}). */
  public static final String WAREHOUSE = PREFIX + "warehouse";
  public static final String WAREHOUSE_DEFAULT = "./lakecast-warehouse";

  /** Where the outbox sender writes messages (NDJSON per channel); empty = {@code <warehouse>/outbox}. */
  public static final String OUTBOX_PATH = PREFIX + "sender.outbox.path";
  public static final String OUTBOX_PATH_DEFAULT = "";

  /**
   * The sender of one channel: {@code spark.lakecast.sender.<ChannelType>} ({@code EMAIL}, {@code SMS}, …), one of
   * {@link #SENDER_KINDS}; every channel's default is {@code outbox}.
   */
  public static final String SENDER_PREFIX = PREFIX + "sender.";
  public static final String SENDER_DEFAULT = "outbox";

  /** SMTP server of the {@code smtp} EMAIL sender: host (required with that sender). */
  public static final String SMTP_HOST = PREFIX + "sender.email.smtp.host";
  public static final String SMTP_HOST_DEFAULT = "";

  /** SMTP port. */
  public static final String SMTP_PORT = PREFIX + "sender.email.smtp.port";
  public static final int SMTP_PORT_DEFAULT = 587;

  /** SMTP transport security: {@code none}, {@code starttls} (required, not opportunistic) or {@code tls}. */
  public static final String SMTP_TLS = PREFIX + "sender.email.smtp.tls";
  public static final String SMTP_TLS_DEFAULT = "starttls";

  /**
   * SMTP user; empty for no authentication. The password is never a setting: it comes from the environment
   * variable {@code LAKECAST_SMTP_PASSWORD} or the Hadoop credential provider alias {@code lakecast.smtp.password}.
   */
  public static final String SMTP_USER = PREFIX + "sender.email.smtp.user";
  public static final String SMTP_USER_DEFAULT = "";

  /** Seconds to connect, and to wait for each SMTP reply. */
  public static final String SMTP_TIMEOUT_SECONDS = PREFIX + "sender.email.smtp.timeoutSeconds";
  public static final int SMTP_TIMEOUT_SECONDS_DEFAULT = 30;

  /** A PEM file of certificates to trust for SMTP over TLS beyond the JVM's (a private authority); empty for none. */
  public static final String SMTP_TRUSTED_CERTIFICATES = PREFIX + "sender.email.smtp.trustedCertificates";
  public static final String SMTP_TRUSTED_CERTIFICATES_DEFAULT = "";

  /** The sender address of email messages without a {@code FromAddress} (Pinpoint's email channel default). */
  public static final String EMAIL_FROM_ADDRESS = PREFIX + "sender.email.fromAddress";
  public static final String EMAIL_FROM_ADDRESS_DEFAULT = "";

  /**
   * Endpoint of the SES v2 API for the {@code ses} EMAIL sender (empty: the AWS endpoint of
   * {@code spark.lakecast.region}); e.g. a local emulator's URL. Credentials come from the AWS SDK's default chain.
   */
  public static final String SES_ENDPOINT = PREFIX + "sender.email.ses.endpoint";
  public static final String SES_ENDPOINT_DEFAULT = "";

  /** The SES configuration set every email names (its event destinations, IP pool); empty for none. */
  public static final String SES_CONFIGURATION_SET = PREFIX + "sender.email.ses.configurationSet";
  public static final String SES_CONFIGURATION_SET_DEFAULT = "";

  /**
   * Calls the {@code ses} sender makes for one email: throttling (429), 5xx answers, timeouts and lost connections
   * are retried with exponential backoff and full jitter (the SDK's standard strategy); refusals are not.
   */
  public static final String SES_MAX_ATTEMPTS = PREFIX + "sender.email.ses.maxAttempts";
  public static final int SES_MAX_ATTEMPTS_DEFAULT = 3;

  /**
   * Endpoint of the AWS End User Messaging SMS and voice API ({@code pinpoint-sms-voice-v2}) for the {@code smsvoice}
   * SMS sender (empty: the AWS endpoint of {@code spark.lakecast.region}). Credentials come from the AWS SDK's
   * default chain.
   */
  public static final String SMS_VOICE_ENDPOINT = PREFIX + "sender.sms.smsvoice.endpoint";
  public static final String SMS_VOICE_ENDPOINT_DEFAULT = "";

  /** The End User Messaging configuration set every text names (its event destinations); empty for none. */
  public static final String SMS_VOICE_CONFIGURATION_SET = PREFIX + "sender.sms.smsvoice.configurationSet";
  public static final String SMS_VOICE_CONFIGURATION_SET_DEFAULT = "";

  /** Calls the {@code smsvoice} sender makes for one text, as {@link #SES_MAX_ATTEMPTS} for email. */
  public static final String SMS_VOICE_MAX_ATTEMPTS = PREFIX + "sender.sms.smsvoice.maxAttempts";
  public static final int SMS_VOICE_MAX_ATTEMPTS_DEFAULT = 3;

  /**
   * Base URL of the FCM HTTP v1 API for the {@code fcm} GCM sender; messages go to
   * {@code <url>/v1/projects/<project_id>/messages:send}. The service account (its JSON, with the project, the key
   * and the token URI) is never a setting: it comes from {@code LAKECAST_FCM_SERVICE_ACCOUNT} or the Hadoop
   * credential provider alias {@code lakecast.fcm.serviceAccount}.
   */
  public static final String FCM_URL = PREFIX + "sender.push.fcm.url";
  public static final String FCM_URL_DEFAULT = "https://fcm.googleapis.com";

  /** Seconds one FCM call (or token request) may take. */
  public static final String FCM_TIMEOUT_SECONDS = PREFIX + "sender.push.fcm.timeoutSeconds";
  public static final int FCM_TIMEOUT_SECONDS_DEFAULT = 15;

  /** A PEM file of certificates trusted for FCM and its token URI beyond the JVM's; empty for none. */
  public static final String FCM_TRUSTED_CERTIFICATES = PREFIX + "sender.push.fcm.trustedCertificates";
  public static final String FCM_TRUSTED_CERTIFICATES_DEFAULT = "";

  /**
   * The Apple developer team id of the {@code apns} sender's token (required with it). The signing key (.p8) is never
   * a setting: it comes from {@code LAKECAST_APNS_SIGNING_KEY} or the Hadoop credential provider alias
   * {@code lakecast.apns.signingKey}.
   */
  public static final String APNS_TEAM_ID = PREFIX + "sender.push.apns.teamId";
  public static final String APNS_TEAM_ID_DEFAULT = "";

  /**
   * How the {@code apns} sender authenticates: {@code token} (a provider token signed with the .p8 key of
   * {@link #APNS_TEAM_ID} and {@link #APNS_KEY_ID}) or {@code certificate} (TLS client authentication with the app's
   * push certificate and its private key, PEM, from {@code LAKECAST_APNS_CERTIFICATE} or the Hadoop credential
   * provider alias {@code lakecast.apns.certificate}).
   */
  public static final String APNS_AUTH = PREFIX + "sender.push.apns.auth";
  public static final String APNS_AUTH_DEFAULT = "token";

  /** The id of the signing key (required with the {@code apns} sender). */
  public static final String APNS_KEY_ID = PREFIX + "sender.push.apns.keyId";
  public static final String APNS_KEY_ID_DEFAULT = "";

  /** The app's bundle id, the notifications' topic (required; VoIP channels add {@code .voip}). */
  public static final String APNS_BUNDLE_ID = PREFIX + "sender.push.apns.bundleId";
  public static final String APNS_BUNDLE_ID_DEFAULT = "";

  /**
   * The APNs host for every APNs channel (empty: Apple's, {@code api.push.apple.com}, and
   * {@code api.sandbox.push.apple.com} for the sandbox channels).
   */
  public static final String APNS_HOST = PREFIX + "sender.push.apns.host";
  public static final String APNS_HOST_DEFAULT = "";

  /** The APNs port. */
  public static final String APNS_PORT = PREFIX + "sender.push.apns.port";
  public static final int APNS_PORT_DEFAULT = 443;

  /** Seconds one notification may take to be answered. */
  public static final String APNS_TIMEOUT_SECONDS = PREFIX + "sender.push.apns.timeoutSeconds";
  public static final int APNS_TIMEOUT_SECONDS_DEFAULT = 15;

  /** A PEM file of certificates trusted for APNs beyond the JVM's; empty for none. */
  public static final String APNS_TRUSTED_CERTIFICATES = PREFIX + "sender.push.apns.trustedCertificates";
  public static final String APNS_TRUSTED_CERTIFICATES_DEFAULT = "";

  /**
   * Hosts the {@code webhook} CUSTOM sender may call (comma-separated, required with it): a campaign's
   * {@code DeliveryUri} is data, so only hosts configured here are ever contacted.
   */
  public static final String CUSTOM_ALLOWED_HOSTS = PREFIX + "sender.custom.allowedHosts";
  public static final String CUSTOM_ALLOWED_HOSTS_DEFAULT = "";

  /** Seconds a custom delivery call may take (each batch gets 3 attempts). */
  public static final String CUSTOM_TIMEOUT_SECONDS = PREFIX + "sender.custom.timeoutSeconds";
  public static final int CUSTOM_TIMEOUT_SECONDS_DEFAULT = 15;

  /** A PEM file of certificates to trust for custom deliveries beyond the JVM's; empty for none. */
  public static final String CUSTOM_TRUSTED_CERTIFICATES = PREFIX + "sender.custom.trustedCertificates";
  public static final String CUSTOM_TRUSTED_CERTIFICATES_DEFAULT = "";

  /** The generic HTTP SMS provider's URL (required when SMS is {@code http}): http:// or https://. */
  public static final String SMS_HTTP_URL = PREFIX + "sender.sms.http.url";
  public static final String SMS_HTTP_URL_DEFAULT = "";

  /** How messages are posted to it: {@code json} or {@code form}. */
  public static final String SMS_HTTP_FORMAT = PREFIX + "sender.sms.http.format";
  public static final String SMS_HTTP_FORMAT_DEFAULT = "json";

  /** The provider's fields and what fills them: {@code field=source} pairs, comma-separated. */
  public static final String SMS_HTTP_FIELDS = PREFIX + "sender.sms.http.fields";
  public static final String SMS_HTTP_FIELDS_DEFAULT = "To=Address,Body=Body,OriginationNumber=OriginationNumber,"
      + "SenderId=SenderId,MessageType=MessageType,EntityId=EntityId,TemplateId=TemplateId,MessageId=MessageId";

  /** Seconds one call to it may take (3 attempts per message). */
  public static final String SMS_HTTP_TIMEOUT_SECONDS = PREFIX + "sender.sms.http.timeoutSeconds";
  public static final int SMS_HTTP_TIMEOUT_SECONDS_DEFAULT = 15;

  /** A PEM file of certificates to trust for it beyond the JVM's; empty for none. */
  public static final String SMS_HTTP_TRUSTED_CERTIFICATES = PREFIX + "sender.sms.http.trustedCertificates";
  public static final String SMS_HTTP_TRUSTED_CERTIFICATES_DEFAULT = "";

  /** Seconds between two progress lines of a long command on stderr (records read, rows written, rates). */
  public static final String PROGRESS_INTERVAL_SECONDS = PREFIX + "progress.intervalSeconds";
  public static final int PROGRESS_INTERVAL_SECONDS_DEFAULT = 10;

  /** Partitions of the dispatch stage; 0 = Spark's default parallelism. */
  public static final String DISPATCH_PARTITIONS = PREFIX + "dispatch.partitions";
  public static final int DISPATCH_PARTITIONS_DEFAULT = 0;

  /**
   * Seconds after which a campaign run's claim on its messages lapses: a re-run takes over messages an attempt
   * claimed longer ago than this (it died), and refuses, with ConflictException, those claimed more recently.
   */
  public static final String DISPATCH_CLAIM_TIMEOUT_SECONDS = PREFIX + "dispatch.claimTimeoutSeconds";
  public static final int DISPATCH_CLAIM_TIMEOUT_SECONDS_DEFAULT = 3600;

  /** Characters of a rejected raw record kept in {@code import_rejects}. */
  public static final String IMPORT_REJECT_RAW_MAX_CHARS = PREFIX + "import.rejectRawMaxChars";
  public static final int IMPORT_REJECT_RAW_MAX_CHARS_DEFAULT = 1000;

  /** Uncompressed import files larger than this are split into pieces parsed in parallel (bytes). */
  public static final String IMPORT_SPLIT_BYTES = PREFIX + "import.splitBytes";
  public static final long IMPORT_SPLIT_BYTES_DEFAULT = 16L << 20;

  /** Longest attribute, user attribute or metric name accepted (Pinpoint's limit). */
  public static final String IMPORT_MAX_ATTRIBUTE_NAME_LENGTH = PREFIX + "import.maxAttributeNameLength";
  public static final int IMPORT_MAX_ATTRIBUTE_NAME_LENGTH_DEFAULT = 50;

  /** Longest attribute value accepted (Pinpoint's limit). */
  public static final String IMPORT_MAX_ATTRIBUTE_VALUE_LENGTH = PREFIX + "import.maxAttributeValueLength";
  public static final int IMPORT_MAX_ATTRIBUTE_VALUE_LENGTH_DEFAULT = 100;

  /** Most values one attribute may have (Pinpoint's limit). */
  public static final String IMPORT_MAX_ATTRIBUTE_VALUES = PREFIX + "import.maxAttributeValues";
  public static final int IMPORT_MAX_ATTRIBUTE_VALUES_DEFAULT = 50;

  /**
   * Most endpoints one User.UserId may have in an application; a record that would add one more is rejected
   * (TOO_MANY_ENDPOINTS_FOR_USER). Pinpoint's published quota is 15; Lakecast's default is the stricter 10.
   */
  public static final String IMPORT_MAX_ENDPOINTS_PER_USER = PREFIX + "import.maxEndpointsPerUser";
  public static final int IMPORT_MAX_ENDPOINTS_PER_USER_DEFAULT = 10;

  /**
   * Most changed records an endpoint write applies with Delta MERGE (touching few files); more are applied by one
   * broadcast pass that rewrites the application's endpoints. 0 always rewrites.
   */
  public static final String UPSERT_MERGE_MAX_ROWS = PREFIX + "upsert.mergeMaxRows";

  /**
   * Whether an import may read its records in one pass when no rule across records applies: an application's first
   * import written straight into the table, and a re-import that writes aside only the records that change an
   * endpoint. {@code false} always takes the general path (every record staged, then the rules applied).
   */
  public static final String IMPORT_ONE_PASS = PREFIX + "import.onePass";

  /**
   * Whether an endpoint write with more changes than {@link #UPSERT_MERGE_MAX_ROWS} may write only the endpoints it
   * touches and mark their old rows deleted (Delta deletion vectors), instead of rewriting the application's
   * endpoints. {@code false} always rewrites.
   */
  public static final String UPSERT_DELETION_VECTORS = PREFIX + "upsert.deletionVectors";
  public static final int UPSERT_MERGE_MAX_ROWS_DEFAULT = 10_000;

  /**
   * Most changed records the one-pass endpoint writes (replace and rewrite) broadcast into the joins that apply them;
   * more are joined by shuffle. 0 always shuffles.
   */
  public static final String UPSERT_BROADCAST_MAX_ROWS = PREFIX + "upsert.broadcastMaxRows";
  public static final int UPSERT_BROADCAST_MAX_ROWS_DEFAULT = 500_000;

  /**
   * URI schemes that import sources and every output (export prefixes, segment outputs, the outbox) may use,
   * comma-separated. A plain path counts as {@code file}. Anything else is refused before any I/O.
   */
  public static final String IO_ALLOWED_SCHEMES = PREFIX + "io.allowedSchemes";
  public static final String IO_ALLOWED_SCHEMES_DEFAULT = "file,s3,s3a";

  /**
   * Prefix of the keys that map a campaign hook's {@code LambdaFunctionName} to the HTTPS URL that runs it:
   * {@code spark.lakecast.hooks.<name>.url}. Lakecast has no Lambda; a name without a mapping is refused.
   */
  public static final String HOOKS_PREFIX = PREFIX + "hooks.";

  /** Seconds a campaign hook has to answer one batch; Pinpoint gives its function 15. */
  public static final String HOOKS_TIMEOUT_SECONDS = PREFIX + "hooks.timeoutSeconds";
  public static final int HOOKS_TIMEOUT_SECONDS_DEFAULT = 15;

  /**
   * A PEM file of certificates to trust for campaign hooks' HTTPS, beside the JVM's own trusted authorities (for a
   * hook behind a private authority). Empty: the JVM's only.
   */
  public static final String HOOKS_TRUSTED_CERTIFICATES = PREFIX + "hooks.trustedCertificates";
  public static final String HOOKS_TRUSTED_CERTIFICATES_DEFAULT = "";

  /**
   * Bytes of a plain (not gzip) file that one task of create-events-import-job reads: a larger file is split at line
   * boundaries so that its pieces parse in parallel.
   */
  public static final String EVENTS_IMPORT_PIECE_BYTES = PREFIX + "events.import.pieceBytes";
  public static final int EVENTS_IMPORT_PIECE_BYTES_DEFAULT = 64 << 20;

  /** Endpoint of the Kinesis API for event streams (empty: the region's AWS endpoint); e.g. a local server's URL. */
  public static final String STREAM_KINESIS_ENDPOINT = PREFIX + "stream.kinesis.endpoint";
  public static final String STREAM_KINESIS_ENDPOINT_DEFAULT = "";

  /** Endpoint of the Firehose API for event streams (empty: the region's AWS endpoint). */
  public static final String STREAM_FIREHOSE_ENDPOINT = PREFIX + "stream.firehose.endpoint";
  public static final String STREAM_FIREHOSE_ENDPOINT_DEFAULT = "";

  /**
   * Calls stream-events makes for one batch of records before it fails the run: the destination's refusals
   * (throttling, partial failures, 5xx, lost connections) are retried, only the refused records, with exponential
   * backoff and full jitter from {@link #STREAM_BACKOFF_MILLIS}, capped at 10 s.
   */
  public static final String STREAM_MAX_ATTEMPTS = PREFIX + "stream.maxAttempts";
  public static final int STREAM_MAX_ATTEMPTS_DEFAULT = 10;

  /** The first retry's backoff ceiling in milliseconds (doubles on each retry). */
  public static final String STREAM_BACKOFF_MILLIS = PREFIX + "stream.backoffMillis";
  public static final int STREAM_BACKOFF_MILLIS_DEFAULT = 100;

  /** compact-events: the size, in megabytes, each compacted file of an event partition aims at. */
  public static final String EVENTS_COMPACT_FILE_MB = PREFIX + "events.compactFileMB";
  public static final int EVENTS_COMPACT_FILE_MB_DEFAULT = 128;

  /** Account id used in ARNs and in {@code awsAccountId} of events. */
  public static final String ACCOUNT_ID = PREFIX + "accountId";
  public static final String ACCOUNT_ID_DEFAULT = "000000000000";

  /** Region used in ARNs, and the SES and End User Messaging SMS senders'. */
  public static final String REGION = PREFIX + "region";
  public static final String REGION_DEFAULT = "us-east-1";

  private final Map<String, String> values;

  /** A configuration over plain values (tests, or a SparkSession's conf via {@link #from}). */
  public LakecastConf(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** Reads every {@code spark.lakecast.*} key of the session's configuration. */
  public static LakecastConf from(SparkSession spark) {
    Map<String, String> all = new TreeMap<>();
    scala.collection.Iterator<scala.Tuple2<String, String>> it = spark.conf().getAll().iterator();
    while (it.hasNext()) {
      scala.Tuple2<String, String> kv = it.next();
      if (kv._1().startsWith(PREFIX)) {
        all.put(kv._1(), kv._2());
      }
    }
    return new LakecastConf(all);
  }

  public String get(String key, String defaultValue) {
    String v = values.get(key);
    return v == null || v.isBlank() ? defaultValue : v.trim();
  }

  public int getInt(String key, int defaultValue) {
    String v = values.get(key);
    if (v == null || v.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw LakecastErrors.invalidConf(key, v, "an integer");
    }
  }

  /** The warehouse root as a fully qualified URI; a plain path is made absolute on the local filesystem. */
  public String warehouse() {
    return qualify(get(WAREHOUSE, WAREHOUSE_DEFAULT));
  }

  public String outboxPath() {
    String v = get(OUTBOX_PATH, OUTBOX_PATH_DEFAULT);
    return v.isEmpty() ? warehouse() + "/outbox" : qualify(v);
  }

  public int dispatchPartitions() {
    return getInt(DISPATCH_PARTITIONS, DISPATCH_PARTITIONS_DEFAULT);
  }

  /** {@link #EVENTS_IMPORT_PIECE_BYTES}, at least 1. */
  public int eventsImportPieceBytes() {
    int n = getInt(EVENTS_IMPORT_PIECE_BYTES, EVENTS_IMPORT_PIECE_BYTES_DEFAULT);
    if (n < 1) {
      throw LakecastErrors.invalidConf(EVENTS_IMPORT_PIECE_BYTES, String.valueOf(n), "1 or more bytes");
    }
    return n;
  }

  /** {@link #PROGRESS_INTERVAL_SECONDS}. */
  public int progressIntervalSeconds() {
    return getInt(PROGRESS_INTERVAL_SECONDS, PROGRESS_INTERVAL_SECONDS_DEFAULT);
  }

  /** The kinds of sender {@code spark.lakecast.sender.<ChannelType>} takes. */
  public static final java.util.List<String> SENDER_KINDS = java.util.List.of("outbox", "smtp", "ses", "webhook",
      "http", "smsvoice", "fcm", "apns");

  /**
   * The sender kind of {@code channel}: {@code outbox}, {@code smtp} or {@code ses} for EMAIL, {@code webhook} for
   * CUSTOM, {@code http} or {@code smsvoice} for SMS, {@code fcm} for GCM, or {@code apns} for the APNs channels.
   */
  public String sender(String channel) {
    String key = SENDER_PREFIX + channel;
    String v = get(key, SENDER_DEFAULT).trim().toLowerCase(java.util.Locale.ROOT);
    if (v.equals("smtp") && !channel.equals("EMAIL")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (smtp sends EMAIL only)");
    }
    if (v.equals("ses") && !channel.equals("EMAIL")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (ses sends EMAIL only)");
    }
    if (v.equals("smsvoice") && !channel.equals("SMS") && !channel.equals("VOICE")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (smsvoice sends SMS and VOICE only)");
    }
    if ((channel.equals("ADM") || channel.equals("BAIDU")) && !v.equals(SENDER_DEFAULT)) {
      throw LakecastErrors.invalidConf(key, v, "outbox: Lakecast has no sender for " + channel + " (Amazon Device "
          + "Messaging and Baidu Cloud Push are not supported; their messages go to the outbox)");
    }
    if (v.equals("apns") && !channel.startsWith("APNS")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (apns sends APNS, APNS_SANDBOX, APNS_VOIP and "
          + "APNS_VOIP_SANDBOX only)");
    }
    if (v.equals("fcm") && !channel.equals("GCM")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (fcm sends GCM only)");
    }
    if (v.equals("http") && !channel.equals("SMS")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (http sends SMS only)");
    }
    if (v.equals("webhook") && !channel.equals("CUSTOM")) {
      throw LakecastErrors.invalidConf(key, v, "outbox (webhook sends CUSTOM only)");
    }
    if (!SENDER_KINDS.contains(v)) {
      throw LakecastErrors.invalidConf(key, v, "one of " + String.join(", ", SENDER_KINDS));
    }
    return v;
  }

  /** {@link #SMTP_HOST}; required once EMAIL is sent through SMTP. */
  public String smtpHost() {
    String v = get(SMTP_HOST, SMTP_HOST_DEFAULT).trim();
    if (v.isEmpty()) {
      throw LakecastErrors.invalidConf(SMTP_HOST, "", "the SMTP server's host name (" + SENDER_PREFIX
          + "EMAIL is smtp)");
    }
    return v;
  }

  /** {@link #SMTP_PORT}, 1 to 65535. */
  public int smtpPort() {
    int p = getInt(SMTP_PORT, SMTP_PORT_DEFAULT);
    if (p < 1 || p > 65535) {
      throw LakecastErrors.invalidConf(SMTP_PORT, String.valueOf(p), "a port from 1 to 65535");
    }
    return p;
  }

  /** {@link #SMTP_TLS}: none, starttls or tls. */
  public String smtpTls() {
    String v = get(SMTP_TLS, SMTP_TLS_DEFAULT).trim().toLowerCase(java.util.Locale.ROOT);
    if (!java.util.List.of("none", "starttls", "tls").contains(v)) {
      throw LakecastErrors.invalidConf(SMTP_TLS, v, "none, starttls or tls");
    }
    return v;
  }

  public String smtpUser() {
    return get(SMTP_USER, SMTP_USER_DEFAULT).trim();
  }

  /** {@link #SMTP_TIMEOUT_SECONDS}, at least 1. */
  public int smtpTimeoutSeconds() {
    int s = getInt(SMTP_TIMEOUT_SECONDS, SMTP_TIMEOUT_SECONDS_DEFAULT);
    if (s < 1) {
      throw LakecastErrors.invalidConf(SMTP_TIMEOUT_SECONDS, String.valueOf(s), "1 or more seconds");
    }
    return s;
  }

  public String smtpTrustedCertificates() {
    return get(SMTP_TRUSTED_CERTIFICATES, SMTP_TRUSTED_CERTIFICATES_DEFAULT).trim();
  }

  /** {@link #CUSTOM_ALLOWED_HOSTS}, lower-cased. */
  public java.util.List<String> customDeliveryAllowedHosts() {
    java.util.List<String> out = new java.util.ArrayList<>();
    for (String h : get(CUSTOM_ALLOWED_HOSTS, CUSTOM_ALLOWED_HOSTS_DEFAULT).split(",")) {
      if (!h.isBlank()) {
        out.add(h.trim().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return out;
  }

  /** {@link #CUSTOM_TIMEOUT_SECONDS}, at least 1. */
  public int customDeliveryTimeoutSeconds() {
    int s = getInt(CUSTOM_TIMEOUT_SECONDS, CUSTOM_TIMEOUT_SECONDS_DEFAULT);
    if (s < 1) {
      throw LakecastErrors.invalidConf(CUSTOM_TIMEOUT_SECONDS, String.valueOf(s), "1 or more seconds");
    }
    return s;
  }

  public String customDeliveryTrustedCertificates() {
    return get(CUSTOM_TRUSTED_CERTIFICATES, CUSTOM_TRUSTED_CERTIFICATES_DEFAULT).trim();
  }

  /** {@link #SMS_HTTP_URL}: an http:// or https:// URL. */
  public String smsHttpUrl() {
    String v = get(SMS_HTTP_URL, SMS_HTTP_URL_DEFAULT).trim();
    if (!v.startsWith("https://") && !v.startsWith("http://")) {
      throw LakecastErrors.invalidConf(SMS_HTTP_URL, v, "the provider's http:// or https:// URL (" + SENDER_PREFIX
          + "SMS is http)");
    }
    return v;
  }

  /** {@link #SMS_HTTP_FORMAT}: json or form. */
  public String smsHttpFormat() {
    String v = get(SMS_HTTP_FORMAT, SMS_HTTP_FORMAT_DEFAULT).trim().toLowerCase(java.util.Locale.ROOT);
    if (!v.equals("json") && !v.equals("form")) {
      throw LakecastErrors.invalidConf(SMS_HTTP_FORMAT, v, "json or form");
    }
    return v;
  }

  public String smsHttpFields() {
    return get(SMS_HTTP_FIELDS, SMS_HTTP_FIELDS_DEFAULT).trim();
  }

  /** {@link #SMS_HTTP_TIMEOUT_SECONDS}, at least 1. */
  public int smsHttpTimeoutSeconds() {
    int s = getInt(SMS_HTTP_TIMEOUT_SECONDS, SMS_HTTP_TIMEOUT_SECONDS_DEFAULT);
    if (s < 1) {
      throw LakecastErrors.invalidConf(SMS_HTTP_TIMEOUT_SECONDS, String.valueOf(s), "1 or more seconds");
    }
    return s;
  }

  public String smsHttpTrustedCertificates() {
    return get(SMS_HTTP_TRUSTED_CERTIFICATES, SMS_HTTP_TRUSTED_CERTIFICATES_DEFAULT).trim();
  }

  public String emailFromAddress() {
    return get(EMAIL_FROM_ADDRESS, EMAIL_FROM_ADDRESS_DEFAULT).trim();
  }

  /** {@link #SES_ENDPOINT}: empty, or an http(s) URL. */
  public String sesEndpoint() {
    return awsEndpoint(SES_ENDPOINT, SES_ENDPOINT_DEFAULT);
  }

  /** {@link #SMS_VOICE_ENDPOINT}: empty, or an http(s) URL. */
  public String smsVoiceEndpoint() {
    return awsEndpoint(SMS_VOICE_ENDPOINT, SMS_VOICE_ENDPOINT_DEFAULT);
  }

  private String awsEndpoint(String key, String defaultValue) {
    String v = get(key, defaultValue).trim();
    if (!v.isEmpty() && !v.matches("^https?://[^/\\s]+/?$")) {
      throw LakecastErrors.invalidConf(key, v, "empty (AWS) or the API's http:// or https:// URL without a path, "
          + "such as https://email.eu-west-1.amazonaws.com");
    }
    return v;
  }

  public String sesConfigurationSet() {
    return get(SES_CONFIGURATION_SET, SES_CONFIGURATION_SET_DEFAULT).trim();
  }

  /** {@link #SES_MAX_ATTEMPTS}, 1 to 10. */
  public int sesMaxAttempts() {
    return attempts(SES_MAX_ATTEMPTS, SES_MAX_ATTEMPTS_DEFAULT);
  }

  public String smsVoiceConfigurationSet() {
    return get(SMS_VOICE_CONFIGURATION_SET, SMS_VOICE_CONFIGURATION_SET_DEFAULT).trim();
  }

  /** {@link #SMS_VOICE_MAX_ATTEMPTS}, 1 to 10. */
  public int smsVoiceMaxAttempts() {
    return attempts(SMS_VOICE_MAX_ATTEMPTS, SMS_VOICE_MAX_ATTEMPTS_DEFAULT);
  }

  /** {@link #FCM_URL}: an http(s) URL without a path. */
  public String fcmUrl() {
    String v = get(FCM_URL, FCM_URL_DEFAULT).trim();
    if (!v.matches("^https?://[^/\\s]+/?$")) {
      throw LakecastErrors.invalidConf(FCM_URL, v, "the FCM API's http:// or https:// URL without a path, such as "
          + FCM_URL_DEFAULT);
    }
    return v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
  }

  /** {@link #FCM_TIMEOUT_SECONDS}, at least 1. */
  public int fcmTimeoutSeconds() {
    int s = getInt(FCM_TIMEOUT_SECONDS, FCM_TIMEOUT_SECONDS_DEFAULT);
    if (s < 1) {
      throw LakecastErrors.invalidConf(FCM_TIMEOUT_SECONDS, String.valueOf(s), "1 or more seconds");
    }
    return s;
  }

  public String fcmTrustedCertificates() {
    return get(FCM_TRUSTED_CERTIFICATES, FCM_TRUSTED_CERTIFICATES_DEFAULT).trim();
  }

  /** {@link #APNS_TEAM_ID}, {@link #APNS_KEY_ID} or {@link #APNS_BUNDLE_ID}: required once APNs is used. */
  public String apnsRequired(String key) {
    String v = get(key, "").trim();
    if (v.isEmpty()) {
      throw LakecastErrors.invalidConf(key, "", "a value (the apns sender signs its token with the team id and the "
          + "key id, and sends to the app's bundle id)");
    }
    return v;
  }

  /** {@link #APNS_AUTH}: {@code token} or {@code certificate}. */
  public String apnsAuth() {
    String v = get(APNS_AUTH, APNS_AUTH_DEFAULT).trim();
    if (!v.equals("token") && !v.equals("certificate")) {
      throw LakecastErrors.invalidConf(APNS_AUTH, v, "token or certificate");
    }
    return v;
  }

  public String apnsHost() {
    return get(APNS_HOST, APNS_HOST_DEFAULT).trim();
  }

  /** {@link #APNS_PORT}, 1 to 65535. */
  public int apnsPort() {
    int p = getInt(APNS_PORT, APNS_PORT_DEFAULT);
    if (p < 1 || p > 65535) {
      throw LakecastErrors.invalidConf(APNS_PORT, String.valueOf(p), "a port from 1 to 65535");
    }
    return p;
  }

  /** {@link #APNS_TIMEOUT_SECONDS}, at least 1. */
  public int apnsTimeoutSeconds() {
    int s = getInt(APNS_TIMEOUT_SECONDS, APNS_TIMEOUT_SECONDS_DEFAULT);
    if (s < 1) {
      throw LakecastErrors.invalidConf(APNS_TIMEOUT_SECONDS, String.valueOf(s), "1 or more seconds");
    }
    return s;
  }

  public String apnsTrustedCertificates() {
    return get(APNS_TRUSTED_CERTIFICATES, APNS_TRUSTED_CERTIFICATES_DEFAULT).trim();
  }

  private int attempts(String key, int defaultValue) {
    int n = getInt(key, defaultValue);
    if (n < 1 || n > 10) {
      throw LakecastErrors.invalidConf(key, String.valueOf(n), "1 to 10 calls");
    }
    return n;
  }

  /** {@link #DISPATCH_CLAIM_TIMEOUT_SECONDS}, at least 0. */
  public int dispatchClaimTimeoutSeconds() {
    int s = getInt(DISPATCH_CLAIM_TIMEOUT_SECONDS, DISPATCH_CLAIM_TIMEOUT_SECONDS_DEFAULT);
    if (s < 0) {
      throw LakecastErrors.invalidConf(DISPATCH_CLAIM_TIMEOUT_SECONDS, String.valueOf(s), "0 or more seconds");
    }
    return s;
  }

  public int rejectRawMaxChars() {
    return getInt(IMPORT_REJECT_RAW_MAX_CHARS, IMPORT_REJECT_RAW_MAX_CHARS_DEFAULT);
  }

  public long importSplitBytes() {
    String v = values.get(IMPORT_SPLIT_BYTES);
    if (v == null || v.isBlank()) {
      return IMPORT_SPLIT_BYTES_DEFAULT;
    }
    try {
      long n = Long.parseLong(v.trim());
      if (n < 1024) {
        throw LakecastErrors.invalidConf(IMPORT_SPLIT_BYTES, v, "a byte count of at least 1024");
      }
      return n;
    } catch (NumberFormatException e) {
      throw LakecastErrors.invalidConf(IMPORT_SPLIT_BYTES, v, "a byte count such as 16777216");
    }
  }

  /** {@link #IMPORT_ONE_PASS}, {@code true} unless set to {@code false}. */
  public boolean importOnePass() {
    return flag(IMPORT_ONE_PASS);
  }

  /** {@link #UPSERT_DELETION_VECTORS}, {@code true} unless set to {@code false}. */
  public boolean upsertDeletionVectors() {
    return flag(UPSERT_DELETION_VECTORS);
  }

  /** A flag that defaults to true. */
  private boolean flag(String key) {
    String v = get(key, "true");
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw LakecastErrors.invalidConf(key, v, "true or false");
    }
    return Boolean.parseBoolean(v);
  }

  /** {@link #UPSERT_MERGE_MAX_ROWS}, at least 0. */
  public int upsertMergeMaxRows() {
    int max = getInt(UPSERT_MERGE_MAX_ROWS, UPSERT_MERGE_MAX_ROWS_DEFAULT);
    if (max < 0) {
      throw LakecastErrors.invalidConf(UPSERT_MERGE_MAX_ROWS, String.valueOf(max), "a row count of at least 0");
    }
    return max;
  }

  /** {@link #UPSERT_BROADCAST_MAX_ROWS}, at least 0. */
  public int upsertBroadcastMaxRows() {
    int max = getInt(UPSERT_BROADCAST_MAX_ROWS, UPSERT_BROADCAST_MAX_ROWS_DEFAULT);
    if (max < 0) {
      throw LakecastErrors.invalidConf(UPSERT_BROADCAST_MAX_ROWS, String.valueOf(max), "a row count of at least 0");
    }
    return max;
  }

  /** {@link #IMPORT_MAX_ENDPOINTS_PER_USER}, at least 1. */
  public int maxEndpointsPerUser() {
    int max = getInt(IMPORT_MAX_ENDPOINTS_PER_USER, IMPORT_MAX_ENDPOINTS_PER_USER_DEFAULT);
    if (max < 1) {
      throw LakecastErrors.invalidConf(IMPORT_MAX_ENDPOINTS_PER_USER, String.valueOf(max), "a positive integer");
    }
    return max;
  }

  /** {@link #IMPORT_MAX_ATTRIBUTE_NAME_LENGTH}. */
  public int maxAttributeNameLength() {
    return getInt(IMPORT_MAX_ATTRIBUTE_NAME_LENGTH, IMPORT_MAX_ATTRIBUTE_NAME_LENGTH_DEFAULT);
  }

  /** {@link #IMPORT_MAX_ATTRIBUTE_VALUE_LENGTH}. */
  public int maxAttributeValueLength() {
    return getInt(IMPORT_MAX_ATTRIBUTE_VALUE_LENGTH, IMPORT_MAX_ATTRIBUTE_VALUE_LENGTH_DEFAULT);
  }

  /** {@link #IMPORT_MAX_ATTRIBUTE_VALUES}. */
  public int maxAttributeValues() {
    return getInt(IMPORT_MAX_ATTRIBUTE_VALUES, IMPORT_MAX_ATTRIBUTE_VALUES_DEFAULT);
  }

  /** {@link #IO_ALLOWED_SCHEMES} as lower-case scheme names. */
  public java.util.Set<String> allowedSchemes() {
    java.util.Set<String> out = new java.util.TreeSet<>();
    for (String s : get(IO_ALLOWED_SCHEMES, IO_ALLOWED_SCHEMES_DEFAULT).split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim().toLowerCase(java.util.Locale.ROOT));
      }
    }
    return out;
  }

  /** The URL a campaign hook's {@code LambdaFunctionName} runs at, or null when it has no mapping. */
  public String hookUrl(String lambdaFunctionName) {
    String v = get(HOOKS_PREFIX + lambdaFunctionName + ".url", "");
    return v.isEmpty() ? null : v;
  }

  /** {@link #HOOKS_TIMEOUT_SECONDS}, at least 1. */
  public int hookTimeoutSeconds() {
    int s = getInt(HOOKS_TIMEOUT_SECONDS, HOOKS_TIMEOUT_SECONDS_DEFAULT);
    if (s < 1) {
      throw LakecastErrors.invalidConf(HOOKS_TIMEOUT_SECONDS, String.valueOf(s), "1 or more seconds");
    }
    return s;
  }

  /** {@link #HOOKS_TRUSTED_CERTIFICATES}: a local path, or empty. */
  public String hookTrustedCertificates() {
    return get(HOOKS_TRUSTED_CERTIFICATES, HOOKS_TRUSTED_CERTIFICATES_DEFAULT);
  }

  /** {@link #EVENTS_COMPACT_FILE_MB} in bytes; at least 1 MB. */
  public long eventsCompactFileBytes() {
    int mb = getInt(EVENTS_COMPACT_FILE_MB, EVENTS_COMPACT_FILE_MB_DEFAULT);
    if (mb < 1) {
      throw LakecastErrors.invalidConf(EVENTS_COMPACT_FILE_MB, String.valueOf(mb), "1 or more megabytes");
    }
    return mb * 1024L * 1024L;
  }

  /** {@link #STREAM_MAX_ATTEMPTS}, at least 1. */
  public int streamMaxAttempts() {
    int n = getInt(STREAM_MAX_ATTEMPTS, STREAM_MAX_ATTEMPTS_DEFAULT);
    if (n < 1) {
      throw LakecastErrors.invalidConf(STREAM_MAX_ATTEMPTS, String.valueOf(n), "1 or more attempts");
    }
    return n;
  }

  /** {@link #STREAM_BACKOFF_MILLIS}, 0 or more. */
  public int streamBackoffMillis() {
    int n = getInt(STREAM_BACKOFF_MILLIS, STREAM_BACKOFF_MILLIS_DEFAULT);
    if (n < 0) {
      throw LakecastErrors.invalidConf(STREAM_BACKOFF_MILLIS, String.valueOf(n), "0 or more milliseconds");
    }
    return n;
  }

  /** The endpoint override of the stream's service ({@code kinesis} or {@code firehose}), or empty. */
  public String streamEndpoint(String service) {
    return service.equals("kinesis") ? get(STREAM_KINESIS_ENDPOINT, STREAM_KINESIS_ENDPOINT_DEFAULT)
        : get(STREAM_FIREHOSE_ENDPOINT, STREAM_FIREHOSE_ENDPOINT_DEFAULT);
  }

  public String accountId() {
    return get(ACCOUNT_ID, ACCOUNT_ID_DEFAULT);
  }

  public String region() {
    return get(REGION, REGION_DEFAULT);
  }

  /** Turns a plain or relative path into a {@code file:} URI; leaves {@code scheme://} URIs alone. */
  public static String qualify(String location) {
    if (location.startsWith("file:///")) {
      return qualify(location.substring(7));
    }
    if (location.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return stripTrailingSlash(location);
    }
    String local = location.startsWith("file:") ? location.substring(5) : location;
    // Hadoop's canonical local form is file:/abs/path; Delta treats file:///abs/path as a different location.
    return "file:" + stripTrailingSlash(Path.of(local).toAbsolutePath().normalize().toString());
  }

  private static String stripTrailingSlash(String s) {
    return s.endsWith("/") && !s.endsWith("://") ? s.substring(0, s.length() - 1) : s;
  }

  /** The effective configuration, sorted, secret-looking values masked: for the start-of-job log line. */
  public Map<String, String> effective() {
    Map<String, String> out = new TreeMap<>();
    values.forEach((k, v) -> out.put(k, SECRET_KEY.matcher(k).matches() ? "****" : v));
    out.put(WAREHOUSE, warehouse());
    return out;
  }

  /** Logs the effective configuration once. */
  public void logEffective() {
    LOG.info("Lakecast configuration: {}", effective());
  }
}
