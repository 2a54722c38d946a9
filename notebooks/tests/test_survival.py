"""gold.retention_curves and gold.retention_tests against lifelines on the same members: the
lifetimes are rebuilt here from gold.user_state and the newest gold.user_tags on or before the
date by the documented rule
(registration, or first seen, to the last active day plus churn.horizon_days; right-censored at
the date), then every segment's Kaplan-Meier survival, exponential-Greenwood interval and
median, and each dimension's log-rank statistic, must equal lifelines' within 1e-9."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from lifelines import KaplanMeierFitter
from lifelines.statistics import multivariate_logrank_test

NOTEBOOKS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(NOTEBOOKS))
import community_notebook  # noqa: E402

HORIZON = yaml.safe_load((NOTEBOOKS.parent / "conf" / "churn.yaml").read_text())["churn"][
    "horizon_days"]


@pytest.fixture(scope="module")
def tables():
    spark = community_notebook.session()
    day = spark.sql("SELECT max(as_of_date) FROM gold.retention_curves").first()[0]
    assert day is not None, "gold.retention_curves is empty"
    members = spark.sql(f"""
        SELECT s.user_id, coalesce(s.registered_date, s.first_seen_date) AS start,
               s.last_active_date, t.persona
        FROM gold.user_state s LEFT JOIN gold.user_tags t
          ON t.user_id = s.user_id AND t.as_of_date =
             (SELECT max(as_of_date) FROM gold.user_tags WHERE as_of_date <= '{day}')
        WHERE s.as_of_date = '{day}'""").toPandas()
    curves = spark.sql(f"SELECT * FROM gold.retention_curves WHERE as_of_date = '{day}'") \
        .toPandas()
    tests = spark.sql(f"SELECT * FROM gold.retention_tests WHERE as_of_date = '{day}'") \
        .toPandas()
    return day, lifetimes(members, day), curves, tests


def lifetimes(members: pd.DataFrame, day) -> pd.DataFrame:
    m = members[members["start"].notna()].copy()
    start = pd.to_datetime(m["start"])
    last = pd.to_datetime(m["last_active_date"]).fillna(start)
    churn_day = last + pd.Timedelta(days=HORIZON)
    m["churned"] = churn_day <= pd.Timestamp(day)
    m["days"] = ((churn_day.where(m["churned"], pd.Timestamp(day)) - start).dt.days).clip(lower=0)
    m["cohort"] = (start - pd.to_timedelta(start.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    m["persona"] = m["persona"].fillna("(none)")
    return m


@pytest.mark.parametrize("dimension", ["cohort", "persona"])
def test_kaplan_meier_equals_lifelines(tables, dimension):
    _, members, curves, _ = tables
    ours = curves[curves["dimension"] == dimension]
    assert set(ours["segment"]) == set(members[dimension])
    for segment, group in members.groupby(dimension):
        kmf = KaplanMeierFitter().fit(group["days"], event_observed=group["churned"])
        rows = ours[ours["segment"] == segment].sort_values("day")
        assert list(rows["day"]) == sorted(group["days"].unique())
        assert (rows["members"] == len(group)).all()
        survival = kmf.survival_function_.iloc[:, 0]
        lower = kmf.confidence_interval_.iloc[:, 0]
        upper = kmf.confidence_interval_.iloc[:, 1]
        for _, r in rows.iterrows():
            assert r["survival"] == pytest.approx(survival.loc[r["day"]], abs=1e-9)
            assert r["ci_lower"] == pytest.approx(lower.loc[r["day"]], abs=1e-9), (segment, r)
            assert r["ci_upper"] == pytest.approx(upper.loc[r["day"]], abs=1e-9), (segment, r)
        median = kmf.median_survival_time_
        expected = None if math.isinf(median) else median
        got = rows["median_days"].iloc[0]
        assert (None if pd.isna(got) else got) == expected, segment


@pytest.mark.parametrize("dimension", ["cohort", "persona"])
def test_log_rank_equals_lifelines(tables, dimension):
    _, members, _, tests = tables
    ours = tests[tests["dimension"] == dimension].iloc[0]
    # Segments where no one is still in at the first churn (too new) are left out of the test.
    first_churn = members.loc[members["churned"], "days"].min()
    longest = members.groupby(dimension)["days"].transform("max")
    members = members[longest >= first_churn]
    ref = multivariate_logrank_test(members["days"], members[dimension], members["churned"])
    assert ours["segments"] == members[dimension].nunique()
    assert ours["members"] == len(members)
    assert ours["degrees_of_freedom"] == members[dimension].nunique() - 1
    assert ours["statistic"] == pytest.approx(ref.test_statistic, abs=1e-9)
    assert ours["p_value"] == pytest.approx(ref.p_value, abs=1e-9)
