package com.community.analytics.jobs.features;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.community.analytics.common.config.ConfigException;
import com.community.analytics.common.testing.TestConfigs;
import com.community.analytics.jobs.Main;
import com.community.analytics.jobs.support.JobFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagRulesTest {
  @TempDir
  Path dir;

  private TagRules load(String override) {
    Path file = TestConfigs.write(dir, "include: [" + JobFixture.TAGS + "]\n" + override);
    return TagRules.from(TestConfigs.load(Main.runner().schema(), file, Map.of()));
  }

  private String error(String override) {
    return assertThrows(ConfigException.class, () -> load(override)).getMessage();
  }

  @Test
  void theShippedRulesLoad() {
    TagRules rules = load("");
    assertEquals("silent", rules.activityLevel().otherwise());
    assertEquals(6, rules.personas().size());
    assertEquals(500_000L, rules.socialCircle().headKolMinFollowers());
  }

  @Test
  void badRulesFailNamingWhatIsWrong() {
    assertEquals("config key 'tags.activity_level': band 'medium' (min 20.0) overlaps band "
        + "'high' (min 12.0); list bands from highest to lowest with distinct minimums",
        error("tags:\n  activity_level:\n    bands: {high: 12, medium: 20}\n"
            + "    otherwise: silent\n"));
    assertEquals("config key 'tags.personas.vip_fan': unknown tag 'favourite_colour' (known: ltv_tier, "
        + "activity_level, spending_power, social_circle, lifecycle_stage, membership_tier, "
        + "top_topic)", error("tags:\n  personas:\n    - name: vip_fan\n"
            + "      when: {favourite_colour: red}\n"));
    assertEquals("config key 'tags.personas.x': ltv_tier has no value 'gold' (values: high, "
        + "medium, low, none)", error("tags:\n  personas:\n    - name: x\n      when: {ltv_tier: gold}\n"));
    assertEquals("config key 'tags.lifecycle': dormant_days (30) must be below churned_days "
        + "(30)",
        error("tags:\n  lifecycle: {new_days: 7, dormant_days: 30, churned_days: 30}\n"));
    assertEquals("config key 'tags.interests.weights': unknown event type 'teleport'", error(
        "tags:\n  interests: {window_days: 30, half_life_days: 7, top_n: 3, dwell_per_minute: 1,"
            + " weights: {teleport: 1}}\n"));
    assertEquals("config key 'tags.lifecycle.colour': unknown field; known fields: "
        + "churned_days, dormant_days, new_days", error("tags:\n  lifecycle: {new_days: 7, "
        + "dormant_days: 7, churned_days: 30, colour: red}\n"));
    String missing = error("tags:\n  lifecycle: {new_days: 7, churned_days: 30}\n");
    assertEquals("config key 'tags.lifecycle.dormant_days': missing", missing);
    String words = error("tags:\n  social_circle: {head_kol_min_followers: many, "
        + "waist_kol_min_followers: 1, koc_min_followers: 0, koc_min_shares_30: 1}\n");
    assertEquals("config key 'tags.social_circle.head_kol_min_followers': expected a whole number, "
        + "got 'many'", words);
  }
}
