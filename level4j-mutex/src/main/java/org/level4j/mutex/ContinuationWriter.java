package org.level4j.mutex;

import java.util.ArrayList;
import java.util.List;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * The {@link Writer} one continuation gets. It collects the continuation's writes and hands them
 * to the write queue only when the continuation returns normally, so a continuation that throws
 * leaves nothing behind.
 */
final class ContinuationWriter<K, V> implements Writer<K, V> {
  private final Cycle<K, V> cycle;
  private List<Op<K, V>> ops = new ArrayList<>(2);
  private boolean finished;

  ContinuationWriter(Cycle<K, V> cycle) {
    this.cycle = cycle;
  }

  @Override
  public Writer<K, V> put(K key, V value) {
    checkUsable();
    if (key == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY, "key must not be null");
    }
    if (value == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_VALUE,
          "value must not be null (use del() to remove a key)");
    }
    ops.add(Op.put(key, value));
    return this;
  }

  @Override
  public Writer<K, V> del(K key) {
    checkUsable();
    if (key == null) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_KEY, "key must not be null");
    }
    ops.add(Op.del(key));
    return this;
  }

  @Override
  public boolean pending(K key) {
    checkUsable();
    byte[] wanted = cycle.encodeKey(key);
    for (Op<K, V> op : ops) {
      if (java.util.Arrays.equals(wanted, cycle.encodeKeyOrNull(op.key()))) {
        return true;
      }
    }
    return cycle.pending(wanted);
  }

  /** Ends the continuation: the writer refuses further use; returns what it collected. */
  List<Op<K, V>> finish() {
    finished = true;
    List<Op<K, V>> out = ops;
    ops = List.of();
    return out;
  }

  private void checkUsable() {
    if (finished) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "this Writer belongs to a continuation that has returned; use LevelMutex.put/del, "
              + "or write inside the continuation");
    }
    if (!cycle.onPhaseThread()) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a Writer may only be used by its continuation, on the mutex's phase thread (called "
              + "from " + Thread.currentThread().getName() + ")");
    }
  }
}
