package com.community.analytics.jobs.erasure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.catalog.Catalog;
import com.community.analytics.common.cli.UsageException;
import com.community.analytics.common.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a request's ids, and the conditions that find the members in a table. */
class ErasureRequestTest {
  @TempDir
  Path tmp;

  @Test
  void idsComeFromAListOrAFileWithCommentsAndBlankLines() throws Exception {
    assertEquals(Set.of("u1", "u2"), ErasureRequest.read(" u1, u2,,u1 ", new Configuration())
        .ids());
    assertEquals(Set.of("u0000007"), ErasureRequest.read("u0000007", new Configuration()).ids());
    Path file = Files.writeString(tmp.resolve("T-42.txt"),
        "# erasure ticket T-42\n\nu1\n  u2   # asked by mail\n#u3\nu1\n");
    ErasureRequest request = ErasureRequest.read(file.toString(), new Configuration());
    assertEquals(Set.of("u1", "u2"), request.ids());
    assertEquals("ErasureRequest[2 ids]", request.toString(), "never prints the ids");

    assertTrue(ErasureRequest.namesFile("./ids") && ErasureRequest.namesFile("ids.txt")
        && ErasureRequest.namesFile("s3a://bucket/erasure/T-42"));
    assertFalse(ErasureRequest.namesFile("u1,u2"));
  }

  @Test
  void aMissingFileOrAnEmptyRequestIsAUsageError() throws Exception {
    UsageException missing = assertThrows(UsageException.class, () -> ErasureRequest.read(
        tmp.resolve("nope.txt").toString(), new Configuration()));
    assertTrue(missing.getMessage().startsWith("ids file not found: "), missing.getMessage());
    Path comments = Files.writeString(tmp.resolve("empty.txt"), "# nothing yet\n\n");
    UsageException empty = assertThrows(UsageException.class,
        () -> ErasureRequest.read(comments.toString(), new Configuration()));
    assertTrue(empty.getMessage().endsWith("lists no user ids"), empty.getMessage());
    assertThrows(UsageException.class, () -> ErasureRequest.checkList(" , "));
  }

  @Test
  void rawLinesNameTheirMemberEvenWhenMalformed() {
    Set<String> ids = Set.of("u1");
    assertTrue(MemberFilter.mentions("{\"event_id\":\"e1\",\"user_id\":\"u1\"}", ids));
    assertTrue(MemberFilter.mentions("{\"event_id\":\"e1\", \"user_id\" : \"u1\", \"x", ids));
    assertTrue(MemberFilter.mentions("{\"content_id\":\"c1\",\"author_id\":\"u1\"}", ids));
    assertTrue(MemberFilter.mentions("{\"user_id\":u1}", ids), "an unquoted id");
    assertFalse(MemberFilter.mentions("{\"user_id\":\"u12\"}", ids));
    assertFalse(MemberFilter.mentions("{\"event_id\":\"u1\"}", ids), "only member fields");
    assertFalse(MemberFilter.mentions("{\"event_id\":\"e1\",\"ev", ids));
    assertFalse(MemberFilter.mentions(null, ids));
  }

  @Test
  void theConditionPicksTheMembersRowsWithoutTheIdsInThePlan() {
    SparkSession spark = SparkTestSession.get();
    Broadcast<Set<String>> ids = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .broadcast(new HashSet<>(Set.of("u1", "u3")));
    Dataset<Row> users = spark.createDataset(List.of("u1", "u2", "u3", "u10"),
        Encoders.STRING()).toDF("user_id");
    Dataset<Row> picked = users.where(MemberFilter.matches(
        new Catalog.MemberColumn("user_id", Catalog.Erasure.DELETE_ROWS), ids));
    assertEquals(List.of("u1", "u3"), picked.orderBy("user_id").as(Encoders.STRING())
        .collectAsList());
    String plan = picked.queryExecution().toString();
    assertTrue(plan.contains("erased_member(user_id"), plan);
    assertFalse(plan.contains("u3"), plan);

    Dataset<Row> raw = spark.createDataset(List.of("{\"user_id\":\"u3\",\"event", "{\"user_id\""
        + ":\"u2\"}"), Encoders.STRING()).toDF("raw");
    assertEquals(1, raw.where(MemberFilter.matches(
        new Catalog.MemberColumn("raw", Catalog.Erasure.DELETE_RAW_LINE), ids)).count());
    ids.destroy();
  }
}
