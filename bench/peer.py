"""The benchmark's single-node peer: DuckDB doing ingest's and the activity step's work on the
same lake, so `bench/run` can report Spark's wall time as a ratio against a peer run on the same
files and cores (issue #20).

    peer.py run --lake L --from D --to D --out DIR [--threads N] [--time-zone Z]
                [--earliest-event-time D] [--future-tolerance-hours H]
        Reads raw/events/dt=<from..to>/ (gzip JSON lines), validates every line with ingest's
        rules and reasons (RawEventParser, in the same order), keeps each event_id's first
        delivery (earliest folder, then file, then line), writes the events as Parquet
        partitioned by business event_date (DIR/events), then member x day counts per event
        type for event dates in the range (DIR/activity.parquet). Prints one JSON object: the
        counts (accepted, duplicates, quarantined per reason, member_days) and the wall time of
        each phase (ingest, activity).
    peer.py compare --peer FILE --spark FILE
        The peer's JSON against the Spark side's counts (a TSV of name and value, from
        bin/community sql): exit 1 naming every count that differs. The bench reports no ratio
        for a peer whose counts are not silver's.

Where the peer is known to differ from ingest, and why that is safe for the benchmark: it sees
duplicate keys at the top level only and unpaired UTF-16 surrogates (invalid_encoding) not at
all; DuckDB's JSON reader accepts what Jackson calls malformed (a trailing comma, a bare nan or
inf) and reads numbers as doubles (an amount of 16 integer digits with cents loses them); lines
of spaces only, byte-order marks inside a file and bytes that are not UTF-8 are not handled as
RawLake handles them; a gzip file is unreadable when its first block cannot be read (Spark keeps
the lines read before a later failure); the business rules (time zone, earliest event time,
future tolerance, default currency) are conf/local.yaml's unless given. The generated lakes
hold none of these cases, and `compare` fails if they ever do.

Runs in the bench's own environment (`bin/pyenv --bench`: duckdb from PyPI); `compare` needs
only the standard library.
"""
import argparse
import datetime
import gzip
import json
import os
import sys
import time
import zlib

EVENT_TYPES = ["register", "login", "content_view", "click", "like", "comment", "share",
               "collect", "post", "checkin", "follow", "purchase", "refund", "coupon_redeem",
               "push_sent", "push_open", "membership_change", "complaint",
               "experiment_exposure"]
CONTENT_EVENTS = ["content_view", "click", "like", "comment", "share", "collect"]
ORDER_EVENTS = ["purchase", "refund"]
TEXT_FIELDS = ["event_id", "user_id", "event_type", "session_id", "content_id", "channel",
               "platform", "currency", "order_id", "experiment_id", "variant"]
REQUIRED = ["event_id", "event_time", "user_id", "event_type"]
INTEGER_TYPES = "('BIGINT', 'UBIGINT', 'HUGEINT')"
NUMBER_TYPES = "('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE')"
# OffsetDateTime.parse's shape: minutes required, seconds and fraction optional, an offset.
ISO_OFFSET = (r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?"
              r"(Z|[+-]\d{2}(:\d{2}(:\d{2})?)?)$")


def sql_list(values):
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


def data_files(lake, start, end):
    """Per day the folder's data files, as RawLake lists them (hidden, _-prefixed and empty
    files left out)."""
    files = []
    day = start
    while day <= end:
        folder = os.path.join(lake, "raw", "events", f"dt={day}")
        if os.path.isdir(folder):
            for name in sorted(os.listdir(folder)):
                path = os.path.join(folder, name)
                if (not name.startswith((".", "_")) and os.path.isfile(path)
                        and os.path.getsize(path) > 0):
                    files.append(path)
        day += datetime.timedelta(days=1)
    return files


def readable(path):
    """Whether the file's first block reads (a corrupt gzip is one unreadable_file row)."""
    if not path.endswith(".gz"):
        return True
    try:
        with gzip.open(path, "rb") as f:
            f.read(1)
        return True
    except (OSError, EOFError, zlib.error):
        return False


