package com.community.analytics.jobs.kpi;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.spark.JoinKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per-member A/B variables, summed per as-of date x experiment x variant into the
 * {@link Moments} that {@link ExperimentStats} reads. A member belongs to the variant of their
 * first exposure and counts the content views, clicks, shares, purchases, complaints and push
 * opens from that moment to the end of the experiment's period (its last exposure date up to the
 * as-of date), and the same counts over the pre-exposure window (the {@code preDays} days before
 * the first exposure) for CUPED. A member with no event at all in that window (new, or away) has
 * pre values 0 and {@code no_pre} = 1; an event is any row passed in ({@link #EVENT_TYPES}
 * when the kpi job calls it, exposures to other experiments included). Pure: silver.events in.
 *
 * <p>Output columns: as_of_date, experiment_id, variant, period_start, period_end, members,
 * switched (members also exposed to another variant by the as-of date), sums (each of
 * {@link #VARIABLES} summed over members) and products (the sums of each pair's products,
 * upper triangle row by row). Cost: two joins of the exposed members' events with their first
 * exposures (during and before; by member, sharing their shuffles), aggregated per member and
 * day once, and one of the members with their pre-window counts; the as-of dates are crossed with
 * those daily rows; the result is a few rows per experiment.
 */
public final class Experiments {
  private Experiments() {}

  /** Counted behaviours: column name and the event type counted. */
  private static final List<String[]> COUNTS = List.of(new String[] {"views", "content_view"},
      new String[] {"clicks", "click"}, new String[] {"shares", "share"},
      new String[] {"purchases", "purchase"}, new String[] {"complaints", "complaint"},
      new String[] {"push_opens", "push_open"});

  /** The event types variantSums reads. */
  public static final List<String> EVENT_TYPES = Stream.concat(Stream.of("experiment_exposure"),
      COUNTS.stream().map(c -> c[1])).toList();

  /** The per-member variables, in the order of the sums and products. */
  public static final List<String> VARIABLES = List.of("views", "clicks", "shares", "converted",
      "complaints", "push_opens", "pre_views", "pre_clicks", "pre_shares", "pre_converted",
      "pre_complaints", "pre_push_opens", "no_pre");

  /** A variable's position in {@link #VARIABLES}. */
  public static int index(String variable) {
    int i = VARIABLES.indexOf(variable);
    if (i < 0) {
      throw new IllegalArgumentException("no A/B variable " + variable);
    }
    return i;
  }

  public static Dataset<Row> variantSums(Dataset<Row> events, Dataset<Row> asOfDates,
      int lookbackDays, int preDays) {
    Dataset<Row> exposures = events.where(col("event_type").equalTo("experiment_exposure")
        .and(col("experiment_id").isNotNull()).and(col("variant").isNotNull()));
    // Each variant's first exposure, in time order: the first is the member's variant, the
    // second (if any) the day they were also exposed to another one.
    Dataset<Row> first = exposures.groupBy("experiment_id", "user_id", "variant")
        .agg(min("event_time").as("t"), min("event_date").as("d"))
        .groupBy("experiment_id", "user_id")
        .agg(sort_array(collect_list(struct("t", "d", "variant"))).as("seen"))
        .select(col("experiment_id"), col("user_id"),
            col("seen").getItem(0).getField("t").as("first_time"),
            col("seen").getItem(0).getField("d").as("first_date"),
            col("seen").getItem(0).getField("variant").as("variant"),
            when(size(col("seen")).gt(1), col("seen").getItem(1).getField("d"))
                .as("switched_date"));
    Dataset<Row> acts = events.select(col("user_id").as("actor"), col("event_time"),
        col("event_date"), col("event_type"));
    Dataset<Row> activeDays = counted(first
        .join(acts, col("user_id").equalTo(col("actor"))
            .and(col("event_time").geq(col("first_time"))))
        .groupBy("experiment_id", "user_id", "variant", "first_date", "switched_date",
            "event_date"), "");
    // The exposure day with nothing done still makes the member count.
    List<Column> zeros = new ArrayList<>(List.of(col("experiment_id"), col("user_id"),
        col("variant"), col("first_date"), col("switched_date"),
        col("first_date").as("event_date")));
    COUNTS.forEach(c -> zeros.add(lit(0L).as(c[0])));
    Dataset<Row> memberDays = activeDays.unionByName(first.select(zeros.toArray(Column[]::new)));
    Dataset<Row> before = counted(first
        .join(acts, col("user_id").equalTo(col("actor"))
            .and(col("event_time").lt(col("first_time")))
            .and(col("event_date").geq(date_sub(col("first_date"), preDays))))
        .groupBy("experiment_id", "user_id"), "pre_")
        .withColumn("pre_converted", when(col("pre_purchases").gt(0), 1L).otherwise(0L));

    Dataset<Row> periods = exposures.select(col("experiment_id"),
            col("event_date").as("exposure_date")).distinct()
        .crossJoin(asOfDates)
        .where(col("exposure_date").gt(date_sub(col("as_of_date"), lookbackDays))
            .and(col("exposure_date").leq(col("as_of_date"))))
        .groupBy("as_of_date", "experiment_id")
        .agg(min("exposure_date").as("period_start"), max("exposure_date").as("period_end"));
    List<Column> during = new ArrayList<>();
    COUNTS.forEach(c -> during.add(sum(c[0]).as(c[0])));
    Dataset<Row> members = memberDays.crossJoin(asOfDates)
        .where(col("first_date").gt(date_sub(col("as_of_date"), lookbackDays))
            .and(col("first_date").leq(col("as_of_date"))))
        .join(periods, JoinKeys.on("as_of_date", "experiment_id"))
        .where(col("event_date").leq(col("period_end")))
        .groupBy("as_of_date", "experiment_id", "variant", "period_start", "period_end",
            "user_id", "switched_date")
        .agg(during.get(0), during.subList(1, during.size()).toArray(Column[]::new))
        .withColumn("converted", when(col("purchases").gt(0), 1L).otherwise(0L))
        .join(before, JoinKeys.on("experiment_id", "user_id"), "left");
    return moments(members);
  }

  /** Counts per event type of the grouped rows, named {@code prefix + name}. */
  private static Dataset<Row> counted(
      org.apache.spark.sql.RelationalGroupedDataset grouped, String prefix) {
    List<Column> counts = new ArrayList<>();
    COUNTS.forEach(c -> counts.add(count(when(col("event_type").equalTo(c[1]), true))
        .as(prefix + c[0])));
    return grouped.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new));
  }

  /** Per variant: members, switched members, and the variables' sums and products. */
  private static Dataset<Row> moments(Dataset<Row> members) {
    List<Column> x = new ArrayList<>();
    for (String v : VARIABLES) {
      x.add(v.equals("no_pre") ? when(col("pre_views").isNull(), 1.0).otherwise(0.0)
          : coalesce(col(v).cast("double"), lit(0.0)));
    }
    List<Column> sums = new ArrayList<>();
    List<Column> products = new ArrayList<>();
    for (int i = 0; i < x.size(); i++) {
      sums.add(sum(x.get(i)));
      for (int j = i; j < x.size(); j++) {
        products.add(sum(x.get(i).multiply(x.get(j))));
      }
    }
    return members.groupBy("as_of_date", "experiment_id", "variant", "period_start",
            "period_end")
        .agg(count(lit(1)).as("members"),
            count(when(col("switched_date").leq(col("as_of_date")), true)).as("switched"),
            array(sums.toArray(Column[]::new)).as("sums"),
            array(products.toArray(Column[]::new)).as("products"));
  }
}
