package org.level4j.cli;

import java.io.IOException;
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
 * <p>It joins DIR's election as any command does. As leader (no other process led DIR), it holds
 * RocksDB and makes a checkpoint. As a follower it cannot ask the leader for a checkpoint (the
 * protocol has no such request), so it reads every entry through the leader from one snapshot and
 * writes them into a new RocksDB directory: the same data at one moment, in different files. Both
 * are built beside DEST and renamed into place, so DEST appears only when complete.
 */
@Command(name = "backup",
    description = {
        "Copy the database in DIR to the new directory DEST, consistently, while other processes"
            + " go on reading and writing DIR. DEST holds the database as it was at one moment"
            + " during the backup, and is a database of its own: open it with any level4j"
            + " command, or move it in place of DIR to restore.",
        "If no other process leads DIR, backup leads it for a moment and makes a RocksDB"
            + " checkpoint (table files hard-linked where DEST is on the same file system). If"
            + " another process leads DIR, backup reads every entry through it from one snapshot"
            + " and writes them to DEST. Either way DEST appears only once complete; a backup that"
            + " fails (for instance when the leader exits during the copy) leaves nothing."})
final class BackupCommand implements Callable<Integer> {
  private static final int STEP = 1000;

  @Parameters(index = "0", paramLabel = "DIR", description = "The database directory.")
  Path dir;

  @Parameters(index = "1", paramLabel = "DEST",
      description = "The directory to create (it must not exist; its parent is created).")
  Path dest;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path target = dest.toAbsolutePath();
    if (Files.exists(target)) {
      throw new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
          target + " already exists; backup makes a new directory");
    }
    Files.createDirectories(target.getParent());
    Path partial = target.resolveSibling("." + target.getFileName() + ".partial-"
        + ProcessHandle.current().pid());
    Progress progress = Progress.onTerminal(spec.commandLine().getErr());
    String how;
    try (RaveLevel db = Target.open(dir, false)) {
      if (db.isLeader()) {
        db.checkpoint(partial);
        how = "a checkpoint";
      } else {
        long n = copyThroughLeader(db, partial, progress);
        how = String.format("%,d entries read from one snapshot through the leader", n);
      }
      Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      progress.clear();
      deleteTree(partial);
    }
    spec.commandLine().getErr().printf("backed up %s to %s (%s)%n", dir, dest, how);
    return Main.OK;
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
