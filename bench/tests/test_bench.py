"""The benchmark harness: bench/run end to end once at a tiny scale (timings are never
asserted), and report.py's arithmetic on small run folders written here, where every figure
can be computed by hand."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import report  # noqa: E402

NIGHT = ["night-ingest", "night-features", "night-churn-score", "night-attribution",
         "night-kpi"]


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    # A tiny lake cannot feed the product's churn settings (six weekly cutoffs, 30-day
    # horizon), and the full grid would be most of the run: one small candidate instead.
    config = out / "bench.yaml"
    config.write_text(f"""include:
  - {ROOT / "conf" / "local.yaml"}
churn:
  horizon_days: 7
  cutoffs: 3
  grid:
    - algorithm: logistic_regression
      params: {{reg_param: 0.01, max_iter: 10}}
""")
    env = dict(os.environ, BENCH_DIR=str(out / "work"), BENCH_SCALES="150",
               BENCH_SCALE_DAYS="30", BENCH_CONFIG=str(config),
               BENCH_FIT_SIZES="500,2000", BENCH_CHURN_SIZES="1500",
               BENCH_MARKOV_SIZES="500,2000", BENCH_RESULTS=str(out / "results.json"),
               BENCH_DOC=str(out / "BENCHMARKS.md"), COMMUNITY_HEAP="1g",
               # make test (bin/test) built the jars just before; BENCH_JAR and COMMUNITY_BUILD,
               # when set, name its copy of them.
               BENCH_SKIP_BUILD="1",
               # Nothing here is timed: two partitions shorten each JVM (and make test runs
               # every JVM of this side with the quick JIT, COMMUNITY_JIT=quick).
               SHUFFLE_PARTITIONS="2")
    for part in ("scales", "models"):
        run = subprocess.run(["bash", "bench/run", part], cwd=ROOT, env=env,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((out / "results.json").read_text()), (out / "BENCHMARKS.md").read_text()


def test_every_step_of_the_scale_and_the_models_is_measured(bench):
    results, _ = bench
    groups = {}
    for s in results["steps"]:
        groups.setdefault(s["group"], []).append(s["step"])
    expected = (["generate", "history-ingest", "history-features", "history-churn-train"] + NIGHT
                + ["nightly-one-app"])
    assert groups == {"scale-150": expected, "models": ["ltv-fit", "churn-train", "markov"]}
    for s in results["steps"]:
        assert s["wall_seconds"] > 0 and s["cpu_seconds"] > 0 and s["driver_peak_rss_mb"] > 0, s
        assert s["spark_jobs"] > 0, s
        if s["group"] != "models" and s["step"] != "generate":
            # Matched with its ops.job_runs rows through the Spark application id.
            assert s["status"] == "succeeded", s
            assert s["events"] > 0 and s["events_per_second_per_core"] > 0, s


def test_rows_and_shuffles_come_from_the_run_records_and_event_logs(bench):
    results, _ = bench
    steps = {(s["group"], s["step"]): s for s in results["steps"]}
    ingest = steps[("scale-150", "night-ingest")]
    # The night reads one day: far fewer raw rows than the 29-day backfill.
    assert 0 < ingest["rows_read"] < steps[("scale-150", "history-ingest")]["rows_read"] / 10
    assert ingest["tables_written"]["silver.events"] > 0
    assert ingest["rows_written"] == sum(ingest["tables_written"].values())
    for name in NIGHT + ["nightly-one-app"]:
        assert steps[("scale-150", name)]["events"] == ingest["rows_read"]
    features = steps[("scale-150", "night-features")]
    assert features["tables_written"]["gold.user_state"] > 0
    assert features["shuffle_write_bytes"] > 0
    assert any(p["phase"].startswith("features: ") for p in features["top_phases"])


def test_the_night_as_one_application_does_the_same_work_as_five(bench):
    results, doc = bench
    steps = {(s["group"], s["step"]): s for s in results["steps"]}
    one = steps[("scale-150", "nightly-one-app")]
    assert one["jobs_recorded"] == ["ingest", "features", "churn-score", "attribution", "kpi"]
    five = [steps[("scale-150", n)] for n in NIGHT]
    # The same night from the same history: the same rows read and written, table by table.
    assert one["rows_read"] == sum(s["rows_read"] for s in five)
    written = {}
    for s in five:
        for table, n in s["tables_written"].items():
            written[table] = written.get(table, 0) + n
    assert one["tables_written"] == written
    [ratio] = results["one_application"]
    assert ratio["group"] == "scale-150"
    assert ratio["ratio"] == round(one["wall_seconds"] / ratio["five_applications_wall_seconds"],
                                   3)
    assert f"one application / five: {ratio['ratio']}" in doc


def test_the_peer_did_the_same_work_and_is_reported_beside_spark(bench):
    results, doc = bench
    steps = {(s["group"], s["step"]): s for s in results["steps"]}
    [peer] = results["peer"]
    # bench/run reports a peer only after its counts equalled silver's: the history ingest's
    # accepted rows and gold.user_activity_daily's member-days.
    history = steps[("scale-150", "history-ingest")]
    assert peer["group"] == "scale-150" and peer["engine"].startswith("duckdb ")
    assert peer["accepted"] == history["tables_written"]["silver.events"]
    assert peer["member_days"] == steps[("scale-150", "history-features")][
        "tables_written"]["gold.user_activity_daily"]
    assert peer["ingest_spark_seconds"] == history["wall_seconds"]
    assert peer["ingest_peer_seconds"] > 0 and peer["activity_peer_seconds"] > 0
    assert peer["activity_spark_seconds"] > 0
    assert f"| scale-150 | {history['events']:,} | {history['wall_seconds']:.1f} |" in doc


def test_models_are_reported(bench):
    results, doc = bench
    sizes = [(m["bench"], m["size"]) for m in results["models"]]
    assert sizes == [("bench-ltv-fit", 500), ("bench-ltv-fit", 2000),
                     ("bench-churn-train", 1500), ("bench-markov", 500),
                     ("bench-markov", 2000)]
    churn = [m for m in results["models"] if m["bench"] == "bench-churn-train"]
    assert all(m["explained_members"] > 0 and m["explain_cost_per_member"] > 0
               and m["explain_seconds"] > 0 for m in churn)
    assert "explain us/member (difference)" in doc
    fits = [m for m in results["models"] if m["bench"] == "bench-ltv-fit"]
    assert all(m["bgnbd_converged"] and m["gamma_gamma_converged"] for m in fits)
    assert fits[0]["bgnbd_summary_rows"] < 500
    assert results["machine"]["cores"] == len(os.sched_getaffinity(0))
    assert results["spark_version"] == "3.5.7"
    assert "| scale-150 | night-kpi |" in doc and "(history not run)" in doc
    assert "| 2,000 |" in doc


def test_unknown_part_is_a_usage_error():
    run = subprocess.run(["bash", "bench/run", "everything"], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 2
    assert run.stderr.strip() == ("bench/run: unknown part 'everything'; parts: all, scales, peer, "
                                  "history, models, report")


# report.py on run folders written here.

def write_step(root, group, step, command, wall, user, system, rss_kb, app_id, jobs):
    """A step folder as bench/run leaves it. jobs: (description, start ms, end ms, task run
    times ms, shuffle bytes written per task)."""
    d = root / "runs" / group / step
    (d / "events").mkdir(parents=True)
    (d / "command").write_text("\n".join(command) + "\n")
    (d / "time").write_text(json.dumps({"wall_seconds": wall, "user_seconds": user,
                                        "system_seconds": system, "max_rss_kb": rss_kb}))
    events = [{"Event": "SparkListenerLogStart", "Spark Version": "3.5.7"},
              {"Event": "SparkListenerApplicationStart", "App ID": app_id}]
    for job_id, (description, start, end, tasks, shuffle) in enumerate(jobs):
        events.append({"Event": "SparkListenerJobStart", "Job ID": job_id,
                       "Submission Time": start, "Stage IDs": [job_id],
                       "Properties": {"spark.job.description": description}})
        for run_ms in tasks:
            events.append({"Event": "SparkListenerTaskEnd", "Stage ID": job_id, "Task Metrics": {
                "Executor Run Time": run_ms, "Input Metrics": {"Bytes Read": 10},
                "Shuffle Write Metrics": {"Shuffle Bytes Written": shuffle},
                "Shuffle Read Metrics": {"Remote Bytes Read": 0, "Local Bytes Read": 5}}})
        events.append({"Event": "SparkListenerStageCompleted",
                       "Stage Info": {"Stage ID": job_id, "Stage Name": f"stage of {description}"}})
        events.append({"Event": "SparkListenerJobEnd", "Job ID": job_id, "Completion Time": end})
    (d / "events" / app_id).write_text("\n".join(json.dumps(e) for e in events) + "\n")
    # A step's mtime orders it in its group.
    os.utime(d, (len(list((root / "runs" / group).iterdir())),) * 2)


def write_runs(root, group, rows):
    header = "job\tdate_from\tdate_to\tstatus\trows_read\tto_json(rows_written)\tspark_app_id"
    (root / "runs" / group / "job_runs.tsv").write_text(
        "\n".join([header] + ["\t".join(r) for r in rows]) + "\n")


def night(root, group, walls, ingest_rows, one_app_wall=None):
    write_step(root, group, "history-ingest", ["ingest", "--from", "a", "--to", "b"], 50.0, 60.0,
               5.0, 2048, f"{group}-h", [("ingest: validate", 0, 4000, [1000, 1000], 0)])
    rows = [("ingest", "a", "b", "succeeded", "9000", '{"silver.events":8000}', f"{group}-h")]
    for i, (step, wall) in enumerate(zip(NIGHT, walls)):
        job = step.removeprefix("night-")
        app = f"{group}-n{i}"
        write_step(root, group, step, [job, "--date", "b"], wall, wall, 1.0, 1024, app,
                   [(f"{job}: work", 0, 1500, [100, 200, 300, 2000], 7)])
        rows.append((job, "b", "b", "succeeded", str(ingest_rows if i == 0 else 0),
                     json.dumps({f"t.{job}": 10 + i}), app))
    if one_app_wall is not None:
        write_step(root, group, "nightly-one-app", ["nightly", "--date", "b"], one_app_wall,
                   one_app_wall, 1.0, 1536, f"{group}-one", [("ingest: validate", 0, 900,
                                                               [400], 0)])
        for i, step in enumerate(NIGHT):
            job = step.removeprefix("night-")
            rows.append((job, "b", "b", "succeeded", str(ingest_rows if i == 0 else 0),
                         json.dumps({f"t.{job}": 10 + i}), f"{group}-one"))
    write_runs(root, group, rows)


def test_report_joins_time_event_logs_and_job_runs(tmp_path):
    night(tmp_path, "scale-10", [10.0, 20.0, 5.0, 5.0, 10.04], 1000, one_app_wall=25.0)
    steps = report.collect_steps(str(tmp_path), cores=2)
    by = {s["step"]: s for s in steps}
    assert [s["step"] for s in steps] == ["history-ingest"] + NIGHT + ["nightly-one-app"]
    ingest = by["night-ingest"]
    assert ingest["cpu_seconds"] == 11.0 and ingest["driver_peak_rss_mb"] == 1
    assert ingest["rows_read"] == 1000 and ingest["tables_written"] == {"t.ingest": 10}
    assert ingest["events"] == 1000 and ingest["events_per_second_per_core"] == 50
    assert ingest["task_seconds"] == 2.6 and ingest["shuffle_write_bytes"] == 28
    assert ingest["top_phases"] == [{"phase": "ingest: work", "seconds": 1.5,
                                     "shuffle_bytes": 28}]
    assert ingest["most_skewed_stage"] == {"stage": "stage of ingest: work",
                                           "phase": "ingest: work", "tasks": 4,
                                           "slowest_task_seconds": 2.0,
                                           "median_task_seconds": 0.3}
    one = by["nightly-one-app"]
    assert one["jobs_recorded"] == ["ingest", "features", "churn-score", "attribution", "kpi"]
    assert one["rows_read"] == 1000 and one["rows_written"] == 10 + 11 + 12 + 13 + 14
    assert one["events"] == 1000 and by["history-ingest"]["events"] == 9000
    [ratio] = report.one_application(steps)
    # 10 + 20 + 5 + 5 + 10.04 = 50.04, rounded to 50.0 as printed; 25 / 50.0.
    assert ratio == {"group": "scale-10", "five_applications_wall_seconds": 50.0,
                     "one_application_wall_seconds": 25.0, "ratio": 0.5, "events": 1000}


def peer_json(root, group, wall, ingest, activity):
    (root / "runs" / group / "peer.json").write_text(json.dumps({
        "engine": "duckdb 9.9", "threads": 2, "accepted": 8000, "duplicates": 10,
        "quarantined": {"malformed_json": 990}, "member_days": 700,
        "phases": {"ingest": ingest, "activity": activity},
        "time": {"wall_seconds": wall, "user_seconds": 1.0, "system_seconds": 0.1,
                 "max_rss_kb": 1}}))


def test_report_sets_spark_against_the_peer_per_scale(tmp_path):
    night(tmp_path, "scale-10", [1.0] * 5, 10)
    night(tmp_path, "scale-20", [1.0] * 5, 10)
    peer_json(tmp_path, "scale-10", wall=6.0, ingest=4.0, activity=1.0)
    features = tmp_path / "runs" / "scale-10" / "history-features"
    features.mkdir()
    (features / "stderr").write_text(
        "14:00:01 features find touched dates: 12 items (500 ms)\n"
        "14:00:02 features write gold.user_state: 9 (9000 ms)\n"
        "14:00:09 features write gold.user_activity_daily: 700 (7000 ms)\n")
    steps = report.collect_steps(str(tmp_path), cores=2)
    # scale-20 has no peer.json (its counts did not match, or it never ran): no row.
    [row] = report.peer_comparison(str(tmp_path), steps)
    # Ingest: Spark's history-ingest wall 50 s against the peer's 6 s less its 1 s activity;
    # activity: the two phase lines, 0.5 + 7.0 s, against the peer's 1 s.
    assert row == {"group": "scale-10", "engine": "duckdb 9.9", "threads": 2, "events": 9000,
                   "accepted": 8000, "member_days": 700, "ingest_spark_seconds": 50.0,
                   "ingest_peer_seconds": 5.0, "ingest_ratio": 10.0,
                   "activity_spark_seconds": 7.5, "activity_peer_seconds": 1.0,
                   "activity_ratio": 7.5}
    b = report.blocks({"steps": steps, "machine": {"cores": 2}, "generated_at": "now",
                       "settings": {}, "peer": [row]})
    assert "| scale-10 | 9,000 | 50.0 | 5.0 | 10.0 | 7.5 | 1.00 | 7.5 |" in b["peer"]


def test_peer_compare_names_every_count_that_differs(tmp_path):
    night(tmp_path, "scale-10", [1.0] * 5, 10)
    peer_json(tmp_path, "scale-10", wall=6.0, ingest=4.0, activity=1.0)
    spark = tmp_path / "spark.tsv"
    compare = [sys.executable, str(ROOT / "bench/peer.py"), "compare", "--peer",
               str(tmp_path / "runs" / "scale-10" / "peer.json"), "--spark", str(spark)]
    spark.write_text("name\tvalue\naccepted\t8000\nduplicates\t10\n"
                     "quarantined:malformed_json\t990\nmember_days\t700\n")
    same = subprocess.run(compare, capture_output=True, text=True)
    assert same.returncode == 0, same.stderr
    spark.write_text("name\tvalue\naccepted\t8001\nduplicates\t10\n"
                     "quarantined:malformed_json\t989\nquarantined:future_time\t1\n"
                     "member_days\t700\n")
    differ = subprocess.run(compare, capture_output=True, text=True)
    assert differ.returncode == 1
    assert differ.stderr.strip() == (
        "peer.py: the peer's counts are not silver's: accepted: peer 8000, spark 8001; "
        "quarantined:future_time: peer 0, spark 1; "
        "quarantined:malformed_json: peer 990, spark 989")


def test_history_ratio_compares_the_nights_after_the_shortest_and_longest_history(tmp_path):
    night(tmp_path, "history-30", [10.0, 10.0, 10.0, 10.0, 10.0], 500)
    night(tmp_path, "history-300", [11.0, 12.0, 10.0, 10.0, 10.0], 510)
    night(tmp_path, "history-100", [99.0, 99.0, 99.0, 99.0, 99.0], 505)
    h = report.history_ratio(report.collect_steps(str(tmp_path), cores=2))
    assert (h["short_history_days"], h["long_history_days"]) == (30, 300)
    assert (h["night_wall_seconds_short"], h["night_wall_seconds_long"]) == (50.0, 53.0)
    assert h["ratio"] == 1.06 and (h["night_events_short"], h["night_events_long"]) == (500, 510)
    assert [(j["step"], j["ratio"]) for j in h["per_job"]] == [
        ("night-ingest", 1.1), ("night-features", 1.2), ("night-churn-score", 1.0),
        ("night-attribution", 1.0), ("night-kpi", 1.0)]


def test_report_fails_on_a_failed_step_and_skips_unfinished_ones(tmp_path):
    night(tmp_path, "scale-10", [1.0] * 5, 10)
    (tmp_path / "runs" / "scale-10" / "unfinished").mkdir()
    tsv = tmp_path / "runs" / "scale-10" / "job_runs.tsv"
    tsv.write_text(tsv.read_text().replace("\tsucceeded\t0\t{\"t.kpi\"", "\tfailed\t0\t{\"t.kpi\""))
    out = tmp_path / "out"
    run = subprocess.run([sys.executable, str(ROOT / "bench/report.py"), "--bench-dir",
                          str(tmp_path), "--results", str(out / "r.json"), "--doc",
                          str(out / "B.md")], capture_output=True, text=True)
    assert run.returncode != 0
    assert "steps recorded as failed: ['night-kpi']" in run.stderr
    steps = json.loads((out / "r.json").read_text())["steps"]
    assert "unfinished" not in [s["step"] for s in steps]
    assert "| scale-10 | **nightly total** | 5.0 |" in (out / "B.md").read_text()
