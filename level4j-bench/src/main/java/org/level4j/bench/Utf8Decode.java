package org.level4j.bench;

import java.nio.charset.StandardCharsets;
import org.level4j.Codecs;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * Decoding a 100-byte ASCII value to a String: level4j's strict UTF-8 codec against the JDK's
 * lenient decoder (what a raw rocksdbjni user writes), and a strict variant built on the JDK's
 * decoder (a replacement character in its output means the input was not valid UTF-8, or held
 * U+FFFD itself; only then is the input decoded again strictly).
 */
public class Utf8Decode extends NanoBench {
  private final byte[] value = RocksVsRaw.bytes(RocksVsRaw.VALUES[7]);

  @Benchmark
  public String level4jCodec() {
    return Codecs.UTF8.decode(value);
  }

  @Benchmark
  public String jdkLenient() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Benchmark
  public String jdkThenCheck() {
    String s = new String(value, StandardCharsets.UTF_8);
    return s.indexOf('\uFFFD') < 0 ? s : Codecs.UTF8.decode(value);
  }
}
