package com.community.analytics.common.cli;

/**
 * An option a job adds to the shared ones. Most job options are shortcuts for a config key
 * ({@code generate --members 100} is {@code --set generator.members=100}), so there is one
 * way to set each value; an option without a config key is read from {@link JobArgs#option}.
 *
 * @param name the long option name, without dashes
 * @param valueName how the help shows its value
 * @param description what it does, shown by {@code --help}
 * @param configKey the config key it sets, or null
 * @param positional true for a positional argument (e.g. the query of {@code sql})
 */
public record JobOption(String name, String valueName, String description, String configKey,
    boolean positional) {

  public static JobOption forKey(String name, String valueName, String configKey,
      String description) {
    return new JobOption(name, valueName, description, configKey, false);
  }

  public static JobOption value(String name, String valueName, String description) {
    return new JobOption(name, valueName, description, null, false);
  }

  public static JobOption flag(String name, String description) {
    return new JobOption(name, null, description, null, false);
  }

  public static JobOption argument(String name, String description) {
    return new JobOption(name, name, description, null, true);
  }

  public boolean isFlag() {
    return valueName == null && !positional;
  }
}
