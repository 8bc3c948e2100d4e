/**
 * The embedded default engine: level4j on a RocksDB directory. Start with {@link
 * org.level4j.rocksdb.RocksLevel#open(java.nio.file.Path)}.
 */
package org.level4j.rocksdb;
