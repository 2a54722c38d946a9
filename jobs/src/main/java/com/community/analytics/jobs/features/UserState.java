package com.community.analytics.jobs.features;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.last;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.spark.JoinKeys;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Cumulative member state per day, two ways that must agree exactly (a test holds them equal):
 *
 * <ul>
 *   <li>{@link #advance}: the nightly path, the days [from, to] from state(from-1), the days'
 *       activity and the activity of the days leaving the 7, 30 and 90-day windows, in one
 *       pass. Cost: bounded by the members and four daily partitions per day, whatever the
 *       length of history; one shuffle by member.
 *   <li>{@link #fromHistory}: the backfill path, every day of a range straight from all activity
 *       up to its end, with window functions over a member x day grid. Cost: grows with history
 *       (members x days); one shuffle by member.
 * </ul>
 *
 * Inputs: rows of {@link SharedTables#ACTIVITY_DAILY} and of silver.users; output: rows of
 * {@link SharedTables#USER_STATE}.
 */
public final class UserState {
  private UserState() {}

  private static final String MONEY = "decimal(18,2)";

  /** silver.users reduced to what state needs, with the registration day in the business zone. */
  public static Dataset<Row> users(Dataset<Row> silverUsers, String zone) {
    return silverUsers.select(col("user_id"),
        to_date(expr("from_utc_timestamp(registered_at, '" + zone + "')")).as("u_registered"),
        col("membership_tier").as("u_tier"), col("follower_count").as("u_followers"));
  }

  /** The rolling windows of the state, in days. */
  private static final List<Integer> WINDOWS = List.of(7, 30, 90);

  /**
   * The activity dates {@link #advance} reads for the days [from, to]: those days and the days
   * leaving each window on them.
   */
  public static List<LocalDate> advanceReads(LocalDate from, LocalDate to) {
    TreeSet<LocalDate> dates = new TreeSet<>();
    for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
      dates.add(d);
      for (int w : WINDOWS) {
        dates.add(d.minusDays(w));
      }
    }
    return List.copyOf(dates);
  }

  /**
   * Every day of [from, to] from state(from-1) ({@code previous}, possibly empty): state(D) =
   * state(D-1) + day D's activity - the activity of the days leaving the 7, 30 and 90-day
   * windows, so the state of D is the previous state plus the running sum of those increments
   * over [from, D]. {@code activity} needs only the dates of {@link #advanceReads}. Cost:
   * bounded by the members and 4 x (to - from + 1) daily partitions, whatever the length of
   * history; one shuffle by member.
   */
  public static Dataset<Row> advance(Dataset<Row> previous, Dataset<Row> activity,
      Dataset<Row> users, LocalDate from, LocalDate to) {
    WindowSpec byDay = Window.partitionBy("user_id").orderBy("as_of_date");
    WindowSpec upToDay = byDay.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec beforeDay = byDay.rowsBetween(Window.unboundedPreceding(), -1);
    Column active = coalesce(col("t_is_active"), lit(false));
    Column day = col("as_of_date");
    Dataset<Row> withGap = dense(prefix(previous, "p_"), activity, users, from, to)
        .withColumn("prior_active", coalesce(max(when(active, day)).over(beforeDay),
            col("p_last_active_date")))
        .withColumn("gap_here", when(active, datediff(day, col("prior_active"))));
    List<Column> state = new ArrayList<>(List.of(
        col("user_id"),
        day,
        coalesce(col("u_registered"), col("p_registered_date"),
            min(when(coalesce(col("t_n_register"), lit(0L)).gt(0), day)).over(upToDay))
            .as("registered_date"),
        coalesce(col("p_first_seen_date"), min(when(col("t_user_id").isNotNull(), day))
            .over(upToDay)).as("first_seen_date"),
        coalesce(max(when(active, day)).over(upToDay), col("p_last_active_date"))
            .as("last_active_date"),
        coalesce(last(col("gap_here"), true).over(upToDay), col("p_previous_active_gap_days"))
            .as("previous_active_gap_days"),
        coalesce(last(col("t_membership_tier_set"), true).over(upToDay),
            col("p_membership_tier"), col("u_tier"), lit("basic")).as("membership_tier"),
        col("u_followers").as("follower_count")));
    state.addAll(activityCounts(active, upToDay));
    state.addAll(purchasesAndCounts(day, upToDay));
    return withGap.select(state.toArray(new Column[0])).selectExpr(stateColumns());
  }

  /**
   * Each (member, day) of the range from the member's first day, beside the day's activity
   * ({@code t_}), the activity leaving the 7, 30 and 90-day windows ({@code w7_ w30_ w90_}),
   * the previous state ({@code p_}) and the users snapshot ({@code u_}).
   */
  private static Dataset<Row> dense(Dataset<Row> p, Dataset<Row> activity, Dataset<Row> users,
      LocalDate from, LocalDate to) {
    Column first = lit(Date.valueOf(from));
    Column end = lit(Date.valueOf(to));
    Dataset<Row> inRange = activity.where(col("activity_date").between(first, end));
    // A member's first day: the range's first day if it has a previous state, else its first
    // event or registration in the range (registered earlier without a state: the first day).
    Dataset<Row> starts = p.select(col("p_user_id").as("user_id"), first.as("start"))
        .union(inRange.groupBy("user_id").agg(min("activity_date").as("start")))
        .union(users.where(col("u_registered").leq(end)).select(col("user_id"),
            greatest(col("u_registered"), first).as("start")))
        .groupBy("user_id").agg(min("start").as("start"));
    return starts.select(col("user_id"), explode(sequence(col("start"), end)).as("as_of_date"))
        .join(prefix(inRange, "t_"), onDay("t_", 0), "left")
        .join(prefix(activity.select("user_id", "activity_date", "is_active"), "w7_"),
            onDay("w7_", 7), "left")
        .join(prefix(activity.select("user_id", "activity_date", "is_active", "events",
            "content_interactions", "n_share", "n_push_sent", "n_push_open"), "w30_"),
            onDay("w30_", 30), "left")
        .join(prefix(activity.select("user_id", "activity_date", "is_active", "gmv"), "w90_"),
            onDay("w90_", 90), "left")
        .join(p, col("user_id").equalTo(col("p_user_id")), "left")
        .join(users, JoinKeys.on("user_id"), "left");
  }

  /** Active days ever and in the 7, 30 and 90-day windows; 30-day sums of engagement. */
  private static List<Column> activityCounts(Column active, WindowSpec upToDay) {
    return List.of(
        carried("active_days", count(active, upToDay)).as("active_days"),
        carried("active_days_7", sum(flagged(active).minus(flagged(flag("w7_is_active"))))
            .over(upToDay)).as("active_days_7"),
        carried("active_days_30", sum(flagged(active).minus(flagged(flag("w30_is_active"))))
            .over(upToDay)).as("active_days_30"),
        carried("active_days_90", sum(flagged(active).minus(flagged(flag("w90_is_active"))))
            .over(upToDay)).as("active_days_90"),
        carried("events_30", rolling("t_events", "w30_events", upToDay)).as("events_30"),
        carried("interactions_30", rolling("t_content_interactions",
            "w30_content_interactions", upToDay)).as("interactions_30"),
        carried("shares_30", rolling("t_n_share", "w30_n_share", upToDay)).as("shares_30"),
        carried("push_sent_30", rolling("t_n_push_sent", "w30_n_push_sent", upToDay))
            .as("push_sent_30"),
        carried("push_open_30", rolling("t_n_push_open", "w30_n_push_open", upToDay))
            .as("push_open_30"));
  }

  /** Purchases, GMV (ever and 90 days), refunds, and the other cumulative counts. */
  private static List<Column> purchasesAndCounts(Column day, WindowSpec upToDay) {
    Column bought = coalesce(col("t_n_purchase"), lit(0L)).gt(0);
    return List.of(
        coalesce(col("p_gmv_90"), lit(0).cast(MONEY)).plus(sum(coalesce(col("t_gmv"),
            lit(0).cast(MONEY)).minus(coalesce(col("w90_gmv"), lit(0).cast(MONEY))))
            .over(upToDay)).cast(MONEY).as("gmv_90"),
        coalesce(col("p_first_purchase_date"), min(when(bought, day)).over(upToDay))
            .as("first_purchase_date"),
        coalesce(max(when(bought, day)).over(upToDay), col("p_last_purchase_date"))
            .as("last_purchase_date"),
        carried("purchase_days", count(bought, upToDay)).as("purchase_days"),
        carried("orders", sumOf("t_n_purchase", upToDay)).as("orders"),
        coalesce(col("p_gmv"), lit(0).cast(MONEY)).plus(money("t_gmv", upToDay))
            .cast(MONEY).as("gmv"),
        // A member who bought before the range keeps its first day's amount (StateStep never
        // rolls forward from a state written before the column existed).
        when(col("p_first_purchase_date").isNotNull(), col("p_first_purchase_day_gmv"))
            .otherwise(firstPurchaseDayGmv(bought, upToDay)).as("first_purchase_day_gmv"),
        carried("refunds", sumOf("t_n_refund", upToDay)).as("refunds"),
        coalesce(col("p_refund_amount"), lit(0).cast(MONEY)).plus(money("t_refund_amount",
            upToDay)).cast(MONEY).as("refund_amount"),
        carried("complaints", sumOf("t_n_complaint", upToDay)).as("complaints"),
        carried("posts", sumOf("t_n_post", upToDay)).as("posts"),
        carried("original_posts", sumOf("t_original_posts", upToDay)).as("original_posts"));
  }

  /** Joins the grid's (member, day) to the prefixed activity of {@code days} before the day. */
  private static Column onDay(String prefix, int days) {
    return col("user_id").equalTo(col(prefix + "user_id")).and(col("as_of_date")
        .equalTo(date_add(col(prefix + "activity_date"), days)));
  }

  private static Column carried(String previous, Column sinceFirstDay) {
    return coalesce(col("p_" + previous), lit(0L)).plus(sinceFirstDay);
  }

  private static Column flagged(Column condition) {
    return when(condition, 1L).otherwise(0L);
  }

  private static Column rolling(String today, String leaving, WindowSpec frame) {
    return sum(coalesce(col(today), lit(0L)).minus(coalesce(col(leaving), lit(0L))))
        .over(frame);
  }

  /**
   * Every day of [from, to] computed directly from all activity up to {@code to}. The grid
   * holds one row per member and day from the member's first day (registration or first
   * event), so rolling windows are row frames.
   */
  public static Dataset<Row> fromHistory(Dataset<Row> activity, Dataset<Row> users,
      LocalDate from, LocalDate to) {
    Dataset<Row> dense = historyGrid(activity, users, to);
    WindowSpec byDay = Window.partitionBy("user_id").orderBy("as_of_date");
    WindowSpec upToDay = byDay.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec beforeDay = byDay.rowsBetween(Window.unboundedPreceding(), -1);
    Column active = coalesce(col("t_is_active"), lit(false));
    Column bought = coalesce(col("t_n_purchase"), lit(0L)).gt(0);
    Column day = col("as_of_date");

    Dataset<Row> withGap = dense
        .withColumn("prior_active", max(when(active, day)).over(beforeDay))
        .withColumn("gap_here", when(active, datediff(day, col("prior_active"))));
    Dataset<Row> state = withGap.select(
        col("user_id"),
        day,
        coalesce(col("u_registered"), min(when(coalesce(col("t_n_register"), lit(0L)).gt(0),
            day)).over(upToDay)).as("registered_date"),
        min(when(col("t_user_id").isNotNull(), day)).over(upToDay).as("first_seen_date"),
        max(when(active, day)).over(upToDay).as("last_active_date"),
        last(col("gap_here"), true).over(upToDay).as("previous_active_gap_days"),
        count(active, upToDay).as("active_days"),
        count(active, byDay.rowsBetween(-6, 0)).as("active_days_7"),
        count(active, byDay.rowsBetween(-29, 0)).as("active_days_30"),
        count(active, byDay.rowsBetween(-89, 0)).as("active_days_90"),
        sumOf("t_events", byDay.rowsBetween(-29, 0)).as("events_30"),
        sumOf("t_content_interactions", byDay.rowsBetween(-29, 0)).as("interactions_30"),
        sumOf("t_n_share", byDay.rowsBetween(-29, 0)).as("shares_30"),
        sumOf("t_n_push_sent", byDay.rowsBetween(-29, 0)).as("push_sent_30"),
        sumOf("t_n_push_open", byDay.rowsBetween(-29, 0)).as("push_open_30"),
        money("t_gmv", byDay.rowsBetween(-89, 0)).as("gmv_90"),
        min(when(bought, day)).over(upToDay).as("first_purchase_date"),
        max(when(bought, day)).over(upToDay).as("last_purchase_date"),
        count(bought, upToDay).as("purchase_days"),
        sumOf("t_n_purchase", upToDay).as("orders"),
        money("t_gmv", upToDay).as("gmv"),
        firstPurchaseDayGmv(bought, upToDay).as("first_purchase_day_gmv"),
        sumOf("t_n_refund", upToDay).as("refunds"),
        money("t_refund_amount", upToDay).as("refund_amount"),
        sumOf("t_n_complaint", upToDay).as("complaints"),
        sumOf("t_n_post", upToDay).as("posts"),
        sumOf("t_original_posts", upToDay).as("original_posts"),
        coalesce(last(col("t_membership_tier_set"), true).over(upToDay), col("u_tier"),
            lit("basic")).as("membership_tier"),
        col("u_followers").as("follower_count"));
    return state.where(day.geq(lit(Date.valueOf(from)))).selectExpr(stateColumns());
  }

  /**
   * Each (member, day) up to {@code to} from the member's first day, beside the day's activity
   * ({@code t_}) and the users snapshot ({@code u_}).
   */
  private static Dataset<Row> historyGrid(Dataset<Row> activity, Dataset<Row> users,
      LocalDate to) {
    Column end = lit(Date.valueOf(to));
    Dataset<Row> history = activity.where(col("activity_date").leq(end));
    Dataset<Row> starts = history.groupBy("user_id").agg(min("activity_date").as("first_day"))
        .join(users.where(col("u_registered").leq(end)).select("user_id", "u_registered"),
            JoinKeys.on("user_id"), "full")
        .select(col("user_id"), least(coalesce(col("first_day"), col("u_registered")),
            coalesce(col("u_registered"), col("first_day"))).as("start"));
    Dataset<Row> grid = starts.select(col("user_id"),
        explode(sequence(col("start"), end)).as("as_of_date"));
    Dataset<Row> a = prefix(history, "t_");
    return grid
        .join(a, col("user_id").equalTo(col("t_user_id"))
            .and(col("as_of_date").equalTo(col("t_activity_date"))), "left")
        .join(users, "user_id", "left");
  }

  private static String[] stateColumns() {
    return SharedTables.USER_STATE.schema().fieldNames();
  }

  private static Dataset<Row> prefix(Dataset<Row> df, String prefix) {
    Dataset<Row> out = df;
    for (String c : df.columns()) {
      out = out.withColumnRenamed(c, prefix + c);
    }
    return out;
  }

  private static Column flag(String column) {
    return coalesce(col(column), lit(false));
  }

  private static Column count(Column condition, WindowSpec frame) {
    return sum(when(condition, 1L).otherwise(0L)).over(frame);
  }

  private static Column sumOf(String column, WindowSpec frame) {
    return sum(coalesce(col(column), lit(0L))).over(frame);
  }

  /** The GMV of the first day with a purchase in the frame (null before it). */
  private static Column firstPurchaseDayGmv(Column bought, WindowSpec frame) {
    return first(when(bought, col("t_gmv")), true).over(frame).cast(MONEY);
  }

  private static Column money(String column, WindowSpec frame) {
    return sum(coalesce(col(column), lit(0).cast(MONEY))).over(frame).cast(MONEY);
  }
}
