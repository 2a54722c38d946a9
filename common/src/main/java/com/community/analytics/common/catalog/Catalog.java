package com.community.analytics.common.catalog;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Every table of the jar, in one list, and which of them hold member-level rows: the single
 * source of truth for the jobs that walk all tables ({@code forget-users}, {@code maintain}).
 * Nothing here names a table: each job declares the tables it owns ({@code Job.tables()}) and
 * the runner derives the catalog from its jobs ({@code JobRunner.catalog()}). A test fails when
 * a {@link TableSpec} is declared anywhere in the jar but owned by no job, or when a table with a
 * member id column is listed without saying how erasure treats it.
 *
 * <p>Order: the jobs' order, so silver (ingest) comes before what is derived from it and an
 * erasure removes a member from the sources first. Aggregate tables (no member key: model fits,
 * drift, attribution roll-ups, the cockpit) and the run logs hold no member rows and are left
 * alone by erasure.
 */
public final class Catalog {

  /** What erasing a member does to a table's rows. */
  public enum Erasure {
    /** The row is about the member (the column is their id): the row is deleted. */
    DELETE_ROWS,
    /**
     * The row only refers to the member (content's author): the column is set to null and the
     * row stays, because other members' events and the aggregates refer to it.
     */
    NULL_REFERENCE,
    /**
     * The column holds a raw line (JSON, possibly malformed); a member is named by its {@code
     * user_id} or {@code author_id} field: the row is deleted.
     */
    DELETE_RAW_LINE
  }

  /** The column naming the member in a table, and what erasure does there. */
  public record MemberColumn(String column, Erasure erasure) {
    public MemberColumn {
      Objects.requireNonNull(column);
      Objects.requireNonNull(erasure);
    }
  }

  /** A table of the catalog; {@code member} is null for tables without member rows. */
  public record Table(TableSpec spec, MemberColumn member) {
    public Table {
      Objects.requireNonNull(spec);
      if (member != null
          && !Arrays.asList(spec.schema().fieldNames()).contains(member.column())) {
        throw new IllegalArgumentException(spec.name() + " has no column " + member.column());
      }
    }

    public String name() {
      return spec.name();
    }

    public boolean holdsMembers() {
      return member != null;
    }
  }

  /** A table with member-level rows: {@code column} names the member. */
  public static Table members(TableSpec spec, String column, Erasure erasure) {
    return new Table(spec, new MemberColumn(column, erasure));
  }

  /** A table without member rows (aggregates, model fits, run logs). */
  public static Table aggregate(TableSpec spec) {
    return new Table(spec, null);
  }

  private final List<Table> tables;

  private Catalog(List<Table> tables) {
    this.tables = List.copyOf(tables);
  }

  /** The catalog of these tables, in this order; a table listed twice is a bug and fails. */
  public static Catalog of(List<Table> tables) {
    Set<String> seen = new HashSet<>();
    for (Table t : tables) {
      if (!seen.add(t.name())) {
        throw new IllegalStateException("table " + t.name() + " is declared by two owners");
      }
    }
    return new Catalog(tables);
  }

  /** Every table, sources first. */
  public List<Table> all() {
    return tables;
  }

  /** The tables holding member-level rows, in erasure order. */
  public List<Table> memberTables() {
    return tables.stream().filter(Table::holdsMembers).toList();
  }

  /** The table called {@code name} ({@code database.table}). */
  public Optional<Table> find(String name) {
    return tables.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** The names of every table, for messages that list what is known. */
  public List<String> names() {
    return tables.stream().map(Table::name).toList();
  }
}
