package io.lakecast.warehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakecast.LakecastException;
import io.lakecast.conf.LakecastConf;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which locations a user may name: allowed schemes only, and no output inside the warehouse's tables. */
class LocationsTest {
  static final LakecastConf CONF = new LakecastConf(Map.of(LakecastConf.WAREHOUSE, "/data/wh"));

  @Test
  void sourcesAreNormalizedAsPinpointUrlsAre() {
    assertThat(Locations.source(CONF, "S3Url", "s3://bucket/in/")).isEqualTo("s3a://bucket/in/");
    assertThat(Locations.source(CONF, "S3Url", "s3a://bucket/in")).isEqualTo("s3a://bucket/in");
    assertThat(Locations.source(CONF, "S3Url", "/tmp/in")).isEqualTo("file:/tmp/in");
    assertThat(Locations.source(CONF, "S3Url", "file:///tmp/in")).isEqualTo("file:/tmp/in");
  }

  @Test
  void aSchemeNobodyConfiguredIsRefusedWithTheAllowedOnes() {
    for (String uri : new String[] {"http://example.com/e.csv", "hdfs://nn/e.csv", "gs://b/e.csv"}) {
      assertThatThrownBy(() -> Locations.source(CONF, "S3Url", uri))
          .isInstanceOf(LakecastException.class)
          .hasMessageContaining("S3Url '" + uri + "'")
          .hasMessageContaining("is not allowed")
          .hasMessageContaining("file, s3, s3a")
          .extracting(e -> ((LakecastException) e).code()).isEqualTo("ForbiddenException");
    }
  }

  @Test
  void theAllowedSchemesAreASetting() {
    LakecastConf localOnly = new LakecastConf(Map.of(LakecastConf.WAREHOUSE, "/data/wh",
        LakecastConf.IO_ALLOWED_SCHEMES, "file"));
    assertThat(Locations.source(localOnly, "S3Url", "/tmp/in")).isEqualTo("file:/tmp/in");
    assertThatThrownBy(() -> Locations.source(localOnly, "S3Url", "s3://bucket/in"))
        .hasMessageContaining("scheme 's3' is not allowed").hasMessageContaining("allows file");
  }

  @Test
  void anOutputInsideATableOrTheStagingAreaIsRefused() {
    assertThatThrownBy(() -> Locations.output(CONF, "S3UrlPrefix", "/data/wh/endpoints"))
        .hasMessage("Cannot write S3UrlPrefix 'file:/data/wh/endpoints': it overlaps the table endpoints of the "
            + "warehouse; choose a location outside the warehouse's tables")
        .extracting(e -> ((LakecastException) e).code()).isEqualTo("BadRequestException");
    assertThatThrownBy(() -> Locations.output(CONF, "--output", "file:///data/wh/send_ledger/part"))
        .hasMessageContaining("the table send_ledger");
    assertThatThrownBy(() -> Locations.output(CONF, "--output", "/data/wh/events/app_id=a"))
        .hasMessageContaining("the table events");
    assertThatThrownBy(() -> Locations.output(CONF, "--output", "/data/wh/_staging/x"))
        .hasMessageContaining("the staging area");
  }

  @Test
  void anObjectStoreWarehouseIsGuardedTheSameWay() {
    LakecastConf s3 = new LakecastConf(Map.of(LakecastConf.WAREHOUSE, "s3a://lake/wh"));
    assertThatThrownBy(() -> Locations.output(s3, "S3UrlPrefix", "s3://lake/wh/endpoints/"))
        .hasMessageContaining("'s3a://lake/wh/endpoints'").hasMessageContaining("the table endpoints");
    assertThatThrownBy(() -> Locations.output(s3, "S3UrlPrefix", "s3://lake/"))
        .hasMessageContaining("the warehouse root s3a://lake/wh");
    assertThat(Locations.output(s3, "S3UrlPrefix", "s3://lake/exports/")).isEqualTo("s3a://lake/exports/");
  }

  @Test
  void anOutputThatIsOrHoldsTheWarehouseIsRefused() {
    assertThatThrownBy(() -> Locations.output(CONF, "S3UrlPrefix", "/data/wh/"))
        .hasMessageContaining("the warehouse root file:/data/wh");
    assertThatThrownBy(() -> Locations.output(CONF, "S3UrlPrefix", "/data"))
        .hasMessageContaining("the warehouse root file:/data/wh");
  }

  @Test
  void anOutputBesideTheTablesIsAllowed() {
    assertThat(Locations.output(CONF, "S3UrlPrefix", "/data/wh/exports/2026-12-01"))
        .isEqualTo("file:/data/wh/exports/2026-12-01");
    assertThat(Locations.output(CONF, "S3UrlPrefix", "/data/wh/endpoints-export"))
        .isEqualTo("file:/data/wh/endpoints-export");
    assertThat(Locations.output(CONF, "spark.lakecast.sender.outbox.path", CONF.outboxPath()))
        .isEqualTo("file:/data/wh/outbox");
  }

  @Test
  void credentialsInAUriAreMaskedInMessages() {
    assertThatThrownBy(() -> Locations.source(CONF, "S3Url", "ftp://user:hunter2@host/e.csv"))
        .hasMessageContaining("ftp://****@host/e.csv")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("hunter2"));
  }
}
