package org.level4j;

/**
 * What an implementation can do, like abstract-level's {@code db.supports} manifest. Code that
 * needs a feature checks here instead of catching {@link ErrorCode#LEVEL_NOT_SUPPORTED}.
 *
 * <p>Engines name what they support rather than list eight booleans:
 * {@code Supports.all().withPermanence(false).withSyncWrites(false)}.
 *
 * @param implicitSnapshots every iterator reads from a snapshot taken when it was created
 * @param explicitSnapshots {@link Level#snapshot()} works
 * @param seek {@link LevelIterator#seek} works
 * @param permanence data survives closing and reopening (and a process crash)
 * @param syncWrites {@link WriteOptions#SYNC} is honoured
 * @param conditionalBatch batches may carry {@link Op#expect} preconditions
 * @param exactlyOnce writes with a {@link RequestId} are applied at most once (without it, such
 *     writes fail with {@link ErrorCode#LEVEL_NOT_SUPPORTED})
 * @param changeFeed {@link Database#changes} and {@link Database#revision()} work
 */
public record Supports(
    boolean implicitSnapshots,
    boolean explicitSnapshots,
    boolean seek,
    boolean permanence,
    boolean syncWrites,
    boolean conditionalBatch,
    boolean exactlyOnce,
    boolean changeFeed) {

  /**
   * Every feature.
   *
   * @return a manifest with every feature
   */
  public static Supports all() {
    return new Supports(true, true, true, true, true, true, true, true);
  }

  /**
   * No feature.
   *
   * @return a manifest without any feature
   */
  public static Supports none() {
    return new Supports(false, false, false, false, false, false, false, false);
  }

  /**
   * This manifest with {@link #implicitSnapshots()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withImplicitSnapshots(boolean supported) {
    return with(0, supported);
  }

  /**
   * This manifest with {@link #explicitSnapshots()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withExplicitSnapshots(boolean supported) {
    return with(1, supported);
  }

  /**
   * This manifest with {@link #seek()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withSeek(boolean supported) {
    return with(2, supported);
  }

  /**
   * This manifest with {@link #permanence()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withPermanence(boolean supported) {
    return with(3, supported);
  }

  /**
   * This manifest with {@link #syncWrites()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withSyncWrites(boolean supported) {
    return with(4, supported);
  }

  /**
   * This manifest with {@link #conditionalBatch()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withConditionalBatch(boolean supported) {
    return with(5, supported);
  }

  /**
   * This manifest with {@link #exactlyOnce()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withExactlyOnce(boolean supported) {
    return with(6, supported);
  }

  /**
   * This manifest with {@link #changeFeed()} as given.
   *
   * @param supported whether the feature is supported
   * @return the changed manifest
   */
  public Supports withChangeFeed(boolean supported) {
    return with(7, supported);
  }

  /** This manifest with feature {@code i} (in the order of the components) as given. */
  private Supports with(int i, boolean supported) {
    boolean[] f = {implicitSnapshots, explicitSnapshots, seek, permanence, syncWrites,
        conditionalBatch, exactlyOnce, changeFeed};
    f[i] = supported;
    return new Supports(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7]);
  }
}
