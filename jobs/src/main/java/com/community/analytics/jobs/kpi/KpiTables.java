package com.community.analytics.jobs.kpi;

import static com.community.analytics.common.catalog.TableSpec.column;

import com.community.analytics.common.catalog.TableSpec;
import org.apache.spark.sql.types.DataTypes;

/** The gold tables the kpi job writes: the cockpit. */
public final class KpiTables {
  private KpiTables() {}

  /** Channel or content type of a funnel row rolled up over that dimension. */
  public static final String ALL = "(all)";

  public static final TableSpec KPI_DAILY = new TableSpec("gold.kpi_daily",
      "Date x KPI: value, target and green/yellow/red status from conf/kpis.yaml, compared with "
          + "the previous day and the trailing mean.",
      TableSpec.schema(
          column("date", DataTypes.DateType, "business date (partition)"),
          column("kpi", DataTypes.StringType, "KPI name, e.g. dau, conversion_rate"),
          column("value", DataTypes.DoubleType, "value on the date (null: nothing to measure)"),
          column("unit", DataTypes.StringType, "members, ratio, currency or events"),
          column("target", DataTypes.DoubleType, "target from kpi.targets (null: none)"),
          column("direction", DataTypes.StringType, "higher or lower is better (null: no target)"),
          column("warning_band", DataTypes.DoubleType,
              "relative miss of the target still shown yellow"),
          column("status", DataTypes.StringType, "green, yellow, red, no_data or none"),
          column("previous_value", DataTypes.DoubleType, "value on the day before"),
          column("change_vs_previous", DataTypes.DoubleType,
              "value / previous_value - 1 (null when the previous value is null or 0)"),
          column("trailing_mean", DataTypes.DoubleType,
              "mean value over the kpi.trailing_days days before the date"),
          column("change_vs_trailing_mean", DataTypes.DoubleType,
              "value / trailing_mean - 1"),
          column("previous_status", DataTypes.StringType, "status on the day before"),
          column("definition", DataTypes.StringType, "how the KPI is computed")),
      "date");

