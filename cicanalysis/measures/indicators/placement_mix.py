"""Placements: the mix of placement types and of placement providers of the children in care at the period end,
in the DfE's published categories.

Each share is of all children looked after at the period end (short breaks left out), as the DfE's table
'la_cla_on_31_march_by_characteristics' ('Placement' and 'Place providers' each against their 'Total'); children
with a blank code count in the denominator and under "other". The 903 codes are grouped as below: the DfE
publishes the category labels, not the code lists, so the grouping is this workbook's reading of the labels
against the code descriptions of the SSDA903 guide (stated in each ``definition_source``).
"""
from __future__ import annotations

from ...model.extract import ADOPTION_PLACEMENTS, FOSTER_PLACEMENTS, Extract
from .cases import DFE_CLA, GUIDE_903, in_care_table
from .registry import indicator

DFE_MIX = (f"{DFE_CLA}, table 'la_cla_on_31_march_by_characteristics' (CLA on 31 March by characteristics - LA), "
           f"group '{{}}': '{{}}' as a share of its 'Total' (all children looked after on 31 March, short breaks "
           f"excluded); codes as in the {GUIDE_903}; counted here at any month end. Unrated, polarity T: context, "
           f"not a performance measure")
CHILDRENS_HOMES = ("K1", "K2")                  # secure children's homes; children's homes (regulated)
INDEPENDENT = ("H5", "K3", "P2", "P3")          # semi-independent (H5), supported accommodation (K3), independent
#                                                 living (P2) and residential employment (P3: the DfE's footnote,
#                                                 'Living independently includes children in residential employment')
PLACEMENT_TYPES = {"foster": FOSTER_PLACEMENTS, "adoption": ADOPTION_PLACEMENTS, "parents": ("P1",),
                   "childrens_homes": CHILDRENS_HOMES, "independent": INDEPENDENT}
PROVIDERS = {"own": ("PR1",), "other_la": ("PR2",), "private": ("PR4",), "voluntary": ("PR5",)}


def share_of_children_in_care(x: Extract, period, column: str, codes) -> object:
    """Children in care at the period end, counted when their current ``column`` is one of ``codes``."""
    return in_care_table(x, period).cases(None, x.in_care_on(period)[column].isin(codes))


def placed_elsewhere(x: Extract, period):
    """Children in care at the period end whose PLACE is in none of the named groups (blank included)."""
    named = [c for codes in PLACEMENT_TYPES.values() for c in codes]
    return in_care_table(x, period).cases(None, ~x.in_care_on(period)["PLACE"].isin(named))


def mix(ind_id, title, order, item, codes_text, group="Placement"):
    """The declaration shared by every share of the mix."""
    return indicator(id=ind_id, title=title, polarity="T", measure_type="SS", unit="%",
                     numerator=f"children in care at the period end {codes_text}",
                     denominator="children in care at the period end", group="Placements", order=order,
                     rated=False, definition_source=DFE_MIX.format(group, item) + f"; codes: {codes_text}")


@mix("PLACE_FOSTER_PCT", "% of children in care in foster placements", 181, "Foster placements",
     "in foster placements (PLACE U1-U6)")
def in_foster_placements(x: Extract, period, window):
    return share_of_children_in_care(x, period, "PLACE", PLACEMENT_TYPES["foster"])


@mix("PLACE_ADOPTION_PCT", "% of children in care placed for adoption", 182, "Placed for adoption",
     "placed for adoption (PLACE A3-A6)")
def placed_for_adoption(x: Extract, period, window):
    return share_of_children_in_care(x, period, "PLACE", PLACEMENT_TYPES["adoption"])


@mix("PLACE_PARENTS_PCT", "% of children in care placed with parents", 183,
     "Placed with parents or other person with parental responsibility",
     "placed with parents or others with parental responsibility (PLACE P1)")
def placed_with_parents(x: Extract, period, window):
    return share_of_children_in_care(x, period, "PLACE", PLACEMENT_TYPES["parents"])


@mix("PLACE_CHILDRENS_HOMES_PCT", "% of children in care in secure or children's homes", 184,
     "Secure homes and children's homes", "in secure children's homes or children's homes (PLACE K1, K2)")
def in_childrens_homes(x: Extract, period, window):
    return share_of_children_in_care(x, period, "PLACE", PLACEMENT_TYPES["childrens_homes"])


@mix("PLACE_INDEPENDENT_PCT", "% of children in care in independent or semi-independent living", 185,
     "Independent and semi-independent living arrangements/supported accommodation",
     "in semi-independent or supported accommodation or living independently (PLACE H5, K3, P2, P3; releases "
     "before 2024 counted H5 under 'Secure units, children's homes and semi-independent living accommodation' and "
     "P2/P3 under 'Other placements in the community'; the 2024 release republished 2020 on in today's groups)")
def in_independent_living(x: Extract, period, window):
    return share_of_children_in_care(x, period, "PLACE", PLACEMENT_TYPES["independent"])


@mix("PLACE_OTHER_PCT", "% of children in care in other placements", 186,
     "Other residential settings', 'Residential schools' and 'Other placements",
     "in any other placement: other residential settings (R1, R2, R3, R5), residential schools (S1), temporary "
     "(T0-T4) and other placements (Z1, Z11-Z14), or PLACE blank")
def in_other_placements(x: Extract, period, window):
    return placed_elsewhere(x, period)


def provider_share(ind_id: str, title: str, order: int, published_label: str, provider: str, words: str) -> None:
    """Declare the share of children in care placed with one kind of provider (its PLACE_PROVIDER codes in
    ``PROVIDERS[provider]``), as the DfE's 'Place providers' group publishes it."""
    def count(x: Extract, period, window):
        return share_of_children_in_care(x, period, "PLACE_PROVIDER", PROVIDERS[provider])
    codes = ", ".join(PROVIDERS[provider])
    mix(ind_id, title, order, published_label, f"placed in {words} (provider code {codes})", group="Place providers")(count)


provider_share("PROVIDER_OWN_PCT", "% of children in care placed in the authority's own provision", 191,
               "Own provision (by the LA)", "own", "own provision")
provider_share("PROVIDER_OTHER_LA_PCT", "% of children in care placed in another authority's provision", 192,
               "Other LA provision", "other_la", "another local authority's provision")
provider_share("PROVIDER_PRIVATE_PCT", "% of children in care placed in private provision", 193, "Private provision",
               "private", "private provision")
provider_share("PROVIDER_VOLUNTARY_PCT", "% of children in care placed in voluntary or third-sector provision", 194,
               "Voluntary/third sector provision", "voluntary", "voluntary or third-sector provision")
