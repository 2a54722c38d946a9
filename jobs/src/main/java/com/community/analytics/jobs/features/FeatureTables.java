package com.community.analytics.jobs.features;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.TableSpec;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The gold tables only the features job reads and writes: LTV and its model fits. Its tables
 * that other jobs read (activity, state, tags) are in {@link SharedTables}.
 */
public final class FeatureTables {
  private FeatureTables() {}

  private static final DataType MONEY = SharedTables.MONEY;
  private static final DataType SCORES = SharedTables.SCORES;

  public static final TableSpec USER_LTV = new TableSpec("gold.user_ltv",
      "Member x as_of_date: historical value and BG/NBD + Gamma-Gamma predicted value.",
      TableSpec.schema(
          column("user_id", DataTypes.StringType, "member id"),
          column("as_of_date", DataTypes.DateType, "snapshot date (partition)"),
          column("historical_gmv", MONEY, "purchase amounts minus refunds, ever"),
          column("orders", DataTypes.LongType, "purchases, ever"),
          column("aov", DataTypes.DoubleType, "average order value (gross)"),
          column("monetary_value", DataTypes.DoubleType, "Gamma-Gamma m: mean gross spend per "
              + "repeat purchase day, the first purchase day left out (null: no repeat)"),
          column("first_purchase_date", DataTypes.DateType, "first purchase day"),
          column("last_purchase_date", DataTypes.DateType, "last purchase day"),
          column("frequency", DataTypes.LongType, "BG/NBD x: distinct repeat purchase days"),
          column("recency_days", DataTypes.LongType, "BG/NBD t_x: last - first purchase date"),
          column("age_days", DataTypes.LongType, "BG/NBD T: as_of_date - first purchase date"),
          column("probability_alive", DataTypes.DoubleType, "P(still buying)"),
          column("expected_purchases_30", DataTypes.DoubleType, "expected purchase days, next 30"),
          column("expected_purchases_90", DataTypes.DoubleType, "expected purchase days, next 90"),
          column("expected_purchases_365", DataTypes.DoubleType, "expected, next 365 days"),
          column("expected_spend", DataTypes.DoubleType, "Gamma-Gamma E(M | x, m): expected spend "
              + "per purchase day (one-time buyers: the population mean)"),
          column("predicted_clv_12m", DataTypes.DoubleType,
              "discounted predicted value of the next 12 months"),
          column("clv_by_month", DataTypes.createArrayType(DataTypes.DoubleType),
              "discounted predicted value of each of the next 12 months (sums to "
                  + "predicted_clv_12m)"),
          column("total_ltv", DataTypes.DoubleType, "historical_gmv + predicted_clv_12m"),
          column("ltv_tier", DataTypes.StringType, "tier of total_ltv (tags.ltv_tier)"),
          column("model_as_of", DataTypes.DateType, "as_of_date of the fit the prediction used")),
      "as_of_date");

  public static final TableSpec LTV_DIAGNOSTICS = new TableSpec("gold.ltv_diagnostics",
      "As_of_date x kind: the LTV model's diagnostics. frequency_recency: expected purchase "
          + "days in the next 30 days and P(alive) over a grid of frequency x recency at the "
          + "oldest buyer's age (per snapshot date, with the fit its predictions use); "
          + "calibration: predicted vs actual repeat purchase days in the holdout by calibration "
          + "frequency; tracking: cumulative expected vs actual repeat purchase days per day of "
          + "the holdout.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "fit date, or end of the holdout (partition)"),
          column("kind", DataTypes.StringType, "frequency_recency, calibration or tracking"),
          column("frequency", DataTypes.LongType, "repeat purchase days x (calibration: the "
              + "bucket, 4 standing for 4 and more)"),
          column("recency_days", DataTypes.LongType, "t_x (frequency_recency)"),
          column("age_days", DataTypes.LongType, "T (frequency_recency)"),
          column("day", DataTypes.IntegerType, "day of the holdout (tracking)"),
          column("expected_purchases_30", DataTypes.DoubleType,
              "expected purchase days in the next 30 days (frequency_recency)"),
          column("probability_alive", DataTypes.DoubleType, "P(alive) (frequency_recency)"),
          column("predicted", DataTypes.DoubleType, "predicted repeat purchase days "
              + "(calibration; tracking: cumulative to the day)"),
          column("actual", DataTypes.DoubleType, "actual repeat purchase days (calibration; "
              + "tracking: cumulative to the day)"),
          column("members", DataTypes.DoubleType, "members (calibration, tracking)")),
      "as_of_date");

  public static final TableSpec LTV_MODEL_FITS = new TableSpec("gold.ltv_model_fits",
      "As_of_date x model: fitted parameters and diagnostics, and holdout checks.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "end of the data the model saw"),
          column("model", DataTypes.StringType, "bgnbd or gamma_gamma"),
          column("segment", DataTypes.StringType,
              "fit, or holdout:<bucket> for calibration/holdout comparisons"),
          column("parameters", SCORES, "fitted parameters (BG/NBD rates per day)"),
          column("standard_errors", SCORES, "asymptotic standard error of each parameter "
              + "(observed information; NaN: not an interior maximum)"),
          column("log_likelihood", DataTypes.DoubleType, "mean log-likelihood per member"),
          column("members", DataTypes.DoubleType, "members fitted (sum of weights)"),
          column("summary_rows", DataTypes.LongType, "distinct summary rows fitted"),
          column("converged", DataTypes.BooleanType, "the optimizer converged"),
          column("frequency_monetary_correlation", DataTypes.DoubleType, "gamma_gamma: Pearson "
              + "r of frequency and monetary value over the fit sample (the model assumes 0)"),
          column("iterations", DataTypes.IntegerType, "optimizer iterations"),
          column("message", DataTypes.StringType, "fit outcome, or which earlier fit was used"),
          column("holdout_days", DataTypes.IntegerType, "holdout length (holdout rows)"),
          column("predicted_repeat", DataTypes.DoubleType, "predicted repeat purchase days"),
          column("actual_repeat", DataTypes.DoubleType, "actual repeat purchase days")),
      "as_of_date");
}
