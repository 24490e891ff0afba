"""The indicator registry's contract: one declaration per indicator, refused when it is ill-formed; every
rated indicator has somewhere to take a target from; every definition has a source; every indicator is
named in a test; the display order is the one the reports have always used."""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from cicanalysis.config.reference import REFERENCE_DIR, SYNTHETIC_AUTHORITY_DIR
from cicanalysis.core.errors import CicError
from cicanalysis.measures import metrics
from cicanalysis.measures.indicators import REGISTRY, Registry

TESTS = Path(__file__).resolve().parent

# the display order contract (copied from the CATALOGUE list as it stood before the registry)
CATALOGUE_ORDER = [
    "CIC_CITIZEN", "CIC_UASC", "CIC_TOTAL", "CIC_RATE", "IHA_20WD", "ADOPT_PLAN_4M", "ADOPT_PLAN_6M",
    "HEALTH_ASSESSMENT", "DEV_CHECK_U5", "DENTAL_CHECK", "IMMUNISATIONS", "OC2_SDQ_SCORED", "OC2_SDQ_AVERAGE",
    "MISSING_CHILDREN_PCT", "RHI_3WD", "RHI_COMPLETED", "CL_IN_TOUCH", "CL_1718_IN_TOUCH",
    "CL_SUITABLE_ACCOM", "CL_1718_SUITABLE_ACCOM", "CL_EET", "CL_1718_EET", "OWN_FOSTER", "PLACEMENTS_3PLUS",
    "STABILITY_2Y", "WITHIN_20_MILES",
    "REVIEW_PARTICIPATION", "REVIEWS_IN_TIMESCALE", "A1_R12M", "A1_3Y", "A2_R12M", "A2_3Y", "LEFT_CARE_ADOPTED",
    "SW_PERM_QUALIFIED", "AGENCY_STAFF", "CASELOAD", "SAME_SW_12M",
]
EXTRA_ORDER = ["CIC_STARTED", "LONG_TERM_FOSTER", "BLA_TO_PLACED_R12M"]


def declaration(**kw) -> dict:
    base = dict(id="THROWAWAY", title="A throwaway indicator", polarity="H", measure_type="SS", unit="%",
                numerator="n", denominator="d", order=1, definition_source="Local measure: a test's")
    return base | kw


def count(x, period, window):
    return pd.DataFrame(columns=["CHILD", "NUM", "DEN"])


# ---------------------------------------------------------------- declarations refused
def test_a_duplicate_id_is_refused():
    reg = Registry()
    reg.indicator(**declaration())(count)
    with pytest.raises(CicError, match="declared twice"):
        reg.indicator(**declaration(order=2))(count)
    with pytest.raises(CicError, match="declared twice"):
        reg.declare_supplied(**declaration(order=3))
    assert [i.id for i in reg.all()] == ["THROWAWAY"] and "THROWAWAY" not in REGISTRY


@pytest.mark.parametrize("field, value", [("polarity", "X"), ("unit", "percent"), ("measure_type", "YTDX"),
                                          ("uasc", "sometimes"), ("annual", "OC4")])
def test_an_unknown_polarity_unit_measure_type_uasc_rule_or_annual_return_is_refused(field, value):
    with pytest.raises(CicError, match=f"unknown {field}"):
        Registry().indicator(**declaration(**{field: value}))(count)


def test_a_taken_display_order_is_refused():
    reg = Registry()
    reg.indicator(**declaration())(count)
    with pytest.raises(CicError, match="order 1 is already 'THROWAWAY'"):
        reg.indicator(**declaration(id="OTHER"))(count)


def test_supplied_indicators_have_no_function_and_counted_ones_have_one():
    reg = Registry()
    s = reg.declare_supplied(**declaration())
    assert s.source == "supplied" and s.count is None
    with pytest.raises(CicError, match="counting function"):
        reg.add(metrics.Indicator(**declaration(id="NO_FUNCTION", order=2)))


# ---------------------------------------------------------------- targets
def target_ids() -> set[str]:
    """Indicators with a target row: the national targets (``data/reference/targets.csv``: the DfE's A1/A2
    thresholds) or the worked example of an authority's own targets (the synthetic county's
    ``targets.csv``, which ``cicanalysis init`` templates for every rated indicator without a national one)."""
    rows = [pd.read_csv(REFERENCE_DIR / "targets.csv", dtype=str), pd.read_csv(SYNTHETIC_AUTHORITY_DIR / "targets.csv",
                                                                              dtype=str)]
    return set(pd.concat(rows)["INDICATOR"])


