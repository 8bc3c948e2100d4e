/**
 * {@link org.level4j.mutex.LevelMutex}: read-on-write consistency over a level4j database, so
 * that a value checked in a read is still the stored value when the write decided on it lands.
 */
package org.level4j.mutex;
