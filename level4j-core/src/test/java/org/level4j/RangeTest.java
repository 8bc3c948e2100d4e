package org.level4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RangeTest {
  @Test
  void allHasNoBoundsNoLimitAndIsForward() {
    Range<String> r = Range.all();
    assertThat(r.lower()).isNull();
    assertThat(r.upper()).isNull();
    assertThat(r.limit()).isEqualTo(-1);
    assertThat(r.isReverse()).isFalse();
  }

  @Test
  void builderMethodsReturnNewRangesAndLeaveTheOriginal() {
    Range<String> base = Range.all();
    Range<String> bounded = base.gte("a").lt("b").reverse().limit(3);
    assertThat(base.lower()).isNull();
    assertThat(bounded.lower()).isEqualTo("a");
    assertThat(bounded.lowerInclusive()).isTrue();
    assertThat(bounded.upper()).isEqualTo("b");
    assertThat(bounded.upperInclusive()).isFalse();
    assertThat(bounded.isReverse()).isTrue();
    assertThat(bounded.limit()).isEqualTo(3);
  }

  @Test
  void gtAndGteReplaceEachOther() {
    assertThat(Range.<String>all().gte("a").gt("b").lowerInclusive()).isFalse();
    assertThat(Range.<String>all().gt("a").gte("b").lower()).isEqualTo("b");
    assertThat(Range.<String>all().lt("a").lte("b").upperInclusive()).isTrue();
  }

  @Test
  void negativeLimitMeansNone() {
    assertThat(Range.<String>all().limit(-5).limit()).isEqualTo(-1);
    assertThat(Range.<String>all().limit(0).limit()).isZero();
  }

  @Test
  void nullBoundIsInvalidArgument() {
    assertThatThrownBy(() -> Range.<String>all().gt(null))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
  }

  @Test
  void mapEncodesBoundsAndKeepsTheRest() {
    Range<Integer> r = Range.<String>all().gt("12").lte("345").reverse().limit(2)
        .map(String::length);
    assertThat(r.lower()).isEqualTo(2);
    assertThat(r.lowerInclusive()).isFalse();
    assertThat(r.upper()).isEqualTo(3);
    assertThat(r.upperInclusive()).isTrue();
    assertThat(r.isReverse()).isTrue();
    assertThat(r.limit()).isEqualTo(2);
  }

  @Test
  void toStringShowsBoundsAndBytesReadably() {
    assertThat(Range.<String>all().gte("a").lt("b").limit(1)).hasToString("Range[gte=a lt=b limit=1]");
    assertThat(Range.<byte[]>all().gt(new byte[] {'k', (byte) 0xff}).toString())
        .isEqualTo("Range[gt=\"k\\xff\"]");
  }

  @Test
  void prefixEndIsTheSmallestKeyAfterEveryKeyWithThePrefix() {
    assertThat(Bytes.prefixEnd("!a!".getBytes())).isEqualTo("!a\"".getBytes());
    assertThat(Bytes.prefixEnd(new byte[] {1, (byte) 0xff})).containsExactly(2);
    assertThat(Bytes.prefixEnd(new byte[] {(byte) 0xff, (byte) 0xff})).isNull();
    assertThat(Bytes.prefixEnd(new byte[0])).isNull();
  }
}
