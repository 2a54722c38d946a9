package com.community.analytics.jobs.kpi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.testing.SparkTestSession;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The funnel's steps and window, and A/B membership by first exposure, on crafted events. */
class FunnelAndExperimentsTest {
  private final SparkSession spark = SparkTestSession.get();

  private static final StructType EVENTS = new StructType()
      .add("event_date", DataTypes.DateType).add("event_time", DataTypes.TimestampType)
      .add("user_id", DataTypes.StringType).add("event_type", DataTypes.StringType)
      .add("content_id", DataTypes.StringType).add("channel", DataTypes.StringType)
      .add("experiment_id", DataTypes.StringType).add("variant", DataTypes.StringType);

  private static Row ev(String time, String user, String type, String content, String channel) {
    Timestamp t = Timestamp.valueOf(time);
    return RowFactory.create(Date.valueOf(time.substring(0, 10)), t, user, type, content,
        channel, null, null);
  }

  private static Row exposure(String time, String user, String experiment, String variant) {
    Timestamp t = Timestamp.valueOf(time);
    return RowFactory.create(Date.valueOf(time.substring(0, 10)), t, user,
        "experiment_exposure", null, null, experiment, variant);
  }

  private Dataset<Row> funnel(String to) {
    Dataset<Row> events = spark.createDataFrame(List.of(
        // u1: reached on feed (article), likes, buys 10 hours later: an action.
        ev("2026-03-01 10:00:00", "u1", "content_view", "a1", "feed"),
        ev("2026-03-01 10:05:00", "u1", "like", "a1", "feed"),
        ev("2026-03-01 20:05:00", "u1", "purchase", null, "direct"),
        // u2: reached and shares on feed, buys 30 hours later: outside the 24-hour window.
        ev("2026-03-01 11:00:00", "u2", "content_view", "a1", "feed"),
        ev("2026-03-01 11:01:00", "u2", "share", "a1", "feed"),
        ev("2026-03-02 17:01:00", "u2", "purchase", null, "direct"),
        // u3: reached through search (video), clicks (not an interaction), buys: no step 2.
        ev("2026-03-01 12:00:00", "u3", "content_view", "v1", "search"),
        ev("2026-03-01 12:01:00", "u3", "click", "v1", "search"),
        ev("2026-03-01 12:30:00", "u3", "purchase", null, "direct"),
        // u4: a like on feed without a view there: not reached, so not in the funnel.
        ev("2026-03-01 13:00:00", "u4", "content_view", "v1", "search"),
        ev("2026-03-01 13:01:00", "u4", "like", "a1", "feed")), EVENTS);
    Dataset<Row> content = spark.createDataFrame(List.of(
        RowFactory.create("a1", "article"), RowFactory.create("v1", "short_video")),
        new StructType().add("content_id", DataTypes.StringType)
            .add("content_type", DataTypes.StringType));
    return Funnel.daily(events, content, List.of("like", "comment", "collect", "share"), 24,
        java.time.LocalDate.parse("2026-03-01"), java.time.LocalDate.parse(to));
  }

  @Test
  void reachInteractionActionPerChannelAndContentTypeWithRollUps() {
    List<String> actual = funnel("2026-03-02").where("date = '2026-03-01'")
        .orderBy("channel", "content_type", "step_order")
        .selectExpr("concat_ws(' ', channel, content_type, step, members, "
            + "coalesce(round(step_rate, 4), '-'), round(reach_rate, 4), window_complete)")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
    List<String> expected = List.of(
        "(all) (all) reach 4 - 1.0 true",
        "(all) (all) interaction 2 0.5 0.5 true",
        "(all) (all) action 1 0.5 0.25 true",
        "(all) article reach 2 - 1.0 true",
        "(all) article interaction 2 1.0 1.0 true",
        "(all) article action 1 0.5 0.5 true",
        "(all) short_video reach 2 - 1.0 true",
        "(all) short_video interaction 0 0.0 0.0 true",
        "(all) short_video action 0 - 0.0 true",
        "feed (all) reach 2 - 1.0 true",
        "feed (all) interaction 2 1.0 1.0 true",
        "feed (all) action 1 0.5 0.5 true",
        "feed article reach 2 - 1.0 true",
        "feed article interaction 2 1.0 1.0 true",
        "feed article action 1 0.5 0.5 true",
        "search (all) reach 2 - 1.0 true",
        "search (all) interaction 0 0.0 0.0 true",
        "search (all) action 0 - 0.0 true",
        "search short_video reach 2 - 1.0 true",
        "search short_video interaction 0 0.0 0.0 true",
        "search short_video action 0 - 0.0 true");
    assertEquals(expected, actual);
  }

