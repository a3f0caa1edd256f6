"""A raster's acquisition date, for the change pair's order and season checks and the polygons' date fields.

Read from acquisition tags, a netCDF time step, product and file names, product-named folders, other date tags and an
OSCD-style dates.txt. The time a file was saved, processed or exported is no acquisition date; a name or tag whose date
cannot be told (several dates, or day and month that read both ways) gives none, with a note saying why and how to fix it.
"""
from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass
from functools import lru_cache

import rasterio

from ..catalog import load_json
from ..messages import t
from ..modalities import s2_product_name
from ..raster import RasterSource

_ACQUISITION_KEY = re.compile(r"ACQUI|SENS|DATATAKE|ACQ_|START|CAPTURE|OBSERV|IMAGING|SCENE_CENTER|DATETIME_?ORIGINAL")
_NOT_ACQUISITION_KEY = re.compile(r"TIFFTAG_DATETIME|^(EXIF_)?DATETIME$|FILE_DATE|#UNITS|PROCESS|GENERAT|CREAT|PRODUCTION|"
                                  r"PRODUCT_URI|EXPORT|MODIF|PUBLI|INGEST|ARCHIV")
"""Tag keys of when a file was written, not sensed: TIFFTAG_DATETIME and (EXIF_)DATETIME are the time a program saved
the file, FILE_DATE a Landsat product's processing time, '#units' a netCDF variable's 'days since 1970-01-01'."""
_EARTH_ENGINE_KEY = re.compile(r"SYSTEM[:_]TIME_(START|END)", re.I)
"""Earth Engine's image times, in milliseconds since 1970 whatever their number of digits (12 before September 2001).
system:time_start is the acquisition; system:time_end (a scene's same time, a composite's last day) is read only as
another date tag, when no acquisition tag, name or product folder gives the date."""
FIRST_YEAR = 1972
"""No earth observation image is older than Landsat 1 (1972): an earlier year is an epoch or a placeholder (1900, 0001)."""


@dataclass(frozen=True)
class AcquisitionDate:
    """A raster's acquisition date (YYYY-MM-DD, '' if unknown) and, when unknown, why a date it holds was not read."""

    date: str = ""
    note: str = ""


def guess_date(src: RasterSource) -> str:
    """Acquisition date (YYYY-MM-DD) of a raster, '' if unknown (:func:`read_date`)."""
    return read_date(src).date


def read_date(src: RasterSource) -> AcquisitionDate:
    """The acquisition date from an acquisition tag (default and IMAGERY domains, Earth Engine's system:time_start), a
    netCDF time, the file name, a Sentinel-2 product id around the file (:func:`s2_product_name`), a product-named parent
    folder, another date tag or an OSCD-style dates.txt; the time a file was saved or processed is no acquisition date (an
    export stamp of 2024 made a 2016 → 2018 pair read 'AFTER is older than BEFORE'), and a file name holding several
    dates, or a name or tag whose day and month read both ways, gives none, with a note."""
    tags = _dated_tags(src)
    acquired, acquired_note = _tag_date([(k, v) for k, v in tags if _ACQUISITION_KEY.search(k.upper())])
    other, other_note = _tag_date([(k, v) for k, v in tags if not _ACQUISITION_KEY.search(k.upper())])
    named, name_note = _name_date(os.path.basename(src.path))
    readers = (lambda: acquired, lambda: _netcdf_date(src.tags), lambda: named,
               lambda: _iso_compact(s2_product_name(src).date), lambda: _folder_date(src.path), lambda: other,
               lambda: _oscd_date(src.path))
    date = next(filter(None, (read() for read in readers)), "")
    return AcquisitionDate(date, "" if date else acquired_note or name_note or other_note)


def _dated_tags(src: RasterSource) -> list[tuple[str, object]]:
    """The tags (default and IMAGERY domains) that may hold the acquisition: keys naming a date, a time or a start
    (DATATAKE_1_DATATAKE_SENSING_START), not the time a file was written (:data:`_NOT_ACQUISITION_KEY`)."""
    items = [_colon_key(str(k), v) for k, v in {**_imagery_tags(src.path), **src.tags}.items()]
    return [(k, v) for k, v in items
            if re.search(r"DATE|TIME|START$", k.upper()) and not _NOT_ACQUISITION_KEY.search(k.upper())]


