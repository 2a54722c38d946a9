package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetentionPlannerTest {
  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private final RetentionPlanner planner = new RetentionPlanner(SHANGHAI, LocalTime.of(23, 30),
      LocalTime.of(22, 0), LocalTime.of(8, 0), 3);

  private static Instant local(String dateTime) {
    return java.time.LocalDateTime.parse(dateTime).atZone(SHANGHAI).toInstant();
  }

  @Test
  void quietHoursSpanMidnight() {
    assertTrue(planner.isQuiet(local("2026-11-21T22:00")));
    assertTrue(planner.isQuiet(local("2026-11-22T07:59")));
    assertFalse(planner.isQuiet(local("2026-11-22T08:00")));
    assertFalse(planner.isQuiet(local("2026-11-21T21:59")));
    assertEquals(local("2026-11-22T08:00"), planner.nextAllowed(local("2026-11-21T23:30")));
    assertEquals(local("2026-11-22T08:00"), planner.nextAllowed(local("2026-11-22T03:00")));
  }

  @Test
  void aPlanInQuietHoursMovesToTheMorning() {
    assertEquals(local("2026-11-23T08:00"), planner.sendTime(LocalDate.of(2026, 11, 21), null));
  }

  @Test
  void theCapDelaysASecondContact() {
    Instant last = local("2026-11-21T19:00");
    assertEquals(local("2026-11-24T19:00"), planner.sendTime(LocalDate.of(2026, 11, 21), last));
    Instant lateLast = local("2026-11-21T22:30");
    assertEquals(local("2026-11-25T08:00"), planner.sendTime(LocalDate.of(2026, 11, 21),
        lateLast), "the cap ends in quiet hours: the next morning");
  }

  @Test
  void noSendTimeIsEverQuietOrInsideTheCap() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 10_000; i++) {
      RetentionPlanner p = new RetentionPlanner(SHANGHAI, LocalTime.of(rng.nextInt(24),
          rng.nextInt(60)), LocalTime.of(22, 0), LocalTime.of(8, 0), 1 + rng.nextInt(7));
      LocalDate day = LocalDate.of(2026, 1, 1).plusDays(rng.nextInt(300));
      Instant last = rng.nextBoolean() ? null
          : day.atStartOfDay(SHANGHAI).toInstant().plusSeconds(rng.nextInt(86_400 * 5) - 86_400L);
      Instant send = p.sendTime(day, last);
      assertFalse(p.isQuiet(send), "quiet: " + send);
      if (last != null) {
        assertFalse(send.isBefore(last.plus(Duration.ofDays(p.capDays()))), "inside the cap");
      }
    }
  }
}
