"""Groups of a corpus to measure: values of article columns and periods of the date.

A group is every article sharing the values of the ``by`` columns: any column of the
article table (``source``, ``speaker``, ``party``, ``genre``, ``speaker_country``, ...) and
the periods ``year``, ``quarter`` and ``month`` of ``date``. Dates are read as written
(``2022-03-30``, ``2022-09``, ``2022``, or anything pandas parses); an article whose date is
empty, cannot be parsed, or is too coarse for the period (``2022`` has no quarter) is never
put in a period: it is counted under a period value that says why (:data:`NO_DATE`,
:data:`BAD_DATE`, :data:`COARSE_DATE`), reported without an estimate.
"""

import re

import pandas as pd

from ..errors import StanceInputError

PERIODS = ("year", "quarter", "month")
NO_DATE = "(no date)"
BAD_DATE = "(unparseable date)"
COARSE_DATE = "(date without {period})"
NO_VALUE = "(none)"
# Columns that are not categories to group by.
NOT_GROUPS = ("text", "article_id", "title", "url")
_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^\d{4}-\d{1,2}$")


def group_columns(articles):
    """The names ``by`` accepts for an article table: its category columns, then the periods."""
    columns = [c for c in articles.columns if c not in NOT_GROUPS]
    # A period is read from ``date``; a table with a column of that name (labels partitioned by year) has it already.
    return columns + [p for p in PERIODS if p not in columns and "date" in articles.columns]


def parse_by(by, articles, source="corpus"):
    """Check ``by`` (a list, or a comma-separated string) against ``articles``; return the list.

    Raises
    ------
    StanceInputError
        One line naming the unknown column and the columns there are.
    """
    names = [b.strip() for b in by.split(",")] if isinstance(by, str) else [str(b).strip() for b in by]
    names = [n for n in names if n]
    if not names:
        raise StanceInputError(source, f"nothing to group by; columns: {', '.join(group_columns(articles))}")
    allowed = group_columns(articles)
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise StanceInputError(source, f"no column {unknown[0]!r} to group by; columns: {', '.join(allowed)}")
    if len(set(names)) < len(names):
        raise StanceInputError(source, f"a column is named twice in {', '.join(names)}")
    return names


def date_periods(dates):
    """Year, quarter and month of each date string, or why there is none.

    Returns
    -------
    pandas.DataFrame
        Columns ``year`` (``2022``), ``quarter`` (``2022Q3``), ``month`` (``2022-09``) and
        ``date_problem`` (``''``, ``missing`` or ``unparseable``); a period the date does not
        give (a bare year has no quarter) holds :data:`COARSE_DATE`, a missing date
        :data:`NO_DATE`, an unparseable one :data:`BAD_DATE`.
    """
    text = pd.Series(dates, dtype=str).fillna("").str.strip()
    # The calendar date as written: "2022-03-31T23:00-05:00" is in March, not in UTC's April.
    day = text.str.extract(r"^(\d{4}-\d{1,2}-\d{1,2})(?:[T ].*)?$", expand=False)
    parsed = pd.to_datetime(day.fillna(text).where(text != ""), errors="coerce", format="mixed", utc=True)
    year_only = text.str.match(_YEAR)
    month_only = text.str.match(_MONTH)
    parsed = parsed.where(~year_only, pd.to_datetime(text.where(year_only) + "-01-01", errors="coerce", utc=True))
    parsed = parsed.where(~month_only, pd.to_datetime(text.where(month_only) + "-01", errors="coerce", format="mixed", utc=True))
    problem = pd.Series("", index=text.index)
    problem[text == ""] = "missing"
    problem[(text != "") & parsed.isna()] = "unparseable"
    naive = parsed.dt.tz_localize(None)
    frame = pd.DataFrame({
        "year": naive.dt.year.astype("Int64").astype(str),
        "quarter": naive.dt.to_period("Q").astype(str),
        "month": naive.dt.to_period("M").astype(str),
    }, index=text.index)
    frame.loc[year_only, ["quarter", "month"]] = [COARSE_DATE.format(period="quarter"), COARSE_DATE.format(period="month")]
    frame.loc[problem == "missing", list(PERIODS)] = NO_DATE
    frame.loc[problem == "unparseable", list(PERIODS)] = BAD_DATE
    frame["date_problem"] = problem
    return frame


def date_period_names(by, articles):
    """The names of ``by`` read as periods of ``date`` (a table with a column of that name, such as
    labels partitioned by ``year``, has the value already)."""
    return [b for b in by if b in PERIODS and b not in articles.columns]


def article_groups(articles, by):
    """The group values of every article: ``article_id``, one column per name of ``by`` (text),
    and ``usable`` (False where a period of ``by`` could not be read from the date)."""
    frame = articles[["article_id"]].copy()
    dated = date_period_names(by, articles)
    periods = date_periods(articles["date"]) if dated else None
    usable = pd.Series(True, index=articles.index)
    for name in by:
        if name in dated:
            values = periods[name]
            usable &= ~values.str.startswith("(")
        else:
            values = articles[name].fillna("").astype(str).str.strip().replace("", NO_VALUE)
        frame[name] = values
    frame["usable"] = usable.to_numpy()
    return frame


def date_report(articles, periods=()):
    """Counts of articles whose date is missing, cannot be parsed, or (for each of ``periods``) does not give
    that period (a bare year has no quarter), with an example of each; keyed by the group it is reported under."""
    found = date_periods(articles["date"])
    groups = [(NO_DATE, found["date_problem"] == "missing"), (BAD_DATE, found["date_problem"] == "unparseable")]
    groups += [(COARSE_DATE.format(period=p), found[p] == COARSE_DATE.format(period=p)) for p in periods]
    report = {}
    for label, mask in groups:
        rows = articles["date"][mask]
        if len(rows):
            report[label] = {"articles": int(len(rows)), "example": str(rows.iloc[0])}
    return report
