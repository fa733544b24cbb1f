package io.lakecast.campaigns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakecast.dispatch.Personalizer;
import io.lakecast.model.PinpointJson;
import java.io.IOException;
import java.util.Set;

/**
 * A campaign hook's per-endpoint {@code TitleOverride} and {@code BodyOverride} (members of the endpoint it returned)
 * replace the title and body of that endpoint's push or SMS message, as in Pinpoint; then {@code base} renders the
 * message's variables.
 */
record HookOverrides(Personalizer base) implements Personalizer {
  private static final Set<String> CHANNELS = Set.of("SMS", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP",
      "APNS_VOIP_SANDBOX", "ADM", "BAIDU", "PUSH");

  @Override
  public String personalize(String treatmentId, String channel, String message, String endpointJson) {
    String m = message;
    if (CHANNELS.contains(channel) && endpointJson.contains("Override\"")) {
      try {
        JsonNode endpoint = PinpointJson.mapper().readTree(endpointJson);
        ObjectNode tree = (ObjectNode) PinpointJson.mapper().readTree(message);
        if (endpoint.hasNonNull("BodyOverride")) {
          tree.put("Body", endpoint.get("BodyOverride").asText());
        }
        if (endpoint.hasNonNull("TitleOverride") && !channel.equals("SMS")) {
          tree.put("Title", endpoint.get("TitleOverride").asText());
        }
        m = PinpointJson.compact(tree);
      } catch (IOException | ClassCastException e) {
        throw new RenderingFailure("the campaign hook's endpoint or the message is not JSON");
      }
    }
    return base.personalize(treatmentId, channel, m, endpointJson);
  }
}
