package org.level4j.rocksdb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * RocksDB's native library for this platform as the rocksdbjni jar on the class path ships it:
 * the entry's name, its size and CRC-32, and its bytes. The size and CRC come from the jar's
 * central directory, so knowing them costs no unpacking; a copy on disk that has both is a copy
 * of this entry (see {@link LibraryCache} for why a CRC, not a cryptographic hash, is the right
 * check there).
 *
 * @param entry the entry's name in the jar, e.g. {@code librocksdbjni-linux64.so}
 * @param version the jar's file name without {@code .jar}, e.g. {@code rocksdbjni-11.8.1}: it
 *     names the cache directory, so that versions do not take turns replacing each other's copy
 * @param jar the jar holding the entry, or null when rocksdbjni is not loaded from a jar file
 *     (then the bytes are the class loader's resource)
 */
record JarLibrary(String entry, long size, long crc, String version, Path jar) {

  /** The library of this platform, or null if rocksdbjni ships none for it. */
  static JarLibrary find() throws IOException {
    String entry = Environment.getJniLibraryFileName("rocksdb");
    Path jar = jarOfRocksDb();
    if (jar != null) {
      try (ZipFile zip = new ZipFile(jar.toFile())) {
        ZipEntry e = zip.getEntry(entry);
        if (e == null) {
          return null;
        }
        if (e.getSize() >= 0 && e.getCrc() >= 0) {
          String name = jar.getFileName().toString();
          return new JarLibrary(entry, e.getSize(), e.getCrc(),
              name.substring(0, name.length() - ".jar".length()), jar);
        }
      }
    }
    // Not from a jar (classes in a directory) or no sizes in the jar: read the bytes once.
    try (InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        return null;
      }
      CRC32 crc = new CRC32();
      byte[] buf = new byte[1 << 16];
      long size = 0;
      for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
        crc.update(buf, 0, n);
        size += n;
      }
      return new JarLibrary(entry, size, crc.getValue(), "rocksdbjni", null);
    }
  }

  /** The library's bytes, from the same jar its size and CRC were read from. */
  InputStream open() throws IOException {
    if (jar == null) {
      InputStream in = RocksDB.class.getClassLoader().getResourceAsStream(entry);
      if (in == null) {
        throw new IOException(entry + " is no longer on the class path");
      }
      return in;
    }
    ZipFile zip = new ZipFile(jar.toFile());
    try {
      ZipEntry e = zip.getEntry(entry);
      if (e == null) {
        throw new IOException(jar + " no longer holds " + entry);
      }
      return new FilterInputStream(zip.getInputStream(e)) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            zip.close();
          }
        }
      };
    } catch (IOException | RuntimeException e) {
      zip.close();
      throw e;
    }
  }

  private static Path jarOfRocksDb() {
    try {
      Path p = Path.of(RocksDB.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return p.getFileName() != null && p.getFileName().toString().endsWith(".jar") ? p : null;
    } catch (Exception e) {
      return null; // no code source, or not a file: the class loader's resource will do
    }
  }
}