  @Test
  void aDateWhoseActionWindowIsStillOpenIsMarkedIncomplete() {
    List<Row> rows = funnel("2026-03-01").where("date = '2026-03-01'")
        .select("window_complete").distinct().collectAsList();
    assertEquals(List.of(RowFactory.create(false)).toString(), rows.toString());
  }

  @Test
  void membersCountInTheVariantOfTheirFirstExposureFromThatMomentOn() {
    Dataset<Row> events = spark.createDataFrame(List.of(
        ev("2026-03-01 08:00:00", "u1", "content_view", "a1", "feed"), // before exposure
        exposure("2026-03-01 09:00:00", "u1", "e", "control"),
        ev("2026-03-01 09:30:00", "u1", "content_view", "a1", "feed"),
        ev("2026-03-01 09:31:00", "u1", "click", "a1", "feed"),
        exposure("2026-03-02 09:00:00", "u1", "e", "treatment"),        // later: ignored
        ev("2026-03-02 10:00:00", "u1", "content_view", "a1", "feed"),
        ev("2026-03-02 10:00:01", "u1", "share", "a1", "feed"),
        exposure("2026-03-01 12:00:00", "u2", "e", "treatment"),
        ev("2026-03-01 12:10:00", "u2", "content_view", "a1", "feed"),
        ev("2026-03-01 12:20:00", "u2", "purchase", null, "direct"),
        exposure("2026-03-02 12:00:00", "u3", "e", "treatment"),         // nothing else
        ev("2026-03-04 10:00:00", "u2", "content_view", "a1", "feed")),  // after the period
        EVENTS);
    Dataset<Row> asOf = spark.createDataFrame(List.of(
        RowFactory.create(Date.valueOf("2026-03-04"))),
        new StructType().add("as_of_date", DataTypes.DateType));
    List<String> actual = Experiments.variantSums(events, asOf, 120, 14).orderBy("variant")
        .collectAsList().stream().map(ExperimentStats.VariantSums::of).map(v -> {
          Moments m = v.moments();
          int views = Experiments.index("views");
          return String.join(" ", v.variant(), v.periodStart().toString(),
              v.periodEnd().toString(), "members " + v.members(), "switched " + v.switched(),
              sum(m, "views"), sum(m, "clicks"), sum(m, "shares"), sum(m, "converted"),
              "views_sq " + (long) m.products()[views][views],
              "views_clicks " + (long) m.products()[views][Experiments.index("clicks")],
              "shares_pre_views " + (long) m.products()[Experiments.index("pre_views")]
                  [Experiments.index("shares")],
              sum(m, "pre_views"), sum(m, "pre_clicks"), sum(m, "no_pre"));
        }).toList();
    // u1 viewed once before exposure; u2 and u3 did nothing in the 14 days before theirs.
    assertEquals(List.of(
        "control 2026-03-01 2026-03-02 members 1 switched 1 views 2 clicks 1 shares 1 "
            + "converted 0 views_sq 4 views_clicks 2 shares_pre_views 1 pre_views 1 pre_clicks 0 "
            + "no_pre 0",
        "treatment 2026-03-01 2026-03-02 members 2 switched 0 views 1 clicks 0 shares 0 "
            + "converted 1 views_sq 1 views_clicks 0 shares_pre_views 0 pre_views 0 pre_clicks 0 "
            + "no_pre 2"), actual);
  }

  private static String sum(Moments m, String variable) {
    return variable + " " + (long) m.sums()[Experiments.index(variable)];
  }
}
