package com.community.analytics.jobs.churn;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.TableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The tables of the churn jobs. */
public final class ChurnTables {
  private ChurnTables() {}

  public static final TableSpec TRAINING_SET = new TableSpec("ml.churn_training_set",
      "Member x cutoff: point-in-time features, label (no activity in the horizon after the "
          + "cutoff) and split (train / validation / test by cutoff).", trainingSchema(),
      "cutoff");

  private static StructType trainingSchema() {
    List<StructField> f = new ArrayList<>();
    f.add(column("user_id", DataTypes.StringType, "member id"));
    f.add(column("cutoff", DataTypes.DateType, "cutoff date; features use data up to it"));
    f.add(column("membership_tier", DataTypes.StringType, "tier on the cutoff"));
    for (String n : ChurnFeatures.numericFeatures()) {
      f.add(column(n, DataTypes.DoubleType, "feature " + n + " as of the cutoff"));
    }
    f.add(column("label", DataTypes.DoubleType, "1: no activity in (cutoff, cutoff + horizon]"));
    f.add(column("split", DataTypes.StringType, "train, validation or test"));
    return new StructType(f.toArray(new StructField[0]));
  }

  public static final TableSpec MODELS = new TableSpec("ml.churn_models",
      "One row per trained churn model version, with its status in the registry.",
      TableSpec.schema(
          column("version", DataTypes.IntegerType, "model version, 1, 2, ..."),
          column("trained_at", DataTypes.TimestampType, "when it was trained (UTC)"),
          column("data_until", DataTypes.DateType, "last day of data it saw"),
          column("train_cutoffs", DataTypes.createArrayType(DataTypes.DateType),
              "cutoffs it was trained on"),
          column("validation_cutoff", DataTypes.DateType, "cutoff it was tuned and calibrated on"),
          column("test_cutoff", DataTypes.DateType, "cutoff it was measured on"),
          column("algorithm", DataTypes.StringType, "gbt or logistic_regression"),
          column("params", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
              "chosen hyperparameters"),
          column("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
              "test metrics: auc_roc, auc_pr, log_loss, brier, top_decile_lift, ..."),
          column("features", DataTypes.createArrayType(DataTypes.StringType),
              "features the model expects"),
          column("importances", DataTypes.createMapType(DataTypes.StringType,
              DataTypes.DoubleType), "MLlib's gain feature importances (GBT)"),
          column("mean_abs_shap", DataTypes.createMapType(DataTypes.StringType,
              DataTypes.DoubleType), "mean |SHAP value| per feature over the test rows "
              + "(log-odds; TreeSHAP for the GBT, linear SHAP for the logistic baseline)"),
          column("calibration", DataTypes.createArrayType(new StructType()
              .add("bucket", DataTypes.IntegerType).add("predicted", DataTypes.DoubleType)
              .add("observed", DataTypes.DoubleType).add("members", DataTypes.LongType)),
              "test-set deciles of calibrated probability: mean predicted vs observed churn"),
          column("status", DataTypes.StringType, "champion, challenger or retired"),
          column("promoted_at", DataTypes.TimestampType, "last time it became champion"),
          column("decision", DataTypes.StringType, "why it has its status"),
          column("path", DataTypes.StringType, "where the pipeline and calibrator are saved")),
      null);

