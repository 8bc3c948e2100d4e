package org.level4j.conformance;

import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;

/**
 * The one test suite every level4j implementation runs. An engine module has a single test class:
 *
 * <pre>{@code
 * class RocksConformanceTest {
 *   @TestFactory
 *   Stream<DynamicNode> conformance() {
 *     return ConformanceSuite.all(() -> RocksLevel.open(tempDir()));
 *   }
 * }
 * }</pre>
 *
 * <p>Each case gets a fresh database from the factory and closes it afterwards. Cases of optional
 * features ({@link org.level4j.Supports}) check that an implementation without them says so
 * ({@code LEVEL_NOT_SUPPORTED}) instead of being skipped. Randomized cases print their seed; run
 * with {@code -Dlevel4j.seed=N} to replay one.
 */
public final class ConformanceSuite {
  private ConformanceSuite() {}

  private static final java.util.List<Function<LevelFactory, DynamicNode>> FEATURES =
      java.util.List.of(
          GetPutDelTests::all,
          BatchTests::all,
          IteratorTests::all,
          RangeTests::all,
          SeekTests::all,
          ClearTests::all,
          SnapshotTests::all,
          EncodingTests::all,
          SublevelTests::all,
          HookEventTests::all,
          LifecycleTests::all,
          AsyncTests::all,
          ConditionalBatchTests::all,
          RequestIdTests::all,
          ConcurrencyTests::all);

  /**
   * Every conformance test, grouped by feature, against databases from {@code factory}. The
   * factory's {@link LevelFactory#cleanup()} runs when JUnit closes the returned stream.
   */
  public static Stream<DynamicNode> all(LevelFactory factory) {
    return FEATURES.stream()
        .map(feature -> feature.apply(factory))
        .onClose(() -> {
          try {
            factory.cleanup();
          } catch (Exception e) {
            throw new IllegalStateException("LevelFactory.cleanup() failed: " + e, e);
          }
        });
  }
}
