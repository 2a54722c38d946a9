package com.community.analytics.jobs.production;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Servers the production tests start on 127.0.0.1 as their own processes: a free port, a
 * process whose output goes to a log file, and a wait until it listens. Closing a service
 * kills its process.
 */
final class LocalServices {
  private LocalServices() {}

  /** A started server process. */
  record Service(String name, Process process, Path log, int port) implements AutoCloseable {
    String logText() {
      try {
        return Files.readString(log, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      try {
        process.waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A system property the build sets (see the production-it profile of jobs/pom.xml). */
  static Path requiredPath(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank() || !Files.exists(Path.of(value))) {
      throw new IllegalStateException("-D" + property + " must name an existing path (make test"
          + " sets it), got: " + value);
    }
    return Path.of(value);
  }

  /** Starts {@code cmd}, logging to {@code <dir>/<name>.log}, and waits until port listens. */
  static Service start(Path dir, String name, List<String> cmd, Map<String, String> env,
      int port) {
    try {
      Files.createDirectories(dir);
      Path log = dir.resolve(name + ".log");
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Service service = new Service(name, pb.start(), log, port);
      long deadline = System.currentTimeMillis() + 120_000;
      while (System.currentTimeMillis() < deadline) {
        if (!service.process().isAlive()) {
          throw new IllegalStateException(name + " exited: " + service.logText());
        }
        try (Socket ignored = new Socket(InetAddress.getLoopbackAddress(), port)) {
          return service;
        } catch (IOException notYet) {
          Thread.sleep(250);
        }
      }
      service.close();
      throw new IllegalStateException(name + " did not listen on " + port + ": "
          + service.logText());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
