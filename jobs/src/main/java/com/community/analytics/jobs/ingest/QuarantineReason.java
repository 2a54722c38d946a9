package com.community.analytics.jobs.ingest;

/** Reason codes of {@code ops.quarantine}; the detail column says exactly what was wrong. */
public final class QuarantineReason {
  private QuarantineReason() {}

  public static final String MALFORMED_JSON = "malformed_json";
  public static final String MISSING_REQUIRED_FIELD = "missing_required_field";
  public static final String WRONG_TYPE = "wrong_type";
  public static final String UNKNOWN_EVENT_TYPE = "unknown_event_type";
  public static final String UNPARSEABLE_TIME = "unparseable_time";
  public static final String FUTURE_TIME = "future_time";
  public static final String NEGATIVE_AMOUNT = "negative_amount";
  public static final String UNREADABLE_FILE = "unreadable_file";
}
