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
