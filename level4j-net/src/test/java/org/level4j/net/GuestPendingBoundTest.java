package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.AsyncLevel;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;

/**
 * A guest bounds what its pending requests weigh ({@link Pending#MAX_BYTES}): a caller of the
 * async API that keeps sending to a host that reads every request and answers none, or while a
 * retrying guest has no host, waits for answers instead of filling the heap; and nothing it sent
 * is lost or applied twice once answers come.
 */
class GuestPendingBoundTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final byte[] VALUE = new byte[64 * 1024];
  /** More puts than the bound takes: about 1000 of them fit. */
  private static final int PUTS = 1300;
  /** What one put weighs at most: its value, key, framing and the per-request overhead. */
  private static final long ONE_PUT = VALUE.length + 64 + Pending.REQUEST_OVERHEAD;

  @TempDir
  Path tmp;

  @Test
  void aWriterWaitsAtTheBoundForAHostThatReadsButNeverAnswersThenGoesOnWhenItAnswers()
      throws Exception {
    Path socket = tmp.resolve("silent.sock");
    try (ScriptedHost host = new ScriptedHost(socket);
        Guest guest = Guest.connect(Connector.unix(socket))) {
      Writer writer = new Writer(guest.bytes().async());
      try {
        writer.awaitStuck(guest, host);
        assertThat(writer.issued.get()).as("puts issued to a host that does not answer")
            .isLessThan(PUTS);
        assertThat(guest.engine().pendingBytes()).as("what the guest holds pending")
            .isGreaterThan(Pending.MAX_BYTES)
            .isLessThanOrEqualTo(Pending.MAX_BYTES + ONE_PUT);
        host.answerAll();
        writer.thread.join(PATIENCE.toMillis());
        assertThat(writer.thread.isAlive()).as("the writer, once the host answers").isFalse();
        CompletableFuture.allOf(writer.sent.toArray(CompletableFuture[]::new))
            .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(writer.sent).hasSize(PUTS);
        assertThat(host.requests()).as("every put reached the host once").isEqualTo(PUTS);
        assertThat(guest.engine().pendingBytes()).isZero();
      } finally {
        writer.stop();
      }
    }
  }

  @Test
  void aWriterWaitingAtTheBoundSeesItsPutsFailWhenTheSilentHostHangsUp() throws Exception {
    Path socket = tmp.resolve("silent.sock");
    try (ScriptedHost host = new ScriptedHost(socket);
        Guest guest = Guest.connect(Connector.unix(socket))) {
      Writer writer = new Writer(guest.bytes().async());
      try {
        writer.awaitStuck(guest, host);
        assertThat(writer.issued.get()).as("puts issued to a host that does not answer")
            .isLessThan(PUTS);
        host.hangUp();
        writer.thread.join(PATIENCE.toMillis());
        assertThat(writer.thread.isAlive()).as("the writer, once the host hung up").isFalse();
        assertThat(writer.sent).hasSize(PUTS).allSatisfy(f -> {
          assertThat(f).isCompletedExceptionally();
          assertThat(causeOf(f)).isInstanceOfSatisfying(LevelException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST));
        });
        assertThat(guest.engine().pendingBytes()).isZero();
      } finally {
        writer.stop();
      }
    }
  }

  @Test
  void aRequestOverTheBoundByItselfGoesThroughAndTheNextWaitsForItsAnswer() throws Exception {
    Path socket = tmp.resolve("silent.sock");
    byte[] huge = new byte[(int) Pending.MAX_BYTES + 1];
    try (ScriptedHost host = new ScriptedHost(socket);
        Guest guest = Guest.connect(Connector.unix(socket))) {
      AsyncLevel<byte[], byte[]> async = guest.bytes().async();
      CompletableFuture<Void> first = async.put(b("huge"), huge); // returns: nothing else pends
      huge = null;
      CompletableFuture<CompletableFuture<Void>> second =
          CompletableFuture.supplyAsync(() -> async.put(b("small"), b("1")));
      await().atMost(PATIENCE).until(() -> host.requests() == 2);
      // It waits for the huge one's answer, which does not come until the host answers.
      await().during(Duration.ofMillis(300)).atMost(PATIENCE).until(() -> !second.isDone());
      host.answerAll();
      first.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
      second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS).get(PATIENCE.toSeconds(),
          TimeUnit.SECONDS);
      assertThat(guest.engine().pendingBytes()).isZero();
    }
  }

  @Test
  void aRetryingGuestWithoutAHostHoldsItsWriterAtTheBoundThenAppliesEveryPutOnce()
      throws Exception {
    Path socket = tmp.resolve("db.sock");
    CountDownLatch hostBack = new CountDownLatch(1);
    AtomicInteger connects = new AtomicInteger();
    // A connector that blocks while no host is there (as one waiting for an election would).
    Connector connector = () -> {
      if (connects.getAndIncrement() > 0) {
        hostBack.await();
      }
      return Connection.unix(socket);
    };
    Map<String, Integer> applied = new ConcurrentHashMap<>();
    try (Database first = MemoryLevel.open(); Database second = MemoryLevel.open()) {
      Host gone = Host.of(first).listen(Listener.unix(socket));
      Host back = null;
      try (Guest guest = Guest.connect(connector, GuestOptions.builder().retry(true).build())) {
        guest.put("before", "the host went");
        gone.close();
        await().atMost(PATIENCE).until(() -> !guest.isConnected());
        Writer writer = new Writer(guest.bytes().async());
        try {
          writer.awaitStuck(guest, null);
          assertThat(writer.issued.get()).as("puts issued with no host").isLessThan(PUTS);
          assertThat(guest.engine().pendingBytes()).as("what the guest holds pending")
              .isLessThanOrEqualTo(Pending.MAX_BYTES + ONE_PUT);
          back = Host.of(second, HostOptions.builder()
              .preput((k, v) -> applied.merge(new String(k, StandardCharsets.UTF_8), 1,
                  Integer::sum))
              .build()).listen(Listener.unix(socket));
          hostBack.countDown();
          writer.thread.join(PATIENCE.toMillis());
          assertThat(writer.thread.isAlive()).as("the writer, once a host is back").isFalse();
          CompletableFuture.allOf(writer.sent.toArray(CompletableFuture[]::new))
              .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } finally {
          writer.stop();
        }
        assertThat(applied).as("puts applied by the host that came back").hasSize(PUTS)
            .allSatisfy((k, times) -> assertThat(times).as(k).isEqualTo(1));
        for (int i = 0; i < PUTS; i++) {
          assertThat(second.bytes().get(Writer.key(i))).as("put %d", i).isEqualTo(VALUE);
        }
        assertThat(guest.engine().pendingBytes()).isZero();
      } finally {
        hostBack.countDown();
        gone.close();
        if (back != null) {
          back.close();
        }
      }
    }
  }

  private static Throwable causeOf(CompletableFuture<?> f) {
    try {
      f.get(0, TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      return e;
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A thread doing {@link #PUTS} async puts of {@link #VALUE} in a row, never waiting on one. */
  private static final class Writer {
    final AtomicInteger issued = new AtomicInteger();
    final List<CompletableFuture<Void>> sent = Collections.synchronizedList(new ArrayList<>());
    final Thread thread;

    Writer(AsyncLevel<byte[], byte[]> async) {
      thread = new Thread(() -> {
        for (int i = 0; i < PUTS && !Thread.currentThread().isInterrupted(); i++) {
          sent.add(async.put(key(i), VALUE));
          issued.incrementAndGet();
        }
      }, "pending-bound-writer");
      thread.setDaemon(true);
      thread.start();
    }

    static byte[] key(int i) {
      return b(String.format("k%05d", i));
    }

    /**
     * Returns once the writer waits with the guest's pending requests over the bound (or has
     * finished, which the caller's assertions catch), and {@code host}, if there is one, has read
     * every request, the one whose put the writer is in too: then it waits for answers, not for
     * the host to read.
     */
    void awaitStuck(Guest guest, ScriptedHost host) {
      await().atMost(PATIENCE).until(() -> !thread.isAlive()
          || (thread.getState() == Thread.State.WAITING
              && guest.engine().pendingBytes() > Pending.MAX_BYTES
              && (host == null || host.requests() == issued.get() + 1)));
      if (thread.isAlive()) {
        // It stays there: nothing it may wait for happens until the test lets it.
        int now = issued.get();
        await().during(Duration.ofMillis(300)).atMost(PATIENCE)
            .until(() -> issued.get() == now);
      }
    }

    void stop() throws InterruptedException {
      thread.interrupt();
      thread.join(PATIENCE.toMillis());
    }
  }

  /**
   * A host that answers the probe, then reads every request and answers none until told to
   * ({@link #answerAll}); from then on it answers each as it comes.
   */
  private static final class ScriptedHost implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread thread;
    private volatile SocketChannel channel;
    private final List<Integer> unanswered = new ArrayList<>(); // guarded by this
    private boolean answering; // guarded by this
    private int requests; // guarded by this

    ScriptedHost(Path socket) throws IOException {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      thread = new Thread(this::serve, "scripted-host");
      thread.setDaemon(true);
      thread.start();
    }

    synchronized int requests() {
      return requests;
    }

    private void serve() {
      try (SocketChannel c = server.accept()) {
        channel = c;
        ByteBuffer in = ByteBuffer.allocate(1 << 20);
        while (true) {
          in.flip();
          long p = in.hasRemaining() ? FrameReader.peekLength(in) : -1;
          if (p >= 0) {
            int len = (int) (p & 0xFF_FFFF_FFFFL);
            int prefix = (int) (p >>> 40);
            if (in.remaining() >= prefix + len) {
              int start = in.position() + prefix;
              GuestMessage m = GuestMessage.decode(in.get(start) & 0xFF,
                  new Protobuf.In(in, start + 1, start + len));
              in.position(start + len);
              in.compact();
              take(m);
              continue;
            }
            if (in.capacity() < prefix + len) {
              ByteBuffer bigger = ByteBuffer.allocate(prefix + len);
              bigger.put(in);
              in = bigger;
              continue;
            }
          }
          in.compact();
          if (c.read(in) < 0) {
            return;
          }
        }
      } catch (IOException e) {
        // hung up
      }
    }

    private synchronized void take(GuestMessage m) throws IOException {
      Protobuf.Out o = new Protobuf.Out(64);
      if (m instanceof GuestMessage.GetMany g && g.keys().isEmpty()) {
        HostMessage.getManyCallback(o, g.id(), null, List.of());
      } else if (m instanceof GuestMessage.Put p) {
        requests++;
        if (!answering) {
          unanswered.add(p.id());
          return;
        }
        HostMessage.callback(o, p.id(), null, null);
      } else {
        return; // a shared memory offer: ignored, as a host may
      }
      write(o);
    }

    /** Answers every request read so far, and from now on each as it comes. */
    synchronized void answerAll() throws IOException {
      answering = true;
      Protobuf.Out o = new Protobuf.Out(64);
      for (int id : unanswered) {
        HostMessage.callback(o, id, null, null);
      }
      unanswered.clear();
      write(o);
    }

    private void write(Protobuf.Out o) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(o.buf, 0, o.len);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }

    void hangUp() throws IOException {
      channel.close();
    }

    @Override
    public void close() throws Exception {
      server.close();
      SocketChannel c = channel;
      if (c != null) {
        c.close();
      }
      thread.join(PATIENCE.toMillis());
    }
  }
}
