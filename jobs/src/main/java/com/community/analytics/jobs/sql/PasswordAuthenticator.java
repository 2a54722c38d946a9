package com.community.analytics.jobs.sql;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import javax.security.sasl.AuthenticationException;
import org.apache.hive.service.auth.PasswdAuthenticationProvider;

/**
 * HiveServer2's custom authentication for {@code serve} with {@code serve.auth: password}: the
 * user must be {@code serve.user} and the password the value of the environment variable that
 * {@code serve.password_env} names (never a file). HiveServer2 builds it by its no-argument
 * constructor, so {@link ServeJob} hands the two over as system properties.
 */
public final class PasswordAuthenticator implements PasswdAuthenticationProvider {
  static final String USER_PROPERTY = "community.serve.user";
  static final String PASSWORD_ENV_PROPERTY = "community.serve.password_env";

  @Override
  public void Authenticate(String user, String password) throws AuthenticationException {
    String expectedUser = System.getProperty(USER_PROPERTY);
    String secret = System.getenv(System.getProperty(PASSWORD_ENV_PROPERTY, ""));
    boolean ok = expectedUser != null && secret != null && !secret.isEmpty()
        && expectedUser.equals(user) && password != null
        && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
            password.getBytes(StandardCharsets.UTF_8));
    if (!ok) {
      throw new AuthenticationException("wrong user or password");
    }
  }
}
