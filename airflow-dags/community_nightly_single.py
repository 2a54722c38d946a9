"""community_nightly_single: one run per business date {{ ds }}, the whole night in one task.

wait for the day's raw folder (its _SUCCESS marker) -> one spark-submit of ``nightly --date
{{ ds }} --config <conf>``, which runs ingest, features, churn-score, attribution and kpi in
one Spark application and records each step in ops.job_runs. It pays the start of a Spark
application once instead of five times, so it suits small and medium communities; a retry
reruns the whole night (every step is idempotent by date). ``community_nightly`` is the same
night with a task per job.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import DAG

import community_common as common

with DAG(
    dag_id="community_nightly_single",
    **common.nightly_dag_args(
        "the night in one Spark application: raw events -> ... -> cockpit", __doc__),
) as dag:
    common.wait_for_raw_folder() >> common.job_task(
        "nightly", "nightly", "--color", "never", execution_timeout=timedelta(hours=6))
