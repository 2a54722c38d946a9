package com.community.analytics.jobs.attribution;

import com.community.analytics.common.job.ModelApi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.ArrayRealVector;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.apache.commons.math3.linear.RealVector;

/**
 * A first- or higher-order Markov chain over journey states with two absorbing states,
 * conversion and null, solved exactly: the probability of reaching conversion from the start is
 * read from the absorbing chain's fundamental matrix, (I - Q)^-1 R, by solving (I - Q) p = r.
 * The removal effect of a channel is the relative drop of that probability when every state
 * containing the channel sends its traffic to null instead. Deterministic, no simulation.
 *
 * <p>States of a higher-order chain are the last N channels joined by {@code >}; removing a
 * channel removes every state that contains it. Cost: one LU decomposition of a states-by-states
 * matrix per channel, on the driver (a few dozen states).
 */
@ModelApi
public final class MarkovChain {
  public static final String START = "(start)";
  public static final String CONVERSION = "(conversion)";
  public static final String NULL = "(null)";
  /** Separates the channels of a higher-order state. */
  public static final String SEPARATOR = ">";

  private final Map<String, Map<String, Double>> counts = new TreeMap<>();

  /** Adds {@code n} observations of the transition {@code from -> to}. */
  public MarkovChain add(String from, String to, double n) {
    counts.computeIfAbsent(from, k -> new TreeMap<>()).merge(to, n, Double::sum);
    return this;
  }

  /** Adds a journey: its states in order, and whether it ended in a conversion. */
  public MarkovChain addJourney(List<String> states, boolean converted, int order) {
    for (Transition t : transitions(states, converted, order)) {
      add(t.from(), t.to(), 1);
    }
    return this;
  }

  /** The transitions of one journey in a chain of the given order. */
  public static List<Transition> transitions(List<String> channels, boolean converted,
      int order) {
    List<Transition> out = new ArrayList<>();
    String previous = START;
    for (int i = 0; i < channels.size(); i++) {
      String state = String.join(SEPARATOR,
          channels.subList(Math.max(0, i - order + 1), i + 1));
      out.add(new Transition(previous, state));
      previous = state;
    }
    out.add(new Transition(previous, converted ? CONVERSION : NULL));
    return out;
  }

  /** One transition between two states. */
  public record Transition(String from, String to) {}

  /**
   * The chain's result: conversion probability from the start, each channel's removal effect
   * (its contribution: volume and effectiveness together), and each channel's conversion
   * probability, the chance that a journey standing at the channel ends in a conversion (its
   * effectiveness; for a higher-order chain the visit-weighted mean over the states that end in
   * the channel).
   */
  public record Result(double conversionProbability, Map<String, Double> removalEffects,
      Map<String, Double> channelConversionProbabilities) {
    /** Removal effects normalised to shares that sum to 1 (all zero: empty map). */
    public Map<String, Double> shares() {
      double total = removalEffects.values().stream().mapToDouble(Double::doubleValue).sum();
      Map<String, Double> out = new LinkedHashMap<>();
      if (total > 0) {
        removalEffects.forEach((c, e) -> out.put(c, e / total));
      }
      return out;
    }
  }

  /** Solves the chain and every channel's removal. */
  public Result solve() {
    List<String> states = new ArrayList<>(transientStates());
    RealVector absorbed = absorption(states, null);
    double base = absorbed.getEntry(states.indexOf(START));
    Map<String, Double> effects = new LinkedHashMap<>();
    for (String channel : channels()) {
      double without = conversionProbability(channel);
      effects.put(channel, base > 0 ? Math.max(0, 1 - without / base) : 0);
    }
    Map<String, double[]> byChannel = new TreeMap<>();
    for (int i = 0; i < states.size(); i++) {
      String state = states.get(i);
      if (state.equals(START)) {
        continue;
      }
      String[] parts = state.split(SEPARATOR, -1);
      double visits = visits(state);
      double[] acc = byChannel.computeIfAbsent(parts[parts.length - 1], k -> new double[2]);
      acc[0] += visits * absorbed.getEntry(i);
      acc[1] += visits;
    }
    Map<String, Double> perChannel = new LinkedHashMap<>();
    byChannel.forEach((c, acc) -> perChannel.put(c, acc[1] > 0 ? acc[0] / acc[1] : 0));
    return new Result(base, effects, perChannel);
  }

  private double visits(String state) {
    double n = 0;
    for (Map<String, Double> out : counts.values()) {
      n += out.getOrDefault(state, 0.0);
    }
    return n;
  }

  /** The channels that appear in the chain's states. */
  public TreeSet<String> channels() {
    TreeSet<String> out = new TreeSet<>();
    for (String s : transientStates()) {
      if (!s.equals(START)) {
        out.addAll(List.of(s.split(SEPARATOR, -1)));
      }
    }
    return out;
  }

  private TreeSet<String> transientStates() {
    TreeSet<String> states = new TreeSet<>(counts.keySet());
    counts.values().forEach(m -> states.addAll(m.keySet()));
    states.remove(CONVERSION);
    states.remove(NULL);
    states.add(START);
    return states;
  }

  private static boolean contains(String state, String channel) {
    return !state.equals(START) && List.of(state.split(SEPARATOR, -1)).contains(channel);
  }

  /**
   * P(start reaches conversion), with {@code removed} (may be null) turned into a sink that
   * leads to null. Transient states without outgoing transitions also lead to null.
   */
  double conversionProbability(String removed) {
    List<String> states = new ArrayList<>(transientStates());
    return absorption(states, removed).getEntry(states.indexOf(START));
  }

  /** P(reaching conversion) from each of {@code states}, with {@code removed} (or null). */
  private RealVector absorption(List<String> states, String removed) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < states.size(); i++) {
      index.put(states.get(i), i);
    }
    int n = states.size();
    RealMatrix iMinusQ = new Array2DRowRealMatrix(n, n);
    RealVector toConversion = new ArrayRealVector(n);
    for (int i = 0; i < n; i++) {
      iMinusQ.setEntry(i, i, 1);
      String from = states.get(i);
      Map<String, Double> out = counts.get(from);
      if (out == null || (removed != null && contains(from, removed))) {
        continue;  // absorbed into null
      }
      double total = out.values().stream().mapToDouble(Double::doubleValue).sum();
      for (Map.Entry<String, Double> e : out.entrySet()) {
        double p = e.getValue() / total;
        String to = e.getKey();
        if (to.equals(CONVERSION)) {
          toConversion.addToEntry(i, p);
        } else if (!to.equals(NULL) && !(removed != null && contains(to, removed))) {
          int j = index.get(to);
          iMinusQ.addToEntry(i, j, -p);
        }
      }
    }
    return new LUDecomposition(iMinusQ).getSolver().solve(toConversion);
  }
}
