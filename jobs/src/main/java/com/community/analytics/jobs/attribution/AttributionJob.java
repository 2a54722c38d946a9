package com.community.analytics.jobs.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code attribution --date D} (or {@code --from/--to}): credits each purchase of the range to
 * the content touches before it under six models, solves the Markov chain of each period ending
 * in the range, and builds the content-performance cube and the top-content list.
 *
 * <p>Inputs: silver.events of [from - period - look-back, to] (bounded, whatever the length of
 * history), silver.content, gold.user_tags (persona). Outputs (each replaced for the range):
 * gold.attribution_credits (by conversion date), gold.channel_attribution (by period end),
 * gold.content_performance and gold.top_content (by date). Cost: one shuffle by member to build
 * journeys, one by conversion for the credits, one for the cube; the transition counts and the
 * credit totals per day and channel are collected to the driver (days x states^2 rows) and the
 * chains are solved there.
 */
public final class AttributionJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(AttributionJob.class);

  @Override
  public String name() {
    return "attribution";
  }

  @Override
  public String description() {
    return "multi-touch attribution (six models, Markov solved exactly) and the content cube";
  }

  @Override
  public List<Catalog.Table> tables() {
    return List.of(
        Catalog.members(AttributionTables.CREDITS, "user_id", Catalog.Erasure.DELETE_ROWS),
        Catalog.aggregate(AttributionTables.CHANNEL_ATTRIBUTION),
        Catalog.aggregate(AttributionTables.CONTENT_PERFORMANCE),
        Catalog.aggregate(AttributionTables.TOP_CONTENT));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return AttributionSettings.keys();
  }

  @Override
  public void check(JobArgs args) {
    args.requireDates();
  }

  @Override
  public Result run(JobContext ctx) {
    SparkSession spark = ctx.spark();
    AttributionSettings s = AttributionSettings.from(ctx.config());
    DateRange range = ctx.args().requireDates();
    if (!ctx.warehouse().exists(SharedTables.USER_TAGS)) {
      throw new IllegalStateException("attribution needs gold.user_tags for personas: run "
          + "features first");
    }
    LocalDate earliest = range.from().minusDays(s.markovPeriodDays() + s.lookbackDays());
    LocalDate chainsFrom = range.from().minusDays(s.markovPeriodDays() - 1L);
    String state = s.markovState();

    Dataset<Row> events = ctx.warehouse().read(SilverTables.EVENTS)
        .where(col("event_date").between(Date.valueOf(earliest), Date.valueOf(range.to())));
    Dataset<Row> content = ctx.warehouse().read(SilverTables.CONTENT);
    Dataset<Row> tags = ctx.warehouse().read(SharedTables.USER_TAGS)
        .where(col("as_of_date").between(Date.valueOf(earliest.minusDays(s.personaMaxAgeDays())),
            Date.valueOf(range.to())));

    Dataset<Row> conversions = Journeys.withPersona(Journeys.conversions(events, s),
        "conversion_date", tags, s.personaMaxAgeDays()).cache();
    Dataset<Row> touches = Journeys.withPersona(Journeys.assign(
        Journeys.touches(events, content, s), conversions, s.lookbackDays()), "touch_date", tags,
        s.personaMaxAgeDays()).cache();

    ChannelAttribution periods = new ChannelAttribution(s.markovPeriodDays());
    Phases.run(spark, name(), "count journey transitions", () ->
        Journeys.transitions(Journeys.journeys(touches, conversions, state, s.lookbackDays())
                .where(col("end_date").between(Date.valueOf(chainsFrom),
                    Date.valueOf(range.to()))), s.markovOrder())
            .collectAsList())
        .forEach(r -> periods.addTransition(r.<Date>getAs("end_date").toLocalDate(),
            r.getAs("from_state"), r.getAs("to_state"), r.<Long>getAs("n")));
    Map<LocalDate, MarkovChain.Result> results = solve(periods, range);
    Dataset<Row> credits = Credits.compute(touches, conversions
            .where(col("conversion_date").geq(Date.valueOf(chainsFrom))),
        removalEffects(spark, results), state, s).cache();
    for (Row r : Phases.run(spark, name(), "sum credits per day", () -> credits
        .where(col("model").notEqual("markov"))
        .groupBy("conversion_date", state, "model")
        .agg(sum("credit").as("credit"), sum("credited_gmv").as("credited_gmv"))
        .collectAsList())) {
      periods.addCredits(r.<Date>getAs("conversion_date").toLocalDate(), r.getAs(state),
          r.getAs("model"), r.<Double>getAs("credit"), r.<Double>getAs("credited_gmv"));
    }
    List<Row> channelRows = new ArrayList<>();
    for (LocalDate d : range.days()) {
      channelRows.addAll(periods.rows(d, results.get(d), state));
    }

    writeRange(ctx, range, credits, spark.createDataFrame(channelRows,
        AttributionTables.CHANNEL_ATTRIBUTION.schema()), touches, content, s.topContent());
    Result result = new Result(conversions.where(col("conversion_date").between(
        Date.valueOf(range.from()), Date.valueOf(range.to()))).count());
    touches.unpersist();
    conversions.unpersist();
    credits.unpersist();
    return result;
  }

  /** What a run attributed: the conversions of its dates. */
  public record Result(long conversions) implements JobResult {}

  /**
   * The range's tables, the credits first: the credits of its conversions, the channel roll-ups
   * of its periods, and the cube and top content of its days.
   */
  private static void writeRange(JobContext ctx, DateRange range, Dataset<Row> credits,
      Dataset<Row> channels, Dataset<Row> touches, Dataset<Row> content, int topContent) {
    Dataset<Row> written = credits.where(col("conversion_date").between(
        Date.valueOf(range.from()), Date.valueOf(range.to())));
    ctx.replace(AttributionTables.CREDITS, written, range.sqlBetween("conversion_date"));
    ctx.replace(AttributionTables.CHANNEL_ATTRIBUTION, channels, range.sqlBetween("period_end"));
    Dataset<Row> dayTouches = touches.where(col("touch_date").between(
        Date.valueOf(range.from()), Date.valueOf(range.to())));
    ctx.replace(AttributionTables.CONTENT_PERFORMANCE,
        ContentCube.cube(dayTouches, written), range.sqlBetween("date"));
    ctx.replace(AttributionTables.TOP_CONTENT,
        ContentCube.topContent(dayTouches, written, content, topContent),
        range.sqlBetween("date"));
  }

  /** The exact solution of each date's Markov chain (its period's transitions). */
  private static Map<LocalDate, MarkovChain.Result> solve(ChannelAttribution periods,
      DateRange range) {
    Map<LocalDate, MarkovChain.Result> results = new TreeMap<>();
    for (LocalDate d : range.days()) {
      MarkovChain.Result result = periods.chain(d).solve();
      results.put(d, result);
      LOG.info("attribution {}: Markov P(conversion) {}, removal effects {}", d,
          String.format("%.4f", result.conversionProbability()), result.removalEffects());
    }
    return results;
  }

  /** The removal effects of the solved chains as (period_end, state, removal_effect) rows. */
  private static Dataset<Row> removalEffects(SparkSession spark,
      Map<LocalDate, MarkovChain.Result> results) {
    List<Row> effects = new ArrayList<>();
    results.forEach((d, result) -> result.removalEffects().forEach((k, v) ->
        effects.add(RowFactory.create(Date.valueOf(d), k, v))));
    return spark.createDataFrame(effects, new StructType()
        .add("period_end", DataTypes.DateType).add("state", DataTypes.StringType)
        .add("removal_effect", DataTypes.DoubleType));
  }
}
