package com.community.analytics.common.cli;

import com.community.analytics.common.time.DateRange;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** What the command line said: the job, its dates, config file, overrides and job options. */
public final class JobArgs {
  private final String job;
  private final String configFile;
  private final LocalDate date;
  private final LocalDate from;
  private final LocalDate to;
  private final Map<String, String> overrides;
  private final Map<String, String> options;

  JobArgs(String job, String configFile, LocalDate date, LocalDate from, LocalDate to,
      Map<String, String> overrides, Map<String, String> options) {
    this.job = job;
    this.configFile = configFile;
    this.date = date;
    this.from = from;
    this.to = to;
    this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
    this.options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
  }

  public String job() {
    return job;
  }

  public String configFile() {
    return configFile;
  }

  /** The {@code --set key=value} overrides, including those set through job options. */
  public Map<String, String> overrides() {
    return overrides;
  }

  public Optional<String> option(String name) {
    return Optional.ofNullable(options.get(name));
  }

  public boolean flag(String name) {
    return options.containsKey(name);
  }

  /**
   * The same dates, config file and overrides for another job of a chain, with only the options
   * that job declares ({@code nightly --holdout-days 21} reaches {@code features} alone).
   */
  public JobArgs forStep(String stepJob, java.util.Collection<String> stepOptionNames) {
    Map<String, String> kept = new LinkedHashMap<>(options);
    kept.keySet().retainAll(stepOptionNames);
    return new JobArgs(stepJob, configFile, date, from, to, overrides, kept);
  }

  /** The dates asked for: {@code --date D} or {@code --from A --to B}; empty when neither. */
  public Optional<DateRange> dates() {
    if (date != null) {
      return Optional.of(DateRange.of(date, date));
    }
    if (from != null) {
      return Optional.of(DateRange.of(from, to));
    }
    return Optional.empty();
  }

  /** The dates, failing with a usage error when the job needs them and none were given. */
  public DateRange requireDates() {
    return dates().orElseThrow(() -> new UsageException(
        job + " needs --date YYYY-MM-DD or --from YYYY-MM-DD --to YYYY-MM-DD"));
  }
}
