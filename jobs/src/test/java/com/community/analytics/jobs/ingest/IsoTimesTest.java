package com.community.analytics.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-read common shape answers exactly as {@link OffsetDateTime#parse} does. */
class IsoTimesTest {
  /** The JDK's answer: the instant, or the text "rejected". */
  private static String jdk(String text) {
    try {
      return OffsetDateTime.parse(text).toInstant().toString();
    } catch (DateTimeException e) {
      return "rejected";
    }
  }

  private static String ours(String text) {
    try {
      return IsoTimes.parse(text).toString();
    } catch (DateTimeException e) {
      return "rejected";
    }
  }

  @Test
  void readsTheCommonShapeByHand() {
    for (String text : List.of("2026-09-30T21:41:39.117+08:00", "2026-11-21T10:00:00Z",
        "2026-11-21T10:00:00.5-03:30", "2026-11-21T10:00:00.123456789+14:00")) {
      assertNotNull(IsoTimes.common(text), text + " takes the fast path");
      assertEquals(jdk(text), ours(text), text);
    }
  }

  @Test
  void agreesWithTheJdkOnEdgesAndBrokenTexts() {
    List<String> texts = List.of("2026-02-29T10:00:00Z", "2024-02-29T10:00:00Z",
        "2026-13-01T10:00:00Z", "2026-11-31T10:00:00Z", "2026-11-21T24:00:00Z",
        "2026-11-21T23:59:60Z", "2026-11-21T10:00:00+18:01", "2026-11-21T10:00:00-18:00",
        "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00.1234567890Z", "2026-11-21t10:00:00z",
        "2026-11-21T10:00Z", "2026-11-21T10:00:00+0800", "2026-11-21T10:00:00+08",
        "2026-11-21T10:00:00+08:00:30", "2026-11-21T10:00:00", "2026-11-21 10:00:00Z",
        "+12026-11-21T10:00:00Z", "0000-01-01T00:00:00Z", "2026-11-21T10:00:00+08:0a",
        "2026-1a-21T10:00:00Z", "2026-11-21T10:00:00-00:00", "2026-11-21T10:00:00.000+00:00",
        "２０２６-11-21T10:00:00Z", "2026-11-21T10:00:00Z ", "");
    for (String text : texts) {
      assertEquals(jdk(text), ours(text), "'" + text + "'");
    }
  }

  @Test
  void agreesWithTheJdkOnRandomTexts() {
    Random random = new Random(20261206L);
    String alphabet = "0123456789-:T.Z+ z";
    int fast = 0;
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-62_000_000_000L, 250_000_000_000L);
      int offsetMinutes = random.nextInt(-18 * 60, 18 * 60 + 1);
      String text = OffsetDateTime.ofInstant(Instant.ofEpochSecond(seconds,
              random.nextInt(1_000_000_000)), ZoneOffset.ofTotalSeconds(offsetMinutes * 60))
          .toString();
      if (random.nextBoolean()) {
        char[] chars = text.toCharArray();
        chars[random.nextInt(chars.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
        text = new String(chars);
      }
      fast += IsoTimes.common(text) == null ? 0 : 1;
      assertEquals(jdk(text), ours(text), "'" + text + "'");
    }
    assertTrue(fast > 5_000, "most valid texts take the fast path: " + fast);
  }
}
