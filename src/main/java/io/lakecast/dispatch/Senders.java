package io.lakecast.dispatch;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import io.lakecast.model.PinpointEnums.ChannelType;
import io.lakecast.warehouse.HadoopConf;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender of each channel, chosen by configuration ({@code spark.lakecast.sender.<ChannelType>}): the outbox by
 * default, SMTP or SES for EMAIL, AWS End User Messaging SMS or a generic HTTP provider for SMS, FCM for GCM, APNs for
 * the APNS channels, a web service for CUSTOM. One {@link Sender} per dispatch partition routes each message to its
 * channel's sender, opened on the channel's first message and closed with the partition.
 */
public final class Senders implements Sender {
  private static final Logger LOG = LoggerFactory.getLogger(Senders.class);

  /**
   * Checks every {@code spark.lakecast.sender.<ChannelType>} setting and what its sender needs (an SMTP host, the
   * password of a configured login), in the driver, before a run records anything. Returns channel → sender kind
   * for the channels not on the outbox.
   */
  public static Map<String, String> check(LakecastConf conf, org.apache.hadoop.conf.Configuration hadoop) {
    Map<String, String> kinds = new TreeMap<>();
    for (String key : conf.effective().keySet()) {
      String rest = key.startsWith(LakecastConf.SENDER_PREFIX) ? key.substring(LakecastConf.SENDER_PREFIX.length())
          : "";
      if (!rest.isEmpty() && !rest.contains(".")) {
        try {
          ChannelType.valueOf(rest);
        } catch (IllegalArgumentException e) {
          throw LakecastErrors.invalidConf(key, conf.get(key, ""), "a key spark.lakecast.sender.<ChannelType>, "
              + "with a channel type such as EMAIL or SMS");
        }
        String kind = conf.sender(rest);
        if (!kind.equals(LakecastConf.SENDER_DEFAULT)) {
          kinds.put(rest, kind);
        }
      }
    }
    if ("webhook".equals(kinds.get("CUSTOM"))) {
      CustomDeliverySender.Settings.of(conf);
      if (CustomDeliverySender.secret(hadoop) == null) {
        throw LakecastErrors.missingSecret(LakecastConf.SENDER_PREFIX + "CUSTOM", CustomDeliverySender.SECRET_ENV,
            CustomDeliverySender.SECRET_ALIAS);
      }
    }
    if ("http".equals(kinds.get("SMS"))) {
      HttpSmsSender.Settings.of(conf);
    }
    if ("ses".equals(kinds.get("EMAIL"))) {
      SesSender.Settings.of(conf);
    }
    if (kinds.containsValue("smsvoice")) {
      SmsVoiceSender.Settings.of(conf);
    }
    if ("fcm".equals(kinds.get("GCM"))) {
      FcmSender.Settings.of(conf);
      FcmSender.check(hadoop);
    }
    if (kinds.containsValue("apns")) {
      ApnsSender.check(ApnsSender.Settings.of(conf), hadoop);
    }
    if ("smtp".equals(kinds.get("EMAIL"))) {
      SmtpSender.Settings.of(conf);
      if (!conf.smtpUser().isEmpty() && SmtpSender.password(hadoop) == null) {
        throw LakecastErrors.missingPassword(LakecastConf.SMTP_USER, SmtpSender.PASSWORD_ENV,
            SmtpSender.PASSWORD_ALIAS);
      }
    }
    return kinds;
  }

  /**
   * A sender's secret, which is never a setting: the environment variable {@code env}, else the Hadoop credential
   * provider's {@code alias}; null when neither has it.
   */
  public static String secret(Configuration hadoop, String env, String alias) {
    String fromEnv = System.getenv(env);
    if (fromEnv != null && !fromEnv.isEmpty()) {
      return fromEnv;
    }
    try {
      char[] p = hadoop.getPassword(alias);
      return p == null || p.length == 0 ? null : new String(p);
    } catch (IOException e) {
      throw LakecastErrors.ioFailure("read the credential", alias, e);
    }
  }

