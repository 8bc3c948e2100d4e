package org.level4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodecsTest {
  @Test
  void utf8RoundTripsAsciiAndNonAscii() {
    for (String s : new String[] {"", "plain", "héllo", "日本語", "😀", "\u0000"}) {
      assertThat(Codecs.UTF8.decode(Codecs.UTF8.encode(s))).isEqualTo(s);
    }
  }

  @Test
  void utf8RejectsInvalidBytesInsteadOfReplacingThem() {
    assertThatThrownBy(() -> Codecs.UTF8.decode(new byte[] {(byte) 0xff}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Codecs.UTF8.decode(new byte[] {'a', (byte) 0xc3}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyCodecDecodesASliceAsTheSameBytesAlone() {
    byte[] slice = {'x', '0', '0', 'f', 'f', 'x'};
    assertThat(Codecs.UTF8.decode(slice, 1, 4)).isEqualTo("00ff");
    assertThat(Codecs.HEX.decode(slice, 1, 2)).isEqualTo("3030");
    assertThat(Codecs.BYTES.decode(slice, 1, 2)).containsExactly('0', '0');
    assertThat(Codecs.BASE64.decode(slice, 0, 3)).isEqualTo(Codecs.BASE64.decode(
        new byte[] {'x', '0', '0'}));
    byte[] json = "x[1,\"a\"]x".getBytes(StandardCharsets.UTF_8);
    assertThat(Codecs.JSON.decode(json, 1, json.length - 2)).isEqualTo(List.of(1, "a"));
    assertThatThrownBy(() -> Codecs.UTF8.decode(new byte[] {'a', (byte) 0xff, 'b'}, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Codecs.UTF8.decode(new byte[] {(byte) 0xff, 'a', (byte) 0xff}, 1, 1))
        .isEqualTo("a");
  }

  @Test
  void utf8EncodesLoneSurrogatesAsQuestionMarkLikeTheJdk() {
    // Documented here so that a change of behaviour is noticed: Java's encoder replaces them.
    assertThat(Codecs.UTF8.encode("\ud800")).isEqualTo("?".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bytesCodecIsTheIdentity() {
    byte[] b = {0, (byte) 0xff};
    assertThat(Codecs.BYTES.encode(b)).isSameAs(b);
    assertThat(Codecs.BYTES.decode(b)).isSameAs(b);
  }

  @Test
  void hexAndBase64RoundTrip() {
    assertThat(Codecs.HEX.encode("00ff7f")).containsExactly(0x00, 0xff, 0x7f);
    assertThat(Codecs.HEX.decode(new byte[] {(byte) 0xab, 0x01})).isEqualTo("ab01");
    assertThat(Codecs.BASE64.encode("AP8=")).containsExactly(0x00, 0xff);
    assertThat(Codecs.BASE64.decode(new byte[] {0x00, (byte) 0xff})).isEqualTo("AP8=");
  }

  @Test
  void sortableLongByteOrderIsNumericOrder() {
    long seed = Long.getLong("level4j.seed", 7L);
    System.out.println("sortableLongByteOrderIsNumericOrder: seed " + seed);
    Random random = new Random(seed);
    List<Long> values = new ArrayList<>(List.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE));
    for (int i = 0; i < 500; i++) {
      values.add(random.nextLong());
    }
    for (int i = 0; i < values.size() - 1; i++) {
      long a = values.get(i);
      long b = values.get(i + 1);
      int bytes = Integer.signum(
          Arrays.compareUnsigned(Codecs.SORTABLE_LONG.encode(a), Codecs.SORTABLE_LONG.encode(b)));
      assertThat(bytes).as("%s vs %s (seed %s)", a, b, seed).isEqualTo(Long.signum(Long.compare(a, b)));
      assertThat(Codecs.SORTABLE_LONG.decode(Codecs.SORTABLE_LONG.encode(a))).isEqualTo(a);
    }
  }

  @Test
  void sortableLongRejectsWrongLength() {
    assertThatThrownBy(() -> Codecs.SORTABLE_LONG.decode(new byte[7]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void jsonRejectsTextOfAnotherShape() {
    Codec<List<String>> lists = Codecs.json(new com.fasterxml.jackson.core.type.TypeReference<>() {});
    assertThat(lists.decode("[\"a\"]".getBytes(StandardCharsets.UTF_8))).containsExactly("a");
    assertThatThrownBy(() -> lists.decode("{\"a\":1}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void codecsHaveTheNamesAbstractLevelUsersKnow() {
    assertThat(Codecs.UTF8.name()).isEqualTo("utf8");
    assertThat(Codecs.JSON.name()).isEqualTo("json");
    assertThat(Codecs.HEX.name()).isEqualTo("hex");
    assertThat(Codecs.BASE64.name()).isEqualTo("base64");
  }
}
