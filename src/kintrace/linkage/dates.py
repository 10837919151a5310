"""Birth dates as integer feature columns, by precision (no dialect-specific date SQL).

A full date gives every column; a year-month gives `birth_ym` and the year; a year gives the year;
an age observed on a date gives only the range of birth years it allows.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_EPOCH = np.datetime64("1970-01-01", "D")


def date_columns(
    year: pd.Series,
    month: pd.Series,
    day: pd.Series,
    *,
    age: pd.Series | None = None,
    observed_year: pd.Series | None = None,
) -> pd.DataFrame:
    """The birth-date feature columns (nullable Int64) from parsed parts.

    `year`/`month`/`day` are nullable integers (missing parts stay missing); `age` in whole years
    at `observed_year` turns into the two birth years it allows.
    """
    year = pd.to_numeric(year, errors="coerce").astype("Int64")
    month = pd.to_numeric(month, errors="coerce").astype("Int64")
    day = pd.to_numeric(day, errors="coerce").astype("Int64")
    month = month.where(year.notna())
    day = day.where(month.notna())
    out = pd.DataFrame(index=year.index)
    out["birth_year"] = year
    out["birth_month"] = month
    out["birth_day"] = day
    out["birth_ym"] = (year * 12 + month - 1).astype("Int64")
    full = day.notna()
    days = pd.Series(pd.NA, index=year.index, dtype="Int64")
    if full.any():
        text = (
            year[full].astype(str)
            + "-"
            + month[full].astype(str).str.zfill(2)
            + "-"
            + day[full].astype(str).str.zfill(2)
        )
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        values = (parsed.to_numpy(dtype="datetime64[D]") - _EPOCH).astype("int64")
        days.loc[full] = np.where(parsed.isna().to_numpy(), pd.NA, values)
    out["birth_days"] = days.astype("Int64")
    year_min = year.copy()
    year_max = year.copy()
    if age is not None and observed_year is not None:
        age = pd.to_numeric(age, errors="coerce").astype("Int64")
        observed_year = pd.to_numeric(observed_year, errors="coerce").astype("Int64")
        from_age = year.isna() & age.notna() & observed_year.notna()
        year_min = year_min.where(~from_age, observed_year - age - 1)
        year_max = year_max.where(~from_age, observed_year - age)
    out["birth_year_min"] = year_min.astype("Int64")
    out["birth_year_max"] = year_max.astype("Int64")
    return out
