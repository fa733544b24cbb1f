package io.lakecast.warehouse;

import io.lakecast.LakecastErrors;
import io.lakecast.conf.LakecastConf;
import java.util.Locale;
import java.util.Set;

/**
 * The URIs a user names (import sources, export prefixes, segment outputs, the outbox): normalized, held to the
 * schemes {@code spark.lakecast.io.allowedSchemes} allows, and, for outputs, kept out of the warehouse's tables.
 * Every check runs before any I/O, so a refused URI is never contacted.
 */
public final class Locations {
  private Locations() {}

  /** Normalizes {@code s3://} to {@code s3a://} and a plain path to a {@code file:} URI. */
  public static String normalize(String uri) {
    if (uri.startsWith("s3://")) {
      return "s3a://" + uri.substring(5);
    }
    return LakecastConf.qualify(uri);
  }

  /** A location to read from, normalized; refused unless its scheme is allowed. */
  public static String source(LakecastConf conf, String member, String uri) {
    checkScheme(conf, member, uri);
    return normalize(uri);
  }

  /**
   * A location to write to, normalized; refused unless its scheme is allowed and it lies outside the warehouse's
   * tables (it may not be the warehouse root, hold it, or be inside a table or the staging area).
   */
  public static String output(LakecastConf conf, String member, String uri) {
    checkScheme(conf, member, uri);
    String normalized = normalize(uri);
    String out = normalized.replaceAll("/+$", "");
    String root = conf.warehouse();
    if (out.equals(root) || root.startsWith(out + "/")) {
      throw LakecastErrors.outputInWarehouse(member, display(out), "the warehouse root " + display(root));
    }
    for (Table t : Table.values()) {
      String table = root + "/" + t.tableName();
      if (out.equals(table) || out.startsWith(table + "/")) {
        throw LakecastErrors.outputInWarehouse(member, display(out), "the table " + t.tableName());
      }
    }
    String staging = root + "/" + Warehouse.STAGING;
    if (out.equals(staging) || out.startsWith(staging + "/")) {
      throw LakecastErrors.outputInWarehouse(member, display(out), "the staging area " + Warehouse.STAGING);
    }
    return normalized;
  }

  /** The URI's scheme, lower case; {@code file} for a plain path. */
  static String scheme(String uri) {
    int colon = uri.indexOf(':');
    int slash = uri.indexOf('/');
    if (colon <= 0 || (slash >= 0 && slash < colon) || !uri.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
      return "file";
    }
    return uri.substring(0, colon).toLowerCase(Locale.ROOT);
  }

  private static void checkScheme(LakecastConf conf, String member, String uri) {
    if (uri == null || uri.isBlank()) {
      throw LakecastErrors.invalidOption(member, String.valueOf(uri), "a URI such as s3://bucket/prefix/");
    }
    Set<String> allowed = conf.allowedSchemes();
    String scheme = scheme(uri);
    if (!allowed.contains(scheme)) {
      throw LakecastErrors.schemeNotAllowed(member, display(uri), scheme, allowed);
    }
  }

  /** The URI as messages show it: credentials in its authority are masked. */
  public static String display(String uri) {
    return uri.replaceFirst("^([A-Za-z][A-Za-z0-9+.-]*://)[^/@]*@", "$1****@");
  }
}
