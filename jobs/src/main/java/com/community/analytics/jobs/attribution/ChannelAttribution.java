package com.community.analytics.jobs.attribution;

import static com.community.analytics.jobs.attribution.AttributionTables.NO_TOUCH;

import com.community.analytics.common.job.ModelApi;
import com.community.analytics.common.spark.RowBuilder;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.apache.spark.sql.Row;

/**
 * The Markov chains and Shapley games of each period and the per-channel totals of every
 * model, on the driver from small aggregates: transition counts and channel sets by the date of
 * their journey's last touch, and credits summed per conversion date, channel (or content type)
 * and model. Heuristic models sum the credits of the conversions in the {@code periodDays} days
 * up to D: a conversion's credits are known when it happens. The chain of period end D uses
 * only journeys whose outcome is known on D, converting and non-converting alike: those whose
 * last touch falls in the {@code periodDays} days up to D minus {@link #maturityDays} (a period
 * from the converters alone would see every channel convert). The Markov row of a channel is
 * those journeys' conversions (and GMV) times the channel's share of the removal effects, as in
 * the literature, so the chain's result is reported exactly; the Shapley rows ({@link
 * ShapleyGame}, on the same journeys) share them by Shapley value. Conversions without touches
 * appear as '{@value AttributionTables#NO_TOUCH}' under every model.
 *
 * <p>Inputs: the rows of {@link Journeys#transitions} and {@link Journeys#channelSets}, and
 * summed credits. Output: rows of {@link AttributionTables#CHANNEL_ATTRIBUTION}. Cost: per
 * period, one pass over its days' aggregates, one {@link MarkovChain#solve} and one exact
 * Shapley game.
 */
@ModelApi
public final class ChannelAttribution {
  private final int periodDays;
  private final int lookbackDays;
  /** last_touch_date -> transitions. */
  private final Map<LocalDate, List<Transitions>> transitions = new TreeMap<>();
  /** last_touch_date -> journeys by channel set. */
  private final Map<LocalDate, List<ChannelSet>> channelSets = new TreeMap<>();
  /** conversion_date -> {conversions, gmv} of the purchases without touches. */
  private final Map<LocalDate, double[]> untouched = new TreeMap<>();
  /** conversion_date -> model -> channel -> {conversions, gmv}. */
  private final Map<LocalDate, Map<String, Map<String, double[]>>> credits = new TreeMap<>();

  /** {@code n} journeys' transitions from one state to another, and their purchases' GMV. */
  private record Transitions(String from, String to, long n, double gmv) {}

  /** Journeys through exactly a set of channels, and how many of them converted. */
  private record ChannelSet(List<String> channels, long journeys, long conversions) {}

  /** The models solved on a period's final journeys. */
  public record Solved(MarkovChain.Result markov, Map<String, Double> shapley) {}

  public ChannelAttribution(int periodDays, int lookbackDays) {
    this.periodDays = periodDays;
    this.lookbackDays = lookbackDays;
  }

  /**
   * Days after its last touch by which every journey's outcome is known: a converting journey's
   * purchase comes within the look-back window of its touches, and a non-converting journey
   * (touches grouped in blocks of look-back days, {@link Journeys#journeys}) is known not to
   * convert one window after its block ends, at most 2 x lookback - 1 days after its last touch.
   */
  public static int maturityDays(int lookbackDays) {
    return 2 * lookbackDays - 1;
  }

  /** The first and last day of the touches whose journeys make the chain of period end D. */
  public LocalDate[] touchWindow(LocalDate end) {
    LocalDate to = end.minusDays(maturityDays(lookbackDays));
    return new LocalDate[] {to.minusDays(periodDays - 1L), to};
  }

  /** Adds a row of {@link Journeys#transitions}: (last_touch_date, from, to, n, gmv). */
  public void addTransition(LocalDate lastTouchDate, String from, String to, long n,
      double gmv) {
    transitions.computeIfAbsent(lastTouchDate, k -> new ArrayList<>())
        .add(new Transitions(from, to, n, gmv));
  }

  /** Adds a day's purchases without touches ({@link Journeys#untouched}). */
  public void addUntouched(LocalDate date, double conversions, double gmv) {
    double[] acc = untouched.computeIfAbsent(date, k -> new double[2]);
    acc[0] += conversions;
    acc[1] += gmv;
  }