FIELDS = TEXT_FIELDS + ["event_time", "amount", "properties"]


# Java's String.trim() strips every character up to U+0020; String.isBlank() is true for text
# of Character.isWhitespace characters only (no-break spaces are not whitespace there).
JAVA_TRIM = "".join(f"\\x{c:02x}" for c in range(0x21))
JAVA_BLANK = (r"[\t\n\x0b\f\r\x1c-\x1f \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200a}"
              r"\x{2028}\x{2029}\x{205f}\x{3000}]*")


def java_trim(expr):
    return f"regexp_replace({expr}, '^[{JAVA_TRIM}]+|[{JAVA_TRIM}]+$', '', 'g')"


def absent(field):
    """RawEventParser.isAbsent: missing, JSON null, or blank text."""
    return (f"(t_{field} IS NULL OR t_{field} = 'NULL' OR (t_{field} = 'VARCHAR' "
            f"AND regexp_full_match(s_{field}, '{JAVA_BLANK}')))")


def text(field):
    """The field's trimmed text, null when absent (RawEventParser.text)."""
    return f"CASE WHEN NOT {absent(field)} THEN {java_trim(f's_{field}')} END"


def parsed_sql(zone, earliest, tolerance_hours):
    """One row per line: the normalised fields and the first broken rule's reason, if any.
    Each line is parsed once: the fields are extracted together, then read as columns (their
    JSON type t_<field> and text s_<field>)."""
    wrong_text = " OR ".join(f"(NOT {absent(f)} AND t_{f} <> 'VARCHAR')" for f in TEXT_FIELDS)
    paths = ", ".join(f"'$.{f}'" for f in FIELDS)
    columns = ",\n        ".join(f"json_type(v[{i + 1}]) AS t_{f}, v[{i + 1}]->>'$' AS s_{f}"
                                   for i, f in enumerate(FIELDS))
    time_text = java_trim("s_event_time")
    digits = f"regexp_full_match({time_text}, '[0-9]+')"
    millis = f"""CASE
      WHEN t_event_time IN {INTEGER_TYPES} THEN try_cast(s_event_time AS BIGINT)
      WHEN t_event_time = 'VARCHAR' AND {digits} THEN try_cast({time_text} AS BIGINT) END"""
    plausible = "BETWEEN 1000000000000 AND 9999999999999"
    event_time = f"""CASE
      WHEN ({millis}) {plausible} THEN epoch_ms({millis})
      WHEN t_event_time = 'VARCHAR' AND regexp_matches(upper({time_text}), '{ISO_OFFSET}')
        THEN try_cast(upper({time_text}) AS TIMESTAMPTZ) END"""
    epoch_ok = f"""CASE
      WHEN t_event_time IN {INTEGER_TYPES} OR (t_event_time = 'VARCHAR' AND {digits})
        THEN coalesce(({millis}) {plausible}, false)
      ELSE true END"""
    return f"""
    WITH lines AS (
      SELECT dt AS arrival_date, filename AS source_file,
             row_number() OVER (PARTITION BY filename ORDER BY rowid) AS line_number, raw,
             CASE WHEN json_valid(raw) AND json_type(raw) = 'OBJECT' THEN raw::JSON END AS doc
      FROM raw_lines),
    extracted AS (
      SELECT *, json_keys(doc) AS keys, json_extract(doc, [{paths}]) AS v FROM lines),
    fields AS (
      SELECT arrival_date, source_file, line_number, raw, doc, keys,
        {columns}
      FROM extracted),
    typed AS (
      SELECT *,
        lower({text('event_type')}) AS event_type,
        {event_time} AS event_time,
        {epoch_ok} AS epoch_ok,
        CASE WHEN t_amount IN {NUMBER_TYPES}
             THEN try_cast(s_amount AS DECIMAL(18, 2)) END AS amount
      FROM fields),
    checked AS (
      SELECT *, CASE
        WHEN doc IS NULL THEN 'malformed_json'
        WHEN len(keys) <> len(list_distinct(keys)) THEN 'duplicate_key'
        WHEN {" OR ".join(absent(f) for f in REQUIRED)} THEN 'missing_required_field'
        WHEN {wrong_text} THEN 'wrong_type'
        WHEN t_amount <> 'NULL' AND t_amount NOT IN {NUMBER_TYPES} THEN 'wrong_type'
        WHEN t_amount = 'DOUBLE' AND NOT isfinite(s_amount::DOUBLE) THEN 'non_finite_number'
        WHEN t_amount IN {NUMBER_TYPES} AND amount IS NULL THEN 'out_of_range'
        WHEN t_properties NOT IN ('OBJECT', 'NULL') THEN 'wrong_type'
        WHEN event_type NOT IN {sql_list(EVENT_TYPES)} THEN 'unknown_event_type'
        WHEN NOT epoch_ok OR event_time IS NULL THEN 'unparseable_time'
        WHEN event_time < timezone('{zone}', DATE '{earliest}'::TIMESTAMP)
          THEN 'implausible_time'
        WHEN event_time > timezone('{zone}', (arrival_date + 1)::TIMESTAMP)
                          + INTERVAL {int(tolerance_hours)} HOUR THEN 'future_time'
        WHEN event_type IN {sql_list(CONTENT_EVENTS)} AND {absent('content_id')}
          THEN 'missing_required_field'
        WHEN event_type IN {sql_list(ORDER_EVENTS)} AND (amount IS NULL OR {absent('order_id')})
          THEN 'missing_required_field'
        WHEN event_type IN {sql_list(ORDER_EVENTS)} AND amount < 0 THEN 'negative_amount'
        WHEN event_type = 'experiment_exposure'
             AND ({absent('experiment_id')} OR {absent('variant')})
          THEN 'missing_required_field'
        END AS reason
      FROM typed)
    SELECT arrival_date, source_file, line_number, reason,
      CASE WHEN reason IS NOT NULL THEN raw END AS raw, {text('event_id')} AS event_id, event_time,
      timezone('{zone}', event_time)::DATE AS event_date,
      hour(timezone('{zone}', event_time))::INTEGER AS event_hour,
      {text('user_id')} AS user_id, event_type, {text('session_id')} AS session_id,
      {text('content_id')} AS content_id, lower({text('channel')}) AS channel,
      lower({text('platform')}) AS platform, amount,
      CASE WHEN amount IS NULL THEN {text('currency')}
           ELSE upper(coalesce({text('currency')}, 'CNY')) END AS currency,
      {text('order_id')} AS order_id, {text('experiment_id')} AS experiment_id,
      {text('variant')} AS variant,
      CASE WHEN t_properties = 'OBJECT'
           THEN json_transform(doc->'$.properties', '"MAP(VARCHAR, VARCHAR)"') END AS properties
    FROM checked"""


