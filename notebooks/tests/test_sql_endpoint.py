"""The SQL endpoint for BI tools: `bin/community serve` (Spark's Thrift JDBC/ODBC server from the
pinned pyspark distribution) over the warehouse the notebooks read, with password
authentication. beeline (the Hive JDBC client shipped with pyspark) runs a join of
gold.kpi_daily and gold.alerts whose rows must equal Spark's own answer; a wrong password is
refused; the server is not reachable on a non-loopback address."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent
REPO = NOTEBOOKS.parent
sys.path.insert(0, str(NOTEBOOKS))
import community_notebook  # noqa: E402

PASSWORD = "endpoint-test-secret"
QUERY = """SELECT k.date, k.kpi, k.status, count(a.rule) AS alerts
           FROM gold.kpi_daily k LEFT JOIN gold.alerts a ON a.date = k.date
           WHERE k.date = (SELECT max(date) FROM gold.kpi_daily)
           GROUP BY k.date, k.kpi, k.status ORDER BY k.kpi"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def non_loopback_address() -> str | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the route's address
            address = s.getsockname()[0]
        except OSError:
            return None
    return None if address.startswith("127.") else address


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    env = dict(os.environ, COMMUNITY_SQL_PASSWORD=PASSWORD)
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [str(REPO / "bin/community"), "serve", "--port", str(port),
             "--set", "serve.auth=password", "--set", "serve.user=analyst",
             "--set", f"warehouse.root={community_notebook.warehouse()}"],
            stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        deadline = time.time() + 240
        while "serve: jdbc:hive2://" not in log.read_text():
            assert proc.poll() is None, "serve exited:\n" + log.read_text()[-3000:]
            assert time.time() < deadline, "serve did not start:\n" + log.read_text()[-3000:]
            time.sleep(1)
        yield port
    finally:
        os.killpg(proc.pid, 15)
        proc.wait(timeout=60)


def beeline(host: str, port: int, password: str, query: str) -> subprocess.CompletedProcess:
    spark_home = Path(subprocess.run([str(REPO / "bin/pyenv"), "--spark-home"], check=True,
                                     capture_output=True, text=True).stdout.strip())
    return subprocess.run(
        [str(spark_home / "bin/beeline"), "-u", f"jdbc:hive2://{host}:{port}/default",
         "-n", "analyst", "-p", password, "--silent=true", "--showHeader=false",
         "--outputformat=tsv2", "-e", query],
        capture_output=True, text=True, timeout=180)


def test_query_over_jdbc_equals_spark(server):
    result = beeline("127.0.0.1", server, PASSWORD, QUERY)
    assert result.returncode == 0, result.stderr[-3000:]
    # beeline echoes its prompt in front of the first line of output, even when silent.
    lines = [re.sub(r"^\d+: jdbc:hive2://\S+> ", "", line) for line in result.stdout.splitlines()]
    rows = [line.split("\t") for line in lines if line.strip()]
    spark = community_notebook.session()
    expected = [[str(r["date"]), r["kpi"], r["status"], str(r["alerts"])]
                for r in spark.sql(QUERY).collect()]
    assert len(expected) == 14
    assert rows == expected


def test_wrong_password_is_refused(server):
    result = beeline("127.0.0.1", server, "not-the-password", "SELECT 1")
    assert result.returncode != 0
    assert "Error validating the login" in result.stdout + result.stderr


def test_not_reachable_on_a_non_loopback_address(server):
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address")
    with pytest.raises(OSError):
        socket.create_connection((address, server), timeout=5).close()
