"""A modality stack: several rasters (e.g. Sentinel-2 + Sentinel-1 + DSM) read on one grid.

The first raster is primary: its grid is the output grid. Secondary rasters are
reprojected/resampled onto it window by window (GDAL warping), so they may have
another CRS, pixel size or extent as long as they overlap the primary.
"""
from __future__ import annotations

import math
import re
import threading
import os
from dataclasses import dataclass, field, replace
from typing import Iterable, Optional

import numpy as np
from rasterio.errors import CRSError
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from .errors import InputError
from .messages import t
from .modalities import Modality
from .quality import ROLE as QA_ROLE, QualityBand, mask_file, quality_band_of, read_raw
from .raster import Grid, RasterSource
from .scaling import SAR_POLARISATIONS, Scaling, fit_scaling, height_band_scaling, sar_bands_scaling

TERRAIN_DESCRIPTION = re.compile(r"(?<![a-z])(?:dem|dtm|dgm|mnt|elevation|terrain|srtm|copdem)(?![a-z])")
"""A band description that names terrain elevation (a DEM: bare ground, above sea level), not the heights of objects
above ground a DSM or nDSM gives: 'DEM', 'elevation' (Copernicus DEM and SRTM bands of Earth Engine exports)."""


@dataclass
class Layer:
    """One raster of the stack with its modality and fitted scaling."""

    src: RasterSource
    modality: Modality
    scaling: Scaling
    quality: Optional[QualityBand] = None
    """The product's cloud-mask band (SCL, QA_PIXEL, Fmask ...) when an optical raster carries one, or the mask file given."""
    quality_src: Optional[RasterSource] = None
    """The raster holding ``quality`` when it is a mask file of its own (read onto the grid), not one of this raster's bands."""
    own_scaling: dict[int, Scaling] = field(default_factory=dict)
    """Bands read with a scaling of their own instead of ``scaling``, and valid on their own: the height band of an
    optical raster, in metres (reflectance scaling made an nDSM's 15 m buildings 0.0015 m), or its SAR bands, in dB
    (divided by 10000, or negative dB taken for a reflectance fill)."""

    def measured(self, data: np.ma.MaskedArray, bands: list[int]) -> tuple[np.ndarray, np.ndarray, dict[int, np.ndarray]]:
        """(physical values, valid, own validity by band) of a masked read of ``bands``: the layer's scaling on its
        bands, whose validity ``valid`` is; a band of ``own_scaling`` is scaled and made valid on its own (bands sharing
        one scaling, the SAR bands of an optical stack, together)."""
        apart = [i for i, b in enumerate(bands) if b in self.own_scaling]
        if not apart:
            arr, valid = self.scaling.measured(data)
            return arr, valid, {}
        out = np.empty(data.shape, np.float32)
        kept = [i for i in range(len(bands)) if i not in apart]
        valid = np.ones(data.shape[1:], bool)
        if kept:
            arr, valid = self.scaling.measured(data[kept])
            out[kept] = arr
        own: dict[int, np.ndarray] = {}
        for sc in {id(self.own_scaling[bands[i]]): self.own_scaling[bands[i]] for i in apart}.values():
            rows = [i for i in apart if self.own_scaling[bands[i]] is sc]  # bands sharing a scaling share its validity
            arr, ok = sc.measured(data[rows])
            out[rows] = arr
            own.update({bands[i]: ok for i in rows})
        return out, valid, own

    def bands_to_read(self, bands: list[int]) -> list[int]:
        """``bands`` and, when all of them are read apart (``own_scaling``) and 0 in every band read is the raster's
        fill (``zero_fill``), one of its other role bands: an nDSM's 0 m ground read alone was masked as that fill."""
        others = sorted(set(self.modality.roles.values()) - set(self.own_scaling))
        if not self.src.zero_fill or not others or not set(bands) <= set(self.own_scaling):
            return bands
        return sorted({*bands, others[0]})

    def band_description(self, band: int) -> str:
        """The description the raster gives a band ('' when none)."""
        return self.src.descriptions[band - 1].strip() if band <= len(self.src.descriptions) else ""

    def with_heights_apart(self) -> "Layer":
        """This optical layer with its height band read apart, in metres, and said on the Input line; a band described
        as terrain elevation (:data:`TERRAIN_DESCRIPTION`) is left out: its heights above local lows are the relief of
        the ground (hills read as buildings and trees), not objects. Other layers as they are."""
        band = self.modality.roles.get("height")
        if band is None or set(self.modality.roles) == {"height"}:  # a DSM of its own is read in metres already
            return self
        desc = self.band_description(band)
        if TERRAIN_DESCRIPTION.search(desc.lower()):
            roles = {r: b for r, b in self.modality.roles.items() if r != "height"}
            return replace(self, modality=replace(self.modality, roles=roles))._noted(t(
                "band {band} ('{name}') is terrain elevation (a DEM), not the height of objects above ground: not used; "
                "give a DSM or nDSM (DSM_INPUT) for heights", band=band, name=desc))
        own = height_band_scaling(self.src, band)
        return replace(self, own_scaling={**self.own_scaling, band: own})._noted(t(
            "band {band} ('{name}') read as heights apart from the other bands: {how}", band=band, name=desc or f"b{band}",
            how=own.note))

    def with_sar_apart(self) -> "Layer":
        """This layer with the SAR bands of an optical stack (Sentinel-2 bands then VV and VH in one file) read apart,
        in dB and valid on their own (:func:`sar_bands_scaling`), and said on the Input line; other layers as they are."""
        own = sar_bands_scaling(self.src, self.modality)
        if own is None:
            return self
        bands = sorted(b for r, b in self.modality.roles.items() if r in SAR_POLARISATIONS)
        return replace(self, own_scaling={**self.own_scaling, **{b: own for b in bands}})._noted(sar_apart_note(bands, own))

    def read_quality(self, window: Window, grid: Optional[Grid] = None,
                     out_shape: Optional[tuple[int, int]] = None) -> tuple[np.ndarray, np.ndarray]:
        """The quality band's raw values and where it has data, for a window of this raster's grid (resampled to
        ``out_shape``), or of ``grid``, warped onto it; always by nearest neighbour. A mask file of its own is warped onto
        this raster's grid."""
        if self.quality_src is not None:
            return read_raw(self.quality_src, self.quality, window, grid=grid or self.src.grid)
        return read_raw(self.src, self.quality, window, grid=grid, out_shape=out_shape)

    def with_mask_file(self, mask: Optional[RasterSource]) -> "Layer":
        """This layer masked by a product's mask file given on its own (it replaces a band of its own); checked to overlap.
        The modality's reason says when the file is of no use here (not an optical raster) or covers part of it only."""
        if mask is None:
            return self
        check_overlap(self.src, mask)
        name = os.path.basename(mask.path)
        if self.modality.family != "optical":
            return self._noted(t("the cloud mask file '{name}' is not used: clouds are masked on optical images only", name=name))
        masked = replace(self, quality=mask_file(mask), quality_src=mask)
        covered = overlap_share(self.src, mask)
        if covered < 0.99:
            return masked._noted(t("the cloud mask file '{name}' covers {pct} % of it; elsewhere no clouds are masked",
                                   name=name, pct=f"{100 * covered:.0f}"))
        return masked

    def with_coverage(self, primary: RasterSource) -> "Layer":
        """This secondary layer with a note when it is SAR or a DSM covering part of the primary raster only: the run
        decides the rest from the other bands (the explanation's Input line says how much it covers)."""
        family = self.modality.family
        covered = overlap_share(primary, self.src)
        if covered >= 0.99 or family not in ("sar", "height"):
            return self
        pct = f"{100 * covered:.0f}"
        return self._noted(t("SAR covers {pct} % of the input raster; elsewhere the classes come from the other bands, without SAR",
                             pct=pct) if family == "sar" else
                           t("the DSM covers {pct} % of the input raster; elsewhere the classes come from the other bands, "
                             "without heights", pct=pct))

    def _noted(self, note: str) -> "Layer":
        """This layer with a note added to its modality's reason (the explanation's Input line)."""
        return replace(self, modality=replace(self.modality, reason=f"{self.modality.reason}; {note}"))


