package io.lakecast.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** {@code lakecast --version}: the version Maven built, read from {@code io/lakecast/version.properties}. */
final class BuildVersion implements CommandLine.IVersionProvider {
  /** The build's version, e.g. {@code 0.1.0-SNAPSHOT}. */
  static String version() {
    try (InputStream in = BuildVersion.class.getResourceAsStream("/io/lakecast/version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"lakecast " + version()};
  }
}
