package org.level4j.mutex;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import org.level4j.ErrorCode;
import org.level4j.Level;
import org.level4j.LevelException;
import org.level4j.rave.RaveLevel;

/**
 * The process {@link SharedMutexAcrossProcessesTest} starts: {@code revise DIR N} opens DIR as a
 * RaveLevel, prints {@code READY <role>}, waits for a {@code GO} line, then makes N revisions of
 * one document through a shared LevelMutex (the seed's revision check: the revision it read must
 * still be the stored one), retrying on conflict, and prints {@code DONE <ok> <conflicts>}. With
 * a fourth argument {@code over}, the mutex is the plain one ({@link LevelMutex#over}), which
 * orders only this process's own reads and writes.
 */
public final class MutexWorker {
  private MutexWorker() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    int wanted = Integer.parseInt(args[2]);
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (RaveLevel db = RaveLevel.open(dir)) {
      Level<String, String> docs = db.sublevel("docs");
      boolean plain = args.length > 3 && args[3].equals("over");
      try (LevelMutex<String, String> mutex = plain ? LevelMutex.over(docs)
          : LevelMutex.shared(docs)) {
        System.out.println("READY " + (db.isLeader() ? "leader" : "follower"));
        System.out.flush();
        if (!"GO".equals(in.readLine())) {
          return;
        }
        int ok = 0;
        int conflicts = 0;
        while (ok < wanted) {
          String seen = mutex.get("doc").join(); // what a user looked at before editing
          long rev = seen == null ? 0 : Long.parseLong(seen);
          try {
            mutex.get("doc", (stored, writer) -> {
              long now = stored == null ? 0 : Long.parseLong(stored);
              if (now != rev || writer.pending("doc")) {
                throw new LevelException(ErrorCode.LEVEL_CONFLICT, "revision " + rev
                    + " is out of date (" + now + " is stored)");
              }
              writer.put("doc", Long.toString(rev + 1));
              return null;
            }).join();
            ok++;
          } catch (CompletionException e) {
            if (!(e.getCause() instanceof LevelException le)
                || le.code() != ErrorCode.LEVEL_CONFLICT) {
              throw e;
            }
            conflicts++;
          }
        }
        System.out.println("DONE " + ok + " " + conflicts);
        System.out.flush();
        in.readLine(); // stay until told, so the leader outlives the followers' last writes
      }
    }
  }
}