def sar_apart_note(bands: list[int], scaling: Scaling) -> str:
    """What the Input line says of SAR bands read apart from an optical stack's bands (:meth:`Layer.with_sar_apart`)."""
    return t("bands {bands} (SAR) read apart from the optical bands: {how}", bands=", ".join(f"b{b}" for b in bands),
             how=scaling.note)


@dataclass
class BandSet:
    """Physical values by role for one window, plus the window's validity mask."""

    bands: dict[str, np.ndarray]
    valid: np.ndarray
    """Where every role read is valid; an engine decides a pixel from the roles covering it (:meth:`valid_for`): a SAR
    raster or a DSM covering part of INPUT leaves the rest to the other bands."""
    role_valid: dict[str, np.ndarray] = field(default_factory=dict)
    """Validity of each role's own layer (``valid`` is their intersection); empty when all roles share ``valid``."""

    def valid_for(self, roles: Iterable[str]) -> np.ndarray:
        """Pixels where every given role is valid in its own layer (e.g. SAR valid where the optical image is nodata)."""
        out = None
        for r in roles:
            m = self.role_valid.get(r)
            if m is None:
                continue
            out = m.copy() if out is None else out & m
        return self.valid.copy() if out is None else out

    def get(self, role: str) -> Optional[np.ndarray]:
        """The band of a role, or None."""
        return self.bands.get(role)

    def has(self, *roles: str) -> bool:
        """True when every role is present."""
        return all(r in self.bands for r in roles)


