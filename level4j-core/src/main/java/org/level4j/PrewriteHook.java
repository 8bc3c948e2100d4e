package org.level4j;

/**
 * Called for each operation of a write before it is applied, in the writing thread. It may add
 * operations to the same atomic write through {@code batch} (including to other sublevels), or
 * throw to reject the whole write; the caller then receives a {@link LevelException} with code
 * {@link ErrorCode#LEVEL_HOOK_ERROR} unless the hook threw one itself.
 */
@FunctionalInterface
public interface PrewriteHook<K, V> {
  /**
   * Sees {@code op} before it is applied; what it adds to {@code batch} is applied in the same
   * atomic write. Throw to reject the whole write.
   *
   * @param op an operation of the write, not yet applied
   * @param batch the write's batch, to add operations to
   */
  void onWrite(Op<K, V> op, Batch<K, V> batch);
}
