"""Cloud and shadow masks from a product's own quality band (Sen2Cor SCL, Landsat QA_PIXEL/BQA, HLS Fmask) or mask file
(also PlanetScope UDM2 and Sentinel-2 L1C MSK_CLASSI, one flag band per class).

Level-2 products ship the producer's cloud mask beside the bands (made with the thermal band, several dates or the
full product's context that a stack of reflectance bands no longer has). When a raster carries such a band, named
by its description, it is decoded per product (``models/quality_bands.json``) and used as the cloud/shadow mask in
place of the ukis-csmask network: per pixel, at any pixel size, also on values that are not calibrated reflectance.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
from rasterio.enums import Resampling

from .catalog import load_json
from .errors import InputError
from .messages import t

ROLE = "qa"
"""The role a quality band is read under (raw values, never scaled)."""


def products() -> dict[str, dict]:
    """The quality-band products by key (models/quality_bands.json)."""
    return load_json("quality_bands.json")["products"]


@dataclass(frozen=True)
class QualityBand:
    """A raster band holding a product's cloud mask: its 1-based index, description and product key (for a product
    with one flag band per class, the first of them: :meth:`read_bands`)."""

    band: int
    description: str
    product: str

    @property
    def spec(self) -> dict:
        return products()[self.product]

    def read_bands(self) -> list[int]:
        """The bands to read: this band, or every flag band of the product (packed into one code: :func:`pack_flags`)."""
        if self.spec["encoding"] != "flag_bands":
            return [self.band]
        return sorted(set(self.spec.get("cloud_bands", []) + self.spec.get("shadow_bands", [])))

    def label(self) -> str:
        """'b8 QA_Fmask (HLS Fmask)' for explanations (a flag-band file by its name alone)."""
        where = self.description if self.spec["encoding"] == "flag_bands" else f"b{self.band} {self.description}"
        return f"{where} ({t(self.spec['label'])})"


def description_names(desc: str) -> list[str]:
    """A band description and, when it has one, its name before a comma: GDAL's Sentinel-2 driver describes the L2A
    scene classification as 'SCL, Scene Classification' (and bands as 'B4, central wavelength 665 nm')."""
    name = desc.strip().lower()
    head = name.split(",")[0].strip()
    return [name, head] if head and head != name else [name] if name else []


def names_quality(desc: str, patterns: list[str]) -> bool:
    """Whether a band description (or its name before a comma) matches one of the patterns."""
    return any(re.fullmatch(p, n) for n in description_names(desc) for p in patterns)


def find_quality_band(descriptions: tuple[str, ...], dtypes: tuple[str, ...], used: set[int]) -> Optional[QualityBand]:
    """The first band that no role reads and whose description names a known quality product, or None (a float band
    counts when its values are whole codes, as in exports that cast every band to one type: :func:`looks_resampled`)."""
    for i, desc in enumerate(descriptions, start=1):
        if i in used or not desc.strip() or np.dtype(dtypes[i - 1]).kind not in "iuf":
            continue
        for key, spec in products().items():
            if names_quality(desc, spec["patterns"]):
                return QualityBand(i, desc.strip(), key)
    return None


def read_raw(src, q: QualityBand, window, grid=None, out_shape: Optional[tuple[int, int]] = None) -> tuple[np.ndarray, np.ndarray]:
    """A quality band's raw values (NaN without data) and where it has data: a window of its raster, resampled to
    ``out_shape`` or warped onto another ``grid``, always by nearest neighbour (classes and bits are never averaged)."""
    bands = q.read_bands()
    if getattr(src, "zero_fill", False):  # a code 0 is the band's value (SCL no data, Fmask clear), not imagery's collar fill
        src = replace(src, zero_fill=False)
    if grid is not None:
        data = src.read_on_grid(grid, window=window, bands=bands, resampling=Resampling.nearest)
    else:
        data = src.read(window=window, bands=bands, out_shape=out_shape, resampling=Resampling.nearest)
    ok = ~np.ma.getmaskarray(data).any(axis=0)
    values = np.asarray(data.data, np.float32)
    raw = values[0] if len(bands) == 1 else pack_flags(values)
    return np.where(ok, raw, np.float32(np.nan)), ok


def pack_flags(flags: np.ndarray) -> np.ndarray:
    """(n, h, w) flag bands (non-zero: set) as one code per pixel, bit j for the j-th band read."""
    code = np.zeros(flags.shape[1:], np.float32)
    for j, f in enumerate(flags):
        code += np.float32(1 << j) * (f > 0)
    return code


_CHECKED: dict = {}


def mask_file(src) -> QualityBand:
    """The quality band of a product's mask file given on its own (the cloud mask input), checked to hold the product's
    codes: raises InputError when it names no known product (:func:`identify_mask`) or looks resampled."""
    q = identify_mask(src)
    why = looks_resampled(q, sample_codes(src, q))
    if why:
        raise InputError(t("'{name}' cannot be the cloud mask: {why}.", name=os.path.basename(src.path), why=why),
                         t("Give the product's original mask file, or resample it by nearest neighbour."))
    return q


def identify_mask(src) -> QualityBand:
    """The product a mask file is, by its band descriptions or its file name and band count (no pixel is read: the dock
    says it when the file is picked); raises InputError when it names none."""
    name = os.path.basename(src.path)
    q = find_quality_band(tuple(src.descriptions), tuple(src.dtypes), set())
    if q is None and np.dtype(src.dtypes[0]).kind in "iuf":
        key = next((k for k, spec in products().items() if src.count == spec.get("band_count", 1)
                    and any(re.fullmatch(p, name.lower()) for p in spec.get("file_patterns", []))), None)
        q = QualityBand(1, name, key) if key else None
    if q is None:
        raise InputError(t("'{name}' is not a cloud mask TerraPrompt can read: neither its band descriptions nor its file name "
                           "name a product mask ({products}).", name=name, products=", ".join(
                               t(spec["label"]) for spec in products().values())),
                         t("Give the product's mask file as delivered (e.g. T31UFQ_20230612T105031_SCL_20m.jp2, "
                           "LC09_..._QA_PIXEL.TIF, HLS.S30....Fmask.tif), or leave the cloud mask empty."))
    return q


def quality_band_of(src, used: set[int]) -> tuple[Optional[QualityBand], str]:
    """The quality band the raster's band descriptions name (None when none) and why it cannot be used: its values show
    it was resampled with averaging ('' when it holds the product's codes)."""
    q = find_quality_band(tuple(src.descriptions), tuple(src.dtypes), used)
    if q is None:
        return None, ""
    key = (src.path, q.band, src.width, src.height)
    if key not in _CHECKED:
        _CHECKED[key] = looks_resampled(q, sample_codes(src, q))
    return q, _CHECKED[key]


def sample_codes(src, q: QualityBand, grid: int = 4, patch: int = 64) -> np.ndarray:
    """Distinct values of a quality band in full-resolution patches spread over the raster (overviews of a mask are
    often averaged, so they are not read)."""
    from rasterio.windows import Window

    values = set()
    for i in range(grid):
        for j in range(grid):
            r, c = int((i + 0.5) * src.height / grid), int((j + 0.5) * src.width / grid)
            c0, r0 = max(0, min(c - patch // 2, src.width - patch)), max(0, min(r - patch // 2, src.height - patch))
            w = Window(c0, r0, min(patch, src.width - c0), min(patch, src.height - r0))
            raw, ok = read_raw(src, q, w)
            values.update(np.unique(raw[ok]).tolist())
    return np.array(sorted(values), np.float64)


def looks_resampled(q: QualityBand, codes: np.ndarray) -> str:
    """Why a quality band's values cannot be the product's codes (resampled with averaging), or ''."""
    spec = q.spec
    broken = codes[codes != np.round(codes)]
    if broken.size:
        return t("values that are not whole codes (e.g. {value})", value=f"{broken[0]:g}")
    if codes.size and codes.min() < 0:
        return t("negative values (e.g. {value})", value=f"{codes.min():g}")
    if "max_value" in spec and codes.size and codes.max() > spec["max_value"]:
        return t("values up to {value}, beyond the product's classes 0-{max}", value=f"{codes.max():g}", max=spec["max_value"])
    if "max_codes" in spec and codes.size > spec["max_codes"]:
        return t("{count} different values, where the product writes a few dozen codes", count=codes.size)
    return ""


def _any_bit(values: np.ndarray, bits: list[int]) -> np.ndarray:
    """Pixels with any of the bits set."""
    mask = 0
    for b in bits:
        mask |= 1 << int(b)
    return (values & mask) != 0 if mask else np.zeros(values.shape, bool)


def _fields(values: np.ndarray, fields: list[list[int]]) -> np.ndarray:
    """Pixels where any (shift, width, min) bit field is at least its minimum (e.g. a 'high confidence' code)."""
    out = np.zeros(values.shape, bool)
    for shift, width, low in fields:
        out |= ((values >> int(shift)) & ((1 << int(width)) - 1)) >= int(low)
    return out


def decode(q: QualityBand, raw: np.ndarray, valid: Optional[np.ndarray] = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(cloud, shadow, fill) boolean masks of a quality band's raw values; fill also where ``valid`` is False or not finite."""
    spec = q.spec
    finite = np.isfinite(raw)
    v = np.where(finite, raw, 0).astype(np.int64)
    if spec["encoding"] == "classes":
        cloud, shadow = np.isin(v, spec["cloud"]), np.isin(v, spec["shadow"])
    elif spec["encoding"] == "flag_bands":  # bit j: the j-th band of read_bands() is set
        order = q.read_bands()
        cloud = _any_bit(v, [order.index(b) for b in spec.get("cloud_bands", [])])
        shadow = _any_bit(v, [order.index(b) for b in spec.get("shadow_bands", [])])
    else:
        cloud, shadow = _any_bit(v, spec.get("cloud", [])), _any_bit(v, spec.get("shadow", []))
        cloud |= _fields(v, spec.get("cloud_fields", []))
        shadow |= _fields(v, spec.get("shadow_fields", []))
    fill = ~finite | np.isin(v, spec.get("fill", [])) | _any_bit(v, spec.get("fill_bits", []))
    if valid is not None:
        fill |= ~valid
    shadow &= ~cloud
    return cloud & ~fill, shadow & ~fill, fill


class QualityMasker:
    """Cloud / shadow 'probabilities' (0 or 1) from a quality band, with the cloud network's interface."""

    per_pixel = True
    device_report = None

    def __init__(self, quality: QualityBand) -> None:
        self.quality = quality
        self.bands = (ROLE,)

    def describe(self) -> str:
        """One line for explanations."""
        return t("the product's quality band {band}: {what}", band=self.quality.label(), what=t(self.quality.spec["what"]))

    def probabilities(self, bands: dict[str, np.ndarray], valid: np.ndarray) -> np.ndarray:
        """(3, h, w) clear, cloud and shadow as 0/1 (clear where the quality band has no value)."""
        cloud, shadow, _ = decode(self.quality, bands[ROLE], valid)
        out = np.zeros((3, *cloud.shape), np.float32)
        out[1], out[2] = cloud, shadow
        out[0] = ~(cloud | shadow)
        return out

    def cloudy(self, raw: np.ndarray, valid: np.ndarray) -> np.ndarray:
        """Pixels the band calls cloud or cloud shadow."""
        cloud, shadow, _ = decode(self.quality, raw, valid)
        return cloud | shadow


PARTIAL_ROLES = frozenset({"vv", "vh", "height"})
"""Bands of the other rasters (SAR_INPUT, DSM_INPUT), which a product's fill codes say nothing about."""


def fill_codes(q: QualityBand, raw: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Pixels whose quality band holds one of the product's fill codes (SCL 0 no data and 1 saturated or defective, HLS
    Fmask 255, Landsat fill bit): the product has no usable value there. Not where the quality band itself has no value
    (a mask file covering part of INPUT leaves the rest clear, as before)."""
    return decode(q, raw)[2] & np.isfinite(raw) & valid


def drop_fill(bs, q: Optional[QualityBand]):
    """The BandSet with the product's fill pixels made nodata in INPUT's bands (SAR and DSM bands keep their data: SAR
    fused with the optical evidence may decide there alone); the BandSet itself when there are none."""
    if q is None or ROLE not in bs.bands:
        return bs
    fill = fill_codes(q, bs.bands[ROLE], bs.valid_for([ROLE]))
    return without_input(bs, fill) if fill.any() else bs


def without_input(bs, gone: np.ndarray):
    """The BandSet with INPUT's bands made nodata at the ``gone`` pixels (SAR and DSM bands keep their data)."""
    role_valid = dict(bs.role_valid)
    for role in bs.bands:
        if role != ROLE and role not in PARTIAL_ROLES:
            role_valid[role] = role_valid.get(role, bs.valid) & ~gone
    return replace(bs, valid=bs.valid & ~gone, role_valid=role_valid)


def saturation_level(dtype: str) -> Optional[float]:
    """The largest value an integer data type holds (255 for 8-bit), where a clipped or stretched band saturates; None
    for floating-point bands, which have no such ceiling."""
    kind = np.dtype(dtype).kind
    return float(np.iinfo(np.dtype(dtype)).max) if kind in "ui" else None


def saturated_raw(values: np.ndarray, dtypes: list[str]) -> np.ndarray:
    """Pixels of (bands, rows, cols) raw values, read from bands of ``dtypes``, at their data type's largest value
    (:func:`saturation_level`) in every band: no measurement, as :func:`saturated` tells them from a band set; none when
    a band is floating-point (no ceiling) or none is given."""
    tops = [saturation_level(d) for d in dtypes]
    if not tops or None in tops:
        return np.zeros(values.shape[1:], bool)
    return np.all([values[i] == np.float32(top) for i, top in enumerate(tops)], axis=0)


def saturated(bs, levels: dict[str, float]) -> np.ndarray:
    """Pixels at their saturation level in every band of ``levels`` (role -> the level's value as read), where those
    bands are valid: no measurement (an 8-bit true-colour product clips bright surfaces at 255 in every band)."""
    roles = [r for r in levels if r in bs.bands]
    if not roles:
        return np.zeros(bs.valid.shape, bool)
    out = bs.valid_for(roles)
    for r in roles:
        out &= bs.bands[r] == np.float32(levels[r])
    return out


def drop_saturated(bs, levels: dict[str, float]):
    """The BandSet with the pixels saturated in every band of ``levels`` made nodata in INPUT's bands (as the product's
    fill codes are: :func:`drop_fill`), and those pixels."""
    sat = saturated(bs, levels)
    return (without_input(bs, sat) if sat.any() else bs), sat


class FillDrop:
    """:func:`drop_fill` for one engine, once per band set: its scores and decidable read the same tile, whose fill codes
    are then decoded once (the last band set and its result are kept)."""

    def __init__(self) -> None:
        self._last: Optional[tuple] = None

    def __call__(self, bs, q: Optional[QualityBand]):
        """:func:`drop_fill` of ``bs``; the kept result when ``bs`` and ``q`` are the last call's."""
        last = self._last
        if last is None or last[0] is not bs or last[1] is not q:
            last = self._last = (bs, q, drop_fill(bs, q))
        return last[2]
