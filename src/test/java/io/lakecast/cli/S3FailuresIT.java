package io.lakecast.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakecast.testing.Cli;
import io.lakecast.testing.Cli.Run;
import io.lakecast.testing.S3Server;
import io.lakecast.testing.SparkTestSession;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * S3 failures against a real S3 API server on 127.0.0.1: access denied (a bucket whose configured secret is wrong)
 * and a bucket that does not exist. Each is one line, {@code <Code>: message}, naming the URI, and no secret.
 */
class S3FailuresIT {
  static final String WRONG_SECRET = "wrong-secret-planted-9f8e7d";
  @TempDir static Path storage;
  @TempDir static Path warehouse;
  static S3Server s3;
  static String appId;

  @BeforeAll
  static void start() throws Exception {
    s3 = new S3Server(storage);
    s3.createBucket("locked");
    Configuration conf = SparkTestSession.withWarehouse(warehouse).sparkContext().hadoopConfiguration();
    s3.configure(conf);
    conf.set("fs.s3a.bucket.locked.secret.key", WRONG_SECRET);
    appId = Cli.createApp("s3-failures");
  }

  @AfterAll
  static void stop() throws Exception {
    SparkTestSession.get().sparkContext().hadoopConfiguration().unset("fs.s3a.bucket.locked.secret.key");
    s3.close();
  }

  private static Run importFrom(String url) {
    return Cli.run("create-import-job", "--application-id", appId, "--import-job-request",
        "{\"Format\":\"CSV\",\"S3Url\":\"" + url + "\",\"RoleArn\":\"r\"}");
  }

  @Test
  void accessDeniedIsForbiddenAndNamesTheObject() {
    Run r = importFrom("s3://locked/audience/");
    assertThat(r.exitCode()).as("exit code").isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("ForbiddenException: Cannot list s3a://locked/audience/: Access denied: ")
        .contains("check the credentials").doesNotContain("\tat ").doesNotContain(WRONG_SECRET)
        .doesNotContain(S3Server.SECRET_KEY);
  }

  @Test
  void aMissingBucketIsNotFoundAndNamesIt() {
    Run r = importFrom("s3a://no-such-bucket/audience/");
    assertThat(r.exitCode()).as("exit code").isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("NotFoundException: Cannot list s3a://no-such-bucket/audience: The bucket does "
        + "not exist: ").doesNotContain("\tat ")
        .doesNotContain(S3Server.SECRET_KEY);
  }
}
