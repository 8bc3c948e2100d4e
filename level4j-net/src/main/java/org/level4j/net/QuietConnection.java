package org.level4j.net;

/**
 * A {@link Connection} whose {@link #read} and {@link #write} ignore an interrupt of the calling
 * thread (they keep its interrupt status for the caller to see): they end only with data, with
 * the peer's close, or with {@link #close()}. So a guest lets any thread that waits for its own
 * answer read the connection, without an interrupt of that thread ending the connection (as it
 * would end a blocking {@link java.nio.channels.SocketChannel}). Other connections are read by
 * the guest's reader thread alone.
 */
interface QuietConnection extends Connection {}
