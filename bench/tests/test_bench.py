"""The benchmark harness runs end to end at a tiny scale (timings are never asserted)."""
import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


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
               BENCH_HISTORY_MEMBERS="100", BENCH_HISTORY_DAYS="30 40",
               BENCH_FIT_SIZES="500,2000", BENCH_CHURN_SIZES="1500",
               BENCH_MARKOV_SIZES="500,2000", BENCH_RESULTS=str(out / "results.json"),
               BENCH_DOC=str(out / "BENCHMARKS.md"), COMMUNITY_HEAP="1g",
               # Nothing here is timed: the quick JIT and two partitions shorten each JVM.
               BENCH_SPARK_OPTS="-XX:TieredStopAtLevel=1", SHUFFLE_PARTITIONS="2")
    run = subprocess.run(["bash", "bench/run"], cwd=ROOT, env=env, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((out / "results.json").read_text()), (out / "BENCHMARKS.md").read_text()


NIGHT = ["night-ingest", "night-features", "night-churn-score", "night-attribution",
         "night-kpi"]


def test_every_step_of_every_group_is_measured(bench):
    results, _ = bench
    groups = {}
    for s in results["steps"]:
        groups.setdefault(s["group"], []).append(s["step"])
    expected = ["generate", "history-ingest", "history-features", "history-churn-train"] + NIGHT
    assert groups == {"scale-150": expected, "history-30": expected, "history-40": expected,
                      "models": ["ltv-fit", "churn-train", "markov"]}
    for s in results["steps"]:
        assert s["wall_seconds"] > 0 and s["cpu_seconds"] > 0 and s["driver_peak_rss_mb"] > 0, s
        assert s["spark_jobs"] > 0, s
        if s["group"] != "models" and s["step"] != "generate":
            # Matched with its ops.job_runs row through the Spark application id.
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
    for name in NIGHT:
        assert steps[("scale-150", name)]["events"] == ingest["rows_read"]
    features = steps[("scale-150", "night-features")]
    assert features["tables_written"]["gold.user_state"] > 0
    assert features["shuffle_write_bytes"] > 0
    assert any(p["phase"].startswith("features: ") for p in features["top_phases"])


def test_history_ratio_and_models_are_reported(bench):
    results, doc = bench
    h = results["history"]
    assert (h["short_history_days"], h["long_history_days"]) == (30, 40)
    assert [j["step"] for j in h["per_job"]] == NIGHT
    assert h["ratio"] == round(h["night_wall_seconds_long"] / h["night_wall_seconds_short"], 3)
    sizes = [(m["bench"], m["size"]) for m in results["models"]]
    assert sizes == [("bench-ltv-fit", 500), ("bench-ltv-fit", 2000),
                     ("bench-churn-train", 1500), ("bench-markov", 500),
                     ("bench-markov", 2000)]
    fits = [m for m in results["models"] if m["bench"] == "bench-ltv-fit"]
    assert all(m["bgnbd_converged"] and m["gamma_gamma_converged"] for m in fits)
    assert fits[0]["bgnbd_summary_rows"] < 500
    assert results["machine"]["cores"] == len(os.sched_getaffinity(0))
    assert results["spark_version"] == "3.5.7"
    assert "| scale-150 | night-kpi |" in doc and "ratio " in doc
    assert "| 2,000 |" in doc


def test_unknown_part_is_a_usage_error():
    run = subprocess.run(["bash", "bench/run", "everything"], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 2
    assert run.stderr.strip() == ("bench/run: unknown part 'everything'; parts: all, scales, "
                                  "history, models, report")
