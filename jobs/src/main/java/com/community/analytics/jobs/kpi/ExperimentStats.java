package com.community.analytics.jobs.kpi;

import static com.community.analytics.jobs.kpi.Experiments.index;

import com.community.analytics.common.spark.RowBuilder;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.Row;

/**
 * The A/B read-out of each experiment from its per-variant {@link Moments}: for every treatment
 * variant and metric, the lift over control, plain and CUPED-adjusted ({@link Cuped}), each with
 * a fixed-horizon interval and z-test; an always-valid confidence sequence and p-value
 * ({@link ConfidenceSequence}); the chance to beat control and the expected loss
 * ({@link BayesianLift}); Holm's correction ({@link Holm}) over the experiment's goal metrics x
 * treatment variants; guardrails; and the experiment's health.
 *
 * <p>Conversion rate is a proportion of members, tested plain with the pooled two-proportion
 * z-test. Per-view rates (CTR, share rate) are ratios whose views are not independent (members
 * are what was randomised), so their variance comes from the delta method over members. The
 * lift interval uses the delta method for the ratio of the two rates. The primary estimate is
 * the CUPED one when {@code kpi.experiments.cuped.pre_days} > 0 and the pre-period explains
 * anything, else the plain one; {@code significant} follows {@code kpi.experiments.method}:
 * the always-valid p-value (sequential, the default: read any day) or the z-test's (fixed: one
 * planned look). Intervals of goal metrics are at 1 - alpha / m (m comparisons), so they hold
 * together; guardrails at 1 - alpha each. The sequential p-value and sequence are on the lift,
 * so a goal row's sequence at 1 - alpha / m excludes 0 exactly when Bonferroni would declare it;
 * Holm, a step-down procedure without matching intervals, may declare a little more. A
 * guardrail is breached when the treatment is significantly worse than control by more than
 * its tolerance (the test of treatment - (1 +- tolerance) control = 0 by the method, not
 * Holm-corrected: a guardrail should err on the side of alarm).
 *
 * <p>Health: the sample ratio against the planned split (Pearson's chi-square for a fixed look;
 * for daily looks the Dirichlet-multinomial mixture test of Lindon and Malek 2022, "Anytime-valid
 * inference for multinomial count data", NeurIPS), the share of members exposed to more than
 * one variant, and exposures before a configured start date. An unhealthy experiment declares
 * nothing significant.
 */
public final class ExperimentStats {
  private ExperimentStats() {}

  private static final NormalDistribution NORMAL = new NormalDistribution();
  /** Prior weight (pseudo-members) of the sequential SRM test's Dirichlet, centred on the plan. */
  private static final double SRM_PRIOR_MEMBERS = 100;

  /**
   * An A/B metric: the group value during and before exposure, and whether it is a proportion
   * of members (tested plain with the pooled two-proportion z-test).
   */
  public record Metric(String name, Ratio during, Ratio before, boolean proportionOfMembers) {}

  public static final Map<String, Metric> METRICS = metrics(
      new Metric("ctr", ratio("clicks", "views"), ratio("pre_clicks", "pre_views"), false),
      new Metric("share_rate", ratio("shares", "views"), ratio("pre_shares", "pre_views"),
          false),
      new Metric("conversion_rate", mean("converted"), mean("pre_converted"), true),
      new Metric("complaints_per_member", mean("complaints"), mean("pre_complaints"), false),
      new Metric("push_opens_per_member", mean("push_opens"), mean("pre_push_opens"), false));

  /** One variant's sums as of a date (a row of {@link Experiments#variantSums}). */
  public record VariantSums(LocalDate asOf, String experiment, String variant,
      LocalDate periodStart, LocalDate periodEnd, long members, long switched, Moments moments) {

    public static VariantSums of(Row r) {
      List<Double> sums = r.getList(r.fieldIndex("sums"));
      List<Double> upper = r.getList(r.fieldIndex("products"));
      int k = sums.size();
      double[][] products = new double[k][k];
      int at = 0;
      for (int i = 0; i < k; i++) {
        for (int j = i; j < k; j++) {
          products[i][j] = upper.get(at);
          products[j][i] = upper.get(at++);
        }
      }
      long members = r.<Long>getAs("members");
      return new VariantSums(r.<Date>getAs("as_of_date").toLocalDate(),
          r.getAs("experiment_id"), r.getAs("variant"),
          r.<Date>getAs("period_start").toLocalDate(), r.<Date>getAs("period_end").toLocalDate(),
          members, r.<Long>getAs("switched"), new Moments(members,
              sums.stream().mapToDouble(Double::doubleValue).toArray(), products));
    }

    /** The metric's plain estimate with the variance of the group's rate. */
    Estimate estimate(Metric metric) {
      Ratio m = metric.during();
      double numerator = moments.sums()[m.numerator()];
      if (metric.proportionOfMembers()) {
        return Estimate.proportion(members, Math.round(numerator));
      }
      double denominator = m.denominator() == Ratio.NONE ? members
          : moments.sums()[m.denominator()];
      double rate = denominator > 0 ? numerator / denominator : Double.NaN;
      return new Estimate(numerator, denominator, rate,
          denominator > 0 ? m.variance(moments) : Double.NaN, false);
    }
  }

