package com.community.analytics.bench;

import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.jobs.features.LtvScoring;
import com.community.analytics.jobs.features.LtvStep;
import com.community.analytics.jobs.features.ltv.BgNbdObservation;
import com.community.analytics.jobs.features.ltv.LtvFitter;
import com.community.analytics.jobs.features.ltv.ModelFit;
import com.community.analytics.jobs.generate.GeneratorSettings;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bench-ltv-fit --sizes N,...}: the cost of the LTV fit by number of members. For each
 * size, N buyers' state rows are drawn from BG/NBD and Gamma-Gamma with the generator's planted
 * parameters (first purchase 1 to 365 days before the snapshot), written to Parquet, then timed
 * as the features job runs them: the two summaries (Spark aggregations, collected) and the two
 * maximum-likelihood fits on the driver. The fit works on distinct summary rows, so its time
 * should stay nearly flat while the aggregation grows with N. Cost: one Parquet write and two
 * aggregations per size.
 */
final class LtvFitBench extends ModelBench {
  static final LocalDate AS_OF = LocalDate.of(2026, 11, 21);
  static final int MAX_AGE_DAYS = 365;

  static final StructType STATE = new StructType()
      .add("as_of_date", DataTypes.DateType)
      .add("first_purchase_date", DataTypes.DateType)
      .add("last_purchase_date", DataTypes.DateType)
      .add("purchase_days", DataTypes.LongType)
      .add("orders", DataTypes.LongType)
      .add("gmv", DataTypes.createDecimalType(18, 2))
      .add("first_purchase_day_gmv", DataTypes.createDecimalType(18, 2));

  @Override
  public String name() {
    return "bench-ltv-fit";
  }

  @Override
  public String description() {
    return "benchmark: BG/NBD + Gamma-Gamma summary and fit time by number of members";
  }

  @Override
  Map<String, Object> measure(JobContext ctx, long members, Path work) throws Exception {
    double[] bg = {ctx.config().get(GeneratorSettings.BG_R),
        ctx.config().get(GeneratorSettings.BG_ALPHA),
        ctx.config().get(GeneratorSettings.BG_A),
        ctx.config().get(GeneratorSettings.BG_B)};
    double[] gg = {ctx.config().get(GeneratorSettings.GG_P),
        ctx.config().get(GeneratorSettings.GG_Q),
        ctx.config().get(GeneratorSettings.GG_GAMMA)};
    Path folder = work.resolve("ltv-state-" + members);
    Dataset<Row> state = synthetic(ctx, members, 500_000, STATE, id -> buyer(id, bg, gg),
        folder);

    long started = System.nanoTime();
    Map<Date, List<LtvFitter.BgNbdRow>> bgRows = LtvScoring.bgNbdSummary(state,
        ctx.config().get(LtvStep.MAX_SUMMARY_ROWS));
    Map<Date, List<LtvFitter.SpendRow>> spendRows = LtvScoring.spendSummary(state);
    double summarySeconds = seconds(started);
    List<LtvFitter.BgNbdRow> bgSummary = bgRows.get(Date.valueOf(AS_OF));
    List<LtvFitter.SpendRow> spendSummary = spendRows.get(Date.valueOf(AS_OF));

    double penalizer = ctx.config().get(LtvStep.PENALIZER);
    BgNbdObservation observation = BgNbdObservation.parse(
        ctx.config().get(LtvStep.OBSERVATION));
    long fitStarted = System.nanoTime();
    ModelFit bgFit = LtvFitter.fitBgNbd(bgSummary, penalizer, observation);
    double bgSeconds = seconds(fitStarted);
    long ggStarted = System.nanoTime();
    ModelFit ggFit = LtvFitter.fitGammaGamma(spendSummary, penalizer);
    double ggSeconds = seconds(ggStarted);
    delete(folder);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("summary_seconds", summarySeconds);
    out.put("bgnbd_fit_seconds", bgSeconds);
    out.put("gamma_gamma_fit_seconds", ggSeconds);
    out.put("total_seconds", summarySeconds + bgSeconds + ggSeconds);
    out.put("bgnbd_summary_rows", bgSummary.size());
    out.put("spend_summary_rows", spendSummary.size());
    out.put("bgnbd_converged", bgFit.converged());
    out.put("gamma_gamma_converged", ggFit.converged());
    out.put("bgnbd_parameters", bgFit.parameters());
    out.put("gamma_gamma_parameters", ggFit.parameters());
    return out;
  }

  /**
   * One buyer: first purchase on day 0, repeats at rate lambda, dropout after each repeat; each
   * purchase day's spend Gamma(p, nu) (Fader, Hardie and Lee's convention, as the generator's).
   */
  static Row buyer(long id, double[] bg, double[] gg) {
    // Seed words from a mixing generator: Well19937c fills its state from each word apart.
    RandomGenerator rng = new Well19937c(new SplittableRandom(20261121L + id).ints(4).toArray());
    double lambda = new GammaDistribution(rng, bg[0], 1 / bg[1]).sample();
    double dropout = new BetaDistribution(rng, bg[2], bg[3]).sample();
    ExponentialDistribution wait = new ExponentialDistribution(rng, 1 / lambda);
    int age = 1 + rng.nextInt(MAX_AGE_DAYS);
    double t = 0;
    long lastDay = 0;
    long repeatDays = 0;
    while (true) {
      t += wait.sample();
      if (t >= age) {
        break;
      }
      if ((long) t > lastDay) {
        repeatDays++;
        lastDay = (long) t;
      }
      if (rng.nextDouble() < dropout) {
        break;
      }
    }
    double nu = new GammaDistribution(rng, gg[1], 1 / gg[2]).sample();
    GammaDistribution daySpend = new GammaDistribution(rng, gg[0], 1 / nu);
    double firstDay = daySpend.sample();
    double spend = firstDay;
    for (long i = 1; i <= repeatDays; i++) {
      spend += daySpend.sample();
    }
    LocalDate first = AS_OF.minusDays(age);
    return RowBuilder.of(STATE).set("as_of_date", Date.valueOf(AS_OF))
        .set("first_purchase_date", Date.valueOf(first))
        .set("last_purchase_date", Date.valueOf(first.plusDays(lastDay)))
        .set("purchase_days", repeatDays + 1).set("orders", repeatDays + 1)
        .set("gmv", money(spend)).set("first_purchase_day_gmv", money(firstDay)).build();
  }

  private static BigDecimal money(double amount) {
    return BigDecimal.valueOf(amount).setScale(2, RoundingMode.HALF_UP);
  }
}
