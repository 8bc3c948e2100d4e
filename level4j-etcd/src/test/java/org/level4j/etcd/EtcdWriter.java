package org.level4j.etcd;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.level4j.LevelException;
import org.level4j.RequestId;
import org.level4j.WriteOptions;

/**
 * A writer process for fault tests (run through {@code org.level4j.child.ChildMain}): puts
 * {@code <name>-<seq>} for seq = 0, 1, 2... to the namespace, as fast as the cluster takes them,
 * until a line {@code stop} arrives on its standard input.
 *
 * <p>Prints {@code ready} once open, {@code ack <key>} after each acknowledged write and {@code
 * done <n>} at the end. A write that fails is sent again until acknowledged, with the same
 * request id, so a write that was applied although its answer was lost is not applied twice.
 *
 * <pre>{@code EtcdWriter <endpoints, comma-separated> <namespace> <name>}</pre>
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
      long seq = 0;
      for (; !stop.get(); seq++) {
        String key = String.format("%s-%06d", name, seq);
        WriteOptions once = WriteOptions.DEFAULT.withRequest(new RequestId(client, seq, seq));
        while (true) {
          try {
            db.put(key, "v" + seq, once);
            break;
          } catch (LevelException e) {
            System.out.println("retry " + key + " " + e.code());
            Thread.sleep(50);
          }
        }
        System.out.println("ack " + key);
      }
      System.out.println("done " + seq);
    }
    System.out.flush();
    System.exit(0); // jetcd's threads would keep the process alive a little longer
  }
}
