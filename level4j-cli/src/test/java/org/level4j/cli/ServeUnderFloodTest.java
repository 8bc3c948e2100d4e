package org.level4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.child.ChildProcess;

/**
 * {@code level4j serve} as a real process under the two floods a host must survive: a peer that
 * asks for a 100 kB value over and over and never reads the answers, and a peer that opens
 * 20,000 iterators and never closes them. The process stays within 256 MB of its idle resident
 * memory (Linux's VmRSS) and still serves another connection.
 */
class ServeUnderFloodTest {
  private static final long BUDGET_KB = 256 * 1024;

  @TempDir
  Path tmp;

  @Test
  void serveStaysWithin256MbOfIdleUnderFloodsAndServesOthers() throws Exception {
    Path dir = tmp.resolve("db");
    Path sock = tmp.resolve("s.sock");
    try (ChildProcess serve = ChildProcess.start(
        ProcessTest.command("serve", dir.toString(), "--socket", sock.toString()))) {
      ChildProcess lines = serve;
      lines.readLine();
      assertThat(lines.readLine()).startsWith("listening on unix:");
      String uri = "unix:" + sock;
      String big = "v".repeat(100_000);
      assertThat(Run.of("put", "--connect", uri, "big", big).code()).isZero();
      assertThat(Run.of("get", "--connect", uri, "big").out()).isEqualTo(big + "\n");
      long idle = FailoverBench.residentKb(serve.pid());
      assertThat(idle).as("VmRSS of the idle serve (Linux)").isPositive();

      try (SocketChannel flooder = connect(sock); SocketChannel hoarder = connect(sock)) {
        long gets = flood(flooder);
        int refused = openIterators(hoarder, 20_000);
        long peak = FailoverBench.residentKb(serve.pid());
        assertThat(Run.of("get", "--connect", uri, "big").out())
            .as("another connection, during the floods").isEqualTo(big + "\n");
        assertThat(peak - idle).as("growth over idle %d kB, after %d gets not read", idle, gets)
            .isLessThanOrEqualTo(BUDGET_KB);
        assertThat(refused).as("iterators refused beyond the cap").isEqualTo(20_000 - 1024);
      }
      assertThat(FailoverBench.residentKb(serve.pid()) - idle).isLessThanOrEqualTo(BUDGET_KB);
    }
  }

  private static SocketChannel connect(Path sock) throws IOException {
    SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
    ch.connect(UnixDomainSocketAddress.of(sock));
    return ch;
  }

  /**
   * Sends gets of "big" without reading, until the host stops taking them (the socket refuses
   * more for a few hundred tries in a row) or 100,000 are sent (over 10 GB of answers).
   * Returns how many were sent.
   */
  private static long flood(SocketChannel ch) throws IOException {
    ch.configureBlocking(false);
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int id = 1; id <= 1000; id++) {
      frames.writeBytes(frame(0, concat(field(1, id), bytesField(2, "big".getBytes(
          StandardCharsets.US_ASCII)))));
    }
    byte[] thousand = frames.toByteArray();
    long sent = 0;
    int refusedInARow = 0;
    ByteBuffer b = ByteBuffer.wrap(thousand);
    while (sent < 100 && refusedInARow < 300) {
      if (ch.write(b) == 0) {
        refusedInARow++;
        LockSupport.parkNanos(1_000_000);
      } else {
        refusedInARow = 0;
      }
      if (!b.hasRemaining()) {
        sent++;
        b.rewind();
      }
    }
    return sent * 1000;
  }

  /**
   * Opens {@code n} iterators over the keys (never closing them), reading the host's answers
   * meanwhile, then asks one get: its answer comes after all theirs. Returns how many of the
   * iterators the host refused (IteratorError frames).
   */
  private static int openIterators(SocketChannel ch, int n) throws Exception {
    Thread writer = new Thread(() -> {
      try {
        for (int id = 1; id <= n; id++) {
          // Iterator{id, seq 0, options{keys: true, values: false, limit: -1}, consumed 0}
          byte[] options = concat(field(1, 1), field(2, 0), field(7, 1));
          write(ch, frame(4, concat(field(1, id), field(2, 0), bytesField(3, options),
              field(4, 0))));
        }
        write(ch, frame(0, concat(field(1, 1), bytesField(2, "big".getBytes(
            StandardCharsets.US_ASCII)))));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    writer.start();
    ByteBuffer in = ByteBuffer.allocate(1 << 20);
    int errors = 0;
    while (true) {
      int tag = nextFrameTag(ch, in);
      if (tag == 3) {
        errors++;
      } else if (tag == 0) {
        break; // the get's Callback
      }
    }
    writer.join();
    return errors;
  }

  private static void write(SocketChannel ch, byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes);
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  /** Reads the next frame (varint length, tag, body) and returns its tag. */
  private static int nextFrameTag(SocketChannel ch, ByteBuffer in) throws IOException {
    while (true) {
      in.flip();
      int length = 0;
      int shift = 0;
      int p = in.position();
      boolean whole = false;
      while (p < in.limit()) {
        int b = in.get(p++);
        length |= (b & 0x7F) << shift;
        shift += 7;
        if ((b & 0x80) == 0) {
          whole = true;
          break;
        }
      }
      if (whole && in.limit() - p >= length) {
        int tag = in.get(p) & 0xFF;
        in.position(p + length);
        in.compact();
        return tag;
      }
      in.compact();
      if (ch.read(in) < 0) {
        throw new IOException("the host closed the connection");
      }
    }
  }

  private static byte[] frame(int tag, byte[] body) {
    return concat(varint(body.length + 1), new byte[] {(byte) tag}, body);
  }

  private static byte[] field(int number, long value) {
    return concat(varint(number << 3), varint(value));
  }

  private static byte[] bytesField(int number, byte[] value) {
    return concat(varint((number << 3) | 2), varint(value.length), value);
  }

  private static byte[] varint(long v) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
