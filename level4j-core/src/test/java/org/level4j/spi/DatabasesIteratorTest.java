package org.level4j.spi;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.level4j.Database;
import org.level4j.Entry;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.LevelIterator;
import org.level4j.MemoryLevel;
import org.level4j.Range;
import org.level4j.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link Databases#iterator}: the core's iterator with the caller's own decoder. */
class DatabasesIteratorTest {
  private Database db;

  @BeforeEach
  void open() {
    db = MemoryLevel.open();
    for (String k : List.of("a", "b", "c", "d", "e")) {
      db.put(k, k.toUpperCase());
    }
    db.sublevel("s").put("x", "inside a sublevel");
  }

  @AfterEach
  void close() {
    db.close();
  }

  /** Records each entry as "key=value" from the slices it is given, with "-" for a half not read. */
  private static final class Record implements EntryDecoder<String> {
    final List<String> seen = new ArrayList<>();

    @Override
    public String decode(Entry<byte[], byte[]> entry) {
      byte[] k = entry.key();
      byte[] v = entry.value();
      return decode(k, 0, k == null ? -1 : k.length, v, 0, v == null ? -1 : v.length);
    }

    @Override
    public String decode(byte[] key, int keyOffset, int keyLength, byte[] value,
        int valueOffset, int valueLength) {
      String s = text(key, keyOffset, keyLength) + "=" + text(value, valueOffset, valueLength);
      seen.add(s);
      return s;
    }

    private static String text(byte[] b, int offset, int length) {
      return length < 0 ? "-" : new String(b, offset, length, UTF_8);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void yieldsWhatTheDecoderMadeOfEachStoredEntryInTheRange() {
    Record r = new Record();
    try (LevelIterator<byte[], String> it = Databases.iterator(db,
        Range.<byte[]>all().gte(b("b")).lt(b("e")), null, true, true, r)) {
      assertThat(it.nextv(10)).containsExactly("b=B", "c=C", "d=D");
      assertThat(it.nextv(10)).isEmpty();
      assertThat(it.count()).isEqualTo(3);
    }
    assertThat(r.seen).containsExactly("b=B", "c=C", "d=D");
  }

  @Test
  void storedKeysIncludeSublevelPrefixes() {
    try (LevelIterator<byte[], String> it = Databases.iterator(db,
        Range.<byte[]>all().gte(b("!")).lt(b("\"")), null, true, true, new Record())) {
      assertThat(it.all()).containsExactly("!s!x=inside a sublevel");
    }
  }

  @Test
  void reverseAndLimitAsTheDatabasesOwnIterators() {
    try (LevelIterator<byte[], String> it = Databases.iterator(db,
        Range.<byte[]>all().gte(b("a")).reverse().limit(2), null, true, true, new Record())) {
      assertThat(it.all()).containsExactly("e=E", "d=D");
    }
  }

  @Test
  void aHalfNotAskedForHasLengthMinusOne() {
    try (LevelIterator<byte[], String> keys = Databases.iterator(db,
        Range.<byte[]>all().gte(b("a")).lt(b("c")), null, true, false, new Record())) {
      assertThat(keys.all()).containsExactly("a=-", "b=-");
    }
    try (LevelIterator<byte[], String> values = Databases.iterator(db,
        Range.<byte[]>all().gte(b("a")).lt(b("c")), null, false, true, new Record())) {
      assertThat(values.all()).containsExactly("-=A", "-=B");
    }
  }

  @Test
  void aSeekOutsideTheRangeEndsItUntilTheNextSeek() {
    try (LevelIterator<byte[], String> it = Databases.iterator(db,
        Range.<byte[]>all().gte(b("b")).lte(b("d")), null, true, true, new Record())) {
      it.seek(b("e"));
      assertThat(it.nextv(10)).isEmpty();
      it.seek(b("c"));
      assertThat(it.nextv(10)).containsExactly("c=C", "d=D");
    }
  }

  @Test
  void readsAnExplicitSnapshot() {
    try (Snapshot s = db.snapshot()) {
      db.put("c", "changed");
      try (LevelIterator<byte[], String> it = Databases.iterator(db,
          Range.<byte[]>all().gte(b("c")).lte(b("c")), s, true, true, new Record())) {
        assertThat(it.all()).containsExactly("c=C");
      }
    }
  }

  @Test
  void closesWithTheDatabase() {
    LevelIterator<byte[], String> it =
        Databases.iterator(db, Range.all(), null, true, true, new Record());
    db.close();
    assertThatThrownBy(() -> it.nextv(1)).isInstanceOfSatisfying(LevelException.class,
        e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_ITERATOR_NOT_OPEN));
  }

  @Test
  void refusesANullDecoderOrRange() {
    assertThatThrownBy(() -> Databases.iterator(db, Range.all(), null, true, true, null))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
    assertThatThrownBy(() -> Databases.iterator(db, null, null, true, true, new Record()))
        .isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
  }

  @Test
  void refusesADatabaseTheCoreDidNotOpen() {
    Database foreign = (Database) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {Database.class}, (proxy, method, args) -> {
          throw new UnsupportedOperationException(method.getName());
        });
    assertThatThrownBy(() -> Databases.iterator(foreign, Range.all(), null, true, true,
        new Record())).isInstanceOfSatisfying(LevelException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.LEVEL_INVALID_ARGUMENT));
  }

  @Test
  void copiesMakesArraysOfItsOwnFromSlicesAndKeepsArraysGiven() {
    byte[] buffer = b("xkeyvalue");
    Entry<byte[], byte[]> e = EntryDecoder.copies().decode(buffer, 1, 3, buffer, 4, 5);
    buffer[1] = 'K';
    assertThat(e.key()).isEqualTo(b("key"));
    assertThat(e.value()).isEqualTo(b("value"));
    assertThat(EntryDecoder.copies().decode(buffer, 0, -1, buffer, 4, 5).key()).isNull();
    assertThat(EntryDecoder.copies().decode(buffer, 1, 3, buffer, 0, -1).value()).isNull();
    Entry<byte[], byte[]> given = new Entry<>(b("k"), b("v"));
    assertThat(EntryDecoder.copies().decode(given)).isSameAs(given);
  }
}
