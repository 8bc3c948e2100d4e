package org.level4j.net;

import java.util.ArrayList;
import java.util.List;

/** What a test opened (hosts, guests, databases), closed after it, last opened first. */
final class Opened implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  <T extends AutoCloseable> T keep(T t) {
    open.add(t);
    return t;
  }

  @Override
  public void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    open.clear();
  }
}
