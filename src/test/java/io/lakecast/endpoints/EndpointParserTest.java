package io.lakecast.endpoints;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.endpoints.EndpointParser.CsvHeader;
import io.lakecast.endpoints.EndpointParser.Parsed;
import io.lakecast.model.PinpointEnums.ChannelType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One import record at a time: dot-notation CSV and NDJSON, and the reason code of every rejection. */
class EndpointParserTest {
  static final CsvHeader HEADER =
      CsvHeader.of(
          List.of(
              "\uFEFFChannelType", "Address", "Attributes.Interests", "Attributes.Interests", "Metrics.purchases",
              "Location.Country", "Location.Latitude", "User.UserId", "User.UserAttributes.Tier"));

  @Test
  void csvRowWithRepeatedAttributeColumnsAndBom() {
    Parsed p =
        EndpointParser.parseCsv(
            HEADER, List.of("EMAIL", "a@example.com", "Music", "Travel", "3", "US", "47.6", "u1", "Gold"));
    assertThat(p.rejection()).isNull();
    assertThat(p.item().channelType()).isEqualTo(ChannelType.EMAIL);
    assertThat(p.item().attributes()).containsEntry("Interests", List.of("Music", "Travel"));
    assertThat(p.item().metrics()).containsEntry("purchases", 3.0);
    assertThat(p.item().location().latitude()).isEqualTo(47.6);
    assertThat(p.item().user().userId()).isEqualTo("u1");
    assertThat(p.item().user().userAttributes()).containsEntry("Tier", List.of("Gold"));
  }

  @Test
  void emptyCellsAreAbsentMembers() {
    Parsed p = EndpointParser.parseCsv(HEADER, List.of("SMS", "2065550182", "", "", "", "", "", "", ""));
    assertThat(p.rejection()).isNull();
    assertThat(p.item().attributes()).isNull();
    assertThat(p.item().user()).isNull();
    assertThat(p.item().location()).isNull();
  }

  @Test
  void recordWithoutIdGetsADeterministicIdFromChannelAndAddress() {
    Parsed a = EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"a@example.com\"}");
    Parsed b = EndpointParser.parseJson("{\"Address\":\"a@example.com\",\"ChannelType\":\"EMAIL\"}");
    Parsed c = EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"b@example.com\"}");
    assertThat(EndpointParser.endpointId(a.item())).isEqualTo(EndpointParser.endpointId(b.item())).hasSize(32);
    assertThat(EndpointParser.endpointId(a.item())).isNotEqualTo(EndpointParser.endpointId(c.item()));
    Parsed own = EndpointParser.parseJson("{\"Id\":\"e-1\",\"ChannelType\":\"EMAIL\",\"Address\":\"a@example.com\"}");
    assertThat(EndpointParser.endpointId(own.item())).isEqualTo("e-1");
  }

  @Test
  void pinpointExportRecordImportsUnchanged() {
    Parsed p =
        EndpointParser.parseJson(
            "{\"ApplicationId\":\"app\",\"Id\":\"e-1\",\"ChannelType\":\"SMS\",\"Address\":\"+12065550100\","
                + "\"CohortId\":\"42\",\"CreationDate\":\"2024-01-01T00:00:00.000Z\",\"EndpointStatus\":\"INACTIVE\","
                + "\"OptOut\":\"NONE\",\"EffectiveDate\":\"2024-02-01T00:00:00.000Z\",\"RequestId\":\"r\","
                + "\"Demographic\":{\"Timezone\":\"America/Los_Angeles\"},\"User\":{\"UserId\":\"u\"}}");
    assertThat(p.rejection()).isNull();
    assertThat(p.item().cohortId()).isEqualTo("42");
    assertThat(p.item().endpointStatus()).isEqualTo("INACTIVE");
  }

  @Test
  void everyBadRecordHasItsReasonCode() {
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"FAX\",\"Address\":\"x\"}")))
        .isEqualTo(RejectReason.INVALID_ENUM);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"x\",\"Colour\":1}")))
        .isEqualTo(RejectReason.UNKNOWN_MEMBER);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\"")))
        .isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(reason(EndpointParser.parseJson("[1,2]"))).as("not an object").isEqualTo(RejectReason.MALFORMED_JSON);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"a@b.c\",\"Metrics\":{\"m\":\"x\"}}")))
        .isEqualTo(RejectReason.TYPE_MISMATCH);
    assertThat(reason(EndpointParser.parseJson("{\"Address\":\"a@example.com\"}")))
        .isEqualTo(RejectReason.MISSING_CHANNEL_TYPE);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"SMS\"}"))).isEqualTo(RejectReason.MISSING_ADDRESS);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"nope\"}")))
        .isEqualTo(RejectReason.INVALID_ADDRESS);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"SMS\",\"Address\":\"call me\"}")))
        .isEqualTo(RejectReason.INVALID_ADDRESS);
    assertThat(reason(EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"a@b.co\",\"OptOut\":\"SOME\"}")))
        .isEqualTo(RejectReason.INVALID_ENUM);
    assertThat(reason(EndpointParser.parseCsv(HEADER, List.of("EMAIL", "a@b.co", "", "", "many", "", "", "", ""))))
        .isEqualTo(RejectReason.TYPE_MISMATCH);
    assertThat(reason(EndpointParser.parseCsv(HEADER, List.of("EMAIL", "a@b.co", "", "", "", "", "", "", "", "extra"))))
        .isEqualTo(RejectReason.MALFORMED_CSV);
    assertThat(reason(EndpointParser.parseCsv(CsvHeader.of(List.of("ChannelType", "Address", "Fax")),
            List.of("EMAIL", "a@b.co", "1"))))
        .isEqualTo(RejectReason.UNKNOWN_MEMBER);
  }

  @Test
  void rejectionMessagesNameTheMember() {
    assertThat(EndpointParser.parseJson("{\"ChannelType\":\"FAX\",\"Address\":\"x\"}").rejection().message())
        .contains("'FAX'", "ChannelType", "EMAIL", "SMS");
    assertThat(EndpointParser.parseJson("{\"ChannelType\":\"EMAIL\",\"Address\":\"a@b.co\",\"Location\":{\"Planet\":\"Mars\"}}")
            .rejection().message())
        .contains("Location.Planet");
  }

  private static RejectReason reason(Parsed p) {
    assertThat(p.rejection()).as("rejection").isNotNull();
    return p.rejection().reason();
  }
}
