package org.level4j.cli;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.Op;
import org.level4j.rave.RaveLevel;
import org.level4j.rocksdb.RocksDatabase;
import org.level4j.rocksdb.RocksLevel;
import org.level4j.rocksdb.RocksOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code level4j backup DIR DEST}: a consistent copy of a database that other processes may be
 * using through RaveLevel, written to a new directory.
 *
 * <p>It joins DIR's election as any command does and asks for a RocksDB checkpoint: as leader (no
 * other process led DIR) it makes it itself, as a follower the leader makes it (the Checkpoint
 * extension of the protocol). A leader that cannot (a Node rave-level process, or one running as
 * another user) is read instead: every entry through it from one snapshot, written into a new
 * RocksDB directory, the same data at one moment in different files. Either is built beside DEST
 * and renamed into place, so DEST appears only when complete.
 */
@Command(name = "backup",
    description = {
        "Copy the database in DIR to the new directory DEST, consistently, while other processes"
            + " go on reading and writing DIR. DEST holds the database as it was at one moment"
            + " during the backup, and is a database of its own: open it with any level4j"
            + " command, or move it in place of DIR to restore.",
        "DEST is a RocksDB checkpoint (table files hard-linked where DEST is on the same file"
            + " system), made by the process that leads DIR: backup itself if no other process"
            + " does, else the leader, asked over its socket. A leader that cannot make one (a"
            + " Node rave-level process, or one running as another user) is read instead: every"
            + " entry through it from one snapshot, written to DEST. Either way DEST appears only"
            + " once complete; a backup that fails (for instance when the leader exits during the"
            + " copy) leaves nothing."})
final class BackupCommand implements Callable<Integer> {
  private static final int STEP = 1000;

  @Parameters(index = "0", paramLabel = "DIR", description = "The database directory.")
  Path dir;

  @Parameters(index = "1", paramLabel = "DEST",
      description = "The directory to create (it must not exist, nor be inside DIR; its parent"
          + " is created).")
  Path dest;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Path target = dest.toAbsolutePath();
    if (Files.exists(target)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          target + " already exists; backup makes a new directory");
    }
    if (insideDir(target)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT, dest + " is inside " + dir
          + ": a copy there would lie among the files of the database it copies; choose a DEST"
          + " outside " + dir);
    }
    try {
      Files.createDirectories(target.getParent());
    } catch (FileAlreadyExistsException e) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot make the directory " + dest
          + " goes in: " + e.getFile() + " exists and is not a directory; choose another DEST",
          e);
    } catch (IOException e) {
      throw IoFailure.of("cannot make the directory " + dest + " goes in", e,
          "choose a DEST where you may create directories");
    }
    if (!Files.isWritable(target.getParent())) {
      throw new LevelException(ErrorCode.LEVEL_IO_ERROR, "cannot back up to " + dest
          + ": you may not create directories in " + target.getParent() + " (the copy is made"
          + " beside DEST, then renamed); choose a DEST where you may");
    }
    try {
      return backup(target);
    } catch (IOException e) {
      throw IoFailure.of("cannot back up " + dir + " to " + dest, e,
          "check DEST's directory (that you may write there, and the free space) and run it again");
    }
  }

  private int backup(Path target) throws IOException {
    Path partial = target.resolveSibling("." + target.getFileName() + ".partial-"
        + ProcessHandle.current().pid());
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    String how;
    try (RaveLevel db = Target.open(dir, false)) {
      boolean leader = db.isLeader();
      try {
        db.checkpoint(partial);
        how = leader ? "a checkpoint" : "a checkpoint made by the leader";
      } catch (LevelException e) {
        if (leader || e.code() != ErrorCode.LEVEL_NOT_SUPPORTED) {
          throw e;
        }
        deleteTree(partial);
        long n = copyThroughLeader(db, partial, progress);
        how = String.format("%,d entries read from one snapshot through the leader, which "
            + "makes no checkpoint for this process: %s", n, e.getMessage());
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      progress.clear();
      deleteTree(partial);
    }
    spec.commandLine().getErr().printf("backed up %s to %s (%s)%n", dir, dest, how);
    return Main.OK;
  }

  /** Whether {@code target} is {@link #dir} or inside it, symbolic links followed. */
  private boolean insideDir(Path target) {
    if (!Files.exists(dir)) {
      return false; // opening it fails, saying so
    }
    try {
      return real(target).startsWith(dir.toRealPath());
    } catch (IOException e) {
      throw IoFailure.of("cannot tell whether " + dest + " is inside " + dir, e,
          "check that you may read both paths");
    }
  }

  /**
   * Where {@code path}, which need not exist yet, is once symbolic links are followed: the real
   * path of its nearest existing ancestor, then the rest of it.
   */
  static Path real(Path path) throws IOException {
    Path abs = path.toAbsolutePath();
    Path existing = abs;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    return existing == null ? abs.normalize()
        : existing.toRealPath().resolve(existing.relativize(abs)).normalize();
  }

  /** Writes every entry of {@code db}, read from one snapshot, to a new database in {@code to}. */
  private static long copyThroughLeader(RaveLevel db, Path to, Progress progress) {
    progress.start("backup");
    long n = 0;
    RocksOptions fresh = RocksOptions.builder().errorIfExists(true).build();
    try (RocksDatabase out = RocksLevel.open(to, fresh);
        LevelIterator<byte[], Entry<byte[], byte[]>> it = db.bytes().iterator()) {
      List<Op<byte[], byte[]>> ops = new ArrayList<>(STEP);
      for (List<Entry<byte[], byte[]>> step = it.nextv(STEP); !step.isEmpty();
          step = it.nextv(STEP)) {
        ops.clear();
        for (Entry<byte[], byte[]> e : step) {
          ops.add(Op.put(e.key(), e.value()));
        }
        out.bytes().batch(ops);
        n += step.size();
        progress.at(n, 0);
      }
    }
    return n;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.delete(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
        Files.delete(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }
}
