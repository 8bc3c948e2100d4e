package org.level4j;

import java.util.Arrays;

/**
 * Names one write so that retrying it is safe: a write carrying a request id (see {@link
 * WriteOptions#request()}) is applied at most once. If the engine already applied a write with
 * this id, a repeated write succeeds without applying anything again, without even checking its
 * preconditions (they held when it was applied).
 *
 * <p>This is what makes a retried write exactly-once when its first answer was lost, as when a
 * RaveLevel leader dies after applying a follower's conditional batch but before answering: the
 * follower sends it again to the new leader, which finds it recorded.
 *
 * <p>The engine records the id atomically with the write, in a space of its own that no
 * iterator, clear or count sees. Records are forgotten when the client says so ({@code
 * settledBelow}) or after an hour. Where {@link Supports#exactlyOnce()} is false (a guest of a
 * Node host, say), a write with a request id fails with {@link ErrorCode#LEVEL_NOT_SUPPORTED}.
 *
 * @param client who sends the write: 1 to 64 bytes, the same for all its requests (a random id
 *     per process, say)
 * @param seq the request's number, unique per client
 * @param settledBelow the client will never retry any request numbered below this, so the engine
 *     may forget them; 0 if unknown
 */
public record RequestId(byte[] client, long seq, long settledBelow) {
  /** The most bytes a client id may have. */
  public static final int MAX_CLIENT_BYTES = 64;

  /**
   * Checks the client id and keeps a copy of it.
   *
   * @param client who sends the write: 1 to 64 bytes
   * @param seq the request's number, unique per client
   * @param settledBelow the client will never retry a request numbered below this; 0 if unknown
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} if {@code client} is {@code
   *     null}, empty or longer than {@link #MAX_CLIENT_BYTES}
   */
  public RequestId {
    if (client == null || client.length == 0 || client.length > MAX_CLIENT_BYTES) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          "a request id needs a client id of 1 to " + MAX_CLIENT_BYTES + " bytes");
    }
    client = client.clone();
  }

  /**
   * A copy of the client id.
   *
   * @return a copy of the client id
   */
  @Override
  public byte[] client() {
    return client.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestId r && r.seq == seq && r.settledBelow == settledBelow
        && Arrays.equals(r.client, client);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(client) * 31 + Long.hashCode(seq);
  }

  @Override
  public String toString() {
    return "request " + Long.toUnsignedString(seq) + " of client " + Bytes.show(client);
  }
}
