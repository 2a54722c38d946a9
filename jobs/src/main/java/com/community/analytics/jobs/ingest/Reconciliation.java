package com.community.analytics.jobs.ingest;

/** The nothing-lost rule: every raw row read is accepted, a duplicate, or quarantined. */
public final class Reconciliation {
  private Reconciliation() {}

  /**
   * Fails when {@code read != accepted + duplicates + quarantined}, or when the quarantine
   * table received a different number of rows than were rejected.
   */
  public static void check(long read, long accepted, long duplicates, long quarantined,
      long rejected) {
    if (quarantined != rejected) {
      throw new IllegalStateException("reconciliation failed: " + rejected
          + " rows rejected but " + quarantined + " written to ops.quarantine");
    }
    if (read != accepted + duplicates + quarantined) {
      throw new IllegalStateException("reconciliation failed: read " + read + " != accepted "
          + accepted + " + duplicates " + duplicates + " + quarantined " + quarantined);
    }
  }
}