def _colon_key(key: str, value: object) -> tuple[str, object]:
    """A tag whose key held a colon, as it was written: GDAL splits 'system:time_start=1528185600000' at the colon into
    the key 'system' and the value 'time_start=1528185600000'."""
    m = re.fullmatch(r"([A-Za-z_]\w*)=(.*)", str(value), re.S)
    return (f"{key}:{m.group(1)}", m.group(2)) if m else (key, value)


def _imagery_tags(path: str) -> dict:
    """The dataset's IMAGERY metadata domain (ACQUISITIONDATETIME of Maxar, Pleiades, SPOT and Landsat products), {} when none."""
    try:
        with rasterio.open(path) as ds:
            return dict(ds.tags(ns="IMAGERY"))
    except (rasterio.errors.RasterioError, ValueError):  # a driver or layer source without that domain: no items
        return {}


def _oscd_date(path: str) -> str:
    """The date an OSCD-style dates.txt beside '<name>_t1.tif' / '_t2.tif' gives, '' for none."""
    t_ = re.search(r"_t([12])\.", os.path.basename(path))
    dates = os.path.join(os.path.dirname(path), "dates.txt")
    if not (t_ and os.path.exists(dates)):
        return ""
    with open(dates, encoding="utf-8", errors="ignore") as fh:
        for line in fh:
            m = re.match(rf"\s*date_{t_.group(1)}\s*:\s*(\d{{4}})(\d{{2}})(\d{{2}})", line)
            if m:
                return _iso(*m.groups())
    return ""


_DAY_OF_YEAR_NAMES = (
    re.compile(r"HLS\.[LS]30\.T\w{5}\.(\d{4})(\d{3})T\d{6}", re.I),  # HLS.L30.T30TXQ.2015259T105619
    re.compile(r"(?<![A-Za-z0-9])L[COTEM]\d{7}(\d{4})(\d{3})[A-Z]{3}\d{2}"),  # Landsat scene id LC81990292019045LGN00
)
"""Product names that give the acquisition as year and day of year (only these: any 7 digits are no date)."""
_PRODUCT_NAMES = (
    re.compile(r"(?<![A-Za-z0-9])L[COTEM]0\d_L\w{3}_\d{6}_(\d{4})(\d{2})(\d{2})_"),  # Landsat LC08_L2SP_193027_20200412_
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})T\d{6}"),  # Sentinel-1/2 _20200101T103321_ (the sensing time comes first)
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})_\d{6}(?!\d)"),  # Planet 20200101_103321
)
"""Product names whose date is the acquisition, whatever other dates (processing, export) the name holds."""
_MAXAR_NAME = re.compile(r"(?<![A-Za-z0-9])(\d{2})([A-Za-z]{3})(\d{2})\d{6}-[MPS]\d[A-Za-z]{2}")
"""Maxar/DigitalGlobe catalogue names, YYMMMDDhhmmss then the product: 18JUN05104521-M1BS-058123456010_01_P001."""


def _product_date(name: str) -> str:
    """The acquisition date a product name gives (:data:`_DAY_OF_YEAR_NAMES`, :data:`_PRODUCT_NAMES`,
    :data:`_MAXAR_NAME`), '' for none."""
    for pattern in _DAY_OF_YEAR_NAMES:
        m = pattern.search(name)
        if m and 1 <= int(m.group(2)) <= 366:
            day = _dt.date(int(m.group(1)), 1, 1) + _dt.timedelta(days=int(m.group(2)) - 1)
            if day.year == int(m.group(1)):
                return _plausible(day)
    for pattern in _PRODUCT_NAMES:
        for m in pattern.finditer(name):
            if _iso(*m.groups()):
                return _iso(*m.groups())
    return next(filter(None, (_maxar_date(*m.groups()) for m in _MAXAR_NAME.finditer(name))), "")


def _maxar_date(yy: str, month: str, dd: str) -> str:
    """The ISO date of a Maxar name's YY, English month abbreviation and DD, '' when these are no date (20th century
    for a year after this one: 99 is 1999)."""
    number = _month_numbers()[1].get(month.lower())
    if number is None:
        return ""
    year = 2000 + int(yy) if 2000 + int(yy) <= _dt.date.today().year else 1900 + int(yy)
    return _iso(str(year), str(number), dd)


