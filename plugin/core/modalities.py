"""Modalities: which physical quantity each band holds (its role), detected and overridable.

A :class:`Modality` maps roles (blue, green, red, nir, swir1, vv, height ...)
to 1-based band indices of one raster. Presets live in ``models/modalities.json``;
detection uses band descriptions first, then band count, dtype and values.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np

from .catalog import load_json
from .errors import ModalityError
from .messages import separator, t
from .quality import names_quality, quality_band_of
from .raster import RasterSource, crs_label, few_values, looks_like_db
from .sources import source_folders

MODALITY_CHOICES = ["auto", "sentinel2_l1c", "sentinel2_l2a", "landsat89", "landsat457", "rgb", "rgbn", "sar", "dsm", "generic",
                    "vhr_multispectral", "modis", "multispectral5", "superdove8"]
"""The modality names offered to analysts (Processing enum order: new ones go at the end, so saved models keep theirs)."""


class ChooseByHand(ModalityError):
    """No modality fits the bands; the fix is to choose one by hand (a tool without that choice words its own fix)."""


@dataclass
class Modality:
    """Band roles of one raster: ``roles[role] = band index (1-based)``."""

    name: str
    label: str
    roles: dict[str, int]
    scaling: dict
    reason: str = ""
    band_count: int = 0
    extra: dict = field(default_factory=dict)

    def band(self, role: str) -> Optional[int]:
        """1-based band index of a role, or None."""
        return self.roles.get(role)

    def has(self, *roles: str) -> bool:
        """True when every role is present."""
        return all(r in self.roles for r in roles)

    @property
    def family(self) -> str:
        """'optical', 'sar', 'height' or 'generic': an optical raster with a height band or SAR bands (Sentinel-2 bands
        then VV and VH in one file) is optical (its cloud-mask band is then found; its SAR bands are read apart,
        :meth:`~.stack.Layer.with_sar_apart`), a raster of heights alone is 'height'."""
        if self.has("red") or self.has("green") or self.has("nir"):
            return "optical"
        if self.has("vv") or self.has("vh") or self.has("hh") or self.has("hv"):
            return "sar"
        if self.has("height"):
            return "height"
        return "generic"

    def describe(self) -> str:
        """One line for explanations: preset, bands and how it was chosen."""
        bands = ", ".join(f"{r}=b{i}" for r, i in sorted(self.roles.items(), key=lambda kv: kv[1]))
        return f"{self.label} [{bands}] ({self.reason})"


def presets() -> dict:
    """The preset table from models/modalities.json."""
    return {k: v for k, v in load_json("modalities.json")["presets"].items()}


def from_preset(name: str, src: RasterSource, reason: Optional[str] = None) -> Modality:
    """Apply a named preset to a raster, checking that the band count fits (``reason``: 'chosen by the analyst' when
    not given, in the current language)."""
    if reason is None:
        reason = t("chosen by the analyst")
    table = presets()
    if name not in table:
        raise ModalityError(t("Unknown modality '{name}'.", name=name), t("Use one of: {choices}.", choices=", ".join(MODALITY_CHOICES)))
    p = table[name]
    roles_list = p["roles"]
    if name == "generic":
        roles = {f"band{i}": i for i in range(1, src.count + 1)}
    elif name == "sar":
        if src.count > SAR_STACK_MAX and not src.is_complex:
            raise ModalityError(
                t("The SAR preset reads 1 to 4 bands (VV[, VH], then bands it leaves out); '{name}' has {count}.", name=_base(src), count=src.count),
                t("Choose 'generic', or split the bands with Raster > Extraction."))
        roles = _roles_from_descriptions(src) or {r: i + 1 for i, r in enumerate(roles_list[: src.count])}
        caution = _left_out_caution(src, roles) if not src.is_complex else ""
        reason += separator() + caution if caution else ""
        return _as_co_cross(Modality(name, t(p["label"]), roles, dict(p["scaling"]), reason, src.count))
    elif name == "dsm":
        if src.count != 1:
            raise ModalityError(t("The DSM preset expects 1 band; '{name}' has {count}.", name=_base(src), count=src.count),
                                t("Pick the height band with Raster > Extraction, or choose 'generic'."))
        roles = {"height": 1}
    else:
        if src.count < len(roles_list):
            raise ModalityError(
                t("The {preset} preset needs {n} bands; '{name}' has {count}.", preset=t(p["label"]), n=len(roles_list),
                  name=_base(src), count=src.count),
                t("Choose the modality that matches the file, or 'auto'."))
        roles = {r: i + 1 for i, r in enumerate(roles_list) if r}  # '': a band the preset leaves out
        reason += _many_more_bands(src, t(p["label"]), len(roles_list))
    return Modality(name, t(p["label"]), roles, dict(p["scaling"]), reason, src.count)


def _many_more_bands(src: RasterSource, preset: str, n: int) -> str:
    """The caution of a preset reading bands 1 to n of a raster of at least twice as many ('' otherwise): a 200-band cube
    read as Sentinel-2 L2A reads its bands 1-12 (420-532 nm) as coastal ... SWIR2."""
    if src.count < 2 * n:
        return ""
    return separator() + t(
        "caution: '{name}' has {count} bands, the {preset} preset reads bands 1-{n} only, in its band order, and leaves "
        "out bands {first}-{count}; if the file is another sensor's (a hyperspectral cube), choose 'auto' and give the bands "
        "their wavelengths, or extract the preset's bands with Raster > Extraction", name=_base(src), count=src.count,
        preset=preset, n=n, first=n + 1)


SAR_STACK_MAX = 4
"""Bands a SAR stack may have: VV, VH and what exports add after them (VV−VH or VV/VH, an angle): those are left out."""


def _left_out_caution(src: RasterSource, roles: dict[str, int]) -> str:
    """What a SAR stack of more than VV and VH says of the bands no role reads ('caution: band 3 left out …')."""
    rest = ", ".join(str(b) for b in range(1, src.count + 1) if b not in roles.values())
    if not rest:
        return ""
    read = ", ".join(f"b{i} {r.upper()}" for r, i in sorted(roles.items(), key=lambda kv: kv[1]))
    return t("caution: {n} bands: read as {read}; band(s) {rest} left out (e.g. a VV−VH ratio of a colour composite); set "
             "band descriptions (VV, VH) if the bands are in another order", n=src.count, read=read, rest=rest)


_CO_CROSS = {"hh": "vv", "hv": "vh"}
"""HH and HV (ALOS-2, RADARSAT, NISAR) are co- and cross-polarised as VV and VH are: the SAR rules read them in their place."""


def _as_co_cross(m: Modality) -> Modality:
    """A SAR modality whose HH / HV bands are read as the co- / cross-polarised bands the engines take (VV's and VH's
    roles and rules), said in its reason; its label names the real polarisations and ``extra['polarisations']`` maps
    each role to the polarisation read (a change pair of HH/HV and VV/VH is still no pair, :func:`polarisations`)."""
    moved = {r: _CO_CROSS[r] for r in m.roles if r in _CO_CROSS and _CO_CROSS[r] not in m.roles}
    if not moved:
        return m
    pols = ", ".join(r.upper() for r, _ in sorted(m.roles.items(), key=lambda kv: kv[1]))
    said = separator().join(t("HH read as the co-polarised band (VV's rules)") if r == "hh" else
                            t("HV read as the cross-polarised band (VH's rules)") for r in moved)
    roles = {moved.get(r, r): i for r, i in m.roles.items()}
    return replace(m, label=t("SAR ({polarisations})", polarisations=pols), roles=roles, reason=m.reason + separator() + said,
                   extra={**m.extra, "polarisations": {v: k for k, v in moved.items()}})


def polarisations(m: Modality) -> dict[str, str]:
    """The polarisation each SAR role of a modality holds: role → 'vv', 'vh', 'hh' or 'hv' (HH read in VV's role: 'hh')."""
    read_as = m.extra.get("polarisations", {})
    return {r: read_as.get(r, r) for r in m.roles if r in ("vv", "vh", "hh", "hv")}


def _base(src: RasterSource) -> str:
    """The raster's file name (messages and file-name hints)."""
    return os.path.basename(src.path)


_WAVELENGTH = re.compile(r"^(?P<name>.*?)[\s,;:(\[_-]*(central\s+wavelength\s*[:=]?\s*)?(?:(?P<nm>\d{3,4}(\.\d+)?)\s*"
                         r"(?:nm|nanomet(?:er|re)s?)|(?P<um>\d{1,2}\.\d+)\s*(?:µm|μm|um|micromet(?:er|re)s?|microns?))\W*$")
"""A trailing wavelength qualifier: 'B4, central wavelength 665 nm', 'B4 (665 nm)', 'red_665nm', '842 nm', and as GDAL's
ENVI driver writes them: '431.66 Nanometers', 'Band 1 (0.4000 Micrometers)'."""


def _split_wavelength(desc: str) -> tuple[str, Optional[float]]:
    """A band description, lower case, without its trailing wavelength qualifier ('' when it is only a wavelength), and
    that wavelength in nm (None when it has none)."""
    d = desc.strip().lower()
    qualified = _WAVELENGTH.match(d)
    if not qualified:
        return d, None
    nm = float(qualified.group("nm")) if qualified.group("nm") else float(qualified.group("um")) * 1000.0
    return qualified.group("name").strip(), nm


def _match_role(desc: str) -> Optional[str]:
    """The role a band description names (its name, else its wavelength), or None."""
    return _role_and_offset(desc)[0]


def _role_and_offset(desc: str) -> tuple[Optional[str], float]:
    """The role a band description names and its rank among bands naming the same role (lower wins): -2 for a plain name
    ('green'), -1 for a looser one ('green i'), else how far (nm) its wavelength lies from the centre of the role's range;
    (None, -1) for none. A wavelength far outside the named role's range overrules the name ('SWIR1 (1210 nm)')."""
    table = load_json("modalities.json")
    d = desc.strip().lower()
    if not d:
        return None, -1.0
    name, nm = _split_wavelength(d)
    role, rank = _named_role([name, d] if name and name != d else [d])
    if role is not None and not _wavelength_overrules(role, nm):
        return role, rank
    if nm is not None:
        return next(((role, abs(nm - (lo + hi) / 2)) for lo, hi, role in table["wavelength_roles_nm"] if lo <= nm < hi),
                    (None, -1.0))
    return None, -1.0


def _named_role(candidates: list[str]) -> tuple[Optional[str], float]:
    """The role the first matching description pattern names, ranked -2 for a plain name and -1 for a pattern with a
    wildcard ('.*\\bgreen\\b.*': SuperDove's 'Green I' at 531 nm yields to its 'Green' at 565 nm); (None, -1) for none."""
    for candidate in candidates:
        for role, patterns in load_json("modalities.json")["description_patterns"].items():
            hit = next((pat for pat in patterns if re.fullmatch(pat, candidate)), None) if not role.startswith("_") else None
            if hit is not None:
                return role, -1.0 if ".*" in hit else -2.0
    return None, -1.0


def _wavelength_overrules(role: str, nm: Optional[float]) -> bool:
    """Whether a description's wavelength lies more than the tolerance outside the range of the role its name names
    (WorldView-3's 'SWIR1 (1210 nm)' is no 1.6 µm SWIR1 band)."""
    table = load_json("modalities.json")
    ranges = [(lo, hi) for lo, hi, r in table["wavelength_roles_nm"] if r == role]
    tolerance = table["name_wavelength"]["tolerance_nm"]
    return nm is not None and bool(ranges) and all(nm < lo - tolerance or nm >= hi + tolerance for lo, hi in ranges)


def _landsat_roles(src: RasterSource, oli: Optional[bool] = None) -> dict[str, int]:
    """Roles from Landsat-style descriptions ('band 5 reflectance', 'ETM+ B7 SWIR2'), numbered as OLI's or TM/ETM+'s as
    ``oli`` says (None: as :func:`_is_oli` finds)."""
    table = load_json("modalities.json")["landsat_band_numbers"]
    numbers = table["oli"] if (_is_oli(src) if oli is None else oli) else table["tm_etm"]
    roles: dict[str, int] = {}
    for i, desc in enumerate(src.descriptions, start=1):
        d = desc.lower()
        if re.search(r"temperature|thermal|^st_b\d", d):
            roles.setdefault("thermal", i)
            continue
        m = re.search(r"(?:^|[^a-z0-9])b(?:and)?\s*(\d{1,2})\b", d)  # 'band 5', 'ETM+ B7', Collection 2 'SR_B5', HLS 'B05'
        number = str(int(m.group(1))) if m else ""
        if number in numbers:
            roles.setdefault(numbers[number], i)
    return roles


def _is_oli(src: RasterSource) -> bool:
    """Landsat 8/9 OLI band numbering: named so, an 'SR_B6' band (SWIR1; TM/ETM+ band 6 is thermal, 'ST_B6'), B10 and B11
    without B12 (its two thermal bands), a file name saying so (LC08/LC09 product ids, 'landsat 8', HLS L30), or, for
    Collection 2 names that fit both (SR_B2 ... SR_B5), the values (:func:`_oli_by_values`)."""
    descs = [d.strip().lower() for d in src.descriptions]
    named = load_json("modalities.json")["landsat_names"]
    names = [_base(src)] + list(src.band_sources)  # a virtual raster's band files: LC09_L2SP_..._SR_B4.TIF
    if (any("oli" in d for d in descs) or "sr_b6" in descs or _has_two_thermal_numbers(descs)
            or any(re.search(named["oli_file_name"], n.lower()) for n in names)):
        return True
    if any(d.startswith("st_b6") or re.fullmatch(r"(?:band\s*|b)6", d) for d in descs):  # TM/ETM+ thermal band 6
        return False
    return _is_collection2(src) and _oli_by_values(src)


def _oli_by_values(src: RasterSource) -> bool:
    """Collection 2 'SR_B3', 'SR_B4', 'SR_B5' (or bare 'B3', 'B4', 'B5') without a sensor named: Landsat 8/9 when
    vegetation shows in NDVI read the OLI way (B5 NIR, B4 red) rather than the TM/ETM+ way (B4 NIR, B3 red). Read the
    wrong way, the NDVI of vegetation is red against green or SWIR1 against NIR, near or below 0 (an Earth Engine export
    of SR_B2-SR_B5 named 'export_rgbn.tif' was read as TM: vegetation 0 % at 'high' confidence)."""
    pattern = load_json("modalities.json")["landsat_names"]["band_name"]
    idx = {int(m.groups()[-1]): i for i, d in enumerate(src.descriptions, start=1)
           for m in [re.fullmatch("(?:sr_)?" + pattern, d.strip().lower())] if m}
    if not {3, 4, 5} <= idx.keys():
        return False
    v = _reflectance_sample(src, [idx[3], idx[4], idx[5]], 250_000)
    if v is None:
        return False
    b3, b4, b5 = np.clip(v, 1e-4, None)
    tm, oli = (b4 - b3) / (b4 + b3), (b5 - b4) / (b5 + b4)
    return bool(np.percentile(oli, 90) > np.percentile(tm, 90))


def _reflectance_sample(src: RasterSource, bands: list[int], max_pixels: int = 100_000) -> Optional[np.ndarray]:
    """Sampled values of some bands (bands × pixels valid in all) brought near reflectance to compare bands: as they are
    when their median is at most 2, Landsat Collection 2 Level-2 DN (DN x 2.75e-5 - 0.2) when every band's dark objects
    are above C2_DARK_DN, else DN / 10000 (Sentinel-2, HLS); None with fewer than 100 valid pixels."""
    from .scaling import C2_DARK_DN

    data = src.sample(bands=bands, max_pixels=max_pixels)
    ok = ~np.ma.getmaskarray(data).any(axis=0)
    v = np.asarray(data.data, dtype=np.float64)[:, ok]
    if v.shape[1] < 100:
        return None
    if np.median(v) <= 2.0:
        return v
    if float(np.percentile(v, 2, axis=1).min()) > C2_DARK_DN:
        return v * 2.75e-5 - 0.2
    return v * 1e-4


VEGETATION_NDVI_MIN = 0.4
"""The NIR and red bands of a reading show vegetation when the 90th percentile of their NDVI reaches this (green
vegetation: 0.5-0.9); read from other bands (red against green, red edge against red of another sensor) it stays lower."""
SWIR_NIR_MAX = 0.9
"""Where NIR and red show vegetation, the SWIR2 band's median reflectance is below this fraction of the NIR band's (at
most 0.75 on the 161 of 203 HLS Landsat chips that show vegetation; SWIR1 reaches 1.2 over sparse vegetation): a 'SWIR2'
band as bright as 'NIR' is another band (a red edge or NIR band of a sensor with another band order)."""


def _swir_over_nir(src: RasterSource, red: int, nir: int, swirs: list[int]) -> Optional[tuple[bool, float]]:
    """Whether a reading's bands ``nir`` and ``red`` show vegetation (the 90th percentile of their NDVI reaches
    VEGETATION_NDVI_MIN) and, over the top decile of that NDVI, the brightest of its ``swirs`` bands' median over the NIR
    band's median (give SWIR2 alone: SWIR1 is as bright as NIR over sparse vegetation); None when too few pixels are
    valid."""
    v = _reflectance_sample(src, [red, nir, *swirs])
    if v is None:
        return None
    v = np.clip(v, 1e-4, None)
    ndvi = (v[1] - v[0]) / (v[1] + v[0])
    cut = float(np.percentile(ndvi, 90))
    veg = v[:, ndvi >= cut]
    return cut >= VEGETATION_NDVI_MIN, float(np.median(veg[2:], axis=1).max() / np.median(veg[1]))


def _vegetation_elsewhere(src: RasterSource) -> bool:
    """Whether two bands of the file show vegetation as red and NIR do: the 90th percentile of band j's NDVI against band
    i (i > 1, j > i) reaches VEGETATION_NDVI_MIN, and band i - 1 is brighter than band i there, as green is than red over
    leaves (bare soil, brighter band after band, does not pass)."""
    v = _reflectance_sample(src, list(range(1, src.count + 1)))
    if v is None:
        return False
    v = np.clip(v, 1e-4, None)
    for i in range(1, len(v)):
        for j in range(i + 1, len(v)):
            ndvi = (v[j] - v[i]) / (v[j] + v[i])
            cut = float(np.percentile(ndvi, 90))
            top = ndvi >= cut
            if cut >= VEGETATION_NDVI_MIN and np.median(v[i - 1, top]) > np.median(v[i, top]):
                return True
    return False


def _landsat_fits(src: RasterSource, red: int, nir: int, swirs: list[int]) -> bool:
    """Whether bands read as Landsat's show vegetation in their NIR and red bands and SWIR bands darker than NIR there."""
    found = _swir_over_nir(src, red, nir, swirs)
    return found is not None and found[0] and found[1] < SWIR_NIR_MAX


def _band_numbers(descs: list[str]) -> set[int]:
    """The numbers of bare band names ('B4', 'B05', 'band 10') among lower-case descriptions."""
    pattern = load_json("modalities.json")["landsat_names"]["band_name"]
    return {int(m.group(2)) for m in (re.fullmatch(pattern, d) for d in descs) if m}


def _has_two_thermal_numbers(descs: list[str]) -> bool:
    """B10 and B11 without B12 and B8A: Landsat 8/9's two thermal bands, which Sentinel-2 numbering lacks."""
    numbers = _band_numbers(descs)
    return {10, 11} <= numbers and 12 not in numbers and "b8a" not in descs


def _landsat_numbered(src: RasterSource) -> str:
    """Why bare band numbers ('B1' ... 'B11') are Landsat's here rather than Sentinel-2's ('' when they are not)."""
    descs = [d.strip().lower() for d in src.descriptions if d.strip()]
    if len(_band_numbers(descs)) < 3 or "b8a" in descs or "b0" in descs:
        return ""
    name = _base(src)
    if re.search(load_json("modalities.json")["landsat_names"]["file_name"], name.lower()):
        return t("band numbers read as Landsat's: the file name '{name}' says Landsat", name=name)
    if _has_two_thermal_numbers(descs):
        return t("band numbers read as Landsat 8/9's: B10 and B11 without B12 are its thermal bands")
    return ""


def _modis_roles(src: RasterSource) -> tuple[dict[str, int], str]:
    """Roles from MODIS band names ('sur_refl_b01', 'Nadir_Reflectance_Band1'), or from band numbers or band order in a
    file named MOD*/MYD*/MCD*, and why; ({}, '') when neither says MODIS."""
    table = load_json("modalities.json")["modis_band_numbers"]
    descs = [d.strip().lower() for d in src.descriptions]
    by_file = re.match(table["file_name"], _base(src).lower()) is not None
    if not by_file and not any(re.match(table["named_band"], d) for d in descs):
        return {}, ""
    why = t("the file name '{name}' says MODIS", name=_base(src)) if by_file else t("MODIS band names")
    if by_file and not any(descs) and src.count == len(table["numbers"]):
        return {role: int(k) for k, role in table["numbers"].items()}, why
    roles: dict[str, int] = {}
    for i, d in enumerate(descs, start=1):
        m = re.match(table["band_name"] + r"(?!\d)", d)
        if m and m.groups()[-1] in table["numbers"]:
            roles.setdefault(table["numbers"][m.groups()[-1]], i)
    return (roles, why) if {"red", "nir"} <= roles.keys() else ({}, "")


def _is_collection2(src: RasterSource) -> bool:
    """Band descriptions in the Landsat Collection 2 style ('SR_B4', 'ST_B10'), whose numbers depend on the sensor."""
    return any(re.fullmatch(r"(sr|st)_b\d{1,2}", d.strip().lower()) for d in src.descriptions)


def _roles_from_descriptions(src: RasterSource) -> dict[str, int]:
    """Roles named by the band descriptions (empty when they name fewer than all bands)."""
    return _roles_and_ranks(src)[0]


MANY_BANDS = 20
"""More bands than any multispectral sensor's stack (Sentinel-2: 13, WorldView-3: 16): a hyperspectral or many-band cube,
whose roles come from wavelengths (:func:`_many_band_cube`)."""


def _roles_and_ranks(src: RasterSource) -> tuple[dict[str, int], dict[str, float]]:
    """Roles named by the band descriptions and each one's rank (:func:`_role_and_offset`: below 0 named, else read from
    its wavelength). Bands an ENVI bad-band list flags are never read; of bands only a wavelength names (a hyperspectral
    cube: ten in a range), the one nearest the centre of the role's range is read; in a many-band cube, the cirrus role
    comes only from a band named so (any band at 1340-1410 nm lies in the water absorption, as no surface band does)."""
    descs = [d.strip().lower() for d in src.descriptions]
    if "b0" in descs:  # SPOT / Pléiades numbering: B0 is blue (B1 is not Sentinel-2's coastal band there)
        airbus = load_json("modalities.json")["airbus_band_numbers"]
        return {airbus[d]: i for i, d in enumerate(descs, start=1) if d in airbus}, {}
    wv3 = _worldview3_swir(src.descriptions)
    roles: dict[str, int] = {}
    ranks: dict[str, float] = {}
    for i, desc in enumerate(src.descriptions, start=1):
        if i in src.bad_bands:
            continue
        role, rank = (wv3[i] or None, -2.0) if i in wv3 else _role_and_offset(desc)
        if role is None or (role in roles and rank >= ranks[role]):  # ties keep the first band
            continue
        roles[role], ranks[role] = i, rank
    if src.count > MANY_BANDS and ranks.get("cirrus", -1.0) >= 0:
        del roles["cirrus"], ranks["cirrus"]
    if "nir08" in roles and "nir" not in roles:  # a Sentinel-2 20 m stack (B8A only), a sensor's one NIR band at 865 nm
        roles["nir"], ranks["nir"] = roles["nir08"], ranks["nir08"]
    return roles, ranks


def _worldview3_swir(descriptions: tuple[str, ...]) -> dict[int, str]:
    """WorldView-3's SWIR bands named without a wavelength ('SWIR1' ... 'SWIR8', told by a SWIR3 ... SWIR8 name): band →
    role ('swir1' for SWIR3 at 1.66 µm, 'swir2' for SWIR6 at 2.2 µm, '' for the others); {} for other namings."""
    table = load_json("modalities.json")["worldview3_swir"]
    names = [_split_wavelength(d) for d in descriptions]
    if not any(re.fullmatch(table["marker"], name) for name, _ in names):
        return {}
    return {i: table["roles"].get(m.group(1), "") for i, (name, nm) in enumerate(names, start=1)
            for m in [re.fullmatch(table["band"], name)] if m and nm is None}


def detect_modality(src: RasterSource) -> Modality:
    """Guess the modality of a raster from descriptions, band count, dtype and values (and say what the source itself
    says, :func:`with_source_notes`)."""
    return with_source_notes(src, _detect_modality(src))


def with_source_notes(src: RasterSource, m: Modality) -> Modality:
    """A modality's reason completed with what the raster says beyond its bands: quality bands left out, a palette, the
    GCPs that place it, the CRS and nodata set on its layer in QGIS, a rendered map view of a web layer (core/snapshot.py)."""
    from .snapshot import TAG

    quality = quality_bands(src, m)
    if quality:
        m = replace(m, reason=m.reason + separator() + t("quality band(s) {bands} left out (masks, not data)", bands=", ".join(quality)))
        qb, why = quality_band_of(src, set(m.roles.values())) if m.family == "optical" else (None, "")
        if qb is not None and not why:
            m = replace(m, reason=m.reason + separator() + t("{band} is the cloud and shadow mask", band=qb.label()))
        elif why:
            m = replace(m, reason=m.reason + separator() + t("{band} is not used as the cloud mask: {why} (resampled with averaging? "
                                                      "resample quality bands by nearest neighbour)", band=qb.label(), why=why))
    if getattr(src, "validity_band", None):
        m = replace(m, reason=m.reason + separator() + t("b{n} {name} marks where there is no data (left out)",
                                                 n=src.validity_band, name=src.descriptions[src.validity_band - 1].strip()))
    if getattr(src, "palette_expanded", False):
        m = replace(m, reason=f"{m.reason}: " + t("one band of palette indices read through its colour table"))
    if getattr(src, "gcp_count", 0):
        m = replace(m, reason=m.reason + separator() + t("placed by its {n} ground control points (no map grid of its own): read warped "
                                                 "onto a north-up grid, as QGIS draws it", n=src.gcp_count))
    if getattr(src, "file_crs", ""):
        said = (t("placed in the CRS set on its layer in QGIS, {crs} (the file has none)", crs=crs_label(src.crs))
                if src.file_crs == "none" else
                t("placed in the CRS set on its layer in QGIS, {crs} (the file says {file_crs})", crs=crs_label(src.crs),
                  file_crs=src.file_crs))
        m = replace(m, reason=f"{m.reason}; {said}")
    if getattr(src, "user_nodata", ()):
        values = ", ".join(f"{lo:g}" if lo == hi else t("{lo} to {hi}", lo=f"{lo:g}", hi=f"{hi:g}") for lo, hi in src.user_nodata)
        m = replace(m, reason=m.reason + separator() + t("{values} nodata as set on its layer in QGIS", values=values))
    layer = (getattr(src, "tags", None) or {}).get(TAG)
    if not layer:
        return m
    return replace(m, reason=m.reason + separator() + t("the map view of the layer '{layer}' as drawn, at the map's resolution", layer=layer))


def quality_bands(src: RasterSource, modality: Modality) -> list[str]:
    """Bands whose descriptions name a quality or cloud-mask layer (SCL, QA_PIXEL, Fmask, QA60 ...) and that no role
    reads, as 'b7 SCL'."""
    patterns = load_json("modalities.json")["quality_bands"]["patterns"]
    used = set(modality.roles.values())
    return [f"b{i} {d.strip()}" for i, d in enumerate(src.descriptions, start=1) if i not in used and names_quality(d, patterns)]


def _placeholder(desc: str, index: int) -> bool:
    """True for a description that only numbers its own band ('Band 4' on band 4, as GDAL, ENVI and ArcGIS fill them)."""
    m = re.fullmatch(r"band[\s_#:-]*0*(\d+)", desc.strip().lower())
    return m is not None and int(m.group(1)) == index


def _landsat_placeholders(src: RasterSource) -> bool:
    """Whether 'Band 1' ... 'Band N' may be Landsat band numbers here: the file name says Landsat, the band count is a
    Landsat stack's (6 to 8) or a band is described as thermal."""
    names = [_base(src)] + list(src.band_sources)
    pattern = load_json("modalities.json")["landsat_names"]["file_name"]
    return (any(re.search(pattern, n.lower()) for n in names) or 6 <= src.count <= 8
            or any(re.search(r"temperature|thermal", d.lower()) for d in src.descriptions))


def _described(src: RasterSource) -> RasterSource:
    """The raster with what its band descriptions really say: a placeholder ('Band 4' on band 4) read as no description
    unless Landsat numbering may be meant (:func:`_landsat_placeholders`; a 13-band Sentinel-2 chip described 'Band 1' ...
    'Band 13' was read as Landsat 4-7, water IoU 0.47 instead of 0.85), a band's wavelength from its metadata
    (GDAL's ENVI driver: 'wavelength', 'wavelength_units') added where its description gives none."""
    waves = src.wavelengths or ("",) * src.count
    keep = not any(waves) and _landsat_placeholders(src)
    descs = tuple("" if not keep and _placeholder(d, i) else _unstacked(d) for i, d in enumerate(src.descriptions, start=1))
    descs = tuple(d if not w or _split_wavelength(d)[1] is not None else f"{d} ({w})" if d else w
                  for d, w in zip(descs, waves))
    if _bare_wavelengths(descs):  # '665.3' on every band: wavelengths in nm
        descs = tuple(f"{d.strip()} nm" for d in descs)
    return src if descs == src.descriptions else replace(src, descriptions=descs)


_BARE_NM = re.compile(r"\d{3,4}(\.\d+)?")
"""A description that is only a number of 3-4 digits: a wavelength in nm when every band has one ('665.3')."""
BARE_NM_BELOW = 1000.0
"""A list of bare wavelengths holds a visible or NIR band below this (nm); years ('2020', '2021': a time stack) hold
none, and read as nm they were SWIR2 (a two-date float stack was read as SAR without VV)."""


def _bare_wavelengths(descs: tuple[str, ...]) -> bool:
    """Whether every description is a bare number of 3-4 digits and one of them lies below BARE_NM_BELOW nm."""
    return all(_BARE_NM.fullmatch(d.strip()) for d in descs) and min(float(d) for d in descs) < BARE_NM_BELOW


def _unstacked(desc: str) -> str:
    """A band name without the date or image id a time stack or Earth Engine's toBands() puts around it
    ('20150912T025546_20150912T025546_T49QHE_B8A' → 'B8A', 'B01_20150912' → 'B01'); unchanged otherwise and where the
    prefix names a Landsat product (it says the sensor)."""
    table = load_json("modalities.json")
    d = desc.strip()
    for key in ("prefix", "suffix"):
        m = re.fullmatch(table["stacked_band_names"][key], d.lower())
        if m and not (key == "prefix" and re.search(table["landsat_names"]["file_name"], m.group("prefix"))):
            return d[m.start("band"):m.end("band")]
    return desc


@dataclass(frozen=True)
class S2ProductName:
    """What the names around a raster say of its Sentinel-2 product (:func:`s2_product_name`)."""

    folder_product: str = ""
    """The product id its band files' folder is named by ('S2B_33UVP_20230612_0_L2A', Earth Search), '' when none."""
    baseline: str = ""
    """The processing baseline a product name gives ('05.09' from '_N0509_'), '' when none."""
    date: str = ""
    """The earliest sensing date ('YYYYMMDD') a product name or the folder's product id gives, '' when none."""


def s2_product_name(src: RasterSource) -> S2ProductName:
    """The Sentinel-2 product id, processing baseline and sensing date given by the raster's file name, its tags, a
    virtual raster's source files and their folders (Earth Search keeps the id, with its date and without a time, in the
    folder: .../S2B_33UVP_20230612_0_L2A/B04.tif): one reading for the offset's scaling and the modality's why."""
    folders = source_folders(src.path)
    pattern = load_json("modalities.json")["sentinel2_band_files"]["folder_product"]
    products = [m for m in (re.fullmatch(pattern, f, re.I) for f in folders) if m]
    text = " ".join([_base(src)] + [str(v) for v in src.tags.values()] + list(src.band_sources) + folders)
    baseline = re.search(r"_N(\d{2})(\d{2})_", text)
    dates = re.findall(r"(?<!\d)(20\d{6})T\d{6}", text) + [m.group(1) for m in products]
    return S2ProductName(products[0].group(0) if products else "",
                         f"{baseline.group(1)}.{baseline.group(2)}" if baseline else "", min(dates, default=""))


def _source_names_why(src: RasterSource) -> str:
    """Why the bands were named by a virtual raster's source file names, with the Sentinel-2 product id the folders of
    those files give (:func:`s2_product_name`)."""
    product = s2_product_name(src).folder_product
    if product:
        return t("band names in the virtual raster's source file names, of the Sentinel-2 product {product} (their folder)",
                 product=product)
    return t("band names in the virtual raster's source file names")


def _detect_modality(src: RasterSource) -> Modality:
    """The modality from descriptions (:func:`_described`), band count, dtype and values; of a time stack whose band names
    repeat (two dates of B01 ... B12), the first date's, the bands left out said."""
    src = _described(src)
    k = _first_date_bands(src)
    if not k:
        return _detect_bands(src)
    m = _detect_bands(_first_bands(src, k))
    return replace(m, band_count=src.count, reason=m.reason + separator() + t(
        "caution: bands {first}-{last} repeat the names of bands 1-{k} (a time stack of another date): only bands 1-{k} are "
        "read, bands {first}-{last} are left out; to use another date, extract its bands with Raster > Extraction",
        first=k + 1, last=src.count, k=k))


def _first_date_bands(src: RasterSource) -> int:
    """How many bands come before the first band whose description repeats an earlier band's name (a time stack: 'B01'
    ... 'B12' twice); 0 when none repeats (a wavelength alone may repeat: overlapping detectors of a cube)."""
    seen: set[str] = set()
    for i, desc in enumerate(src.descriptions):
        d = desc.strip().lower()
        if d in seen and i >= 3 and _split_wavelength(d)[0] and _match_role(d):
            return i
        seen.add(d)
    return 0


def _first_bands(src: RasterSource, k: int) -> RasterSource:
    """The raster seen as its first ``k`` bands (band indices unchanged)."""
    return replace(src, count=k, dtypes=src.dtypes[:k], descriptions=src.descriptions[:k], band_tags=src.band_tags[:k],
                   units=src.units[:k], scales=src.scales[:k], offsets=src.offsets[:k], band_sources=src.band_sources[:k],
                   wavelengths=src.wavelengths[:k], bad_bands=tuple(b for b in src.bad_bands if b <= k))


def _sentinel2_numbered(descs: list[str]) -> bool:
    """Band names only Sentinel-2 numbering has, among lower-case descriptions: B8A, or B12 (Landsat has no band 12)."""
    return "b8a" in descs or 12 in _band_numbers(descs)


def _detect_bands(src: RasterSource) -> Modality:
    """The modality of described bands (:func:`_detect_modality`), by descriptions, band count, dtype and values."""
    n = src.count
    if src.is_complex:
        return Modality("sar", t("SAR (complex → intensity)"), {"vv": 1} if n == 1 else {"vv": 1, "vh": 2}, {"kind": "sar_db"},
                        t("complex data type"), n)
    named, ranks = _roles_and_ranks(src)
    named_count = sum(1 for d in src.descriptions if d.strip())
    s2_numbered = _sentinel2_numbered([d.strip().lower() for d in src.descriptions])
    if any(k in named for k in ("vv", "vh", "hh", "hv")) and n <= 4:
        return _as_co_cross(Modality("sar", t("SAR"), named, {"kind": "sar_db"}, t("band descriptions name polarisations"), n))
    if "height" in named and n == 1:
        return Modality("dsm", t("DSM / nDSM (height)"), named, {"kind": "metres"}, t("band description names a height"), n)
    landsat_why = t("Landsat Collection 2 band names") if _is_collection2(src) else _landsat_numbered(src)
    if landsat_why:  # 'SR_B5' / 'B5' is NIR on Landsat 8/9 but SWIR1 on Landsat 4-7 (and red edge on Sentinel-2)
        lroles = _landsat_roles(src)
        if {"red", "nir"} <= lroles.keys():
            name = "landsat89" if _is_oli(src) else "landsat457"
            return Modality(name, t(presets()[name].get("label", name)), lroles, presets()[name]["scaling"], landsat_why, n)
    modis, modis_why = _modis_roles(src)
    if modis:
        p = presets()["modis"]
        return Modality("modis", t(p["label"]), modis, dict(p["scaling"]), modis_why, n)
    if (named_count == n or s2_numbered) and len(named) >= 3 and named.keys() & {"red", "green", "blue", "nir"}:
        if n > MANY_BANDS and all(r >= 0 for r in ranks.values()):
            return _many_band_cube(src, named)
        name, label, scaling = _optical_family(named, n, src.descriptions)
        why = _source_names_why(src) if src.names_from_sources else t("band descriptions")
        undescribed = ", ".join(str(i) for i, d in enumerate(src.descriptions, start=1) if not d.strip())
        if undescribed:  # Sentinel-2 band names and a band written without one (an index band of an export)
            why += separator() + t("band(s) {bands} without a description left out", bands=undescribed)
        why += _unread_notes(src, named)
        m = Modality(name, label, named, scaling, why, n)
        return _sentinel2_checked(src, m) if name.startswith("sentinel2") else m
    # Landsat stacks often carry an undescribed extra band (e.g. a QA or empty band): the numbered
    # descriptions of the others still decide (not names only Sentinel-2 has: B8A, B12).
    lroles = _landsat_roles(src) if named_count >= max(4, n - 1) and not s2_numbered else {}
    if len(lroles) >= 4 and {"red", "nir"} <= lroles.keys():
        name = "landsat89" if _is_oli(src) else "landsat457"  # the roles follow that numbering: so does the label
        return Modality(name, t(presets()[name].get("label", name)), lroles, presets()[name]["scaling"],
                        t("Landsat band descriptions"), n)
    db_stack = _db_stack(src) if named_count == 0 else None
    if db_stack is not None:
        return db_stack
    for name, p in presets().items():
        if n in p.get("counts", []):
            if n in (3, 4):
                return _band_order(src, name)
            if n == 5:
                return _five_band_order(src, name)
            if n == 2 and not src.dtypes[0].startswith("float"):
                break
            m = from_preset(name, src, t("{n} bands", n=n))
            return _landsat_count_checked(src, m) if name.startswith("landsat") else m
    if n == 1:
        return _single_band(src)
    pols = _POLARISATION_IN_NAME.findall(_base(src).lower())
    if n == 2 and len(pols) == 2 and pols[0] != pols[1]:  # 's1_vv_vh.tif': integer amplitude of two polarisations
        roles = {"hh": 1, "hv": 2} if set(pols) == {"hh", "hv"} else {"vv": 1, "vh": 2}  # HH/HV: said, as read in VV's/VH's roles
        return _as_co_cross(Modality("sar", t("SAR"), roles, {"kind": "sar_db"},
                                     t("the file name names the polarisations '{first}', '{second}' (read as VV, VH)",
                                       first=pols[0].upper(), second=pols[1].upper()), n))
    if n > MANY_BANDS:
        raise ChooseByHand(
            t("'{name}' has {n} bands without band descriptions or wavelengths TerraPrompt recognises, which fits no modality.",
              name=_base(src), n=n),
            t("Give each band its centre wavelength (band metadata 'wavelength' with 'wavelength_units', or "
              "'CENTRAL_WAVELENGTH_UM'; an ENVI header's 'wavelength' list; descriptions such as '665 nm'), or extract the "
              "bands you need with Raster > Extraction."))
    raise ChooseByHand(
        t("'{name}' has {n} bands without band descriptions TerraPrompt recognises, which fits no modality.", name=_base(src), n=n),
        _choose_by_hand_fix(src))


def _choose_by_hand_fix(src: RasterSource) -> str:
    """The fix of undescribed bands that fit no modality, by band count: the preset that reads such files, or the band
    descriptions to set ('generic' reads no concept: water and vegetation need named bands)."""
    if src.count == 8:
        return t("Choose the modality 'vhr_multispectral' if the bands are in WorldView's order (coastal, blue, green, yellow, "
                 "red, red edge, NIR1, NIR2), or 'superdove8' if they are in PlanetScope SuperDove's order (coastal blue, blue, "
                 "green I, green, yellow, red, red edge, NIR), or set band descriptions.")
    if src.count == 2:
        return t("Choose the modality 'sar' if the bands are SAR backscatter (VV, then VH), or describe the bands as VV and VH.")
    return t("Choose the modality by hand (e.g. 'generic'), or set band descriptions such as B02/B03/B04/B08 or red/green/blue/nir.")


def _landsat_count_checked(src: RasterSource, m: Modality) -> Modality:
    """Six or seven undescribed bands read as Landsat by their count, checked by values: refused when the bands read as
    NIR and red show vegetation and a 'SWIR' band is as bright as NIR there; a caution when they show none while other
    bands do (:func:`_vegetation_elsewhere`; a Pléiades Neo product, deep blue ... red edge, NIR, was read so: NIR as
    SWIR2, vegetation 0 %). Genuine Landsat bands of a scene without vegetation (bare soil, towns, water: SWIR2 at or
    above NIR) get none: of 203 undescribed HLS chips, 21 had one, 5 (six bands) and 6 (seven bands) have, 4 of them with
    NIR at 0; of 54 Sentinel-2 crops written as 6 or 7 undescribed bands, 38 keep it."""
    found = _swir_over_nir(src, m.roles["red"], m.roles["nir"], [m.roles["swir2"]])
    if found is None or found[1] < SWIR_NIR_MAX or not (found[0] or _vegetation_elsewhere(src)):
        return m
    said = t("band {swir2} (read as SWIR2) is not darker than band {nir} (read as NIR) where that band is brightest against "
             "red (ratio {ratio}), as Landsat's SWIR2 band is", swir2=m.roles["swir2"], nir=m.roles["nir"],
             ratio=f"{found[1]:.2f}")
    if found[0]:
        raise ChooseByHand(t("'{name}' has {n} undescribed bands, which their count reads as {label}, but its values do not "
                             "fit: {why}.", name=_base(src), n=src.count, label=m.label, why=said),
                           t("Set band descriptions (e.g. blue, green, red, rededge, nir), or choose the modality that "
                             "matches the file by hand."))
    return replace(m, reason=m.reason + separator() + t(
        "caution: read as {label} by the band count alone, and {why}: set band descriptions or choose MODALITY if these are "
        "another sensor's bands", label=m.label, why=said))


def _unread_notes(src: RasterSource, named: dict[str, int]) -> str:
    """What the reason says of described bands: those no role reads because their description names none ('band 2 "foo"
    not recognised, left out'; quality bands are said apart) and a NIR2 band read as NIR (WorldView's 860-1040 nm band)."""
    patterns = load_json("modalities.json")["quality_bands"]["patterns"]
    unknown = [(i, d.strip()) for i, d in enumerate(src.descriptions, start=1)
               if d.strip() and i not in named.values() and i != src.validity_band and not names_quality(d, patterns)
               and _match_role(d) is None]
    notes = [t("band {band} \"{name}\" not recognised, left out", band=i, name=d) for i, d in unknown]
    nir = named.get("nir")
    if nir is not None and nir == named.get("nir08") and not _sentinel2_named(src.descriptions):
        notes.append(t("band {band} \"{name}\" (a NIR band beyond 850 nm) read as NIR", band=nir, name=src.descriptions[nir - 1].strip()))
    return "".join(separator() + note for note in notes)


def _many_band_cube(src: RasterSource, roles: dict[str, int]) -> Modality:
    """A hyperspectral or many-band cube whose roles only wavelengths give, labelled as such. It is read as Sentinel-2 L2A
    bands are (reflectance, DN / 10000 for integers; surface reflectance, whatever band lies in the cirrus absorption)."""
    why = t("band wavelengths: each role read from the band nearest the centre of its range")
    if src.bad_bands:
        why += separator() + t("{n} band(s) the ENVI bad-band list (bbl) flags left out", n=len(src.bad_bands))
    return Modality("sentinel2_l2a", t("Hyperspectral / many-band ({n} bands, roles by wavelength)", n=src.count), roles,
                    dict(presets()["sentinel2_l2a"]["scaling"]), why, src.count)


LANDSAT_L2_NUMBERS = {1, 2, 3, 4, 5, 6, 7, 10, 11}
"""The band numbers of a Landsat Collection 2 Level-2 stack (reflective and thermal; no pan B8, cirrus B9 or B12)."""


S2_DARK_REFLECTANCE_MAX = 0.3
"""A Sentinel-2 reading whose every band's dark objects (2nd percentile) read above this reflectance is unlikely: water
and shadows read 0-0.15 in NIR and SWIR (the baseline 04.00 offset included)."""


def _sentinel2_checked(src: RasterSource, m: Modality) -> Modality:
    """A Sentinel-2 reading of band descriptions checked against the values. Bare band numbers ('B1' ... 'B7') whose
    every band's dark objects (2nd percentile) are above C2_DARK_DN are Landsat Collection 2 DN, read with Landsat
    numbering (read as Sentinel-2 DN / 10000, dark objects at reflectance above 0.5 and B5-B7 as red edge: a clipped
    'OUTPUT.tif' in a model read so had water 3.9 % -> 44 %); a reading without NIR whose median or every band's dark
    objects read as implausible reflectance (above 1, above S2_DARK_REFLECTANCE_MAX) gets a caution naming MODALITY."""
    from .scaling import C2_DARK_DN, C2_MAX_DN

    descs = [d.strip().lower() for d in src.descriptions if d.strip()]
    pattern = load_json("modalities.json")["landsat_names"]["band_name"]
    bare = all(re.fullmatch(pattern, d) for d in descs) and _band_numbers(descs) <= LANDSAT_L2_NUMBERS
    floating = src.dtypes[0].startswith("float")
    if not bare and (floating or "nir" in m.roles):  # a plain S2 reading: no extra read
        return m
    landsat = _landsat_by_values(src, m) if bare else None
    if landsat is not None:
        return landsat
    if floating:
        return _bare_caution(m, descs)
    data = src.sample(bands=sorted(set(m.roles.values())), max_pixels=100_000)
    ok = ~np.ma.getmaskarray(data).any(axis=0)
    v = np.asarray(data.data, dtype=np.float64)[:, ok]
    if v.shape[1] < 100:
        return m
    p2 = float(np.percentile(v, 2, axis=1).min())
    if bare and p2 > C2_DARK_DN and float(np.percentile(v, 98, axis=1).max()) <= C2_MAX_DN:
        oli = _oli_by_values(src)
        roles = _landsat_roles(src, oli)
        if {"red", "nir"} <= roles.keys():
            name = "landsat89" if oli else "landsat457"
            return Modality(name, t(presets()[name]["label"]), roles, dict(presets()[name]["scaling"]), t(
                "band numbers read as Landsat's, not Sentinel-2's: every band's dark objects are above {dn} DN, as in Landsat "
                "Collection 2 DN (as Sentinel-2 DN they would be reflectance above 0.5); set MODALITY if not",
                dn=f"{C2_DARK_DN:g}"), m.band_count)
    scale = float(m.scaling.get("scale", 1e-4))
    median, dark = float(np.median(v)) * scale, p2 * scale
    if "nir" in m.roles or (median <= 1.0 and dark <= S2_DARK_REFLECTANCE_MAX):
        return _bare_caution(m, descs) if bare else m
    why = (t("the median reads as reflectance {median}, above 1", median=f"{median:.2f}") if median > 1.0 else
           t("even the darkest pixels of every band read as reflectance {dark} or more", dark=f"{dark:.2f}"))
    return replace(m, reason=m.reason + separator() + t(
        "caution: the band names fit Sentinel-2, but there is no NIR band and {why}; if these are Landsat bands, set MODALITY "
        "to 'landsat89' or 'landsat457' (a file name saying Landsat is lost in a model's temporary outputs)", why=why))


def _landsat_by_values(src: RasterSource, m: Modality) -> Optional[Modality]:
    """Bare band numbers B1 ... B7 without B8 or B8A (an Earth Engine export of HLS L30 or Landsat B1-B7, a clipped
    'OUTPUT.tif') read as Landsat 8/9 OLI or 4-7 TM/ETM+ where that numbering's NIR and red bands show vegetation and its
    SWIR bands are darker than NIR there (read as Sentinel-2, B5-B7 are red edge, brightening towards NIR: vegetation
    fell from 30 % to 14 %, with no NIR or SWIR band); None when the values do not say so."""
    pattern = load_json("modalities.json")["landsat_names"]["band_name"]
    idx = {int(g.group(2)): i for i, d in enumerate(src.descriptions, start=1)
           for g in [re.fullmatch(pattern, d.strip().lower())] if g}
    for oli, red, nir in ((True, 4, 5), (False, 3, 4)):
        if not ({red, nir, 7} <= idx.keys() and _landsat_fits(src, idx[red], idx[nir], [idx[7]])):
            continue
        roles = _landsat_roles(src, oli)
        name = "landsat89" if oli else "landsat457"
        return Modality(name, t(presets()[name]["label"]), roles, dict(presets()[name]["scaling"]), t(
            "band numbers read as Landsat's, not Sentinel-2's: over vegetation, B7 is darker than B{nir}, as SWIR2 is than NIR "
            "(Sentinel-2's B7 is red edge, brighter than its B5); set MODALITY if not", nir=nir), m.band_count)
    return None


def _bare_caution(m: Modality, descs: list[str]) -> Modality:
    """A Sentinel-2 reading of bare band numbers with B5, B6 or B7 but no B8 or B8A, with a caution naming MODALITY: such
    bands may be Landsat's (Landsat 8/9: B5 NIR, B6-B7 SWIR; Landsat 4-7: B4 NIR, B5 and B7 SWIR), which the values did
    not confirm (:func:`_landsat_by_values`)."""
    if not _band_numbers(descs) & {5, 6, 7}:
        return m
    return replace(m, reason=m.reason + separator() + t(
        "caution: bare band numbers without B8 or B8A are read as Sentinel-2's (B5-B7 red edge, no NIR or SWIR band); if "
        "they are Landsat bands (Landsat 8/9: B5 NIR, B6 and B7 SWIR; Landsat 4-7: B4 NIR, B5 and B7 SWIR), set MODALITY to "
        "'landsat89' or 'landsat457'"))


DB_STACK_MEDIAN_MAX = -3.0
"""Bands 1 and 2 of an undescribed float stack read as dB backscatter need medians below this (σ0 medians: VV about -15
to -5 dB, VH 6-10 dB lower): standardised bands (z-scores, medians near 0) stay imagery."""


def _db_stack(src: RasterSource) -> Optional[Modality]:
    """Three or four undescribed float bands whose bands 1 and 2 look like backscatter in dB (:func:`looks_like_db`, a
    median below DB_STACK_MEDIAN_MAX; no reflectance or colour is negative): SAR VV, VH, the other bands left out and
    said (a GEE / SNAP colour composite VV, VH, VV−VH read as RGB called 95.5 % of a chip water); None otherwise."""
    if src.count not in (3, 4) or not all(d.startswith("float") for d in src.dtypes):
        return None
    s = src.sample(bands=[1, 2], max_pixels=100_000)
    ok = ~np.ma.getmaskarray(s).any(axis=0)
    v = np.asarray(s.data)[:, ok & ~(np.asarray(s.data) == 0).all(axis=0)]  # an undeclared 0 fill is no value
    if v.shape[1] < 100 or not (looks_like_db(v[0], DB_STACK_MEDIAN_MAX) and looks_like_db(v[1], DB_STACK_MEDIAN_MAX)):
        return None
    roles = {"vv": 1, "vh": 2}
    why = t("{n} float bands without descriptions, bands 1 and 2 with backscatter-like values in dB (negative)", n=src.count)
    return Modality("sar", t("SAR"), roles, {"kind": "sar_db"}, why + separator() + _left_out_caution(src, roles), src.count)


BLUE_RANGE_RATIO = 0.8
"""Three (not 8-bit) or four undescribed bands: band 1 is blue (B, G, R[, NIR] order) when its 2-98 % range is below this
fraction of band 3's, red (R, G, B[, NIR]) above its inverse. Blue varies less than red over land: 0.40-0.77 (5th-95th percentile) on 203 HLS
surface-reflectance chips, 0.50-0.71 on 28 OSCD top-of-atmosphere scenes; a dark-object test fails on surface
reflectance, where atmospheric correction leaves blue darker than red."""


def _band_order(src: RasterSource, preset: str) -> Modality:
    """Three or four bands without descriptions: R, G, B[, NIR] (aerial photos, NAIP) or B, G, R[, NIR] (Sentinel-2
    stacks in band order, PlanetScope, Pléiades), told apart by the spread of bands 1 and 3; R, G, B when they cannot be
    told apart. 8-bit three-band photos are colour-balanced (band 1/band 3 spread 1.03-1.43 on the shared aerial tiles)
    and always stay R, G, B."""
    base = from_preset(preset, src, "")
    n, nir = src.count, ", NIR" if preset == "rgbn" else ""
    if len(src.drawn_rgb) == 3:
        r, g, b = src.drawn_rgb
        roles = {"red": r, "green": g, "blue": b, **({"nir": 4} if nir else {})}
        return replace(base, roles=roles, reason=t("{n} bands, read as the layer draws them (Layer Properties > Symbology): band {r} red, band "
                                "{g} green, band {b} blue", n=n, r=r, g=g, b=b))
    if len(src.colour_order) == 3:  # drawn 1-2-3 by QGIS 3.22 all the same: the file's own declaration decides
        r, g, b = src.colour_order
        roles = {"red": r, "green": g, "blue": b, **({"nir": 4} if nir else {})}
        return replace(base, roles=roles, reason=t("{n} bands, in the order their colour interpretation declares (GDAL): band "
                                                   "{r} red, band {g} green, band {b} blue", n=n, r=r, g=g, b=b))
    if n == 3 and src.dtypes[0] == "uint8":
        return replace(base, reason=t("3 bands, 8-bit: R, G, B order"))
    s = src.sample(bands=[1, 3], max_pixels=200_000)
    ok = ~np.ma.getmaskarray(s).any(axis=0)
    spread = [float(np.subtract(*np.percentile(np.asarray(s.data[i])[ok], [98, 2]))) if ok.sum() > 100 else 0.0 for i in (0, 1)]
    ratio = spread[0] / spread[1] if spread[1] > 0 else 1.0
    if ratio < BLUE_RANGE_RATIO:
        roles = {"blue": 1, "green": 2, "red": 3, **({"nir": 4} if nir else {})}
        why = t("{n} bands in {order} order: band 1 varies less than band 3 (2-98 % spread ratio {ratio}), as blue does; set "
                "band descriptions if not", n=n, order=f"B, G, R{nir}", ratio=f"{ratio:.2f}")
        label = (t("{label} (blue, green, red, NIR order)", label=base.label) if nir else
                 t("{label} (blue, green, red order)", label=base.label))
        return replace(base, label=label, roles=roles, reason=why)
    if ratio > 1 / BLUE_RANGE_RATIO:
        why = t("{n} bands in {order} order: band 3 varies less than band 1 (spread ratio {ratio}), as blue does", n=n,
                order=f"R, G, B{nir}", ratio=f"{ratio:.2f}")
    else:
        why = t("{n} bands, assumed {order} order (bands 1 and 3 vary alike, spread ratio {ratio}); set band descriptions "
                "(e.g. {names}) if not", n=n, order=f"R, G, B{nir}", ratio=f"{ratio:.2f}",
                names="B02/B03/B04" + ("/B08" if nir else ""))
    return replace(base, reason=why)


def _five_band_order(src: RasterSource, preset: str) -> Modality:
    """Five bands without descriptions: blue, green, red, then red edge and NIR (RapidEye) or NIR and red edge
    (MicaSense stacks), told apart by the brighter of bands 4 and 5 (NIR reflects more than red edge over vegetation
    and most land)."""
    base = from_preset(preset, src, "")
    s = src.sample(bands=[4, 5], max_pixels=200_000)
    ok = ~np.ma.getmaskarray(s).any(axis=0)
    if ok.sum() > 100:
        p4, p5 = (float(np.percentile(np.asarray(s.data[i])[ok], 90)) for i in (0, 1))
        if p4 > p5:
            roles = {"blue": 1, "green": 2, "red": 3, "nir": 4, "rededge1": 5}
            return replace(base, label=t("{label} (NIR before red edge)", label=base.label), roles=roles, reason=t(
                "5 bands: blue, green, red, NIR, red edge (MicaSense order): band 4 is brighter than band 5 (90th percentile "
                "{p4} vs {p5}), as NIR is; set band descriptions if not", p4=f"{p4:.4g}", p5=f"{p5:.4g}"))
        return replace(base, reason=t("5 bands: blue, green, red, red edge, NIR (RapidEye order): band 5 is brighter than band 4 "
                                      "(90th percentile {p5} vs {p4}), as NIR is; set band descriptions if not",
                                      p4=f"{p4:.4g}", p5=f"{p5:.4g}"))
    return replace(base, reason=t("5 bands, assumed blue, green, red, red edge, NIR (RapidEye order); set band descriptions "
                                  "if not"))


_S2_BAND_NAME = re.compile(r"b(0[1-9]|8a|1[0-2])")
"""Sentinel-2's two-digit band names (B02, B8A, B11); one-digit 'B4' is also Landsat's (where B4 is NIR on TM/ETM+)."""


def _sentinel2_named(descriptions: tuple[str, ...]) -> bool:
    """True when band descriptions use Sentinel-2 band names ('B02', 'B8A', 'B11') or GDAL's SENTINEL2-driver style
    ('B4, central wavelength 665 nm'), as exports of a band subset (B02/B03/B04/B08, B02-B12 without B01/B09) keep."""
    return any("central wavelength" in d.lower() or _S2_BAND_NAME.fullmatch(_split_wavelength(d)[0]) for d in descriptions)


def _optical_family(named: dict[str, int], n: int, descriptions: tuple[str, ...] = ()) -> tuple[str, str, dict]:
    """Name an optical modality from the roles its descriptions give (and Sentinel-2 band names among them)."""
    table = presets()
    if _sentinel2_named(descriptions) and "yellow" not in named:  # a Sentinel-2 band subset: DN / 10000 and its offset
        if set(named) == {"blue", "green", "red", "nir"}:
            return "sentinel2_4band", t(table["sentinel2_4band"]["label"]), dict(table["sentinel2_4band"]["scaling"])
        name = "sentinel2_l1c" if "cirrus" in named else "sentinel2_l2a"
        return name, t("Sentinel-2 ({n} bands)", n=n), dict(table[name]["scaling"])
    s2_only = {"rededge2", "rededge3", "nir08", "watervapour", "cirrus", "swir1", "swir2"}
    if "yellow" in named or ("rededge1" in named and not named.keys() & s2_only):
        # a yellow band (WorldView-2/3 with its SWIR bands, PlanetScope SuperDove) or one red-edge band without SWIR (Pléiades Neo, RapidEye):
        # not Sentinel-2, whose processing-baseline offset must not be inferred for them
        return ("vhr_multispectral", t("Multispectral VHR ({n} bands, WorldView / PlanetScope / Pléiades Neo style)", n=n),
                dict(table["vhr_multispectral"]["scaling"]))
    if named.keys() & {"rededge1", "rededge2", "rededge3", "watervapour", "cirrus"}:  # not 'nir08': WorldView's NIR2 too
        name = "sentinel2_l1c" if "cirrus" in named else "sentinel2_l2a"
        return name, t("Sentinel-2 ({n} bands)", n=n), dict(table[name]["scaling"])
    if "swir1" in named:
        return "landsat457", t("Multispectral ({n} bands)", n=n), dict(table["landsat457"]["scaling"])
    if "nir" in named:
        return "rgbn", t("RGB + NIR"), dict(table["rgbn"]["scaling"])
    return "rgb", t("RGB"), dict(table["rgb"]["scaling"])


CROSS_POL_MEDIAN_DB = -17.0
"""An undescribed one-band dB raster with a median below this is more likely cross-polarised (VH: -28 to -15 dB; VV
about -15 to -5 dB over land): read as VV it made 97 % of a chip water."""

_POLARISATION_IN_NAME = re.compile(r"(?<![a-z])(vv|vh|hh|hv)(?![a-z])")
"""A polarisation named in a file name ('s1a-iw-grd-vv-...', 'scene_VH.tif'); HH/HV are read as VV/VH (co-/cross-pol)."""


def _single_band(src: RasterSource) -> Modality:
    """One band: SAR when its file name names a polarisation; height or panchromatic when its name or unit says so; SAR
    when its values look like backscatter; else by its data type (unsigned integer: panchromatic)."""
    if getattr(src, "class_map", ""):
        return _class_map_read(src, src.class_map)
    s = src.sample(bands=[1], max_pixels=100_000).compressed()
    if s.size == 0:
        raise ModalityError(t("'{name}' has one band with no valid pixels.", name=_base(src)), t("Check the nodata value."))
    tabled = few_values(s) if getattr(src, "attribute_table", False) else ""  # a table alone: ArcGIS gives DSMs one too
    if tabled:
        return _class_map_read(src, t("it has a raster attribute table, and {why}", why=tabled))
    med = float(np.median(s))
    pol = _POLARISATION_IN_NAME.search(_base(src).lower())
    if pol:  # e.g. a Sentinel-1 GRD measurement file 's1a-iw-grd-vv-...tiff' (uint16 amplitude): not a DSM
        return _as_co_cross(Modality("sar", t("SAR (single band)"), {pol.group(1): 1}, {"kind": "sar_db"},
                                     t("the file name names the polarisation '{pol}'", pol=pol.group(1).upper()), 1))
    band = _single_band_role(src)
    if band:
        return band
    named = _single_band_named(src)  # a name or unit outranks the value test below (a flat nDSM, a 0-1 pan)
    if not named and src.dtypes[0].startswith("float") and (
            looks_like_db(s) or 0 <= float(np.percentile(s, 99)) < 1.5 and med < 0.5):
        why = t("one float band with backscatter-like values")
        if med < CROSS_POL_MEDIAN_DB:
            why += separator() + t("caution: read as VV, but its median {median} dB looks like cross-pol VH: name the band VH "
                                   "if it is", median=f"{med:.1f}")
        return Modality("sar", t("SAR (single band)"), {"vv": 1}, {"kind": "sar_db"}, why, 1)
    if named:
        kind, why = named
    elif src.dtypes[0] == "uint8":
        kind, why = "panchromatic", t("one 8-bit band")
    elif src.dtypes[0] in ("uint16", "uint32"):
        kind, why = "panchromatic", t("one unsigned integer band, as panchromatic images store their DN (heights come as "
                                      "float or signed values); choose the 'dsm' modality if it holds heights")
    else:
        kind, why = "height", t("one band with height-like values")
    few = few_values(s) if kind == "panchromatic" and not named else ""
    if few:  # a class map or a building id raster (0 and 1 ... 17) is no panchromatic image
        return _class_map_read(src, few)
    if kind == "panchromatic":
        return Modality("generic", t("Single band (panchromatic)"), {"pan": 1}, {"kind": "range"}, why, 1)
    return Modality("dsm", t("DSM / nDSM (height)"), {"height": 1}, {"kind": "metres"}, why, 1)


def _class_map_read(src: RasterSource, why: str) -> Modality:
    """A class map's modality for the interactive tools (one band, its regions clicked: ``src.class_map_ok``); else its
    refusal (:func:`_class_map_refusal`)."""
    if not getattr(src, "class_map_ok", False):
        raise _class_map_refusal(src, why)
    return Modality("generic", t("Single band (class map)"), {"pan": 1}, {"kind": "range"},
                    t("a class map or an id raster ({why}), read as a one-band image", why=why), 1)


def _class_map_refusal(src: RasterSource, why: str) -> ModalityError:
    """The refusal of a class map or id raster read as the image (see :func:`~.raster.class_map_error`)."""
    from .raster import class_map_error

    err = class_map_error(src.path, why)
    return ModalityError(err.problem, err.fix)


def _single_band_role(src: RasterSource) -> Optional[Modality]:
    """One band named as a Sentinel-2 band (B04, B8A) or a Landsat Collection 2 band (SR_B4, in a file whose product
    name says the satellite: SR_B4 is red on Landsat 8/9, NIR on 4-7) by its description or its product file name
    (T31UFQ_..._B04_10m.jp2): that band's role and its product's scaling, so that it pairs with the same band of another
    date (read as panchromatic, it was paired with Sentinel-2's coastal band)."""
    from .raster import band_name_in_file_name

    said = (src.descriptions[0].strip() if src.descriptions else "") or band_name_in_file_name(_base(src))
    why = t("the band is named '{band}'", band=said)
    if _S2_BAND_NAME.fullmatch(said.lower()):
        role = _match_role(said)
        if role is None:
            return None
        roles = {role: 1, "nir": 1} if role == "nir08" else {role: 1}  # B8A: the one NIR band at 865 nm, as in stacks
        return Modality("sentinel2_l2a", t("Sentinel-2 band {band}", band=said.upper()), roles,
                        dict(presets()["sentinel2_l2a"]["scaling"]), why, 1)
    if re.fullmatch(r"sr_b\d", said.lower()) and re.match(r"l[cote]0[4-9]_", _base(src).lower()):
        named = replace(src, descriptions=(said,))
        roles = _landsat_roles(named)
        if len(roles) != 1:
            return None
        name = "landsat89" if _is_oli(named) else "landsat457"
        return Modality(name, t("Landsat band {band}", band=said.upper()), roles, dict(presets()[name]["scaling"]), why, 1)
    return None


def _single_band_named(src: RasterSource) -> Optional[tuple[str, str]]:
    """('height' or 'panchromatic', why) when a one-band file's name or unit says what it holds, else None."""
    table = load_json("modalities.json")["single_band_names"]
    words = set(re.findall(r"[^\W\d_]+", _base(src).rsplit(".", 1)[0].lower()))
    for kind in ("height", "panchromatic"):
        hit = sorted(words & set(table[kind]))
        if hit:
            return kind, t("the file name says '{word}'", word=hit[0])
    unit = (src.units[0] if src.units else "").strip().lower()
    if unit in table["height_units"]:
        return "height", t("the band's unit is '{unit}'", unit=unit)
    return None


def resolve_modality(src: RasterSource, name: str = "auto") -> Modality:
    """The modality to use: detected for 'auto', else the named preset."""
    if not name or name == "auto":
        return detect_modality(src)
    m = from_preset(name, src)
    clash = _described_otherwise(src, m)
    if clash:
        m = replace(m, reason=t("{reason}; caution: the band descriptions name other bands ({clash}): check the modality, "
                                "or choose 'auto'", reason=m.reason, clash=clash))
    return with_source_notes(src, m)


def _described_otherwise(src: RasterSource, m: Modality) -> str:
    """The roles a preset reads from other bands than the raster's band descriptions name ('red is band 4, read from
    band 1'), or '' (the roles of the 'rgb' preset on a described Sentinel-2 file read coastal, blue and green)."""
    if m.name in ("generic", "sar", "dsm"):
        return ""
    named = _roles_from_descriptions(_described(src))
    wrong = [(r, named[r], i) for r, i in m.roles.items() if r in named and named[r] != i]
    return separator().join(t("{role} is band {named}, read from band {used}", role=r, named=n, used=i) for r, n, i in wrong[:3])


SLOTS = {"input": ("INPUT", "optical"), "sar": ("SAR_INPUT", "sar"), "dsm": ("DSM_INPUT", "height")}
"""extract_landcover's inputs: key → (its Processing parameter, the family it takes)."""

_SAR_IN_NAME = re.compile(r"(?<![a-z0-9])(s1[abcd]?|sentinel-?1[abcd]?|sar|grdh|sigma0|gamma0|beta0|backscatter)(?![a-z0-9])")
"""Words that say SAR in a file name ('s1_band1.tif', 'S1A_IW_GRDH_...', 'sigma0_vv.tif'), besides a polarisation."""


def looks_like(src: RasterSource) -> tuple[str, str]:
    """The family a raster clearly holds ('sar', 'height' or 'optical') and why ('band VV'), whatever input it was given
    as; ('', '') when nothing says so clearly (an undescribed one-band file: heights and backscatter differ only by value;
    undescribed bands read as R, G, B by their count)."""
    if src.is_complex:
        return "sar", t("complex data type")
    src = _described(src)
    descs = [d.strip() for d in src.descriptions]
    pols = [d for d in descs if _match_role(d) in ("vv", "vh", "hh", "hv")]
    if pols and src.count <= 4:
        return "sar", t("band {band}", band=pols[0]) if len(pols) == 1 else t("bands {bands}", bands=", ".join(pols))
    heights = [d for d in descs if _match_role(d) == "height"]
    if heights and src.count == 1:
        return "height", t("band {band}", band=heights[0])
    if src.count >= 3:
        try:
            m = _detect_modality(src)
        except ModalityError:
            m = None
        described = [r for r in _roles_from_descriptions(src) if r not in ("vv", "vh", "hh", "hv", "height")]
        if m is not None and m.family == "optical" and (len(described) >= 3 or m.name in ("landsat89", "landsat457", "modis")):
            return "optical", f"{m.label}, {m.reason}"  # named bands, not a guess from the band count and values
    return _family_in_name(src)


def _family_in_name(src: RasterSource) -> tuple[str, str]:
    """('sar' or 'height', why) when the file name says SAR ('vv', 's1', 'sar') or heights ('dsm', 'dem', 'ndsm') and
    not both; ('', '') otherwise."""
    name = _base(src).rsplit(".", 1)[0].lower()
    sar = _POLARISATION_IN_NAME.findall(name) + _SAR_IN_NAME.findall(name)
    height = sorted(set(re.findall(r"[^\W\d_]+", name)) & set(load_json("modalities.json")["single_band_names"]["height"]))
    if sar and not height:
        return "sar", t("the file name says '{word}'", word=sar[0])
    if height and not sar:
        return "height", t("the file name says '{word}'", word=height[0])
    return "", ""


def slot_modality(slot: str, inputs: dict[str, RasterSource], primary: Modality) -> Modality:
    """The modality of a secondary input of extract_landcover ('sar': SAR_INPUT, 'dsm': DSM_INPUT; ``inputs`` holds every
    given input by key, INPUT as 'input', read as ``primary``), read as its slot says. Refused, naming the slot and the
    likely swap, when the file clearly holds another family (a VV band given as DSM, a 'dsm' file as SAR: read as metres
    or amplitude they made 51.6 % 'buildings' and fake water); an ambiguous one-band file is read as its slot says."""
    src, (param, family) = inputs[slot], SLOTS[slot]
    found, why = looks_like(src)
    if found and found != family:
        raise ModalityError(_looks_like_problem(src, param, found, why), _slot_fix(slot, found, inputs, primary))
    _check_slot_bands(src, slot)
    m = with_source_notes(src, from_preset(slot, src, t("given as {slot}", slot=param)))
    return m if found else _slot_caution(src, m, slot)


def _looks_like_problem(src: RasterSource, param: str, found: str, why: str) -> str:
    """'… given as DSM_INPUT looks like SAR (band VV).'"""
    if found == "sar":
        return t("'{name}' given as {slot} looks like SAR ({why}).", name=_base(src), slot=param, why=why)
    if found == "height":
        return t("'{name}' given as {slot} looks like heights, a DSM or nDSM ({why}).", name=_base(src), slot=param, why=why)
    return t("'{name}' given as {slot} looks like an optical image ({why}).", name=_base(src), slot=param, why=why)


def _slot_fix(slot: str, found: str, inputs: dict[str, RasterSource], primary: Modality) -> str:
    """The fix for an input in the wrong slot: the swap when another input looks like what this slot takes, else the slot
    that takes what it holds."""
    order = list(SLOTS)
    for other in order:
        if other == slot or other not in inputs or SLOTS[other][1] != found:
            continue
        other_family = primary.family if other == "input" else looks_like(inputs[other])[0]
        if other_family == SLOTS[slot][1]:
            first, second = sorted((slot, other), key=order.index)
            give = {slot: inputs[other], other: inputs[slot]}
            return t("{first} and {second} look swapped: give '{a}' as {first} and '{b}' as {second}.", first=SLOTS[first][0],
                     second=SLOTS[second][0], a=_base(give[first]), b=_base(give[second]))
    if found == "optical":
        if os.path.abspath(inputs[slot].path) == os.path.abspath(inputs["input"].path):
            if slot == "sar":
                return t("SAR_INPUT takes a SAR raster (VV[, VH]) of the same place as INPUT: give one, or leave it empty.")
            return t("DSM_INPUT takes a one-band DSM or nDSM of the same place as INPUT: give one, or leave it empty.")
        if slot == "sar":
            return t("Give the optical image as INPUT; SAR_INPUT takes a SAR raster (VV[, VH]) of the same place.")
        return t("Give the optical image as INPUT; DSM_INPUT takes a one-band DSM or nDSM of the same place.")
    if found == "sar":
        return t("Give it as SAR_INPUT (the SAR box in the dock).")
    return t("Give it as DSM_INPUT (the DSM box in the dock).")


def _check_slot_bands(src: RasterSource, slot: str) -> None:
    """Refuses a SAR_INPUT of more than 2 bands (complex SAR aside) and a DSM_INPUT of more than one, naming the slot."""
    if slot == "sar" and src.count > 2 and not src.is_complex:
        raise ModalityError(t("SAR_INPUT takes 1 or 2 bands (VV[, VH]); '{name}' has {count}.", name=_base(src), count=src.count),
                            t("Give a SAR raster of the same place as SAR_INPUT, or split its VV and VH bands out with "
                              "Raster > Extraction."))
    if slot == "dsm" and src.count != 1:
        raise ModalityError(t("DSM_INPUT takes one band of heights; '{name}' has {count}.", name=_base(src), count=src.count),
                            t("Give a one-band DSM or nDSM as DSM_INPUT, or pick its height band with Raster > Extraction."))


def _slot_caution(src: RasterSource, m: Modality, slot: str) -> Modality:
    """A DSM_INPUT whose values look like SAR backscatter in dB, with nothing else to say what it holds, is read as
    heights with a caution in its explanation line."""
    if slot != "dsm":
        return m
    try:
        detected = _detect_modality(src)
    except ModalityError:
        return m
    if detected.family != "sar":
        return m
    caution = t("caution: its values look like SAR backscatter ({why}): if it is SAR, give it as SAR_INPUT", why=detected.reason)
    return replace(m, reason=m.reason + separator() + caution)