def run(args):
    import duckdb

    start = datetime.date.fromisoformat(args.date_from)
    end = datetime.date.fromisoformat(args.date_to)
    con = duckdb.connect()
    con.execute(f"SET threads = {args.threads}")
    con.execute("SET TimeZone = 'UTC'")
    os.makedirs(args.out, exist_ok=True)
    began = time.monotonic()

    files = data_files(args.lake, start, end)
    good = [f for f in files if readable(f)]
    unreadable = len(files) - len(good)
    con.execute("""CREATE TABLE raw_lines AS SELECT * FROM read_csv(?, columns = {'raw': 'VARCHAR'},
        header = false, delim = '\x01', quote = '', escape = '', auto_detect = false,
        filename = true, hive_partitioning = true, hive_types = {'dt': 'DATE'})""", [good])
    con.execute("CREATE TABLE parsed AS " + parsed_sql(args.time_zone, args.earliest_event_time,
                                                    args.future_tolerance_hours))
    reasons = dict(con.execute("""SELECT reason, count(*) FROM parsed WHERE reason IS NOT NULL
        GROUP BY reason""").fetchall())
    if unreadable:
        reasons["unreadable_file"] = unreadable
    events = os.path.join(args.out, "events")
    con.execute(f"""COPY (
        SELECT * EXCLUDE (reason, line_number, raw) FROM parsed WHERE reason IS NULL
        QUALIFY row_number() OVER (PARTITION BY event_id
                                   ORDER BY arrival_date, source_file, line_number) = 1)
        TO '{events}' (FORMAT parquet, PARTITION_BY (event_date), OVERWRITE_OR_IGNORE)""")
    con.execute(f"""COPY (SELECT arrival_date, source_file, line_number, reason, event_id, raw
        FROM parsed WHERE reason IS NOT NULL) TO '{args.out}/quarantine.parquet' (FORMAT parquet)""")
    valid = con.execute("SELECT count(*) FROM parsed WHERE reason IS NULL").fetchone()[0]
    ingest_seconds = time.monotonic() - began

    began = time.monotonic()
    counts = ", ".join(f"count(*) FILTER (WHERE event_type = '{t}') AS {t}_count"
                       for t in EVENT_TYPES)
    activity = os.path.join(args.out, "activity.parquet")
    con.execute(f"""COPY (
        SELECT user_id, event_date, {counts}
        FROM read_parquet('{events}/*/*.parquet', hive_partitioning = true)
        WHERE event_date <= DATE '{end}'
        GROUP BY user_id, event_date) TO '{activity}' (FORMAT parquet)""")
    activity_seconds = time.monotonic() - began

    accepted, member_days = con.execute(f"""SELECT
        (SELECT count(*) FROM read_parquet('{events}/*/*.parquet')),
        (SELECT count(*) FROM read_parquet('{activity}'))""").fetchone()
    print(json.dumps({
        "engine": f"duckdb {duckdb.__version__}", "threads": args.threads,
        "files": len(files), "lines": con.execute("SELECT count(*) FROM parsed").fetchone()[0],
        "accepted": accepted, "duplicates": valid - accepted,
        "quarantined": dict(sorted(reasons.items())), "member_days": member_days,
        "phases": {"ingest": round(ingest_seconds, 2), "activity": round(activity_seconds, 2)},
    }))


