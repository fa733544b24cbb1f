package io.lakecast.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real HTTPS server on 127.0.0.1 (the JDK's), with a self-signed certificate made by {@code keytool} for
 * 127.0.0.1. Each path answers with a function of the request body; every request body is kept, per path, for the
 * test to read. The certificate is written as PEM for clients to trust.
 */
public final class HttpsTestServer implements AutoCloseable {
  /** What a path answers: status and body, after an optional delay. */
  public record Answer(int status, String body, long delayMillis, Map<String, String> headers) {
    public Answer(int status, String body, long delayMillis) {
      this(status, body, delayMillis, Map.of());
    }

    public static Answer ok(String body) {
      return new Answer(200, body, 0);
    }
  }

  private final HttpsServer server;
  /** The handlers' threads; not daemons, so {@link #close} ends them (else a JVM that used the server never exits). */
  private final java.util.concurrent.ExecutorService executor;
  private final Path certificate;
  private final java.util.Map<String, List<String>> received = new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, List<Map<String, String>>> headers =
      new java.util.concurrent.ConcurrentHashMap<>();
  private final java.util.Map<String, List<Long>> arrivals = new java.util.concurrent.ConcurrentHashMap<>();

  /** A key store password for test servers only. */
  public static final String STORE_PASSWORD = "test-only";

  /**
   * Makes a self-signed key for 127.0.0.1 in {@code dir}: {@code server.p12} (PKCS12, {@link #STORE_PASSWORD}) and
   * its certificate {@code server.pem}, which a client must trust. Returns the key store.
   */
  public static Path selfSigned(Path dir) throws Exception {
    Path store = dir.resolve("server.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
    run(keytool, "-exportcert", "-alias", "server", "-rfc", "-keystore", store.toString(), "-storepass",
        STORE_PASSWORD, "-file", dir.resolve("server.pem").toString());
    return store;
  }

  public HttpsTestServer(Path dir) throws Exception {
    Path store = selfSigned(dir);
    certificate = dir.resolve("server.pem");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, STORE_PASSWORD.toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    s.setHttpsConfigurator(new HttpsConfigurator(ssl));
    // Enough threads that a request the test makes slow never queues the next one.
    executor = Executors.newFixedThreadPool(16);
    s.setExecutor(executor);
    s.start();
    server = s;
  }

  private static void run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  /** Serves {@code path} with {@code answer} of each request's body. */
  public String serve(String path, Function<String, Answer> answer) {
    received.put(path, new CopyOnWriteArrayList<>());
    server.createContext(path, (HttpExchange x) -> {
      String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      x.getRequestHeaders().forEach((k, v) -> h.put(k, v.get(0)));
      headers.computeIfAbsent(path, k -> new CopyOnWriteArrayList<>()).add(h);
      arrivals.computeIfAbsent(path, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
      received.get(path).add(body);
      Answer a = answer.apply(body);
      try {
        Thread.sleep(a.delayMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] bytes = a.body().getBytes(StandardCharsets.UTF_8);
      try {
        x.getResponseHeaders().set("Content-Type", "application/json");
        a.headers().forEach((k, v) -> x.getResponseHeaders().set(k, v));
        x.sendResponseHeaders(a.status(), bytes.length);
        x.getResponseBody().write(bytes);
      } catch (IOException e) {
        // The client gave up (a timeout the test provoked).
      } finally {
        x.close();
      }
    });
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /**
   * Serves {@code path} with 200 and {@code {}} for the first {@code calls} requests, then goes down: the server stops
   * listening and drops its connections, so later calls find the port refused (a provider that fails mid-run).
   * A request that reaches it after the last answer is dropped unread, not {@link #received}.
   */
  public String serveUntilDown(String path, int calls) {
    received.put(path, new CopyOnWriteArrayList<>());
    java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();
    server.createContext(path, (HttpExchange x) -> {
      int n = answered.incrementAndGet();
      if (n > calls) {
        // Closing without an answer drops the connection.
        x.close();
        return;
      }
      received.get(path).add(new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      answerEmptyJson(x);
      if (n == calls) {
        new Thread(() -> server.stop(0), "test-server-down").start();
      }
    });
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** What a {@link #sink} took: calls, and the first and last call's arrival ({@code System.nanoTime}). */
  public static final class SinkCount {
    public final java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
    public final java.util.concurrent.atomic.AtomicLong firstNanos = new java.util.concurrent.atomic.AtomicLong();
    public final java.util.concurrent.atomic.AtomicLong lastNanos = new java.util.concurrent.atomic.AtomicLong();
  }

  /**
   * Serves {@code path} as a load sink: every call gets 200 and {@code {}} at once, and only {@code count} remembers
   * it (a benchmark's million messages would not fit in {@link #received}).
   */
  public String sink(String path, SinkCount count) {
    server.createContext(path, (HttpExchange x) -> {
      long now = System.nanoTime();
      x.getRequestBody().transferTo(java.io.OutputStream.nullOutputStream());
      count.firstNanos.compareAndSet(0, now);
      count.lastNanos.accumulateAndGet(now, Math::max);
      count.calls.incrementAndGet();
      answerEmptyJson(x);
    });
    return "https://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** Answers 200 with {@code {}} and closes the exchange. */
  private static void answerEmptyJson(HttpExchange x) throws IOException {
    byte[] bytes = "{}".getBytes(StandardCharsets.UTF_8);
    try {
      x.getResponseHeaders().set("Content-Type", "application/json");
      x.sendResponseHeaders(200, bytes.length);
      x.getResponseBody().write(bytes);
    } finally {
      x.close();
    }
  }

  /** The request headers (first values, names in any case) of each request {@code path} received, in order. */
  public List<Map<String, String>> headers(String path) {
    return headers.getOrDefault(path, List.of());
  }

  /** When each request to {@code path} arrived ({@code System.nanoTime}), in order. */
  public List<Long> arrivals(String path) {
    return arrivals.getOrDefault(path, List.of());
  }

  /** The request bodies {@code path} received, in order. */
  public List<String> received(String path) {
    return received.get(path);
  }

  /** The server's certificate, PEM: what a client must trust. */
  public Path certificate() {
    return certificate;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
