"""Real Airflow for the DAG tests: a throwaway AIRFLOW_HOME with a migrated SQLite metadata
database, the DAG folder on sys.path, and a Spark connection to a local master."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DAGS = Path(__file__).resolve().parent.parent
REPO = DAGS.parent

_home = tempfile.mkdtemp(prefix="airflow-home-")
os.environ["AIRFLOW_HOME"] = _home
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ["AIRFLOW_CONN_SPARK_LOCAL"] = '{"conn_type": "spark", "host": "local[2]"}'
os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
# spark-submit of the pinned pyspark lives beside this interpreter.
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"]
sys.path.insert(0, str(DAGS))

subprocess.run([str(Path(sys.executable).parent / "airflow"), "db", "migrate"], check=True,
               stdout=subprocess.DEVNULL)
