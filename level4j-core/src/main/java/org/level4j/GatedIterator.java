package org.level4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.spi.EngineIterator;
import org.level4j.spi.EntryDecoder;

/**
 * An engine iterator handed out by an {@link EngineView}: the engine's own, behind a {@link Gate}
 * so that closing the database (which closes it first) never frees the engine cursor under a
 * running call. Nothing else: no codecs, limit or seek checks, which the caller's own cursor does.
 */
final class GatedIterator implements EngineIterator {
  private final Root root;
  private final EngineIterator it;
  private final Gate gate = new Gate();

  GatedIterator(Root root, EngineIterator it) {
    this.root = root;
    this.it = it;
  }

  @Override
  public List<Entry<byte[], byte[]>> nextv(int max) {
    enter();
    try {
      return it.nextv(max);
    } finally {
      gate.exit();
    }
  }

  /** A remote engine's future completes outside the gate, as a Cursor's does. */
  @Override
  public CompletableFuture<List<Entry<byte[], byte[]>>> nextvAsync(int max) {
    enter();
    try {
      return it.nextvAsync(max);
    } finally {
      gate.exit();
    }
  }

  @Override
  public <T> List<T> nextv(int max, EntryDecoder<T> decoder) {
    enter();
    try {
      return it.nextv(max, decoder);
    } finally {
      gate.exit();
    }
  }

  @Override
  public <T> CompletableFuture<List<T>> nextvAsync(int max, EntryDecoder<T> decoder) {
    enter();
    try {
      return it.nextvAsync(max, decoder);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void seek(byte[] target) {
    enter();
    try {
      it.seek(target);
    } finally {
      gate.exit();
    }
  }

  @Override
  public void close() {
    gate.shut(it::close, () -> root.forget(this));
  }

  private void enter() {
    if (!gate.enter()) {
      throw new LevelException(ErrorCode.LEVEL_ITERATOR_NOT_OPEN,
          "the iterator was closed, or closed with its database (status " + root.status() + ")");
    }
  }
}
