import pandas as pd
import pytest

from cicanalysis import CicError
from cicanalysis.core import periods as P

T = pd.Timestamp


def test_month_end_accepts_iso_and_dfe_dates_and_refuses_other_days():
    assert P.month_end("2015-09-30") == T("2015-09-30")
    assert P.month_end("30/09/2015") == T("2015-09-30")
    with pytest.raises(CicError, match="not a month end"):
        P.month_end("2015-09-29")
    with pytest.raises(CicError, match="not a date"):
        P.month_end("2015-02-31")


def test_financial_year_and_outturn():
    assert P.financial_year_label("2015-03-31") == "2014-15"
    assert P.financial_year_label("2015-04-01") == "2015-16"
    assert P.outturn_date("2015-11-30") == T("2015-03-31")
    assert P.outturn_date("2016-03-31") == T("2015-03-31")  # the previous 31 March, a year before
    assert P.outturn_date("2015-04-30") == T("2015-03-31")


def test_ytd_window_restarts_in_april():
    assert P.ytd_window("2015-03-31") == P.Window(T("2014-04-01"), T("2015-03-31"))
    assert P.ytd_window("2015-04-30") == P.Window(T("2015-04-01"), T("2015-04-30"))


def test_r12m_window_spans_the_financial_year_boundary():
    assert P.r12m_window("2015-11-30") == P.Window(T("2014-12-01"), T("2015-11-30"))
    assert P.r12m_window("2016-02-29") == P.Window(T("2015-03-01"), T("2016-02-29"))
    assert P.rolling_years_window("2016-03-31", 3) == P.Window(T("2013-04-01"), T("2016-03-31"))


def test_quarters():
    assert P.quarter_label("2015-12-31") == "Q3 2015-16"
    assert P.quarter_label("2016-03-31") == "Q4 2015-16"
    assert P.is_quarter_end("2015-09-30") and not P.is_quarter_end("2015-10-31")


def test_working_days_skip_the_early_may_bank_holiday():
    # Fri 1 May 2015 -> Tue 5 May 2015: Mon 4 May was a bank holiday, so 1 working day
    assert P.working_days_between("2015-05-01", "2015-05-05") == 1
    # Thu 24 Dec 2015 -> Tue 29 Dec 2015: 25 Dec and Mon 28 Dec (Boxing Day substitute) are holidays
    assert P.working_days_between("2015-12-24", "2015-12-29") == 1
    assert P.add_working_days(T("2015-05-01"), 3) == T("2015-05-07")
    # a return on a Saturday: 3 working days later is the Wednesday
    assert P.add_working_days(T("2015-05-09"), 3) == T("2015-05-13")


def test_working_days_on_series_with_blanks():
    s = pd.Series(pd.to_datetime(["2015-05-01", None]))
    e = pd.Series(pd.to_datetime(["2015-05-07", "2015-05-07"]))
    out = P.working_days_between(s, e)
    assert out.iloc[0] == 3 and pd.isna(out.iloc[1])
