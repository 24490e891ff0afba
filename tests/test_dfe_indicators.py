"""The indicators the DfE publishes, on small extracts built in memory, every figure worked out by hand (each row's
fate commented): starts and ceases (each child once, first / last occasion) with their rates and reasons,
the placement type and provider mix at the period end, missing and away incidents, A10 and the A2 cohort."""
import math

import pytest

from tests.conftest import county_figure as county
from tests.conftest import extract_of as load

POPULATION_2015 = 249_900     # the synthetic county's mid-2015 estimate aged 0-17: the rate's base at 31/03/2016


# ---------------------------------------------------------------- starts and ceases
FLOWS = (
    ("A", "01/05/2015", "S", "C2", "U6", "PR1", "01/08/2015", "E4A"),   # started (first occasion), ceased: home
    ("A", "01/10/2015", "S", "V2", "U6", "PR1", "01/02/2016", "E45"),   # started again: not counted; ceased again on
    #                                                                      an SGO: the last occasion, counted
    ("B", "01/01/2015", "S", "C2", "U4", "PR1", "01/06/2015", "E11"),   # started last year; ceased adopted
    ("C", "01/03/2015", "S", "C1", "U6", "PR1", "01/04/2015", "X1"),    # started last year, X1: care continues ...
    ("C", "01/04/2015", "P", "C2", "U5", "PR4", "", ""),                # ... not a start, never ceased
    ("D", "31/03/2016", "S", "C1", "K2", "PR4", "", ""),                # started on the year's last day: counted
    ("E", "01/04/2015", "S", "C2", "U6", "PR1", "30/09/2015", "E4B"),   # started on its first day; ceased: home
    ("F", "01/06/2015", "S", "V2", "P1", "PR0", "01/03/2016", "X1"),    # started; X1: care continues ...
    ("F", "01/03/2016", "P", "V2", "U6", "PR1", "", ""),                # ... not ceased
    ("G", "01/02/2015", "S", "C2", "U6", "PR1", "31/03/2015", "E8"),    # ceased the day before the year: neither
)


@pytest.fixture(scope="module")
def flows():
    return load(*FLOWS)


def test_started_counts_each_child_once_by_the_first_occasion_and_its_rate(flows):
    assert county(flows, "2016-03-31", "STARTED")[0] == 4                 # A, D, E, F (A once)
    num, den, value = county(flows, "2016-03-31", "STARTS_RATE")
    assert (num, den) == (4, POPULATION_2015) and math.isclose(value, 4 * 10_000 / POPULATION_2015)
    assert county(flows, "2015-09-30", "STARTED")[0] == 3                 # year to date: A, E, F (D not yet)


def test_ceased_counts_each_child_once_by_the_last_occasion_and_its_rate(flows):
    assert county(flows, "2016-03-31", "CEASED")[0] == 3                  # A (twice: once), B, E
    num, den, value = county(flows, "2016-03-31", "CEASED_RATE")
    assert (num, den) == (3, POPULATION_2015) and math.isclose(value, 3 * 10_000 / POPULATION_2015)


def test_reasons_for_ceasing_are_read_from_the_last_occasion(flows):
    assert county(flows, "2016-03-31", "LEFT_CARE_ADOPTED")[:2] == (1, 3)         # B (E11)
    assert county(flows, "2016-03-31", "CEASED_SGO_PCT")[:2] == (1, 3)            # A's last cease (E45)
    assert county(flows, "2016-03-31", "CEASED_RETURNED_HOME_PCT")[:2] == (1, 3)  # E (E4B); A's E4A was not last
    # at 30/09/2015 A's last cease so far is the E4A: A and E returned home, B adopted, no SGO yet
    assert county(flows, "2015-09-30", "CEASED_RETURNED_HOME_PCT")[:2] == (2, 3)
    assert county(flows, "2015-09-30", "CEASED_SGO_PCT")[:2] == (0, 3)


def test_an_older_sgo_code_counts_as_an_sgo():
    x = load(("H", "01/04/2015", "S", "C2", "U6", "PR1", "01/09/2015", "E43"),   # SGO to former foster carers
             ("I", "01/04/2015", "S", "C2", "U6", "PR1", "01/09/2015", "E13"))   # with relatives, no PR: neither
    # (data from 01/04/2015: the year to 31/03/2016 lies within them, so it is counted)
    assert county(x, "2016-03-31", "CEASED_SGO_PCT")[:2] == (1, 2)
    assert county(x, "2016-03-31", "CEASED_RETURNED_HOME_PCT")[:2] == (0, 2)


