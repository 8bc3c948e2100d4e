package org.level4j.rocksdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.rocksdb.CompressionType;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library from one copy per user and rocksdbjni version, kept in
 * {@code $XDG_CACHE_HOME/level4j/native/<jar name>/} ({@code ~/.cache/...} when that variable is
 * unset), or in the directory named by the system property {@code level4j.native.dir}. Nothing
 * is loaded from a directory another user could change, and only a file that is a copy of the
 * library in the rocksdbjni jar: see {@link PrivateDirectory} and {@link LibraryCache}.
 *
 * <p>By itself rocksdbjni unpacks its 17 MB library into a new temporary file in every process,
 * which costs a short-lived process a good part of its start and is never deleted when the
 * process is killed: with processes that come and go (followers, command-line calls, crashes),
 * that fills the temporary directory.
 *
 * <p>When the default directory cannot be used (no home directory, not writable, or changeable
 * by another user), the library is unpacked into a new owner-only temporary directory, loaded,
 * and deleted at once (a loaded library needs no file), with a warning. A directory named by
 * {@code level4j.native.dir} that fails the check is refused with {@link
 * ErrorCode#LEVEL_DATABASE_NOT_OPENED}: it was asked for, so the caller should hear why not.
 */
final class NativeLibrary {
  /*
   * Telling rocksdbjni. After System.load of our copy, RocksDB.loadLibrary(List.of(dir)) marks
   * the library loaded, so that rocksdbjni's own loading (the static initializers of Options,
   * DBOptions, ... call RocksDB.loadLibrary()) returns at once instead of unpacking another copy.
   * It does so by calling System.load on `dir/<getJniLibraryFileName("rocksdbjni")>`, which is
   * `librocksdbjnijni-linux64.so` (sic: rocksdbjni adds "jni" to a name that already has it);
   * the JDK sees that path is already loaded and does nothing. So the cached copy is kept under
   * that name, not under its name in the jar. Before that, loadLibrary(paths) also tries
   * System.load on `dir/libsnappy.so`, `dir/libz.so`, ... for the compression libraries: the
   * directory must not hold any of those, or they would run unchecked (checked below).
   */

  static final String DIR_PROPERTY = "level4j.native.dir";
  static final String DEFAULT_DESCRIPTION = "$XDG_CACHE_HOME/level4j/native (~/.cache/level4j/"
      + "native when XDG_CACHE_HOME is unset)";
  private static final System.Logger LOG = System.getLogger(NativeLibrary.class.getName());

  /** Set once System.load of our copy has succeeded: from then on, no other copy may be tried. */
  private static boolean linked;

  private NativeLibrary() {}

  /**
   * Loads the library, once per process.
   *
   * @throws LevelException {@link ErrorCode#LEVEL_DATABASE_NOT_OPENED} if it cannot be loaded
   *     safely
   */
  static synchronized void load() {
    if (linked || RocksDB.rocksdbVersion() != null) {
      return; // loaded already, by us or by the application itself
    }
    JarLibrary library;
    try {
      library = JarLibrary.find();
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "cannot read RocksDB's native library from the rocksdbjni jar: " + e, e);
    }
    if (library == null || !PrivateDirectory.supported()) {
      // No library for this platform in the jar (rocksdbjni then looks on java.library.path
      // and reports the platform itself), or no Unix permissions to check: rocksdbjni's way.
      RocksDB.loadLibrary();
      return;
    }
    String configured = System.getProperty(DIR_PROPERTY);
    if (configured != null) {
      try {
        loadFrom(PrivateDirectory.open(Path.of(configured)), library);
      } catch (IOException e) {
        throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "cannot use " + configured
            + " (the system property " + DIR_PROPERTY + ") for RocksDB's native library: " + e
            + "; make it a directory you can write, or leave the property unset", e);
      }
      return;
    }
    Path cache = defaultDirectory(library.version());
    try {
      if (cache == null) {
        throw new IOException("no home directory to hold a cache (user.home is "
            + System.getProperty("user.home") + ")");
      }
      loadFrom(PrivateDirectory.open(cache), library);
    } catch (IOException | LevelException | UnsatisfiedLinkError e) {
      if (linked) {
        throw e instanceof LevelException le ? le : new LevelException(
            ErrorCode.LEVEL_DATABASE_NOT_OPENED, "RocksDB's native library: " + e, e);
      }
      LOG.log(System.Logger.Level.WARNING, "RocksDB's native library cannot be cached in " + cache
          + " (" + (e instanceof LevelException le ? le.reason() : e.toString())
          + "); unpacking it for this process only, removed once loaded");
      loadOnce(library);
    }
  }

  /** The default cache directory for {@code version}, or null if this user has no usable home. */
  private static Path defaultDirectory(String version) {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base;
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      base = Path.of(xdg); // the XDG spec: a relative value is to be ignored
    } else {
      String home = System.getProperty("user.home", "");
      if (home.isEmpty() || !Path.of(home).isAbsolute()) {
        return null;
      }
      base = Path.of(home, ".cache");
    }
    return base.resolve("level4j").resolve("native").resolve(version);
  }

  /** The name the copy is kept under: the one rocksdbjni's loadLibrary(paths) loads. */
  static String fileName() {
    return Environment.getJniLibraryFileName("rocksdbjni");
  }

  private static void loadFrom(Path dir, JarLibrary library) throws IOException {
    refuseCompressionLibraries(dir);
    LibraryCache.use(dir, fileName(), library, NativeLibrary::link);
  }

  /**
   * The fallback: a copy in a new owner-only temporary directory, deleted as soon as it is
   * loaded. A process killed in between leaves it behind; that window is the unpacking and
   * loading alone.
   */
  private static void loadOnce(JarLibrary library) {
    Path dir = null;
    Path file = null;
    try {
      dir = PrivateDirectory.open(Files.createTempDirectory("level4j-native-"));
      file = dir.resolve(fileName());
      LibraryCache.write(file, library);
      link(file);
    } catch (IOException e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED,
          "cannot unpack RocksDB's native library into " + System.getProperty("java.io.tmpdir")
              + ": " + e + "; make the temporary directory writable, or set " + DIR_PROPERTY
              + " to a directory only you can write", e);
    } finally {
      try {
        if (file != null) {
          Files.deleteIfExists(file);
        }
        if (dir != null) {
          Files.deleteIfExists(dir);
        }
      } catch (IOException e) {
        LOG.log(System.Logger.Level.WARNING, "cannot remove " + dir + ": " + e);
      }
    }
  }

  /** Loads the checked copy {@code file}, then tells rocksdbjni (see the notes above). */
  private static void link(Path file) {
    System.load(file.toString());
    linked = true;
    try {
      RocksDB.loadLibrary(List.of(file.getParent().toString()));
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, "rocksdbjni did not take the"
          + " native library loaded from " + file + " (" + e + "): this rocksdbjni looks for it"
          + " under another name than " + fileName() + ", and NativeLibrary must follow it", e);
    }
  }

  /** Refuses {@code dir} if it holds a library rocksdbjni would load unchecked (see above). */
  static void refuseCompressionLibraries(Path dir) {
    for (CompressionType type : CompressionType.values()) {
      if (type == CompressionType.NO_COMPRESSION) {
        continue;
      }
      Path stray = dir.resolve(Environment.getSharedLibraryFileName(type.getLibraryName()));
      if (Files.exists(stray, LinkOption.NOFOLLOW_LINKS)) {
        throw new LevelException(ErrorCode.LEVEL_DATABASE_NOT_OPENED, dir + " holds " + stray
            .getFileName() + ", which rocksdbjni would load unchecked along with RocksDB's"
            + " native library; remove it, or use a directory of its own for " + DIR_PROPERTY);
      }
    }
  }
}
