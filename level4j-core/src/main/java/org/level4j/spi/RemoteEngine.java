package org.level4j.spi;

/**
 * Marks an engine whose operations complete on another thread (a guest waiting for its host).
 * The core then implements sync calls by waiting on the async ones, outside its close gate, so
 * that closing never waits for a network answer. Such an engine must fail its pending futures
 * (with {@code LEVEL_DATABASE_NOT_OPEN}) when closed, and its iterators must implement
 * {@link EngineIterator#nextvAsync} natively.
 */
public interface RemoteEngine extends Engine {}
