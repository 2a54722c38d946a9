package com.community.analytics.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import scala.Option;

/**
 * Every usage and config mistake, one row each, run in-process through {@code Main.runner()}:
 * exit code 2, nothing on stdout, and exactly one line on stderr, from the runner, naming the
 * job, option, key, file or variable. None of them builds a SparkSession: they are all found
 * before one (a session in this JVM, like the tests' shared one, is left as it was).
 *
 * <p>A row's YAML, when given, is written to {@code conf.yaml} in a temp folder and passed with
 * {@code --config}; {@code {file}} and {@code {dir}} in the expected text stand for that file and
 * folder.
 */
class ConfigAndCliErrorsTest {
  private static final String DAY = "2026-11-21";
  private static final String SECRET = "hunter2";
  private static final String UNSET_VARIABLE = "COMMUNITY_TEST_UNSET_VARIABLE_8";

  @TempDir
  Path tmp;

  static Stream<Arguments> mistakes() {
    return Stream.of(
        // The command line.
        row("unknown job", null, "community: unknown job 'nosuchjob'; jobs: generate, ingest",
            "nosuchjob"),
        row("unknown option", null,
            "community ingest: Unknown option --bogus (see community ingest --help)",
            "ingest", "--date", DAY, "--bogus"),
        row("option without its value", null, "Missing value after --date", "ingest", "--date"),
        row("missing --date", null,
            "community ingest: ingest needs --date YYYY-MM-DD or --from YYYY-MM-DD --to", "ingest"),
        row("malformed date", null, "malformed date '2026-02-30', expected YYYY-MM-DD",
            "ingest", "--date", "2026-02-30"),
        row("--from after --to", null, "--from 2026-11-22 is after --to 2026-11-21",
            "ingest", "--from", "2026-11-22", "--to", "2026-11-21"),
        row("--date and --from", null, "give either --date or --from/--to, not both",
            "ingest", "--date", DAY, "--from", DAY, "--to", DAY),
        row("--from without --to", null, "--from and --to go together", "ingest", "--from", DAY),
        row("--set without =", null, "--set expects key=value, got 'novalue'",
            "ingest", "--date", DAY, "--set", "novalue"),
        row("--set unknown key", "{}", "unknown config key 'lake.rooot' in --set",
            "ingest", "--date", DAY, "--set", "lake.rooot=x"),
        row("--set wrong type", "{}",
            "config key 'ingest.future_tolerance_hours': expected an integer, got 'x'",
            "ingest", "--date", DAY, "--set", "ingest.future_tolerance_hours=x"),
        row("--set below the key's minimum", "{}",
            "config key 'features.snapshot_every_days': expected an integer >= 1, got '0'",
            "features", "--date", DAY, "--set", "features.snapshot_every_days=0"),
        row("--set list with an empty name", "{}",
            "config key 'ingest.content_types': expected a non-empty list of names, got "
                + "'article,,poll'",
            "ingest", "--date", DAY, "--set", "ingest.content_types=article,,poll"),
        row("list key holding a map", "ingest:\n  content_origins: [pgc, {ugc: 1}]",
            "config key 'ingest.content_origins': expected a non-empty list of names, got "
                + "'[pgc, {ugc=1}]'", "ingest", "--date", DAY),
        row("job option of the wrong type", "{}",
            "community generate: config key 'generator.members': expected an integer >= 1, got "
                + "'many'",
            "generate", "--members", "many"),
        // Each job's own options.
        row("nightly unknown step", "{}", "community nightly: unknown step 'churn'; steps: "
            + "ingest, features, churn-train, churn-score, attribution, kpi",
            "nightly", "--date", DAY, "--steps", "ingest,churn"),
        row("nightly without dates", "{}",
            "community nightly: nightly needs --date YYYY-MM-DD or --from", "nightly"),
        row("nightly with a registry action", "{}",
            "community nightly: Unknown option --rollback", "nightly", "--date", DAY,
            "--rollback"),
        row("nightly step option checked", "{}",
            "community nightly: --color must be auto, always or never, got 'purple'",
            "nightly", "--date", DAY, "--color", "purple"),
        row("sql bad format", "{}", "--format must be table or tsv, got 'xml'",
            "sql", "--format", "xml", "select 1"),
        row("churn-train --promote not a number", "{}",
            "community churn-train: --promote takes a version number, got 'two'",
            "churn-train", "--promote", "two"),
        row("churn-train --promote and --rollback", "{}",
            "give one of --promote, --rollback, --history, --champion-on",
            "churn-train", "--promote", "2", "--rollback"),
        row("churn-train --history and --champion-on", "{}",
            "give one of --promote, --rollback, --history, --champion-on",
            "churn-train", "--history", "--champion-on", DAY),
        row("churn-train bad --champion-on", "{}",
            "community churn-train: --champion-on takes a date (2026-03-01) or an instant "
                + "(2026-03-01T08:00:00Z), got 'yesterday'",
            "churn-train", "--champion-on", "yesterday"),
        row("serve.auth not a method", "{serve: {auth: ldap}}", "serve.auth", "serve"),
        row("churn.reason_phrases without {value}", "{churn: {reason_phrases: {recency_days: "
            + "idle}}}", "churn.reason_phrases", "churn-score", "--date", DAY),
        row("kpi bad --color", "{}",
            "community kpi: --color must be auto, always or never, got 'purple'",
            "kpi", "--date", DAY, "--color", "purple"),
        row("features bad --holdout-days", "{}",
            "--holdout-days must be a positive number of days, got '0'",
            "features", "--date", DAY, "--holdout-days", "0"),
        // Config files.
        row("--config that does not exist", null, "config file not found: no/such/conf.yaml",
            "ingest", "--date", DAY, "--config", "no/such/conf.yaml"),
        row("include of a missing file", "include: [missing.yaml]",
            "config file not found: {dir}/missing.yaml (included from {file})",
            "ingest", "--date", DAY),
        row("include of itself", "include: [conf.yaml]",
            "config include cycle: {file} -> {file}", "ingest", "--date", DAY),
        row("include not a list", "include: other.yaml",
            "config file {file}: 'include' must be a list of files", "ingest", "--date", DAY),
        row("not a map at the top", "- a\n- b",
            "config file {file}: expected a map of keys at the top", "ingest", "--date", DAY),
        row("YAML syntax error", "lake:\n  root: x\n bad: [",
            "config file {file} is not valid YAML at line 3, column 2: expected <block end>",
            "ingest", "--date", DAY),
        row("YAML tab indentation", "lake:\n\troot: x",
            "config file {file} is not valid YAML at line 2, column 1: found character '\\t(TAB)'",
            "ingest", "--date", DAY),
        row("YAML duplicate key", "lake:\n  root: x\n  root: y",
            "config file {file} is not valid YAML at line 3, column 3: found duplicate key root",
            "ingest", "--date", DAY),
        row("unknown key at the top", "colour: red", "unknown config key 'colour' in {file}",
            "ingest", "--date", DAY),
        row("unknown nested key", "ingest:\n  future_tolerance: 3",
            "unknown config key 'ingest.future_tolerance' in {file}", "ingest", "--date", DAY),
        row("string for an int", "ingest:\n  future_tolerance_hours: many",
            "config key 'ingest.future_tolerance_hours': expected an integer, got 'many'",
            "ingest", "--date", DAY),
        row("int for a bool", "ingest:\n  require_success_marker: 1",
            "config key 'ingest.require_success_marker': expected true or false, got '1'",
            "ingest", "--date", DAY),
        row("non-number for a double", "generator:\n  broken_share: lots",
            "config key 'generator.broken_share': expected a number from 0 to 1, got 'lots'",
            "ingest", "--date", DAY),
        row("bad enum value", "catalog:\n  type: mysql",
            "config key 'catalog.type': expected one of embedded, hive, got 'mysql'",
            "ingest", "--date", DAY),
        row("bad ingest.on_empty_folder", "ingest:\n  on_empty_folder: sometimes",
            "config key 'ingest.on_empty_folder': expected one of fail, allow, got 'sometimes'",
            "ingest", "--date", DAY),
        row("bad time zone", "business:\n  time_zone: Mars/Olympus",
            "config key 'business.time_zone': expected a time-zone id", "ingest", "--date", DAY),
        row("impossible date value", "generator:\n  start_date: 2026-13-01",
            "config key 'generator.start_date': expected a date YYYY-MM-DD, got '2026-13-01'",
            "ingest", "--date", DAY),
        row("list for a single value", "lake:\n  root: [a, b]",
            "config key 'lake.root': expected a single value, got '[a, b]'",
            "ingest", "--date", DAY),
        row("scalar for a rule table", "churn:\n  grid: 3",
            "config key 'churn.grid': expected a list, got '3'", "ingest", "--date", DAY),
        row("unset environment variable", "s3:\n  endpoint: ${env:" + UNSET_VARIABLE + "}",
            "config key 's3.endpoint' refers to environment variable " + UNSET_VARIABLE
                + ", which is not set", "ingest", "--date", DAY),
        row("secret in clear in a file", "s3:\n  secret_key: " + SECRET,
            "config key 's3.secret_key' is a secret: give it as ${env:NAME}, not in clear in "
                + "{file}", "ingest", "--date", DAY),
        row("no warehouse root", "lake:\n  root: lake",
            "community ingest: config key 'warehouse.root' is not set", "ingest", "--date", DAY));
  }

