/**
 * Host and guest: any level4j {@link org.level4j.Database} served over Unix domain sockets or
 * TCP, speaking npm {@code many-level}'s protocol so that Node and Java peers mix freely.
 *
 * <pre>{@code
 * // the process that owns the data
 * Database db = RocksLevel.open(dir);
 * Host host = Host.of(db).listen(Listener.unix(dir.resolve("db.sock")));
 *
 * // any other process (or a Node ManyLevelGuest)
 * Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")),
 *     GuestOptions.builder().retry(true).build());
 * guest.put("k", "v");
 * }</pre>
 *
 * <ul>
 *   <li>{@link org.level4j.net.Host} serves a database; {@link org.level4j.net.HostOptions}
 *       (read-only, pre-write hooks, what one connection may make the host hold).
 *   <li>{@link org.level4j.net.Guest} is a database whose data lives in a host;
 *       {@link org.level4j.net.GuestOptions} (retry), {@link org.level4j.net.Connector} (how to
 *       reach the host, again after a drop), {@link org.level4j.net.ConnectionListener}.
 *   <li>{@link org.level4j.net.Connection} and {@link org.level4j.net.Listener}: the transports
 *       (Unix domain sockets, shared memory beside one for a guest and host of one user on one
 *       machine, TCP, TLS with client certificates, an in-memory pipe);
 *       {@link org.level4j.net.Tls} builds TLS contexts from PKCS12 key and trust stores.
 * </ul>
 *
 * <p>Anything a host listens on is authenticated: a Unix socket admits only peers of allowed
 * user ids (the host's own by default), TLS only guests with a trusted certificate, and plain
 * TCP listens on loopback addresses only and admits only processes of the host's own user,
 * unless {@link org.level4j.net.Listener#tcpInsecure} asks otherwise.
 *
 * <p>The wire format is documented in one place, the package-private class {@code Wire}.
 *
 * <p>A thread about to sleep until its connection (Unix, shared memory or TCP) has data first
 * polls it for up to
 * 100 µs, while polling pays on that connection: waking a sleeping thread costs more than that on
 * many virtual machines. The system property {@code level4j.spinMicros} sets the window; 0 turns
 * polling off.
 */
package org.level4j.net;
