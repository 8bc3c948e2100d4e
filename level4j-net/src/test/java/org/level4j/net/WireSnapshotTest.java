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
    Wire.Out o = new Wire.Out(16);
    Wire.snapshot(o, 7, 0xFFFF_FFFE);
    assertThat(WireTest.request(o)).isEqualTo(new Wire.TakeSnapshot(7, 0xFFFF_FFFE));
    o.clear();
    Wire.snapshotRelease(o, 3);
    assertThat(WireTest.request(o)).isEqualTo(new Wire.ReleaseSnapshot(3));
  }

  @Test
  void readsCarryTheSnapshotTheyNameAndNoneByDefault() {
    Wire.Out o = new Wire.Out(16);
    Wire.get(o, 1, b("k"), 9);
    assertThat(((Wire.Get) WireTest.request(o)).snapshot()).isEqualTo(9);
    o.clear();
    Wire.get(o, 1, b("k"));
    assertThat(((Wire.Get) WireTest.request(o)).snapshot()).isZero();
    o.clear();
    Wire.getMany(o, 2, List.of(b("a"), b("b")), 10);
    Wire.GetMany many = (Wire.GetMany) WireTest.request(o);
    assertThat(many.snapshot()).isEqualTo(10);
    assertThat(many.keys()).hasSize(2);
    o.clear();
    Wire.iterator(o, 3, 1, Range.all(), true, false, 0, null, null, 11);
    assertThat(((Wire.Iterator) WireTest.request(o)).snapshot()).isEqualTo(11);
    o.clear();
    Wire.iterator(o, 3, 1, Range.all(), true, false, 0, null, null);
    assertThat(((Wire.Iterator) WireTest.request(o)).snapshot()).isZero();
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
