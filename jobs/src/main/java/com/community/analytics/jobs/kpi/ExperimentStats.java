package com.community.analytics.jobs.kpi;

import com.community.analytics.common.spark.RowBuilder;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Row;

/**
 * The A/B read-out of each experiment from its per-variant sums: CTR (clicks / views), share
 * rate (shares / views) and conversion rate (members who purchased / exposed members); each
 * variant's lift over control with a confidence interval and a two-sided z-test; and a
 * sample-ratio-mismatch chi-square test of the members per variant against the planned split.
 *
 * <p>Conversion rate is a proportion of members, tested with the pooled two-proportion z-test.
 * CTR and share rate are proportions of views, but views of one member are not independent
 * (members are what was randomised), so their variance comes from the delta method over members
 * rather than the binomial formula, which would understate it and call noise significant.
 * The lift interval uses the delta method for the ratio of the two rates.
 *
 * <p>An experiment is read on several metrics (and maybe several treatment variants), so its
 * m comparisons are corrected with Bonferroni: each is significant when its p-value is below
 * alpha / m (reported as {@code p_value_adjusted} = min(1, m p) below alpha), and its lift
 * interval is at 1 - alpha / m. Uncorrected, an experiment without any effect would show a
 * "significant" metric about 1 - 0.95^m of the time (14% with three metrics).
 */
public final class ExperimentStats {
  private ExperimentStats() {}

  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** One variant's sums as of a date (a row of {@link Experiments#variantSums}). */
  public record VariantSums(LocalDate asOf, String experiment, String variant,
      LocalDate periodStart, LocalDate periodEnd, long members, double views, double clicks,
      double shares, long converters, double viewsSq, double clicksSq, double sharesSq,
      double viewsClicks, double viewsShares) {

    public static VariantSums of(Row r) {
      return new VariantSums(r.<Date>getAs("as_of_date").toLocalDate(),
          r.getAs("experiment_id"), r.getAs("variant"),
          r.<Date>getAs("period_start").toLocalDate(), r.<Date>getAs("period_end").toLocalDate(),
          r.<Long>getAs("members"), r.<Long>getAs("views"), r.<Long>getAs("clicks"),
          r.<Long>getAs("shares"), r.<Long>getAs("converters"), r.<Long>getAs("views_sq"),
          r.<Long>getAs("clicks_sq"), r.<Long>getAs("shares_sq"),
          r.<Long>getAs("views_clicks"), r.<Long>getAs("views_shares"));
    }

    Estimate metric(String metric) {
      return switch (metric) {
        case "ctr" -> Estimate.ratio(members, clicks, views, clicksSq, viewsSq, viewsClicks);
        case "share_rate" ->
            Estimate.ratio(members, shares, views, sharesSq, viewsSq, viewsShares);
        case "conversion_rate" -> Estimate.proportion(members, converters);
        default -> throw new IllegalArgumentException("no metric " + metric);
      };
    }
  }

  public static final List<String> METRICS = List.of("ctr", "share_rate", "conversion_rate");

  /** A rate with the variance of its estimate; numerator and denominator as counted. */
  public record Estimate(double numerator, double denominator, double rate, double variance,
      boolean proportionOfUnits) {

    /**
     * Sum X / sum Y over n members; delta-method variance
     * (s_XX - 2 R s_XY + R^2 s_YY) / (n Ybar^2) with sample (co)variances over members.
     */
    static Estimate ratio(long n, double x, double y, double xx, double yy, double xy) {
      if (n < 2 || y <= 0) {
        return new Estimate(x, y, y > 0 ? x / y : Double.NaN, Double.NaN, false);
      }
      double r = x / y;
      double xBar = x / n;
      double yBar = y / n;
      double sxx = (xx - n * xBar * xBar) / (n - 1);
      double syy = (yy - n * yBar * yBar) / (n - 1);
      double sxy = (xy - n * xBar * yBar) / (n - 1);
      double variance = Math.max(0, sxx - 2 * r * sxy + r * r * syy) / (n * yBar * yBar);
      return new Estimate(x, y, r, variance, false);
    }

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
  public record Comparison(double lift, double ciLow, double ciHigh, double z, double p) {}

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
    return new Comparison(lift, lift - zCrit * liftSe, lift + zCrit * liftSe, z, p);
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

  /** Rows of {@link KpiTables#EXPERIMENT_RESULTS} for the given sums. */
  public static List<Row> readOut(List<VariantSums> sums, KpiSettings s) {
    Map<String, List<VariantSums>> byExperiment = new LinkedHashMap<>();
    for (VariantSums v : sums.stream().sorted(java.util.Comparator
        .comparing(VariantSums::asOf).thenComparing(VariantSums::experiment)
        .thenComparing(VariantSums::variant)).toList()) {
      byExperiment.computeIfAbsent(v.asOf() + "/" + v.experiment(), k -> new ArrayList<>())
          .add(v);
    }
    List<Row> rows = new ArrayList<>();
    for (List<VariantSums> variants : byExperiment.values()) {
      String experiment = variants.get(0).experiment();
      Map<String, Double> plan = s.allocation().get(experiment);
      long[] observed = new long[variants.size()];
      double[] shares = new double[variants.size()];
      for (int i = 0; i < variants.size(); i++) {
        observed[i] = variants.get(i).members();
        shares[i] = plan == null ? 1.0 / variants.size()
            : plan.getOrDefault(variants.get(i).variant(), 0.0);
      }
      double[] srm = variants.size() < 2 ? new double[] {Double.NaN, Double.NaN}
          : sampleRatio(observed, shares);
      Boolean mismatch = Double.isNaN(srm[1]) ? null : srm[1] < s.srmAlpha();
      VariantSums control = variants.stream()
          .filter(v -> v.variant().equals(s.controlVariant())).findFirst().orElse(null);
      int comparisons = METRICS.size() * Math.max(1, variants.size() - 1);
      double alpha = s.alpha() / comparisons;
      for (int i = 0; i < variants.size(); i++) {
        VariantSums v = variants.get(i);
        for (String metric : METRICS) {
          Estimate e = v.metric(metric);
          Estimate c = control == null ? null : control.metric(metric);
          Comparison cmp = c == null || v == control ? null : compare(e, c, alpha);
          Double adjusted = cmp == null || Double.isNaN(cmp.p()) ? null
              : Math.min(1, cmp.p() * comparisons);
          RowBuilder row = RowBuilder.of(KpiTables.EXPERIMENT_RESULTS.schema())
              .set("as_of_date", Date.valueOf(v.asOf())).set("experiment_id", experiment)
              .set("variant", v.variant()).set("metric", metric)
              .set("period_start", Date.valueOf(v.periodStart()))
              .set("period_end", Date.valueOf(v.periodEnd())).set("exposed_members", v.members())
              .set("numerator", e.numerator()).set("denominator", e.denominator())
              .set("rate", finite(e.rate()))
              .set("control_rate", c == null ? null : finite(c.rate()))
              .set("p_value_adjusted", adjusted)
              .set("significant", adjusted == null ? null : adjusted < s.alpha())
              .set("expected_share", shares[i]).set("srm_chi_square", finite(srm[0]))
              .set("srm_p_value", finite(srm[1])).set("srm_mismatch", mismatch);
          if (cmp != null) {
            row.set("lift", finite(cmp.lift())).set("lift_ci_low", finite(cmp.ciLow()))
                .set("lift_ci_high", finite(cmp.ciHigh())).set("z_score", finite(cmp.z()))
                .set("p_value", finite(cmp.p()));
          }
          rows.add(row.build());
        }
      }
    }
    return rows;
  }

  private static Double finite(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
