package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PsiTest {
  @Test
  void stableIsZeroAndAShiftIsLarge() {
    double[] even = {0.25, 0.25, 0.25, 0.25};
    assertEquals(0.0, Psi.of(even, even), 1e-12);
    // (0.4-0.25)ln(0.4/0.25)*2 + (0.1-0.25)ln(0.1/0.25)*2 = 0.1410 + 0.2749
    assertEquals(0.4159, Psi.of(even, new double[] {0.4, 0.4, 0.1, 0.1}), 1e-4);
    assertTrue(Psi.of(even, new double[] {1, 0, 0, 0}) > 0.25);
  }
}
