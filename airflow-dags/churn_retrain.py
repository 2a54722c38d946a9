"""churn_retrain: weekly churn-train, then a report of the registry.

A scheduled run trains a challenger on the data up to {{ ds }}; the registry's promotion rule
(conf churn.promotion) decides whether it becomes the champion. A manual run can instead promote
a given version or roll back to the previous champion: trigger with params
``{"action": "promote", "version": 7}`` or ``{"action": "rollback"}``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import DAG, Param, task

import community_common as common

with DAG(
    dag_id="churn_retrain",
    description="weekly churn model training with the registry's promotion rule",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=timedelta(hours=8),
    default_args=common.DEFAULT_ARGS,
    params=common.params(
        action=Param("train", enum=["train", "promote", "rollback"],
                     description="train a challenger, promote a version, or roll back"),
        version=Param(None, type=["null", "integer"], minimum=1,
                      description="model version to promote (action promote)"),
    ),
    tags=["community", "ml", "churn", "spark"],
    doc_md=__doc__,
) as dag:

    @task.branch(task_id="choose_action")
    def choose_action(**context) -> str:
        action = context["params"]["action"]
        if action == "promote" and not context["params"].get("version"):
            raise ValueError("action promote needs params.version")
        return action

    train = common.job_task("train", "churn-train")
    promote = common.job_task("promote", "churn-train", "--promote", "{{ params.version }}",
                              dated=False)
    rollback = common.job_task("rollback", "churn-train", "--rollback", dated=False)
    report = common.job_task(
        "report", "sql",
        "SELECT version, status, decision, metrics['auc_pr'] AS auc_pr, "
        "metrics['auc_roc'] AS auc_roc, trained_at FROM ml.churn_models "
        "ORDER BY version DESC LIMIT 5",
        dated=False, trigger_rule="none_failed_min_one_success")

    choose_action() >> [train, promote, rollback] >> report
