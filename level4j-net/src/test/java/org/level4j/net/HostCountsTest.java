package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Op;

/** What a host tells operators: connections now, and requests served so far. */
class HostCountsTest {
  @Test
  void requestsServedCountsWhatGuestsAskedButNotIteratorAcknowledgements() {
    try (Database db = MemoryLevel.open(); Host host = Host.of(db)) {
      Connection.Pipe pipe = Connection.pipe();
      host.serve(pipe.host());
      try (Guest guest = Guest.connect(pipe::guest)) {
        assertThat(host.connections()).isEqualTo(1);
        guest.put("a", "1");                                   // 1
        guest.get("a");                                        // 2
        guest.batch(List.of(Op.put("b", "2"), Op.del("a")));   // 3
        for (int i = 0; i < 100; i++) {
          guest.put("k" + i, "v");                             // 4..103
        }
        try (LevelIterator<String, Entry<String, String>> it = guest.iterator()) {
          assertThat(it.all()).hasSize(101);                   // open, close: 104, 105
        }
        guest.get("b");                                        // 106: after the close
        // The guest's probe on connecting (see Wire) is not counted.
        assertThat(host.requestsServed()).isEqualTo(106);
      }
    }
  }
}
