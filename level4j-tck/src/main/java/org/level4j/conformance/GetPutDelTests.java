package org.level4j.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.level4j.ErrorCode.LEVEL_INVALID_ARGUMENT;
import static org.level4j.ErrorCode.LEVEL_INVALID_KEY;
import static org.level4j.ErrorCode.LEVEL_INVALID_VALUE;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.DynamicContainer;
import org.level4j.Level;
import org.level4j.WriteOptions;

/** get, getMany, has, hasMany, put, del and the rules on keys and values. */
final class GetPutDelTests {
  private GetPutDelTests() {}

  static DynamicContainer all(LevelFactory factory) {
    Feature f = new Feature("get, put, del, has", factory);

    f.test("getOfAbsentKeyIsNull", db -> assertThat(db.get("absent")).isNull());
    f.test("putThenGetReturnsTheValue", db -> {
      db.put("k", "v");
      assertThat(db.get("k")).isEqualTo("v");
    });
    f.test("putOverwritesThePreviousValue", db -> {
      db.put("k", "one");
      db.put("k", "two");
      assertThat(db.get("k")).isEqualTo("two");
      assertThat(Expect.keys(db)).containsExactly("k");
    });
    f.test("delRemovesTheKey", db -> {
      db.put("k", "v");
      db.del("k");
      assertThat(db.get("k")).isNull();
      assertThat(db.has("k")).isFalse();
    });
    f.test("delOfAbsentKeyIsNotAnError", db -> {
      db.del("absent");
      assertThat(db.get("absent")).isNull();
    });
    f.test("delLeavesOtherKeysAlone", db -> {
      Expect.fill(db, "a", "b", "c");
      db.del("b");
      assertThat(Expect.keys(db)).containsExactly("a", "c");
    });
    f.test("putAfterDelWritesAgain", db -> {
      db.put("k", "1");
      db.del("k");
      db.put("k", "2");
      assertThat(db.get("k")).isEqualTo("2");
    });
    f.test("hasIsTrueOnlyForPresentKeys", db -> {
      db.put("here", "1");
      assertThat(db.has("here")).isTrue();
      assertThat(db.has("gone")).isFalse();
    });
    f.test("hasManyAnswersEachKeyInRequestOrder", db -> {
      Expect.fill(db, "a", "c");
      assertThat(db.hasMany(List.of("c", "b", "a", "c"))).containsExactly(true, false, true, true);
    });
    f.test("hasManyOfEmptyListIsEmpty", db -> assertThat(db.hasMany(List.of())).isEmpty());
    f.test("getManyReturnsValuesInRequestOrderWithNullForAbsent", db -> {
      Expect.fill(db, "a", "b");
      assertThat(db.getMany(List.of("b", "x", "a"))).containsExactly("vb", null, "va");
    });
    f.test("getManyOfEmptyListIsEmpty", db -> assertThat(db.getMany(List.of())).isEmpty());
    f.test("getManyWithRepeatedKeysRepeatsValues", db -> {
      db.put("k", "v");
      assertThat(db.getMany(List.of("k", "k", "k"))).containsExactly("v", "v", "v");
    });
    f.test("getManyOfManyKeysKeepsTheirOrder", db -> {
      List<String> keys = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < 500; i++) {
        String k = String.format("k%04d", 499 - i);
        keys.add(k);
        if (i % 3 != 0) {
          db.put(k, "v" + i);
          expected.add("v" + i);
        } else {
          expected.add(null);
        }
      }
      assertThat(db.getMany(keys)).containsExactlyElementsOf(expected);
    });

    f.test("emptyKeyRoundTrips", db -> {
      db.put("", "empty key");
      assertThat(db.get("")).isEqualTo("empty key");
      assertThat(db.has("")).isTrue();
      db.put("a", "1");
      assertThat(Expect.keys(db)).containsExactly("", "a");
      db.del("");
      assertThat(db.has("")).isFalse();
    });
    f.test("emptyValueRoundTripsAndIsPresent", db -> {
      db.put("k", "");
      assertThat(db.get("k")).isNotNull().isEmpty();
      assertThat(db.has("k")).isTrue();
      assertThat(db.getMany(List.of("k"))).containsExactly("");
      assertThat(Expect.entries(db)).containsExactly("k=");
    });
    f.test("emptyKeyWithEmptyValueRoundTrips", db -> {
      db.put("", "");
      assertThat(db.get("")).isEqualTo("");
      assertThat(db.hasMany(List.of("", "x"))).containsExactly(true, false);
    });
    f.test("emptyBytesKeyAndValueRoundTrip", db -> {
      Level<byte[], byte[]> raw = db.bytes();
      raw.put(new byte[0], new byte[0]);
      assertThat(raw.get(new byte[0])).isEmpty();
      assertThat(raw.has(new byte[0])).isTrue();
    });

