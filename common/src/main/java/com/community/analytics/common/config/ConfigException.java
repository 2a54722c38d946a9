package com.community.analytics.common.config;

/**
 * A configuration or command-line mistake the user must fix: an unknown key, a value of the
 * wrong type, a missing file. The runner turns it into exit code 2 with its one-line message.
 */
public class ConfigException extends RuntimeException {
  /** The field of a checked value the problem is in (e.g. {@code dau.direction}); or null. */
  private final String field;

  public ConfigException(String message) {
    this(null, message, null);
  }

  public ConfigException(String message, Throwable cause) {
    this(null, message, cause);
  }

  private ConfigException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /**
   * A problem in the field {@code field} of a value a key's check or record is looking at; the
   * loader reports it under the key's path, e.g. {@code config key 'kpi.targets.dau.direction'}.
   */
  public static ConfigException at(String field, String message) {
    return new ConfigException(field, message, null);
  }

  /** The path of the key, with the field the problem is in when one was named. */
  String pathUnder(String keyPath) {
    return field == null ? keyPath : keyPath + "." + field;
  }
}
