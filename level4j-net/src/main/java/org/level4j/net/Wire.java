package org.level4j.net;

import java.nio.charset.StandardCharsets;

/**
 * What is on the wire: framing, tags and the schema of every message. The protocol is npm
 * many-level's (1.0.1 and 2.0.0 speak the same one), so Node guests and hosts talk to level4j's
 * and back. The messages themselves are {@link GuestMessage} (guest → host) and {@link
 * HostMessage} (host → guest), written and read with {@link Protobuf}; {@link FrameReader} cuts
 * frames.
 *
 * <h2>Framing</h2>
 * Every frame is {@code varint(length) ‖ tag ‖ body}: {@code length} counts the tag byte and the
 * body, and is an unsigned LEB128 varint. A frame longer than the receiver's limit (64 MiB by
 * default) ends the connection; an empty frame is skipped, as Node does.
 *
 * <h2>Tags</h2>
 * <pre>
 *   guest → host                          host → guest
 *   0 Get         5 Clear                 0 Callback
 *   1 Put         6 GetMany               1 IteratorData
 *   2 Delete      7 IteratorClose         2 GetManyCallback
 *   3 Batch       8 IteratorAck           3 IteratorError
 *   4 Iterator    9 IteratorSeek          4 IteratorEnd
 * </pre>
 * Tags from {@link #FIRST_EXTENSION_TAG} up are level4j's own extensions (a Node peer ignores
 * them, and so does a level4j peer that does not know one):
 * <pre>
 *   guest → host                          host → guest
 *   32 Write                              32 Hello
 *   33 Snapshot                           35 Changes
 *   34 SnapshotRelease
 *   35 Subscribe
 *   36 Unsubscribe
 *   37 Checkpoint
 * </pre>
 * A level4j host sends Hello first thing on every connection, saying which extensions it
 * serves. A guest learns whether its host is a level4j one by asking something (a GetMany of no
 * keys): a Hello, if any, arrives before the answer. Only then does it send Write, a batch that
 * may carry preconditions and a request id ({@link org.level4j.RequestId}); Write is answered
 * with a Callback whose value is one byte: 1 if applied now, 0 if its request was applied before.
 *
 * <p>Explicit snapshots (feature 4): Snapshot asks the host to take a snapshot under a number the
 * guest chooses, answered with a Callback (an error, say {@code LEVEL_LIMIT_EXCEEDED}, or none);
 * SnapshotRelease, unanswered, lets it go. Get, GetMany and Iterator then name it in their field
 * 14, which only such a host is sent (a Node host would skip the field and read the latest data).
 * A snapshot lives as long as its connection: the host releases a connection's snapshots when it
 * goes away, and a guest never names a snapshot of an earlier connection on a new one.
 *
 * <p>Change feeds (feature 8; see {@link org.level4j.Database#changes}): Subscribe asks the
 * host to push every write to a range from a revision on, under a feed number the guest chooses
 * (0: no feed, only the answer, which is how a guest learns the host's revision). It is answered
 * with a Callback whose value is the host's revision then (8 bytes, big-endian), or an error;
 * the host then sends Changes, each write once, in revision order, as fast as the guest reads
 * them: the host's database reads its log only while the connection has room under {@code
 * maxUnsentBytes}, so a guest that does not read costs the host that much and no more. Changes
 * with an error (say {@code LEVEL_SNAPSHOT_NOT_OPEN}, the revision is no longer kept) end the
 * feed. Unsubscribe, unanswered, ends it; so does the end of the connection, after which the
 * guest subscribes again on its new connection from one past the last revision it received.
 * A feed number is used once per connection, so a late Changes of an ended feed is dropped.
 *
 * <p>Checkpoints (feature 16, sent by a host whose database is {@link org.level4j.Checkpointable}):
 * Checkpoint asks the host to write a consistent copy of its database to a new directory, named
 * by an absolute path as the host's process sees it, answered with a Callback (an error or none)
 * once the copy is complete. A host makes one only for a guest in its own process or a Unix-socket
 * peer running as its own user, unless {@link HostOptions#checkpointsFromAnyGuest} allows every
 * guest; it refuses others, and an existing directory, with an error.
 *
 * <p>Shared memory (a guest and host of one user on one machine, over a Unix socket; see
 * {@code SharedRings}): the guest's first frame may be SharedMemory, naming a file of two byte
 * rings it made; so may a later one, once, if the host's Hello had feature 32 (a level4j host
 * says so on its Unix-socket connections). A host that takes it answers SharedMemory with
 * accepted true and from the end of that frame on writes to the rings instead of the socket;
 * the guest, reading that answer, reads the rings from then on, and sends SharedMemoryNow as its
 * last frame on the socket, writing to the rings after it; the host reads the rings after it.
 * The socket stays open beside the rings: it ends when either side goes, and carries a byte to
 * wake a side that sleeps. A host that does not take it answers accepted false, or (a Node host,
 * an older level4j one) ignores it as an unknown tag; either way everything stays on the
 * socket. Nothing waits for the answer: requests
 * sent meanwhile go on the socket. A level4j guest offers in its first frame when it first
 * connects; on a connection that replaces a lost one, only a while after the host has answered
 * (see {@code GuestEngine.OFFER_AFTER_RECONNECT_NANOS}).
 *
 * <h2>Messages (proto2; field number, type; * = required)</h2>
 * <pre>
 *   Get             1 id*, 2 key*, 14 snapshot‡
 *   Put             1 id*, 2 key*, 3 value
 *   Delete          1 id*, 2 key*
 *   Batch           1 id*, 2 repeated Operation ops
 *     Operation     1 type* ("put" | "del"), 2 key*, 3 value
 *   Clear           1 id*, 2 Options options
 *   GetMany         1 id*, 2 repeated bytes keys, 14 snapshot‡
 *   Iterator        1 id*, 2 seq*, 3 Options options*, 4 consumed* (uint64), 5 bookmark, 6 seek,
 *                   14 snapshot‡
 *   IteratorClose   1 id*
 *   IteratorAck     1 id*, 2 seq*, 3 consumed* (uint64)
 *   IteratorSeek    1 id*, 2 seq*, 3 target*
 *   Options         1 keys, 2 values (bool), 3 gt, 4 gte, 5 lt, 6 lte, 7 limit (sint32, -1 = none),
 *                   8 reverse (bool)          (Clear's options use fields 3..8 only)
 *
 *   Callback        1 id*, 2 error (code), 3 value (absent = not found), 15 reason†
 *   IteratorData    1 id*, 2 seq*, 3 repeated bytes data   (flat: k, v, k, v… or keys or values)
 *   GetManyCallback 1 id*, 2 error, 3 repeated Value values, 15 reason†
 *     Value         1 value (absent = not found)
 *   IteratorError   1 id*, 2 seq*, 3 error*, 15 reason†
 *   IteratorEnd     1 id*, 2 seq*
 *
 *   Write (32)      1 id*, 2 repeated Operation ops, 3 client, 4 seq (uint64),
 *                   5 settledBelow (uint64), 6 sync (bool)
 *     Operation     as Batch's, plus type "expect": field 3 absent means "expect absent"
 *   Hello (32)      1 version* (1), 2 features (uint: 1 = preconditions, 2 = request ids,
 *                   4 = snapshots, 8 = change feeds, 16 = checkpoints, 32 = shared memory)
 *   Snapshot (33)   1 id*, 2 snapshot*
 *   SnapshotRelease (34)  1 snapshot*
 *   Subscribe (35)  1 id*, 2 feed*, 3 Options range (fields 3..6), 4 from (uint64, 0 = from now)
 *   Unsubscribe (36)  1 feed*
 *   Checkpoint (37) 1 id*, 2 dest* (bytes: the path, UTF-8)
 *   SharedMemory (38)     1 name* (string)
 *   SharedMemoryNow (39)  (no fields)
 *   Changes (35)    1 feed*, 2 repeated Change changes, 3 error (code), 15 reason†
 *   SharedMemory (38)     1 accepted (bool)
 *     Change        1 revision* (uint64), 2 repeated Operation ops (as Batch's),
 *                   3 repeated Options cleared (fields 3..6: a range deleted whole)
 * </pre>
 * ‡ field 14 (uint32, 0 or absent = none) is a level4j extension: the snapshot to read from.
 * A get of a missing key is answered with the error {@code LEVEL_NOT_FOUND} and no value: a
 * many-level 1.x guest (abstract-level 1) expects exactly that, and Node hosts send it. A guest
 * reads either that or a Callback without value and error as "not found".
 *
 * <p>Ids are uint32, per connection, one space for requests and another for iterators, starting at
 * 1 and wrapping from 0xffffffff to 1. Errors travel as a {@code LEVEL_…} code only (a Node guest
 * compares codes); † field 15 is a level4j extension carrying the human-readable reason, which
 * Node's decoder skips as an unknown field.
 */
