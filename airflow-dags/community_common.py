"""The one place that builds the community jobs' Airflow tasks, so every task is configured alike.

Every setting (jar, conf file, lake root, Spark connection, packages, resources) is resolved when
a task runs, never when the DAG file is parsed: a DAG param given at trigger time wins, then the
Airflow Variable ``community_<name>``, then the default below. Task arguments are Jinja
templates; the raw-folder sensor reads the same settings from its context.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
from airflow.sdk import Param, Variable, task

MAIN_CLASS = "com.community.analytics.jobs.Main"
OWNER = "data-engineering"
LOG = logging.getLogger(__name__)

#: Setting -> (default, description). Variables are named ``community_<setting>``.
SETTINGS: dict[str, tuple[str, str]] = {
    "jar": ("/opt/community/community-jobs.jar", "the shaded jobs jar"),
    "conf": ("/opt/community/conf/prod.yaml", "the jobs' config file (local path or s3a://)"),
    "lake_root": ("/data/lake", "lake root the raw-folder sensor checks (path or s3a://)"),
    "storage_conn_id": ("aws_default", "Airflow connection the sensor uses for s3a:// lakes"),
    "spark_conn_id": ("spark_default", "Airflow connection of the Spark master"),
    "packages": ("io.delta:delta-spark_2.12:3.3.3",
                 "Maven coordinates spark-submit adds (Delta, hadoop-aws if the cluster lacks them)"),
    "driver_memory": ("4g", "spark.driver.memory"),
    "executor_memory": ("8g", "spark.executor.memory"),
    "executor_cores": ("2", "spark.executor.cores"),
    "shuffle_partitions": ("200", "spark.sql.shuffle.partitions"),
}

DEFAULT_ARGS = {
    "owner": OWNER,
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "retry_exponential_backoff": True,
    "max_retry_delay": timedelta(minutes=30),
    "execution_timeout": timedelta(hours=3),
}


def template(name: str) -> str:
    """A Jinja template resolving a setting at run time: param, then Variable, then default."""
    default = SETTINGS[name][0]
    return "{{ params.%s or var.value.get('community_%s', '%s') }}" % (name, name, default)


def resolve(name: str, context) -> str:
    """The same resolution for Python callables (the sensor), from a task's context."""
    value = (context.get("params") or {}).get(name)
    return value or Variable.get(f"community_{name}", default=SETTINGS[name][0])


def params(**extra: Param) -> dict[str, Param]:
    """Every setting as an optional DAG param (empty: Variable or default), plus ``extra``."""
    out = {name: Param(None, type=["null", "string"], description=f"{desc} (default {default})")
           for name, (default, desc) in SETTINGS.items()}
    out.update(extra)
    return out


def log_failure(context) -> None:
    """on_failure_callback: one line naming the failed job and its business date."""
    ti = context.get("task_instance") or context.get("ti")
    LOG.error("community job %s failed for %s (dag %s, try %s): %s",
              getattr(ti, "task_id", "?"), context.get("ds"), getattr(ti, "dag_id", "?"),
              getattr(ti, "try_number", "?"), context.get("exception"))


class CommunitySparkSubmitOperator(SparkSubmitOperator):
    """SparkSubmitOperator whose Spark connection id is a template too (resolved at run time)."""

    template_fields = (*SparkSubmitOperator.template_fields, "_conn_id")


def job_task(task_id: str, job: str, *args: str, dated: bool = True,
             **kwargs) -> CommunitySparkSubmitOperator:
    """``spark-submit --class Main <jar> <job> [--date {{ ds }}] --config <conf> [args]``."""
    application_args = [job]
    if dated:
        application_args += ["--date", "{{ ds }}"]
    application_args += ["--config", template("conf"), *args]
    return CommunitySparkSubmitOperator(
        task_id=task_id,
        application=template("jar"),
        java_class=MAIN_CLASS,
        application_args=application_args,
        conn_id=template("spark_conn_id"),
        packages=template("packages"),
        conf={
            "spark.driver.memory": template("driver_memory"),
            "spark.executor.memory": template("executor_memory"),
            "spark.executor.cores": template("executor_cores"),
            "spark.sql.shuffle.partitions": template("shuffle_partitions"),
        },
        name=f"community-{job}-{{{{ ds }}}}",
        on_failure_callback=log_failure,
        **kwargs,
    )


def raw_folder_complete(lake_root: str, ds: str, storage_conn_id: str) -> bool:
    """Whether ``<lake>/raw/events/dt=<ds>/_SUCCESS`` exists (local path, file:// or s3a://)."""
    marker = f"{lake_root.rstrip('/')}/raw/events/dt={ds}/_SUCCESS"
    if marker.startswith(("s3a://", "s3://")):
        from airflow.sdk import ObjectStoragePath

        return ObjectStoragePath("s3://" + marker.split("://", 1)[1],
                                 conn_id=storage_conn_id).exists()
    from pathlib import Path

    return Path(marker.removeprefix("file://")).exists()


def nightly_dag_args(description: str, doc_md: str) -> dict:
    """What both shapes of the night share: one run per business date, catchup-safe (every run
    touches only its own date; the jobs are idempotent by date), one run at a time so that
    back-filled dates run in order, as the cumulative state expects."""
    return dict(
        description=description,
        schedule="@daily",
        start_date=datetime(2026, 1, 1),
        catchup=True,
        max_active_runs=1,
        dagrun_timeout=timedelta(hours=12),
        default_args=DEFAULT_ARGS,
        params=params(),
        tags=["community", "nightly", "spark"],
        doc_md=doc_md,
    )


def wait_for_raw_folder():
    """The sensor every night starts with: the day's raw folder is complete (its _SUCCESS)."""

    @task.sensor(task_id="wait_for_raw_folder", poke_interval=300, timeout=6 * 3600,
                 mode="reschedule", retries=0, on_failure_callback=log_failure)
    def wait_for_raw_folder(**context) -> bool:
        return raw_folder_complete(resolve("lake_root", context), context["ds"],
                                   resolve("storage_conn_id", context))

    return wait_for_raw_folder()
