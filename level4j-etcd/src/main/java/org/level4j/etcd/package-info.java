/**
 * level4j on an etcd cluster: the same database API over storage that Raft replicates, shared by
 * processes on many machines, with a change feed. Start with {@link
 * org.level4j.etcd.EtcdLevel#open(java.util.List, String, EtcdOptions)}.
 */
package org.level4j.etcd;
