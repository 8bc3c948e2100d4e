package org.level4j;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Reads a range of a database in key order (or reverse), from a snapshot taken when the iterator
 * was created: writes made afterwards are not seen. {@code T} is what each step yields: an
 * {@link Entry}, a key, or a value.
 *
 * <p>Must be closed (try-with-resources); closing twice is harmless and closing the database
 * closes its iterators. An iterator is meant for one thread at a time; its calls must not
 * overlap, sync or async (an overlapping call fails with {@link ErrorCode#LEVEL_ITERATOR_BUSY}).
 */
public interface LevelIterator<K, T> extends AutoCloseable, Iterable<T> {
  /** The next item, or {@code null} when the range (or the limit) is exhausted. */
  T next();

  /** Up to {@code max} next items; an empty list when exhausted. */
  List<T> nextv(int max);

  /** Every remaining item; closes the iterator. */
  List<T> all();

  /**
   * Moves to the first key at or after {@code target} (at or before it in reverse). A target
   * outside the iterator's range, on either side and in either direction, leaves the iterator
   * exhausted until the next seek, as in abstract-level: on {@code gt("5")}, {@code seek("4")}
   * yields nothing, not {@code "6"}. The limit keeps counting.
   */
  void seek(K target);

  CompletableFuture<T> nextAsync();

  CompletableFuture<List<T>> nextvAsync(int max);

  /** Number of items handed out so far. */
  long count();

  /** A stream over the remaining items that closes this iterator when the stream is closed. */
  Stream<T> stream();

  @Override
  void close();
}