  /** A rate with the variance of its estimate; numerator and denominator as counted. */
  public record Estimate(double numerator, double denominator, double rate, double variance,
      boolean proportionOfUnits) {

    /** k of n units: p (1 - p) / n. */
    static Estimate proportion(long n, long k) {
      if (n == 0) {
        return new Estimate(k, n, Double.NaN, Double.NaN, true);
      }
      double p = (double) k / n;
      return new Estimate(k, n, p, p * (1 - p) / n, true);
    }
  }

  /** Treatment against control: relative lift with its interval, z and two-sided p. */
  public record Comparison(double lift, double liftSe, double ciLow, double ciHigh, double z,
      double p) {}

  static Comparison compare(Estimate t, Estimate c, double alpha) {
    double se;
    if (t.proportionOfUnits() && c.proportionOfUnits()) {
      double pooled = (t.numerator() + c.numerator()) / (t.denominator() + c.denominator());
      se = Math.sqrt(pooled * (1 - pooled) * (1 / t.denominator() + 1 / c.denominator()));
    } else {
      se = Math.sqrt(t.variance() + c.variance());
    }
    double diff = t.rate() - c.rate();
    double z = se > 0 ? diff / se : diff == 0 ? 0 : Double.NaN;
    double p = Double.isNaN(z) ? Double.NaN : 2 * (1 - NORMAL.cumulativeProbability(Math.abs(z)));
    double lift = c.rate() > 0 ? t.rate() / c.rate() - 1 : Double.NaN;
    // Var(Rt / Rc) ~ Vt / Rc^2 + Rt^2 Vc / Rc^4 (delta method).
    double liftSe = c.rate() > 0 ? Math.sqrt(t.variance() / (c.rate() * c.rate())
        + t.rate() * t.rate() * c.variance() / Math.pow(c.rate(), 4)) : Double.NaN;
    double zCrit = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
    return new Comparison(lift, liftSe, lift - zCrit * liftSe, lift + zCrit * liftSe, z, p);
  }

  /** Chi-square of observed counts against planned shares: {chi2, p}; a share of 0 for an
   *  observed variant is a mismatch by definition (chi2 = infinity, p = 0). */
  static double[] sampleRatio(long[] observed, double[] shares) {
    long total = 0;
    for (long o : observed) {
      total += o;
    }
    double chi2 = 0;
    for (int i = 0; i < observed.length; i++) {
      double expected = shares[i] * total;
      if (expected <= 0) {
        return observed[i] > 0 ? new double[] {Double.POSITIVE_INFINITY, 0} :
            new double[] {Double.NaN, Double.NaN};
      }
      chi2 += (observed[i] - expected) * (observed[i] - expected) / expected;
    }
    double p = 1 - new ChiSquaredDistribution(observed.length - 1).cumulativeProbability(chi2);
    return new double[] {chi2, p};
  }

  /**
   * The always-valid p-value of "members arrive in the planned shares": 1 / the Bayes factor of
   * a Dirichlet(100 x shares) mixture against the plan (Lindon and Malek 2022), valid at every
   * look however often the counts are read.
   */
  static double sequentialSampleRatio(long[] observed, double[] shares) {
    double prior = 0;
    long total = 0;
    double logBayesFactor = 0;
    for (int i = 0; i < observed.length; i++) {
      if (shares[i] <= 0) {
        return observed[i] > 0 ? 0 : Double.NaN;
      }
      double a = SRM_PRIOR_MEMBERS * shares[i];
      prior += a;
      total += observed[i];
      logBayesFactor += Gamma.logGamma(a + observed[i]) - Gamma.logGamma(a)
          - observed[i] * Math.log(shares[i]);
    }
    logBayesFactor += Gamma.logGamma(prior) - Gamma.logGamma(prior + total);
    return Math.min(1, Math.exp(-logBayesFactor));
  }

  /** Rows of {@link KpiTables#EXPERIMENT_RESULTS} for the given sums. */
  public static List<Row> readOut(List<VariantSums> sums, KpiSettings s) {
    Map<String, List<VariantSums>> byExperiment = new LinkedHashMap<>();
    for (VariantSums v : sums.stream().sorted(Comparator.comparing(VariantSums::asOf)
        .thenComparing(VariantSums::experiment).thenComparing(VariantSums::variant)).toList()) {
      byExperiment.computeIfAbsent(v.asOf() + "/" + v.experiment(), k -> new ArrayList<>())
          .add(v);
    }
    List<Row> rows = new ArrayList<>();
    for (List<VariantSums> variants : byExperiment.values()) {
      rows.addAll(new ExperimentReadOut(variants, s).rows());
    }
    return rows;
  }

  private static Ratio ratio(String numerator, String denominator) {
    return new Ratio(index(numerator), index(denominator));
  }

  private static Ratio mean(String variable) {
    return Ratio.mean(index(variable));
  }

  private static Map<String, Metric> metrics(Metric... metrics) {
    Map<String, Metric> byName = new LinkedHashMap<>();
    for (Metric m : metrics) {
      byName.put(m.name(), m);
    }
    return java.util.Collections.unmodifiableMap(byName);
  }

  static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }

  /** Used by the read-out to build rows. */
  static RowBuilder row() {
    return RowBuilder.of(KpiTables.EXPERIMENT_RESULTS.schema());
  }
}