    f.test("getWithNullKeyIsInvalidKey", db -> Expect.code(LEVEL_INVALID_KEY, () -> db.get(null)));
    f.test("putWithNullKeyIsInvalidKey",
        db -> Expect.code(LEVEL_INVALID_KEY, () -> db.put(null, "v")));
    f.test("putWithNullValueIsInvalidValueAndWritesNothing", db -> {
      Expect.code(LEVEL_INVALID_VALUE, () -> db.put("k", null));
      assertThat(db.has("k")).isFalse();
    });
    f.test("putWithNullKeyAndValueIsInvalidKey",
        db -> Expect.code(LEVEL_INVALID_KEY, () -> db.put(null, null)));
    f.test("delWithNullKeyIsInvalidKey", db -> Expect.code(LEVEL_INVALID_KEY, () -> db.del(null)));
    f.test("hasWithNullKeyIsInvalidKey", db -> Expect.code(LEVEL_INVALID_KEY, () -> db.has(null)));
    f.test("getManyWithANullKeyIsInvalidKey",
        db -> Expect.code(LEVEL_INVALID_KEY, () -> db.getMany(Arrays.asList("a", null))));
    f.test("hasManyWithANullKeyIsInvalidKey",
        db -> Expect.code(LEVEL_INVALID_KEY, () -> db.hasMany(Arrays.asList(null, "a"))));
    f.test("getManyOfNullListIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.getMany(null)));
    f.test("hasManyOfNullListIsInvalidArgument",
        db -> Expect.code(LEVEL_INVALID_ARGUMENT, () -> db.hasMany(null)));

    f.test("largeValueRoundTrips", db -> {
      String big = "x".repeat(1 << 20) + "end";
      db.put("big", big);
      assertThat(db.get("big")).isEqualTo(big);
    });
    f.test("longKeyRoundTrips", db -> {
      String key = "k".repeat(4096);
      db.put(key, "v");
      assertThat(db.get(key)).isEqualTo("v");
      assertThat(Expect.keys(db)).containsExactly(key);
    });
    f.test("keysDifferingOnlyInCaseAreDistinct", db -> {
      db.put("key", "lower");
      db.put("KEY", "upper");
      assertThat(db.get("key")).isEqualTo("lower");
      assertThat(db.get("KEY")).isEqualTo("upper");
    });
    f.test("keyThatIsAPrefixOfAnotherIsDistinct", db -> {
      db.put("ab", "1");
      db.put("abc", "2");
      db.del("ab");
      assertThat(db.get("abc")).isEqualTo("2");
      assertThat(db.get("ab")).isNull();
    });
    f.test("putWithSyncOptionIsWritten", db -> {
      db.put("k", "v", WriteOptions.SYNC);
      assertThat(db.get("k")).isEqualTo("v");
    });
    f.test("delWithSyncOptionDeletes", db -> {
      db.put("k", "v");
      db.del("k", WriteOptions.SYNC);
      assertThat(db.has("k")).isFalse();
    });
    f.test("putWithNullOptionsUsesTheDefault", db -> {
      db.put("k", "v", null);
      assertThat(db.get("k")).isEqualTo("v");
    });
    f.test("thousandPutsAreAllReadable", db -> {
      for (int i = 0; i < 1000; i++) {
        db.put("key" + i, "value" + i);
      }
      for (int i = 0; i < 1000; i += 7) {
        assertThat(db.get("key" + i)).isEqualTo("value" + i);
      }
      assertThat(Expect.keys(db)).hasSize(1000);
    });

    // Stored bytes belong to the database: an engine that keeps references to callers' arrays
    // would let a caller change stored data (or break the key order) behind its back.
    f.test("changingAValueArrayAfterPutDoesNotChangeTheStoredValue", db -> {
      byte[] value = {1, 2, 3};
      db.bytes().put(new byte[] {'k'}, value);
      value[0] = 9;
      assertThat(db.bytes().get(new byte[] {'k'})).containsExactly(1, 2, 3);
    });
    f.test("changingAKeyArrayAfterPutDoesNotMoveTheEntry", db -> {
      byte[] key = {'b'};
      db.bytes().put(key, new byte[] {1});
      key[0] = 'z';
      db.bytes().put(new byte[] {'c'}, new byte[] {2});
      assertThat(db.bytes().get(new byte[] {'b'})).containsExactly(1);
      assertThat(db.bytes().get(new byte[] {'z'})).isNull();
      assertThat(Expect.keys(db)).containsExactly("b", "c");
    });
    f.test("changingAnArrayReturnedByGetDoesNotChangeTheStoredValue", db -> {
      db.bytes().put(new byte[] {'k'}, new byte[] {1, 2});
      byte[] read = db.bytes().get(new byte[] {'k'});
      read[0] = 7;
      assertThat(db.bytes().get(new byte[] {'k'})).containsExactly(1, 2);
    });
    f.test("changingArraysReturnedByAnIteratorDoesNotChangeStoredData", db -> {
      db.bytes().put(new byte[] {'k'}, new byte[] {1});
      for (org.level4j.Entry<byte[], byte[]> e : db.bytes().iterator().all()) {
        e.key()[0] = 'z';
        e.value()[0] = 9;
      }
      assertThat(db.bytes().get(new byte[] {'k'})).containsExactly(1);
      assertThat(Expect.keys(db)).containsExactly("k");
    });
    return f.build();
  }
}
