"""community_nightly: one run per business date {{ ds }}.

wait for the day's raw folder (its _SUCCESS marker) -> ingest -> features -> churn-score ->
attribution -> kpi, each a spark-submit of the shaded jobs jar with ``<job> --date {{ ds }}
--config <conf>``. Catchup-safe: every run touches only its own date, and the jobs are idempotent
by date. One run at a time (max_active_runs=1), so two runs of one date never overlap and
back-filled dates run in order, as the cumulative state expects.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, task

import community_common as common

with DAG(
    dag_id="community_nightly",
    description="raw events -> silver -> features -> churn scores -> attribution -> cockpit",
    schedule="@daily",
    start_date=datetime(2026, 1, 1),
    catchup=True,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=12),
    default_args=common.DEFAULT_ARGS,
    params=common.params(),
    tags=["community", "nightly", "spark"],
    doc_md=__doc__,
) as dag:

    @task.sensor(task_id="wait_for_raw_folder", poke_interval=300, timeout=6 * 3600,
                 mode="reschedule", retries=0, on_failure_callback=common.log_failure)
    def wait_for_raw_folder(**context) -> bool:
        return common.raw_folder_complete(common.resolve("lake_root", context), context["ds"],
                                          common.resolve("storage_conn_id", context))

    steps = [
        wait_for_raw_folder(),
        common.job_task("ingest", "ingest"),
        common.job_task("features", "features"),
        common.job_task("churn_score", "churn-score"),
        common.job_task("attribution", "attribution"),
        common.job_task("kpi", "kpi", "--color", "never"),
    ]
    for upstream, downstream in zip(steps, steps[1:]):
        upstream >> downstream
