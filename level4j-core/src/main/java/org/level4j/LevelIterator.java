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
  /**
   * The next item, or {@code null} when the range (or the limit) is exhausted.
   *
   * @return the next item, or {@code null}
   */
  T next();

  /**
   * Up to {@code max} next items; an empty list when exhausted.
   *
   * @param max the most items to return, at least 1
   * @return the next items, in order
   */
  List<T> nextv(int max);

  /**
   * Every remaining item; closes the iterator.
   *
   * @return the remaining items, in order
   */
  List<T> all();

  /**
   * Moves to the first key at or after {@code target} (at or before it in reverse). A target
   * outside the iterator's range, on either side and in either direction, leaves the iterator
   * exhausted until the next seek, as in abstract-level: on {@code gt("5")}, {@code seek("4")}
   * yields nothing, not {@code "6"}. The limit keeps counting.
   *
   * @param target the key to move to
   */
  void seek(K target);

  /**
   * The asynchronous form of {@link #next()}: completes with the next item, or with {@code null}
   * when the iterator is exhausted.
   *
   * @return a future of the next item, or of {@code null}
   */
  CompletableFuture<T> nextAsync();

  /**
   * The asynchronous form of {@link #nextv(int)}: an empty list when exhausted.
   *
   * @param max the most items to return, at least 1
   * @return a future of the next items, in order
   */
  CompletableFuture<List<T>> nextvAsync(int max);

  /**
   * Number of items handed out so far.
   *
   * @return how many items {@code next}, {@code nextv} and {@code all} returned so far
   */
  long count();

  /**
   * A stream over the remaining items that closes this iterator when the stream is closed.
   *
   * @return a sequential stream of the remaining items
   */
  Stream<T> stream();

  @Override
  void close();
}
