package org.level4j.net;

import java.util.ArrayList;
import java.util.List;

/**
 * What a test opened (hosts, guests, databases), closed after it, last opened first. Every one is
 * closed even when an earlier close fails; the first failure is thrown with the others suppressed.
 */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T keep(T t) {
    open.add(t);
    return t;
  }

  @Override
  public void close() throws Exception {
    Exception first = null;
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    open.clear();
    if (first != null) {
      throw first;
    }
  }
}
