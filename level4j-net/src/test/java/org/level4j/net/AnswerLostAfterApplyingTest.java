package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.level4j.Database;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.RequestId;
import org.level4j.WriteOptions;

/**
 * Exactly-once at its one hard moment, made to happen every time: the host cuts the connection
 * after it applied a batch and before it answered (a write listener, which runs between the two
 * on the connection's thread, cuts it). The guest reconnects and re-sends the batch with its
 * request id, and the host must answer it from its request record: without applying it again,
 * and without checking its preconditions again (they held, and no longer do).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AnswerLostAfterApplyingTest {
  @TempDir
  Path dir;

  @Test
  void aResentBatchWhoseAnswerWasLostIsAnsweredFromTheRequestRecord() throws Exception {
    try (Database db = MemoryLevel.open()) {
      CuttableListener listener = new CuttableListener(Listener.unix(dir.resolve("db.sock")));
      AtomicInteger applied = cutAfterApplying(db, listener, "once");
      try (Host host = Host.of(db).listen(listener);
          Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")),
              GuestOptions.builder().retry(true).build())) {
        RequestId id = new RequestId("fault-point".getBytes(StandardCharsets.UTF_8), 1, 0);
        boolean appliedByThisSend = guest.async().batchOnce(
            List.of(Op.put("once", "1"), Op.put("other", "1")),
            WriteOptions.builder().request(id).build()).get(30, TimeUnit.SECONDS);
        assertThat(listener.accepted).as("connections: the first, cut, and the reconnection")
            .hasSize(2);
        assertThat(appliedByThisSend).as("the answer the guest got is the re-send's: 'applied "
            + "before', from the request record").isFalse();
        assertThat(applied.get()).as("times the host applied the batch").isEqualTo(1);
        assertThat(db.get("once")).isEqualTo("1");
      }
    }
  }

  @Test
  void aResentConditionalBatchWhoseAnswerWasLostIsNotAConflictWithItself() throws Exception {
    try (Database db = MemoryLevel.open()) {
      db.put("counter", "0");
      CuttableListener listener = new CuttableListener(Listener.unix(dir.resolve("db.sock")));
      AtomicInteger applied = cutAfterApplying(db, listener, "counter");
      try (Host host = Host.of(db).listen(listener);
          Guest guest = Guest.connect(Connector.unix(dir.resolve("db.sock")),
              GuestOptions.builder().retry(true).build())) {
        assertThat(guest.supports().exactlyOnce()).isTrue();
        // The guest's own request id; its precondition no longer holds when it is re-sent.
        guest.batch(List.of(Op.expect("counter", "0"), Op.put("counter", "1")));
        assertThat(listener.accepted).hasSize(2);
        assertThat(applied.get()).isEqualTo(1);
        assertThat(db.get("counter")).isEqualTo("1");
      }
    }
  }

  /**
   * Counts the writes of {@code key} the database applies, and cuts every connection the host
   * accepted after the first one is applied, before the host answers it.
   */
  private static AtomicInteger cutAfterApplying(Database db, CuttableListener listener,
      String key) {
    AtomicInteger applied = new AtomicInteger();
    db.onWrite(ops -> {
      for (Op<String, String> op : ops) {
        if (op.key().equals(key) && op.type() == Op.Type.PUT && !"0".equals(op.value())
            && applied.incrementAndGet() == 1) {
          listener.cutAll();
        }
      }
    });
    return applied;
  }
}
