package org.level4j.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Function;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * The JSON lines the command line reads and writes: entries {@code {"key":…,"value":…}} from
 * {@code ls --json}, operations {@code {"type":"put"|"del","key":…,"value":…}} for {@code batch}
 * (the shape of an abstract-level batch array, one operation per line).
 */
final class JsonLines {
  /*
   * Jackson refuses strings longer than 20,000,000 characters by default, a guard for servers
   * that parse untrusted documents. Here the documents are a user's own lines, and a database in
   * a directory takes a value of any length a Java string can hold, so what `export` writes must
   * read back: the limit is lifted to the largest string there is. (A host refuses what does not
   * fit in its frame, HostOptions.maxFrameBytes, with its own message.) Jackson's other limits
   * (numbers of 1,000 digits, nesting 1,000 deep) concern nothing a valid line holds; a line
   * beyond them is reported as such by read(). read() also looks past the value it read, as
   * DeserializationFeature.FAIL_ON_TRAILING_TOKENS would, to say in plain words that a line holds
   * two.
   */
  private static final ObjectMapper MAPPER = JsonMapper.builder(JsonFactory.builder()
          .streamReadConstraints(StreamReadConstraints.builder()
              .maxStringLength(Integer.MAX_VALUE)
              .build())
          .build())
      .build();

  private JsonLines() {}

  /** One entry as a line; a {@code null} key or value (keys-only, values-only) is left out. */
  static String entry(String key, String value) {
    ObjectNode node = MAPPER.createObjectNode();
    if (key != null) {
      node.put("key", key);
    }
    if (value != null) {
      node.put("value", value);
    }
    return node.toString();
  }

  /**
   * Reads the one JSON value on {@code line}: a line that is not JSON, holds more than one value
   * (two objects side by side) or passes a limit of the reader is refused with {@code bad}
   * applied to what is wrong with it, so that nothing after the first value is silently dropped.
   *
   * @param line a line that is not blank
   * @param bad makes the exception to throw from a description of the fault
   * @return the value, never null
   */
  static JsonNode read(String line, Function<String, LevelException> bad) {
    try (JsonParser p = MAPPER.createParser(line)) {
      JsonNode node = MAPPER.readTree(p);
      if (node == null) {
        throw bad.apply("not JSON: no value");
      }
      if (p.nextToken() != null) {
        throw bad.apply("more than one JSON value on the line; put each on a line of its own");
      }
      return node;
    } catch (StreamConstraintsException e) {
      throw bad.apply("beyond a limit of the JSON reader: " + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw bad.apply("not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String is read without I/O
    }
  }

  /**
   * Reads one batch operation.
   *
   * @param number the line's number (from 1), for the error message
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} naming the line and the fault
   */
  static Op<String, String> op(String line, int number) {
    JsonNode node = read(line, what -> bad(number, what));
    if (!node.isObject()) {
      throw bad(number, "expected an object like {\"type\":\"put\",\"key\":\"k\",\"value\":\"v\"}");
    }
    String type = text(node, "type", number);
    String key = text(node, "key", number);
    switch (type) {
      case "put":
        return Op.put(key, text(node, "value", number));
      case "del":
        return Op.del(key);
      default:
        throw bad(number, "\"type\" must be \"put\" or \"del\", not \"" + type + "\"");
    }
  }

  private static String text(JsonNode node, String field, int number) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw bad(number, "\"" + field + "\" is missing");
    }
    if (!v.isTextual()) {
      throw bad(number, "\"" + field + "\" must be a string, not " + v);
    }
    return v.textValue();
  }

  private static LevelException bad(int number, String what) {
    return new LevelException(ErrorCode.LEVEL_INVALID_ARGUMENT,
        "batch line " + number + ": " + what + "; nothing was written");
  }
}
