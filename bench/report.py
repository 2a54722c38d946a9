#!/usr/bin/env python3
"""Summarises a bench/run work folder into a results file (JSON) and Markdown tables.

Per measured step (bench/run's runs/<group>/<step>/): wall, CPU and peak RSS from
/usr/bin/time; task time, shuffle and input bytes and the slowest phases from the Spark event
log (phases are the job descriptions the jobs set, "<job>: <phase>"); rows read and written
from the warehouse's ops.job_runs, matched by Spark application id. Then the history
independence ratio (nightly run after the longest history over the shortest) and the model
benchmarks (models.jsonl). Only the standard library: it runs on any python3.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import subprocess
import sys

NIGHT = "night"
NIGHT_PREFIX = "night-"
ONE_APP = "nightly-one-app"
NULLS = ("", "NULL", "null")


def read_json(path, default=None):
    """The file's JSON; default when it is missing or incomplete (a step that did not finish)."""
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return default


def event_log_metrics(folder):
    """Task totals and per-phase wall time from the one event log in folder."""
    logs = [os.path.join(folder, f) for f in os.listdir(folder)] if os.path.isdir(folder) else []
    logs = [f for f in logs if os.path.isfile(f) and not f.endswith(".inprogress")]
    m = {"app_id": None, "spark_version": None, "tasks": 0, "task_seconds": 0.0,
         "shuffle_write_bytes": 0, "shuffle_read_bytes": 0,
         "input_bytes": 0, "spark_jobs": 0, "phases": [],
         "most_skewed_stage": None}
    if not logs:
        return m
    job_start, job_phase, stage_job, phase = {}, {}, {}, {}
    stage_tasks, stage_name = {}, {}
    with open(logs[0]) as f:
        for line in f:
            e = json.loads(line)
            kind = e.get("Event")
            if kind == "SparkListenerLogStart":
                m["spark_version"] = e.get("Spark Version")
            elif kind == "SparkListenerApplicationStart":
                m["app_id"] = e.get("App ID")
            elif kind == "SparkListenerJobStart":
                props = e.get("Properties") or {}
                name = props.get("spark.job.description") or "(no phase)"
                job_start[e["Job ID"]] = e["Submission Time"]
                job_phase[e["Job ID"]] = name
                for s in e.get("Stage IDs", []):
                    stage_job[s] = e["Job ID"]
                m["spark_jobs"] += 1
            elif kind == "SparkListenerJobEnd":
                jid = e["Job ID"]
                p = phase.setdefault(job_phase.get(jid, "(no phase)"),
                                     {"seconds": 0.0, "shuffle_bytes": 0, "spark_jobs": 0})
                started = job_start.get(jid, e["Completion Time"])
                p["seconds"] += (e["Completion Time"] - started) / 1000
                p["spark_jobs"] += 1
            elif kind == "SparkListenerStageCompleted":
                info = e.get("Stage Info") or {}
                stage_name[info.get("Stage ID")] = info.get("Stage Name")
            elif kind == "SparkListenerTaskEnd":
                t = e.get("Task Metrics") or {}
                stage_tasks.setdefault(e.get("Stage ID"), []).append(
                    t.get("Executor Run Time", 0) / 1000)
                m["tasks"] += 1
                m["task_seconds"] += t.get("Executor Run Time", 0) / 1000
                written = (t.get("Shuffle Write Metrics") or {}).get("Shuffle Bytes Written", 0)
                r = t.get("Shuffle Read Metrics") or {}
                m["shuffle_write_bytes"] += written
                m["shuffle_read_bytes"] += (r.get("Remote Bytes Read", 0)
                                            + r.get("Local Bytes Read", 0))
                m["input_bytes"] += (t.get("Input Metrics") or {}).get("Bytes Read", 0)
                jid = stage_job.get(e.get("Stage ID"))
                if jid is not None:
                    p = phase.setdefault(job_phase[jid], {"seconds": 0.0, "shuffle_bytes": 0,
                                                          "spark_jobs": 0})
                    p["shuffle_bytes"] += written
    # Skew: the stage whose slowest task most exceeds its median task (heavy members, say).
    skewed = None
    for sid, times in stage_tasks.items():
        if len(times) >= 4:
            times = sorted(times)
            median, slowest = times[len(times) // 2], times[-1]
            worse = skewed is None or slowest - median > (skewed["slowest_task_seconds"]
                                                          - skewed["median_task_seconds"])
            if worse:
                skewed = {"stage": stage_name.get(sid), "phase": job_phase.get(stage_job.get(sid)),
                          "tasks": len(times), "slowest_task_seconds": round(slowest, 2),
                          "median_task_seconds": round(median, 2)}
    m["most_skewed_stage"] = skewed
    m["phases"] = sorted(({"phase": k, **v} for k, v in phase.items()),
                         key=lambda p: -p["seconds"])
    return m


def job_runs(path):
    """ops.job_runs rows of a group (bench/run's job_runs.tsv), by Spark application id. The
    steps of one application (nightly) add up: rows read and written summed, and its status
    the first that is not "succeeded" (else "succeeded")."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            written = {} if r["to_json(rows_written)"] in NULLS else json.loads(
                r["to_json(rows_written)"])
            run = out.setdefault(r["spark_app_id"], {"status": "succeeded", "rows_read": 0,
                                                     "rows_written": {}, "jobs": []})
            run["jobs"].append(r["job"])
            if run["status"] == "succeeded":
                run["status"] = r["status"]
            run["rows_read"] += 0 if r["rows_read"] in NULLS else int(r["rows_read"])
            for table, n in written.items():
                run["rows_written"][table] = run["rows_written"].get(table, 0) + n
    return out


def group_size(group):
    # A group is named <kind>-<size>: members for "scale-1500", days for "history-300".
    size = group.partition("-")[2]
    return int(size) if size.isdigit() else 0


def group_order(group):
    # "scale-1500" before "scale-13500": by kind, then by size.
    return (group.partition("-")[0], group_size(group), group)


def collect_steps(bench_dir, cores):
    steps = []
    runs_dir = os.path.join(bench_dir, "runs")
    if not os.path.isdir(runs_dir):
        return steps
    for group in sorted(os.listdir(runs_dir), key=group_order):
        gdir = os.path.join(runs_dir, group)
        if not os.path.isdir(gdir):
            continue
        recorded = job_runs(os.path.join(gdir, "job_runs.tsv"))
        truth = read_json(os.path.join(gdir, "generate", "summary.json"), {})
        group_steps = []
        for name in sorted(os.listdir(gdir), key=lambda n: os.path.getmtime(os.path.join(gdir, n))):
            sdir = os.path.join(gdir, name)
            timing = read_json(os.path.join(sdir, "time")) if os.path.isdir(sdir) else None
            if timing is None:
                continue
            with open(os.path.join(sdir, "command")) as f:
                command = [line.rstrip("\n") for line in f]
            ev = event_log_metrics(os.path.join(sdir, "events"))
            run = recorded.get(ev["app_id"], {})
            group_steps.append({
                "group": group, "step": name, "job": command[0],
                "command": " ".join(command),
                "wall_seconds": timing["wall_seconds"],
                "cpu_seconds": round(timing["user_seconds"] + timing["system_seconds"], 2),
                "driver_peak_rss_mb": round(timing["max_rss_kb"] / 1024),
                "task_seconds": round(ev["task_seconds"], 1),
                "shuffle_write_bytes": ev["shuffle_write_bytes"],
                "shuffle_read_bytes": ev["shuffle_read_bytes"],
                "input_bytes": ev["input_bytes"],
                "spark_jobs": ev["spark_jobs"],
                "spark_version": ev["spark_version"],
                "rows_read": run.get("rows_read"),
                "rows_written": sum(run.get("rows_written", {}).values()) if run else None,
                "tables_written": run.get("rows_written"),
                "status": run.get("status"),
                "jobs_recorded": run.get("jobs", []),
                "most_skewed_stage": ev["most_skewed_stage"],
                "top_phases": [{"phase": p["phase"], "seconds": round(p["seconds"], 1),
                                "shuffle_bytes": p["shuffle_bytes"]} for p in ev["phases"][:3]],
            })
        # Events in a step's scope: what the ingest of the same dates read (raw rows).
        by_name = {s["step"]: s for s in group_steps}
        for s in group_steps:
            if s["step"] == "generate":
                s["events"] = (truth.get("counts") or {}).get("raw_event_rows")
            else:
                # The nightly steps, one job each or all in one application, read the night.
                source = by_name.get(("night" if s["step"].startswith(NIGHT) else "history")
                                     + "-ingest")
                s["events"] = source["rows_read"] if source else None
            s["events_per_second_per_core"] = (round(s["events"] / s["wall_seconds"] / cores)
                                               if s["events"] and s["wall_seconds"] else None)
        steps.extend(group_steps)
    return steps


def night_steps(steps, group):
    return [s for s in steps if s["group"] == group and s["step"].startswith(NIGHT_PREFIX)]


def one_application(steps):
    """Per group: the night as five applications (their summed wall) beside the same night as
    one (nightly-one-app), and the ratio of the two."""
    out = []
    for group in sorted({s["group"] for s in steps}, key=group_order):
        five = night_steps(steps, group)
        one = next((s for s in steps if s["group"] == group and s["step"] == ONE_APP), None)
        if five and one:
            wall_five = round(sum(s["wall_seconds"] for s in five), 1)
            out.append({"group": group, "five_applications_wall_seconds": wall_five,
                        "one_application_wall_seconds": one["wall_seconds"],
                        "ratio": round(one["wall_seconds"] / wall_five, 3),
                        "events": one.get("events")})
    return out


def history_ratio(steps):
    groups = sorted({s["group"] for s in steps if s["group"].startswith("history-")},
                    key=group_order)
    if len(groups) < 2:
        return None
    short, long = groups[0], groups[-1]
    a, b = night_steps(steps, short), night_steps(steps, long)
    if not a or not b:
        return None
    per_job = []
    for s in a:
        t = next((x for x in b if x["step"] == s["step"]), None)
        if t:
            per_job.append({"step": s["step"], "short_seconds": s["wall_seconds"],
                            "long_seconds": t["wall_seconds"],
                            "ratio": round(t["wall_seconds"] / s["wall_seconds"], 2)})
    # The ratio is taken from the rounded totals the report prints, so a reader can check it.
    wall_a = round(sum(s["wall_seconds"] for s in a), 1)
    wall_b = round(sum(s["wall_seconds"] for s in b), 1)
    return {"short_history_days": group_size(short), "long_history_days": group_size(long),
            "night_events_short": a[0].get("events"), "night_events_long": b[0].get("events"),
            "night_wall_seconds_short": wall_a, "night_wall_seconds_long": wall_b,
            "ratio": round(wall_b / wall_a, 3), "per_job": per_job}


# The activity step of features, as its phase lines in the job's log: the touched dates, then
# gold.user_activity_daily written.
ACTIVITY_PHASE = re.compile(
    r"features (?:find touched dates|write gold\.user_activity_daily): .* \((\d+) ms\)$")


def log_seconds(path, pattern):
    """The summed durations of the log lines matching pattern; None without the log."""
    if not os.path.exists(path):
        return None
    with open(path, errors="replace") as f:
        found = [int(m.group(1)) for m in map(pattern.search, f) if m]
    return round(sum(found) / 1000, 2) if found else None


def ratio(a, b):
    return round(a / b, 1) if a is not None and b else None


def peer_comparison(bench_dir, steps):
    """Per scale, Spark against the DuckDB peer (runs/<group>/peer.json) on the same files and
    cores: the history ingest as whole processes (the peer's wall without its activity phase),
    and the activity step as phases (features' log against the peer's). bench/run wrote a
    peer.json only after the peer's counts equalled silver's."""
    out = []
    for s in steps:
        if s["step"] != "history-ingest":
            continue
        peer = read_json(os.path.join(bench_dir, "runs", s["group"], "peer.json"))
        if not peer:
            continue
        peer_ingest = round(peer["time"]["wall_seconds"] - peer["phases"]["activity"], 2)
        spark_activity = log_seconds(os.path.join(bench_dir, "runs", s["group"],
                                                  "history-features", "stderr"), ACTIVITY_PHASE)
        out.append({"group": s["group"], "engine": peer["engine"], "threads": peer["threads"],
                    "events": s.get("events"), "accepted": peer["accepted"],
                    "member_days": peer["member_days"],
                    "ingest_spark_seconds": s["wall_seconds"],
                    "ingest_peer_seconds": peer_ingest,
                    "ingest_ratio": ratio(s["wall_seconds"], peer_ingest),
                    "activity_spark_seconds": spark_activity,
                    "activity_peer_seconds": peer["phases"]["activity"],
                    "activity_ratio": ratio(spark_activity, peer["phases"]["activity"])})
    return out


def machine():
    # The cores this process may run on (taskset narrows them), which local[*] uses too.
    info = {"cores": len(os.sched_getaffinity(0)), "machine_cores": os.cpu_count(),
            "os": f"{platform.system()} {platform.release()}"}
    try:
        with open("/proc/meminfo") as f:
            kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
            info["memory_gib"] = round(kb / 1024 / 1024, 1)
        with open("/proc/cpuinfo") as f:
            found = re.search(r"model name\s*:\s*(.+)", f.read())
            info["cpu"] = found.group(1).strip() if found else platform.processor()
    except OSError:
        pass
    try:
        out = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
        info["jdk"] = out.splitlines()[0].strip()
    except (OSError, IndexError):
        info["jdk"] = None
    return info


def fmt_bytes(n):
    if n is None:
        return ""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024


def fmt_num(n):
    return "" if n is None else f"{n:,}"


def table(headers, rows):
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def step_rows(steps):
    rows = []
    for s in steps:
        rows.append([s["group"], s["step"], f"{s['wall_seconds']:.1f}", f"{s['cpu_seconds']:.1f}",
                     fmt_num(s.get("events")), fmt_num(s.get("events_per_second_per_core")),
                     s["driver_peak_rss_mb"], fmt_bytes(s["shuffle_write_bytes"]),
                     fmt_num(s.get("rows_written"))])
    return rows


def blocks(result):
    steps = result["steps"]
    m = result["machine"]
    b = {}
    b["machine"] = (f"Measured {result['generated_at']} on {m.get('cores')} of the machine's "
                    f"{m.get('machine_cores')} cores ({m.get('cpu', '?')}), "
                    f"{m.get('memory_gib', '?')} GiB memory, "
                    f"{m.get('os')}, {m.get('jdk')}, Spark {result.get('spark_version')}, "
                    f"local[*] with the driver heap {result['settings'].get('heap')}.")
    headers = ["group", "step", "wall s", "CPU s", "events", "events/s/core", "driver peak MB",
               "shuffle written", "rows written"]
    scale = [s for s in steps if s["group"].startswith("scale-")]
    rows = []
    for g in sorted({s["group"] for s in scale}, key=group_order):
        rows += step_rows([s for s in scale if s["group"] == g])
        night = night_steps(steps, g)
        if night:
            wall = sum(s["wall_seconds"] for s in night)
            events = night[0].get("events")
            rows.append([g, "**nightly total**", f"{wall:.1f}",
                         f"{sum(s['cpu_seconds'] for s in night):.1f}", fmt_num(events),
                         fmt_num(round(events / wall / m["cores"])) if events else "",
                         max(s["driver_peak_rss_mb"] for s in night),
                         fmt_bytes(sum(s["shuffle_write_bytes"] for s in night)),
                         fmt_num(sum(s.get("rows_written") or 0 for s in night))])
        one = next((o for o in result.get("one_application", []) if o["group"] == g), None)
        if one:
            rows.append([g, f"**one application / five: {one['ratio']}**",
                         f"{one['one_application_wall_seconds']:.1f}", "", "", "", "", "", ""])
    b["scales"] = table(headers, rows) if rows else "(scales not run)"
    phase_rows = []
    for s in steps:
        k = s.get("most_skewed_stage")
        skew = (f"{k['phase']}: {k['slowest_task_seconds']} / {k['median_task_seconds']}"
                if k else "")
        phases = "; ".join(f"{p['phase']} {p['seconds']:.1f} s" for p in s["top_phases"][:2])
        phase_rows.append([s["group"], s["step"], f"{s['wall_seconds']:.1f}",
                           f"{s['task_seconds']:.1f}", phases, skew])
    b["phases"] = (table(["group", "step", "wall s", "task s", "two slowest phases",
                          "most skewed stage: slowest / median task s"], phase_rows)
                   if phase_rows else "(nothing run)")
    h = result.get("history")
    if h:
        events = f"{fmt_num(h['night_events_short'])} and {fmt_num(h['night_events_long'])}"
        b["history"] = (f"Nightly run after {h['short_history_days']} and "
                        f"{h['long_history_days']} days of history ({events}"
                        f" raw events that night): "
                        f"{h['night_wall_seconds_short']} s and {h['night_wall_seconds_long']} s, "
                        f"**ratio {h['ratio']}** (target under 1.2).\n\n"
                        + table(["nightly job", f"{h['short_history_days']} days s",
                                 f"{h['long_history_days']} days s", "ratio"],
                                [[j["step"], j["short_seconds"], j["long_seconds"], j["ratio"]]
                                 for j in h["per_job"]]))
    else:
        b["history"] = "(history not run)"
    models = result.get("models", [])
    fit = [r for r in models if r["bench"] == "bench-ltv-fit"]
    churn = [r for r in models if r["bench"] == "bench-churn-train"]
    markov = [r for r in models if r["bench"] == "bench-markov"]
    parts = []
    if fit:
        parts.append(table(["members", "summary s (Spark)", "BG/NBD fit s", "Gamma-Gamma fit s",
                            "BG/NBD rows", "spend rows", "converged"],
                           [[fmt_num(r["size"]), f"{r['summary_seconds']:.1f}",
                             f"{r['bgnbd_fit_seconds']:.2f}", f"{r['gamma_gamma_fit_seconds']:.2f}",
                             fmt_num(r["bgnbd_summary_rows"]), fmt_num(r["spend_summary_rows"]),
                             r["bgnbd_converged"] and r["gamma_gamma_converged"]] for r in fit]))
    if churn:
        parts.append(table(["training rows", "train s", "candidates", "chosen", "test AUC-PR",
                            "explained model", "test members", "score s", "score + explain s",
                            "explain us/member (difference)", "trees x leaves x depth^2"],
                           [[fmt_num(r["size"]), f"{r['train_seconds']:.1f}", r["candidates"],
                             r["chosen"], f"{r['test_auc_pr']:.3f}", r["explained_model"],
                             fmt_num(r["explained_members"]), f"{r['score_seconds']:.2f}",
                             f"{r['explain_seconds']:.2f}",
                             f"{r['explain_us_per_member']:.0f}",
                             fmt_num(r["explain_cost_per_member"])] for r in churn]))
    if markov:
        parts.append(table(["journeys", "transition counting s (Spark)", "solve s",
                            "transition rows"],
                           [[fmt_num(r["size"]), f"{r['count_seconds']:.1f}",
                             f"{r['solve_seconds']:.3f}", fmt_num(r["transition_rows"])]
                            for r in markov]))
    b["models"] = "\n\n".join(parts) if parts else "(models not run)"
    peers = result.get("peer", [])
    b["peer"] = (f"Peer: {peers[0]['engine']} with {peers[0]['threads']} threads.\n\n" + table(
        ["scale", "raw events", "ingest: Spark s", "peer s", "ratio", "activity: Spark s",
         "peer s", "ratio"],
        [[p["group"], fmt_num(p["events"]), f"{p['ingest_spark_seconds']:.1f}",
          f"{p['ingest_peer_seconds']:.1f}", p["ingest_ratio"],
          "" if p["activity_spark_seconds"] is None else f"{p['activity_spark_seconds']:.1f}",
          f"{p['activity_peer_seconds']:.2f}", p["activity_ratio"]] for p in peers])
                 if peers else "(peer not run)")
    return b


def write_doc(path, b):
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n\n" + "\n\n".join(
        f"<!-- bench:begin {k} -->\n<!-- bench:end {k} -->" for k in b) + "\n"
    for k, v in b.items():
        pattern = re.compile(rf"(<!-- bench:begin {k} -->\n).*?(<!-- bench:end {k} -->)", re.S)
        if not pattern.search(text):
            sys.exit(f"report.py: {path} has no block '<!-- bench:begin {k} -->'")
        text = pattern.sub(lambda mt: mt.group(1) + v + "\n" + mt.group(2), text)
    with open(path, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bench-dir", required=True)
    ap.add_argument("--results", required=True)
    ap.add_argument("--doc", required=True)
    args = ap.parse_args()
    mach = machine()
    steps = collect_steps(args.bench_dir, mach["cores"])
    models = []
    models_file = os.path.join(args.bench_dir, "models.jsonl")
    if os.path.exists(models_file):
        with open(models_file) as f:
            models = [json.loads(line) for line in f if line.strip()]
    result = {
        "generated_at": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": mach,
        "spark_version": next((s["spark_version"] for s in steps if s["spark_version"]), None),
        "settings": {k.lower(): v for k, v in os.environ.items() if k.startswith("BENCH_")}
        | {"heap": os.environ.get("COMMUNITY_HEAP")},
        "steps": steps, "history": history_ratio(steps),
        "one_application": one_application(steps), "models": models,
        "peer": peer_comparison(args.bench_dir, steps),
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.results)), exist_ok=True)
    with open(args.results, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    write_doc(args.doc, blocks(result))
    failed = [s for s in steps if s["status"] not in (None, "succeeded")]
    print(f"report: {len(steps)} steps, {len(models)} model sizes -> {args.results}, {args.doc}")
    if result["history"]:
        print(f"report: history ratio {result['history']['ratio']}")
    for p in result["peer"]:
        print(f"report: {p['group']} Spark / peer: ingest {p['ingest_ratio']}, "
              f"activity {p['activity_ratio']}")
    for one in result["one_application"]:
        print(f"report: {one['group']} night as one application / as five: {one['ratio']}")
    if failed:
        sys.exit(f"report: steps recorded as failed: {[s['step'] for s in failed]}")


if __name__ == "__main__":
    main()
