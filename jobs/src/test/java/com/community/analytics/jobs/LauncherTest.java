package com.community.analytics.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.jobs.support.JobProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local launcher, bin/community, as users call it: a wrong setting of its own fails before
 * anything is built or started, with exit 2 and one line naming it; its Spark defaults follow
 * the machine's cores.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("../bin/community").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  @Test
  void aWrongJitSettingExitsTwoWithOneLineNamingIt() {
    JobProcess.Result r = JobProcess.run(tmp, "launcher", List.of(LAUNCHER.toString(), "sql",
        "select 1"), Map.of("COMMUNITY_JIT", "fast"), 1);
    assertEquals(2, r.code(), r.err());
    assertEquals("bin/community: COMMUNITY_JIT must be quick or full, got 'fast'",
        r.err().strip());
    assertEquals("", r.out());
  }

  @Test
  void byDefaultAShufflePartitionAndASnapshotTaskPerCore() {
    JobProcess.Result r = JobProcess.run(tmp, "launcher", List.of(LAUNCHER.toString(), "sql",
        "--format", "tsv", "--set", "warehouse.root=" + tmp.resolve("warehouse"), "--set",
        "lake.root=" + tmp.resolve("lake"), "set spark.sql.shuffle.partitions; "
            + "set spark.databricks.delta.snapshotPartitions"), Map.of(), 2);
    assertEquals(0, r.code(), r.err());
    String cores = String.valueOf(Runtime.getRuntime().availableProcessors());
    assertEquals(List.of("key\tvalue", "spark.sql.shuffle.partitions\t" + cores, "",
        "key\tvalue", "spark.databricks.delta.snapshotPartitions\t" + cores),
        r.out().strip().lines().toList());
  }
}
