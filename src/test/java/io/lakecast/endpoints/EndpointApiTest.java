package io.lakecast.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** update-endpoint(s), get-user-endpoints and get-import-jobs: the import's merge semantics through the API. */
class EndpointApiTest {
  @TempDir static Path warehouse;
  static String appId;

  @BeforeAll
  static void app() {
    SparkTestSession.withWarehouse(warehouse);
    appId = Cli.createApp("api");
    // An app's very first write is an append (see README); every test here exercises the merge path.
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "seed", "--endpoint-request",
        "{\"ChannelType\":\"EMAIL\",\"Address\":\"seed@example.com\"}").ok();
  }

  static JsonNode endpoint(String id) {
    return Cli.run("get-endpoint", "--application-id", appId, "--endpoint-id", id).ok().get("EndpointResponse");
  }

  @Test
  void updateEndpointCreatesThenChangesOnlyTheMembersGiven() {
    JsonNode ack = Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "api-1",
        "--endpoint-request", "{\"ChannelType\":\"EMAIL\",\"Address\":\"api1@example.com\","
            + "\"Attributes\":{\"Interests\":[\"Music\"],\"Plan\":[\"Free\"]},\"Metrics\":{\"visits\":2},"
            + "\"Demographic\":{\"Platform\":\"ios\",\"Make\":\"apple\"},\"User\":{\"UserId\":\"api-user\"}}").ok();
    assertThat(ack.at("/MessageBody/Message").asText()).isEqualTo("Accepted");
    JsonNode created = endpoint("api-1");
    assertThat(created.get("EndpointStatus").asText()).isEqualTo("ACTIVE");
    assertThat(created.get("OptOut").asText()).isEqualTo("NONE");

    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "api-1", "--endpoint-request",
        "{\"Attributes\":{\"Plan\":[\"Pro\"]},\"Demographic\":{\"Platform\":\"android\"},\"OptOut\":\"ALL\"}").ok();
    JsonNode updated = endpoint("api-1");
    assertThat(updated.get("Address").asText()).as("absent member kept").isEqualTo("api1@example.com");
    assertThat(updated.at("/Attributes/Plan/0").asText()).as("present key replaced").isEqualTo("Pro");
    assertThat(updated.at("/Attributes/Interests/0").asText()).as("other keys kept").isEqualTo("Music");
    assertThat(updated.at("/Demographic/Platform").asText()).isEqualTo("android");
    assertThat(updated.at("/Demographic/Make").asText()).as("field by field").isEqualTo("apple");
    assertThat(updated.at("/Metrics/visits").asDouble()).isEqualTo(2.0);
    assertThat(updated.get("OptOut").asText()).isEqualTo("ALL");
    assertThat(updated.get("CreationDate").asText()).isEqualTo(created.get("CreationDate").asText());
    assertThat(updated.get("CohortId").asText()).isEqualTo(created.get("CohortId").asText());
  }

  @Test
  void batchUpdatesAndUserEndpoints() {
    Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request",
        "{\"Item\":[{\"Id\":\"b-1\",\"ChannelType\":\"SMS\",\"Address\":\"+12065550301\",\"User\":{\"UserId\":\"bu\"}},"
            + "{\"ChannelType\":\"EMAIL\",\"Address\":\"bu@example.com\",\"User\":{\"UserId\":\"bu\"}}]}").ok();
    JsonNode items = Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "bu").ok()
        .at("/EndpointsResponse/Item");
    assertThat(items).hasSize(2);
    assertThat(items).anySatisfy(i -> assertThat(i.get("Id").asText())
        .isEqualTo(EndpointParser.derivedId("EMAIL", "bu@example.com")));
  }

  @Test
  void anotherEndpointWithTheSameAddressBecomesInactive() {
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "old-phone", "--endpoint-request",
        "{\"ChannelType\":\"SMS\",\"Address\":\"+12065550900\"}").ok();
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "new-phone", "--endpoint-request",
        "{\"ChannelType\":\"SMS\",\"Address\":\"+12065550900\"}").ok();
    assertThat(endpoint("old-phone").get("EndpointStatus").asText()).isEqualTo("INACTIVE");
    assertThat(endpoint("new-phone").get("EndpointStatus").asText()).isEqualTo("ACTIVE");
  }

  @Test
  void userAttributesAreSharedByAllEndpointsOfTheUser() {
    Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request",
        "{\"Item\":[{\"Id\":\"ua-1\",\"ChannelType\":\"EMAIL\",\"Address\":\"ua@example.com\","
            + "\"User\":{\"UserId\":\"ua\",\"UserAttributes\":{\"Tier\":[\"Silver\"],\"Lang\":[\"en\"]}}},"
            + "{\"Id\":\"ua-2\",\"ChannelType\":\"SMS\",\"Address\":\"+12065550901\",\"User\":{\"UserId\":\"ua\"}}]}")
        .ok();
    assertThat(endpoint("ua-2").at("/User/UserAttributes/Tier/0").asText()).isEqualTo("Silver");
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "ua-2", "--endpoint-request",
        "{\"User\":{\"UserId\":\"ua\",\"UserAttributes\":{\"Tier\":[\"Gold\"]}}}").ok();
    JsonNode first = endpoint("ua-1");
    assertThat(first.at("/User/UserAttributes/Tier/0").asText()).as("synchronized").isEqualTo("Gold");
    assertThat(first.at("/User/UserAttributes/Lang/0").asText()).as("other keys kept").isEqualTo("en");
  }

  @Test
  void badRequestsNameTheProblem() {
    StringBuilder many = new StringBuilder("{\"Item\":[");
    for (int i = 0; i < 101; i++) {
      many.append(i == 0 ? "" : ",").append("{\"ChannelType\":\"SMS\",\"Address\":\"+1206555").append(1000 + i)
          .append("\"}");
    }
    Run tooMany = Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request",
        many.append("]}").toString());
    assertThat(tooMany.exitCode()).isEqualTo(2);
    assertThat(tooMany.err()).contains("101 items", "at most 100");

    Run badItem = Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request",
        "{\"Item\":[{\"ChannelType\":\"SMS\",\"Address\":\"+12065550401\"},{\"ChannelType\":\"FAX\",\"Address\":\"x\"}]}");
    assertThat(badItem.exitCode()).isEqualTo(2);
    assertThat(badItem.err()).contains("EndpointBatchRequest.Item[1]", "INVALID_ENUM", "FAX");

    Run idInBody = Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "x",
        "--endpoint-request", "{\"Id\":\"y\",\"ChannelType\":\"SMS\",\"Address\":\"+12065550402\"}");
    assertThat(idInBody.exitCode()).isEqualTo(2);
    assertThat(idInBody.err()).contains("Unknown member 'Id'", "EndpointRequest");

    Run noUser = Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "nobody");
    assertThat(noUser.exitCode()).isEqualTo(1);
    assertThat(noUser.err()).contains("User 'nobody'");
  }

  @Test
  void aUserHasAtMostTenEndpoints() {
    StringBuilder eleven = new StringBuilder("{\"Item\":[");
    for (int i = 1; i <= 11; i++) {
      eleven.append(i == 1 ? "" : ",").append("{\"Id\":\"many-").append(i)
          .append("\",\"ChannelType\":\"EMAIL\",\"Address\":\"many").append(i)
          .append("@example.com\",\"User\":{\"UserId\":\"many\"}}");
    }
    Run tooMany = Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request",
        eleven.append("]}").toString());
    assertThat(tooMany.exitCode()).isEqualTo(2);
    assertThat(tooMany.err()).contains("EndpointBatchRequest.Item[10]", "TOO_MANY_ENDPOINTS_FOR_USER", "'many'",
        "11 endpoints", "at most 10");
    assertThat(Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "many").exitCode())
        .as("nothing of a refused batch is written").isEqualTo(1);

    Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request",
        eleven.toString().replace(",{\"Id\":\"many-11\",\"ChannelType\":\"EMAIL\",\"Address\":"
            + "\"many11@example.com\",\"User\":{\"UserId\":\"many\"}}", "")).ok();
    Run eleventh = Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "many-11",
        "--endpoint-request", "{\"ChannelType\":\"SMS\",\"Address\":\"+12065550911\","
            + "\"User\":{\"UserId\":\"many\"}}");
    assertThat(eleventh.exitCode()).isEqualTo(2);
    assertThat(eleventh.err()).contains("EndpointRequest", "TOO_MANY_ENDPOINTS_FOR_USER");
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "many-3", "--endpoint-request",
        "{\"Attributes\":{\"Plan\":[\"Pro\"]},\"User\":{\"UserId\":\"many\"}}").ok();
    assertThat(Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "many").ok()
        .at("/EndpointsResponse/Item")).hasSize(10);
  }

  @Test
  void aNewPushTokenPastTheLimitDisplacesTheUsersOldestOne() {
    StringBuilder ten = new StringBuilder("{\"Item\":[");
    for (int i = 1; i <= 10; i++) {
      ten.append(i == 1 ? "" : ",").append("{\"Id\":\"device-").append(i)
          .append("\",\"ChannelType\":\"GCM\",\"Address\":\"token-").append(i)
          .append("\",\"EffectiveDate\":\"2026-03-").append(String.format("%02d", 20 - i))
          .append("T00:00:00Z\",\"User\":{\"UserId\":\"phone-user\"}}");
    }
    Cli.run("update-endpoints-batch", "--application-id", appId, "--endpoint-batch-request", ten + "]}").ok();
    Cli.run("update-endpoint", "--application-id", appId, "--endpoint-id", "device-11", "--endpoint-request",
        "{\"ChannelType\":\"GCM\",\"Address\":\"token-11\",\"User\":{\"UserId\":\"phone-user\"}}").ok();
    JsonNode items = Cli.run("get-user-endpoints", "--application-id", appId, "--user-id", "phone-user").ok()
        .at("/EndpointsResponse/Item");
    assertThat(items).hasSize(10);
    JsonNode oldest = endpoint("device-10");
    assertThat(oldest.get("EndpointStatus").asText()).isEqualTo("INACTIVE");
    assertThat(oldest.at("/User/UserId").isMissingNode() || oldest.at("/User/UserId").isNull()).isTrue();
    assertThat(endpoint("device-11").get("EndpointStatus").asText()).isEqualTo("ACTIVE");
  }

  @Test
  void importJobsAreListedNewestFirst() {
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"jobs/specs/endpoints-example.ndjson\",\"Format\":\"JSON\"}").ok();
    Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"S3Url\":\"jobs/specs/endpoints-example.csv\",\"Format\":\"CSV\"}").ok();
    JsonNode jobs = Cli.run("get-import-jobs", "--application-id", appId).ok().at("/ImportJobsResponse/Item");
    assertThat(jobs).hasSizeGreaterThanOrEqualTo(2);
    assertThat(jobs.get(0).at("/Definition/Format").asText()).isEqualTo("CSV");
    assertThat(jobs.get(1).at("/Definition/Format").asText()).isEqualTo("JSON");
  }
}
