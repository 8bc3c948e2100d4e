package org.level4j;

/**
 * What an implementation can do, like abstract-level's {@code db.supports} manifest. Code that
 * needs a feature checks here instead of catching {@link ErrorCode#LEVEL_NOT_SUPPORTED}.
 *
 * @param implicitSnapshots every iterator reads from a snapshot taken when it was created
 * @param explicitSnapshots {@link Level#snapshot()} works
 * @param seek {@link LevelIterator#seek} works
 * @param permanence data survives closing and reopening (and a process crash)
 * @param syncWrites {@link WriteOptions#SYNC} is honoured
 * @param conditionalBatch batches may carry {@link Op#expect} preconditions
 * @param exactlyOnce writes with a {@link RequestId} are applied at most once (without it, such
 *     writes fail with {@link ErrorCode#LEVEL_NOT_SUPPORTED})
 */
public record Supports(
    boolean implicitSnapshots,
    boolean explicitSnapshots,
    boolean seek,
    boolean permanence,
    boolean syncWrites,
    boolean conditionalBatch,
    boolean exactlyOnce) {}