@lru_cache(maxsize=None)
def _month_numbers() -> tuple[dict[str, int], dict[str, int]]:
    """Month numbers by month word of every language, and by English abbreviation (models/month_names.json)."""
    names = {k: v for k, v in load_json("month_names.json").items() if not k.startswith("_")}
    words = {word: i + 1 for months in names.values() for i, forms in enumerate(months) for word in forms}
    return words, {forms[0]: i + 1 for i, forms in enumerate(names["en"])}


@lru_cache(maxsize=None)
def _month_word_patterns() -> tuple[re.Pattern, ...]:
    """Dates written with a month word: year-month-day (2018Jun05), day-month-year (05_June_2018, 5 juin 2018) and
    month-day-year (June 5, 2018); the word ends where letters do, an abbreviation may take a dot."""
    words = "|".join(re.escape(w) for w in sorted(_month_numbers()[0], key=len, reverse=True))
    month, sep = rf"(?P<m>{words})(?![^\W\d_])\.?", r"[-_. ]?"
    return (re.compile(rf"(?<!\d)(?P<y>\d{{4}}){sep}{month}{sep}(?P<d>\d{{1,2}})(?!\d)", re.I),
            re.compile(rf"(?<![A-Za-z0-9])(?P<d>\d{{1,2}}){sep}{month}{sep}(?P<y>\d{{4}})(?!\d)", re.I),
            re.compile(rf"(?<![^\W\d_]){month}{sep}(?P<d>\d{{1,2}}),?{sep}(?P<y>\d{{4}})(?!\d)", re.I))


def _month_word_dates(text: str) -> list[str]:
    """The valid, plausible dates written with a month word in a text (:func:`_month_word_patterns`)."""
    words = _month_numbers()[0]
    found = (_iso(m["y"], str(words[m["m"].lower()]), m["d"]) for p in _month_word_patterns() for m in p.finditer(text))
    return list(dict.fromkeys(filter(None, found)))


def _day_month_dates(text: str) -> list[tuple[str, list[str]]]:
    """Each DD-MM-YYYY date (separated by '-', '.', '_' or '/') in a text with its valid, plausible readings: one when
    the day is over 12, equals the month or only the month-first (US) order is valid; two, day first then month first,
    when both orders are valid dates (05-06-2018: 5 June or May 6)."""
    found = []
    for m in re.finditer(r"(?<![A-Za-z0-9])(\d{1,2})([-._/])(\d{1,2})\2(\d{4})(?!\d)", text):
        first, second, year = m.group(1), m.group(3), m.group(4)
        readings = list(dict.fromkeys(filter(None, (_iso(year, second, first), _iso(year, first, second)))))
        if readings:
            found.append((m.group(0), readings))
    return found


def _name_date(name: str) -> tuple[str, str]:
    """The acquisition date in a file name and, when none, why: a product name's (:func:`_product_date`), else its only
    valid date (YYYYMMDD, YYYY-MM-DD, YYYY_MM_DD, DD-MM-YYYY, a month word; an invalid one such as 2003-13-45, a future
    one or one before 1972 is none); ('', a note) when its day and month read both ways or it holds several dates (an
    export stamp beside the acquisition)."""
    found = _product_date(name)
    if found:
        return found, ""
    day_month = _day_month_dates(name)
    both_ways = next(((text, readings) for text, readings in day_month if len(readings) == 2), None)
    if both_ways:
        return "", t("the file name {name} holds {text}, which reads as {day_first} (day first) or {month_first} (month "
                     "first): date unknown; rename the file with its date written YYYY-MM-DD", name=name,
                     text=both_ways[0], day_first=both_ways[1][0], month_first=both_ways[1][1])
    iso = (_iso(m.group(1), m.group(3), m.group(4)) for m in
           re.finditer(r"(?<!\d)(\d{4})([-_]?)(\d{2})\2(\d{2})(?!\d)", name))
    dates = list(dict.fromkeys(filter(None, [*iso, *(r[0] for _, r in day_month), *_month_word_dates(name)])))
    if len(dates) < 2:
        return (dates[0] if dates else ""), ""
    return "", t("the file name {name} holds several dates ({dates}) and no product name says which is the "
                 "acquisition: date unknown", name=name, dates=", ".join(dates))


