package com.community.analytics.jobs.attribution;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.TableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The gold tables the attribution job writes. */
public final class AttributionTables {
  private AttributionTables() {}

  /** The attribution models, in the order the tables and the demo show them. */
  public static final List<String> MODELS = List.of("first_touch", "last_touch", "linear",
      "time_decay", "position_based", "markov", "shapley");

  /** Dimension value of a conversion without touches, and of rolled-up cube dimensions. */
  public static final String NO_TOUCH = "direct / no touch";
  public static final String ALL = "(all)";
  public static final List<String> DIMENSIONS = List.of("persona", "time_slot", "channel",
      "content_type");

  public static final TableSpec CREDITS = new TableSpec("gold.attribution_credits",
      "One row per conversion (purchase) x touch x model: the touch's share of the conversion "
          + "and of its GMV. For each conversion and model the credits sum to 1.",
      StructTypes.credits(), "conversion_date");

  public static final TableSpec CHANNEL_ATTRIBUTION = new TableSpec(
      "gold.channel_attribution", "Period end date x channel x model: conversions and GMV "
          + "credited to the channel over the period ending that date, and its share; the "
          + "Markov rows from the journeys whose outcome is final on that date.",
      StructTypes.channels(), "period_end");

  public static final TableSpec CONTENT_PERFORMANCE = new TableSpec(
      "gold.content_performance", "Date x persona x time_slot x channel x content_type with "
          + "every roll-up: engagement of the day's touches and the day's conversions credited "
          + "to them per model. Rolled-up dimensions read '(all)'; rolled_up names them.",
      StructTypes.cube(), "date");

  public static final TableSpec TOP_CONTENT = new TableSpec("gold.top_content",
      "Date x content: the day's top content items by GMV credited by the linear model, with "
          + "engagement and the GMV credited by every model.", StructTypes.topContent(), "date");

  private static final class StructTypes {
    static StructType credits() {
      return TableSpec.schema(
          column("conversion_id", DataTypes.StringType, "event_id of the purchase"),
          column("order_id", DataTypes.StringType, "order of the purchase"),
          column("user_id", DataTypes.StringType, "member"),
          column("conversion_time", DataTypes.TimestampType, "purchase time (UTC)"),
          column("conversion_date", DataTypes.DateType,
              "business date of the purchase (partition)"),
          column("amount", DataTypes.DoubleType, "order amount"),
          column("model", DataTypes.StringType, String.join(", ", MODELS)),
          column("touch_index", DataTypes.IntegerType, "1-based position of the touch in the "
              + "journey (0: a conversion with no touch)"),
          column("touches", DataTypes.IntegerType, "touches in the journey"),
          column("touch_event_id", DataTypes.StringType, "event_id of the touch (null: no touch)"),
          column("touch_time", DataTypes.TimestampType, "touch time (UTC)"),
          column("touch_type", DataTypes.StringType, "event type of the touch"),
          column("content_id", DataTypes.StringType, "content touched"),
          column("channel", DataTypes.StringType, "channel of the touch, or '" + NO_TOUCH + "'"),
          column("content_type", DataTypes.StringType, "type of the content touched"),
          column("time_slot", DataTypes.StringType, "time slot of the touch's local hour"),
          column("persona", DataTypes.StringType, "member's persona at the touch date"),
          column("credit", DataTypes.DoubleType, "share of the conversion (0-1)"),
          column("credited_gmv", DataTypes.DoubleType, "credit x amount"));
    }

