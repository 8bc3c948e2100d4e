package org.level4j.mutex;

import org.level4j.MemoryLevel;
import org.level4j.conformance.LevelFactory;

/**
 * The LevelMutex specification with {@link LevelMutex#shared} mutexes over the in-memory
 * database: everything a mutex promises still holds when its writes carry preconditions.
 */
class SharedMemoryLevelMutexTest extends LevelMutexSpec {
  @Override
  protected LevelFactory factory() {
    return MemoryLevel::open;
  }

  @Override
  protected boolean shared() {
    return true;
  }
}
