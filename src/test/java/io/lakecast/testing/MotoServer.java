package io.lakecast.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sesv2.SesV2Client;

/**
 * Real AWS APIs on 127.0.0.1: moto's server ({@code moto_server}, from the project's Python environment), an AWS API
 * emulator. For Firehose it answers {@code PutRecordBatch} and delivers what a delivery stream takes to its S3 bucket,
 * in the same server, as Firehose does: one object per call, the records' bytes concatenated. For SES v2 it answers
 * {@code SendEmail} as SES does (a sender whose identity is not verified is refused) and keeps every email it
 * accepted. One server serves every test of the JVM; each test makes its own delivery stream, bucket or identities.
 */
public final class MotoServer {
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "000000000000";
  private static final String ACCESS_KEY = "lakecast-firehose-test";
  private static final String SECRET_KEY = "lakecast-firehose-test-secret";
  private static MotoServer shared;

  private final Process process;
  private final int port;
  private final Path log;

  private MotoServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The JVM's server, started on first use (and the SDK's default credentials set for it). */
  public static synchronized MotoServer get() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start moto_server", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared.process::destroyForcibly));
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    return shared;
  }

  private static MotoServer start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("moto-server", ".log");
    Process p = new ProcessBuilder(PythonEnv.get().resolve("bin/moto_server").toString(), "-H", "127.0.0.1", "-p",
        Integer.toString(port)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("moto_server exited: " + Files.readString(log));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return new MotoServer(p, port, log);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException("moto_server did not listen on 127.0.0.1:" + port + " within 60 s: "
        + Files.readString(log));
  }

  /**
   * The endpoint ({@code spark.lakecast.stream.firehose.endpoint},
   * {@code spark.lakecast.sender.email.ses.endpoint}).
   */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  private S3Client s3() {
    return S3Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint()))
        .forcePathStyle(true).credentialsProvider(credentials()).build();
  }

  private static StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY));
  }

  /** Creates a DirectPut delivery stream into a new bucket of the same name; returns the stream's ARN. */
  public String createDeliveryStream(String name) {
    try (S3Client s3 = s3();
        FirehoseClient firehose = FirehoseClient.builder().region(Region.of(REGION))
            .endpointOverride(URI.create(endpoint())).credentialsProvider(credentials()).build()) {
      s3.createBucket(b -> b.bucket(name));
      firehose.createDeliveryStream(b -> b.deliveryStreamName(name).deliveryStreamType("DirectPut")
          .extendedS3DestinationConfiguration(d -> d.bucketARN("arn:aws:s3:::" + name)
              .roleARN("arn:aws:iam::" + ACCOUNT + ":role/firehose-delivery").prefix("events/")));
    }
    return "arn:aws:firehose:" + REGION + ":" + ACCOUNT + ":deliverystream/" + name;
  }

  /** The objects the delivery stream wrote to its bucket, in key order, each as its text. */
  public List<String> objects(String name) {
    List<String> out = new ArrayList<>();
    try (S3Client s3 = s3()) {
      for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(name)).contents()) {
        out.add(s3.getObjectAsBytes(b -> b.bucket(name).key(o.key())).asString(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Verifies the email identity {@code address} in SES, so that it may send. */
  public void verifyEmailIdentity(String address) {
    try (SesV2Client ses = SesV2Client.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint()))
        .credentialsProvider(credentials()).build()) {
      ses.createEmailIdentity(b -> b.emailIdentity(address));
    }
  }

  /**
   * The emails SES accepted from {@code source}, as moto keeps them: {@code source}, {@code destinations},
   * {@code subject} and {@code body} (the HTML part when there is one).
   */
  public List<JsonNode> emailsFrom(String source) throws IOException {
    HttpResponse<String> r;
    try {
      r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(endpoint() + "/moto-api/data.json"))
          .build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode m : new ObjectMapper().readTree(r.body()).at("/ses/Message")) {
      if (m.path("source").asText().equals(source)) {
        out.add(m);
      }
    }
    return out;
  }

  /** The server's output so far (for a failing test's message). */
  public String log() throws IOException {
    return Files.readString(log);
  }
}
