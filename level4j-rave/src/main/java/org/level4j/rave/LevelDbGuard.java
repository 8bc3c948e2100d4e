package org.level4j.rave;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The layout that lets a Node {@code rave-level} process try to open a level4j directory with
 * LevelDB without changing a byte of it: RocksDB's info log lives inside a directory {@code LOG},
 * and beside it stands a directory {@code LOG.old} that is never empty. The leader puts it in
 * place (moving an older directory's info log files aside) while it holds RocksDB's {@code LOCK},
 * before it opens RocksDB.
 */
final class LevelDbGuard {
  /*
   * Why. A Node rave-level follower whose leader's socket ends opens the directory with LevelDB
   * (classic-level bundles LevelDB 1.20). Before LevelDB even tries the LOCK, the constructor of
   * its DBImpl (SanitizeOptions) does, ignoring every failure:
   *   mkdir(dir)                  -> EEXIST
   *   rename(LOG, LOG.old)        -> fails here: LOG.old is a directory that is not empty
   *                                  (ENOTEMPTY for a directory LOG, EISDIR for a file LOG)
   *   fopen(LOG, "w")             -> fails here: LOG is a directory (EISDIR)
   * With a plain RocksDB layout the last two would move RocksDB's info log away and create an
   * empty one, in every attempt, even one that then finds the LOCK taken. Then Recover:
   *   mkdir(dir) -> EEXIST; open(LOCK, O_RDWR|O_CREAT) and lock it -> LOCK exists (RocksDB never
   *   removes it); held by a level4j leader -> LEVEL_LOCKED, and rave-level follows again;
   *   free (the moment between a leader's death and the next one's LockGuard) -> LevelDB reads
   *   CURRENT and the first record of RocksDB's MANIFEST, which starts with RocksDB's DB id (tag
   *   8193: write_dbid_to_manifest, which the leader keeps on) -> "VersionEdit: unknown tag",
   *   LEVEL_CORRUPTION, and LevelDB closes what it read and unlocks. Nothing is written.
   * RocksDB is told to log inside LOG by RocksEngine, which does so whenever LOG is a directory;
   * RocksDB itself ignores both directories (its purge of old info logs looks inside LOG only).
   *
   * Moving an old layout over (an info log file LOG, and maybe a file LOG.old that an earlier
   * LevelDB attempt left) runs while a Node process may be trying at the same moment: each step
   * builds a directory under a private name and renames it into place, and is tried again if a
   * LevelDB attempt recreated a file there in between. A guard that cannot be put in place is
   * logged and does not stop this process from leading: it keeps Node processes from changing an
   * info log, never RocksDB's data.
   */
  private static final System.Logger LOG = System.getLogger("org.level4j.rave");

  static final String INFO_LOG = "LOG";
  static final String OLD_INFO_LOG = "LOG.old";
  /** The file that keeps {@code LOG.old} from being empty. */
  static final String README = "README";
  private static final int ATTEMPTS = 10;
  private static final String EXPLANATION = "This directory stands where Node's LevelDB (a Node "
      + "rave-level process) would rename RocksDB's info log,\nso that such a process, trying to "
      + "open this level4j directory, changes nothing in it.\nRocksDB writes its info log in the "
      + "directory LOG beside this one. Do not remove this file.\n";

  private LevelDbGuard() {}

  /** Puts the layout in place in {@code dir}; cheap (two stat calls) when it already is. */
  static void prepare(Path dir) {
    Path old = dir.resolve(OLD_INFO_LOG);
    Path log = dir.resolve(INFO_LOG);
    if (Files.isRegularFile(old.resolve(README), LinkOption.NOFOLLOW_LINKS)
        && Files.isDirectory(log, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      // LOG.old first: once it is a directory that is not empty, no LevelDB attempt can rename
      // LOG any more, and the file LOG it might create meanwhile is moved aside like the old one.
      placeDirectory(dir, old, true);
      placeDirectory(dir, log, false);
    } catch (IOException | RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "cannot put RocksDB's info log of " + dir + " in a "
          + "directory LOG (" + e + "); a Node rave-level process that tries to lead this "
          + "directory may rename and recreate that info log (never RocksDB's data)", e);
    }
  }

  /**
   * Makes {@code target} a directory, holding the README if {@code readme}, and moving into it
   * whatever stood there as a file. Only {@code dir}'s leader calls it.
   */
  private static void placeDirectory(Path dir, Path target, boolean readme) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      if (readme && !Files.isRegularFile(target.resolve(README), LinkOption.NOFOLLOW_LINKS)) {
        writeReadme(target);
      }
      return;
    }
    Path staging = Files.createTempDirectory(dir, ".level4j-" + target.getFileName() + "-");
    try {
      if (readme) {
        writeReadme(staging);
      }
      for (int attempt = 1; ; attempt++) {
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          // An info log file of RocksDB or LevelDB: kept, inside the new directory.
          try {
            Files.move(target, staging.resolve("previous-" + target.getFileName() + "-"
                + System.currentTimeMillis() + "-" + attempt), StandardCopyOption.ATOMIC_MOVE);
          } catch (java.nio.file.NoSuchFileException gone) {
            // renamed away by a LevelDB attempt in between: nothing to keep here
          }
        }
        try {
          Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
          return;
        } catch (IOException e) {
          if (attempt >= ATTEMPTS) {
            throw e;
          }
          // A LevelDB attempt created a file there since: move it aside too, and try again.
        }
      }
    } finally {
      if (Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
        deleteQuietly(staging);
      }
    }
  }

  private static void writeReadme(Path directory) throws IOException {
    Path tmp = directory.resolve(README + ".tmp");
    Files.write(tmp, EXPLANATION.getBytes(StandardCharsets.UTF_8));
    Files.move(tmp, directory.resolve(README), StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
  }

  /** Removes a staging directory left by a failed attempt, with what it holds. */
  private static void deleteQuietly(Path staging) {
    try (java.util.stream.Stream<Path> files = Files.list(staging)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (f.getFileName().toString().startsWith("previous-")) {
          return; // someone's info log: leave it where it is
        }
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(staging);
    } catch (IOException e) {
      // a leftover staging directory is harmless: RocksDB and LevelDB ignore names like it
    }
  }
}
