package com.community.analytics.common.cli;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import scala.collection.JavaConverters;
import scala.runtime.BoxedUnit;
import scala.util.Either;
import scala.util.Left;
import scala.util.Right;
import scopt.OptionParser;
import scopt.Read$;

/**
 * The one CLI convention, parsed with scopt: {@code <job> [--config F] [--date D | --from A --to
 * B] [--set key=value ...] [job options]}. Errors are collected instead of printed, so the runner
 * can print exactly one line and exit 2.
 */
public final class CommandLine {
  public static final String DEFAULT_CONFIG = "conf/local.yaml";

  private CommandLine() {}

  /** The outcome of parsing: either arguments to run with, or a help text to print. */
  public record Parsed(JobArgs args, String help) {
    public boolean isHelp() {
      return help != null;
    }
  }

  /** Mutable accumulator scopt's actions fill in. */
  private static final class Acc {
    String config = DEFAULT_CONFIG;
    LocalDate date;
    LocalDate from;
    LocalDate to;
    final Map<String, String> overrides = new LinkedHashMap<>();
    final Map<String, String> options = new LinkedHashMap<>();
  }

  /**
   * Parses the arguments that follow the job name.
   *
   * @param program how help names the command, e.g. {@code community ingest}
   * @throws UsageException naming the first problem
   */
  public static Parsed parse(String job, String program, String description,
      List<JobOption> jobOptions, String[] args) {
    CollectingParser parser = new CollectingParser(program);
    parser.head(seq(program + ": " + description));
    parser.help("help").text("print this help and exit");
    addSharedOptions(parser);
    for (JobOption option : jobOptions) {
      addJobOption(parser, option);
    }
    parser.checkConfig(c -> checkDates(c));

    scala.Option<Acc> result = parser.parse(seq(args), new Acc());
    if (parser.helpShown) {
      return new Parsed(null, parser.out.toString().stripTrailing());
    }
    if (result.isEmpty() || !parser.errors.isEmpty()) {
      String first = parser.errors.isEmpty() ? "invalid arguments" : parser.errors.get(0);
      throw new UsageException(first + " (see " + program + " --help)");
    }
    Acc acc = result.get();
    return new Parsed(new JobArgs(job, acc.config, acc.date, acc.from, acc.to, acc.overrides,
        acc.options), null);
  }

  /**
   * A scopt parser that collects what it would print instead of printing it and exiting: the
   * errors (the first is thrown as a UsageException), and the help text.
   */
  private static final class CollectingParser extends OptionParser<Acc> {
    final List<String> errors = new ArrayList<>();
    final StringBuilder out = new StringBuilder();
    boolean helpShown;

    CollectingParser(String program) {
      super(program);
    }

    @Override
    public void reportError(String msg) {
      errors.add(msg);
    }

    @Override
    public void reportWarning(String msg) {
      errors.add(msg);
    }

    @Override
    public scala.Option<Object> showUsageOnError() {
      return scala.Option.apply(Boolean.FALSE);
    }

    @Override
    public void displayToOut(String msg) {
      out.append(msg).append('\n');
    }

    @Override
    public void displayToErr(String msg) {
      errors.add(msg);
    }

    @Override
    public void terminate(Either<String, BoxedUnit> exitState) {
      helpShown = true;
    }
  }

  /** The options every job takes: --config, --date, --from, --to, --set. */
  private static void addSharedOptions(OptionParser<Acc> parser) {
    parser.opt("config", Read$.MODULE$.stringRead()).valueName("FILE")
        .text("YAML config file, local or s3a:// (default " + DEFAULT_CONFIG + ")")
        .action((v, c) -> {
          c.config = v;
          return c;
        });
    parser.opt("date", Read$.MODULE$.stringRead()).valueName("YYYY-MM-DD")
        .text("the business date to process")
        .validate(CommandLine::checkDate)
        .action((v, c) -> {
          c.date = LocalDate.parse(v);
          return c;
        });
    parser.opt("from", Read$.MODULE$.stringRead()).valueName("YYYY-MM-DD")
        .text("first date of a backfill range (with --to)")
        .validate(CommandLine::checkDate)
        .action((v, c) -> {
          c.from = LocalDate.parse(v);
          return c;
        });
    parser.opt("to", Read$.MODULE$.stringRead()).valueName("YYYY-MM-DD")
        .text("last date of a backfill range, inclusive (with --from)")
        .validate(CommandLine::checkDate)
        .action((v, c) -> {
          c.to = LocalDate.parse(v);
          return c;
        });
    parser.opt("set", Read$.MODULE$.stringRead()).valueName("key=value").unbounded()
        .text("override one config key; repeatable")
        .validate(v -> v.indexOf('=') > 0 ? success()
            : failure("--set expects key=value, got '" + v + "'"))
        .action((v, c) -> {
          int eq = v.indexOf('=');
          c.overrides.put(v.substring(0, eq).trim(), v.substring(eq + 1));
          return c;
        });
  }

  private static void addJobOption(OptionParser<Acc> parser, JobOption option) {
    if (option.positional()) {
      // Optional: a job whose argument is required says so in its check (sql reads standard
      // input without one).
      parser.arg(option.name(), Read$.MODULE$.stringRead()).optional()
          .text(option.description())
          .action((v, c) -> {
            c.options.put(option.name(), v);
            return c;
          });
    } else if (option.isFlag()) {
      parser.opt(option.name(), Read$.MODULE$.unitRead()).text(option.description())
          .action((v, c) -> {
            c.options.put(option.name(), "true");
            return c;
          });
    } else {
      String suffix = option.configKey() == null ? "" : " (sets " + option.configKey() + ")";
      parser.opt(option.name(), Read$.MODULE$.stringRead()).valueName(option.valueName())
          .text(option.description() + suffix)
          .action((v, c) -> {
            if (option.configKey() != null) {
              c.overrides.put(option.configKey(), v);
            } else {
              c.options.put(option.name(), v);
            }
            return c;
          });
    }
  }

  private static Either<String, BoxedUnit> checkDates(Acc c) {
    if (c.date != null && (c.from != null || c.to != null)) {
      return failure("give either --date or --from/--to, not both");
    }
    if ((c.from == null) != (c.to == null)) {
      return failure("--from and --to go together");
    }
    if (c.from != null && c.from.isAfter(c.to)) {
      return failure("--from " + c.from + " is after --to " + c.to);
    }
    return success();
  }

  private static Either<String, BoxedUnit> checkDate(String value) {
    try {
      LocalDate.parse(value);
      return success();
    } catch (DateTimeParseException e) {
      return failure("malformed date '" + value + "', expected YYYY-MM-DD");
    }
  }

  private static Either<String, BoxedUnit> success() {
    return new Right<>(BoxedUnit.UNIT);
  }

  private static Either<String, BoxedUnit> failure(String message) {
    return new Left<>(message);
  }

  private static scala.collection.Seq<String> seq(String... values) {
    return JavaConverters.asScalaBuffer(List.of(values)).toList();
  }
}
