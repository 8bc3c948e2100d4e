package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Range;

/** Assertions the cases share: error codes of calls and of futures, and reading a level whole. */
final class Expect {
  private Expect() {}

  /** Asserts that {@code call} throws a LevelException with {@code code}, and returns it. */
  static LevelException code(ErrorCode code, ThrowingCallable call) {
    LevelException[] caught = new LevelException[1];
    assertThatThrownBy(call)
        .isInstanceOfSatisfying(LevelException.class, e -> {
          assertThat(e.code()).as("error code of: %s", e.getMessage()).isEqualTo(code);
          caught[0] = e;
        });
    return caught[0];
  }

  /** Asserts that {@code future} fails (within a few seconds) with a LevelException of code. */
  static LevelException failed(ErrorCode code, CompletableFuture<?> future) {
    try {
      future.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      assertThat(cause).isInstanceOf(LevelException.class);
      LevelException le = (LevelException) cause;
      assertThat(le.code()).as("error code of: %s", le.getMessage()).isEqualTo(code);
      return le;
    } catch (Exception e) {
      throw new AssertionError("expected a future failed with " + code + ", got " + e, e);
    }
    throw new AssertionError("expected a future failed with " + code + ", but it succeeded");
  }

  /** Waits for a future that must succeed. */
  static <T> T done(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the future failed: " + e, e);
    }
  }

  /** Every key of {@code level} in order. */
  static <K> List<K> keys(Level<K, ?> level) {
    return keys(level, Range.all());
  }

  static <K> List<K> keys(Level<K, ?> level, Range<K> range) {
    try (LevelIterator<K, K> it = level.keys(range)) {
      return it.all();
    }
  }

  /** The values of {@code level} in {@code range}, in the range's order. */
  static <K, V> List<V> values(Level<K, V> level, Range<K> range) {
    try (LevelIterator<K, V> it = level.values(range)) {
      return it.all();
    }
  }

  /** Every entry of {@code level} as "key=value" strings, in order. */
  static <K, V> List<String> entries(Level<K, V> level) {
    return entries(level, Range.all());
  }

  static <K, V> List<String> entries(Level<K, V> level, Range<K> range) {
    List<String> out = new ArrayList<>();
    try (LevelIterator<K, Entry<K, V>> it = level.iterator(range)) {
      for (Entry<K, V> e : it) {
        out.add(e.key() + "=" + e.value());
      }
    }
    return out;
  }

  /** Puts each key with the value {@code "v" + key}. */
  static void fill(Level<String, String> level, String... keys) {
    for (String k : keys) {
      level.put(k, "v" + k);
    }
  }
}