  /** Adds a row of {@link Journeys#channelSets}. */
  public void addChannelSet(LocalDate lastTouchDate, List<String> channels, long journeys,
      long conversions) {
    channelSets.computeIfAbsent(lastTouchDate, k -> new ArrayList<>())
        .add(new ChannelSet(channels, journeys, conversions));
  }

  /**
   * The Markov chain and the Shapley values of the period ending {@code end}, both on its
   * final journeys.
   *
   * @throws ShapleyGame.TooManyPlayers when the period has more channels than {@code
   *     maxShapleyChannels}
   */
  public Solved solve(LocalDate end, int maxShapleyChannels) {
    LocalDate[] w = touchWindow(end);
    List<ChannelSet> sets = new ArrayList<>();
    TreeSet<String> channels = new TreeSet<>();
    for (LocalDate d = w[0]; !d.isAfter(w[1]); d = d.plusDays(1)) {
      for (ChannelSet set : channelSets.getOrDefault(d, List.of())) {
        sets.add(set);
        channels.addAll(set.channels());
      }
    }
    ShapleyGame game = new ShapleyGame(channels, maxShapleyChannels);
    sets.forEach(set -> game.add(set.channels(), set.journeys(), set.conversions()));
    return new Solved(chain(end).solve(), game.values());
  }

  /** The transitions of the journeys whose last touch falls in the window {from, to}. */
  private List<Transitions> window(LocalDate[] w) {
    List<Transitions> out = new ArrayList<>();
    for (LocalDate d = w[0]; !d.isAfter(w[1]); d = d.plusDays(1)) {
      out.addAll(transitions.getOrDefault(d, List.of()));
    }
    return out;
  }

  /** Adds a row of summed credits (conversion_date, channel, model, conversions, gmv). */
  public void addCredits(LocalDate date, String channel, String model, double conversions,
      double gmv) {
    double[] acc = credits.computeIfAbsent(date, k -> new TreeMap<>())
        .computeIfAbsent(model, k -> new TreeMap<>())
        .computeIfAbsent(channel, k -> new double[2]);
    acc[0] += conversions;
    acc[1] += gmv;
  }

  /** The chain of the period ending {@code end}: its final journeys' transitions. */
  public MarkovChain chain(LocalDate end) {
    MarkovChain chain = new MarkovChain();
    for (Transitions t : window(touchWindow(end))) {
      chain.add(t.from(), t.to(), t.n());
    }
    return chain;
  }

  /** Touches per channel in a window's journeys: transitions into a state, by its last channel. */
  private Map<String, Long> touches(LocalDate[] w) {
    Map<String, Long> out = new TreeMap<>();
    for (Transitions t : window(w)) {
      if (!t.to().equals(MarkovChain.CONVERSION) && !t.to().equals(MarkovChain.NULL)) {
        String[] parts = t.to().split(MarkovChain.SEPARATOR, -1);
        out.merge(parts[parts.length - 1], t.n(), Long::sum);
      }
    }
    return out;
  }

  /** The conversions of the chain's journeys and their GMV. */
  private double[] chainConversions(LocalDate end) {
    double[] out = new double[2];
    for (Transitions t : window(touchWindow(end))) {
      if (t.to().equals(MarkovChain.CONVERSION)) {
        out[0] += t.n();
        out[1] += t.gmv();
      }
    }
    return out;
  }

