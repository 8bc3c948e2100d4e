package org.level4j.mutex;

import org.level4j.MemoryLevel;
import org.level4j.conformance.LevelFactory;

/** The LevelMutex specification over the in-memory database. */
class MemoryLevelMutexTest extends LevelMutexSpec {
  @Override
  protected LevelFactory factory() {
    return MemoryLevel::open;
  }
}
