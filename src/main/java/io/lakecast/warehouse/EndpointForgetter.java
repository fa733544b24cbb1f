package io.lakecast.warehouse;

import java.util.List;

/**
 * What a package does when endpoints are deleted: it removes them, or the addresses they carried, from the tables
 * and files it owns. Deletion ({@code delete-endpoint}, {@code delete-user-endpoints}) asks every owner in turn, so
 * no class rewrites another package's tables. Each owner must be idempotent: a deletion re-run after a crash asks
 * again.
 */
@FunctionalInterface
public interface EndpointForgetter {
  /**
   * Forgets the endpoints of one application.
   *
   * @param endpointIds the deleted endpoints' Ids
   * @param addresses their non-blank addresses, to be removed wherever a record quotes them
   */
  void forget(String applicationId, List<String> endpointIds, List<String> addresses);
}
