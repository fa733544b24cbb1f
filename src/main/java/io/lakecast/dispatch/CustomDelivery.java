package io.lakecast.dispatch;

import io.lakecast.model.PinpointJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The message of a custom channel as dispatch carries it: the campaign's {@code CustomDeliveryConfiguration} and its
 * {@code CustomMessage.Data}, as one JSON object that begins with the configuration. Dispatch sends such messages
 * through the {@code CUSTOM} channel's sender, whatever the endpoint's own channel, at most {@link #MAX_ENDPOINTS}
 * endpoints of one treatment at a time.
 */
public final class CustomDelivery {
  private CustomDelivery() {}

  /** Pinpoint's most endpoints per call of a custom channel. */
  public static final int MAX_ENDPOINTS = 50;

  /** The channel whose sender delivers custom messages. */
  public static final String CHANNEL = "CUSTOM";

  private static final String PREFIX = "{\"CustomDeliveryConfiguration\":";

  /** The message JSON of a custom delivery to {@code deliveryUri} of {@code data}. */
  public static String message(String deliveryUri, List<String> endpointTypes, String data) {
    Map<String, Object> configuration = new LinkedHashMap<>();
    configuration.put("DeliveryUri", deliveryUri);
    configuration.put("EndpointTypes", endpointTypes);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("CustomDeliveryConfiguration", configuration);
    m.put("Data", data);
    String json = PinpointJson.compact(m);
    if (!json.startsWith(PREFIX)) {
      throw new IllegalStateException("a custom message must begin with its configuration: " + json);
    }
    return json;
  }

  /** Whether a message JSON is a custom delivery. */
  public static boolean isCustom(String message) {
    return message != null && message.startsWith(PREFIX);
  }
}
