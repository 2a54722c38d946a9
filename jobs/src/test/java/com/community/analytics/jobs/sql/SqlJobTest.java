package com.community.analytics.jobs.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.community.analytics.common.cli.ResultFormatter;
import java.util.List;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class SqlJobTest {
  @Test
  void splitsStatementsOutsideQuotes() {
    assertEquals(List.of("select 1", "select 'a;b' as x", "select `c;d` from t"),
        SqlJob.statements("select 1; select 'a;b' as x;\n select `c;d` from t;  ; "));
  }

  @Test
  void keepsTheUnfinishedStatementForTheNextLine() {
    SqlJob.Split split = SqlJob.split("select 1; select 'x;\n");
    assertEquals(List.of("select 1"), split.complete());
    assertEquals(" select 'x;\n", split.rest());
    SqlJob.Split next = SqlJob.split(split.rest() + "y' as s; select");
    assertEquals(List.of("select 'x;\ny' as s"), next.complete());
    assertEquals(" select", next.rest());
  }

  @Test
  void rendersTablesArraysAndMaps() {
    String table = ResultFormatter.format(new String[] {"name", "tags"}, List.of(
        RowFactory.create("u1", scala.collection.JavaConverters.asScalaBuffer(
            List.of("food", "tech")).toList()),
        RowFactory.create("u22", null)), "table");
    assertEquals("name | tags        \n-----+-------------\nu1   | [food, tech]\n"
        + "u22  | NULL        \n(2 rows)\n", table);
    assertEquals("n\tm\n1\t{a: 1.5, b: 2.0}\n", ResultFormatter.format(new String[] {"n", "m"},
        List.of(RowFactory.create(1, scala.collection.JavaConverters.mapAsScalaMap(
            new java.util.TreeMap<>(java.util.Map.of("b", 2.0, "a", 1.5))))), "tsv"));
  }
}
