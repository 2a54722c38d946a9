package com.community.analytics.jobs.erasure;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import com.community.analytics.common.catalog.Catalog;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * The condition that picks a request's members out of a member table. The ids reach the
 * executors only as a broadcast set tested by a named function, never as literals: a literal
 * {@code user_id IN ('u1', ...)} would be written into every table's Delta history (the
 * commit's predicate), the Spark UI and event log, and outlive the erasure. Delta records
 * {@code erased_member(user_id)} instead.
 *
 * <p>Cost: the test is a hash-set lookup per row, but an opaque function gives Delta no file
 * statistics to skip with, so every file of the table is read (only the member column) to find
 * the few files the members' rows are in; only those files are rewritten.
 */
final class MemberFilter {
  /** A member named in a raw line: the value of its user_id or author_id field. */
  private static final Pattern RAW_MEMBER =
      Pattern.compile("\"(?:user_id|author_id)\"\\s*:\\s*\"?([^\",}\\s]+)");

  private MemberFilter() {}

  /** Rows of {@code member}'s table that belong to a member of {@code ids}. */
  static Column matches(Catalog.MemberColumn member, Broadcast<Set<String>> ids) {
    boolean raw = member.erasure() == Catalog.Erasure.DELETE_RAW_LINE;
    UDF1<String, Boolean> test = raw ? text -> mentions(text, ids.value())
        : id -> id != null && ids.value().contains(id);
    return udf(test, DataTypes.BooleanType)
        .withName(raw ? "mentions_erased_member" : "erased_member")
        .apply(col(member.column()));
  }

  /**
   * True when a raw line names one of {@code ids} as its user_id or author_id. Works on
   * malformed lines too (a truncated JSON object still names its member), as long as the field
   * itself was delivered.
   */
  static boolean mentions(String raw, Set<String> ids) {
    if (raw == null) {
      return false;
    }
    Matcher m = RAW_MEMBER.matcher(raw);
    while (m.find()) {
      if (ids.contains(m.group(1))) {
        return true;
      }
    }
    return false;
  }
}
