"""One source for each version: the pom's properties. Every Python pin of Spark or Delta, and the
Delta package the DAGs hand to spark-submit, must name the version the jobs jar is built with."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import community_common

REPO = Path(__file__).resolve().parents[2]
POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}


def pom_property(name: str) -> str:
    value = ET.parse(REPO / "pom.xml").getroot().find(f"m:properties/m:{name}", POM_NS)
    assert value is not None and value.text, f"pom.xml has no property {name}"
    return value.text.strip()


def pins(requirements: Path) -> dict[str, str]:
    found = {}
    for line in requirements.read_text().splitlines():
        match = re.fullmatch(r"\s*([A-Za-z0-9_.-]+)==([^\s#]+)\s*(#.*)?", line)
        if match:
            found[match.group(1).lower()] = match.group(2)
    return found


def test_python_pins_name_the_poms_spark_and_delta():
    spark, delta = pom_property("spark.version"), pom_property("delta.version")
    expected = {
        "airflow-dags/requirements.txt": {"pyspark": spark},
        "notebooks/requirements.txt": {"pyspark": spark, "delta-spark": delta},
    }
    for path, wanted in expected.items():
        found = pins(REPO / path)
        assert {name: found.get(name) for name in wanted} == wanted, path


def test_the_dags_delta_package_is_the_poms():
    scala, delta = pom_property("scala.binary.version"), pom_property("delta.version")
    packages = community_common.SETTINGS["packages"][0].split(",")
    assert f"io.delta:delta-spark_{scala}:{delta}" in packages
