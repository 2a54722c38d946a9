package com.community.analytics.jobs.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * The one way a raw line (event or snapshot) becomes a JSON object, and the checks every value
 * of it passes, so both parsers reject the same hostile input with the same reason: not exactly
 * one JSON object ({@code malformed_json}), a key given twice at any depth ({@code
 * duplicate_key}: which value was meant is ambiguous), text holding an unpaired UTF-16
 * surrogate from a {@code \\uD800} escape ({@code invalid_encoding}: it cannot be written as
 * UTF-8 without changing it). {@code NaN} and {@code Infinity} are read as numbers so that
 * {@link #decimal} can name them ({@code non_finite_number}) instead of calling the line
 * malformed; numbers beyond a double's range read as infinite too.
 */
final class StrictJson {
  private StrictJson() {}

  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  /** Amounts below this round to 0.00 (HALF_UP); rounding them would build 10^scale. */
  private static final BigDecimal HALF_CENT = new BigDecimal("0.005");

  /** Thrown to stop at the first broken rule of a row; carries its quarantine reason. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;

    Rejected(String reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  /** Reads a line that must hold exactly one JSON object whose text is all valid. */
  static JsonNode object(String line) throws Rejected {
    JsonNode root;
    try {
      root = JSON.readTree(line);
    } catch (MismatchedInputException e) {
      if (e.getOriginalMessage().startsWith("Duplicate field")) {
        throw new Rejected(QuarantineReason.DUPLICATE_KEY, e.getOriginalMessage()
            .replaceAll(" for `ObjectNode`.*", ""));
      }
      throw new Rejected(QuarantineReason.MALFORMED_JSON, "not valid JSON: "
          + e.getOriginalMessage());
    } catch (JsonProcessingException e) {
      throw new Rejected(QuarantineReason.MALFORMED_JSON, "not valid JSON: "
          + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new Rejected(QuarantineReason.MALFORMED_JSON, "not a JSON object");
    }
    requireValidText(root, "");
    return root;
  }

  /** Every key and text value, at any depth, is a sequence of whole Unicode characters. */
  private static void requireValidText(JsonNode node, String path) throws Rejected {
    if (node.isTextual() && hasUnpairedSurrogate(node.textValue())) {
      throw new Rejected(QuarantineReason.INVALID_ENCODING, path
          + " holds an unpaired UTF-16 surrogate");
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> f = fields.next();
        String child = path.isEmpty() ? f.getKey() : path + "." + f.getKey();
        if (hasUnpairedSurrogate(f.getKey())) {
          throw new Rejected(QuarantineReason.INVALID_ENCODING, "a key in '" + path
              + "' holds an unpaired UTF-16 surrogate");
        }
        requireValidText(f.getValue(), child);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        requireValidText(node.get(i), path + "[" + i + "]");
      }
    }
  }

  static boolean hasUnpairedSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A JSON number as a decimal of the given precision and scale (HALF_UP), or the reason it
   * cannot be one: not a number ({@code wrong_type}), NaN or infinite ({@code
   * non_finite_number}), too large for the column ({@code out_of_range}). Null when absent.
   */
  static BigDecimal decimal(JsonNode root, String field, int precision, int scale)
      throws Rejected {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isNumber()) {
      throw new Rejected(QuarantineReason.WRONG_TYPE, field + " must be a number, got "
          + typeName(node));
    }
    if ((node.isDouble() || node.isFloat()) && !Double.isFinite(node.doubleValue())) {
      throw new Rejected(QuarantineReason.NON_FINITE_NUMBER, field + " is " + node.asText()
          + " (NaN, Infinity, or beyond a double's range)");
    }
    BigDecimal value = node.decimalValue();
    if (value.abs().compareTo(HALF_CENT.movePointLeft(scale - 2)) < 0) {
      return BigDecimal.ZERO.setScale(scale);
    }
    // Integer digits first: a huge exponent must not be expanded by setScale.
    if (value.precision() - value.scale() > precision - scale) {
      throw outOfRange(field, value, precision, scale);
    }
    BigDecimal rounded = value.setScale(scale, RoundingMode.HALF_UP);
    if (rounded.precision() > precision) {
      throw outOfRange(field, value, precision, scale);
    }
    return rounded;
  }

  private static Rejected outOfRange(String field, BigDecimal value, int precision, int scale) {
    String shown = value.toString();
    return new Rejected(QuarantineReason.OUT_OF_RANGE, field + " "
        + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown)
        + " does not fit decimal(" + precision + "," + scale + ")");
  }

  static String typeName(JsonNode node) {
    return node.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
