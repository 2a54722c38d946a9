package com.community.analytics.common.catalog;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.lake.EventContract;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The gold and ml tables one job writes and other jobs read: the contracts between capabilities
 * (features' member activity, state and tags; churn's drift, which the cockpit alerts on). The
 * job that writes a table lists it among its own; the readers need only its spec.
 */
public final class SharedTables {
  private SharedTables() {}

  /** Event types counted per member and day, each as column {@code n_<type>}. */
  public static final List<String> COUNTED_TYPES = EventContract.EVENT_TYPE_LIST;

  /** Money as the tables store it. */
  public static final DataType MONEY = DataTypes.createDecimalType(18, 2);
  /** A score per name (topic, content type, model parameter). */
  public static final DataType SCORES =
      DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType);

  public static final TableSpec ACTIVITY_DAILY = new TableSpec("gold.user_activity_daily",
      "Member x business day aggregates of silver.events; recomputed for every date ingest "
          + "touched.", activitySchema(), "activity_date");

  private static StructType activitySchema() {
    List<StructField> f = new ArrayList<>();
    f.add(column("user_id", DataTypes.StringType, "member id"));
    f.add(column("activity_date", DataTypes.DateType, "business date (partition)"));
    f.add(column("is_active", DataTypes.BooleanType,
        "the member did something that counts as activity (config features.passive_event_types"
            + " lists what does not)"));
    f.add(column("events", DataTypes.LongType, "events of any type"));
    for (String t : COUNTED_TYPES) {
      f.add(column("n_" + t, DataTypes.LongType, t + " events"));
    }
    f.add(column("sessions", DataTypes.LongType, "distinct session ids"));
    f.add(column("dwell_ms", DataTypes.LongType, "total dwell time of content views (ms)"));
    f.add(column("content_interactions", DataTypes.LongType,
        "click, like, comment, share and collect events"));
    f.add(column("original_posts", DataTypes.LongType, "posts with properties.is_original"));
    f.add(column("gmv", MONEY, "purchase amounts"));
    f.add(column("refund_amount", MONEY, "refund amounts"));
    f.add(column("topic_engagement", SCORES,
        "weighted engagement per content topic (weights: tags.interests)"));
    f.add(column("content_type_engagement", SCORES, "weighted engagement per content type"));
    f.add(column("membership_tier_set", DataTypes.StringType,
        "last tier set by membership_change that day, if any"));
    return new StructType(f.toArray(new StructField[0]));
  }

  public static final TableSpec USER_STATE = new TableSpec("gold.user_state",
      "Member x as_of_date cumulative state: state(D) = state(D-1) combined with day D.",
      TableSpec.schema(
          column("user_id", DataTypes.StringType, "member id"),
          column("as_of_date", DataTypes.DateType, "snapshot date (partition)"),
          column("registered_date", DataTypes.DateType, "registration business date"),
          column("first_seen_date", DataTypes.DateType, "first day with any event"),
          column("last_active_date", DataTypes.DateType, "last day with activity"),
          column("previous_active_gap_days", DataTypes.IntegerType,
              "days between the last two active days (null: one or none)"),
          column("active_days", DataTypes.LongType, "days with activity, ever"),
          column("active_days_7", DataTypes.LongType, "active days in the 7 days to as_of_date"),
          column("active_days_30", DataTypes.LongType, "active days in the last 30 days"),
          column("active_days_90", DataTypes.LongType, "active days in the last 90 days"),
          column("events_30", DataTypes.LongType, "events in the last 30 days"),
          column("interactions_30", DataTypes.LongType, "content interactions, last 30 days"),
          column("shares_30", DataTypes.LongType, "shares in the last 30 days"),
          column("push_sent_30", DataTypes.LongType, "pushes received, last 30 days"),
          column("push_open_30", DataTypes.LongType, "pushes opened, last 30 days"),
          column("gmv_90", MONEY, "purchase amounts in the last 90 days"),
          column("first_purchase_date", DataTypes.DateType, "first purchase day"),
          column("last_purchase_date", DataTypes.DateType, "last purchase day"),
          column("purchase_days", DataTypes.LongType, "distinct days with a purchase"),
          column("orders", DataTypes.LongType, "purchases, ever"),
          column("gmv", MONEY, "purchase amounts, ever"),
          column("first_purchase_day_gmv", MONEY,
              "purchase amounts of the first purchase day (Gamma-Gamma leaves them out)"),
          column("refunds", DataTypes.LongType, "refunds, ever"),
          column("refund_amount", MONEY, "refund amounts, ever"),
          column("complaints", DataTypes.LongType, "complaints, ever"),
          column("posts", DataTypes.LongType, "posts, ever"),
          column("original_posts", DataTypes.LongType, "original posts, ever"),
          column("membership_tier", DataTypes.StringType,
              "tier as of the date: last membership_change, else the users snapshot, else basic"),
          column("follower_count", DataTypes.LongType, "followers (latest users snapshot)")),
      "as_of_date");

  public static final TableSpec CHURN_DRIFT = new TableSpec("ml.churn_drift",
      "As_of_date x feature: population stability index against the champion's training data.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "scoring date (partition)"),
          column("feature", DataTypes.StringType, "feature name"),
          column("psi", DataTypes.DoubleType, "population stability index"),
          column("warning", DataTypes.BooleanType, "psi >= churn.psi_warning"),
          column("model_version", DataTypes.IntegerType, "champion whose training data is "
              + "the reference")),
      "as_of_date");

  public static final TableSpec USER_TAGS = new TableSpec("gold.user_tags",
      "Member x as_of_date: the five tag dimensions, lifecycle stage, membership and persona.",
      TableSpec.schema(
          column("user_id", DataTypes.StringType, "member id"),
          column("as_of_date", DataTypes.DateType, "snapshot date (partition)"),
          column("ltv_tier", DataTypes.StringType, "high / medium / low / none by total LTV"),
          column("activity_level", DataTypes.StringType, "high / medium / low / silent"),
          column("top_topics", DataTypes.createArrayType(DataTypes.StringType),
              "preferred topics, strongest first"),
          column("top_content_types", DataTypes.createArrayType(DataTypes.StringType),
              "preferred content types, strongest first"),
          column("topic_scores", SCORES, "time-decayed weighted engagement per topic"),
          column("spending_power", DataTypes.StringType, "high / medium / low / none"),
          column("social_circle", DataTypes.StringType,
              "head_kol / waist_kol / koc / ordinary"),
          column("lifecycle_stage", DataTypes.StringType,
              "new / active / resurrected / dormant / churned"),
          column("membership_tier", DataTypes.StringType, "basic / growth / vip"),
          column("persona", DataTypes.StringType, "first matching persona rule")),
      "as_of_date");
}
