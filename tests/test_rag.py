import pytest

from cicanalysis.core.rag import direction_of_travel, is_small_denominator, rag_rating


@pytest.mark.parametrize("value,expected", [(80.0, "G"), (79.99, "A"), (70.0, "A"), (69.99, "R")])
def test_higher_is_better_edges(value, expected):
    assert rag_rating(value, 80, 70, "H", denominator=100) == expected


@pytest.mark.parametrize("value,expected", [(10.0, "G"), (10.01, "A"), (12.0, "A"), (12.01, "R")])
def test_lower_is_better_edges(value, expected):
    assert rag_rating(value, 10, 12, "L", denominator=100) == expected


@pytest.mark.parametrize("value,expected", [(18, "G"), (20, "G"), (16, "G"), (20.5, "A"), (14, "A"), (22, "A"),
                                            (22.1, "R"), (13.9, "R")])
def test_closest_to_target_uses_tolerance_then_floor_distance(value, expected):
    # caseload target 18, green within 2, amber floor 22 (so amber within 4 either side)
    assert rag_rating(value, 18, 22, "T", denominator=50, tolerance=2) == expected


def test_no_rating_for_small_or_zero_denominators_or_activity():
    assert rag_rating(100.0, 80, 70, "H", denominator=4) is None
    assert rag_rating(100.0, 80, 70, "H", denominator=5) == "G"
    assert rag_rating(float("nan"), 80, 70, "H", denominator=0) is None
    assert rag_rating(1500, 1400, 1500, "L", activity=True) is None
    assert rag_rating(50.0, float("nan"), 70, "H", denominator=50) is None


def test_small_denominator_flag_is_1_to_9():
    assert [is_small_denominator(d) for d in (0, 1, 9, 10)] == [False, True, True, False]


def test_direction_of_travel_by_polarity_and_ties_on_unrounded_values():
    assert direction_of_travel(51, 50, "H") == "improved"
    assert direction_of_travel(51, 50, "L") == "worse"
    # 3/10 and 6/20 are the same value although floating point gives 30.000000000000004 and 30.0
    assert direction_of_travel(100 * 3 / 10, 100 * 6 / 20, "H") == "same"
    # unrounded: 33.34 vs 33.33 both show as 33.3 but one is better
    assert direction_of_travel(33.34, 33.33, "H") == "improved"
    assert direction_of_travel(None, 50, "H") is None


def test_direction_for_closest_to_target():
    assert direction_of_travel(19, 21, "T", target=18) == "improved"
    assert direction_of_travel(17, 19, "T", target=18) == "same"
    assert direction_of_travel(15, 17, "T", target=18) == "worse"


# ---------------------------------------------------------------- directions worked out on arrays
from hypothesis import given, settings, strategies as st  # noqa: E402

from cicanalysis.core.rag import directions_of_travel  # noqa: E402

# values as the scorecard makes them (ratios of counts, halves at the shown places, whole numbers) and any float
_VALUES = st.one_of(st.none(), st.just(float("nan")), st.integers(-3, 400).map(lambda k: k / 20),
                    st.integers(-3, 400).map(lambda k: k / 200), st.integers(0, 3000).map(float),
                    st.tuples(st.integers(0, 400), st.integers(1, 400)).map(lambda t: 100 * t[0] / t[1]),
                    st.floats(-1e12, 1e12, allow_nan=False))
_ROW = st.tuples(_VALUES, _VALUES, st.sampled_from("HLT"), _VALUES,
                 st.sampled_from(["%", "days", "count", "per 10,000", "ratio", None, ""]))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(_ROW, max_size=40))
def test_directions_on_arrays_are_the_scalar_rule_row_by_row(rows):
    """Every row's word (or None) is :func:`direction_of_travel`'s for the same values, polarity, target and unit,
    rounding to the shown places (Python's round, halves at 0.05 included) and ties within floating-point noise."""
    expected = [direction_of_travel(c, p, pol, t, u) for c, p, pol, t, u in rows]
    cols = list(zip(*rows)) if rows else [[]] * 5
    assert directions_of_travel(*cols) == expected


def test_directions_on_arrays_round_as_python_does_at_a_half():
    """0.35 is stored just below a half (0.3499...): Python's round reads it 0.3, as the reports show it, while
    numpy's scaled rounding (0.35 * 10 = 3.5 exactly) would read 0.4; 0.45 is stored just above (0.5 both ways);
    whole days round halves to even (2.5 -> 2, 3.5 -> 4)."""
    rows = [(0.35, 0.4, "H", None, "%"), (0.45, 0.5, "H", None, "%"), (2.5, 2.0, "H", None, "days"),
            (3.5, 4.0, "L", None, "days"), (18.75, 18.83, "H", 18.0, "%"), (17.0, 19.0, "T", 18.0, "%")]
    assert directions_of_travel(*zip(*rows)) == ["worse", "same", "same", "same", "same", "same"]
    assert [direction_of_travel(*r) for r in rows] == ["worse", "same", "same", "same", "same", "same"]


def test_directions_on_arrays_refuse_an_unknown_polarity_only_where_both_values_are_known():
    assert directions_of_travel([1.0, None], [2.0, 3.0], ["H", "X"]) == ["worse", None]
    with pytest.raises(ValueError, match="'X'"):
        directions_of_travel([1.0, 2.0], [2.0, 3.0], ["H", "X"])