  private static Arguments row(String description, String yaml, String expected,
      String... args) {
    return Arguments.of(description, yaml, expected, args);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void exitsTwoWithOneLineNamingTheMistake(String description, String yaml, String expected,
      String[] args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(args));
    Path file = tmp.resolve("conf.yaml");
    if (yaml != null) {
      Files.writeString(file, yaml + "\n");
      argv.addAll(List.of("--config", file.toString()));
    }
    Option<SparkSession> activeBefore = SparkSession.getActiveSession();
    Option<SparkSession> defaultBefore = SparkSession.getDefaultSession();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Main.runner().run(argv.toArray(new String[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));

    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(2, code, lines.toString());
    assertEquals(1, lines.size(), "exactly one line on stderr: " + lines);
    String line = lines.get(0);
    assertTrue(line.startsWith("community"), line);
    assertTrue(line.contains(expected.replace("{file}", file.toString())
        .replace("{dir}", tmp.toString())), "expected '" + expected + "' in: " + line);
    assertFalse(line.contains(SECRET), "a secret is never echoed: " + line);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    assertEquals(activeBefore, SparkSession.getActiveSession(), "no session was built");
    assertEquals(defaultBefore, SparkSession.getDefaultSession(), "no session was built");
    assertFalse(defaultBefore.isDefined() && defaultBefore.get().sparkContext().isStopped(),
        "the session of this JVM was not stopped");
  }
}
