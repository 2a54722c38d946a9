package com.community.analytics.jobs.churn;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.spark.JoinKeys;
import com.community.analytics.common.spark.RowBuilder;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How long members stay, by weekly registration cohort and by persona, as of a date D.
 *
 * <p>A member's lifetime runs from registration (first seen, when no registration was recorded)
 * to the day they count as churned: their last active day plus {@code churn.horizon_days}, the
 * same definition as the churn model's label. A member whose churn day is after D is still a
 * member: right-censored at D. From those lifetimes, {@link Survival} gives each segment's
 * Kaplan-Meier curve, Greenwood intervals and median, and a log-rank test across the segments
 * of each dimension.
 *
 * <p>Inputs: gold.user_state and gold.user_tags on D. Outputs: rows of gold.retention_curves and
 * gold.retention_tests. Cost: one join and one aggregation to (segment, day) counts, collected
 * (a few thousand rows); the curves are computed on the driver.
 */
public final class RetentionCurves {
  private RetentionCurves() {}

  public static final List<String> DIMENSIONS = List.of("cohort", "persona");

  /** Per member: cohort (Monday of the registration week), persona, days and churned. */
  public static Dataset<Row> lifetimes(Dataset<Row> state, Dataset<Row> tags, Date day,
      int horizon) {
    Dataset<Row> members = state.withColumn("start", coalesce(col("registered_date"),
            col("first_seen_date")))
        .where(col("start").isNotNull())
        .withColumn("churn_day", date_add(coalesce(col("last_active_date"), col("start")),
            horizon))
        .withColumn("churned", col("churn_day").leq(lit(day)))
        .withColumn("days", greatest(lit(0), when(col("churned"),
            datediff(col("churn_day"), col("start"))).otherwise(datediff(lit(day),
            col("start")))))
        .withColumn("cohort", date_format(date_trunc("week", col("start")), "yyyy-MM-dd"));
    return members.join(tags.select("user_id", "persona"), JoinKeys.on("user_id"), "left")
        .select(col("user_id"), col("cohort"), coalesce(col("persona"), lit("(none)"))
            .as("persona"), col("days"), col("churned"));
  }

  /** Members churned and censored per dimension, segment and day. */
  public static Dataset<Row> counts(Dataset<Row> lifetimes) {
    Dataset<Row> rows = null;
    for (String dimension : DIMENSIONS) {
      Dataset<Row> d = lifetimes.select(lit(dimension).as("dimension"),
          col(dimension).as("segment"), col("days"), col("churned"));
      rows = rows == null ? d : rows.unionByName(d);
    }
    return rows.groupBy("dimension", "segment", "days").agg(
        sum(when(col("churned"), 1L).otherwise(0L)).as("churned"),
        count(lit(1)).as("members"));
  }

  /** dimension -> segment -> day -> counts, from {@link #counts} rows. */
  public static Map<String, Map<String, SortedMap<Integer, Survival.Counts>>> grouped(
      List<Row> counts) {
    Map<String, Map<String, SortedMap<Integer, Survival.Counts>>> out = new TreeMap<>();
    for (Row r : counts) {
      long churned = r.getLong(r.fieldIndex("churned"));
      long members = r.getLong(r.fieldIndex("members"));
      Survival.add(out.computeIfAbsent(r.getString(r.fieldIndex("dimension")),
              k -> new TreeMap<>()).computeIfAbsent(r.getString(r.fieldIndex("segment")),
              k -> Survival.group()), r.getInt(r.fieldIndex("days")),
          new Survival.Counts(churned, members - churned));
    }
    return out;
  }

  /** The rows of gold.retention_curves for {@code day}: one per segment and duration. */
  public static List<Row> curves(Map<String, Map<String, SortedMap<Integer, Survival.Counts>>>
      groups, Date day) {
    List<Row> out = new ArrayList<>();
    groups.forEach((dimension, segments) -> segments.forEach((segment, counts) -> {
      List<Survival.Point> curve = Survival.kaplanMeier(counts);
      Integer median = Survival.median(curve);
      for (Survival.Point p : curve) {
        out.add(RowBuilder.of(ChurnTables.RETENTION_CURVES.schema()).set("as_of_date", day)
            .set("dimension", dimension).set("segment", segment).set("day", p.day())
            .set("at_risk", p.atRisk()).set("churned", p.churned())
            .set("censored", p.censored()).set("survival", p.survival())
            .set("ci_lower", p.lower()).set("ci_upper", p.upper())
            .set("median_days", median).set("members", curve.get(0).atRisk()).build());
      }
    }));
    return out;
  }

  /** The rows of gold.retention_tests for {@code day}: a log-rank test per dimension. */
  public static List<Row> tests(Map<String, Map<String, SortedMap<Integer, Survival.Counts>>>
      groups, Date day) {
    List<Row> out = new ArrayList<>();
    groups.forEach((dimension, segments) -> {
      Survival.LogRank test = Survival.logRank(segments);
      if (test == null) {
        return;
      }
      long members = 0;
      long churned = 0;
      var compared = Survival.informative(segments);
      for (SortedMap<Integer, Survival.Counts> s : compared.values()) {
        for (Survival.Counts c : s.values()) {
          members += c.churned() + c.censored();
          churned += c.churned();
        }
      }
      out.add(RowBuilder.of(ChurnTables.RETENTION_TESTS.schema()).set("as_of_date", day)
          .set("dimension", dimension).set("test", "log-rank").set("segments", compared.size())
          .set("members", members).set("churned", churned).set("statistic", test.statistic())
          .set("degrees_of_freedom", test.degreesOfFreedom()).set("p_value", test.pValue())
          .build());
    });
    return out;
  }
}
