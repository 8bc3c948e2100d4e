package org.level4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.level4j.Range;

/** The Snapshot extension's messages, and the snapshot field of Get, GetMany and Iterator. */
class WireSnapshotTest {
  @Test
  void snapshotAndReleaseRoundTripWithTheGuestsNumber() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.snapshot(o, 7, 0xFFFF_FFFE);
    assertThat(WireTest.request(o)).isEqualTo(new GuestMessage.TakeSnapshot(7, 0xFFFF_FFFE));
    o.clear();
    GuestMessage.snapshotRelease(o, 3);
    assertThat(WireTest.request(o)).isEqualTo(new GuestMessage.ReleaseSnapshot(3));
  }

  @Test
  void readsCarryTheSnapshotTheyNameAndNoneByDefault() {
    Protobuf.Out o = new Protobuf.Out(16);
    GuestMessage.get(o, 1, b("k"), 9);
    assertThat(((GuestMessage.Get) WireTest.request(o)).snapshot()).isEqualTo(9);
    o.clear();
    GuestMessage.get(o, 1, b("k"), 0);
    assertThat(((GuestMessage.Get) WireTest.request(o)).snapshot()).isZero();
    o.clear();
    GuestMessage.getMany(o, 2, List.of(b("a"), b("b")), 10);
    GuestMessage.GetMany many = (GuestMessage.GetMany) WireTest.request(o);
    assertThat(many.snapshot()).isEqualTo(10);
    assertThat(many.keys()).hasSize(2);
    o.clear();
    GuestMessage.iterator(o, 3, 1, Range.all(), true, false, 0, null, null, 11);
    assertThat(((GuestMessage.Iterator) WireTest.request(o)).snapshot()).isEqualTo(11);
    o.clear();
    GuestMessage.iterator(o, 3, 1, Range.all(), true, false, 0, null, null, 0);
    assertThat(((GuestMessage.Iterator) WireTest.request(o)).snapshot()).isZero();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
