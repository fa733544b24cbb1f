package io.lakecast.testing;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.alias.CredentialProvider;
import org.apache.hadoop.security.alias.CredentialProviderFactory;

/** Hadoop credential providers for tests: secrets as a cluster would hold them, never as settings. */
public final class Credentials {
  private Credentials() {}

  /** A JCEKS file {@code dir/file} holding {@code secret} under {@code alias}; returns its provider path. */
  public static String keystore(Path dir, String file, String alias, String secret) throws IOException {
    String path = "jceks://file" + dir.resolve(file);
    Configuration c = new Configuration(false);
    c.set(CredentialProviderFactory.CREDENTIAL_PROVIDER_PATH, path);
    CredentialProvider store = CredentialProviderFactory.getProviders(c).get(0);
    store.createCredentialEntry(alias, secret.toCharArray());
    store.flush();
    return path;
  }
}
