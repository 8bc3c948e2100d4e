package org.level4j.spi;

import java.util.ArrayList;
import java.util.Collections;
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

  /**
   * {@link #nextv}, each entry already turned by {@code decoder} into what the user's iterator
   * yields. The default decodes {@link #nextv}'s arrays; an engine that reads into a buffer of
   * its own overrides it to decode straight from that buffer, without an array per key and value.
   *
   * @param <T> what the user's iterator yields
   * @param max the most entries to return, at least 1
   * @param decoder turns each entry into a {@code T}; may throw, which this call then throws
   * @return the next entries, decoded, in the range's order
   */
  default <T> List<T> nextv(int max, EntryDecoder<T> decoder) {
    return decodeAll(nextv(max), decoder);
  }

  /**
   * {@link #nextv(int, EntryDecoder)}, as a future; the default decodes what {@link
   * #nextvAsync(int)} completes with, in the thread that completes it.
   *
   * @param <T> what the user's iterator yields
   * @param max the most entries to return, at least 1
   * @param decoder turns each entry into a {@code T}
   * @return a future of the next entries, decoded
   */
  default <T> CompletableFuture<List<T>> nextvAsync(int max, EntryDecoder<T> decoder) {
    return nextvAsync(max).thenApply(entries -> decodeAll(entries, decoder));
  }

  private static <T> List<T> decodeAll(List<Entry<byte[], byte[]>> entries,
      EntryDecoder<T> decoder) {
    if (entries.isEmpty()) {
      return Collections.emptyList();
    }
    List<T> out = new ArrayList<>(entries.size());
    for (Entry<byte[], byte[]> e : entries) {
      out.add(decoder.decode(e));
    }
    return out;
  }
}
