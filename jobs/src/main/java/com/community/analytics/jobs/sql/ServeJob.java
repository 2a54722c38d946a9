package com.community.analytics.jobs.sql;

import com.community.analytics.common.cli.JobOption;
import com.community.analytics.common.config.AppConfig;
import com.community.analytics.common.config.ConfigKey;
import com.community.analytics.common.job.Job;
import com.community.analytics.common.job.JobContext;
import com.community.analytics.common.job.JobResult;
import java.util.List;
import org.apache.spark.sql.SQLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code serve}: Spark's Thrift JDBC/ODBC server (the HiveServer2 protocol) over this
 * application's catalog, so BI tools (DBeaver, Superset, Tableau, Excel through ODBC) and
 * beeline query every table by name. Bound to {@code serve.host} (127.0.0.1 by default) on
 * {@code serve.port}; with {@code serve.auth: password} a connection needs {@code serve.user}
 * and the password in the environment variable {@code serve.password_env}
 * ({@link PasswordAuthenticator}). Runs until stopped. The server's classes come from the
 * pinned pyspark distribution (bin/community serve submits through it, with
 * {@code spark.databricks.delta.optimizeMetadataQuery.enabled=false}: the server's sessions
 * hand dates to Delta as java.time values, which Delta's min/max-from-statistics answer does not
 * expect, so such queries read the files). Cost: one Spark
 * application for every connection; each query as in {@code sql}.
 */
public final class ServeJob implements Job {
  private static final Logger LOG = LoggerFactory.getLogger(ServeJob.class);
  private static final String SERVER = "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2";

  public static final ConfigKey<String> HOST = ConfigKey.string("serve.host", "127.0.0.1",
      "address the SQL endpoint listens on (a non-loopback one exposes it)").nonEmpty();
  public static final ConfigKey<Integer> PORT = ConfigKey.integer("serve.port", 10000,
      "port of the SQL endpoint (HiveServer2 binary protocol)").atLeast(1);
  public static final ConfigKey<String> AUTH = ConfigKey.oneOf("serve.auth", "none",
      "none, or password: serve.user and the password in $<serve.password_env>", "none",
      "password");
  public static final ConfigKey<String> USER = ConfigKey.string("serve.user", "analyst",
      "the user a password connection must give").nonEmpty();
  public static final ConfigKey<String> PASSWORD_ENV = ConfigKey.string("serve.password_env",
      "COMMUNITY_SQL_PASSWORD", "environment variable holding the endpoint's password")
      .nonEmpty();

  @Override
  public String name() {
    return "serve";
  }

  @Override
  public String description() {
    return "serve the catalog over JDBC/ODBC (Spark's Thrift server) until stopped";
  }

  @Override
  public List<JobOption> options() {
    return List.of(JobOption.forKey("port", "PORT", PORT.name(), "port to listen on"),
        JobOption.forKey("host", "ADDRESS", HOST.name(), "address to listen on"));
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(HOST, PORT, AUTH, USER, PASSWORD_ENV);
  }

  @Override
  public boolean recordsRun() {
    return false;
  }

  @Override
  public JobResult run(JobContext ctx) throws Exception {
    AppConfig c = ctx.config();
    System.setProperty("hive.server2.thrift.bind.host", c.get(HOST));
    System.setProperty("hive.server2.thrift.port", String.valueOf(c.get(PORT)));
    System.setProperty("hive.server2.transport.mode", "binary");
    if (c.get(AUTH).equals("password")) {
      if (System.getenv(c.get(PASSWORD_ENV)) == null) {
        throw new IllegalStateException("serve.auth is password but $" + c.get(PASSWORD_ENV)
            + " is not set");
      }
      System.setProperty("hive.server2.authentication", "CUSTOM");
      System.setProperty("hive.server2.custom.authentication.class",
          PasswordAuthenticator.class.getName());
      System.setProperty(PasswordAuthenticator.USER_PROPERTY, c.get(USER));
      System.setProperty(PasswordAuthenticator.PASSWORD_ENV_PROPERTY, c.get(PASSWORD_ENV));
    } else {
      System.setProperty("hive.server2.authentication", "NONE");
    }
    Class.forName(SERVER).getMethod("startWithContext", SQLContext.class)
        .invoke(null, ctx.spark().sqlContext());
    LOG.info("serve: jdbc:hive2://{}:{}/default ({} authentication)", c.get(HOST), c.get(PORT),
        c.get(AUTH));
    Thread.currentThread().join();
    return null;
  }
}