def untargeted(indicators, targets: set[str]) -> list[str]:
    """Rated, non-activity indicators with no target row (they would be shown unrated, silently)."""
    return [i.id for i in indicators if i.rated and not i.activity and i.id not in targets]


def test_every_rated_indicator_has_a_target_row_or_is_declared_unrated():
    assert untargeted(REGISTRY.all(), target_ids()) == []


def test_the_target_check_catches_a_rated_indicator_without_a_row():
    reg = Registry()
    reg.indicator(**declaration())(count)
    reg.indicator(**declaration(id="COUNTED", unit="count", order=2))(count)       # an activity: never rated
    reg.indicator(**declaration(id="UNRATED", rated=False, order=3))(count)
    assert untargeted(reg.all(), target_ids()) == ["THROWAWAY"]


def test_indicators_declared_unrated_have_no_target_and_are_shown_unrated():
    unrated = [i.id for i in REGISTRY.all() if not i.rated]
    assert unrated == ["IMMUNISATIONS", "OC2_SDQ_SCORED", "OC2_SDQ_AVERAGE", "MISSING_CHILDREN_PCT", "CL_1718_IN_TOUCH",
                       "CL_1718_SUITABLE_ACCOM", "CL_1718_EET", "BLA_TO_PLACED_R12M"]
    assert not set(unrated) & target_ids()


def test_an_unrated_scorecard_indicator_has_a_value_but_no_target_or_rag(extract):
    import pandas as pd

    from cicanalysis.measures import scorecard
    card = scorecard.build(extract, "2016-02-29", levels=("county",)).set_index("indicator")
    row = card.loc["MISSING_CHILDREN_PCT"]
    assert pd.notna(row["value"]) and pd.isna(row["target"]) and not isinstance(row["rag"], str)


# ---------------------------------------------------------------- definitions and tests
def test_every_indicator_names_the_source_of_its_definition():
    for ind in REGISTRY.all():
        src = ind.definition_source.strip()
        assert src, ind.id
        # a DfE (or statutory) definition cites its publication; a local one says it is local
        assert src.startswith("Local measure:") or "https://" in src, ind.id


def test_every_indicator_is_named_in_a_test():
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(TESTS.glob("*.py"))
                     if p.name != Path(__file__).name)
    unnamed = [i.id for i in REGISTRY.all() if not re.search(rf"\b{re.escape(i.id)}\b", text)]
    assert unnamed == []


# ---------------------------------------------------------------- the public catalogue
def test_catalogue_and_extra_keep_the_display_order():
    assert [i.id for i in metrics.CATALOGUE] == CATALOGUE_ORDER
    assert [i.id for i in metrics.EXTRA] == EXTRA_ORDER
    assert list(metrics.BY_ID) == CATALOGUE_ORDER + EXTRA_ORDER
    assert metrics.catalogue_table()["indicator"].tolist() == CATALOGUE_ORDER


def test_annual_returns_are_declared():
    annual = {i.id: i.annual for i in REGISTRY.all() if i.annual}
    assert annual == {"HEALTH_ASSESSMENT": "OC2", "DEV_CHECK_U5": "OC2", "DENTAL_CHECK": "OC2", "IMMUNISATIONS": "OC2",
                      "OC2_SDQ_SCORED": "OC2", "OC2_SDQ_AVERAGE": "OC2",
                      "CL_IN_TOUCH": "OC3", "CL_1718_IN_TOUCH": "OC3", "CL_SUITABLE_ACCOM": "OC3",
                      "CL_1718_SUITABLE_ACCOM": "OC3", "CL_EET": "OC3", "CL_1718_EET": "OC3"}


def test_the_catalogue_table_shows_each_definition():
    t = metrics.catalogue_table()
    assert t.columns[-1] == "definition"
    assert t.set_index("indicator")["definition"].to_dict() == {i.id: i.definition_source for i in metrics.CATALOGUE}


def test_each_counted_indicator_is_declared_in_its_group_module():
    modules = {"Children in care": "children_in_care", "Health": "health", "Missing": "missing",
               "Care leavers": "care_leavers", "Placements": "placements", "Reviews": "reviews",
               "Adoption": "adoption"}
    for ind in REGISTRY.all():
        if ind.count is None:
            continue
        module = ind.count.__module__.rsplit(".", 1)[-1]
        expected = "sufficiency_extras" if not ind.on_scorecard else modules[ind.group]
        assert module == expected, ind.id