def compare(args):
    with open(args.peer) as f:
        peer = json.load(f)
    spark = {}
    with open(args.spark) as f:
        for line in f.read().splitlines()[1:]:
            name, value = line.split("\t")
            spark[name] = int(value)
    mine = {"accepted": peer["accepted"], "duplicates": peer["duplicates"],
            "member_days": peer["member_days"],
            **{f"quarantined:{r}": n for r, n in peer["quarantined"].items()}}
    differ = [f"{k}: peer {mine.get(k, 0)}, spark {spark.get(k, 0)}"
              for k in sorted(set(mine) | set(spark)) if mine.get(k, 0) != spark.get(k, 0)]
    if differ:
        print("peer.py: the peer's counts are not silver's: " + "; ".join(differ),
              file=sys.stderr)
        sys.exit(1)
    print(f"peer.py: counts equal ({len(mine)} compared)")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run")
    r.add_argument("--lake", required=True)
    r.add_argument("--from", dest="date_from", required=True)
    r.add_argument("--to", dest="date_to", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--threads", type=int, default=os.cpu_count())
    r.add_argument("--time-zone", default="Asia/Shanghai")
    r.add_argument("--earliest-event-time", default="2000-01-01")
    r.add_argument("--future-tolerance-hours", type=int, default=24)
    c = sub.add_parser("compare")
    c.add_argument("--peer", required=True)
    c.add_argument("--spark", required=True)
    args = p.parse_args()
    run(args) if args.command == "run" else compare(args)


if __name__ == "__main__":
    main()
