package com.community.analytics.bench;

import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.jobs.attribution.AttributionSettings;
import com.community.analytics.jobs.attribution.ChannelAttribution;
import com.community.analytics.jobs.attribution.Journeys;
import com.community.analytics.jobs.attribution.MarkovChain;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bench-markov --sizes N,...}: Markov attribution time by number of journeys. For each
 * size, N journeys (one to eight touches over eight channels, about one in ten converting, end
 * dates spread over the configured period) are written to Parquet, then timed as the
 * attribution job runs them: transition counting ({@link Journeys#transitions}, a Spark
 * aggregation whose result is a few hundred rows, collected) and the chain's solve with removal
 * effects on the driver. Cost: one aggregation and one Parquet write per size.
 */
final class MarkovBench extends ModelBench {
  static final String[] CHANNELS = {"feed", "search", "push", "share_link", "group_chat", "kol",
      "ad", "direct"};
  static final LocalDate PERIOD_END = LocalDate.of(2026, 11, 21);

  static final StructType JOURNEYS = new StructType()
      .add("last_touch_date", DataTypes.DateType)
      .add("converted", DataTypes.BooleanType)
      .add("amount", DataTypes.DoubleType)
      .add("states", DataTypes.createArrayType(DataTypes.StringType));

  @Override
  public String name() {
    return "bench-markov";
  }

  @Override
  public String description() {
    return "benchmark: Markov chain attribution time by number of journeys";
  }

  @Override
  Map<String, Object> measure(JobContext ctx, long journeys, Path work) throws Exception {
    int periodDays = ctx.config().get(AttributionSettings.MARKOV_PERIOD);
    int order = ctx.config().get(AttributionSettings.MARKOV_ORDER);
    ChannelAttribution periods = new ChannelAttribution(periodDays,
        ctx.config().get(AttributionSettings.LOOKBACK));
    LocalDate lastTouch = periods.touchWindow(PERIOD_END)[1];
    Path folder = work.resolve("journeys-" + journeys);
    Dataset<Row> rows = synthetic(ctx, journeys, 500_000, JOURNEYS,
        id -> journey(id, lastTouch, periodDays), folder);

    long started = System.nanoTime();
    List<Row> transitions = Journeys.transitions(rows, order).collectAsList();
    double countSeconds = seconds(started);
    long solveStarted = System.nanoTime();
    transitions.forEach(r -> periods.addTransition(
        r.<Date>getAs("last_touch_date").toLocalDate(), r.getAs("from_state"), r.getAs("to_state"),
        r.<Long>getAs("n"), r.<Double>getAs("gmv")));
    MarkovChain.Result result = periods.chain(PERIOD_END).solve();
    double solveSeconds = seconds(solveStarted);
    delete(folder);

    Map<String, Object> out = new LinkedHashMap<>();
    out.put("count_seconds", countSeconds);
    out.put("solve_seconds", solveSeconds);
    out.put("total_seconds", countSeconds + solveSeconds);
    out.put("transition_rows", transitions.size());
    out.put("conversion_probability", result.conversionProbability());
    return out;
  }

  /**
   * One to eight touches over the channels, the last in the {@code periodDays} up to {@code
   * lastTouch}; later channels convert a little more.
   */
  static Row journey(long id, LocalDate lastTouch, int periodDays) {
    SplittableRandom rng = new SplittableRandom(id * 31 + 11);
    int touches = 1 + rng.nextInt(8);
    List<String> states = new ArrayList<>(touches);
    boolean converted = false;
    for (int i = 0; i < touches; i++) {
      int c = rng.nextInt(CHANNELS.length);
      states.add(CHANNELS[c]);
      converted |= rng.nextDouble() < 0.01 * (1 + c);
    }
    return RowBuilder.of(JOURNEYS)
        .set("last_touch_date", Date.valueOf(lastTouch.minusDays(rng.nextInt(periodDays))))
        .set("converted", converted).set("amount", converted ? 100.0 : 0.0)
        .set("states", states.toArray(new String[0])).build();
  }
}
