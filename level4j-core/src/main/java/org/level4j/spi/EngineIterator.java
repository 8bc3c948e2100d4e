package org.level4j.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.level4j.Entry;

/**
 * A byte-level cursor of an {@link Engine}. The core calls it from one thread at a time and never
 * after {@link #close()}.
 */
public interface EngineIterator {
  /**
   * Up to {@code max} (at least 1) next entries inside the range; an empty list once exhausted.
   *
   * @param max the most entries to return, at least 1
   * @return the next entries, in the range's order
   */
  List<Entry<byte[], byte[]>> nextv(int max);

  /**
   * Repositions to the first key at or after {@code target} (at or before, in reverse). The core
   * calls it only with a target inside the iterator's range: it handles a target outside the
   * range itself (the iterator is exhausted until the next seek), so engines need not check.
   *
   * @param target the encoded key to move to
   */
  void seek(byte[] target);

  /** Frees the cursor; called once. */
  void close();

  /**
   * {@link #nextv}, as a future; the default runs it in the calling thread.
   *
   * @param max the most entries to return, at least 1
   * @return a future of the next entries
   */
  default CompletableFuture<List<Entry<byte[], byte[]>>> nextvAsync(int max) {
    try {
      return CompletableFuture.completedFuture(nextv(max));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }
}
