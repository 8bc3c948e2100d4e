package org.level4j.bench;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.level4j.net.Connection;
import org.level4j.net.Listener;
import org.level4j.rave.RaveLevel;
import org.level4j.rave.RaveOptions;

/**
 * The other process of {@link FollowerFloor}: {@code echo SOCKET} answers each 100-byte message
 * on a Unix socket with the same bytes (plain blocking JDK sockets, one thread); {@code echoSpin
 * SOCKET} does the same over level4j's own {@link Listener} and {@link Connection}, which read as
 * its hosts and guests do (poll the socket for up to 100 µs while that pays, then sleep); {@code
 * lead DIR [FLUSH_AFTER_MS]} leads DIR with RaveLevel, its write buffers flushed after that many
 * milliseconds ({@link org.level4j.rocksdb.RocksOptions#flushAfter()}; 0: only when full;
 * RaveLevel's default when not given). Each prints {@code READY} and runs until its standard
 * input ends.
 */
public final class FloorPeer {
  static final int MESSAGE = 100;

  private FloorPeer() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("echoSpin")) {
      Listener server = Listener.unix(Path.of(args[1]), true);
      Thread t = new Thread(() -> echoSpin(server), args[0]);
      t.setDaemon(true);
      t.start();
      ready();
      server.close();
    } else if (args[0].equals("echo")) {
      Path socket = Path.of(args[1]);
      Files.deleteIfExists(socket);
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Thread t = new Thread(() -> echo(server), args[0]);
      t.setDaemon(true);
      t.start();
      ready();
      server.close();
    } else {
      RaveOptions options = args.length > 2 ? FollowerFloor.options(Integer.parseInt(args[2]))
          : RaveOptions.defaults();
      try (RaveLevel db = RaveLevel.open(Path.of(args[1]), options)) {
        // Writes nothing of its own: a key of ours sorting after the benchmark's keys ("ready"
        // did) would overlap every table file the benchmark's sequential puts flush, and RocksDB
        // would rewrite the whole database at each compaction instead of moving the new files
        // down, taking a processor from the calls being measured.
        if (!db.isLeader()) {
          throw new IllegalStateException("the lead peer follows " + args[1]);
        }
        ready();
      }
    }
  }

  private static void ready() throws IOException {
    System.out.println("READY");
    System.out.flush();
    while (System.in.read() >= 0) {
      // until the benchmark closes our input
    }
  }

  /**
   * Answers each {@link #MESSAGE}-byte message of the first connection with the same bytes:
   * plain blocking reads on a JDK socket channel.
   */
  static void echo(ServerSocketChannel server) {
    try {
      echo(Connection.of(server.accept()));
    } catch (IOException e) {
      // the benchmark is done
    }
  }

  /** {@link #echo}, over a level4j {@link Connection} that reads as its hosts do. */
  static void echoSpin(Listener server) {
    try {
      echo(server.accept());
    } catch (IOException | RuntimeException e) {
      // the benchmark is done
    }
  }

  private static void echo(Connection c) {
    try (c) {
      ByteBuffer b = ByteBuffer.allocateDirect(MESSAGE);
      while (true) {
        b.clear();
        while (b.hasRemaining()) {
          if (c.read(b) < 0) {
            return;
          }
        }
        b.flip();
        c.write(b);
      }
    } catch (IOException | RuntimeException e) {
      // the benchmark is done
    }
  }
}
