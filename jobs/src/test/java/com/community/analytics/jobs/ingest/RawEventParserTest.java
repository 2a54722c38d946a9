package com.community.analytics.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RawEventParserTest {
  private static final LocalDate ARRIVAL = LocalDate.of(2026, 11, 21);
  private final RawEventParser parser = new RawEventParser(ZoneId.of("Asia/Shanghai"), "CNY", 24,
      LocalDate.of(2000, 1, 1));

  private RawEventParser.Result parse(String json) {
    return parser.parse(json, ARRIVAL);
  }

  private void assertRejected(String json, String reason) {
    RawEventParser.Result r = parse(json);
    assertEquals(reason, r.reason(), "reason for " + json + " (detail: " + r.detail() + ")");
    assertNull(r.event());
  }

  @Test
  void normalisesTimesToUtcAndBusinessDate() {
    RawEventParser.Event e = parse("{\"event_id\":\"e1\",\"event_time\":\"2026-11-21T01:30:00"
        + "+08:00\",\"user_id\":\"u1\",\"event_type\":\"Login\"}").event();
    assertEquals(Instant.parse("2026-11-20T17:30:00Z"), e.eventTime());
    assertEquals(LocalDate.of(2026, 11, 21), e.eventDate(), "the business date, not UTC's");
    assertEquals(1, e.eventHour());
    assertEquals("login", e.eventType(), "enums are lower-cased");

    RawEventParser.Event millis = parse("{\"event_id\":\"e2\",\"event_time\":1763656200000,"
        + "\"user_id\":\"u1\",\"event_type\":\"login\"}").event();
    assertEquals(Instant.ofEpochMilli(1763656200000L), millis.eventTime());
  }

  @Test
  void keepsUnknownFieldsAndTypesAmounts() {
    RawEventParser.Event e = parse("{\"event_id\":\"e3\",\"event_time\":\"2026-11-21T10:00:00Z\","
        + "\"user_id\":\"u1\",\"event_type\":\"purchase\",\"order_id\":\"o1\",\"amount\":12.345,"
        + "\"channel\":\"KOL\",\"app_version\":\"5.1\",\"properties\":{\"dwell_ms\":1200,"
        + "\"coupon\":\"x\"}}").event();
    assertEquals(new BigDecimal("12.35"), e.amount());
    assertEquals("CNY", e.currency(), "the configured default currency");
    assertEquals("kol", e.channel());
    assertEquals(Map.of("app_version", "5.1", "dwell_ms", "1200", "coupon", "x"),
        e.properties());
  }

  @Test
  void eachBrokenKindGetsItsReason() {
    String ok = "\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":\"2026-11-21T10:00:00Z\"";
    assertRejected("{\"event_id\":\"e\",", QuarantineReason.MALFORMED_JSON);
    assertRejected("[1,2]", QuarantineReason.MALFORMED_JSON);
    assertRejected("{\"event_id\":\"e\",\"event_time\":\"2026-11-21T10:00:00Z\","
        + "\"event_type\":\"login\"}", QuarantineReason.MISSING_REQUIRED_FIELD);
    assertRejected("{" + ok + ",\"event_type\":\"teleport\"}",
        QuarantineReason.UNKNOWN_EVENT_TYPE);
    assertRejected("{" + ok + ",\"event_type\":\"purchase\",\"order_id\":\"o\","
        + "\"amount\":-5}", QuarantineReason.NEGATIVE_AMOUNT);
    assertRejected("{\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":\"2026-13-45 25:61\","
        + "\"event_type\":\"login\"}", QuarantineReason.UNPARSEABLE_TIME);
    assertRejected("{\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":\"2026-11-21T10:00\","
        + "\"event_type\":\"login\"}", QuarantineReason.UNPARSEABLE_TIME);
    assertRejected("{\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":\"2027-03-01T00:00:00Z\","
        + "\"event_type\":\"login\"}", QuarantineReason.FUTURE_TIME);
    assertRejected("{" + ok + ",\"event_type\":\"purchase\",\"order_id\":\"o\","
        + "\"amount\":\"5\"}", QuarantineReason.WRONG_TYPE);
    assertRejected("{" + ok + ",\"event_type\":\"like\"}", QuarantineReason.MISSING_REQUIRED_FIELD);
    assertRejected("{" + ok + ",\"event_type\":\"experiment_exposure\",\"experiment_id\":\"x\"}",
        QuarantineReason.MISSING_REQUIRED_FIELD);
    assertRejected("{" + ok + ",\"event_type\":\"login\",\"properties\":[1]}",
        QuarantineReason.WRONG_TYPE);
  }

  @Test
  void toleranceAllowsEventsSlightlyAfterTheArrivalDay() {
    // 2026-11-22 10:00 Shanghai is 10 hours after the arrival day ends: within 24 hours.
    RawEventParser.Result r = parse("{\"event_id\":\"e\",\"user_id\":\"u\",\"event_type\":"
        + "\"login\",\"event_time\":\"2026-11-22T10:00:00+08:00\"}");
    assertTrue(r.isValid(), String.valueOf(r.detail()));
    assertEquals("e", parse("{\"event_id\":\"e\",\"user_id\":\"u\",\"event_type\":\"zzz\","
        + "\"event_time\":\"2026-11-21T10:00:00Z\"}").eventId(), "the id is kept for rejects");
  }

  private static String purchase(String amount) {
    return "{\"event_id\":\"e\",\"user_id\":\"u\",\"event_time\":\"2026-11-21T10:00:00Z\","
        + "\"event_type\":\"purchase\",\"order_id\":\"o\",\"amount\":" + amount + "}";
  }

  private static String login(String time) {
    return "{\"event_id\":\"e\",\"user_id\":\"u\",\"event_type\":\"login\",\"event_time\":"
        + time + "}";
  }

  @Test
  void amountsADecimal1802CannotHoldAreQuarantinedNeverNullOrThrown() {
    // json.dumps writes NaN and Infinity by default; 1e999 is beyond a double.
    for (String amount : new String[] {"NaN", "Infinity", "-Infinity", "1e999", "-1e999"}) {
      assertRejected(purchase(amount), QuarantineReason.NON_FINITE_NUMBER);
    }
    // decimal(18,2) holds 16 integer digits; Spark would store a larger amount as NULL.
    for (String amount : new String[] {"1e20", "1e16", "9999999999999999.995", "1e300",
        "123456789012345678901234567890"}) {
      assertRejected(purchase(amount), QuarantineReason.OUT_OF_RANGE);
    }
    assertEquals(new BigDecimal("9999999999999999.99"),
        parse(purchase("9999999999999999.99")).event().amount());
    // A tiny amount rounds to zero without building 10^999999999 on the way.
    assertEquals(new BigDecimal("0.00"), parse(purchase("1e-999999999")).event().amount());
    assertEquals(new BigDecimal("0.01"), parse(purchase("0.005")).event().amount());
  }

  @Test
  void timesBeforeTheEarliestPlausibleDateAreQuarantined() {
    // Parquet cannot write a time before 1900 without a rebase mode: the write would fail.
    assertRejected(login("\"1899-12-31T00:00:00Z\""), QuarantineReason.IMPLAUSIBLE_TIME);
    assertRejected(login("\"-999999999-01-01T00:00:00Z\""), QuarantineReason.IMPLAUSIBLE_TIME);
    // 2000-01-01 starts at 1999-12-31T16:00Z in Shanghai.
    assertRejected(login("\"1999-12-31T15:59:59Z\""), QuarantineReason.IMPLAUSIBLE_TIME);
    assertTrue(parse(login("\"1999-12-31T16:00:00Z\"")).isValid());
    // An integer too large for a long is not silently truncated to a plausible time.
    assertRejected(login("18446744073709551616001"), QuarantineReason.UNPARSEABLE_TIME);
    assertRejected(login("\"+999999999-12-31T23:59:59-18:00\""), QuarantineReason.FUTURE_TIME);
  }

  @Test
  void ambiguousAndUnwritableTextIsQuarantined() {
    String ok = "\"event_time\":\"2026-11-21T10:00:00Z\",\"event_type\":\"login\"";
    assertRejected("{\"event_id\":\"a\",\"user_id\":\"u\",\"event_id\":\"b\"," + ok + "}",
        QuarantineReason.DUPLICATE_KEY);
    assertRejected("{\"event_id\":\"a\",\"user_id\":\"u\"," + ok
        + ",\"properties\":{\"tier\":\"x\",\"tier\":\"y\"}}", QuarantineReason.DUPLICATE_KEY);
    assertEquals("duplicate field 'event_id'", parse("{\"event_id\":\"a\",\"event_id\":\"b\"}")
        .detail().toLowerCase(java.util.Locale.ROOT));
    // Two objects on one line: which is the event?
    assertRejected("{\"event_id\":\"a\",\"user_id\":\"u\"," + ok + "} {\"event_id\":\"b\"}",
        QuarantineReason.MALFORMED_JSON);
    // An unpaired surrogate escape would be written to Parquet as '?'.
    assertRejected("{\"event_id\":\"a\",\"user_id\":\"u\\ud800\"," + ok + "}",
        QuarantineReason.INVALID_ENCODING);
    assertRejected("{\"event_id\":\"a\",\"user_id\":\"u\"," + ok
        + ",\"properties\":{\"\\udc00\":\"x\"}}", QuarantineReason.INVALID_ENCODING);
    assertEquals("u\ud83d\ude00", parse("{\"event_id\":\"a\",\"user_id\":\"u\\ud83d\\ude00\","
        + ok + "}").event().userId(), "a surrogate pair is one character, kept");
  }
}
