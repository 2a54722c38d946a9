package com.community.analytics.jobs.churn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.community.analytics.common.config.ConfigException;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/churn.yaml's grid binds into candidates, and a bad one fails when the config loads. */
class ChurnGridConfigTest {
  @TempDir
  Path tmp;

  private String error(String grid) {
    JobFixture f = new JobFixture(tmp);
    f.extraYaml = "churn:\n  grid:\n" + grid;
    return assertThrows(ConfigException.class, () -> f.config(Map.of())).getMessage();
  }

  @Test
  void theShippedGridBindsAndABadCandidateFailsNamingItsPath() {
    List<ChurnTrainer.Candidate> grid = new JobFixture(tmp).config(Map.of())
        .get(ChurnTrainJob.GRID);
    assertEquals(new ChurnTrainer.Candidate("logistic_regression", Map.of("reg_param", 0.01,
        "max_iter", 100.0)), grid.get(grid.size() - 1));
    assertEquals("config key 'churn.grid[1].params.reg_param': not a parameter of gbt; "
        + "parameters: max_depth, max_iter, step_size", error("    - algorithm: gbt\n"
        + "      params: {max_depth: 3}\n    - algorithm: gbt\n"
        + "      params: {max_depth: 3, reg_param: 0.1}\n"));
    assertEquals("config key 'churn.grid[0].algorithm': expected gbt or logistic_regression, "
        + "got forest", error("    - algorithm: forest\n      params: {}\n"));
    assertEquals("config key 'churn.grid': expected a list with at least one candidate, got "
        + "'[]'", error("    []\n"));
  }
}
