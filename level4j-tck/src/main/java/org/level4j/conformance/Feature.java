package org.level4j.conformance;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.level4j.Database;
import org.level4j.Supports;

/**
 * The cases of one feature. Each case runs against a fresh database from the factory, which is
 * closed afterwards whether the case passed or not; a factory that fails is reported as such, so a
 * broken engine setup is not mistaken for a broken feature.
 */
final class Feature {
  /** The body of one case. */
  @FunctionalInterface
  interface Body {
    void run(Database db) throws Exception;
  }

  private final String name;
  private final LevelFactory factory;
  private final List<Supplier<DynamicNode>> nodes = new ArrayList<>();

  Feature(String name, LevelFactory factory) {
    this.name = name;
    this.factory = factory;
  }

  /** Adds a case. */
  Feature test(String caseName, Body body) {
    nodes.add(() -> DynamicTest.dynamicTest(caseName, () -> run(body)));
    return this;
  }

  /**
   * Adds a case of an optional feature. Where the database lacks it ({@code needs} is false),
   * {@code without} runs instead and must check that the database says so, usually by throwing
   * {@code LEVEL_NOT_SUPPORTED}: an unsupported feature is declared, never silently skipped.
   */
  Feature test(String caseName, Predicate<Supports> needs, Body without, Body body) {
    return test(caseName, db -> {
      if (needs.test(db.supports())) {
        body.run(db);
      } else {
        without.run(db);
      }
    });
  }

  /** A nested group of cases sharing this feature's factory. */
  Feature group(String groupName) {
    Feature child = new Feature(groupName, factory);
    nodes.add(child::build);
    return child;
  }

  DynamicContainer build() {
    List<DynamicNode> built = new ArrayList<>(nodes.size());
    for (Supplier<DynamicNode> n : nodes) {
      built.add(n.get());
    }
    return DynamicContainer.dynamicContainer(name, built);
  }

  private void run(Body body) throws Exception {
    Database db;
    try {
      db = factory.open();
    } catch (Exception | Error e) {
      throw new AssertionError("the LevelFactory failed to open a database: " + e, e);
    }
    if (db == null) {
      throw new AssertionError("the LevelFactory returned null instead of a database");
    }
    Throwable failure = null;
    try {
      body.run(db);
    } catch (Exception | Error e) {
      failure = e;
      throw e;
    } finally {
      try {
        db.close();
      } catch (RuntimeException | Error e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else {
          throw new AssertionError("close() failed after the case passed: " + e, e);
        }
      }
    }
  }
}
