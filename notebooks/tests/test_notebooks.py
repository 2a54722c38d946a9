"""Every analyst notebook executed headless against a warehouse (COMMUNITY_WAREHOUSE, default
the demo's), failing on any cell error; each expected figure must be in the output. The
executed copies, charts included, are written to build/notebooks/ to be opened."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parent.parent
OUT = NOTEBOOKS.parent / "build" / "notebooks"

EXPECTED = {
    "cockpit": ["kpi_board", "kpi_trends", "funnel", "cohort_retention", "experiment_lifts"],
    "churn": ["roc_and_precision_recall", "calibration", "feature_importances", "risk_tiers",
              "shap_summary_and_waterfall", "retention_curves"],
    "content": ["persona_by_content_type", "time_slot_by_channel", "attribution_models"],
    "members": ["ltv_distribution_and_tiers", "tag_dimensions", "lifecycle_flows",
                "frequency_recency", "calibration_holdout", "holdout_tracking", "clv_by_month"],
}


def figures(nb) -> dict[str, bool]:
    """figure name -> whether its cell shows a PNG."""
    found = {}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        names = [line.split("figure: ", 1)[1].strip()
                 for out in cell.outputs if out.output_type == "stream"
                 for line in out.text.splitlines() if line.startswith("figure: ")]
        has_png = any("image/png" in out.get("data", {}) for out in cell.outputs)
        for name in names:
            found[name] = has_png
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_notebook_runs_and_shows_its_figures(name):
    source = NOTEBOOKS / f"{name}.ipynb"
    nb = nbformat.read(source, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        f"{source.name} is committed with outputs"
    NotebookClient(nb, timeout=900, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    OUT.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, OUT / source.name)
    shown = figures(nb)
    for figure in EXPECTED[name]:
        assert shown.get(figure), f"{name}: figure {figure} missing (shown: {shown})"
