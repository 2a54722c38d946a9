"""community_nightly: one run per business date {{ ds }}, a task per job.

wait for the day's raw folder (its _SUCCESS marker) -> ingest -> features -> churn-score ->
attribution -> kpi, each a spark-submit of the shaded jobs jar with ``<job> --date {{ ds }}
--config <conf>``. Each job is retried on its own, so this shape suits big clusters, where a
retry of one step must not redo the others; every task pays the start of a Spark application.
``community_nightly_single`` runs the same night as one application.
"""

from __future__ import annotations

from airflow.sdk import DAG

import community_common as common

with DAG(
    dag_id="community_nightly",
    **common.nightly_dag_args(
        "raw events -> silver -> features -> churn scores -> attribution -> cockpit", __doc__),
) as dag:
    steps = [
        common.wait_for_raw_folder(),
        common.job_task("ingest", "ingest"),
        common.job_task("features", "features"),
        common.job_task("churn_score", "churn-score"),
        common.job_task("attribution", "attribution"),
        common.job_task("kpi", "kpi", "--color", "never"),
    ]
    for upstream, downstream in zip(steps, steps[1:]):
        upstream >> downstream
