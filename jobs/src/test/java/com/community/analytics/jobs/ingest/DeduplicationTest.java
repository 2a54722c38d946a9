package com.community.analytics.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.community.analytics.common.testing.SparkTestSession;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Ranking only the re-delivered ids' rows keeps the same first deliveries as ranking every row:
 * on seeded deliveries where ids repeat across folders, files and lines of one file.
 */
class DeduplicationTest {
  private static final StructType DELIVERIES = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("arrival_date", DataTypes.DateType)
      .add("source_file", DataTypes.StringType)
      .add("line_number", DataTypes.LongType)
      .add("payload", DataTypes.StringType);

  @Test
  void rankingOnlyTheRepeatedIdsKeepsEveryFirstDelivery() {
    SparkSession spark = SparkTestSession.get();
    Random random = new Random(20);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // About one id in six is delivered again, some of them several times.
      String id = "e" + (random.nextInt(6) == 0 ? random.nextInt(200) : 1000 + i);
      rows.add(RowFactory.create(id, Date.valueOf(LocalDate.of(2026, 3, 1 + random.nextInt(3))),
          "part-" + random.nextInt(3), (long) i, "delivery " + i));
    }
    Dataset<Row> events = spark.createDataFrame(rows, DELIVERIES).repartition(4);

    Dataset<Row> repeated = Deduplication.repeatedIds(events);
    Dataset<Row> first = Deduplication.firstDeliveries(events, repeated);

    long ids = events.select("event_id").distinct().count();
    assertTrue(repeated.count() > 100 && ids < rows.size(), "the data re-delivers ids");
    assertEquals(ids, first.count(), "one row per id");
    SparkTestSession.assertSameRows(Deduplication.firstDeliveries(events), first,
        "the first deliveries");
  }
}
