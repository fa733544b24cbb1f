package io.lakecast.testing;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * A real S3 API server (S3Proxy over a local filesystem blobstore) on 127.0.0.1 and a free port, with static
 * credentials, and the Hadoop settings that point {@code s3a://} at it with path-style access.
 */
public final class S3Server implements AutoCloseable {
  public static final String ACCESS_KEY = "lakecast-test-access";
  public static final String SECRET_KEY = "lakecast-test-secret-0123456789";

  private final S3Proxy proxy;
  private final BlobStoreContext context;

  public S3Server(Path storage) throws Exception {
    Properties props = new Properties();
    props.setProperty("jclouds.filesystem.basedir", storage.toString());
    context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(context.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.currentTimeMillis() + 10_000;
    while (!proxy.getState().equals("STARTED") && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  public void createBucket(String bucket) {
    context.getBlobStore().createContainerInLocation(null, bucket);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** Points s3a:// at this server. */
  public void configure(Configuration conf) {
    hadoopSettings().forEach(conf::set);
  }

  /** The Hadoop settings that point s3a:// at this server (as {@code spark.hadoop.*} confs for a spark-submit). */
  public java.util.Map<String, String> hadoopSettings() {
    java.util.Map<String, String> conf = new java.util.LinkedHashMap<>();
    conf.put("fs.s3a.endpoint", endpoint());
    conf.put("fs.s3a.endpoint.region", "us-east-1");
    conf.put("fs.s3a.path.style.access", "true");
    conf.put("fs.s3a.connection.ssl.enabled", "false");
    conf.put("fs.s3a.access.key", ACCESS_KEY);
    conf.put("fs.s3a.secret.key", SECRET_KEY);
    conf.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.put("fs.s3a.change.detection.mode", "none");
    conf.put("fs.s3a.impl.disable.cache", "true");
    // S3Proxy does not implement the bulk DeleteObjects headers the SDK sends; single deletes work everywhere.
    conf.put("fs.s3a.multiobjectdelete.enable", "false");
    conf.put("fs.s3a.directory.marker.retention", "keep");
    conf.put("fs.s3a.attempts.maximum", "2");
    conf.put("fs.s3a.retry.limit", "2");
    return conf;
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