final class Wire {
  private Wire() {}

  // ---- tags ----------------------------------------------------------------------------------

  static final int GET = 0;
  static final int PUT = 1;
  static final int DELETE = 2;
  static final int BATCH = 3;
  static final int ITERATOR = 4;
  static final int CLEAR = 5;
  static final int GET_MANY = 6;
  static final int ITERATOR_CLOSE = 7;
  static final int ITERATOR_ACK = 8;
  static final int ITERATOR_SEEK = 9;

  static final int CALLBACK = 0;
  static final int ITERATOR_DATA = 1;
  static final int GET_MANY_CALLBACK = 2;
  static final int ITERATOR_ERROR = 3;
  static final int ITERATOR_END = 4;

  /** Tags from here up (both directions) are level4j extensions; tags 10..31 stay unused. */
  static final int FIRST_EXTENSION_TAG = 32;
  /** Guest → host: a batch with preconditions and/or a request id. */
  static final int WRITE = 32;
  /** Host → guest: the extensions this host serves, sent when a connection opens. */
  static final int HELLO = 32;
  /** Guest → host: take a snapshot, under the number the guest gives it. */
  static final int SNAPSHOT = 33;
  /** Guest → host: release a snapshot; not answered. */
  static final int SNAPSHOT_RELEASE = 34;
  /** Guest → host: push the writes to a range, from a revision on, under a feed number. */
  static final int SUBSCRIBE = 35;
  /** Guest → host: stop a feed; not answered. */
  static final int UNSUBSCRIBE = 36;
  /** Host → guest: a feed's next writes, or the error that ends it. */
  static final int CHANGES = 35;
  /** Guest → host: write a checkpoint of the database to a new directory. */
  static final int CHECKPOINT = 37;
  /** Guest to host: an offer of shared memory; host to guest: the answer. */
  static final int SHARED_MEMORY = 38;
  /** Guest to host: the guest's last frame on the socket; the rest comes in shared memory. */
  static final int SHARED_MEMORY_NOW = 39;

  static final int VERSION = 1;
  /** A Write's Callback value: applied now, or (its request id) applied before. */
  static final byte[] APPLIED = {1};
  static final byte[] APPLIED_BEFORE = {0};
  /** Hello's feature bits. */
  static final int FEATURE_PRECONDITIONS = 1;
  static final int FEATURE_REQUEST_IDS = 2;
  static final int FEATURE_SNAPSHOTS = 4;
  static final int FEATURE_CHANGES = 8;
  static final int FEATURE_CHECKPOINTS = 16;
  static final int FEATURE_SHARED_MEMORY = 32;
  /** The extension field of Get, GetMany and Iterator naming the snapshot to read from. */
  static final int SNAPSHOT_FIELD = 14;

  /** The extension field carrying an error's human-readable reason. */
  static final int REASON_FIELD = 15;

  static final int DEFAULT_MAX_FRAME_BYTES = 64 << 20;

  /** The error code a get of a missing key is answered with. */
  static final byte[] NOT_FOUND = "LEVEL_NOT_FOUND".getBytes(StandardCharsets.US_ASCII);
}
