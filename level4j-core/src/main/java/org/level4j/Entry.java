package org.level4j;

/**
 * One key and value read by an iterator. From a keys-only or values-only iterator the other half
 * is {@code null}.
 */
public record Entry<K, V>(K key, V value) {}
