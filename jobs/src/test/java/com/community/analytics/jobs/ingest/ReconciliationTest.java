package com.community.analytics.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ReconciliationTest {
  @Test
  void holdsOnlyWhenEveryRowIsAccountedFor() {
    assertDoesNotThrow(() -> Reconciliation.check(10, 6, 1, 3, 3));
    assertEquals("reconciliation failed: read 10 != accepted 5 + duplicates 1 + quarantined 3",
        assertThrows(IllegalStateException.class, () -> Reconciliation.check(10, 5, 1, 3, 3))
            .getMessage());
    assertEquals("reconciliation failed: 3 rows rejected but 2 written to ops.quarantine",
        assertThrows(IllegalStateException.class, () -> Reconciliation.check(10, 6, 1, 2, 3))
            .getMessage());
  }
}
