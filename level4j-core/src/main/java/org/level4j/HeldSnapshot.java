package org.level4j;

import org.level4j.spi.EngineSnapshot;

/**
 * A {@link Snapshot} handed to users: an engine snapshot behind a {@link Gate}. It is also the
 * snapshot an {@link EngineView} hands out, hence an {@link EngineSnapshot} too.
 */
final class HeldSnapshot implements Snapshot, EngineSnapshot {
  final Root root;
  final EngineSnapshot engineSnapshot;
  final Gate gate = new Gate();

  HeldSnapshot(Root root, EngineSnapshot engineSnapshot) {
    this.root = root;
    this.engineSnapshot = engineSnapshot;
  }

  @Override
  public void close() {
    if (gate.shut()) {
      root.forget(this);
      engineSnapshot.close();
    }
  }
}
