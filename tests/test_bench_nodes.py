"""The benchmark's sizing arithmetic and its reuse of a kept database (scripts/bench_nodes.py, scripts/bench_seed.py).

The measurements themselves are printed by `make bench SECTIONS=nodes`, not timed here; what is tested is what turns
them into a number of nodes (a wrong formula would size a national deployment wrongly without anyone noticing) and
that a reused database yields the very people the seeding made.
"""

import sys
from pathlib import Path

import pytest

from scripts.bench_nodes import LoadModel, parse_mix, sizing

# bench_seed imports its siblings by bare name, as scripts/bench.py runs them.
sys.path.append(str(Path(__file__).resolve().parent.parent / "scripts"))


def test_sizing_is_peak_demand_over_the_mix_harmonic_rate_plus_a_spare():
    model = LoadModel(peak_users=3600, views_per_user_hour=10, burst=2, utilisation=0.5, spare_nodes=1,
                      mix=(("list", 0.5), ("detail", 0.5)))
    # Demand: 3600 × 10 / 3600 × 2 = 20 req/s. One node: half the views at 10 req/s (0.05 s each), half at 40
    # (0.0125 s): 1 / (0.05 + 0.0125) = 16 req/s, of which 8 planned; ⌈20 / 8⌉ = 3, plus the spare.
    result = sizing(model, {"list": 10.0, "detail": 40.0, "inbox": 1.0, "home": 1.0})
    assert result.demand_rps == pytest.approx(20)
    assert result.node_rps == pytest.approx(16)
    assert result.planned_rps == pytest.approx(8)
    assert (result.nodes, result.total) == (3, 4)


def test_the_number_of_proposals_does_not_change_the_web_nodes():
    rates = {"list": 30.0, "detail": 60.0, "inbox": 40.0, "home": 120.0}
    assert sizing(LoadModel(proposals=200_000), rates) == sizing(LoadModel(proposals=1_000_000), rates)


def test_the_load_model_reads_the_environment_and_refuses_nonsense():
    model = LoadModel.from_environ({"SIZING_PEAK_USERS": "500", "SIZING_MIX": "home=0.25, list=0.75"})
    assert model.peak_users == 500
    assert model.mix == (("home", 0.25), ("list", 0.75))
    assert LoadModel.from_environ({}) == LoadModel()
    for bad in ("list=0.5,detail=0.4", "list=0.5,lists=0.5", "list=0.5,list=0.5", "list=half,detail=0.5"):
        with pytest.raises(ValueError, match="SIZING_MIX"):
            parse_mix(bad)
    for variable, value in (("SIZING_UTILISATION", "1.5"), ("SIZING_BURST", "0.5"), ("SIZING_PEAK_USERS", "0")):
        with pytest.raises(ValueError):
            LoadModel.from_environ({variable: value})


@pytest.mark.django_db
def test_a_reused_database_yields_the_people_the_seeding_made():
    from bench_seed import existing_province, province_org

    with pytest.raises(RuntimeError, match="BENCH-P"):
        existing_province()
    seeded = province_org()
    found = existing_province()
    assert found.province == seeded.province
    assert found.people == seeded.people
