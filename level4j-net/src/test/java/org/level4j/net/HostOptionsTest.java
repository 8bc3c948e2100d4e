package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.level4j.Database;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.MemoryLevel;
import org.level4j.Op;
import org.level4j.Range;

class HostOptionsTest {
  private final Database db = MemoryLevel.open();
  private Host host;
  private Guest guest;

  private Guest guest(HostOptions options) {
    host = Host.of(db, options);
    Connection.Pipe pipe = Connection.pipe();
    host.serve(pipe.host());
    guest = Guest.connect(pipe::guest);
    return guest;
  }

  @AfterEach
  void stop() {
    guest.close();
    host.close();
    db.close();
  }

  private static ErrorCode codeOf(Runnable r) {
    try {
      r.run();
    } catch (LevelException e) {
      return e.code();
    }
    throw new AssertionError("expected a LevelException");
  }

  @Test
  void readOnlyHostAnswersEveryWriteWithReadOnlyAndStillReads() {
    db.put("a", "1");
    Guest g = guest(HostOptions.builder().readOnly(true).build());
    assertThat(codeOf(() -> g.put("b", "2"))).isEqualTo(ErrorCode.LEVEL_READONLY);
    assertThat(codeOf(() -> g.del("a"))).isEqualTo(ErrorCode.LEVEL_READONLY);
    assertThat(codeOf(() -> g.batch(List.of(Op.put("c", "3"), Op.del("a")))))
        .isEqualTo(ErrorCode.LEVEL_READONLY);
    assertThat(codeOf(() -> g.clear())).isEqualTo(ErrorCode.LEVEL_READONLY);
    assertThat(g.get("a")).isEqualTo("1");
    assertThat(g.keys(Range.all()).all()).containsExactly("a");
  }

  @Test
  void hooksThatThrowRejectTheWriteWithTheirMessage() {
    Guest g = guest(HostOptions.builder()
        .preput((k, v) -> {
          if (new String(k, StandardCharsets.UTF_8).startsWith("secret")) {
            throw new IllegalArgumentException("secret keys are not writable");
          }
        })
        .predel(k -> {
          throw new LevelException(ErrorCode.LEVEL_INVALID_KEY, "nothing may be deleted");
        })
        .prebatch(ops -> {
          if (ops.size() > 2) {
            throw new IllegalStateException("batches hold at most 2 operations here");
          }
        })
        .build());
    g.put("open", "1");
    assertThatThrownBy(() -> g.put("secret/1", "x")).isInstanceOf(LevelException.class)
        .hasMessageContaining("secret keys are not writable")
        .extracting(e -> ((LevelException) e).code()).isEqualTo(ErrorCode.LEVEL_HOOK_ERROR);
    assertThat(codeOf(() -> g.del("open"))).isEqualTo(ErrorCode.LEVEL_INVALID_KEY);
    assertThat(codeOf(() -> g.batch(List.of(Op.put("x", "1"), Op.put("y", "1"), Op.put("z", "1")))))
        .isEqualTo(ErrorCode.LEVEL_HOOK_ERROR);
    g.batch(List.of(Op.put("x", "1"), Op.put("y", "1")));
    assertThat(db.keys(Range.all()).all()).containsExactly("open", "x", "y");
  }

  @Test
  void errorsOfTheDatabaseTravelAsTheirCode() {
    Guest g = guest(HostOptions.defaults());
    db.prewrite((op, batch) -> {
      throw new LevelException(ErrorCode.LEVEL_CONFLICT, "no writes today");
    });
    assertThatThrownBy(() -> g.put("a", "1")).isInstanceOf(LevelException.class)
        .hasMessageContaining("no writes today")
        .extracting(e -> ((LevelException) e).code()).isEqualTo(ErrorCode.LEVEL_CONFLICT);
  }

  @Test
  void aDatabaseThatRefusesAnIteratorFailsOnlyThatIterator() {
    Guest g = guest(HostOptions.defaults());
    g.put("a", "1");
    db.close();
    assertThat(codeOf(() -> g.keys(Range.all()).all())).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
    assertThat(codeOf(() -> g.get("a"))).isEqualTo(ErrorCode.LEVEL_DATABASE_NOT_OPEN);
    assertThat(g.isConnected()).isTrue();
    db.open();
    assertThat(g.get("a")).isEqualTo("1");
  }

  @Test
  void closingTheHostEndsItsConnections() {
    Guest g = guest(HostOptions.defaults());
    g.put("a", "1");
    host.close();
    assertThat(codeOf(() -> {
      for (int i = 0; i < 1000; i++) {
        g.get("a");
      }
    })).isEqualTo(ErrorCode.LEVEL_CONNECTION_LOST);
  }
}
