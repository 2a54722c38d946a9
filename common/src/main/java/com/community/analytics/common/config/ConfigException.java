package com.community.analytics.common.config;

/**
 * A configuration or command-line mistake the user must fix: an unknown key, a value of the
 * wrong type, a missing file. The runner turns it into exit code 2 with its one-line message.
 */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
