"""The DAGs as Airflow loads them: imports, ownership and retries, task graphs, and the
spark-submit command each task renders for a date."""

from __future__ import annotations

import copy

import pytest
from airflow.dag_processing.dagbag import DagBag

from conftest import DAGS
from test_versions import pom_property

import community_common as common

DATE = "2026-03-16"


@pytest.fixture(scope="module")
def dagbag() -> DagBag:
    return DagBag(dag_folder=str(DAGS))


def test_every_dag_file_imports(dagbag):
    assert dagbag.import_errors == {}
    assert set(dagbag.dag_ids) == {"community_nightly", "community_nightly_single",
                                   "churn_retrain"}


@pytest.mark.parametrize("dag_id", ["community_nightly", "community_nightly_single",
                                    "churn_retrain"])
def test_each_dag_has_tags_an_owner_retries_and_one_run_at_a_time(dagbag, dag_id):
    dag = dagbag.get_dag(dag_id)
    assert "community" in dag.tags
    assert dag.max_active_runs == 1
    for t in dag.tasks:
        assert t.owner == common.OWNER, t.task_id
        if isinstance(t, common.CommunitySparkSubmitOperator):
            assert t.retries == 2 and t.retry_exponential_backoff, t.task_id
            assert t.execution_timeout is not None, t.task_id
            assert t.on_failure_callback, t.task_id


def test_nightly_is_a_chain_from_the_raw_folder_to_the_cockpit(dagbag):
    dag = dagbag.get_dag("community_nightly")
    order = ["wait_for_raw_folder", "ingest", "features", "churn_score", "attribution", "kpi"]
    for upstream, downstream in zip(order, order[1:]):
        assert dag.get_task(upstream).downstream_task_ids == {downstream}
    assert dag.get_task("wait_for_raw_folder").upstream_task_ids == set()
    assert dag.get_task("kpi").downstream_task_ids == set()
    assert dag.catchup and dag.schedule == "@daily"


def test_the_single_task_night_waits_for_the_folder_then_submits_nightly(dagbag):
    dag = dagbag.get_dag("community_nightly_single")
    assert dag.get_task("wait_for_raw_folder").downstream_task_ids == {"nightly"}
    assert dag.get_task("nightly").downstream_task_ids == set()
    assert dag.catchup and dag.schedule == dagbag.get_dag("community_nightly").schedule
    cmd = render(dag, dag.get_task("nightly"), {"conf": "/c.yaml", "jar": "/j.jar"}, {})
    assert cmd[cmd.index("/j.jar"):] == ["/j.jar", "nightly", "--date", DATE, "--config",
                                         "/c.yaml", "--color", "never"]
    assert f"community-nightly-{DATE}" in cmd


def test_retrain_branches_to_train_promote_or_rollback_then_reports(dagbag):
    dag = dagbag.get_dag("churn_retrain")
    assert dag.get_task("choose_action").downstream_task_ids == {"train", "promote", "rollback"}
    for t in ("train", "promote", "rollback"):
        assert dag.get_task(t).downstream_task_ids == {"report"}
    assert dag.get_task("report").trigger_rule == "none_failed_min_one_success"
    assert dag.params["action"] == "train"


def render(dag, task, params: dict, variables: dict) -> list[str]:
    """The spark-submit command line the task would run for DATE: its template fields rendered
    by Airflow, then the provider's own hook building the command, as execute() does."""
    context = {"ds": DATE, "params": {**{k: None for k in common.SETTINGS}, **params},
               "var": {"value": variables}}
    rendered = copy.deepcopy(task)
    rendered.render_template_fields(context, jinja_env=dag.get_template_env())
    return rendered._get_hook()._build_spark_submit_command(rendered.application)


@pytest.mark.parametrize("task_id, job", [("ingest", "ingest"), ("features", "features"),
                                          ("churn_score", "churn-score"),
                                          ("attribution", "attribution"), ("kpi", "kpi")])
def test_each_nightly_task_submits_its_job_for_the_date_with_the_conf(dagbag, task_id, job):
    dag = dagbag.get_dag("community_nightly")
    cmd = render(dag, dag.get_task(task_id), {"conf": "s3a://cfg/prod.yaml",
                                               "spark_conn_id": "spark_local"},
                 {"community_jar": "/jars/community-jobs.jar"})
    assert cmd[0] == "spark-submit"
    assert cmd[cmd.index("--master") + 1] == "local[2]"
    assert cmd[cmd.index("--class") + 1] == common.MAIN_CLASS
    tail = cmd[cmd.index("/jars/community-jobs.jar"):]
    assert tail == ["/jars/community-jobs.jar", job, "--date", DATE, "--config",
                    "s3a://cfg/prod.yaml"] + (["--color", "never"] if job == "kpi" else [])
    assert cmd[cmd.index("--packages") + 1] == (
        f"io.delta:delta-spark_{pom_property('scala.binary.version')}:"
        f"{pom_property('delta.version')}")
    assert "spark.executor.memory=8g" in cmd
    assert f"community-{job}-{DATE}" in cmd


def test_settings_come_from_params_then_variables_then_defaults(dagbag):
    dag = dagbag.get_dag("community_nightly")
    task = dag.get_task("ingest")
    by_param = render(dag, task, {"conf": "/p.yaml", "executor_memory": "16g"},
                      {"community_conf": "/v.yaml"})
    assert "/p.yaml" in by_param and "spark.executor.memory=16g" in by_param
    by_variable = render(dag, task, {}, {"community_conf": "/v.yaml"})
    assert "/v.yaml" in by_variable
    by_default = render(dag, task, {}, {})
    assert common.SETTINGS["conf"][0] in by_default
    assert common.SETTINGS["jar"][0] in by_default


def test_retrain_tasks_render_train_promote_and_rollback(dagbag):
    dag = dagbag.get_dag("churn_retrain")
    conf = {"conf": "/c.yaml", "jar": "/j.jar"}
    train = render(dag, dag.get_task("train"), conf, {})
    assert train[train.index("/j.jar"):] == ["/j.jar", "churn-train", "--date", DATE,
                                             "--config", "/c.yaml"]
    promote = render(dag, dag.get_task("promote"), {**conf, "version": 7}, {})
    assert promote[promote.index("/j.jar"):] == ["/j.jar", "churn-train", "--config", "/c.yaml",
                                                 "--promote", "7"]
    rollback = render(dag, dag.get_task("rollback"), conf, {})
    assert rollback[-1] == "--rollback" and "--date" not in rollback


def test_the_raw_folder_check_wants_the_success_marker(tmp_path):
    folder = tmp_path / "raw/events" / f"dt={DATE}"
    folder.mkdir(parents=True)
    (folder / "part-0.json.gz").write_bytes(b"")
    assert not common.raw_folder_complete(str(tmp_path), DATE, "aws_default")
    (folder / "_SUCCESS").write_bytes(b"")
    assert common.raw_folder_complete(str(tmp_path), DATE, "aws_default")
    assert common.raw_folder_complete("file://" + str(tmp_path), DATE, "aws_default")


def test_the_failure_callback_logs_the_failed_job_and_its_date(caplog):
    class TaskInstance:
        task_id, dag_id, try_number = "features", "community_nightly", 3

    with caplog.at_level("ERROR", logger="community_common"):
        common.log_failure({"task_instance": TaskInstance(), "ds": DATE,
                            "exception": RuntimeError("exit code 1")})
    assert "community job features failed for 2026-03-16" in caplog.text
    assert "exit code 1" in caplog.text
