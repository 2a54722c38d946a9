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
  /** Bytes that are not UTF-8, or text with an unpaired surrogate: ids would change silently. */
  public static final String INVALID_ENCODING = "invalid_encoding";
  /** A key given twice in one object: which value was meant is ambiguous. */
  public static final String DUPLICATE_KEY = "duplicate_key";
  /** NaN, Infinity, or a number beyond a double's range. */
  public static final String NON_FINITE_NUMBER = "non_finite_number";
  /** A value its column's type cannot hold, or outside the field's declared range. */
  public static final String OUT_OF_RANGE = "out_of_range";
  /** A time before {@code ingest.earliest_event_time}. */
  public static final String IMPLAUSIBLE_TIME = "implausible_time";
  /** A snapshot value outside its configured set (e.g. a content type). */
  public static final String UNKNOWN_VALUE = "unknown_value";
}
