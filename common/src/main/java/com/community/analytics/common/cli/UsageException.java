package com.community.analytics.common.cli;

import com.community.analytics.common.config.ConfigException;

/** A command-line mistake (unknown option, malformed date, missing argument): exit code 2. */
public class UsageException extends ConfigException {
  public UsageException(String message) {
    super(message);
  }
}
