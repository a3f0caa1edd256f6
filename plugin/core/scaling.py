"""Scaling raw values to physical ones: DN → reflectance, SAR → dB, heights in metres.

The parameters are fitted once per raster from a decimated sample (overviews
when present), never from a full read, and then applied tile by tile.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from typing import Optional

import numpy as np
import rasterio
from rasterio.errors import RasterioError

from .errors import InputError
from .landcover.indices import void_heights, zero_is_void
from .messages import separator, t
from .modalities import Modality, polarisations, s2_product_name
from .raster import RasterSource


@dataclass
class BandStats:
    """Per-band robust statistics from a sample: 2nd/50th/98th percentiles, mean, std."""

    p2: np.ndarray
    p50: np.ndarray
    p98: np.ndarray
    mean: np.ndarray
    std: np.ndarray
    valid_fraction: float
    p01: np.ndarray | None = None
    """0.1th percentile (the dark objects)."""


def band_stats(src: RasterSource, bands: list[int], max_pixels: int = 250_000) -> BandStats:
    """Statistics of some bands from a decimated read of the whole raster."""
    data = src.sample(bands=bands, max_pixels=max_pixels)
    mask = np.ma.getmaskarray(data).any(axis=0)
    vals = np.asarray(data.data)[:, ~mask].astype(np.float64)
    if vals.shape[1] == 0:
        z = np.zeros(len(bands))
        return BandStats(z, z, z, z, z + 1, 0.0)
    p01, p2, p50, p98 = np.percentile(vals, [0.1, 2, 50, 98], axis=1)
    return BandStats(p2, p50, p98, vals.mean(axis=1), vals.std(axis=1) + 1e-12, float((~mask).mean()), p01)


@dataclass
class Scaling:
    """A fitted per-band linear map (value * scale + offset) or a dB conversion."""

    kind: str
    scale: float
    offset: float
    to_db: bool
    note: str
    """How the values were read, for the explanation (prose: code reads the flags below, not this)."""
    calibrated: bool = True
    """False when the values are rescaled DN, not physical units (8-bit DN, 11-bit raw DN, scaled by a percentile)."""
    as_is: bool = False
    """Float values in 0–1 used as they are, with no kind stated: taken as reflectance-like."""
    surface: bool = False
    """Surface (Level-2) reflectance by its scaling (Landsat Collection 2): the cloud network's L2A models fit."""
    zero_void: bool = False
    """Heights of exactly 0 m are a fill, not a measurement (landcover.indices.zero_is_void on a sample of the band)."""
    fills: tuple[float, ...] = ()
    """Undeclared fill values (metres) found in that sample (landcover.indices.void_heights): no measurement, said in
    the explanation's Heights line."""

    @property
    def reflectance(self) -> bool:
        """True when optical values are reflectance-like (calibrated, or floats already in 0–1), not rescaled DN."""
        return (self.kind == "reflectance" and self.calibrated) or self.as_is

    def measured(self, data: np.ma.MaskedArray, inplace: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(physical values, valid) of a masked read (bands, rows, cols): valid where no band is masked and every value
        is a measurement (:meth:`no_measurement`); ``inplace`` as in :meth:`apply`."""
        raw = np.asarray(data.data)
        valid = ~np.ma.getmaskarray(data).any(axis=0)
        empty = self.no_measurement(raw)
        if empty is not None:
            valid &= ~empty
        return self.apply(raw, inplace=inplace), valid

    def no_measurement(self, data: np.ndarray) -> Optional[np.ndarray]:
        """(rows, cols) True where raw (bands, rows, cols) values are no measurement under this scaling: 0 or less in a
        linear SAR band read as dB (the log of nothing; the zero fill of Sentinel-1 GRD swath borders, which carry no
        nodata value), exactly 0 in every band of SAR already in dB (0 dB in VV and VH at once is no backscatter: the
        fill of a GEE export or a warp collar) or below SAR_DB_FLOOR in any band (an undeclared -9999 fill), reflectance
        below REFLECTANCE_FLOOR, heights that are an undeclared fill (landcover.indices.void_heights: -9999, and 0 m
        when ``zero_void``). None when every value is a measurement."""
        data = np.asarray(data)
        if self.kind == "metres":  # an undeclared fill (-9999, or 0 m in a DSM of high ground): no height, nodata
            empty = void_heights(self.apply(data), self.zero_void).any(axis=0)
            return empty if empty.any() else None
        if self.to_db:
            return (data <= 0).any(axis=0)
        if self.kind == "sar_db":  # exactly 0 in every band of dB values: an undeclared fill (GEE unmask(0), a warp collar)
            empty = (data == 0).all(axis=0)
            if data.dtype.kind in "if" and self.scale > 0:  # below SAR_DB_FLOOR: an undeclared -9999 fill, no backscatter
                empty |= (data < (SAR_DB_FLOOR - self.offset) / self.scale).any(axis=0)
            return empty if empty.any() else None
        # a fill value nobody declared (MODIS -28672, Landsat Collection 1 / HLS -9999) read as reflectance far below 0:
        # no surface is that dark (it was classed as water at 96 % confidence); unsigned integers cannot get there
        if self.kind == "reflectance" and self.calibrated and data.dtype.kind in "if" and self.scale > 0:
            low = (data < (REFLECTANCE_FLOOR - self.offset) / self.scale).any(axis=0)
            return low if low.any() else None
        return None

    def apply(self, data: np.ndarray, inplace: bool = False) -> np.ndarray:
        """Physical values (float32) for raw values of any band of this raster (``inplace``: may overwrite float32 data)."""
        x = data.astype(np.float32, copy=False)
        if self.to_db:  # intensity: 10·log10(x); amplitude: scale 2 (20·log10) and the offset of its calibration
            return (np.float32(10.0 * self.scale) * np.log10(np.maximum(x, 1e-6)) + np.float32(self.offset)).astype(np.float32)
        if self.scale == 1.0 and self.offset == 0.0:
            return x
        if inplace and x is data:  # one pass, no temporary
            np.multiply(x, np.float32(self.scale), out=x)
            if self.offset:
                np.add(x, np.float32(self.offset), out=x)
            return x
        return (x * np.float32(self.scale) + np.float32(self.offset)).astype(np.float32, copy=False)


def _s2_offset(src: RasterSource) -> Optional[float]:
    """The L1C/L2A radiometric offset (DN) that processing baseline 04.00+ adds, from the dataset's or the bands' metadata;
    None when they state neither the offset nor the baseline (then it may be inferred, see :func:`_s2_offset_inferred`)."""
    stated = None
    items = [kv for tags in (src.tags, *src.band_tags) for kv in tags.items()]
    for key, val in items:
        k = key.upper()
        if re.search(r"(BOA|RADIO)_ADD_OFFSET", k):
            try:
                return float(val)
            except ValueError:
                stated = 0.0
        elif k == "PROCESSING_BASELINE":
            try:
                if float(val) >= 4.0:
                    return -1000.0
            except ValueError:
                pass
            stated = 0.0
    return stated


S1_AMPLITUDE_DB = 53.4
"""Sentinel-1 GRD (IW) amplitude DN to σ0: σ0 = DN² / A² with A ≈ 470 (the sigmaNought calibration LUT's typical value),
so σ0 dB ≈ 20·log10(DN) − 53.4: open water (DN 20-60) about −27 to −18 dB, land (DN 150-400) −17 to −9 dB."""
REFLECTANCE_FLOOR = -0.5
"""Reflectance below this is an undeclared fill value, not a measurement (surface reflectance dips a little below 0 over
dark water after atmospheric correction, never to -0.5)."""
SAR_DB_FLOOR = -60.0
"""SAR dB below this is an undeclared fill value (-9999, -32768), not backscatter: the sensors' noise floor is about
-25 dB, terrain shadow -40 dB, and linear σ0 is read no lower than 1e-6 (-60 dB). An undeclared -9999 border was read as
a 9,990 dB change that lifted the log-ratio threshold to 24 dB (a flood pair kept the border, F1 0.167 against 0.769)."""
SAR_DN_MEDIAN = 20.0
"""Linear SAR values whose median is above this (+13 dB) are uncalibrated DN, not σ0 (land is about 0.03-0.3)."""
AMPLITUDE_NAME = re.compile(r"(?<![a-z])amp(?:litude)?(?![a-z])|_rtc\d+_[a-z]_[gs]a[a-z]{4}(?![a-z])")
"""A band description or file name that says amplitude (√σ0, or its DN): 'Amplitude_VV', 's1_amp.tif', an ASF HyP3 RTC
product in amplitude scale ('..._RTC30_G_gauned_...': gamma0, amplitude)."""
INTENSITY_NAME = re.compile(r"intensity|power|sigma0|gamma0|beta0")
"""A band description that says the values are intensity (σ0 itself), which no file name overrules."""
SAR_CO_DB_MAX = -3.0
SAR_POL_GAP_DB = 4.0
"""Linear values read as intensity whose median co-polarised dB is above SAR_CO_DB_MAX, or only SAR_POL_GAP_DB above the
cross-polarised one (σ0 medians: VV about -15 to -5 dB, 6-10 dB above VH), look like amplitude read as intensity,
which halves every dB value (VV -11.6 / VH -19.1 dB read as -5.8 / -9.6)."""
SAR_AMPLITUDE_MAX = 2000.0
"""Undescribed float DN up to this median are amplitude (GRD: water 20-60, land 150-400), above it intensity (amplitude²)."""
FOOT_M = 0.3048
FEET_UNITS = ("ft", "foot", "feet", "us survey foot", "international foot")
"""Band units (GDAL's unit type) of heights in feet, common on US lidar DSMs in State Plane coordinates."""
US_SURVEY_FOOT_M = 1200.0 / 3937.0
LENGTH_UNITS = {
    **{u: 1.0 for u in ("m", "metre", "metres", "meter", "meters", "metre (m)", "meter (m)")},
    **{u: 0.01 for u in ("cm", "centimetre", "centimetres", "centimeter", "centimeters")},
    **{u: 0.001 for u in ("mm", "millimetre", "millimetres", "millimeter", "millimeters")},
    **{u: 0.1 for u in ("dm", "decimetre", "decimetres", "decimeter", "decimeters")},
    **{u: FOOT_M for u in ("ft", "foot", "feet", "international foot", "international feet", "ft (intl)")},
    **{u: US_SURVEY_FOOT_M for u in ("us survey foot", "us survey feet", "us-ft", "us ft", "ftus", "survey foot",
                                     "foot_us", "us_survey_foot")},
}
"""Band units (GDAL's unit type, lower case) of heights and their length in metres: a DSM in integer centimetres
whose unit says 'cm' was read as metres (3 m sheds 'taller than 10 m')."""
STRETCH_CLIP_SHARE = 0.01
"""An 8-bit band with at least this share of its pixels at 0 and at 255 was clipped by a contrast stretch (a 2-98 %
stretch clips 2 % at each end); linear 8-bit products (NAIP, aerial and drone photos) have under 1 % at either end (at
most 0.8 % at 0 on the shared building and tree tiles)."""


def _stretch_caution(src: RasterSource, bands: list[int]) -> str:
    """The caution of 8-bit bands that are all clipped at both ends (:data:`STRETCH_CLIP_SHARE`): a display product
    stretched band by band ('visual' or 'display' RGB/RGBN), whose colour ratios the rules cannot trust (forest read 3.7
    times too large); '' otherwise."""
    sample = src.sample(bands=bands, max_pixels=100_000)
    for band in sample:
        v = band.compressed()
        if v.size < 100 or min(float(np.mean(v == 0)), float(np.mean(v == 255))) < STRETCH_CLIP_SHARE:
            return ""
    return separator() + t("caution: every band has {share} % or more of its pixels at 0 and at 255: this looks like a "
                           "contrast-stretched display product, whose stretch changes the colour ratios the rules read; use "
                           "the analytic (16-bit) product", share=f"{100 * STRETCH_CLIP_SHARE:g}")


VHR_RAW_DN_MAX = 2047.0
"""WorldView-2/3 and similar deliver 11-bit raw DN (0-2047); surface-reflectance products (PlanetScope, Maxar SR) are
reflectance x 10000, whose 98th percentile over land is well above 2047 (vegetation NIR 0.3-0.5)."""
S2_PRODUCT_NAME = re.compile(r"(?:^|[_.])(?:S2[A-D]_MSIL(?:1C|2A)|T\d{2}[A-Z]{3}_\d{8}T\d{6})")
"""A Sentinel-2 product or band-file name: S2B_MSIL2A_20230612T..., T36SYC_20230612T081609_B04_10m."""
C2_SCALE, C2_OFFSET = 2.75e-05, -0.2
"""Landsat Collection 2 Level-2 surface reflectance: reflectance = DN x 2.75e-5 - 0.2 (reflectance 0 is DN 7273)."""
C2_L1_SCALE, C2_L1_OFFSET = 2.0e-05, -0.1
"""Landsat Collection 2 Level-1 OLI reflectance rescaling (REFLECTANCE_MULT_BAND_x / ADD_BAND_x of every MTL)."""
C2_DARK_DN = 5000.0
"""Every band's dark objects (2nd percentile) above this: the DN of Collection 2 Level-2 (water and shadows at
reflectance 0.01-0.05 read 7600-9100); reflectance x 10000 products put them at 0-1500."""
C2_MAX_DN = 43636.0
"""Reflectance 1.0 in Collection 2 Level-2 DN: a scene whose 98th percentile is above it is not such a file."""
S2_OFFSET_SINCE = "20220125"
"""Sentinel-2 products from processing baseline 04.00 (in operation since 25 January 2022) add 1000 DN to every band."""
S2_OFFSET_DN = 1000.0
S2_DARK_MARGIN = 100.0
"""Without metadata the offset is inferred only when every band's dark objects (0.1th percentile) are at or above
1000 DN and the scene has a signature of reflectance near 0 read just above 1000: the cirrus band (B10, near 0 under
a clear sky) with its median under 1000 + S2_CIRRUS_MARGIN, or, without B10, the darkest band's dark objects (water and
shadows) under 1000 + S2_DARK_MARGIN in a NIR or SWIR band, where water reads 0 (Abu Dhabi's old-baseline desert
crops read 1034-1100 DN in red but 1217 or more in NIR), or the haze signature (S2_HAZE_MARGIN)."""
S2_CIRRUS_MARGIN = 300.0
S2_HAZE_MARGIN = 600.0
"""Top-of-atmosphere (L1C) dark objects read above 0: water and shadows in NIR at 0.02-0.06 (the old-baseline OSCD
scenes: 0.03-0.09). With the offset, the darkest band's dark objects under 1000 + S2_HAZE_MARGIN together with blue's at
or above 1000 + S2_RAYLEIGH_BLUE (the air's scattering alone makes blue at least 0.06 at the top of the atmosphere) are
the offset's signature: no old-baseline 300-pixel crop of the OSCD cities (Abu Dhabi's bright desert included: blue
under 1540 DN) has it, while it catches 78 of their 142 crops with 1000 DN added."""
S2_RAYLEIGH_BLUE = 600.0
S2_DN_TOP_MAX = 20000.0
"""The offset caution of undescribed stacks: a 98th percentile up to reflectance 2 in Sentinel-2 DN still looks like
Sentinel-2 DN (16-bit photos spread over 0-65535 do not)."""
S2_DN_MAX_WITHOUT_OFFSET = 4095.0
"""A 3-band 12-bit photo (0-4095 in UInt16) of a bright scene, with no pixel under 1000, gets no offset caution: an RGB
of Sentinel-2 DN with the offset reaches beyond 4095 (bright land and clouds above reflectance 0.31)."""


def _s2_like(modality: Modality, bands: list[int]) -> bool:
    """Whether the bands read can be Sentinel-2 bands: a Sentinel-2 modality, or four or more bands with NIR (a 3-band
    RGB photo is none)."""
    return modality.name.startswith("sentinel2") or (len(bands) >= 4 and "nir" in modality.roles)


def _s2_name_hint(src: RasterSource) -> tuple[Optional[bool], str]:
    """Whether the product name (:func:`s2_product_name`: the file name, tags, band files or their folder) says
    processing baseline 04.00+ (True, with why), an older one (False) or nothing (None). An Earth Search product id
    (.../S2B_33UVP_20230612_0_L2A/B04.tif) says an older baseline by its date; a later date says nothing, as Earth
    Search removed the offset from most of its files of baseline 04.00 or later but not from all (its STAC items'
    earthsearch:boa_offset_applied, itself wrong on some)."""
    named = s2_product_name(src)
    if named.baseline:
        if int(named.baseline[:2]) < 4:
            return False, ""
        return True, t("processing baseline {baseline} in the name", baseline=named.baseline)
    if not named.date:
        return None, ""
    if named.date < S2_OFFSET_SINCE:
        return False, ""
    if named.folder_product:  # Earth Search removed the offset from most of its baseline 04.00+ files, not from all
        return None, ""
    return True, t("sensed {date}, after baseline 04.00 started", date=f"{named.date[:4]}-{named.date[4:6]}-{named.date[6:]}")


def _s2_offset_inferred(src: RasterSource, st: BandStats, bands: list[int], roles: dict[str, int]) -> tuple[float, str]:
    """The baseline 04.00 offset (DN) and why, for a Sentinel-2 raster whose metadata do not state it (``roles``: the
    modality's role → band, for the cirrus, blue and infrared bands)."""
    if not _above_offset(src, st):
        return 0.0, ""
    dark = float(np.min(st.p01))
    named, hint = _s2_name_hint(src)
    if named is not None:
        return (-S2_OFFSET_DN, hint) if named else (0.0, "")
    cirrus, blue = roles.get("cirrus"), roles.get("blue")
    if cirrus in bands:
        c = float(st.p50[bands.index(cirrus)])
        if c < S2_OFFSET_DN + S2_CIRRUS_MARGIN:
            return -S2_OFFSET_DN, t("the cirrus band B10, near 0 under a clear sky, reads {value} and no band goes below 1000 DN",
                                    value=f"{c:.0f}")
        return 0.0, ""
    infrared = [float(st.p01[bands.index(roles[r])]) for r in ("nir", "nir08", "swir1", "swir2") if roles.get(r) in bands]
    if infrared and min(infrared) < S2_OFFSET_DN + S2_DARK_MARGIN:
        return -S2_OFFSET_DN, t("every band's darkest values sit just above {dn} DN ({dark})", dn=f"{S2_OFFSET_DN:g}",
                                dark=f"{min(infrared):.0f}")  # the infrared band's, tested: a visible band's can be darker
    haze = float(st.p01[bands.index(blue)]) if blue in bands else 0.0
    if dark < S2_OFFSET_DN + S2_HAZE_MARGIN and haze >= S2_OFFSET_DN + S2_RAYLEIGH_BLUE:
        return -S2_OFFSET_DN, t("the darkest band's dark objects read {dark} DN and blue's {blue} DN: 0.1 above what the "
                                "top of the atmosphere gives", dark=f"{dark:.0f}", blue=f"{haze:.0f}")
    return 0.0, ""


def _above_offset(src: RasterSource, st: BandStats) -> bool:
    """Whether integer bands have no dark objects (0.1th percentile) below 1000 DN in any band: what the baseline 04.00
    offset leaves, and what a bright scene without it may look like."""
    return (st.p01 is not None and bool(st.p01.size) and not src.dtypes[0].startswith("float")
            and float(np.min(st.p01)) >= S2_OFFSET_DN)


def _offset_caution(fix: str) -> str:
    """The caution for Sentinel-2 DN whose every band stays at or above 1000 DN with no offset stated or inferred:
    baseline 04.00+ DN that kept their offset look alike (every index flattened), and the values alone cannot tell;
    ``fix`` says how to state it."""
    return separator() + t("caution: no pixel is darker than {dn} DN in any band: if these are Sentinel-2 bands of processing "
                           "baseline 04.00 or later (since 25 January 2022), their 1000 DN offset is still in the values: "
                           "{fix}", dn=f"{S2_OFFSET_DN:g}", fix=fix)


EARTH_SEARCH_FIX = ("Earth Search removed it from most of its files of that baseline, not from all (its STAC item's "
                    "earthsearch:boa_offset_applied says which, though not always rightly): if it is still in these, set "
                    "BOA_ADD_OFFSET=-1000 in the virtual raster's tags (or the band scale 0.0001 and offset -0.1) so that it "
                    "is removed")
"""The offset caution's fix for band files in a folder named by an Earth Search product id (:func:`_s2_name_hint`)."""
STATE_OFFSET_FIX = ("set BOA_ADD_OFFSET=-1000 in the file's tags (or the band scale 0.0001 and offset -0.1), or give it its "
                    "product name (S2B_MSIL2A_…), so that it is removed")


def _s2_dn_scaling(src: RasterSource, kind: str, st: BandStats, bands: list[int], roles: dict[str, int],
                   lead: str = "") -> Scaling:
    """Sentinel-2 DN as reflectance (DN / 10000), less the baseline 04.00 offset the metadata state or the name or
    values give; ``lead`` starts the note, followed by ': ' (why these are Sentinel-2 DN)."""
    stated = _s2_offset(src)
    off, why = (stated, "") if stated is not None else _s2_offset_inferred(src, st, bands, roles)
    note = t("reflectance = DN / 10000 with offset {offset} DN", offset=f"{off:g}") if off else t("reflectance = DN / 10000")
    if lead:
        note = f"{lead}: {note}"
    if why:
        note += " " + t("(inferred: {why}; no offset in the metadata)", why=why)
    elif stated is None and not off and _above_offset(src, st) and _s2_name_hint(src)[0] is None:
        note += _offset_caution(t(EARTH_SEARCH_FIX if s2_product_name(src).folder_product else STATE_OFFSET_FIX))
    return Scaling(kind, 1e-4, off * 1e-4, False, note)


def _band_unit(src: RasterSource, band: int) -> str:
    """A band's unit as GDAL reports it, lower case ('' when unset)."""
    return src.units[band - 1].strip().lower() if len(src.units) >= band else ""


def _unknown_unit(unit: str) -> str:
    """A caution for a band unit that is no length unit of LENGTH_UNITS ('' when unset or known)."""
    if not unit or unit in LENGTH_UNITS:
        return ""
    return separator() + t("caution: the band's unit '{unit}' is no length unit TerraPrompt knows, the heights are read as "
                           "metres: set the unit (m, cm, mm, ft) or the scale in the file if they are not", unit=unit)


def _stated_pairs(src: RasterSource, bands: list[int]) -> dict[int, tuple[float, float]]:
    """(scale, offset) the file states for each band (1, 0 where it states none)."""
    return {b: (src.scales[b - 1] if b <= len(src.scales) else 1.0, src.offsets[b - 1] if b <= len(src.offsets) else 0.0)
            for b in bands}


def stated_scale_offset(src: RasterSource, bands: list[int]) -> Optional[tuple[float, float]]:
    """The GDAL scale and offset the file states for ``bands`` (physical = raw × scale + offset), when they are set and
    the same on all of them; None otherwise (then the values' size and the modality decide)."""
    pairs = set(_stated_pairs(src, bands).values())
    if len(pairs) != 1:
        return None
    scale, offset = pairs.pop()
    if (scale == 1.0 and offset == 0.0) or scale == 0.0 or not (np.isfinite(scale) and np.isfinite(offset)):
        return None
    return scale, offset


STATED_NOTE = "value × {scale:g} + {offset:g} (the scale and offset stated in the file's metadata)"
ENVI_FACTOR_NOTE = "value × {scale:g} (1 / the reflectance scale factor {factor:g} stated in the ENVI header)"


def envi_reflectance_scale_factor(src: RasterSource) -> Optional[float]:
    """The ENVI header's 'reflectance scale factor' (reflectance = value / factor; GDAL's ENVI metadata domain), None when
    the file states none, or 1, or no usable number (an int16 cube of reflectance x 1000 was read as DN / 10000)."""
    try:
        with rasterio.open(src.open_path or src.path) as ds:
            value = ds.tags(ns="ENVI").get("reflectance_scale_factor")
    except (RasterioError, OSError):  # a source GDAL opens in other ways (a QGIS provider's URI): no ENVI header
        return None
    try:
        factor = float(str(value).strip("{} "))
    except ValueError:
        return None
    return factor if np.isfinite(factor) and factor > 0 and factor != 1.0 else None


SAR_POLARISATIONS = ("vv", "vh", "hh", "hv")
"""The roles of SAR bands; in a stack that also holds optical bands they are read apart (:func:`sar_bands_scaling`)."""


def _optical(modality: Modality) -> bool:
    """Whether a modality holds optical bands (red, green, blue or NIR) besides whatever else."""
    return bool({"red", "green", "blue", "nir"} & set(modality.roles))


def sar_bands_scaling(src: RasterSource, modality: Modality) -> Optional[Scaling]:
    """The SAR bands' own scaling (dB, or linear → dB) when a raster stacks them with optical bands (Sentinel-2 bands
    then Sentinel-1 VV and VH in one file), never the reflectance scaling of the other bands (VV / 10000 in dB, or
    negative dB taken for a reflectance fill); None when the raster holds no such mix."""
    sar = {r: b for r, b in modality.roles.items() if r in SAR_POLARISATIONS}
    if not sar or not _optical(modality):
        return None
    return fit_scaling(src, replace(modality, roles=sar, scaling={"kind": "sar_db"}))


def height_band_scaling(src: RasterSource, band: int) -> Scaling:
    """Heights in metres of one band of a multi-band raster (a DSM or nDSM band appended to an optical stack): its own
    stated scale and length unit, never the reflectance scaling of the other bands."""
    return _stated_scaling(src, "metres", [band]) or _height_scaling(src, band)


CENTI_DB_MEDIAN = -60.0
"""A median backscatter below this many dB is no σ0 (land and water lie within about -30 to 0 dB): integers that low
are hundredths of a dB written without their scale."""


def _common_dtype(dtypes: set[str]) -> str:
    """The data type the bands used share ('int32' for Int16 and UInt16 band files; GDAL's 'complex_int16' as is)."""
    if any(d.startswith("complex") for d in dtypes):
        return sorted(dtypes)[0]
    return np.result_type(*dtypes).name


def _check_stated_agree(src: RasterSource, bands: list[int]) -> None:
    """InputError when the file states different scales or offsets on the bands used: one scaling is applied to all of
    them, and ignoring the metadata gave 99.8 % vegetation on a NIR band stored x 10."""
    pairs = _stated_pairs(src, bands)
    if len(set(pairs.values())) > 1:
        groups: dict[tuple[float, float], list[int]] = {}
        for b, pair in pairs.items():
            groups.setdefault(pair, []).append(b)
        listed = separator().join(t("× {scale:g} + {offset:g} on bands {bands}", scale=sc, offset=of, bands=", ".join(map(str, bs)))
                                  for (sc, of), bs in groups.items())
        raise InputError(t("The file states different scales or offsets on the bands used ({bands}); TerraPrompt applies one "
                           "scaling to all of them.", bands=listed),
                         t("Write the bands' physical values first (gdal_translate -unscale -ot Float32), or give bands with "
                           "the same scale and offset."))


def _height_scaling(src: RasterSource, band: int, scale: float = 1.0, offset: float = 0.0,
                    note: Optional[str] = None) -> Scaling:
    """Heights in metres from the band's length unit (feet, centimetres ... converted) after the file's stated scale and
    offset (``note`` says them; None when the file states none)."""
    unit = _band_unit(src, band)
    to_m = LENGTH_UNITS.get(unit, 1.0)
    if unit in FEET_UNITS:
        why = (t("heights in feet (the band's unit is '{unit}'), {note}, converted to metres", unit=unit, note=note)
               if note is not None else t("heights in feet (the band's unit is '{unit}') converted to metres", unit=unit))
    elif to_m != 1.0:
        why = (t("heights in {unit} (the band's unit), {note}, converted to metres", unit=unit, note=note)
               if note is not None else t("heights in {unit} (the band's unit) converted to metres (× {factor:g})",
                                          unit=unit, factor=to_m))
    else:
        why = (t("heights in metres = {note}", note=note) if note is not None else t("heights used as metres")) \
              + _unknown_unit(unit)
    scale, offset = scale * to_m, offset * to_m
    zero_void, fills = _height_fills(src, band, scale, offset)
    return Scaling("metres", scale, offset, False, why, zero_void=zero_void, fills=fills)


def _height_fills(src: RasterSource, band: int, scale: float, offset: float) -> tuple[bool, tuple[float, ...]]:
    """(whether exactly 0 m is a fill, up to five undeclared fill values in metres) of a decimated read of the band in
    metres (:func:`zero_is_void`, :func:`void_heights`; the declared nodata is no such fill)."""
    sample = src.sample(bands=[band], max_pixels=100_000)[0]
    metres = np.asarray(sample.data, np.float32) * np.float32(scale) + np.float32(offset)
    metres[np.ma.getmaskarray(sample)] = np.nan
    zero_void = zero_is_void(metres)
    return zero_void, tuple(float(v) for v in np.unique(metres[void_heights(metres, zero_void)])[:5])


def _stated_scaling(src: RasterSource, kind: str, bands: list[int]) -> Optional[Scaling]:
    """The scaling the file's own scale/offset metadata give, when they give physical values of the modality's kind:
    reflectance within 0-3, dB (negative 5th percentile), or heights; None otherwise."""
    stated = stated_scale_offset(src, bands)
    note = t(STATED_NOTE, scale=stated[0], offset=stated[1]) if stated is not None else ""
    factor = envi_reflectance_scale_factor(src) if stated is None and kind == "reflectance" else None
    if factor is not None:  # stated in the ENVI header as 'data gain values' are (which GDAL gives as the band scale)
        stated, note = (1.0 / factor, 0.0), t(ENVI_FACTOR_NOTE, scale=1.0 / factor, factor=factor)
    if stated is None or kind not in ("reflectance", "sar_db", "metres") or src.is_complex:
        return None
    scale, offset = stated
    if kind == "metres":
        return _height_scaling(src, bands[0], scale, offset, note)
    s = src.sample(bands=bands[:1] if kind == "sar_db" else bands, max_pixels=100_000).compressed()
    if not s.size:
        return None
    phys = s.astype(np.float64) * scale + offset
    if kind == "sar_db":
        phys = phys[phys >= SAR_DB_FLOOR]  # an undeclared fill (-9999) is neither dB nor linear
        return Scaling(kind, scale, offset, False, t("dB = {note}", note=note)) if phys.size and np.percentile(phys, 5) < 0 else None
    return Scaling(kind, scale, offset, False, t("reflectance = {note}", note=note)) if np.percentile(phys, 98) <= 3.0 else None


def _stated_offset_caution(src: RasterSource, modality: Modality, bands: list[int], sc: Scaling) -> Scaling:
    """The stated scaling, with the offset caution when it is scale 1e-4 and offset exactly 0 on integer bands that can be
    Sentinel-2 bands and stay at or above 1000 DN (a baseline 04.00+ file that states its scale but not its offset)."""
    if sc.kind != "reflectance" or sc.offset != 0.0 or not np.isclose(sc.scale, 1e-4) or not _s2_like(modality, bands):
        return sc
    if not _above_offset(src, band_stats(src, bands, max_pixels=100_000)):
        return sc
    return replace(sc, note=sc.note + _offset_caution(t("set the band offset -0.1 in the file (or BOA_ADD_OFFSET=-1000 in its "
                                                         "tags) so that it is removed")))


PERCENT_MAX = 150.0
"""A float reflectance raster whose 98th percentile is above 3 and at most this holds percent (0-100, bright clouds a
little over): as DN / 10000 its brightest land would read as 0.005 and the whole scene as water."""


def _level1(src: RasterSource) -> str:
    """The processing level a Landsat Collection 2 product id in the file (or its band files) names when it is Level-1
    ('L1TP', 'L1GT', 'L1GS'), else ''."""
    for name in [os.path.basename(src.path)] + [os.path.basename(b) for b in src.band_sources]:
        m = re.search(r"_(L1(?:TP|GT|GS))_", name.upper())
        if m:
            return m.group(1)
    return ""


C2_ASSUMED = ("assumed: read as Level-2 surface reflectance from the values alone (the name says neither L2SP nor L1TP); "
              "if this is Level-1, set the band scale 2e-5 and offset -0.1 in the file, or keep L1TP in its name")


def _level2(src: RasterSource) -> bool:
    """Whether the file names a Landsat Collection 2 Level-2 product ('L2SP', 'L2SR' in its name or its band files' names)
    or its bands are described as surface reflectance ('SR_B4'): the Level-2 scaling is then no assumption."""
    names = [os.path.basename(src.path)] + [os.path.basename(b) for b in src.band_sources]
    return (any(re.search(r"_L2S[PR]_", n.upper()) for n in names)
            or any(d.strip().upper().startswith("SR_B") for d in src.descriptions))


def _amplitude_named(src: RasterSource, bands: list[int]) -> str:
    """'description' or 'name' when the SAR bands' descriptions or the file names say amplitude, '' when neither does
    (or a description says intensity)."""
    descs = [src.descriptions[b - 1].lower() for b in bands if b <= len(src.descriptions)]
    if any(INTENSITY_NAME.search(d) for d in descs):
        return ""
    if any(AMPLITUDE_NAME.search(d) for d in descs):
        return "description"
    names = [os.path.basename(src.path)] + [os.path.basename(b) for b in src.band_sources]
    return "name" if any(AMPLITUDE_NAME.search(n.lower()) for n in names) else ""


def _intensity_caution(sample: np.ma.MaskedArray, bands: list[int], modality: Modality) -> str:
    """A caution when linear values read as intensity give medians σ0 does not have (amplitude read as intensity: every
    dB value halved, see SAR_POL_GAP_DB); '' when they look like σ0 or cannot be judged. ``sample``: ``bands`` sampled."""
    co = modality.roles.get("vv", modality.roles.get("hh"))
    cross = modality.roles.get("vh", modality.roles.get("hv"))
    if co not in bands:
        return ""
    rows = [bands.index(b) for b in (co, cross) if b in bands]
    vals = np.asarray(sample.data, dtype=np.float64)[rows]
    ok = ~np.ma.getmaskarray(sample)[rows].any(axis=0) & (vals > 0).all(axis=0) & np.isfinite(vals).all(axis=0)
    if ok.sum() < 100:
        return ""
    med = np.median(10.0 * np.log10(vals[:, ok]), axis=1)
    named = polarisations(modality)  # HH/HV are read in VV's/VH's roles
    co_name = named.get("vv", named.get("hh", "vv")).upper()
    cross_name = named.get("vh", named.get("hv", "vh")).upper()
    if len(rows) == 2 and med[0] - med[1] < SAR_POL_GAP_DB:
        finding = t("the median {co} and {cross} read {co_db} and {cross_db} dB, only {gap} dB apart (σ0: usually 6-10 dB)",
                    co=co_name, cross=cross_name, co_db=f"{med[0]:.1f}", cross_db=f"{med[1]:.1f}", gap=f"{med[0] - med[1]:.1f}")
    elif med[0] > SAR_CO_DB_MAX:
        finding = t("the median {co} reads {co_db} dB (σ0: usually -15 to -5 dB)", co=co_name, co_db=f"{med[0]:.1f}")
    else:
        return ""
    return separator() + t("caution: {finding}: if these values are amplitudes (√σ0), reading them as intensity halves every "
                           "dB value; name the bands Amplitude_VV, Amplitude_VH (or put _amp_ in the file name) so that "
                           "they are converted with 20·log10", finding=finding)


def _db_fill_note(sample: np.ma.MaskedArray) -> str:
    """What the explanation says when a sample of dB values (bands, rows, cols) holds pixels exactly 0 in every SAR band
    ('' when none): an undeclared fill, left out as nodata (:meth:`Scaling.no_measurement`)."""
    zero = ~np.ma.getmaskarray(sample).any(axis=0) & (np.asarray(sample.data) == 0).all(axis=0)
    if not zero.any():
        return ""
    return separator() + t("0 in every band ({pct} % of a sample) is an undeclared fill, not 0 dB: nodata",
                           pct=f"{100.0 * zero.mean():.1f}")


def _low_fill_note(sample: np.ma.MaskedArray, floor: float, floor_text: str) -> str:
    """What the explanation says when a sample of SAR values (bands, rows, cols) holds pixels below ``floor`` (raw
    units, said as ``floor_text``) in some band ('' when none): an undeclared fill such as -9999, left out as nodata
    (:meth:`Scaling.no_measurement`)."""
    vals = np.asarray(sample.data, dtype=np.float64)
    ok = ~np.ma.getmaskarray(sample).any(axis=0)
    with np.errstate(invalid="ignore"):
        low = ok & (vals < floor).any(axis=0)
    if not low.any():
        return ""
    return separator() + t("values below {floor} ({pct} % of a sample, e.g. {value}) are an undeclared fill, not "
                           "backscatter: nodata", floor=floor_text, pct=f"{100.0 * low.mean():.1f}",
                           value=f"{float(np.min(vals[:, low])):g}")


def fit_scaling(src: RasterSource, modality: Modality) -> Scaling:
    """Choose the scaling for a raster from its modality, dtype and sampled values (the file's own scale/offset first)."""
    kind = modality.scaling.get("kind", "range")
    bands = sorted(set(modality.roles.values())) or [1]
    # the value range is judged on the reflective bands: a thermal band in kelvin (about 300) or degrees Celsius made
    # float reflectance (0-1) read as DN / 10000 or as percent; its own stated scale is no disagreement. A height band
    # of an optical raster (a DEM or nDSM appended to it) is read in metres apart (height_band_scaling): a DEM of
    # 50-500 m made a whole 0-1 reflectance stack read as DN / 10000 (100 % water)
    apart = {b for r, b in modality.roles.items() if r == "height" or (r in SAR_POLARISATIONS and _optical(modality))}
    reflective = sorted({b for r, b in modality.roles.items() if not r.startswith("thermal")} - apart) or bands
    judged = reflective if kind == "reflectance" else (sorted(set(bands) - apart) or bands)
    dtype = _common_dtype({src.dtypes[b - 1] for b in judged if b <= len(src.dtypes)} or {src.dtypes[0]})
    optical = {r for r in modality.roles if not r.startswith("thermal")} & {"red", "green", "blue", "nir", "swir1", "swir2", "pan"}
    if dtype == "int8" and optical:
        raise InputError(t("The optical bands are signed 8-bit integers (Int8), which TerraPrompt cannot read as imagery: "
                           "their values wrap at 127."),
                         t("Convert them to Byte or to reflectance first, e.g. gdal_translate -ot Byte -scale -128 127 0 255."))
    _check_stated_agree(src, judged)
    stated = _stated_scaling(src, kind, judged)
    if stated is not None:
        return _stated_offset_caution(src, modality, judged, stated)
    if kind == "sar_db":
        sample = src.sample(bands=bands, max_pixels=100_000)  # all SAR bands: their common 0 fill, their medians
        s = sample[0].compressed()
        integer = dtype == "complex_int16" or np.dtype(dtype).kind in "iu"
        signed = s[s != 0] if not src.is_complex else s  # an undeclared 0 fill of dB values is no measurement
        # values below SAR_DB_FLOOR are neither dB nor linear: an undeclared fill (-9999) decides nothing
        plausible = signed[signed >= SAR_DB_FLOOR] if not src.is_complex else s
        # nor below 100·SAR_DB_FLOOR as hundredths of a dB: a -9999 fill over half the sample decides nothing either
        centi = signed[signed >= 100.0 * SAR_DB_FLOOR] if not src.is_complex else s
        median_db = float(np.percentile(centi, 50)) if centi.size else 0.0
        if integer and not src.is_complex and median_db < CENTI_DB_MEDIAN:  # int16 hundredths of a dB, no scale 0.01 stated
            return Scaling(kind, 0.01, 0.0, False, t(
                "integers read as hundredths of a dB (median {median}: no backscatter is that low in dB); set the band "
                "scale 0.01 in the file to say so", median=f"{median_db:g}")
                + _low_fill_note(sample, 100.0 * SAR_DB_FLOOR, f"{100.0 * SAR_DB_FLOOR:g} ({SAR_DB_FLOOR:g} dB)"))
        if plausible.size and (np.percentile(plausible, 5) < 0):
            return Scaling(kind, 1.0, 0.0, False, t("values already in dB") + _db_fill_note(sample)
                           + _low_fill_note(sample, SAR_DB_FLOOR, f"{SAR_DB_FLOOR:g} dB"))
        measured = s[s > 0]  # the zero fill of swath borders is no measurement (Scaling.no_measurement)
        median = float(np.percentile(measured, 50)) if measured.size else 0.0
        if src.is_complex and median > SAR_DN_MEDIAN:  # an uncalibrated SLC: |DN|² is intensity DN
            return Scaling(kind, 1.0, -S1_AMPLITUDE_DB, True, t(
                "complex values read as uncalibrated DN (median intensity {median} is no σ0): dB = 10·log10(|DN|²) − {db}, "
                "an approximate calibration (calibrate to σ0 for exact values)", median=f"{median:.4g}", db=f"{S1_AMPLITUDE_DB:g}"))
        if src.is_complex:
            return Scaling(kind, 1.0, 0.0, True, t("complex → intensity → dB"))
        negative = _low_fill_note(sample, 0.0, "0")  # linear values below 0: an undeclared fill (Scaling.no_measurement)
        floating = src.dtypes[0].startswith("float")
        named = src.descriptions[bands[0] - 1].lower() if src.descriptions and bands[0] <= len(src.descriptions) else ""
        amplitude = _amplitude_named(src, bands)
        # σ0 above +13 dB at the median is no backscatter: uncalibrated DN (GRD amplitude, SNAP's Amplitude_VV or
        # Intensity_VV, which read as +17 to +44 dB over water as linear σ0: no water at 'high' confidence)
        if median > SAR_DN_MEDIAN and (not floating or amplitude or ("intensity" not in named and median <= SAR_AMPLITUDE_MAX)):
            why = (t("integer values read as amplitude DN (Sentinel-1 GRD style)") if not floating else
                   t("values read as amplitude DN (uncalibrated: the median {median} is no σ0)", median=f"{median:.4g}"))
            return Scaling(kind, 2.0, -S1_AMPLITUDE_DB, True, t(
                "{why}: dB = 20·log10(DN) − {db}, an approximate calibration (calibrate to σ0 for exact values)",
                why=why, db=f"{S1_AMPLITUDE_DB:g}") + negative)
        if median > SAR_DN_MEDIAN:
            return Scaling(kind, 1.0, -S1_AMPLITUDE_DB, True, t(
                "values read as intensity DN (amplitude², uncalibrated: the median {median} is no σ0): dB = 10·log10(DN) − {db}, "
                "an approximate calibration (calibrate to σ0 for exact values)", median=f"{median:.4g}", db=f"{S1_AMPLITUDE_DB:g}")
                + negative)
        if amplitude:  # calibrated amplitude (√σ0): 10·log10 would halve every dB value (water read as land)
            return Scaling(kind, 2.0, 0.0, True, (t("amplitude → dB (20·log10): the band descriptions say amplitude")
                           if amplitude == "description" else t("amplitude → dB (20·log10): the file name says amplitude"))
                           + negative)
        return Scaling(kind, 1.0, 0.0, True, t("linear intensity → dB (10·log10)") + negative
                       + _intensity_caution(sample, bands, modality))
    if kind == "metres":
        return _height_scaling(src, bands[0])
    bands = judged
    st = band_stats(src, bands, max_pixels=100_000)
    top = float(np.max(st.p98)) if st.p98.size else 1.0
    if kind == "reflectance":
        if dtype.startswith("float") and top <= 3.0:
            return Scaling(kind, 1.0, 0.0, False, t("values already reflectance (0–1)"))
        if dtype.startswith("float") and top <= PERCENT_MAX:
            return Scaling(kind, 0.01, 0.0, False, t("values look like reflectance in percent (sampled 98th percentile {top} <= "
                                                     "{max}): divided by 100", top=f"{top:.3g}", max=f"{PERCENT_MAX:g}"))
        if dtype == "uint8":
            return Scaling(kind, 1.0 / 255.0, 0.0, False, t("8-bit DN scaled to 0–1 (not calibrated reflectance)")
                           + _stretch_caution(src, bands), calibrated=False)
        # Collection 2 Level-2: reflectance 0 is DN 7273, so even the darkest 2 % stay far above DN/10000 values
        if modality.name.startswith("landsat") and (top > 20000 or float(np.min(st.p2)) > C2_DARK_DN):
            if _level1(src):  # Level-1 DN: TOA reflectance x sin(sun elevation) = DN x 2e-5 - 0.1 (MTL REFLECTANCE_MULT/ADD)
                return Scaling(kind, C2_L1_SCALE, C2_L1_OFFSET, False, t(
                    "Landsat Collection 2 Level-1 (the name says {level}): TOA reflectance = DN × 2e-5 − 0.1, not divided by "
                    "the sine of the sun elevation (in the product's MTL file)", level=_level1(src)))
            note = t("Landsat Collection 2 scale 2.75e-5, offset -0.2")
            if not _level2(src):
                note += separator() + t(C2_ASSUMED)
            return Scaling(kind, C2_SCALE, C2_OFFSET, False, note, surface=True)
        if modality.name == "vhr_multispectral" and not dtype.startswith("float") and 0 < top <= VHR_RAW_DN_MAX:
            return Scaling(kind, 1.0 / top, 0.0, False, t("values look like 11-bit raw DN (sampled 98th percentile {top} <= {max}), "
                                                          "scaled by it (not calibrated reflectance)", top=f"{top:g}",
                                                          max=f"{VHR_RAW_DN_MAX:g}"), calibrated=False)
        if modality.name.startswith("sentinel2"):
            return _s2_dn_scaling(src, kind, st, bands, modality.roles)
        return Scaling(kind, 1e-4, 0.0, False, t("reflectance = DN / 10000"))
    # 'range': bring to roughly 0–1 by dtype or by the sampled 98th percentile
    if dtype == "uint8":
        return Scaling(kind, 1.0 / 255.0, 0.0, False, t("8-bit values scaled to 0–1") + _stretch_caution(src, bands),
                       calibrated=False)
    integer_optical = bool({"red", "green", "blue", "nir"} & set(modality.roles)) and not dtype.startswith("float")
    if integer_optical and st.p2.size and float(np.min(st.p2)) > C2_DARK_DN and top <= C2_MAX_DN:
        # an undescribed RGB / RGBN stack of Landsat Collection 2 Level-2 bands (e.g. a virtual raster of SR_B2-SR_B5):
        # divided by its 98th percentile, the offset of 7273 DN would flatten every index (vegetation was lost)
        return Scaling(kind, C2_SCALE, C2_OFFSET, False, t(
            "values look like Landsat Collection 2 Level-2 DN (every band's dark objects above {dn}): reflectance = DN x 2.75e-5 "
            "- 0.2; choose a modality or set band descriptions if not", dn=f"{C2_DARK_DN:g}")
            + ("" if _level2(src) else separator() + t(C2_ASSUMED)), surface=True)
    if integer_optical and S2_PRODUCT_NAME.search(os.path.basename(src.path)):
        # an undescribed stack named as a Sentinel-2 product (S2B_MSIL2A_..., T36SYC_20230612T081609_...): its DN are
        # reflectance x 10000, with the baseline 04.00 offset when the metadata, the name or the values say so
        return _s2_dn_scaling(src, kind, st, bands, modality.roles, t("the file is named as a Sentinel-2 product"))
    if dtype.startswith("float") and top <= 3.0:
        return Scaling(kind, 1.0, 0.0, False, t("values used as they are (0–1)"), as_is=True)
    top = top if top > 0 else 1.0
    note = t("values scaled by the sampled 98th percentile ({top})", top=f"{top:g}")
    s2_like = _s2_like(modality, bands) or top > S2_DN_MAX_WITHOUT_OFFSET
    if integer_optical and s2_like and _above_offset(src, st) and top <= S2_DN_TOP_MAX:
        # an undescribed Sentinel-2 stack of baseline 04.00+ keeps its 1000 DN offset here (it flattens the indices);
        # the values alone cannot prove it (a bright desert without offset looks alike), so the analyst is told
        note += _offset_caution(t("give the file its product name (S2B_MSIL2A_…) or set band descriptions (B02, B03, B04, "
                                  "B08) so that it is removed"))
    return Scaling(kind, 1.0 / top, 0.0, False, note, calibrated=False)
