package org.level4j.rocksdb;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * One directory holding RocksDB's native library for one rocksdbjni version, shared by this
 * user's processes: the first to need it unpacks it there, the others load that copy. The
 * directory must be one {@link PrivateDirectory#open} accepted.
 *
 * <p>Called once per process (from {@link NativeLibrary}); the file lock it takes is per process,
 * so two threads of one process must not call it on the same directory at once.
 */
final class LibraryCache {
  /*
   * What a process may load: a file under the library's name that is a copy of the jar's entry.
   * Three things keep that true.
   *
   * Locks. Checking and loading take a shared lock on `.lock` in the directory, writing takes it
   * exclusively. So processes starting together check and load the same copy at once, and none
   * replaces the file between another one's check and load. The kernel drops a process's lock
   * when it dies, SIGKILL included, so a killed process never blocks the next one. (Locks are
   * fcntl record locks: per process, which is why this runs once per process.)
   *
   * Whole files only. A copy is written under `<name>.<pid>.part`, its size and CRC compared with
   * the entry's, fsync'd, then renamed over the name (rename is atomic): the name only ever points
   * at a complete copy. A process killed while writing leaves its `.part`; the next process that
   * takes the exclusive lock (the next one to find no good copy, which is the next one to start)
   * removes every `.part`, since while it holds that lock nobody is writing one. So the directory
   * holds at most the library, the lock file and one stale `.part`, however many processes come
   * and go. (The directory itself is not fsync'd after the rename: after a crash of the machine
   * the name may be missing, and the next process writes it again.)
   *
   * Checked before use. An existing file is used only if it is a regular file (not a link), this
   * user's or root's, writable by nobody else, and its size and CRC-32 are the entry's; otherwise
   * it is replaced. A CRC, not a cryptographic hash, because the hash would guard against nobody:
   * the directory is private (PrivateDirectory), and whoever can write into it can equally replace
   * the rocksdbjni jar or this user's shell profile. The check is against accidents (a copy from
   * another build of rocksdbjni under the same jar name, a file cut short by a crash), which size
   * and CRC catch. It costs one read of the file (5 to 15 ms), where unpacking the entry to hash
   * it would cost more than unpacking a fresh copy, which is what the cache is there to avoid.
   */

  static final String LOCK = ".lock";
  static final String PART = ".part";
  private static final FileAttribute<?> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
  private static final FileAttribute<?> READABLE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--"));

  private LibraryCache() {}

  /**
   * Makes sure {@code dir/name} is a copy of {@code library} (unpacking it if it is missing or
   * fails the check), hands it to {@code load} while no other process can replace it, and returns
   * its path.
   */
  static Path use(Path dir, String name, JarLibrary library, Consumer<Path> load)
      throws IOException {
    Path file = dir.resolve(name);
    try (FileChannel lock = FileChannel.open(dir.resolve(LOCK), Set.of(StandardOpenOption.CREATE,
        StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), OWNER_ONLY)) {
      for (int writes = 0; ; writes++) {
        FileLock readers = lock.lock(0, Long.MAX_VALUE, true);
        try {
          if (isCopy(file, library)) {
            load.accept(file);
            return file;
          }
        } finally {
          readers.release();
        }
        if (writes == 3) {
          // Only if another process keeps writing a different library under this name.
          throw new IOException(file + " was replaced by a different file after each of " + writes
              + " writes: another rocksdbjni build with the same jar name uses this directory");
        }
        FileLock writer = lock.lock();
        try {
          removeStaleParts(dir);
          if (!isCopy(file, library)) {
            write(file, library);
          }
        } finally {
          writer.release();
        }
      }
    }
  }

  /**
   * Writes a copy of {@code library} to {@code file} through a {@code .part} file in the same
   * directory, renamed over {@code file} once complete. The caller makes sure no other process
   * writes to that directory at the same time.
   */
  static void write(Path file, JarLibrary library) throws IOException {
    Path part = file.resolveSibling(file.getFileName() + "." + ProcessHandle.current().pid() + PART);
    try {
      CRC32 crc = new CRC32();
      long size = 0;
      try (InputStream in = library.open();
          FileChannel out = FileChannel.open(part, Set.of(StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS), READABLE)) {
        byte[] buf = new byte[1 << 16];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          crc.update(buf, 0, n);
          size += n;
          ByteBuffer bytes = ByteBuffer.wrap(buf, 0, n);
          while (bytes.hasRemaining()) {
            out.write(bytes);
          }
        }
        if (size != library.size() || crc.getValue() != library.crc()) {
          throw new IOException("unpacking " + library.entry() + " from " + library.jar()
              + " gave " + size + " bytes with CRC " + Long.toHexString(crc.getValue())
              + " where the jar lists " + library.size() + " bytes with CRC "
              + Long.toHexString(library.crc()) + ": the jar is damaged or changed");
        }
        out.force(true);
      }
      Files.move(part, file, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** True if {@code file} may be loaded as a copy of {@code library}: see the class notes. */
  static boolean isCopy(Path file, JarLibrary library) throws IOException {
    try {
      if (!PrivateDirectory.isPrivateFile(file) || Files.size(file) != library.size()) {
        return false;
      }
    } catch (NoSuchFileException missing) {
      return false;
    }
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 18);
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ,
        LinkOption.NOFOLLOW_LINKS)) {
      while (in.read(buf.clear()) >= 0) {
        crc.update(buf.flip());
      }
    }
    return crc.getValue() == library.crc();
  }

  private static void removeStaleParts(Path dir) throws IOException {
    // Also removes the parts an earlier level4j left, named <entry><random>.part.
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, "librocksdbjni*" + PART)) {
      for (Path part : parts) {
        Files.deleteIfExists(part);
      }
    }
  }
}
