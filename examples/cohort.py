"""Evaluate a synthetic cohort with nettx and pandas.

The same steps as the notebook examples/cohort.ipynb, as a script:

    pip install ./python pandas
    python examples/cohort.py

It makes a cohort of 10,000 synthetic patients (no real data), evaluates
every row in one call, prints how often each recommendation is preferred,
what data are most often missing, and the full report of one patient.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import nettx


def synthetic_cohort(n: int, seed: int = 2024) -> pd.DataFrame:
    """A made-up cohort with the columns of a case and realistic gaps."""
    rng = np.random.default_rng(seed)
    sites = ["ileum", "jejunum", "duodenum", "colon", "rectum", "small_intestine_unspecified", "appendix"]
    site = rng.choice(sites, size=n, p=[0.35, 0.15, 0.12, 0.1, 0.18, 0.05, 0.05])
    metastatic = rng.random(n) < 0.45
    known = rng.random(n) < 0.85  # 15% not yet staged

    def maybe(values: "np.ndarray[tuple[int], np.dtype[np.bool_]]", p_missing: float) -> "pd.arrays.BooleanArray":
        return pd.arrays.BooleanArray(values, rng.random(n) < p_missing)

    syndrome = rng.random(n) < np.where(metastatic, 0.3, 0.02)
    responses = ["not_started", "controlled", "symptoms_worsening", "intolerant"]
    ssa = [responses[r] if s else None for s, r in zip(syndrome, rng.integers(0, 4, n))]
    complications = [["bowel_obstruction"] if x < 0.04 else None for x in rng.random(n)]
    return pd.DataFrame(
        {
            "primary_site": pd.Categorical(site),
            "histology": pd.Categorical.from_codes(  # code -1: not recorded
                rng.choice([0, 1, -1], size=n, p=[0.8, 0.05, 0.15]),
                categories=pd.Index(["well_differentiated", "poorly_differentiated"]),
            ),
            "tumor_size_cm": np.where(rng.random(n) < 0.1, np.nan, rng.gamma(2.0, 0.8, n).clip(0.1, 12).round(1)),
            "local_spread": maybe(rng.random(n) < 0.5, 0.2),
            "metastatic": pd.arrays.BooleanArray(metastatic, ~known),
            "hepatic_metastases": pd.arrays.BooleanArray(metastatic, ~known | ~metastatic),
            "metastases_resectable": pd.arrays.BooleanArray(rng.random(n) < 0.3, ~metastatic | (rng.random(n) < 0.3)),
            "carcinoid_syndrome": maybe(syndrome, 0.1),
            "ssa_response": ssa,
            "complications": complications,
        },
        index=pd.Index([f"pt-{i:05d}" for i in range(n)], name="patient"),
    )


def main() -> None:
    cohort = synthetic_cohort(10_000)
    results = nettx.evaluate_frame(cohort, full=True)

    print("Preferred recommendations (each list of codes):")
    print(results["preferred"].map(tuple).value_counts().head(10).to_string())
    print()
    print("Every recommendation, counted once per patient:")
    counts = results["codes"].explode().value_counts()
    print(counts.to_string())
    print()
    print(f"Urgent: {int(results['urgent'].sum())} patients; out of scope: {int((~results['in_scope']).sum())}")
    missing = results["missing"].explode().dropna()
    print("Most often missing:", missing.value_counts().head(3).to_dict())
    print()

    # One patient in full: the first with carcinoid syndrome and metastases.
    chosen = results.index[(results["disease_state"] == "metastatic") & cohort["carcinoid_syndrome"].fillna(False)][0]
    evaluation = results.at[chosen, "evaluation"]
    assert isinstance(evaluation, nettx.Evaluation)
    print(f"Patient {chosen}: {evaluation!r}")
    print(evaluation.report())
    top = evaluation.preferred[0]
    print(f"First preferred: {top.code.value} ({top.strength.value}, {top.urgency.value}), sources {[s.value for s in top.sources]}")


if __name__ == "__main__":
    main()
