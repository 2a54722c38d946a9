package com.community.analytics.jobs.support;

import com.community.analytics.common.job.Job;
import com.community.analytics.jobs.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A generated lake and the warehouse its history left, built once and shared by every test, in
 * every test JVM of the build (the unit tests and the production tests alike), that asks for
 * the same {@link Recipe}. It lives in {@code target/fixtures/<name>-<hash>}, where the hash
 * covers the recipe, the business rules in {@code conf/} and the project's classes on the
 * classpath, so a change to any of them builds a new one and a stale fixture is never used.
 *
 * <p>Shared read-only: a test that runs a job on it takes {@link #copy}, its own warehouse over
 * the shared lake; one that adds raw files or trains a churn model (churn-train saves models
 * under the lake) takes {@link #copyWithLake}, a lake of its own too.
 * Cost: the recipe's jobs once per build, then a folder copy per test class.
 */
public final class SharedFixture {
  private static final Path FIXTURES = Path.of("target/fixtures").toAbsolutePath();

  /**
   * How a fixture is built: {@code generate} with {@code conf} (and {@link #extraYaml}), then
   * each step, a job name and its arguments, in-process on the test session.
   */
  public record Recipe(String name, Map<String, String> conf, String extraYaml,
      List<List<String>> steps) {
    public Recipe {
      conf = Map.copyOf(conf);
      steps = steps.stream().map(List::copyOf).toList();
    }

    String key() {
      StringBuilder text = new StringBuilder(name).append('\n')
          .append(new TreeMap<>(conf)).append('\n').append(extraYaml).append('\n')
          .append(steps).append('\n');
      return name + "-" + sha256(text.toString(), codeAndRules()).substring(0, 16);
    }
  }

  /**
   * A community of 1,500 members over 60 days from 2026-01-01, ingested and with features for
   * every day: enough members for the planted A/B effects and the channel lifts to show.
   */
  public static final Recipe COMMUNITY_60_DAYS = new Recipe("community-1500x60",
      Map.of("generator.members", "1500", "generator.days", "60",
          "generator.start_date", "2026-01-01", "generator.partitions", "2"), "",
      List.of(List.of("ingest", "--from", "2026-01-01", "--to", "2026-03-01"),
          List.of("features", "--from", "2026-01-01", "--to", "2026-03-01")));

  private SharedFixture() {}

  /** The fixture of {@code recipe}, built by the first test that asks for it. */
  public static synchronized JobFixture get(Recipe recipe) {
    Path dir = FIXTURES.resolve(recipe.key());
    if (!Files.exists(dir.resolve("READY"))) {
      build(recipe, dir);
    }
    JobFixture f = new JobFixture(dir);
    f.extraYaml = recipe.extraYaml();
    return f;
  }

  /**
   * A warehouse of its own under {@code root}, a copy of the fixture's, over its lake (read
   * only: no raw files added, no churn-train).
   */
  public static JobFixture copy(Recipe recipe, Path root) {
    JobFixture shared = get(recipe);
    JobFixture f = new JobFixture(root, shared.lake);
    f.extraYaml = recipe.extraYaml();
    copyTree(shared.warehouse, f.warehouse);
    return f;
  }

  /**
   * A lake and a warehouse of its own under {@code root}, copies of the fixture's, for a test
   * that adds raw files or trains churn models. (Rows that record where they were read from
   * still name the shared lake's files.)
   */
  public static JobFixture copyWithLake(Recipe recipe, Path root) {
    JobFixture shared = get(recipe);
    JobFixture f = new JobFixture(root);
    f.extraYaml = recipe.extraYaml();
    copyTree(shared.lake, f.lake);
    copyTree(shared.warehouse, f.warehouse);
    return f;
  }

  /**
   * Builds in place (tables record absolute paths, e.g. a churn model's folder in the lake, so
   * the fixture cannot be built elsewhere and moved), under a file lock so that two test JVMs
   * never build the same recipe at once; a folder without READY is a build that died and is
   * built again.
   */
  private static void build(Recipe recipe, Path dir) {
    try {
      Files.createDirectories(FIXTURES);
      try (FileChannel lock = FileChannel.open(FIXTURES.resolve(recipe.key() + ".lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE); FileLock held = lock.lock()) {
        if (Files.exists(dir.resolve("READY"))) {
          return;
        }
        deleteTree(dir);
        JobFixture f = new JobFixture(dir);
        f.extraYaml = recipe.extraYaml();
        f.run(job("generate"), recipe.conf());
        for (List<String> step : recipe.steps()) {
          f.run(job(step.get(0)), recipe.conf(), step.subList(1, step.size())
              .toArray(new String[0]));
        }
        Files.writeString(dir.resolve("READY"), recipe.toString());
      }
    } catch (Exception e) {
      throw new IllegalStateException("building fixture " + recipe.name() + " failed", e);
    }
  }

  private static Job job(String name) {
    return Main.jobs().stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
  }

  /** The business rules and every project class or jar on the classpath. */
  private static List<Path> codeAndRules() {
    Path repo = Path.of("..").toAbsolutePath().normalize();
    List<Path> inputs = new ArrayList<>();
    try (Stream<Path> rules = Files.list(repo.resolve("conf"))) {
      rules.sorted().forEach(inputs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry).toAbsolutePath().normalize();
      if (p.startsWith(repo) && Files.exists(p)) {
        inputs.add(p);
      }
    }
    return inputs;
  }

  private static String sha256(String text, List<Path> inputs) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(text.getBytes(StandardCharsets.UTF_8));
      for (Path input : inputs) {
        try (Stream<Path> files = Files.walk(input)) {
          for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
            digest.update(input.relativize(file).toString().getBytes(StandardCharsets.UTF_8));
            try (InputStream in = Files.newInputStream(file)) {
              digest.update(in.readAllBytes());
            }
          }
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies a folder and everything in it, keeping file times (the one copy of the tests). */
  public static void copyTree(Path from, Path to) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
