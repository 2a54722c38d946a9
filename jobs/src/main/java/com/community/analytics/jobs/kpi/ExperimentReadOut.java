package com.community.analytics.jobs.kpi;

import static com.community.analytics.jobs.kpi.ExperimentStats.finite;

import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.jobs.kpi.ExperimentStats.Comparison;
import com.community.analytics.jobs.kpi.ExperimentStats.Estimate;
import com.community.analytics.jobs.kpi.ExperimentStats.Metric;
import com.community.analytics.jobs.kpi.ExperimentStats.VariantSums;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.math3.distribution.NormalDistribution;
import org.apache.spark.sql.Row;

/**
 * One experiment as of one date, read as {@link ExperimentStats} describes: its health, then a
 * {@link Reading} per treatment variant and metric, Holm over the goal readings, and the rows of
 * {@link KpiTables#EXPERIMENT_RESULTS} (control rows carry their rates only). Pure.
 */
final class ExperimentReadOut {
  private final List<VariantSums> variants;
  private final KpiSettings s;
  private final KpiSettings.ExperimentRules rules;
  private final VariantSums control;
  private final Moments pooled;
  private final double[] plannedShares;
  private final double[] srm;
  private final double srmSequential;
  private final ConfidenceSequence sequence;
  private final List<String> unhealthy = new ArrayList<>();
  /** The experiment's breached guardrails as variant/metric, shown on every row of it. */
  private String breaches;
  private static final NormalDistribution NORMAL = new NormalDistribution();

  /** A treatment variant's comparison with control on one metric. */
  record Reading(VariantSums variant, Metric metric, boolean goal, Comparison plain,
      Comparison cuped, double varianceReduction, Estimate treatment, Estimate control,
      Comparison primary, double pSequential, double csLow, double csHigh,
      BayesianLift.Posterior posterior) {

    double methodP(boolean sequential) {
      return sequential ? pSequential : primary.p();
    }
  }

  ExperimentReadOut(List<VariantSums> variants, KpiSettings s) {
    this.variants = variants;
    this.s = s;
    this.rules = s.experiments();
    this.sequence = ConfidenceSequence.tunedFor(s.alpha(), rules.tuningMembers());
    this.control = variants.stream().filter(v -> v.variant().equals(s.controlVariant()))
        .findFirst().orElse(null);
    Moments all = variants.get(0).moments();
    for (VariantSums v : variants.subList(1, variants.size())) {
      all = all.plus(v.moments());
    }
    this.pooled = all;
    Map<String, Double> plan = s.allocation().get(variants.get(0).experiment());
    plannedShares = new double[variants.size()];
    List<Long> counts = new ArrayList<>();
    List<Double> shares = new ArrayList<>();
    for (int i = 0; i < variants.size(); i++) {
      plannedShares[i] = plan == null ? 1.0 / variants.size()
          : plan.getOrDefault(variants.get(i).variant(), 0.0);
      counts.add(variants.get(i).members());
      shares.add(plannedShares[i]);
    }
    if (plan != null) {
      // A planned variant nobody reached yet counts as 0 members, not as a smaller plan.
      plan.forEach((variant, share) -> {
        if (variants.stream().noneMatch(v -> v.variant().equals(variant))) {
          counts.add(0L);
          shares.add(share);
        }
      });
    }
    long[] observed = counts.stream().mapToLong(Long::longValue).toArray();
    double[] planned = shares.stream().mapToDouble(Double::doubleValue).toArray();
    boolean several = observed.length >= 2;
    srm = several ? ExperimentStats.sampleRatio(observed, planned)
        : new double[] {Double.NaN, Double.NaN};
    srmSequential = several ? ExperimentStats.sequentialSampleRatio(observed, planned)
        : Double.NaN;
    checkHealth(observed, planned);
  }

