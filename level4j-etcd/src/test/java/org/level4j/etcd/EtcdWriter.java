package org.level4j.etcd;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;
import org.level4j.RequestId;
import org.level4j.WriteOptions;

/**
 * A writer process for fault tests (run through {@code org.level4j.child.ChildMain}), writing as
 * fast as the cluster takes it until a line {@code stop} arrives on its standard input. In mode
 * {@code put} it puts {@code <name>-<n>} for n = 0, 1, 2...; in mode {@code increment} it adds 1
 * to the key {@code counter} with a conditional batch (expect the value it read, put the next)
 * that also puts {@code <name>-<n>}, reading again and retrying as a new request when another
 * writer got there first.
 *
 * <p>Prints {@code ready} once open, {@code ack <name>-<n>} after each acknowledged write and
 * {@code done <n>} at the end. A write whose answer did not come is sent again, with the same
 * request id, until it is answered, so a write that was applied although its answer was lost is
 * not applied twice (and an increment is not lost or doubled).
 *
 * <pre>{@code EtcdWriter <endpoints, comma-separated> <namespace> <name> put|increment}</pre>
 */
final class EtcdWriter {
  private EtcdWriter() {}

  public static void main(String[] args) throws Exception {
    List<String> endpoints = List.of(args[0].split(","));
    String name = args[2];
    AtomicBoolean stop = new AtomicBoolean();
    Thread input = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          if (line.equals("stop")) {
            break;
          }
        }
      } catch (java.io.IOException e) {
        // the test went away; stop
      }
      stop.set(true);
    });
    input.setDaemon(true);
    input.start();
    byte[] client = (name + "-" + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
    try (EtcdLevel db = EtcdLevel.open(endpoints, args[1], EtcdOptions.builder()
        .requestTimeout(java.time.Duration.ofSeconds(3)).build())) {
      System.out.println("ready");
      boolean increment = args.length > 3 && args[3].equals("increment");
      long request = 0;
      long n = 0;
      for (; !stop.get(); n++) {
        String key = String.format("%s-%06d", name, n);
        while (true) {
          request++;
          WriteOptions once = WriteOptions.builder()
              .request(new RequestId(client, request, request)).build();
          List<Op<String, String>> ops;
          if (increment) {
            String seen = readCounter(db);
            ops = List.of(seen == null ? Op.expectAbsent("counter") : Op.expect("counter", seen),
                Op.put("counter", Long.toString(seen == null ? 1 : Long.parseLong(seen) + 1)),
                Op.put(key, "x"));
          } else {
            ops = List.of(Op.put(key, "v" + n));
          }
          if (sendUntilAnswered(db, ops, once, key)) {
            break;
          }
        }
        System.out.println("ack " + key);
      }
      System.out.println("done " + n);
    }
    System.out.flush();
    System.exit(0); // jetcd's threads would keep the process alive a little longer
  }

  /** True once applied (now or before), false if a precondition did not hold. */
  private static boolean sendUntilAnswered(EtcdLevel db, List<Op<String, String>> ops,
      WriteOptions once, String key) throws InterruptedException {
    while (true) {
      try {
        db.batch(ops, once);
        return true;
      } catch (LevelException e) {
        if (e.code() == ErrorCode.LEVEL_CONFLICT) {
          return false;
        }
        System.out.println("retry " + key + " " + e.code());
        Thread.sleep(50);
      }
    }
  }

  private static String readCounter(EtcdLevel db) throws InterruptedException {
    while (true) {
      try {
        return db.get("counter");
      } catch (LevelException e) {
        System.out.println("retry read " + e.code());
        Thread.sleep(50);
      }
    }
  }
}