class ModalityStack:
    """Rasters on the primary's grid; :meth:`read` returns a :class:`BandSet` per window."""

    def __init__(self, primary: Layer, secondaries: Optional[list[Layer]] = None) -> None:
        self.primary = primary.with_heights_apart().with_sar_apart()  # an S2 + VV/VH stack: its SAR bands read in dB
        self.secondaries = [layer.with_heights_apart() for layer in secondaries or []]
        self._lock = threading.Lock()  # one reader at a time: GDAL datasets are not safe to read from two threads
        for k, layer in enumerate(self.secondaries):
            check_overlap(primary.src, layer.src)
            self.secondaries[k] = layer.with_coverage(primary.src)

    @property
    def grid(self) -> Grid:
        return self.primary.src.grid

    @property
    def layers(self) -> list[Layer]:
        return [self.primary, *self.secondaries]

    def _quality_layer(self) -> tuple[int, Optional[Layer]]:
        """The index and layer of the first layer with a quality band ((-1, None) when none has one)."""
        return next(((k, layer) for k, layer in enumerate(self.layers) if layer.quality is not None), (-1, None))

    @property
    def quality(self) -> Optional[QualityBand]:
        """The first layer's quality band (read under the role 'qa' when asked for), or None."""
        layer = self._quality_layer()[1]
        return layer.quality if layer is not None else None

    def roles(self) -> set[str]:
        """All roles available in the stack (primary wins on duplicates; the quality band's 'qa' only when asked for)."""
        out: set[str] = set()
        for layer in self.layers:
            out |= set(layer.modality.roles)
        return out

    def read(self, window: Window, roles: Optional[set[str]] = None) -> BandSet:
        """Read the wanted roles (default: all) for a window of the primary grid (thread-safe: reads are serialised)."""
        bands: dict[str, np.ndarray] = {}
        role_valid: dict[str, np.ndarray] = {}
        valid = np.ones((int(window.height), int(window.width)), dtype=bool)
        for k, layer in enumerate(self.layers):
            want = {r: b for r, b in layer.modality.roles.items() if (roles is None or r in roles) and r not in bands}
            if not want:
                continue
            idx = layer.bands_to_read(sorted(set(want.values())))
            with self._lock:
                if k == 0:
                    data = layer.src.read(window=window, bands=idx)
                else:
                    data = layer.src.read_on_grid(self.grid, window=window, bands=idx)
            arr, layer_valid, own_valid = layer.measured(data, idx)
            valid &= layer_valid
            for role, b in want.items():
                bands[role] = arr[idx.index(b)]
                role_valid[role] = own_valid.get(b, layer_valid)
            for own in own_valid.values():  # a band read apart (Layer.own_scaling) is valid on its own
                valid &= own
        if roles is not None and QA_ROLE in roles and self.quality is not None:
            bands[QA_ROLE], role_valid[QA_ROLE] = self._read_quality(window)
        return BandSet(bands, valid, role_valid)

    def _read_quality(self, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """The quality band's raw values (NaN without data; nearest neighbour onto the grid) and where it has data."""
        k, layer = self._quality_layer()
        with self._lock:
            return layer.read_quality(window, grid=self.grid if k else None)


    def read_sample(self, window: Window, roles: Optional[set[str]] = None, max_pixels: int = 400_000,
                    patch: int = 64) -> BandSet:
        """A BandSet of about ``max_pixels`` pixels that represents a window, for fitting thresholds.

        Small windows are read whole. Larger ones are sampled as full-resolution patches, one at a
        seeded random place in each cell of a regular grid, laid out as a mosaic image, so only those
        patches are read: a decimated read of a
        big raster would make GDAL touch (and a warper buffer) every block of it.
        """
        h, w = int(window.height), int(window.width)
        if h * w <= max_pixels:
            return self.read(window, roles)
        n = max(1, int(round(math.sqrt(max_pixels) / patch)))
        ph, pw = max(1, min(patch, h // n)), max(1, min(patch, w // n))
        # One patch at a random (seeded) place in each cell of an n x n grid: stratified, and no aliasing
        # with periodic structures (fields, mosaics of identical tiles) that a regular grid would hit.
        rng = np.random.default_rng(20240611)
        bands: dict[str, np.ndarray] = {}
        role_valid: dict[str, np.ndarray] = {}
        valid = np.zeros((n * ph, n * pw), dtype=bool)
        for i in range(n):
            for j in range(n):
                r = int(window.row_off) + int(i * h / n + rng.uniform(0, max(0.0, h / n - ph)))
                c = int(window.col_off) + int(j * w / n + rng.uniform(0, max(0.0, w / n - pw)))
                bs = self.read(Window(c, r, pw, ph), roles)
                sl = (slice(i * ph, (i + 1) * ph), slice(j * pw, (j + 1) * pw))
                for role, arr in bs.bands.items():
                    if role not in bands:
                        bands[role] = np.zeros((n * ph, n * pw), dtype=arr.dtype)
                    bands[role][sl] = arr
                for role, m in bs.role_valid.items():
                    if role not in role_valid:
                        role_valid[role] = np.zeros((n * ph, n * pw), dtype=bool)
                    role_valid[role][sl] = m
                valid[sl] = bs.valid
        return BandSet(bands, valid, role_valid)


def make_layer(src: RasterSource, modality: Modality) -> Layer:
    """A stack layer with its scaling fitted from a sample, and its product quality band when it is optical."""
    quality = None
    if modality.family == "optical":
        named, why = quality_band_of(src, set(modality.roles.values()))
        quality = None if why else named
    return Layer(src, modality, fit_scaling(src, modality), quality)


def bounds_in(src: RasterSource, crs) -> tuple[float, float, float, float]:
    """A raster's bounds in a CRS: as they are when it is the raster's own (a local grid, LOCAL_CS, which PROJ cannot
    transform even to itself), else transformed."""
    if src.crs == crs:
        return tuple(src.grid.bounds())
    return transform_bounds(src.crs, crs, *src.grid.bounds(), densify_pts=21)


def overlap_share(primary: RasterSource, other: RasterSource) -> float:
    """The share of the primary raster's extent that another raster's extent covers (0..1; 1 when unknown)."""
    try:
        b = bounds_in(other, primary.crs)
    except Exception:  # noqa: BLE001 - only a note depends on it
        return 1.0
    p = primary.grid.bounds()
    w, h = min(b[2], p[2]) - max(b[0], p[0]), min(b[3], p[3]) - max(b[1], p[1])
    area = (p[2] - p[0]) * (p[3] - p[1])
    return float(max(w, 0) * max(h, 0) / area) if area > 0 else 1.0


def check_overlap(primary: RasterSource, other: RasterSource) -> None:
    """Raise when a secondary raster cannot be put on the primary grid."""
    name = os.path.basename(other.path)
    if other.tags.get("_no_crs") or other.crs is None:
        raise InputError(t("'{name}' has no CRS, so it cannot be reprojected onto the input's grid.", name=name),
                         t("Assign its CRS in QGIS and run again."))
    try:
        b = bounds_in(other, primary.crs)
    except (CRSError, Exception) as exc:  # pyproj/GDAL raise several types
        raise InputError(t("'{name}' cannot be reprojected to the input's CRS ({reason}).", name=name, reason=exc),
                         t("Reproject it in QGIS first (Raster > Projections > Warp).")) from exc
    p = primary.grid.bounds()
    if b[0] >= p[2] or b[2] <= p[0] or b[1] >= p[3] or b[3] <= p[1] or not np.all(np.isfinite(b)):
        raise InputError(t("'{name}' does not overlap the input raster.", name=name), t("Choose a raster covering the same place."))