def _folder_date(path: str) -> str:
    """The acquisition date a product-named parent folder gives (…/LC08_L2SP_193027_20200412_…/SR_B4.tif, a .SAFE's
    GRANULE/…/IMG_DATA, Earth Search's …/S2B_33UVP_20230612_0_L2A/B04.tif), '' for none."""
    earth_search = load_json("modalities.json")["sentinel2_band_files"]["folder_product"]  # S2B_33UVP_20230612_0_L2A
    folder = os.path.dirname(os.path.abspath(path))
    for _ in range(4):
        m = re.fullmatch(earth_search, os.path.basename(folder), re.I)
        found = _product_date(os.path.basename(folder)) or (_iso_compact(m.group(1)) if m else "")
        if found:
            return found
        folder = os.path.dirname(folder)
    return ""


def _tag_date(items: list[tuple[str, object]]) -> tuple[str, str]:
    """The first date (YYYY-MM-DD) among tags (key, value) and, when none, why the first tag whose date cannot be told
    was not read (:func:`_value_date`)."""
    note = ""
    for key, value in items:
        found, why = _value_date(key, str(value).strip())
        if found:
            return found, ""
        note = note or why
    return "", note


def _value_date(key: str, text: str) -> tuple[str, str]:
    """The date a tag's value gives and, when its day and month read both ways (05/06/2018), '' and a note: Unix
    timestamps of 10 (s) or 13 (ms) digits and Earth Engine's milliseconds (:data:`_EARTH_ENGINE_KEY`) are read as such,
    a netCDF 'days since 1970-01-01' is no date; YYYY-MM-DD, then DD/MM/YYYY, then a month word."""
    if re.search(r"\bsince\b", text, re.I):
        return "", ""
    if _EARTH_ENGINE_KEY.fullmatch(key) and re.fullmatch(r"-?\d+", text):
        return _epoch_date(int(text) / 1000), ""
    if re.fullmatch(r"\d{10}|\d{13}", text):
        return _epoch_date(int(text) / (1000 if len(text) == 13 else 1)), ""
    m = re.search(r"(?<!\d)(\d{4})([-:/]?)(\d{2})\2(\d{2})(?!\d)", text)
    if m and _iso(m.group(1), m.group(3), m.group(4)):
        return _iso(m.group(1), m.group(3), m.group(4)), ""
    day_month = _day_month_dates(text)
    if day_month and len(day_month[0][1]) == 2:
        return "", t("the tag {key} = {value} reads as {day_first} (day first) or {month_first} (month first): date "
                     "unknown; write the date as YYYY-MM-DD (gdal_edit.py -mo {key}=YYYY-MM-DD)", key=key, value=text,
                     day_first=day_month[0][1][0], month_first=day_month[0][1][1])
    return (day_month[0][1][0] if day_month else next(iter(_month_word_dates(text)), "")), ""


def _epoch_date(seconds: float) -> str:
    """The UTC date of a Unix timestamp, '' when implausible."""
    try:
        day = _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).date()
    except (OverflowError, OSError, ValueError):
        return ""
    return _plausible(day)


def _netcdf_date(tags: dict) -> str:
    """The date of a netCDF's one time step ('NETCDF_DIM_time_VALUES' = '{18262}', 'time#units' = 'days since
    1970-01-01'), '' for none or several."""
    units = re.match(r"\s*(days|hours|minutes|seconds) since (\d{4})-(\d{1,2})-(\d{1,2})", str(tags.get("time#units", "")))
    value = re.fullmatch(r"\{?\s*(-?\d+(\.\d*)?)\s*\}?", str(tags.get("NETCDF_DIM_time_VALUES", "")).strip())
    if not (units and value):
        return ""
    try:
        day = _dt.datetime(*map(int, units.group(2, 3, 4))) + _dt.timedelta(**{units.group(1): float(value.group(1))})
    except (OverflowError, ValueError):
        return ""
    return _plausible(day.date())


def _iso(y: str, m: str, d: str) -> str:
    """The ISO date of year, month and day, '' when invalid, before :data:`FIRST_YEAR` or in the future."""
    try:
        day = _dt.date(int(y), int(m), int(d))
    except ValueError:
        return ""
    return _plausible(day)


def _plausible(day: _dt.date) -> str:
    """The ISO date of a day, '' before :data:`FIRST_YEAR` or in the future."""
    return day.isoformat() if FIRST_YEAR <= day.year and day <= _dt.date.today() else ""


def _iso_compact(yyyymmdd: str) -> str:
    """The ISO date of 'YYYYMMDD', '' when empty or invalid."""
    return _iso(yyyymmdd[:4], yyyymmdd[4:6], yyyymmdd[6:]) if len(yyyymmdd) == 8 else ""
