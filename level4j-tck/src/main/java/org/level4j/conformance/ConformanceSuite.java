package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.level4j.Database;
import org.level4j.Supports;

/**
 * The one test suite every level4j implementation runs. An engine module has a single test class:
 *
 * <pre>{@code
 * class RocksConformanceTest {
 *   @TestFactory
 *   Stream<DynamicNode> conformance() {
 *     return ConformanceSuite.all(() -> RocksLevel.open(tempDir()),
 *         ConformanceSuite.supportsAllBut());
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
          ChangeFeedTests::all,
          ConcurrencyTests::all);

  /**
   * Every conformance test, grouped by feature, against databases from {@code factory}, after a
   * first case that checks the databases declare {@code expected}: many cases take another branch
   * where a feature is not supported, so a flag flipped by mistake must fail here rather than
   * move them there unnoticed. The factory's {@link LevelFactory#cleanup()} runs when JUnit
   * closes the returned stream.
   *
   * @param factory new, open, empty databases of the engine under test
   * @param expected what the engine's databases must declare they support
   * @return the tests, for a {@code @TestFactory} method to return
   */
  public static Stream<DynamicNode> all(LevelFactory factory, Supports expected) {
    DynamicNode declared = DynamicTest.dynamicTest("supports " + expected, () -> {
      try (Database db = factory.open()) {
        assertThat(db.supports()).as("what the database declares it supports")
            .isEqualTo(expected);
      }
    });
    return Stream.concat(Stream.of(declared), FEATURES.stream()
        .map(feature -> feature.apply(factory)))
        .onClose(() -> {
          try {
            factory.cleanup();
          } catch (Exception e) {
            throw new IllegalStateException("LevelFactory.cleanup() failed: " + e, e);
          }
        });
  }

  /**
   * A {@link Supports} with every feature but those named (by their {@link Supports} component
   * names, as {@code "explicitSnapshots"}), so a conformance class reads as what its engine lacks.
   *
   * @param missing the names of the features the engine lacks
   * @return the features of such an engine
   */
  public static Supports supportsAllBut(String... missing) {
    RecordComponent[] components = Supports.class.getRecordComponents();
    java.util.Set<String> left = new java.util.HashSet<>(java.util.List.of(missing));
    Object[] flags = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      flags[i] = !left.remove(components[i].getName());
      types[i] = boolean.class;
    }
    if (!left.isEmpty()) {
      throw new IllegalArgumentException("Supports has no " + left);
    }
    try {
      return Supports.class.getDeclaredConstructor(types).newInstance(flags);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