  private void checkHealth(long[] observed, double[] planned) {
    double srmP = rules.sequential() ? srmSequential : srm[1];
    if (srmP < s.srmAlpha()) {
      unhealthy.add(String.format("sample ratio mismatch: members %s against the planned %s "
          + "(p = %.2g)", java.util.Arrays.toString(observed),
          java.util.Arrays.toString(planned), srmP));
    }
    long members = variants.stream().mapToLong(VariantSums::members).sum();
    long switched = variants.stream().mapToLong(VariantSums::switched).sum();
    if (members > 0 && (double) switched / members > rules.maxSwitchedShare()) {
      unhealthy.add(String.format("%.1f%% of members were exposed to more than one variant",
          100.0 * switched / members));
    }
    LocalDate start = rules.startDates().get(variants.get(0).experiment());
    LocalDate firstExposure = variants.get(0).periodStart();
    if (start != null && firstExposure.isBefore(start)) {
      unhealthy.add("exposures from " + firstExposure + ", before the start date " + start);
    }
  }

  List<Row> rows() {
    List<Reading> readings = new ArrayList<>();
    if (control != null) {
      int comparisons = rules.goalMetrics().size() * Math.max(1, variants.size() - 1);
      for (VariantSums v : variants) {
        if (v == control) {
          continue;
        }
        for (String m : rules.goalMetrics()) {
          readings.add(read(v, ExperimentStats.METRICS.get(m), true,
              s.alpha() / comparisons));
        }
        for (String m : rules.guardrails().keySet()) {
          readings.add(read(v, ExperimentStats.METRICS.get(m), false, s.alpha()));
        }
      }
    }
    double[] goalP = readings.stream().filter(Reading::goal)
        .mapToDouble(r -> r.methodP(rules.sequential())).toArray();
    double[] holm = Holm.adjust(goalP);
    breaches = readings.stream().filter(r -> !r.goal() && breached(r))
        .map(r -> r.variant().variant() + "/" + r.metric().name())
        .collect(java.util.stream.Collectors.joining(", "));
    List<Row> rows = new ArrayList<>();
    int g = 0;
    for (Reading r : readings) {
      rows.add(treatmentRow(r, r.goal() ? holm[g++] : r.methodP(rules.sequential())));
    }
    // Control, or every variant of an experiment without one, shows its own rates only.
    for (VariantSums v : variants) {
      if (control == null || v == control) {
        for (String m : rules.goalMetrics()) {
          rows.add(base(v, ExperimentStats.METRICS.get(m), true).build());
        }
        for (String m : rules.guardrails().keySet()) {
          rows.add(base(v, ExperimentStats.METRICS.get(m), false).build());
        }
      }
    }
    return rows;
  }

  /** Plain and CUPED comparisons, the confidence sequence and the posterior at level alpha. */
  private Reading read(VariantSums t, Metric metric, boolean goal, double alpha) {
    Estimate primaryT = t.estimate(metric);
    Estimate primaryC = control.estimate(metric);
    Comparison plain = ExperimentStats.compare(primaryT, primaryC, alpha);
    Comparison cuped = null;
    double reduction = Double.NaN;
    if (rules.cupedPreDays() > 0) {
      Cuped method = new Cuped(metric.during(), List.of(metric.before(),
          Ratio.mean(Experiments.index("no_pre"))));
      Cuped.Result ct = method.estimate(t.moments(), pooled);
      Cuped.Result cc = method.estimate(control.moments(), pooled);
      if (ct.adjusted() && cc.adjusted()) {
        primaryT = adjusted(primaryT, ct);
        primaryC = adjusted(primaryC, cc);
        cuped = ExperimentStats.compare(primaryT, primaryC, alpha);
        reduction = 1 - Math.pow(cuped.liftSe() / plain.liftSe(), 2);
      }
    }
    Comparison primary = cuped != null ? cuped : plain;
    long n = t.members() + control.members();
    // Sequence and p-value on the same scale (the lift), so the p-value is below a level
    // exactly when the sequence at that level excludes 0.
    double liftVariance = primary.liftSe() * primary.liftSe();
    double radius = sequence.radius(liftVariance, n, alpha);
    return new Reading(t, metric, goal, plain, cuped, reduction, primaryT, primaryC, primary,
        sequence.pValue(primary.lift(), liftVariance, n), primary.lift() - radius,
        primary.lift() + radius, BayesianLift.of(primary.lift(), liftVariance, rules.priorSd()));
  }

