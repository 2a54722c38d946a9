package com.community.analytics.jobs.ingest;

import com.community.analytics.common.lake.EventContract;
import com.community.analytics.jobs.ingest.StrictJson.Rejected;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Validates one raw JSON line against the event contract and normalises it: UTC time, business
 * date and hour, lower-case enums, a typed amount, unknown fields moved into properties. Pure
 * Java, no Spark: every rule is testable on a string.
 *
 * <p>Checks run in a fixed order, so each broken row gets exactly one reason: malformed JSON,
 * duplicate key, invalid encoding (all read by {@link StrictJson}), missing required field,
 * wrong type, a non-finite or out-of-range amount, unknown event type, unparseable time,
 * implausible time (before {@code ingest.earliest_event_time}), future time, then the per-type
 * requirements (content id, amount and order id, experiment and variant) and a negative amount.
 * Whatever the line holds, the result is an event or a reason: nothing here throws.
 */
public final class RawEventParser implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Epoch milliseconds before 2001-09-09 or after 2286 are not plausible event times. */
  private static final long MIN_EPOCH_MS = 1_000_000_000_000L;
  private static final long MAX_EPOCH_MS = 9_999_999_999_999L;

  private final ZoneId zone;
  private final String defaultCurrency;
  private final long futureToleranceSeconds;
  private final Instant earliest;

  /**
   * Events in business time zone {@code zone}; amounts without a currency get {@code
   * defaultCurrency}; times before the start of {@code earliestDate} (in {@code zone}) are
   * implausible.
   */
  public RawEventParser(ZoneId zone, String defaultCurrency, long futureToleranceHours,
      LocalDate earliestDate) {
    this.zone = zone;
    this.defaultCurrency = defaultCurrency;
    this.futureToleranceSeconds = futureToleranceHours * 3600;
    this.earliest = earliestDate.atStartOfDay(zone).toInstant();
  }

  /** A normalised event. */
  public record Event(String eventId, Instant eventTime, LocalDate eventDate, int eventHour,
      String userId, String eventType, String sessionId, String contentId, String channel,
      String platform, BigDecimal amount, String currency, String orderId, String experimentId,
      String variant, Map<String, String> properties) {}

  /** Either an event or a rejection (reason, detail and the event id if one was readable). */
  public record Result(Event event, String reason, String detail, String eventId) {
    public boolean isValid() {
      return event != null;
    }

    static Result reject(String reason, String detail, String eventId) {
      return new Result(null, reason, detail, eventId);
    }
  }

  /**
   * Parses one line that arrived in folder {@code arrivalDate}; event times later than the end
   * of that business day plus the tolerance are rejected as future times.
   */
  public Result parse(String line, LocalDate arrivalDate) {
    JsonNode root;
    try {
      root = StrictJson.object(line);
    } catch (Rejected r) {
      return Result.reject(r.reason, r.getMessage(), null);
    }
    String eventId = root.path("event_id").isTextual() ? root.get("event_id").asText() : null;
    try {
      return new Result(toEvent(root, arrivalDate), null, null, eventId);
    } catch (Rejected r) {
      return Result.reject(r.reason, r.getMessage(), eventId);
    }
  }

  private Event toEvent(JsonNode root, LocalDate arrivalDate) throws Rejected {
    for (String field : new String[] {"event_id", "event_time", "user_id", "event_type"}) {
      if (isAbsent(root.get(field))) {
        throw new Rejected(QuarantineReason.MISSING_REQUIRED_FIELD, "missing " + field);
      }
    }
    String eventId = text(root, "event_id");
    String userId = text(root, "user_id");
    String eventType = lower(text(root, "event_type"));
    String sessionId = text(root, "session_id");
    String contentId = text(root, "content_id");
    String channel = lower(text(root, "channel"));
    String platform = lower(text(root, "platform"));
    String currency = text(root, "currency");
    String orderId = text(root, "order_id");
    String experimentId = text(root, "experiment_id");
    String variant = text(root, "variant");
    BigDecimal amount = StrictJson.decimal(root, "amount", 18, 2);
    Map<String, String> properties = properties(root);

    if (!EventContract.EVENT_TYPES.contains(eventType)) {
      throw new Rejected(QuarantineReason.UNKNOWN_EVENT_TYPE, "unknown event_type '"
          + eventType + "'");
    }
    Instant time = time(root.get("event_time"));
    if (time.isBefore(earliest)) {
      throw new Rejected(QuarantineReason.IMPLAUSIBLE_TIME, "event_time " + time
          + " is before ingest.earliest_event_time (" + earliest + ")");
    }
    Instant latest = arrivalDate.plusDays(1).atStartOfDay(zone).toInstant()
        .plusSeconds(futureToleranceSeconds);
    if (time.isAfter(latest)) {
      throw new Rejected(QuarantineReason.FUTURE_TIME, "event_time " + time
          + " is after the arrival day " + arrivalDate + " plus tolerance");
    }
    if (EventContract.CONTENT_EVENTS.contains(eventType)) {
      requirePresent(contentId, "content_id", eventType);
    }
    if (EventContract.ORDER_EVENTS.contains(eventType)) {
      requirePresent(amount, "amount", eventType);
      requirePresent(orderId, "order_id", eventType);
      if (amount.signum() < 0) {
        throw new Rejected(QuarantineReason.NEGATIVE_AMOUNT, "amount " + amount + " < 0");
      }
    }
    if (EventContract.EXPOSURE.equals(eventType)) {
      requirePresent(experimentId, "experiment_id", eventType);
      requirePresent(variant, "variant", eventType);
    }
    ZonedDateTime local = time.atZone(zone);
    return new Event(eventId, time, local.toLocalDate(), local.getHour(), userId, eventType,
        sessionId, contentId, channel, platform,
        amount,
        amount == null ? currency : (currency == null ? defaultCurrency : currency.toUpperCase(
            Locale.ROOT)),
        orderId, experimentId, variant, properties);
  }

  private static void requirePresent(Object value, String field, String eventType)
      throws Rejected {
    if (value == null) {
      throw new Rejected(QuarantineReason.MISSING_REQUIRED_FIELD, "missing " + field
          + " (required for " + eventType + ")");
    }
  }

  private static boolean isAbsent(JsonNode node) {
    return node == null || node.isNull() || (node.isTextual() && node.asText().isBlank());
  }

  private static String text(JsonNode root, String field) throws Rejected {
    JsonNode node = root.get(field);
    if (isAbsent(node)) {
      return null;
    }
    if (!node.isTextual()) {
      throw new Rejected(QuarantineReason.WRONG_TYPE, field + " must be a string, got "
          + StrictJson.typeName(node));
    }
    return node.asText().trim();
  }

  private static Map<String, String> properties(JsonNode root) throws Rejected {
    Map<String, String> props = new TreeMap<>();
    // Unknown top-level fields first, so an explicit properties entry wins a clash.
    Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (!EventContract.FIELDS.contains(f.getKey()) && !f.getValue().isNull()) {
        props.put(f.getKey(), asText(f.getValue()));
      }
    }
    JsonNode node = root.get("properties");
    if (node != null && !node.isNull()) {
      if (!node.isObject()) {
        throw new Rejected(QuarantineReason.WRONG_TYPE, "properties must be an object");
      }
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> p = it.next();
        if (!p.getValue().isNull()) {
          props.put(p.getKey(), asText(p.getValue()));
        }
      }
    }
    return props;
  }

  private static String asText(JsonNode node) {
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static String lower(String value) {
    return value == null ? null : value.toLowerCase(Locale.ROOT);
  }

  private Instant time(JsonNode node) throws Rejected {
    if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw new Rejected(QuarantineReason.UNPARSEABLE_TIME, "event_time out of range: "
            + node.asText());
      }
      return epochMillis(node.asLong(), node.asText());
    }
    if (!node.isTextual()) {
      throw new Rejected(QuarantineReason.UNPARSEABLE_TIME, "event_time is neither text nor "
          + "epoch milliseconds: " + node);
    }
    String text = node.asText().trim();
    if (text.chars().allMatch(Character::isDigit) && !text.isEmpty()) {
      try {
        return epochMillis(Long.parseLong(text), text);
      } catch (NumberFormatException e) {
        throw new Rejected(QuarantineReason.UNPARSEABLE_TIME, "event_time out of range: " + text);
      }
    }
    try {
      return IsoTimes.parse(text);
    } catch (DateTimeException e) {
      throw new Rejected(QuarantineReason.UNPARSEABLE_TIME,
          "event_time is not ISO-8601 with an offset: '" + text + "'");
    }
  }

  private static Instant epochMillis(long ms, String text) throws Rejected {
    if (ms < MIN_EPOCH_MS || ms > MAX_EPOCH_MS) {
      throw new Rejected(QuarantineReason.UNPARSEABLE_TIME,
          "event_time is not plausible epoch milliseconds: " + text);
    }
    return Instant.ofEpochMilli(ms);
  }
}