# ---------------------------------------------------------------- placement type and provider at the period end
MIX = (
    ("P1", "01/01/2015", "S", "C2", "U4", "PR1", "", ""),    # foster, own provision
    ("P2", "01/01/2015", "S", "C2", "U5", "PR4", "", ""),    # foster, private
    ("P3", "01/01/2015", "S", "E1", "A5", "PR1", "", ""),    # placed for adoption, own provision
    ("P4", "01/01/2015", "S", "C2", "P1", "PR0", "", ""),    # with parents, provider: parents (other)
    ("P5", "01/01/2015", "S", "C2", "K2", "PR4", "", ""),    # children's home, private
    ("P6", "01/01/2015", "S", "V2", "H5", "PR5", "", ""),    # semi-independent: independent living, voluntary
    ("P7", "01/01/2015", "S", "V2", "P2", "PR2", "", ""),    # independent living, another LA
    ("P8", "01/01/2015", "S", "C2", "S1", "PR3", "", ""),    # residential school: other, other public (other)
    ("P9", "01/01/2015", "S", "C2", "R2", "PR3", "", ""),    # NHS/health: other residential setting (other)
    ("PX", "01/01/2015", "S", "C2", "U1", "PR5", "01/03/2016", "E4A"),   # left before 31/03/2016: not counted
)
TYPES = {"PLACE_FOSTER_PCT": 2, "PLACE_ADOPTION_PCT": 1, "PLACE_PARENTS_PCT": 1, "PLACE_CHILDRENS_HOMES_PCT": 1,
         "PLACE_INDEPENDENT_PCT": 2, "PLACE_OTHER_PCT": 2}
PROVIDERS = {"PROVIDER_OWN_PCT": 2, "PROVIDER_OTHER_LA_PCT": 1, "PROVIDER_PRIVATE_PCT": 2,
             "PROVIDER_VOLUNTARY_PCT": 1}


@pytest.fixture(scope="module")
def mix():
    return load(*MIX)


@pytest.mark.parametrize("indicator, children", list(TYPES.items()) + list(PROVIDERS.items()))
def test_placement_type_and_provider_shares_of_children_in_care_at_the_period_end(mix, indicator, children):
    num, den, value = county(mix, "2016-03-31", indicator)
    assert (num, den) == (children, 9) and math.isclose(value, 100 * children / 9)


def test_the_placement_types_cover_every_child_in_care_once(mix, extract):
    for x, period in ((mix, "2016-03-31"), (mix, "2015-06-30"), (extract, "2016-02-29")):
        total = sum(county(x, period, i)[0] for i in TYPES)
        assert total == county(x, period, "CIC_TOTAL")[0], period


def test_the_mix_of_the_hand_built_extract(extract):
    # at 29/02/2016 (conftest): A U4 PR4, B U6 PR1, U H5 PR4, U2 H5 PR4, S U4 PR1, S2 A6 PR1, S3 U5 PR4
    assert county(extract, "2016-02-29", "PLACE_FOSTER_PCT")[:2] == (4, 7)          # A, B, S, S3
    assert county(extract, "2016-02-29", "PLACE_INDEPENDENT_PCT")[:2] == (2, 7)     # U, U2 (H5)
    assert county(extract, "2016-02-29", "PROVIDER_PRIVATE_PCT")[:2] == (4, 7)      # A, U, U2, S3


# ---------------------------------------------------------------- missing and away from placement
MISSING_EPISODES = (
    ("M1", "01/01/2015", "S", "C2", "U6", "PR1", "", ""),               # looked after all year
    ("M2", "01/01/2015", "S", "C2", "U6", "PR1", "", ""),               # looked after all year
    ("M3", "01/01/2015", "S", "C2", "U6", "PR1", "", ""),               # looked after all year
    ("M4", "01/01/2015", "S", "C2", "U6", "PR1", "31/05/2015", "E4A"),  # looked after until May: in the year
    ("M5", "01/01/2015", "S", "C2", "U6", "PR1", "31/03/2015", "E4A"),  # left before the year: not looked after
)


def incident(child, kind, start):
    return {"CHILD": child, "DOB": "01/01/2008", "MISSING": kind, "MIS_START": start, "MIS_END": start}


