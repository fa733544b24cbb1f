package io.lakecast.testing;

import com.eatthepath.pushy.apns.auth.ApnsVerificationKey;
import com.eatthepath.pushy.apns.server.MockApnsServer;
import com.eatthepath.pushy.apns.server.MockApnsServerBuilder;
import com.eatthepath.pushy.apns.server.MockApnsServerListener;
import com.eatthepath.pushy.apns.server.RejectionReason;
import com.eatthepath.pushy.apns.server.ValidatingPushNotificationHandlerFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An APNs server on 127.0.0.1: Pushy's mock server, which validates as APNs does (the provider token against the
 * team's key, the topic, the device token) and answers {@code BadDeviceToken} for a token it does not know and
 * {@code 410 Unregistered} for one the app gave up. It keeps every notification it accepted (headers and payload)
 * and every reason it refused one.
 */
public final class ApnsTestServer implements AutoCloseable {
  /** One accepted notification: its request headers (names lower case) and payload. */
  public record Accepted(Map<String, String> headers, String payload) {}

  private final MockApnsServer server;
  private final int port;
  private final Path certificate;
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final List<String> rejected = new CopyOnWriteArrayList<>();

  /**
   * A server for {@code topic} knowing {@code tokens}, of which {@code unregistered} are gone, trusting
   * {@code key}'s tokens, with a self-signed certificate for 127.0.0.1 made in {@code dir}.
   */
  public ApnsTestServer(Path dir, String topic, Set<String> tokens, Set<String> unregistered, ApnsVerificationKey key)
      throws Exception {
    this(dir, topic, tokens, unregistered, key, null);
  }

  /**
   * As above, also accepting TLS client authentication by a certificate that {@code trustedClients} (PEM) holds; a
   * client that shows one may send to the topic its subject's {@code UID} names, as with APNs.
   */
  public ApnsTestServer(Path dir, String topic, Set<String> tokens, Set<String> unregistered, ApnsVerificationKey key,
      Path trustedClients) throws Exception {
    Path store = HttpsTestServer.selfSigned(dir);
    certificate = dir.resolve("server.pem");
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, HttpsTestServer.STORE_PASSWORD.toCharArray());
    }
    Certificate[] chain = ks.getCertificateChain("server");
    X509Certificate[] x509 = Arrays.copyOf(chain, chain.length, X509Certificate[].class);
    PrivateKey privateKey = (PrivateKey) ks.getKey("server", HttpsTestServer.STORE_PASSWORD.toCharArray());
    Map<String, Instant> gone = new TreeMap<>();
    unregistered.forEach(t -> gone.put(t, Instant.parse("2030-01-01T00:00:00Z")));
    MockApnsServerBuilder builder = new MockApnsServerBuilder();
    if (trustedClients != null) {
      builder.setTrustedClientCertificateChain(trustedClients.toFile());
    }
    server = builder
        .setServerCredentials(x509, privateKey, null)
        .setHandlerFactory(new ValidatingPushNotificationHandlerFactory(Map.of(topic, Set.copyOf(tokens)), gone,
            Map.of(key.getKeyId(), key), Map.of(key, Set.of(topic))))
        .setListener(new MockApnsServerListener() {
          @Override
          public void handlePushNotificationAccepted(Http2Headers headers, ByteBuf payload) {
            Map<String, String> h = new TreeMap<>();
            headers.forEach(e -> h.put(e.getKey().toString().toLowerCase(java.util.Locale.ROOT),
                e.getValue().toString()));
            accepted.add(new Accepted(h, payload == null ? "" : payload.toString(StandardCharsets.UTF_8)));
          }

          @Override
          public void handlePushNotificationRejected(Http2Headers headers, ByteBuf payload, RejectionReason reason,
              Instant deviceTokenExpiration) {
            rejected.add(reason.name());
          }
        })
        .build();
    port = bindLoopback(server);
  }

  /**
   * Starts {@code server} on 127.0.0.1 only: its {@code start(port)} binds every interface, so the bind is made here
   * on its own bootstrap, and the channel joins its group, as {@code start} does, so that shutdown closes it.
   */
  private static int bindLoopback(MockApnsServer server) throws Exception {
    Class<?> base = server.getClass().getSuperclass();
    Field bootstrap = base.getDeclaredField("bootstrap");
    Field channels = base.getDeclaredField("allChannels");
    bootstrap.setAccessible(true);
    channels.setAccessible(true);
    ChannelFuture bound = ((ServerBootstrap) bootstrap.get(server))
        .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync();
    ((ChannelGroup) channels.get(server)).add(bound.channel());
    return ((InetSocketAddress) bound.channel().localAddress()).getPort();
  }

  public int port() {
    return port;
  }

  /** The server's certificate, PEM: what a client must trust. */
  public Path certificate() {
    return certificate;
  }

  /** The notifications accepted so far, in order. */
  public List<Accepted> accepted() {
    return List.copyOf(accepted);
  }

  /** The reasons (RejectionReason names) of the notifications refused so far, in order. */
  public List<String> rejected() {
    return List.copyOf(rejected);
  }

  @Override
  public void close() throws Exception {
    server.shutdown().get();
  }
}
