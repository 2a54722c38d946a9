package com.community.analytics.jobs.generate;

import java.util.SplittableRandom;

/** Random draws the simulation needs, on a seeded {@link SplittableRandom}. */
public final class Sampling {
  private Sampling() {}

  /** Gamma(shape, rate) by Marsaglia and Tsang; mean shape / rate. */
  public static double gamma(SplittableRandom rng, double shape, double rate) {
    if (shape < 1) {
      double u = rng.nextDouble();
      return gamma(rng, shape + 1, rate) * Math.pow(u, 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x;
      double v;
      do {
        x = normal(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      double u = rng.nextDouble();
      if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
        return d * v / rate;
      }
    }
  }

  public static double beta(SplittableRandom rng, double a, double b) {
    double x = gamma(rng, a, 1);
    double y = gamma(rng, b, 1);
    return x / (x + y);
  }

  public static double normal(SplittableRandom rng) {
    double u1 = 1 - rng.nextDouble();
    double u2 = rng.nextDouble();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  public static double exponential(SplittableRandom rng, double rate) {
    return -Math.log(1 - rng.nextDouble()) / rate;
  }

  public static int poisson(SplittableRandom rng, double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= rng.nextDouble();
    } while (p > l);
    return k - 1;
  }

  /** Index drawn with probability proportional to {@code weights}. */
  public static int weighted(SplittableRandom rng, double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = rng.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  /** A well-mixed seed for entity {@code id} of stream {@code seed}. */
  public static long mix(long seed, long id) {
    long z = seed * 0x9E3779B97F4A7C15L + id;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
