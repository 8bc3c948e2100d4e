package org.level4j;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The built-in codecs: the encodings abstract-level users know ({@code utf8}, {@code buffer},
 * {@code json}, {@code hex}, {@code base64}) and an order-preserving {@code long}.
 */
public final class Codecs {
  private Codecs() {}

  /** Strings as UTF-8 bytes (the default). Invalid UTF-8 fails to decode instead of mangling. */
  public static final Codec<String> UTF8 = new Codec<>() {
    @Override
    public String name() {
      return "utf8";
    }

    @Override
    public byte[] encode(String value) {
      return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
      // The JDK's decoder is the fast path; it replaces bad input with U+FFFD, so only a result
      // containing one (rare: bad bytes, or a real U+FFFD) is decoded again, strictly.
      String s = new String(bytes, StandardCharsets.UTF_8);
      return s.indexOf('\uFFFD') < 0 ? s : strictUtf8(bytes);
    }

    @Override
    public String decode(byte[] bytes, int offset, int length) {
      String s = new String(bytes, offset, length, StandardCharsets.UTF_8);
      return s.indexOf('\uFFFD') < 0 ? s
          : strictUtf8(Arrays.copyOfRange(bytes, offset, offset + length));
    }
  };

  /** Raw bytes, unchanged (abstract-level's {@code buffer} / {@code view}). */
  public static final Codec<byte[]> BYTES = new Codec<>() {
    @Override
    public String name() {
      return "bytes";
    }

    @Override
    public byte[] encode(byte[] value) {
      return value;
    }

    @Override
    public byte[] decode(byte[] bytes) {
      return bytes;
    }
  };

  /** A hex string such as {@code "00ff"} stands for the bytes it spells. */
  public static final Codec<String> HEX = new Codec<>() {
    @Override
    public String name() {
      return "hex";
    }

    @Override
    public byte[] encode(String value) {
      return HexFormat.of().parseHex(value);
    }

    @Override
    public String decode(byte[] bytes) {
      return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String decode(byte[] bytes, int offset, int length) {
      return HexFormat.of().formatHex(bytes, offset, offset + length);
    }
  };

  /** A base64 string stands for the bytes it encodes. */
  public static final Codec<String> BASE64 = new Codec<>() {
    @Override
    public String name() {
      return "base64";
    }

    @Override
    public byte[] encode(String value) {
      return Base64.getDecoder().decode(value);
    }

    @Override
    public String decode(byte[] bytes) {
      return Base64.getEncoder().encodeToString(bytes);
    }
  };

  /**
   * A {@code long} as 8 big-endian bytes with the sign bit flipped, so that byte order is numeric
   * order: -1 sorts before 0, 9 before 10.
   */
  public static final Codec<Long> SORTABLE_LONG = new Codec<>() {
    @Override
    public String name() {
      return "sortable-long";
    }

    @Override
    public byte[] encode(Long value) {
      long v = value ^ Long.MIN_VALUE;
      byte[] b = new byte[8];
      for (int i = 7; i >= 0; i--) {
        b[i] = (byte) v;
        v >>>= 8;
      }
      return b;
    }

    @Override
    public Long decode(byte[] bytes) {
      if (bytes.length != 8) {
        throw new IllegalArgumentException("a sortable long is 8 bytes, got " + bytes.length);
      }
      long v = 0;
      for (byte b : bytes) {
        v = (v << 8) | (b & 0xff);
      }
      return v ^ Long.MIN_VALUE;
    }
  };

  /**
   * Jackson's mapper, made on first use of a JSON codec: building it takes a good part of a
   * short-lived process's start, which programs that never use JSON should not pay. Only this
   * class and the methods that take Jackson's types name them: Jackson is an optional
   * dependency, and the other codecs work without it.
   */
  private static final class Jackson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    static <T> Codec<T> codec(Object type) {
      JavaType t = type instanceof Class<?>
          ? MAPPER.constructType((Class<?>) type)
          : MAPPER.constructType((TypeReference<?>) type);
      return json(MAPPER, t);
    }
  }

  /** Any JSON value (maps, lists, strings, numbers, booleans) as UTF-8 JSON text. */
  public static final Codec<Object> JSON = json(Object.class);

  /**
   * Values of {@code type} as UTF-8 JSON text, through Jackson (which must be on the class
   * path: level4j-core declares it optional; without it the codec fails with {@link
   * ErrorCode#LEVEL_NOT_SUPPORTED} when first used).
   *
   * @param <T> the value type
   * @param type the class values are read as
   * @return a codec for {@code type}
   */
  public static <T> Codec<T> json(Class<T> type) {
    return lazyJson(type);
  }

  /**
   * Values of a generic type, such as {@code new TypeReference<List<String>>() {}}.
   *
   * @param <T> the value type
   * @param type the type values are read as
   * @return a codec for {@code type}
   */
  public static <T> Codec<T> json(TypeReference<T> type) {
    return lazyJson(type);
  }

  /** {@code type}: a Class or a TypeReference, kept as an Object so no Jackson type is named. */
  private static <T> Codec<T> lazyJson(Object type) {
    return new Codec<>() {
      private volatile Codec<T> codec;

      private Codec<T> codec() {
        Codec<T> c = codec;
        if (c == null) {
          try {
            c = Jackson.codec(type);
          } catch (LinkageError e) {
            throw new LevelException(ErrorCode.LEVEL_NOT_SUPPORTED, "JSON codecs need Jackson: "
                + "add com.fasterxml.jackson.core:jackson-databind to your dependencies "
                + "(level4j-core declares it optional)", e);
          }
          codec = c;
        }
        return c;
      }

      @Override
      public String name() {
        return "json";
      }

      @Override
      public byte[] encode(T value) {
        return codec().encode(value);
      }

      @Override
      public T decode(byte[] bytes) {
        return codec().decode(bytes);
      }

      @Override
      public T decode(byte[] bytes, int offset, int length) {
        return codec().decode(bytes, offset, length);
      }
    };
  }

  /**
   * JSON through your own configured {@link ObjectMapper}.
   *
   * @param <T> the value type
   * @param mapper writes and reads the JSON
   * @param type the type values are read as
   * @return a codec for {@code type}
   */
  public static <T> Codec<T> json(ObjectMapper mapper, JavaType type) {
    return new Codec<>() {
      @Override
      public String name() {
        return "json";
      }

      @Override
      public byte[] encode(T value) {
        try {
          return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("cannot write as JSON: " + e.getOriginalMessage(), e);
        }
      }

      @Override
      public T decode(byte[] bytes) {
        try {
          return mapper.readValue(bytes, type);
        } catch (IOException e) {
          throw new IllegalArgumentException("not JSON of " + type + ": " + e.getMessage(), e);
        }
      }

      @Override
      public T decode(byte[] bytes, int offset, int length) {
        try {
          return mapper.readValue(bytes, offset, length, type);
        } catch (IOException e) {
          throw new IllegalArgumentException("not JSON of " + type + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private static String strictUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("bytes are not valid UTF-8", e);
    }
  }
}