  /**
   * Whether the treatment is significantly worse than control by more than the tolerance:
   * the test of treatment - (1 +- tolerance) x control = 0 on the rates (by the method), with
   * the estimate on the bad side. On rates rather than the lift: the lift of a rare count
   * (complaints) has too wide an interval to decide anything.
   */
  private boolean breached(Reading r) {
    KpiSettings.Guardrail rule = rules.guardrails().get(r.metric().name());
    double bound = rule.higherIsBetter() ? 1 - rule.tolerance() : 1 + rule.tolerance();
    double d = r.treatment().rate() - bound * r.control().rate();
    double v = r.treatment().variance() + bound * bound * r.control().variance();
    boolean worse = rule.higherIsBetter() ? d < 0 : d > 0;
    double p = rules.sequential()
        ? sequence.pValue(d, v, r.variant().members() + control.members())
        : 2 * (1 - NORMAL.cumulativeProbability(Math.abs(d) / Math.sqrt(v)));
    return worse && p < s.alpha();
  }

  private static Estimate adjusted(Estimate plain, Cuped.Result r) {
    return new Estimate(plain.numerator(), plain.denominator(), r.adjustedRate(),
        r.adjustedVariance(), false);
  }

  private Row treatmentRow(Reading r, double pAdjusted) {
    boolean healthy = unhealthy.isEmpty();
    RowBuilder row = base(r.variant(), r.metric(), r.goal())
        .set("control_rate", finite(control.estimate(r.metric()).rate()))
        .set("lift", finite(r.plain().lift())).set("lift_ci_low", finite(r.plain().ciLow()))
        .set("lift_ci_high", finite(r.plain().ciHigh()))
        .set("lift_cs_low", finite(r.csLow())).set("lift_cs_high", finite(r.csHigh()))
        .set("z_score", finite(r.primary().z())).set("p_value", finite(r.primary().p()))
        .set("p_value_sequential", finite(r.pSequential()))
        .set("p_value_adjusted", finite(pAdjusted))
        .set("significant", Double.isNaN(pAdjusted) ? null : healthy && pAdjusted < s.alpha())
        .set("chance_to_win", finite(r.posterior().chanceToWin()))
        .set("expected_loss", finite(r.posterior().expectedLoss()));
    if (r.cuped() != null) {
      row.set("lift_cuped", finite(r.cuped().lift()))
          .set("lift_cuped_ci_low", finite(r.cuped().ciLow()))
          .set("lift_cuped_ci_high", finite(r.cuped().ciHigh()))
          .set("cuped_variance_reduction", finite(r.varianceReduction()));
    }
    if (!r.goal()) {
      row.set("guardrail_breached", breached(r));
    }
    return row.build();
  }

  /** The columns every row has: the variant's own rate, the method and the health. */
  private RowBuilder base(VariantSums v, Metric metric, boolean goal) {
    Estimate e = v.estimate(metric);
    int i = variants.indexOf(v);
    return ExperimentStats.row()
        .set("as_of_date", Date.valueOf(v.asOf())).set("experiment_id", v.experiment())
        .set("variant", v.variant()).set("metric", metric.name())
        .set("role", goal ? "goal" : "guardrail").set("method",
            rules.sequential() ? "sequential" : "fixed")
        .set("period_start", Date.valueOf(v.periodStart()))
        .set("period_end", Date.valueOf(v.periodEnd())).set("exposed_members", v.members())
        .set("numerator", e.numerator()).set("denominator", e.denominator())
        .set("rate", finite(e.rate())).set("expected_share", plannedShares[i])
        .set("srm_chi_square", finite(srm[0])).set("srm_p_value", finite(srm[1]))
        .set("srm_p_value_sequential", finite(srmSequential))
        .set("srm_mismatch", Double.isNaN(srm[1]) ? null
            : (rules.sequential() ? srmSequential : srm[1]) < s.srmAlpha())
        .set("health", unhealthy.isEmpty() ? "healthy" : "unhealthy")
        .set("health_reasons", unhealthy.isEmpty() ? null : String.join("; ", unhealthy))
        .set("guardrail_breaches", breaches.isEmpty() ? null : breaches);
  }
}