  public static final TableSpec COHORT_RETENTION = new TableSpec("gold.cohort_retention",
      "As-of date x weekly registration cohort x weeks since joining: members of the cohort "
          + "active in that week.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "data up to this date (partition)"),
          column("cohort_week", DataTypes.DateType, "Monday of the registration week"),
          column("weeks_since_joining", DataTypes.IntegerType, "0 = the registration week"),
          column("cohort_size", DataTypes.LongType, "members who registered that week"),
          column("retained_members", DataTypes.LongType, "cohort members active in the week"),
          column("retention_rate", DataTypes.DoubleType, "retained_members / cohort_size"),
          column("week_complete", DataTypes.BooleanType,
              "the week ended on or before as_of_date")),
      "as_of_date");

  public static final TableSpec ALERTS = new TableSpec("gold.alerts",
      "One row per alert raised for a date: level 1 business, level 2 KPI, level 3 data or "
          + "system trouble; thresholds from kpi.alerts in conf/kpis.yaml.",
      TableSpec.schema(
          column("date", DataTypes.DateType, "business date the alert is about (partition)"),
          column("level", DataTypes.IntegerType, "1, 2 or 3 (3: data or system trouble)"),
          column("rule", DataTypes.StringType, "rule that fired, e.g. complaints_per_day"),
          column("subject", DataTypes.StringType, "what it is about: a KPI, folder, job, feature"),
          column("observed", DataTypes.DoubleType, "observed value (null: a fact, not a number)"),
          column("threshold", DataTypes.DoubleType, "threshold it crossed"),
          column("message", DataTypes.StringType, "one line for the on-call person")),
      "date");

  public static final TableSpec FUNNEL_DAILY = new TableSpec("gold.funnel_daily",
      "Date x channel x content type x step: members reached by content, members who "
          + "interacted, members who then purchased within kpi.funnel.action_window_hours. "
          + "'(all)' rows roll a dimension up.",
      TableSpec.schema(
          column("date", DataTypes.DateType, "business date of the reach (partition)"),
          column("channel", DataTypes.StringType, "channel of the touch, or (all)"),
          column("content_type", DataTypes.StringType, "content type, or (all)"),
          column("step", DataTypes.StringType, "reach, interaction or action"),
          column("step_order", DataTypes.IntegerType, "1, 2, 3"),
          column("members", DataTypes.LongType, "distinct members at the step"),
          column("step_rate", DataTypes.DoubleType, "members / members of the previous step"),
          column("reach_rate", DataTypes.DoubleType, "members / members reached"),
          column("window_complete", DataTypes.BooleanType,
              "the action window of every interaction of the date has passed")),
      "date");

  public static final TableSpec EXPERIMENT_RESULTS = new TableSpec("gold.experiment_results",
      "As-of date x experiment x variant x metric: exposed members, the rate, lift over control "
          + "plain and CUPED-adjusted with fixed-horizon intervals, the always-valid confidence "
          + "sequence, Holm-adjusted p-value, chance to win, guardrails and the experiment's "
          + "health.",
      TableSpec.schema(
          column("as_of_date", DataTypes.DateType, "data up to this date (partition)"),
          column("experiment_id", DataTypes.StringType, "experiment"),
          column("variant", DataTypes.StringType, "variant of the members' first exposure"),
          column("metric", DataTypes.StringType, "ctr, share_rate, conversion_rate, "
              + "complaints_per_member or push_opens_per_member"),
          column("role", DataTypes.StringType,
              "goal (kpi.experiments.goal_metrics) or guardrail (kpi.experiments.guardrails)"),
          column("method", DataTypes.StringType, "kpi.experiments.method: sequential or fixed"),
          column("period_start", DataTypes.DateType, "first exposure date seen"),
          column("period_end", DataTypes.DateType, "last exposure date up to as_of_date"),
          column("exposed_members", DataTypes.LongType, "members first exposed to the variant"),
          column("numerator", DataTypes.DoubleType,
              "clicks, shares, converted members, complaints or push opens"),
          column("denominator", DataTypes.DoubleType, "views, or exposed members"),
          column("rate", DataTypes.DoubleType, "numerator / denominator"),
          column("control_rate", DataTypes.DoubleType, "the control variant's rate"),
          column("lift", DataTypes.DoubleType, "rate / control_rate - 1, plain (null for "
              + "control)"),
          column("lift_ci_low", DataTypes.DoubleType, "lower end of the plain lift's "
              + "fixed-horizon interval (goal rows at 1 - alpha / m for the m goal comparisons, "
              + "guardrail rows at 1 - alpha)"),
          column("lift_ci_high", DataTypes.DoubleType, "upper end of that interval"),
          column("lift_cuped", DataTypes.DoubleType, "the CUPED-adjusted lift (null when CUPED "
              + "is off or the pre-exposure window explains nothing)"),
          column("lift_cuped_ci_low", DataTypes.DoubleType,
              "lower end of the adjusted lift's fixed-horizon interval"),
          column("lift_cuped_ci_high", DataTypes.DoubleType, "upper end of that interval"),
          column("cuped_variance_reduction", DataTypes.DoubleType,
              "1 - Var(adjusted lift) / Var(plain lift)"),
          column("lift_cs_low", DataTypes.DoubleType, "lower end of the always-valid confidence "
              + "sequence of the primary (CUPED when applied) lift"),
          column("lift_cs_high", DataTypes.DoubleType, "upper end of that sequence"),
          column("z_score", DataTypes.DoubleType, "z statistic of the primary difference"),
          column("p_value", DataTypes.DoubleType, "two-sided fixed-horizon p-value of the z-test"),
          column("p_value_sequential", DataTypes.DoubleType,
              "always-valid p-value (normal-mixture SPRT)"),
          column("p_value_adjusted", DataTypes.DoubleType, "the method's p-value, Holm-adjusted "
              + "over the experiment's goal metrics x treatment variants (guardrails: as is)"),
          column("significant", DataTypes.BooleanType,
              "p_value_adjusted < kpi.experiments.alpha and the experiment is healthy"),
          column("chance_to_win", DataTypes.DoubleType,
              "posterior P(true lift > 0), prior N(0, kpi.experiments.bayesian.prior_sd^2)"),
          column("expected_loss", DataTypes.DoubleType,
              "posterior E[max(0, -true lift)]: the lift lost on average by shipping"),
          column("guardrail_breached", DataTypes.BooleanType, "guardrail rows: treatment "
              + "significantly worse than control by more than the tolerance (the method's test)"),
          column("guardrail_breaches", DataTypes.StringType, "the experiment's breached "
              + "guardrails as variant/metric, on every row of it (null: none)"),
          column("expected_share", DataTypes.DoubleType, "planned share of members"),
          column("srm_chi_square", DataTypes.DoubleType, "chi-square of members vs the plan"),
          column("srm_p_value", DataTypes.DoubleType, "p-value of the SRM chi-square"),
          column("srm_p_value_sequential", DataTypes.DoubleType,
              "always-valid SRM p-value (Dirichlet-multinomial mixture)"),
          column("srm_mismatch", DataTypes.BooleanType,
              "the method's SRM p-value < kpi.experiments.srm_alpha"),
          column("health", DataTypes.StringType, "healthy or unhealthy"),
          column("health_reasons", DataTypes.StringType,
              "why unhealthy: sample ratio, members in several variants, early exposures")),
      "as_of_date");
}