    static StructType channels() {
      return TableSpec.schema(
          column("period_end", DataTypes.DateType, "last day of the period (partition)"),
          column("period_days", DataTypes.IntegerType, "days in the period"),
          column("dimension", DataTypes.StringType, "what the channel column holds: channel, "
              + "or content_type when attribution.markov.state is content_type"),
          column("channel", DataTypes.StringType, "channel (or content type), or '" + NO_TOUCH
              + "'"),
          column("model", DataTypes.StringType, String.join(", ", MODELS)),
          column("conversions", DataTypes.DoubleType, "conversions credited to the channel"),
          column("gmv", DataTypes.DoubleType, "GMV credited to the channel"),
          column("share", DataTypes.DoubleType, "channel's share of the period's conversions"),
          column("removal_effect", DataTypes.DoubleType, "markov only: relative drop of the "
              + "conversion probability without the channel (its contribution)"),
          column("conversion_probability", DataTypes.DoubleType, "markov only: chance that a "
              + "journey at the channel ends in a purchase (its effectiveness)"),
          column("shapley_value", DataTypes.DoubleType, "shapley only: the channel's exact "
              + "Shapley value in the game whose worth is a channel set's conversion rate"),
          column("touches", DataTypes.LongType, "touches through the channel in the period's "
              + "final journeys (same for every model)"),
          column("touches_from", DataTypes.DateType, "first last-touch day of the period's final "
              + "journeys (period_end - period_days - 2 x lookback + 2), which markov and "
              + "shapley are solved on"),
          column("touches_to", DataTypes.DateType, "last last-touch day of the final journeys "
              + "(period_end - 2 x lookback + 1)"),
          column("final", DataTypes.BooleanType, "every journey of the touch window had its "
              + "outcome by period_end (converters and non-converters alike); events arriving "
              + "late for those days change it only when the period is rerun"));
    }

    static StructType cube() {
      List<StructField> f = new ArrayList<>();
      f.add(column("date", DataTypes.DateType, "business date (partition)"));
      f.add(column("persona", DataTypes.StringType, "member persona at the touch, or (all)"));
      f.add(column("time_slot", DataTypes.StringType, "time slot of the touch, or (all)"));
      f.add(column("channel", DataTypes.StringType, "channel of the touch, or (all)"));
      f.add(column("content_type", DataTypes.StringType, "content type, or (all)"));
      f.add(column("rolled_up", DataTypes.StringType, "the dimensions rolled up, comma-separated "
          + "('' for detail rows, all four for the grand total)"));
      f.add(column("impressions", DataTypes.LongType, "content views"));
      f.add(column("unique_viewers", DataTypes.LongType, "distinct members who viewed"));
      f.add(column("avg_dwell_seconds", DataTypes.DoubleType, "mean dwell time of the views"));
      f.add(column("likes", DataTypes.LongType, "likes"));
      f.add(column("comments", DataTypes.LongType, "comments"));
      f.add(column("collects", DataTypes.LongType, "collects"));
      f.add(column("shares", DataTypes.LongType, "shares"));
      f.add(column("interaction_rate", DataTypes.DoubleType,
          "(likes + comments + collects + shares) / impressions"));
      f.add(column("share_rate", DataTypes.DoubleType, "shares / impressions"));
      for (String m : MODELS) {
        f.add(column("conversions_" + m, DataTypes.DoubleType,
            "the day's conversions credited to these touches by " + m));
        f.add(column("gmv_" + m, DataTypes.DoubleType, "GMV credited by " + m));
        f.add(column("conversion_rate_" + m, DataTypes.DoubleType,
            "conversions_" + m + " / unique_viewers"));
      }
      return new StructType(f.toArray(new StructField[0]));
    }

    static StructType topContent() {
      List<StructField> f = new ArrayList<>();
      f.add(column("date", DataTypes.DateType, "business date (partition)"));
      f.add(column("rank", DataTypes.IntegerType, "1 = most GMV credited by the linear model"));
      f.add(column("content_id", DataTypes.StringType, "content"));
      f.add(column("content_type", DataTypes.StringType, "content type"));
      f.add(column("topic", DataTypes.StringType, "topic"));
      f.add(column("impressions", DataTypes.LongType, "views that day"));
      f.add(column("unique_viewers", DataTypes.LongType, "distinct members who viewed"));
      f.add(column("interactions", DataTypes.LongType, "likes, comments, collects and shares"));
      for (String m : MODELS) {
        f.add(column("gmv_" + m, DataTypes.DoubleType, "GMV credited by " + m));
      }
      return new StructType(f.toArray(new StructField[0]));
    }
  }
}