  public static final TableSpec MODEL_EVENTS = new TableSpec("ml.churn_model_events",
      "The registry's audit log: one row per train, promote, retire and rollback of a churn "
          + "model version.",
      TableSpec.schema(
          column("event_time", DataTypes.TimestampType, "when the change was made (UTC)"),
          column("action", DataTypes.StringType, "train, promote, retire or rollback"),
          column("version", DataTypes.IntegerType, "the model version whose status changed"),
          column("from_status", DataTypes.StringType, "status before (null: a new version)"),
          column("to_status", DataTypes.StringType, "champion, challenger or retired"),
          column("requested_by", DataTypes.StringType, "who asked (--requested-by, default "
              + "the OS user)"),
          column("reason", DataTypes.StringType, "the promotion rule's outcome or the "
              + "operator's --reason"),
          column("metrics", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType),
              "the version's test metrics at the time")),
      null);

  public static final TableSpec SCORES = new TableSpec("gold.churn_scores",
      "Member x as_of_date: calibrated churn probability of members not churned on the date.",
      TableSpec.schema(
          column("user_id", DataTypes.StringType, "member id"),
          column("as_of_date", DataTypes.DateType, "scoring date (partition)"),
          column("churn_probability", DataTypes.DoubleType, "calibrated P(no activity in "
              + "the horizon)"),
          column("risk_tier", DataTypes.StringType, "high / medium / low (churn.risk_tiers)"),
          column("model_version", DataTypes.IntegerType, "champion version that scored"),
          column("reasons", ChurnExplainer.REASONS, "up to three features that raise the "
              + "member's churn log-odds most, largest first: feature, value, contribution "
              + "(SHAP value, log-odds)"),
          column("log_odds", DataTypes.DoubleType, "the model's uncalibrated log-odds of churn"),
          column("expected_log_odds", DataTypes.DoubleType, "the baseline: the model's mean "
              + "log-odds over its training data with both classes weighing the same; log_odds "
              + "= expected_log_odds + every feature's contribution")),
      "as_of_date");

  public static final TableSpec ACTIONS = new TableSpec("gold.retention_actions",
      "Member x as_of_date: the lifecycle play, its offer and when to send it.",
      TableSpec.schema(
          column("user_id", DataTypes.StringType, "member id"),
          column("as_of_date", DataTypes.DateType, "decision date (partition)"),
          column("play", DataTypes.StringType, "churn_warning, recall or growth (new members)"),
          column("offer", DataTypes.StringType, "what the member gets (churn.plays)"),
          column("reason", DataTypes.StringType, "why this play"),
          column("send_at", DataTypes.TimestampType,
              "next allowed moment: outside quiet hours and the frequency cap (UTC)"),
          column("churn_probability", DataTypes.DoubleType, "score behind the decision")),
      "as_of_date");

  public static final TableSpec RETENTION_CURVES = new TableSpec("gold.retention_curves",
      "As_of_date x dimension (cohort, persona) x segment x day: the Kaplan-Meier survival of "
          + "members from registration to churn (last active day + churn.horizon_days), "
          + "right-censored at the date, with Greenwood 95% intervals.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "the date lifetimes are censored at "
              + "(partition)"),
          column("dimension", DataTypes.StringType, "cohort (week of registration) or persona"),
          column("segment", DataTypes.StringType, "the cohort's Monday (yyyy-MM-dd) or the "
              + "persona ((none): no persona)"),
          column("day", DataTypes.IntegerType, "days since registration"),
          column("at_risk", DataTypes.LongType, "members still in the segment on that day"),
          column("churned", DataTypes.LongType, "members who churned on that day"),
          column("censored", DataTypes.LongType, "members still members at the date whose "
              + "follow-up ends on that day"),
          column("survival", DataTypes.DoubleType, "Kaplan-Meier share still a member after "
              + "that day"),
          column("ci_lower", DataTypes.DoubleType, "95% interval, lower (Greenwood, log-log)"),
          column("ci_upper", DataTypes.DoubleType, "95% interval, upper"),
          column("median_days", DataTypes.IntegerType, "the segment's median lifetime: first "
              + "day survival <= 0.5; null when not reached"),
          column("members", DataTypes.LongType, "members in the segment")),
      "as_of_date");

  public static final TableSpec RETENTION_TESTS = new TableSpec("gold.retention_tests",
      "As_of_date x dimension: the log-rank test that every segment of the dimension has the "
          + "same survival curve.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "as gold.retention_curves (partition)"),
          column("dimension", DataTypes.StringType, "cohort or persona"),
          column("test", DataTypes.StringType, "log-rank (k groups, hypergeometric variance)"),
          column("segments", DataTypes.IntegerType, "segments compared (k): those with a "
              + "member still in at the first churn (a cohort too new to churn is left out)"),
          column("members", DataTypes.LongType, "members in the test"),
          column("churned", DataTypes.LongType, "churns observed"),
          column("statistic", DataTypes.DoubleType, "chi-square statistic"),
          column("degrees_of_freedom", DataTypes.IntegerType, "k - 1"),
          column("p_value", DataTypes.DoubleType, "chance of a statistic this large when every "
              + "segment has the same survival")),
      "as_of_date");
}
