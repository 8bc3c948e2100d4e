package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Op;

/**
 * What a guest re-sends on a new link before the new host has answered its probe: the pending
 * requests of the base protocol, in id order, up to the first that needs the host's features.
 * A scripted host takes the first link, lets it die with requests unanswered, and records what
 * the second link brings before it answers anything.
 */
class ReconnectResendTest {
  @TempDir
  Path tmp;

  @Test
  void aPendingPutIsResentRightBehindTheProbe() throws Exception {
    List<GuestMessage> early = runAndRecord(0, guest -> List.of(guest.async().put("a", "1")), 1);
    assertThat(early).hasSize(2);
    assertThat(early.get(0)).isInstanceOfSatisfying(GuestMessage.GetMany.class,
        g -> assertThat(g.keys()).isEmpty());
    assertThat(early.get(1)).isInstanceOfSatisfying(GuestMessage.Put.class,
        p -> assertThat(new String(p.key(), StandardCharsets.UTF_8)).isEqualTo("a"));
  }

  @Test
  void requestsAfterOneThatNeedsTheHostsFeaturesWaitForTheProbe() throws Exception {
    // The conditional batch goes as the Write extension only if the new host still serves it,
    // which its answer to the probe says; the put after it keeps its place behind it.
    List<GuestMessage> early = runAndRecord(Wire.FEATURE_PRECONDITIONS, guest -> List.of(
        guest.async().put("a", "1"),
        guest.async().batch(List.of(Op.expect("a", "1"), Op.put("b", "2"))),
        guest.async().put("c", "3")), 3);
    assertThat(early).hasSize(2);
    assertThat(early.get(0)).isInstanceOf(GuestMessage.GetMany.class);
    assertThat(early.get(1)).isInstanceOfSatisfying(GuestMessage.Put.class,
        p -> assertThat(new String(p.key(), StandardCharsets.UTF_8)).isEqualTo("a"));
  }

  interface Calls {
    List<CompletableFuture<?>> start(Guest guest);
  }

  /**
   * Link 1: answers the probe (with {@code features} in a Hello), reads {@code requests}
   * requests, hangs up. Link 2: records, without answering anything, the first two frames and
   * every frame that arrives within 300 ms after them, then answers everything. Returns the recorded frames; checks every call completed.
   */
  private List<GuestMessage> runAndRecord(int features, Calls calls, int requests)
      throws Exception {
    Path socket = tmp.resolve("scripted.sock");
    List<GuestMessage> early = new ArrayList<>();
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));
      CompletableFuture<Void> host = CompletableFuture.runAsync(() -> {
        try {
          try (Frames first = new Frames(server.accept())) {
            GuestMessage probe = first.next();
            Protobuf.Out o = new Protobuf.Out(64);
            HostMessage.hello(o, features);
            HostMessage.getManyCallback(o, ((GuestMessage.GetMany) probe).id(), null, List.of());
            first.write(o);
            for (int i = 0; i < requests; i++) {
              first.next();
            }
          } // hung up with the requests unanswered
          try (Frames second = new Frames(server.accept())) {
            second.channel.configureBlocking(false);
            // The probe and the first re-sent request come without waiting for anything of
            // this host's (however long a loaded machine takes to send them); what else comes
            // within 300 ms after them came before the probe's answer too.
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < until) {
              GuestMessage m = second.poll();
              if (m != null) {
                early.add(m);
                if (early.size() == 2) {
                  until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                }
              } else {
                Thread.sleep(1);
              }
            }
            second.channel.configureBlocking(true);
            Protobuf.Out o = new Protobuf.Out(64);
            HostMessage.hello(o, features);
            answer(o, early);
            second.write(o);
            List<GuestMessage> later = new ArrayList<>();
            for (int answered = early.size() - 1; answered < requests; answered++) {
              later.add(second.next());
            }
            Protobuf.Out rest = new Protobuf.Out(64);
            answer(rest, later);
            second.write(rest);
            second.next(); // until the guest hangs up
          }
        } catch (IOException | InterruptedException | RuntimeException e) {
          if (!(e instanceof java.io.EOFException)) {
            throw new IllegalStateException(e);
          }
        }
      });
      try (Guest guest = Guest.connect(Connector.unix(socket),
          GuestOptions.builder().retry(true).build())) {
        for (CompletableFuture<?> f : calls.start(guest)) {
          f.get(30, TimeUnit.SECONDS);
        }
      }
      host.get(30, TimeUnit.SECONDS);
    }
    return early;
  }

  /** Answers each request as done (a Write: applied now). */
  private static void answer(Protobuf.Out o, List<GuestMessage> messages) {
    for (GuestMessage m : messages) {
      if (m instanceof GuestMessage.GetMany g) {
        HostMessage.getManyCallback(o, g.id(), null, List.of());
      } else if (m instanceof GuestMessage.Write w) {
        HostMessage.callback(o, w.id(), null, new byte[] {1});
      } else if (m instanceof GuestMessage.Put p) {
        HostMessage.callback(o, p.id(), null, null);
      } else {
        throw new IllegalStateException("not scripted: " + m);
      }
    }
  }

  /** The guest's frames on one accepted connection. */
  private static final class Frames implements AutoCloseable {
    final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(1 << 16);

    Frames(SocketChannel channel) {
      this.channel = channel;
    }

    /** The next frame, waiting for it (blocking mode). */
    GuestMessage next() throws IOException {
      while (true) {
        GuestMessage m = decodeOne();
        if (m != null) {
          return m;
        }
        if (channel.read(in) < 0) {
          throw new java.io.EOFException("the guest hung up");
        }
      }
    }

    /** A frame if one is here (non-blocking mode), else null. */
    GuestMessage poll() throws IOException {
      GuestMessage m = decodeOne();
      if (m == null && channel.read(in) > 0) {
        m = decodeOne();
      }
      return m;
    }

    private GuestMessage decodeOne() {
      in.flip();
      try {
        long p = in.hasRemaining() ? FrameReader.peekLength(in) : -1;
        if (p < 0) {
          return null;
        }
        int len = (int) (p & 0xFF_FFFF_FFFFL);
        int prefix = (int) (p >>> 40);
        if (in.remaining() < prefix + len) {
          return null;
        }
        int start = in.position() + prefix;
        GuestMessage m = GuestMessage.decode(in.get(start) & 0xFF,
            new Protobuf.In(in, start + 1, start + len));
        in.position(start + len);
        return m;
      } finally {
        in.compact();
      }
    }

    void write(Protobuf.Out o) throws IOException {
      ByteBuffer b = ByteBuffer.wrap(o.buf, 0, o.len);
      while (b.hasRemaining()) {
        channel.write(b);
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }
}