  /** Rows of gold.channel_attribution for the period ending {@code end}. */
  public List<Row> rows(LocalDate end, Solved solved, String dimension) {
    Map<String, Map<String, double[]>> byModel = new TreeMap<>();
    for (LocalDate d = end.minusDays(periodDays - 1); !d.isAfter(end); d = d.plusDays(1)) {
      credits.getOrDefault(d, Map.of()).forEach((model, channels) -> channels.forEach((c, v) -> {
        double[] acc = byModel.computeIfAbsent(model, k -> new TreeMap<>())
            .computeIfAbsent(c, k -> new double[2]);
        acc[0] += v[0];
        acc[1] += v[1];
      }));
    }
    Map<String, double[]> linear = byModel.getOrDefault("linear", Map.of());
    double total = linear.values().stream().mapToDouble(v -> v[0]).sum();
    // Heuristic rows: the period's conversions, beside the touches of the final journeys (a
    // count later events cannot change, the same for every model).
    LocalDate[] w = touchWindow(end);
    Map<String, Long> touches = touches(w);
    List<Row> rows = new ArrayList<>();
    for (Map.Entry<String, Map<String, double[]>> m : byModel.entrySet()) {
      if (!m.getKey().equals("markov") && !m.getKey().equals("shapley")) {
        m.getValue().forEach((c, v) -> rows.add(row(end, c, m.getKey(), dimension)
            .set("conversions", v[0]).set("gmv", v[1]).set("share", share(v[0], total))
            .set("touches", touches.get(c)).set("touches_from", Date.valueOf(w[0]))
            .set("touches_to", Date.valueOf(w[1])).build()));
      }
    }
    if (solved != null) {
      // The purchases without touches of the final journeys' days.
      double[] direct = new double[2];
      for (LocalDate d = w[0]; !d.isAfter(w[1]); d = d.plusDays(1)) {
        double[] day = untouched.getOrDefault(d, new double[2]);
        direct[0] += day[0];
        direct[1] += day[1];
      }
      rows.addAll(markovRows(end, solved.markov(), direct, dimension));
      rows.addAll(shapleyRows(end, solved.shapley(), direct, dimension));
    }
    return rows;
  }

  /** The Markov rows: each channel's share of the removal effects. */
  private List<Row> markovRows(LocalDate end, MarkovChain.Result markov, double[] direct,
      String dimension) {
    Map<String, Double> shares = new TreeMap<>();
    markov.removalEffects().keySet().forEach(c -> shares.put(c,
        markov.shares().getOrDefault(c, 0.0)));
    return finalJourneyRows(end, "markov", shares, direct, dimension, (c, row) -> row
        .set("removal_effect", markov.removalEffects().get(c))
        .set("conversion_probability", markov.channelConversionProbabilities().get(c)));
  }

  /** The Shapley rows: each channel's share of the Shapley values (so they sum to 1). */
  private List<Row> shapleyRows(LocalDate end, Map<String, Double> shapley, double[] direct,
      String dimension) {
    double sum = shapley.values().stream().mapToDouble(Double::doubleValue).sum();
    Map<String, Double> shares = new TreeMap<>();
    shapley.forEach((c, value) -> shares.put(c, sum > 0 ? value / sum : 0));
    return finalJourneyRows(end, "shapley", shares, direct, dimension,
        (c, row) -> row.set("shapley_value", shapley.get(c)));
  }

  /**
   * Rows of a model solved on the period's final journeys: each channel's share of their
   * conversions and GMV (with the model's own columns from {@code extras}), and the period's
   * conversions without touches; shares of their sum.
   */
  private List<Row> finalJourneyRows(LocalDate end, String model, Map<String, Double> shares,
      double[] direct, String dimension, BiConsumer<String, RowBuilder> extras) {
    double[] converted = chainConversions(end);
    double total = converted[0] + direct[0];
    LocalDate[] w = touchWindow(end);
    Map<String, Long> touches = touches(w);
    List<Row> rows = new ArrayList<>();
    shares.forEach((channel, share) -> {
      RowBuilder row = row(end, channel, model, dimension)
          .set("conversions", converted[0] * share).set("gmv", converted[1] * share)
          .set("share", share(converted[0] * share, total)).set("touches", touches.get(channel))
          .set("touches_from", Date.valueOf(w[0])).set("touches_to", Date.valueOf(w[1]));
      extras.accept(channel, row);
      rows.add(row.build());
    });
    if (direct[0] > 0) {
      rows.add(row(end, NO_TOUCH, model, dimension).set("conversions", direct[0])
          .set("gmv", direct[1]).set("share", share(direct[0], total)).build());
    }
    return rows;
  }

  private static Double share(double conversions, double total) {
    return total > 0 ? conversions / total : null;
  }

  private RowBuilder row(LocalDate end, String channel, String model, String dimension) {
    return RowBuilder.of(AttributionTables.CHANNEL_ATTRIBUTION.schema())
        .set("period_end", Date.valueOf(end)).set("period_days", periodDays)
        .set("dimension", dimension).set("channel", channel).set("model", model)
        .set("final", true);
  }
}
