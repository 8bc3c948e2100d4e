package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Op;

/**
 * Puts and dels that arrive in one read are applied as one write: in order, before the requests
 * that follow them, each answered on its own, a refused one without harm to the others.
 */
class HostWritesTogetherTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesOfOneReadAreOneWriteInOrderAndEachIsAnswered() throws Exception {
    try (Database db = MemoryLevel.open()) {
      List<List<Op<String, String>>> writes = new CopyOnWriteArrayList<>();
      db.onWrite(writes::add);
      HostOptions refuseBad = HostOptions.builder().preput((k, v) -> {
        if (new String(k, StandardCharsets.UTF_8).equals("bad")) {
          throw new LevelException(ErrorCode.LEVEL_HOOK_ERROR, "no bad keys");
        }
      }).build();
      Path socket = dir.resolve("db.sock");
      try (Host host = Host.of(db, refuseBad).listen(Listener.unix(socket));
          RawPeer raw = new RawPeer(socket)) {
        Protobuf.Out frames = new Protobuf.Out(256);
        GuestMessage.put(frames, 1, b("a"), b("1"));
        GuestMessage.put(frames, 2, b("bad"), b("x"));
        GuestMessage.delete(frames, 3, b("a"));
        GuestMessage.put(frames, 4, b("b"), b("2"));
        GuestMessage.get(frames, 5, b("a"), 0); // must see the del before it
        GuestMessage.put(frames, 6, b("c"), b("3"));
        raw.send(frames); // one write: the host reads it at once

        Map<Integer, HostMessage.Callback> answers = new TreeMap<>();
        while (answers.size() < 6) {
          HostMessage r = raw.response(WAIT);
          assertThat(r).as("answers so far: %s", answers.keySet()).isNotNull();
          HostMessage.Callback c = (HostMessage.Callback) r;
          answers.put(c.id(), c);
        }
        assertThat(answers.get(2).error().code()).isEqualTo(ErrorCode.LEVEL_HOOK_ERROR);
        for (int id : List.of(1, 3, 4, 6)) {
          assertThat(answers.get(id).error()).as("answer %d", id).isNull();
        }
        assertThat(answers.get(5).value()).isNull(); // not found: "a" was deleted first
      }
      assertThat(db.get("a")).isNull();
      assertThat(db.get("bad")).isNull();
      assertThat(db.get("b")).isEqualTo("2");
      assertThat(db.get("c")).isEqualTo("3");
      // Op has no equals: compared as text.
      assertThat(writes).hasToString("[[put(a, 1), del(a), put(b, 2)], [put(c, 3)]]");
    }
  }
}
