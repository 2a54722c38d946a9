package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Statuses against targets in both directions, and the comparisons of the board. */
class KpiBoardTest {

  @Test
  void higherIsBetterGreenAtTargetYellowWithinTheBandRedBeyond() {
    KpiTarget t = new KpiTarget(100, true, 0.1);
    assertEquals("green", t.status(100.0));
    assertEquals("green", t.status(130.0));
    assertEquals("yellow", t.status(99.9));
    assertEquals("yellow", t.status(90.0));
    assertEquals("red", t.status(89.9));
    assertEquals("no_data", t.status(null));
    assertEquals(90.0, t.redBeyond(), 1e-12);
  }

  @Test
  void lowerIsBetterGreenAtOrBelowTargetRedAboveTheBand() {
    KpiTarget t = new KpiTarget(10, false, 0.5);
    assertEquals("green", t.status(0.0));
    assertEquals("green", t.status(10.0));
    assertEquals("yellow", t.status(15.0));
    assertEquals("red", t.status(15.5));
    assertEquals(15.0, t.redBeyond(), 1e-12);
  }

  @Test
  void comparesWithThePreviousDayAndTheTrailingMeanOfTheDaysWithAValue() {
    LocalDate d = LocalDate.of(2026, 3, 10);
    Map<LocalDate, Map<Kpi, Double>> values = new TreeMap<>();
    double[] dau = {100, 110, 120, Double.NaN, 140, 150, 160, 200};
    for (int k = 0; k < dau.length; k++) {
      Map<Kpi, Double> day = new EnumMap<>(Kpi.class);
      day.put(Kpi.DAU, dau[k]);
      values.put(d.minusDays(dau.length - 1L - k), day);
    }
    Map<Kpi, KpiTarget> targets = Map.of(Kpi.DAU, new KpiTarget(180, true, 0.1));
    List<KpiBoard.Line> board = KpiBoard.build(values, targets, d, d, 7);
    assertEquals(Kpi.values().length, board.size(), "one line per KPI");
    KpiBoard.Line line = board.stream().filter(l -> l.kpi() == Kpi.DAU).findFirst()
        .orElseThrow();
    assertEquals(200.0, line.value());
    assertEquals(160.0, line.previousValue());
    assertEquals(0.25, line.changeVsPrevious(), 1e-12);
    // The day without a value (NaN) is left out of the mean: (100+110+120+140+150+160) / 6.
    assertEquals(130.0, line.trailingMean(), 1e-12);
    assertEquals(200.0 / 130.0 - 1, line.changeVsTrailingMean(), 1e-12);
    assertEquals("green", line.status());
    assertEquals("red", line.previousStatus());
    KpiBoard.Line gmv = board.stream().filter(l -> l.kpi() == Kpi.GMV).findFirst()
        .orElseThrow();
    assertEquals("none", gmv.status(), "a KPI without a target");
    assertNull(gmv.value());
    assertNull(gmv.changeVsPrevious());
  }
}
