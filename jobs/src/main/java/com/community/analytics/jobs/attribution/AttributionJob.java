package com.community.analytics.jobs.attribution;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.catalog.SharedTables;
import com.community.analytics.common.catalog.SilverTables;
import com.community.analytics.common.cli.JobArgs;
import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import com.community.analytics.common.spark.Phases;
import com.community.analytics.common.spark.RowBuilder;
import com.community.analytics.common.time.DateRange;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code attribution --date D} (or {@code --from/--to}): credits each purchase of the range to
 * the content touches before it under seven models, solves the Markov chain and the Shapley
 * values of each period ending in the range (on the journeys whose outcome is final), and
 * builds the content-performance cube and the top-content list.
 *
 * <p>Inputs: silver.events of [from - (period - 1) - maturity - look-back, to] (bounded,
 * whatever the length of history; maturity = 2 x look-back - 1), silver.content,
 * gold.user_tags (persona). Outputs (each replaced for the range): gold.attribution_credits (by
 * conversion date), gold.channel_attribution (by period end), gold.content_performance and
 * gold.top_content (by date). Cost: one shuffle by member to build journeys, one by conversion
 * for the credits, one for the cube; the transition counts, the journeys' channel sets and the
 * credit totals per day and channel are collected to the driver (days x states^2 rows) and the
 * chains and Shapley games (2^channels coalitions) are solved there.
 */
public final class AttributionJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(AttributionJob.class);

  @Override
  public String name() {
    return "attribution";
  }

  @Override
  public String description() {
    return "multi-touch attribution (seven models, Markov and Shapley exact) and the content cube";
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
    ChannelAttribution periods = new ChannelAttribution(s.markovPeriodDays(), s.lookbackDays());
    // The journeys of the range's periods end (last touch) from the first chain's window on;
    // their touches start up to a look-back window earlier.
    LocalDate journeysFrom = periods.touchWindow(range.from())[0];
    LocalDate earliest = journeysFrom.minusDays(s.lookbackDays());
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

    addJourneys(ctx, periods, Journeys.journeys(touches, conversions, state, s.lookbackDays())
        .where(col("last_touch_date").between(Date.valueOf(journeysFrom),
            Date.valueOf(range.to()))).cache(), s.markovOrder());
    Phases.run(spark, name(), "count purchases without touches", () -> Journeys.untouched(
            touches, conversions.where(col("conversion_date").geq(Date.valueOf(journeysFrom))))
        .collectAsList())
        .forEach(r -> periods.addUntouched(r.<Date>getAs("conversion_date").toLocalDate(),
            r.<Long>getAs("conversions"), r.<Double>getAs("gmv")));
    Map<LocalDate, ChannelAttribution.Solved> results = solve(periods, range,
        s.shapleyMaxChannels());
    Dataset<Row> credits = Credits.compute(touches, conversions
            .where(col("conversion_date").geq(Date.valueOf(chainsFrom))),
        chainValues(spark, results), state, s).cache();
    addCredits(ctx, periods, credits, state);
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

  /** The journeys' transition counts and channel sets, collected into the periods. */
  private void addJourneys(JobContext ctx, ChannelAttribution periods, Dataset<Row> journeys,
      int order) {
    Phases.run(ctx.spark(), name(), "count journey transitions", () ->
            Journeys.transitions(journeys, order).collectAsList())
        .forEach(r -> periods.addTransition(r.<Date>getAs("last_touch_date").toLocalDate(),
            r.getAs("from_state"), r.getAs("to_state"), r.<Long>getAs("n"),
            r.<Double>getAs("gmv")));
    Phases.run(ctx.spark(), name(), "count journey channel sets", () ->
            Journeys.channelSets(journeys).collectAsList())
        .forEach(r -> periods.addChannelSet(r.<Date>getAs("last_touch_date").toLocalDate(),
            r.getList(r.fieldIndex("channels")), r.<Long>getAs("journeys"),
            r.<Long>getAs("conversions")));
    journeys.unpersist();
  }

  /** The heuristic models' credits summed per day and state, collected into the periods. */
  private void addCredits(JobContext ctx, ChannelAttribution periods, Dataset<Row> credits,
      String state) {
    for (Row r : Phases.run(ctx.spark(), name(), "sum credits per day", () -> credits
        .where(not(col("model").isin("markov", "shapley")))
        .groupBy("conversion_date", state, "model")
        .agg(sum("credit").as("credit"), sum("credited_gmv").as("credited_gmv"))
        .collectAsList())) {
      periods.addCredits(r.<Date>getAs("conversion_date").toLocalDate(), r.getAs(state),
          r.getAs("model"), r.<Double>getAs("credit"), r.<Double>getAs("credited_gmv"));
    }
  }

  /** The exact Markov chain and Shapley values of each date's period (its final journeys). */
  private static Map<LocalDate, ChannelAttribution.Solved> solve(ChannelAttribution periods,
      DateRange range, int maxShapleyChannels) {
    Map<LocalDate, ChannelAttribution.Solved> results = new TreeMap<>();
    for (LocalDate d : range.days()) {
      ChannelAttribution.Solved solved;
      try {
        solved = periods.solve(d, maxShapleyChannels);
      } catch (ShapleyGame.TooManyPlayers e) {
        throw new ConfigException("config key '" + AttributionSettings.SHAPLEY_MAX_CHANNELS.name()
            + "': the period ending " + d + " has " + e.getMessage(), e);
      }
      results.put(d, solved);
      LOG.info("attribution {}: Markov P(conversion) {}, removal effects {}, Shapley values {}",
          d, String.format("%.4f", solved.markov().conversionProbability()),
          solved.markov().removalEffects(), solved.shapley());
    }
    return results;
  }

  /**
   * The removal effects and Shapley values of the solved periods as (period_end, state,
   * removal_effect, shapley_value) rows.
   */
  private static Dataset<Row> chainValues(SparkSession spark,
      Map<LocalDate, ChannelAttribution.Solved> results) {
    StructType schema = new StructType().add("period_end", DataTypes.DateType)
        .add("state", DataTypes.StringType).add("removal_effect", DataTypes.DoubleType)
        .add("shapley_value", DataTypes.DoubleType);
    List<Row> values = new ArrayList<>();
    results.forEach((d, solved) -> {
      Set<String> states = new TreeSet<>(solved.markov().removalEffects().keySet());
      states.addAll(solved.shapley().keySet());
      for (String state : states) {
        values.add(RowBuilder.of(schema).set("period_end", Date.valueOf(d)).set("state", state)
            .set("removal_effect", solved.markov().removalEffects().get(state))
            .set("shapley_value", solved.shapley().get(state)).build());
      }
    });
    return spark.createDataFrame(values, schema);
  }
}
