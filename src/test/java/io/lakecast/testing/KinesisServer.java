package io.lakecast.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A real Kinesis API server on 127.0.0.1: the npm package {@code kinesis-local} (etspaceman's kinesis-mock), pinned
 * in {@code package.json} and installed by {@code npm ci} on first use. It is started from its own package folder
 * (it reads {@code server.json} there), with {@code src/test/node/loopback.js} preloaded to keep it off other
 * interfaces. One server serves every test of the JVM; each test makes its own streams.
 */
public final class KinesisServer {
  /** Credentials the SDK's default chain finds (system properties); the server accepts any. */
  public static final String ACCESS_KEY = "lakecast-kinesis-test";
  public static final String REGION = "us-east-1";
  public static final String ACCOUNT = "000000000000";
  private static KinesisServer shared;

  private final Process process;
  private final int port;
  private final Path log;

  private KinesisServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /** The JVM's server, started on first use (and the SDK's default credentials set for it). */
  public static synchronized KinesisServer get() {
    if (shared == null) {
      try {
        shared = start();
      } catch (IOException e) {
        throw new IllegalStateException("cannot start kinesis-local", e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(shared.process::destroyForcibly));
    }
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", "lakecast-kinesis-test-secret");
    return shared;
  }

  private static KinesisServer start() throws IOException, InterruptedException {
    Path repo = Path.of(System.getProperty("lakecast.home", "")).toAbsolutePath();
    Path pkg = repo.resolve("node_modules/kinesis-local");
    if (!Files.exists(pkg.resolve("main.js"))) {
      Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(repo.toFile())
          .redirectErrorStream(true).start();
      String out = new String(npm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (npm.waitFor() != 0) {
        throw new IOException("npm ci failed in " + repo + ":\n" + out);
      }
    }
    int port = freePort();
    Path log = Files.createTempFile("kinesis-local", ".log");
    ProcessBuilder pb = new ProcessBuilder("node", "-r", repo.resolve("src/test/node/loopback.js").toString(),
        "main.js").directory(pkg.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
    pb.environment().put("KINESIS_MOCK_TLS_PORT", Integer.toString(freePort()));
    pb.environment().put("AWS_REGION", REGION);
    pb.environment().put("LOG_LEVEL", "WARN");
    pb.environment().put("CREATE_STREAM_DURATION", "0ms");
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("kinesis-local exited: " + Files.readString(log));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return new KinesisServer(p, port, log);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    p.destroyForcibly();
    throw new IOException("kinesis-local did not listen on 127.0.0.1:" + port + " within 60 s: "
        + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The plain-HTTP endpoint ({@code spark.lakecast.stream.kinesis.endpoint}). */
  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** A client of this server, for the tests' own calls. */
  public KinesisClient client() {
    return KinesisClient.builder().region(Region.of(REGION)).endpointOverride(URI.create(endpoint()))
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(ACCESS_KEY, "lakecast-kinesis-test-secret")))
        .build();
  }

  /** Creates a stream with that many shards and waits until it is active; returns its ARN. */
  public String createStream(String name, int shards) throws InterruptedException {
    try (KinesisClient c = client()) {
      c.createStream(b -> b.streamName(name).shardCount(shards));
      for (int i = 0; i < 200; i++) {
        if (c.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary().streamStatus()
            == StreamStatus.ACTIVE) {
          return "arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/" + name;
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("stream " + name + " did not become ACTIVE");
  }

  /** Every record in the stream, shard by shard, each as (partition key, data). */
  public List<String[]> records(String name) {
    List<String[]> out = new ArrayList<>();
    try (KinesisClient c = client()) {
      for (Shard shard : c.listShards(b -> b.streamName(name)).shards()) {
        String first = c.getShardIterator(b -> b.streamName(name).shardId(shard.shardId())
            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        String it = first;
        while (it != null) {
          String at = it;
          var r = c.getRecords(b -> b.shardIterator(at).limit(10_000));
          for (Record rec : r.records()) {
            out.add(new String[] {rec.partitionKey(), rec.data().asUtf8String()});
          }
          if (r.records().isEmpty() || r.millisBehindLatest() == null || r.millisBehindLatest() == 0) {
            break;
          }
          it = r.nextShardIterator();
        }
      }
    }
    return out;
  }

  /** The server's output so far (for a failing test's message). */
  public String log() throws IOException {
    return Files.readString(log);
  }
}
