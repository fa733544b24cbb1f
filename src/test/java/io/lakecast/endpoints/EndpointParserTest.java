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

  @Test
  void everyTopDemographicAndLocationMemberOfACsvRowLandsInItsPlace() {
    List<String> columns = List.of("Id", "Address", "ChannelType", "EndpointStatus", "OptOut", "EffectiveDate",
        "CreationDate", "RequestId", "CohortId", "ApplicationId", "Demographic.AppVersion", "Demographic.Locale",
        "Demographic.Make", "Demographic.Model", "Demographic.ModelVersion", "Demographic.Platform",
        "Demographic.PlatformVersion", "Demographic.Timezone", "Location.City", "Location.Country",
        "Location.Latitude", "Location.Longitude", "Location.PostalCode", "Location.Region");
    Parsed p = EndpointParser.parseCsv(CsvHeader.of(columns), List.of("e1", "a@example.com", "EMAIL", "ACTIVE",
        "NONE", "2026-01-02T00:00:00Z", "2025-01-01T00:00:00Z", "r1", "42", "app1", "1.2", "en_US", "Acme", "A1",
        "7", "ios", "17.1", "America/Los_Angeles", "Seattle", "US", "47.6", "-122.3", "98101", "WA"));
    assertThat(p.rejection()).isNull();
    var e = p.item();
    assertThat(List.of(e.id(), e.address(), e.channelType().name(), e.endpointStatus(), e.optOut(),
        e.effectiveDate(), e.creationDate(), e.requestId(), e.cohortId(), e.applicationId()))
        .containsExactly("e1", "a@example.com", "EMAIL", "ACTIVE", "NONE", "2026-01-02T00:00:00Z",
            "2025-01-01T00:00:00Z", "r1", "42", "app1");
    var d = e.demographic();
    assertThat(List.of(d.appVersion(), d.locale(), d.make(), d.model(), d.modelVersion(), d.platform(),
        d.platformVersion(), d.timezone()))
        .containsExactly("1.2", "en_US", "Acme", "A1", "7", "ios", "17.1", "America/Los_Angeles");
    var l = e.location();
    assertThat(List.of(l.city(), l.country(), l.postalCode(), l.region()))
        .containsExactly("Seattle", "US", "98101", "WA");
    assertThat(l.latitude()).isEqualTo(47.6);
    assertThat(l.longitude()).isEqualTo(-122.3);
  }

  @Test
  void theAddressChecksAcceptExactlyWhatPinpointsPatternsAccept() {
    java.util.regex.Pattern email = java.util.regex.Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    java.util.regex.Pattern phone = java.util.regex.Pattern.compile("^\\+?[0-9][0-9 ().-]{5,19}$");
    List<String> cases = List.of("", "a@b.c", "@b.c", "a@.c", "a@b.", "a@b..c", "a@@b.c", "a b@c.d", "a@b.c\n",
        "a@b\tc.d", ".@..", "a.b@c", "x@y.z.w", "+12065550100", "2065550182", "+", "+1", "12345", "123456",
        "1(206) 555-0100", "+(206)5550100", "1234567890123456789012", "12345678901234567890", "-123456",
        "1 2 3 4 5", "1..........", "1a34567");
    java.util.Random random = new java.util.Random(11);
    String alphabet = "ab.@ \t+0123456789()-";
    List<String> all = new java.util.ArrayList<>(cases);
    for (int i = 0; i < 20_000; i++) {
      StringBuilder b = new StringBuilder();
      for (int n = random.nextInt(24); n > 0; n--) {
        b.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      all.add(b.toString());
    }
    for (String a : all) {
      assertThat(EndpointParser.isEmail(a)).as("email check of '%s'", a).isEqualTo(email.matcher(a).matches());
      assertThat(EndpointParser.isPhone(a)).as("phone check of '%s'", a).isEqualTo(phone.matcher(a).matches());
    }
  }

  private static RejectReason reason(Parsed p) {
    assertThat(p.rejection()).as("rejection").isNotNull();
    return p.rejection().reason();
  }
}
