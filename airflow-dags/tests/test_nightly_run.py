"""Both shapes of the night end to end: real Airflow runs (dag.test) over a small generated
lake, every task a spark-submit of the pinned pyspark running the real shaded jar on a local
master: community_nightly (a task per job) for one date, then community_nightly_single (the
night as one application) for the next; then the curated tables of both dates are counted."""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import DAGS, REPO

START, HISTORY_END = "2026-01-01", "2026-03-15"
DATE, NEXT = "2026-03-16", "2026-03-17"
# The built jar: jobs/target's, or the copy make test runs its Python side on (COMMUNITY_BUILD).
JAR = Path(os.environ.get("COMMUNITY_BUILD", REPO / "jobs/target")) / "community-jobs.jar"


def community(conf, *args: str) -> str:
    """The repository's local launcher, for setting up history and reading results."""
    out = subprocess.run([str(REPO / "bin/community"), *args, "--config", str(conf)],
                         check=True, capture_output=True, text=True)
    return out.stdout


@pytest.fixture(scope="module")
def lake():
    """A 400-member, 76-day lake whose history up to the day before DATE is processed by one
    nightly backfill (ingest, features with a 14-day LTV holdout, a churn champion trained, the
    cockpit for the notebooks' trends), as the nightly DAGs expect of yesterday. Kept in
    build/dag-e2e: the notebook tests run against its warehouse."""
    root = REPO / "build" / "dag-e2e"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    conf = root / "conf.yaml"
    includes = ", ".join(str(REPO / "conf" / f) for f in
                         ("generator.yaml", "tags.yaml", "churn.yaml", "attribution.yaml",
                          "kpis.yaml"))
    conf.write_text(f"""include: [{includes}]
env: {{name: dagtest}}
lake: {{root: {root}/lake}}
warehouse: {{root: {root}/warehouse}}
generator: {{members: 400, days: 76, start_date: '{START}', partitions: 2}}
churn:
  cutoffs: 4
  grid:
    - algorithm: gbt
      params: {{max_depth: 3, max_iter: 8}}
""")
    assert JAR.exists(), "build the jar first (mvn verify)"
    community(conf, "generate")
    community(conf, "nightly", "--from", START, "--to", HISTORY_END, "--steps",
              "ingest,features,churn-train,kpi", "--holdout-days", "14", "--color", "never")
    return root, conf


def run_conf(root, conf) -> dict:
    return {"jar": str(JAR), "conf": str(conf), "lake_root": str(root / "lake"),
            "spark_conn_id": "spark_local", "driver_memory": "2g", "executor_memory": "1g",
            "shuffle_partitions": "2"}


def counts(conf, date: str) -> dict[str, int]:
    """Rows of the date in each curated table the night writes, and its succeeded job runs."""
    out = community(conf, "sql", "--format", "tsv", f"""
        select 'silver.events', count(*) from silver.events where event_date = '{date}'
        union all select 'gold.user_activity_daily', count(*) from gold.user_activity_daily
          where activity_date = '{date}'
        union all select 'gold.user_tags', count(*) from gold.user_tags where as_of_date = '{date}'
        union all select 'gold.churn_scores', count(*) from gold.churn_scores
          where as_of_date = '{date}'
        union all select 'gold.attribution_credits', count(*) from gold.attribution_credits
          where conversion_date = '{date}'
        union all select 'gold.kpi_daily', count(*) from gold.kpi_daily where date = '{date}'
        union all select 'gold.funnel_daily', count(*) from gold.funnel_daily
          where date = '{date}'
        union all select 'nightly job runs', count(*) from ops.job_runs
          where date_from = '{date}' and status = 'succeeded'
        union all select 'applications', count(distinct spark_app_id) from ops.job_runs
          where date_from = '{date}'""")
    return {table: int(n) for table, n in
            (line.split("\t") for line in out.strip().splitlines()[1:])}


def assert_the_night_is_in_every_table(conf, date: str, applications: int):
    rows = counts(conf, date)
    for table, n in rows.items():
        assert n > 0, f"{table} has no rows for {date}: {rows}"
    assert rows["gold.kpi_daily"] == 14
    assert rows["nightly job runs"] == 5, "ingest, features, churn-score, attribution, kpi"
    assert rows["applications"] == applications, rows


def test_both_shapes_of_the_night_write_every_curated_table_of_their_date(lake):
    root, conf = lake
    dags = DagBag(dag_folder=str(DAGS))
    run = dags.get_dag("community_nightly").test(
        logical_date=datetime(2026, 3, 16, tzinfo=timezone.utc), run_conf=run_conf(root, conf))
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {
        t: "success" for t in ("wait_for_raw_folder", "ingest", "features", "churn_score",
                               "attribution", "kpi")}
    assert_the_night_is_in_every_table(conf, DATE, applications=5)

    # The next night as one application: one spark-submit, each step still recorded.
    single = dags.get_dag("community_nightly_single").test(
        logical_date=datetime(2026, 3, 17, tzinfo=timezone.utc), run_conf=run_conf(root, conf))
    assert {ti.task_id: ti.state for ti in single.get_task_instances()} == {
        "wait_for_raw_folder": "success", "nightly": "success"}
    assert_the_night_is_in_every_table(conf, NEXT, applications=1)