  /**
   * The senders of one dispatch batch of a run: the outbox under {@code outbox} for every channel configured so, the
   * configured sender for the others (with its delivery records in the outbox).
   */
  public static Factory forRun(LakecastConf conf, String outbox, String runId, String batch, HadoopConf hadoop) {
    Factory outboxFactory = OutboxSender.factory(outbox, runId, batch, hadoop);
    HashMap<String, Factory> routes = new HashMap<>();
    for (Map.Entry<String, String> e : check(conf, hadoop.get()).entrySet()) {
      // check() has matched each kind to its channel: the kind alone picks the sender.
      String kind = e.getValue();
      Factory records = OutboxSender.deliveryRecords(outbox, runId, batch, hadoop, kind);
      String where;
      Factory sender;
      switch (kind) {
        case "smtp" -> {
          SmtpSender.Settings settings = SmtpSender.Settings.of(conf);
          where = "SMTP at " + settings.describe();
          sender = SmtpSender.factory(settings, hadoop, records);
        }
        case "ses" -> {
          SesSender.Settings settings = SesSender.Settings.of(conf);
          where = "SES at " + settings.describe();
          sender = SesSender.factory(settings, records);
        }
        case "smsvoice" -> {
          SmsVoiceSender.Settings settings = SmsVoiceSender.Settings.of(conf);
          where = "AWS End User Messaging SMS at " + settings.describe();
          sender = SmsVoiceSender.factory(settings, records);
        }
        case "http" -> {
          HttpSmsSender.Settings settings = HttpSmsSender.Settings.of(conf);
          where = "the HTTP provider at " + HttpDelivery.withoutQuery(java.net.URI.create(settings.url())) + " ("
              + (settings.form() ? "form" : "json") + ")";
          sender = HttpSmsSender.factory(settings, hadoop, records);
        }
        case "fcm" -> {
          FcmSender.Settings settings = FcmSender.Settings.of(conf);
          where = "FCM HTTP v1 at " + settings.url();
          sender = FcmSender.factory(settings, hadoop, records);
        }
        case "apns" -> {
          ApnsSender.Settings settings = ApnsSender.Settings.of(conf);
          where = "APNs at " + settings.hostOf(e.getKey()) + ":" + settings.port() + " ("
              + settings.describeAuth() + ")";
          sender = ApnsSender.factory(settings, e.getKey(), hadoop, records);
        }
        case "webhook" -> {
          CustomDeliverySender.Settings settings = CustomDeliverySender.Settings.of(conf);
          where = "each campaign's DeliveryUri on the hosts " + settings.allowedHosts();
          sender = CustomDeliverySender.factory(settings, hadoop, records);
        }
        default -> throw new IllegalStateException("no sender of kind " + kind);
      }
      LOG.info("{} goes through {}", e.getKey(), where);
      routes.put(e.getKey(), sender);
    }
    if (routes.isEmpty()) {
      return outboxFactory;
    }
    return partitionId -> new Senders(routes, outboxFactory, partitionId);
  }

  private final Map<String, Factory> routes;
  private final Factory fallback;
  private final int partitionId;
  private final Map<String, Sender> open = new HashMap<>();

  private Senders(Map<String, Factory> routes, Factory fallback, int partitionId) {
    this.routes = routes;
    this.fallback = fallback;
    this.partitionId = partitionId;
  }

  @Override
  public Delivery send(OutboundMessage message) {
    return route(message).send(message);
  }

  @Override
  public java.util.List<Delivery> sendBatch(java.util.List<OutboundMessage> messages) {
    return route(messages.get(0)).sendBatch(messages);
  }

  /** The channel's sender for this partition, opened on its first message. */
  private Sender route(OutboundMessage message) {
    Factory f = routes.getOrDefault(message.channelType(), fallback);
    String key = routes.containsKey(message.channelType()) ? message.channelType() : "";
    return open.computeIfAbsent(key, k -> f.open(partitionId));
  }

  @Override
  public void close() {
    for (Sender s : open.values()) {
      s.close();
    }
  }
}