MISSING_ROWS = [
    incident("M1", "M", "10/04/2015"), incident("M1", "M", "10/05/2015"), incident("M1", "M", "10/06/2015"),  # 3
    incident("M1", "M", "20/03/2015"),   # before the year: not counted
    incident("M2", "M", "01/01/2016"),   # 1 missing ...
    incident("M2", "A", "02/01/2016"),   # ... and away
    incident("M3", "A", "01/07/2015"), incident("M3", "A", "05/07/2015"),   # away only (twice): not missing
    incident("M4", "M", "01/05/2015"),   # 1, while looked after
    incident("M5", "M", "01/06/2015"),   # not looked after in the year: not counted
]


@pytest.fixture(scope="module")
def missing():
    return load(*MISSING_EPISODES, missing=MISSING_ROWS)


def test_missing_incidents_per_child_who_went_missing(missing):
    assert county(missing, "2016-03-31", "MISSING_CHILDREN_PCT")[:2] == (3, 4)     # M1, M2, M4 of M1-M4
    num, den, value = county(missing, "2016-03-31", "MISSING_EPISODES_PER_CHILD")
    assert (num, den) == (5, 3) and math.isclose(value, 5 / 3)                  # 3 + 1 + 1 incidents, 3 children
    assert county(missing, "2015-04-30", "MISSING_EPISODES_PER_CHILD")[:2] == (1, 1)   # M1's April incident


def test_away_from_placement_without_authorisation(missing):
    assert county(missing, "2016-03-31", "AWAY_PCT")[:2] == (2, 4)                 # M2, M3 (M3 once) of M1-M4


# ---------------------------------------------------------------- A10 and the A2 cohort
ADOPTIONS = (
    ("FC", "01/01/2013", "S", "C1", "U6", "PR1", "01/06/2013", "X1"),   # BLA 01/01/2013
    ("FC", "01/06/2013", "P", "C2", "U4", "PR1", "01/02/2014", "X1"),   # moves in with the carers who adopt
    ("FC", "01/02/2014", "L", "E1", "U4", "PR1", "01/10/2014", "X1"),   # placement order, same carers
    ("FC", "01/10/2014", "P", "E1", "A5", "PR1", "01/05/2015", "E11"),  # placed for adoption with them; adopted
    ("NA", "01/03/2013", "S", "C1", "U6", "PR1", "01/09/2013", "X1"),   # BLA 01/03/2013
    ("NA", "01/09/2013", "L", "D1", "U6", "PR1", "01/01/2014", "X1"),   # freeing order (no placement order)
    ("NA", "01/01/2014", "P", "D1", "A4", "PR1", "01/10/2015", "E12"),  # placed with new adopters; adopted
    ("NP", "01/01/2014", "S", "E1", "U4", "PR1", "01/03/2016", "E11"),  # adopted, never placed for adoption
)


def ad1(child, match, foster_care):
    return {"CHILD": child, "DOB": "01/01/2012", "DATE_INT": "", "DATE_MATCH": match, "FOSTER_CARE": foster_care,
            "NB_ADOPTR": "2", "SEX_ADOPTR": "MF", "LS_ADOPTR": "L11"}


@pytest.fixture(scope="module")
def adoptions():
    return load(*ADOPTIONS, ad1=[ad1("FC", "01/09/2014", "1"), ad1("NA", "01/12/2013", "0"),
                                 ad1("NP", "01/06/2014", "0")])


def test_a10_counts_a_foster_carer_adoption_to_moving_in_with_that_carer(adoptions):
    # A1: FC 01/01/2013 -> placed 01/10/2014 = 638 days; NA 01/03/2013 -> 01/01/2014 = 306; NP never placed
    assert county(adoptions, "2016-03-31", "A1_R12M")[:2] == (638 + 306, 2)
    # A10: FC adopted by its foster carer: to 01/06/2013, when it moved in with them (151 days); NA as A1
    for indicator in ("A10_R12M", "A10_3Y"):
        num, den, value = county(adoptions, "2016-03-31", indicator)
        assert (num, den) == (151 + 306, 2) and value == 228.5


def test_a2_counts_from_a_placement_or_freeing_order_for_children_placed_before_adoption(adoptions):
    # FC: placement order 01/02/2014 -> match 01/09/2014 = 212 days; NA: freeing order 01/09/2013 -> match
    # 01/12/2013 = 91 days; NP left out (not placed for adoption before its adoption order)
    for indicator in ("A2_R12M", "A2_3Y"):
        assert county(adoptions, "2016-03-31", indicator)[:2] == (212 + 91, 2)
