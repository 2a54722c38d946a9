package com.community.analytics.jobs.attribution;

import static com.community.analytics.jobs.attribution.AttributionTables.NO_TOUCH;

import com.community.analytics.common.spark.RowBuilder;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * The Markov chains of each period and the per-channel totals of every model, on the driver
 * from small aggregates: transition counts per journey end date, and credits summed per
 * conversion date, channel (or content type) and model. The chain of period end D uses the
 * journeys that ended in the {@code periodDays} days up to D; heuristic models sum the credits
 * of the conversions in those days; the Markov row of a channel is the period's touched
 * conversions (and their GMV) times the channel's share of the removal effects, as in the
 * literature, so the chain's result is reported exactly. Conversions without touches appear as
 * '{@value AttributionTables#NO_TOUCH}' under every model.
 */
public final class ChannelAttribution {
  private final int periodDays;
  /** end_date -> transitions. */
  private final Map<LocalDate, List<Object[]>> transitions = new TreeMap<>();
  /** conversion_date -> model -> channel -> {conversions, gmv}. */
  private final Map<LocalDate, Map<String, Map<String, double[]>>> credits = new TreeMap<>();

  public ChannelAttribution(int periodDays) {
    this.periodDays = periodDays;
  }

  /** Adds a row (end_date, from_state, to_state, n). */
  public void addTransition(LocalDate endDate, String from, String to, long n) {
    transitions.computeIfAbsent(endDate, k -> new ArrayList<>()).add(new Object[] {from, to, n});
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

  /** The chain of the period ending {@code end}. */
  public MarkovChain chain(LocalDate end) {
    MarkovChain chain = new MarkovChain();
    for (LocalDate d = end.minusDays(periodDays - 1); !d.isAfter(end); d = d.plusDays(1)) {
      for (Object[] t : transitions.getOrDefault(d, List.of())) {
        chain.add((String) t[0], (String) t[1], ((Number) t[2]).doubleValue());
      }
    }
    return chain;
  }

  /** Touches per channel in the period's chain: transitions into a state, by its last channel. */
  private Map<String, Long> touches(LocalDate end) {
    Map<String, Long> out = new TreeMap<>();
    for (LocalDate d = end.minusDays(periodDays - 1); !d.isAfter(end); d = d.plusDays(1)) {
      for (Object[] t : transitions.getOrDefault(d, List.of())) {
        String to = (String) t[1];
        if (!to.equals(MarkovChain.CONVERSION) && !to.equals(MarkovChain.NULL)) {
          String[] parts = to.split(MarkovChain.SEPARATOR, -1);
          out.merge(parts[parts.length - 1], ((Number) t[2]).longValue(), Long::sum);
        }
      }
    }
    return out;
  }

  /** Rows of gold.channel_attribution for the period ending {@code end}. */
  public List<Row> rows(LocalDate end, MarkovChain.Result markov, String dimension) {
    Map<String, Map<String, double[]>> byModel = new TreeMap<>();
    for (LocalDate d = end.minusDays(periodDays - 1); !d.isAfter(end); d = d.plusDays(1)) {
      credits.getOrDefault(d, Map.of()).forEach((model, channels) -> channels.forEach((c, v) -> {
        double[] acc = byModel.computeIfAbsent(model, k -> new TreeMap<>())
            .computeIfAbsent(c, k -> new double[2]);
        acc[0] += v[0];
        acc[1] += v[1];
      }));
    }
    Map<String, Long> touches = touches(end);
    List<Row> rows = new ArrayList<>();
    Map<String, double[]> linear = byModel.getOrDefault("linear", Map.of());
    double total = linear.values().stream().mapToDouble(v -> v[0]).sum();
    for (Map.Entry<String, Map<String, double[]>> m : byModel.entrySet()) {
      if (m.getKey().equals("markov")) {
        continue;
      }
      m.getValue().forEach((c, v) -> rows.add(row(end, c, m.getKey(), v[0], v[1], total, null,
          null, touches.get(c), dimension)));
    }
    double touchedConversions = 0;
    double touchedGmv = 0;
    for (Map.Entry<String, double[]> c : linear.entrySet()) {
      if (!c.getKey().equals(NO_TOUCH)) {
        touchedConversions += c.getValue()[0];
        touchedGmv += c.getValue()[1];
      }
    }
    if (markov != null) {
      Map<String, Double> shares = markov.shares();
      for (Map.Entry<String, Double> e : markov.removalEffects().entrySet()) {
        double share = shares.getOrDefault(e.getKey(), 0.0);
        rows.add(row(end, e.getKey(), "markov", touchedConversions * share, touchedGmv * share,
            total, e.getValue(), markov.channelConversionProbabilities().get(e.getKey()),
            touches.get(e.getKey()), dimension));
      }
      double[] direct = linear.get(NO_TOUCH);
      if (direct != null) {
        rows.add(row(end, NO_TOUCH, "markov", direct[0], direct[1], total, null, null, null,
            dimension));
      }
    }
    return rows;
  }

  private Row row(LocalDate end, String channel, String model, double conversions, double gmv,
      double total, Double removalEffect, Double conversionProbability, Long touches,
      String dimension) {
    return RowBuilder.of(AttributionTables.CHANNEL_ATTRIBUTION.schema())
        .set("period_end", Date.valueOf(end)).set("period_days", periodDays)
        .set("dimension", dimension).set("channel", channel).set("model", model)
        .set("conversions", conversions).set("gmv", gmv)
        .set("share", total > 0 ? conversions / total : null)
        .set("removal_effect", removalEffect)
        .set("conversion_probability", conversionProbability).set("touches", touches).build();
  }
}
