"""community_nightly end to end: a real Airflow run (dag.test) for one date over a small
generated lake, each task a spark-submit of the pinned pyspark running the real shaded jar on a
local master; then the curated tables of that date are counted."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime, timezone

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import DAGS, REPO

START, HISTORY_END, DATE = "2026-01-01", "2026-03-15", "2026-03-16"
JAR = REPO / "jobs/target/community-jobs.jar"


def community(conf, *args: str) -> str:
    """The repository's local launcher, for setting up history and reading results."""
    out = subprocess.run([str(REPO / "bin/community"), *args, "--config", str(conf)],
                         check=True, capture_output=True, text=True)
    return out.stdout


@pytest.fixture(scope="module")
def lake():
    """A 400-member, 75-day lake whose history up to the day before DATE is processed (with the
    cockpit, for the notebooks' trends) and a churn champion trained, as the nightly DAG expects
    of yesterday. Kept in build/dag-e2e: the notebook tests run against its warehouse."""
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
generator: {{members: 400, days: 75, start_date: '{START}', partitions: 2}}
churn:
  cutoffs: 4
  grid:
    - algorithm: gbt
      params: {{max_depth: 3, max_iter: 8}}
""")
    assert JAR.exists(), "build the jar first (mvn verify)"
    community(conf, "generate")
    community(conf, "ingest", "--from", START, "--to", HISTORY_END)
    community(conf, "features", "--from", START, "--to", HISTORY_END)
    community(conf, "churn-train", "--date", HISTORY_END)
    community(conf, "kpi", "--from", "2026-03-01", "--to", HISTORY_END)
    return root, conf


def test_one_nightly_run_writes_every_curated_table_of_its_date(lake):
    root, conf = lake
    dag = DagBag(dag_folder=str(DAGS)).get_dag("community_nightly")
    run = dag.test(logical_date=datetime(2026, 3, 16, tzinfo=timezone.utc), run_conf={
        "jar": str(JAR), "conf": str(conf), "lake_root": str(root / "lake"),
        "spark_conn_id": "spark_local", "driver_memory": "2g", "executor_memory": "1g",
        "shuffle_partitions": "4"})
    assert run.state == "success", [(ti.task_id, ti.state) for ti in run.get_task_instances()]
    assert {ti.task_id: ti.state for ti in run.get_task_instances()} == {
        t: "success" for t in ("wait_for_raw_folder", "ingest", "features", "churn_score",
                               "attribution", "kpi")}

    counts = community(conf, "sql", "--format", "tsv", f"""
        select 'silver.events', count(*) from silver.events where event_date = '{DATE}'
        union all select 'gold.user_activity_daily', count(*) from gold.user_activity_daily
          where activity_date = '{DATE}'
        union all select 'gold.user_tags', count(*) from gold.user_tags where as_of_date = '{DATE}'
        union all select 'gold.churn_scores', count(*) from gold.churn_scores
          where as_of_date = '{DATE}'
        union all select 'gold.attribution_credits', count(*) from gold.attribution_credits
          where conversion_date = '{DATE}'
        union all select 'gold.kpi_daily', count(*) from gold.kpi_daily where date = '{DATE}'
        union all select 'gold.funnel_daily', count(*) from gold.funnel_daily
          where date = '{DATE}'
        union all select 'nightly job runs', count(*) from ops.job_runs
          where date_from = '{DATE}' and status = 'succeeded'""")
    rows = dict(line.split("\t") for line in counts.strip().splitlines()[1:])
    for table, n in rows.items():
        assert int(n) > 0, f"{table} has no rows for {DATE}: {rows}"
    assert int(rows["gold.kpi_daily"]) == 14
    assert int(rows["nightly job runs"]) == 5, "ingest, features, churn-score, attribution, kpi"
