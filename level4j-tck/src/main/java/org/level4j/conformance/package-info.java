/**
 * The conformance suite: the tests every level4j engine passes, for the tests of your own engine.
 * Depend on {@code org.level4j:level4j-tck} in test scope (with JUnit Jupiter's engine to run it)
 * and return {@link org.level4j.conformance.ConformanceSuite#all} from a {@code @TestFactory}
 * method, given a {@link org.level4j.conformance.LevelFactory} of your engine's databases.
 */
package org.level4j.conformance;
