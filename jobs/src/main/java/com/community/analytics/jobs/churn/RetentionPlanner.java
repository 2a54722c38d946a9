package com.community.analytics.jobs.churn;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * When a retention message may go out: at the planned local time of the day after the
 * scoring date, moved out of quiet hours to the next allowed moment, and never within the
 * frequency cap of the member's last contact. Pure: no Spark.
 *
 * @param zone business time zone
 * @param planned local time the plays are planned for
 * @param quietStart start of quiet hours (e.g. 22:00)
 * @param quietEnd end of quiet hours (e.g. 08:00)
 * @param capDays no member is contacted more than once within this many days
 */
public record RetentionPlanner(ZoneId zone, LocalTime planned, LocalTime quietStart,
    LocalTime quietEnd, int capDays) implements Serializable {

  /** True when {@code t} falls in quiet hours (which may span midnight). */
  public boolean isQuiet(Instant t) {
    LocalTime local = t.atZone(zone).toLocalTime();
    if (quietStart.isAfter(quietEnd)) {
      return !local.isBefore(quietStart) || local.isBefore(quietEnd);
    }
    return !local.isBefore(quietStart) && local.isBefore(quietEnd);
  }

  /** The first moment at or after {@code t} outside quiet hours. */
  public Instant nextAllowed(Instant t) {
    if (!isQuiet(t)) {
      return t;
    }
    ZonedDateTime local = t.atZone(zone);
    ZonedDateTime end = local.toLocalDate().atTime(quietEnd).atZone(zone);
    if (!end.isAfter(local)) {
      end = end.plusDays(1);
    }
    return end.toInstant();
  }

  /**
   * The send time of a play decided on {@code scoringDate} for a member last contacted at
   * {@code lastContact} (null: never).
   */
  public Instant sendTime(LocalDate scoringDate, Instant lastContact) {
    Instant t = scoringDate.plusDays(1).atTime(planned).atZone(zone).toInstant();
    if (lastContact != null) {
      Instant capEnds = lastContact.plus(Duration.ofDays(capDays));
      if (capEnds.isAfter(t)) {
        t = capEnds;
      }
    }
    return nextAllowed(t);
  }
}
