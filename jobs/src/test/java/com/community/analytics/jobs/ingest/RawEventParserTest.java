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
  private final RawEventParser parser = new RawEventParser(ZoneId.of("Asia/Shanghai"), "CNY", 24);

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
}
