package org.level4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.level4j.ErrorCode;
import org.level4j.LevelException;
import org.level4j.Op;

/**
 * The JSON lines the command line reads and writes: entries {@code {"key":…,"value":…}} from
 * {@code ls --json}, operations {@code {"type":"put"|"del","key":…,"value":…}} for {@code batch}
 * (the shape of an abstract-level batch array, one operation per line).
 */
final class JsonLines {
  private static final ObjectMapper MAPPER = new ObjectMapper();

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
   * Reads one batch operation.
   *
   * @param number the line's number (from 1), for the error message
   * @throws LevelException {@link ErrorCode#LEVEL_INVALID_ARGUMENT} naming the line and the fault
   */
  static Op<String, String> op(String line, int number) {
    JsonNode node;
    try {
      node = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw bad(number, "not JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
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
