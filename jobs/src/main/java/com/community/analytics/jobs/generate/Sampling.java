package com.community.analytics.jobs.generate;

import java.util.stream.IntStream;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.EnumeratedIntegerDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.distribution.PoissonDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * The simulation's random draws: Apache Commons Math's samplers on one seeded {@link Well19937c}
 * stream per simulated entity, so each member's draws depend only on the seed and its id, in
 * whatever order or partition members are simulated.
 */
public final class Sampling {
  private Sampling() {}

  /**
   * The stream of entity {@code id} under {@code seed}. Every seed word is a hash of both:
   * Well19937c fills its state from each seed word separately, so entities whose seeds shared
   * words would share most of their state.
   */
  public static RandomGenerator stream(long seed, long id) {
    long a = mix(seed, id);
    long b = mix(a, id);
    return new Well19937c(new int[] {(int) (a >>> 32), (int) a, (int) (b >>> 32), (int) b});
  }

  /** Gamma with the given shape and rate (mean shape / rate). */
  public static double gamma(RandomGenerator rng, double shape, double rate) {
    return new GammaDistribution(rng, shape, 1 / rate).sample();
  }

  public static double beta(RandomGenerator rng, double a, double b) {
    return new BetaDistribution(rng, a, b).sample();
  }

  /** Exponential with the given rate (mean 1 / rate). */
  public static double exponential(RandomGenerator rng, double rate) {
    return new ExponentialDistribution(rng, 1 / rate).sample();
  }

  public static int poisson(RandomGenerator rng, double mean) {
    return new PoissonDistribution(rng, mean, PoissonDistribution.DEFAULT_EPSILON,
        PoissonDistribution.DEFAULT_MAX_ITERATIONS).sample();
  }

  /** Index drawn with probability proportional to {@code weights}. */
  public static int weighted(RandomGenerator rng, double[] weights) {
    return new EnumeratedIntegerDistribution(rng,
        IntStream.range(0, weights.length).toArray(), weights).sample();
  }

  /** An integer uniform in [from, to). */
  public static int uniform(RandomGenerator rng, int from, int to) {
    return from + rng.nextInt(to - from);
  }

  /**
   * A well-mixed 64-bit hash of {@code id} under {@code seed} (SplitMix64's finalizer), for
   * assignments that must not depend on a stream's position, such as experiment variants.
   */
  public static long mix(long seed, long id) {
    long z = seed * 0x9E3779B97F4A7C15L + id;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** A uniform in [0, 1) from a {@link #mix} hash. */
  public static double unit(long hash) {
    return (hash >>> 11) * 0x1.0p-53;
  }
}
