package io.lakecast.dispatch;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS trust for Lakecast's outbound connections (campaign hooks, SMTP): the JVM's trusted authorities plus the
 * certificates of a PEM file that a setting names, for servers with a private authority.
 */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * An SSL context trusting the JVM's authorities and the certificates in {@code pem} (a local path);
   * {@code setting} names the setting in the error when the file cannot be read.
   */
  public static SSLContext sslContext(String pem, String setting) throws IOException {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jvm.init((KeyStore) null);
      int n = 0;
      for (TrustManager tm : jvm.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            store.setCertificateEntry("jvm-" + n++, c);
          }
        }
      }
      byte[] bytes = Files.readAllBytes(Path.of(pem));
      for (Certificate c : CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(bytes))) {
        store.setCertificateEntry("trusted-" + n++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("Cannot read the certificates of " + setting + " (" + pem + "): " + e.getMessage(), e);
    }
  }
}
