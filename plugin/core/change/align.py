"""Align AFTER onto BEFORE's grid: common extent, bands matched by role, radiometry, nodata.

The BEFORE raster's grid is the output grid. AFTER is reprojected/resampled onto
it window by window (GDAL warping through :meth:`RasterSource.read_on_grid`), so
the two may differ in CRS, pixel size, extent, band count or sensor. Bands are
paired by role (red with red, swir1 with swir1 ...), converted to physical values
by each raster's own scaling, and AFTER can be radiometrically normalised onto
BEFORE (histogram matching, or a relative linear normalisation fitted on the
pixels IR-MAD finds unchanged). Every step is recorded in :attr:`AlignedPair.report`.
"""
from __future__ import annotations

import math
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence

import numpy as np
from affine import Affine
from rasterio.enums import Resampling
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from ..errors import InputError, ModalityError
from ..landcover.clouds import mostly_cloud_caution
from ..landcover.height import HeightReading, read_heights
from ..landcover.indices import void_heights
from ..messages import decimal, measure, number, separator, t as _t
from ..modalities import Modality
from ..quality import QualityMasker, saturated_raw
from ..raster import Grid, RasterSource, cell_size, crs_label, fill_note, window_of_bounds
from ..scaling import Scaling
from ..stack import Layer, bounds_in, make_layer, sar_apart_note

SAR_ROLES = frozenset({"vv", "vh", "hh", "hv"})
"""The roles of SAR polarisations (HH and HV are read in VV's and VH's roles, but kept by name where they are)."""
OPTICAL_ROLES = frozenset({"red", "green", "blue", "nir"})
"""Roles that make a pair optical, whatever else it holds."""
NORMALISATION_CHOICES = ["auto", "none", "histogram", "relative"]
"""Radiometric normalisation of AFTER onto BEFORE (Processing enum order)."""

ATMOSPHERIC_ROLES = ("coastal", "watervapour", "cirrus", "thermal", "thermal2")
"""Bands compared only when no surface-reflectance band is shared: atmosphere and temperature change by the day."""
_HELPER: Optional[ThreadPoolExecutor] = None


def in_helper_thread(fn, *args) -> Future:
    """Run fn(*args) in a shared helper thread: the two dates are read and prepared at once (GDAL and numpy release
    the GIL), which uses the second core while the caller works on the first date."""
    global _HELPER
    if _HELPER is None:
        _HELPER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="terraprompt-date")
    return _HELPER.submit(fn, *args)
"""Roles that see the atmosphere more than the ground; left out when surface bands are shared."""


@dataclass
class PairBlock:
    """Both dates for one window: (p, h, w) physical values in role order, and validity (h, w); valid pixels are finite."""

    roles: list[str]
    before: np.ndarray
    after: np.ndarray
    valid: np.ndarray
    cloudy: int = 0
    """Pixels with data on both dates that the cloud masking took out of ``valid``."""
    window: Optional[Window] = None
    """The window of BEFORE's grid the block was read from (:meth:`AlignedPair.read_raw`)."""

    def bands(self, which: str) -> dict[str, np.ndarray]:
        """role → band of one date ('before' or 'after')."""
        arr = self.before if which == "before" else self.after
        return {r: arr[i] for i, r in enumerate(self.roles)}

    def pixels(self) -> tuple[np.ndarray, np.ndarray]:
        """Valid pixels as (n, p) float64 matrices for both dates."""
        v = self.valid
        return self.before[:, v].T.astype(np.float64), self.after[:, v].T.astype(np.float64)


def sample_pixels(blocks: Sequence[PairBlock]) -> tuple[np.ndarray, np.ndarray]:
    """The blocks' valid pixels as (n, p) float64 matrices for both dates (:meth:`PairBlock.pixels`, read once each)."""
    pairs = [b.pixels() for b in blocks]
    return np.concatenate([x for x, _ in pairs]), np.concatenate([y for _, y in pairs])


@dataclass
class Normalisation:
    """Per-role map of AFTER values onto BEFORE's radiometry: linear gain/offset or quantile mapping."""

    kind: str = "none"
    gain: Optional[np.ndarray] = None
    offset: Optional[np.ndarray] = None
    q_after: Optional[np.ndarray] = None
    q_before: Optional[np.ndarray] = None
    note: str = field(default_factory=lambda: _t("no radiometric normalisation"))
    before_offset: Optional[np.ndarray] = None
    """Per-role shift of BEFORE's values: the Sentinel-2 baseline 04.00 offset left in BEFORE (:func:`_kept_offset`) is
    taken out of BEFORE itself, since the rules of from→to prompts read both dates' reflectance as it is."""

    def apply_before(self, before: np.ndarray) -> np.ndarray:
        """BEFORE block (p, h, w) with :attr:`before_offset` taken out (the block itself when there is none)."""
        if self.before_offset is None:
            return before
        return (before + self.before_offset[:, None, None].astype(np.float32)).astype(np.float32)

    def apply(self, after: np.ndarray) -> np.ndarray:
        """Normalised copy of a (p, h, w) AFTER block."""
        if self.kind == "relative":
            return (after * self.gain[:, None, None].astype(np.float32) + self.offset[:, None, None].astype(np.float32)).astype(np.float32)
        if self.kind == "histogram":
            out = np.empty_like(after)
            for i in range(after.shape[0]):
                out[i] = np.interp(after[i], self.q_after[i], self.q_before[i]).astype(np.float32)
            return out
        return after


@dataclass
class AlignedPair:
    """BEFORE and AFTER on BEFORE's grid: read windows of paired, scaled, normalised bands."""

    before: Layer
    after: Layer
    grid: Grid
    window: Window
    roles: list[str]
    same_grid: bool
    resampling: Resampling
    norm: Normalisation = field(default_factory=Normalisation)
    report: list[str] = field(default_factory=list)
    clouds: Optional[list] = None
    """[masker for BEFORE, masker for AFTER] when clouds are masked: a QualityMasker (the product's quality band), a
    CloudMasker (ukis-csmask), or None for a date that cannot be masked."""
    smooth: int = 1
    """BEFORE pixels per AFTER pixel side when AFTER is coarser: BEFORE is then read through AFTER's grid
    (:func:`degrade_like`) to AFTER's detail (1: as read)."""
    shift: tuple[int, int] = (0, 0)
    """(dx, dy) co-registration: AFTER's content for BEFORE's pixel (row, col) is read at (row + dy, col + dx)."""
    _sample: Optional[list[PairBlock]] = None
    _blocks: dict = field(default_factory=dict)
    _masked: Optional["MaskedTally"] = None
    """What the cloud masking took out of the blocks read so far, and the report line it keeps up to date."""
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def family(self) -> str:
        """'sar' when the paired bands are polarisations, 'optical' (also with polarisations beside: a stack of optical
        and SAR bands is compared as optical, never by a log-ratio of reflectance), or 'generic'."""
        if set(self.roles) & OPTICAL_ROLES:
            return "optical"
        if set(self.roles) & SAR_ROLES:
            return "sar"
        return "generic"

    @property
    def mixed(self) -> bool:
        """True when the paired bands hold optical bands and SAR polarisations (a stacked file per date)."""
        return bool(set(self.roles) & OPTICAL_ROLES) and bool(set(self.roles) & SAR_ROLES)

    @property
    def reflectance(self) -> bool:
        """True when both dates' optical values are reflectance-like (not rescaled DN)."""
        return self.before.scaling.reflectance and self.after.scaling.reflectance

    def read_raw(self, window: Window) -> PairBlock:
        """Scaled but not normalised values of both dates for a window of BEFORE's grid (AFTER read in a helper thread)."""
        later = in_helper_thread(self._read_date, "after", window)
        bv, bbad = self._read_date("before", window)
        av, abad = later.result()
        blk = PairBlock(list(self.roles), bv, av, ~(bbad | abad), window=window)
        valid = blk.valid
        if self.clouds and valid.any():
            for which in ("before", "after"):
                blk.valid = blk.valid & ~self.cloudy(blk, which, window)
            blk.cloudy = int(valid.sum() - blk.valid.sum())
        if self._masked is not None:
            with self._lock:
                self._masked.add(window, valid, valid & ~blk.valid)
                self._masked.say(self.report)
        return blk

    def _read_date(self, which: str, window: Window, roles: Optional[Sequence[str]] = None) -> tuple[np.ndarray, np.ndarray]:
        """(p, h, w) scaled values of one date on BEFORE's grid (the paired bands, or ``roles``) and where they are
        invalid (h, w)."""
        if which == "after" and self.shift != (0, 0):
            return self._read_after_shifted(window, lambda w: self._read_unshifted("after", w, roles), len(roles or self.roles))
        return self._read_unshifted(which, window, roles)

    def _read_unshifted(self, which: str, window: Window, roles: Optional[Sequence[str]] = None) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`_read_date` without the co-registration shift (BEFORE degraded to AFTER's detail when it is finer)."""
        if which == "before" and self.smooth > 1:  # read with the context the degrading needs, then cut it off
            big, crop = padded_window(window, 3 * self.smooth + 2, self.grid.width, self.grid.height)
            vals, bad = self._read_plain("before", big, roles)
            vals, bad = degrade_like(vals, bad, self.grid.window_transform(big), self.grid.crs, self.after.src.grid,
                                     self.resampling)
            return vals[:, crop[0], crop[1]], bad[crop]
        return self._read_plain(which, window, roles)

    def _read_plain(self, which: str, window: Window, roles: Optional[Sequence[str]] = None) -> tuple[np.ndarray, np.ndarray]:
        """One date's scaled values as read (AFTER warped onto BEFORE's grid when the grids differ)."""
        layer = self.before if which == "before" else self.after
        paired = list(roles or self.roles)
        wanted = [layer.modality.roles[r] for r in paired]
        idx = layer.bands_to_read(wanted)
        if which == "before" or self.same_grid:
            data = layer.src.read(window=window, bands=idx)
        else:
            data = layer.src.read_on_grid(self.grid, window=window, bands=idx, resampling=self.resampling)
        vals, ok, own = layer.measured(data, idx)  # a height band in metres, valid on its own (Layer.own_scaling)
        # at the data type's largest value in every band: no measurement (an undeclared 65535 fill), as in land cover
        rows = [idx.index(b) for r, b in zip(paired, wanted) if not (r in SAR_ROLES and b in layer.own_scaling)]
        bad = ~ok | saturated_raw(np.asarray(data.data)[rows], [layer.src.dtypes[idx[k] - 1] for k in rows])
        if idx != wanted:
            vals = vals[[idx.index(b) for b in wanted]]
        for valid in own.values():
            bad |= ~valid
        if "height" in paired:  # an undeclared fill (-9999) is no height: it read as a 10 km drop
            bad |= void_heights(vals[paired.index("height")])
        if not all(np.dtype(d).kind in "iub" for d in layer.src.dtypes):  # scaled integers are finite already
            bad |= ~np.isfinite(vals).all(axis=0)
        return vals, bad

    def _read_after_shifted(self, window: Window, reader=None, bands: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """AFTER for a window of BEFORE's grid read ``shift`` pixels away (co-registration); invalid off the grid.
        ``reader(window)`` reads ``bands`` planes of AFTER (default: the paired bands)."""
        reader = reader or (lambda w: self._read_unshifted("after", w))
        dx, dy = self.shift
        c0, r0, w, h = int(window.col_off) + dx, int(window.row_off) + dy, int(window.width), int(window.height)
        cc0, rr0 = max(c0, 0), max(r0, 0)
        cc1, rr1 = min(c0 + w, self.grid.width), min(r0 + h, self.grid.height)
        vals = np.zeros((bands or len(self.roles), h, w), np.float32)
        bad = np.ones((h, w), bool)
        if cc1 > cc0 and rr1 > rr0:
            v, b = reader(Window(cc0, rr0, cc1 - cc0, rr1 - rr0))
            vals[:, rr0 - r0:rr1 - r0, cc0 - c0:cc1 - c0] = v
            bad[rr0 - r0:rr1 - r0, cc0 - c0:cc1 - c0] = b
        return vals, bad

    def cloudy(self, blk: PairBlock, which: str, window: Window) -> np.ndarray:
        """Pixels one date's quality band or ukis-csmask calls cloud or cloud shadow (none when the date is not masked)."""
        masker = self.clouds[0 if which == "before" else 1]
        if masker is None:
            return np.zeros(blk.valid.shape, bool)
        if getattr(masker, "per_pixel", False):
            raw, bad = self._read_quality(which, window)
            return masker.cloudy(raw[0], ~bad)

        def masked(w: Window) -> tuple[np.ndarray, np.ndarray]:
            args = (int(w.col_off), int(w.row_off), int(w.width), int(w.height))
            with self._lock:  # the prefetching reader thread and the caller share the blocks
                blocks, reach = self._cloud_blocks(which, masker)
                cls = np.argmax(blocks.window(*args), axis=0)
                shadow = cls == 2
                if shadow.any():
                    shadow &= reach.window(*args)
            return (cls == 1) | shadow, np.zeros(cls.shape, bool)

        if which == "after" and self.shift != (0, 0):  # masked on AFTER's own pixels, then moved as AFTER's values are
            def plane(w: Window) -> tuple[np.ndarray, np.ndarray]:
                hit, bad = masked(w)
                return hit[None], bad

            return self._read_after_shifted(window, plane, 1)[0][0] > 0
        return masked(window)[0]

    def _cloud_blocks(self, which: str, masker):
        """The date's cloud probabilities on fixed wide blocks of BEFORE's grid (landcover.clouds.BlockCache), so a
        tile's mask does not depend on the tile size (on tiles, a thin last tile, OSCD Nantes' 10 rows, lost 120
        pixels to false clouds that a whole-raster run keeps), and where they lie within SHADOW_REACH_M of a cloud
        (landcover.spectral.CloudReach: a shadow with no cloud near is dark ground, as in land cover). AFTER is masked
        unshifted: the co-registration's off-grid fill read as dark ground, a false shadow strip along the edge."""
        from ..landcover.clouds import BlockCache
        from ..landcover.spectral import CloudReach

        if which not in self._blocks:
            roles = [r for r in self.roles if r in masker.bands]

            def reader(w: Window):
                vals, bad = self._read_unshifted(which, w, roles)
                return dict(zip(roles, vals)), ~bad

            blocks = BlockCache(masker, reader, int(self.grid.width), int(self.grid.height), keep=8)
            self._blocks[which] = (blocks, CloudReach(blocks))
        return self._blocks[which]

    def _read_quality(self, which: str, window: Window) -> tuple[np.ndarray, np.ndarray]:
        """(1, h, w) raw values of one date's quality band on BEFORE's grid (nearest neighbour, co-registered) and where
        it has none."""
        layer = self.before if which == "before" else self.after

        def plain(w: Window) -> tuple[np.ndarray, np.ndarray]:
            own = which == "before" or self.same_grid
            raw, ok = layer.read_quality(w, grid=None if own else self.grid)
            return raw[None], ~ok

        if which == "after" and self.shift != (0, 0):
            return self._read_after_shifted(window, plain, 1)
        return plain(window)

    def read(self, window: Window) -> PairBlock:
        """Paired, scaled and normalised values for a window of BEFORE's grid."""
        blk = self.read_raw(window)
        blk.before = self.norm.apply_before(blk.before)
        blk.after = self.norm.apply(blk.after)
        return blk

    def sample_raw(self, max_pixels: int = 400_000, block: int = 128, seed: int = 0) -> list[PairBlock]:
        """Full-resolution blocks spread over the common extent (all of it when small), cached."""
        if self._sample is None:
            self._sample = [self.read_raw(w) for w in sample_windows(self.window, max_pixels, block, seed)]
        return self._sample

    def sample(self, max_pixels: int = 400_000) -> list[PairBlock]:
        """Normalised sample blocks (for fitting methods and thresholds)."""
        return [PairBlock(b.roles, self.norm.apply_before(b.before), self.norm.apply(b.after), b.valid)
                for b in self.sample_raw(max_pixels)]


def sample_windows(window: Window, max_pixels: int, block: int = 128, seed: int = 0) -> list[Window]:
    """The whole window when small, else up to max_pixels/block² random block windows inside it; the last block of a
    row or column ends on the window's edge (whole blocks from the origin never sampled the last w % block columns and
    h % block rows, so no fit saw them)."""
    c0, r0, w, h = int(window.col_off), int(window.row_off), int(window.width), int(window.height)
    if w * h <= max_pixels:
        return [Window(c0, r0, w, h)]
    bw, bh = min(block, w), min(block, h)
    cols, rows = -(-w // bw), -(-h // bh)
    n = max(1, min(cols * rows, max_pixels // (bw * bh)))
    rng = np.random.default_rng(seed)
    picks = rng.choice(cols * rows, size=n, replace=False)
    return [Window(c0 + min(int(k % cols) * bw, w - bw), r0 + min(int(k // cols) * bh, h - bh), bw, bh) for k in sorted(picks)]


class MaskedTally:
    """Pixels with data on both dates and those the cloud masking took out, counted once each over every block read
    (on cells of the grid that a block holds whole: the run's tiles overlap), and the report line that states the share."""

    CELL = 16

    def __init__(self, width: int, height: int, line: int, say: Callable[[str], str]) -> None:
        self.width, self.height, self.line, self.say_share = width, height, line, say
        self.counted = np.zeros((-(-height // self.CELL), -(-width // self.CELL)), bool)
        self.data = self.masked = 0

    def _cells(self, start: int, length: int, size: int) -> tuple[int, int]:
        """The cells [first, end) of one axis that a span of the grid holds whole (the grid's thinner last cell included)."""
        c = self.CELL
        end = -(-size // c) if start + length >= size else (start + length) // c
        return -(-start // c), end

    def add(self, window: Window, data: np.ndarray, masked: np.ndarray) -> None:
        """Count a block's pixels with data on both dates and the masked ones, in the cells not counted before."""
        c, r0, c0 = self.CELL, int(window.row_off), int(window.col_off)
        y0, y1 = self._cells(r0, data.shape[0], self.height)
        x0, x1 = self._cells(c0, data.shape[1], self.width)
        if y1 <= y0 or x1 <= x0:
            return
        new = ~self.counted[y0:y1, x0:x1]
        if not new.any():
            return
        sums = []
        for arr in (data, masked):
            cut = np.zeros(((y1 - y0) * c, (x1 - x0) * c), np.int32)
            part = arr[y0 * c - r0:min(y1 * c, self.height) - r0, x0 * c - c0:min(x1 * c, self.width) - c0]
            cut[:part.shape[0], :part.shape[1]] = part
            sums.append(cut.reshape(y1 - y0, c, x1 - x0, c).sum(axis=(1, 3)))
        self.data += int(sums[0][new].sum())
        self.masked += int(sums[1][new].sum())
        self.counted[y0:y1, x0:x1] = True

    def say(self, report: list[str]) -> None:
        """Rewrite the report's cloud line with the share masked so far."""
        caution = mostly_cloud_caution(self.masked, self.data - self.masked)
        report[self.line] = self.say_share(number(100.0 * self.masked / max(self.data, 1), 1)) + (". " + caution if caution else "")


def common_window(before: RasterSource, after: RasterSource) -> Window:
    """The window of BEFORE's grid covered by AFTER; raise when they do not overlap."""
    bname, aname = os.path.basename(before.path), os.path.basename(after.path)
    try:
        b = bounds_in(after, before.crs)
    except Exception as exc:  # pyproj/GDAL raise several types
        raise InputError(_t("'{after}' cannot be reprojected to the CRS of '{before}' ({reason}).", after=aname, before=bname, reason=exc),
                         _t("Reproject one of them in QGIS first (Raster > Projections > Warp).")) from exc
    if not np.all(np.isfinite(b)):
        raise InputError(_t("The extent of '{after}' cannot be expressed in the CRS of '{before}'.", after=aname, before=bname),
                         _t("Reproject one of them in QGIS first (Raster > Projections > Warp)."))
    p = before.grid.bounds()
    left, bottom, right, top = max(b[0], p[0]), max(b[1], p[1]), min(b[2], p[2]), min(b[3], p[3])
    no_overlap = InputError(
        _t("The AFTER raster '{after}' does not overlap the BEFORE raster '{before}'.", after=aname, before=bname),
        _t("Choose two rasters of the same place (check both CRSs in Layer Properties > Information)."))
    if left >= right or bottom >= top:
        raise no_overlap
    win = window_of_bounds(left, bottom, right, top, transform=before.transform)
    c0, r0 = max(0, math.floor(win.col_off + 1e-6)), max(0, math.floor(win.row_off + 1e-6))
    c1 = min(before.width, math.ceil(win.col_off + win.width - 1e-6))
    r1 = min(before.height, math.ceil(win.row_off + win.height - 1e-6))
    if c1 - c0 < 1 or r1 - r0 < 1:
        raise no_overlap
    return Window(c0, r0, c1 - c0, r1 - r0)


def common_roles(bm: Modality, am: Modality) -> list[str]:
    """Roles both rasters have, surface bands first, in BEFORE's band order; raise when none."""
    shared = [r for r, _ in sorted(bm.roles.items(), key=lambda kv: kv[1]) if r in am.roles]
    surface = [r for r in shared if r not in ATMOSPHERIC_ROLES]
    roles = surface or shared
    if not roles:
        raise ModalityError(
            _t("BEFORE ({before}) and AFTER ({after}) share no band role, so nothing can be compared.",
               before=bm.describe(), after=am.describe()),
            _t("Choose two rasters that share bands (e.g. red, green, blue, NIR) and name them so that TerraPrompt "
               "recognises them: band descriptions such as B04, SR_B4 or red, or the product's own file names. The "
               "modality 'generic' (Processing) pairs bands by position, right only for files with the same bands in the "
               "same order."))
    return roles


def positional_clash(before: RasterSource, after: RasterSource, bmod: Modality, amod: Modality, roles: list[str]) -> str:
    """Where bands paired by position ('generic': band1 with band1) are described as different bands ('b5 B05 (rededge1)
    with b5 SR_B5 (nir)'), up to three; '' when they are not, or when either file does not describe them."""
    from ..modalities import detect_modality

    if not (bmod.name == "generic" and amod.name == "generic"):
        return ""
    try:
        said = [{i: r for r, i in detect_modality(src).roles.items()} for src in (before, after)]
    except ModalityError:
        return ""
    wrong = []
    for role in roles:
        i, j = bmod.roles[role], amod.roles[role]
        rb, ra = said[0].get(i), said[1].get(j)
        described = before.descriptions[i - 1].strip() and after.descriptions[j - 1].strip()
        if described and rb and ra and rb != ra and not {rb, ra} <= {"nir", "nir08"}:
            wrong.append(_t("b{i} {before} ({brole}) with b{j} {after} ({arole})", i=i, before=before.descriptions[i - 1],
                            brole=rb, j=j, after=after.descriptions[j - 1], arole=ra))
    return separator().join(wrong[:3]) + (" …" if len(wrong) > 3 else "")


def degrade_like(vals: np.ndarray, bad: np.ndarray, transform, crs, coarse: Grid,
                 resampling: Resampling) -> tuple[np.ndarray, np.ndarray]:
    """(p, h, w) values of BEFORE (at ``transform``, ``crs``) taken along AFTER's path: averaged onto AFTER's coarser
    grid, then warped back with AFTER's resampling, and where that leaves no value. Both dates then carry the same blur
    and aliasing (a box filter on BEFORE's own grid differed from AFTER's, and CVA called 2-10 % of unchanged ground
    change); invalid pixels do not leak in."""
    from rasterio.transform import array_bounds
    from rasterio.warp import reproject

    h, w = vals.shape[1:]
    bounds = array_bounds(h, w, transform)
    l, b, r, t = bounds if coarse.crs == crs else transform_bounds(crs, coarse.crs, *bounds, densify_pts=21)
    win = window_of_bounds(l, b, r, t, coarse.transform)
    c0, r0 = max(0, math.floor(win.col_off)), max(0, math.floor(win.row_off))  # AFTER has no pixel off its grid
    c1 = min(coarse.width, math.ceil(win.col_off + win.width))
    r1 = min(coarse.height, math.ceil(win.row_off + win.height))
    if c1 <= c0 or r1 <= r0:
        return np.zeros_like(vals, np.float32), np.ones_like(bad)
    mid_transform = coarse.transform * Affine.translation(c0, r0)
    src = np.where(bad[None], np.nan, vals).astype(np.float32)
    mid = np.full((vals.shape[0], r1 - r0, c1 - c0), np.nan, np.float32)
    reproject(src, mid, src_transform=transform, src_crs=crs, dst_transform=mid_transform, dst_crs=coarse.crs,
              resampling=Resampling.average, src_nodata=np.nan, dst_nodata=np.nan)
    out = np.full_like(src, np.nan)
    reproject(mid, out, src_transform=mid_transform, src_crs=coarse.crs, dst_transform=transform, dst_crs=crs,
              resampling=resampling, src_nodata=np.nan, dst_nodata=np.nan)
    lost = ~np.isfinite(out).all(axis=0)
    return np.where(lost[None], 0, out).astype(np.float32), bad | lost


def padded_window(window: Window, pad: int, width: int, height: int) -> tuple[Window, tuple[slice, slice]]:
    """The window grown by ``pad`` pixels (clipped to the grid) and the slices that cut the original back out."""
    c0, r0 = int(window.col_off), int(window.row_off)
    c1, r1 = c0 + int(window.width), r0 + int(window.height)
    pc0, pr0, pc1, pr1 = max(0, c0 - pad), max(0, r0 - pad), min(width, c1 + pad), min(height, r1 + pad)
    crop = (slice(r0 - pr0, r0 - pr0 + (r1 - r0)), slice(c0 - pc0, c0 - pc0 + (c1 - c0)))
    return Window(pc0, pr0, pc1 - pc0, pr1 - pr0), crop


def same_grid(a: Grid, b: Grid) -> bool:
    """True when two grids are identical (no warping needed)."""
    return a.width == b.width and a.height == b.height and a.crs == b.crs and a.transform.almost_equals(b.transform, 1e-9)


def pixel_size_in(before: RasterSource, after: RasterSource) -> float:
    """AFTER's pixel size expressed in BEFORE's CRS units (approximate, at the centre)."""
    try:
        bb = bounds_in(after, before.crs)
    except Exception:
        return cell_size(before.transform)
    return math.sqrt(abs((bb[2] - bb[0]) * (bb[3] - bb[1])) / max(after.width * after.height, 1))


def align_pair(before: RasterSource, after: RasterSource, bmod: Modality, amod: Modality,
               normalisation: str = "auto", cloud_mask: bool = True, device: str = "auto",
               mask_files: tuple[Optional[RasterSource], Optional[RasterSource]] = (None, None)) -> AlignedPair:
    """Pair two rasters on BEFORE's grid over the common extent and fit the normalisation (``mask_files``: each date's
    product mask given as a file of its own, e.g. its SCL file)."""
    if normalisation not in NORMALISATION_CHOICES:
        raise InputError(_t("Unknown normalisation '{name}'.", name=normalisation),
                         _t("Use one of: {choices}.", choices=", ".join(NORMALISATION_CHOICES)))
    window = common_window(before, after)
    (blayer, bheights), (alayer, aheights) = (bands_apart(make_layer(src, m).with_mask_file(f))
                                              for src, m, f in ((before, bmod, mask_files[0]), (after, amod, mask_files[1])))
    roles = common_roles(blayer.modality, alayer.modality)
    if "height" in roles:
        bheights, aheights = same_height_kind(blayer, alayer, bheights, aheights)
    identical = same_grid(before.grid, after.grid)
    report = [_t("BEFORE: {name} — {modality}; {scaling}", name=os.path.basename(before.path), modality=bmod.describe(),
                 scaling=blayer.scaling.note) + bheights + fill_note(before),
              _t("AFTER: {name} — {modality}; {scaling}", name=os.path.basename(after.path), modality=amod.describe(),
                 scaling=alayer.scaling.note) + aheights + fill_note(after)]
    resampling, smooth = Resampling.bilinear, 1
    if identical:
        report.append(_t("Grids: identical, no resampling"))
    else:
        bpx, apx = cell_size(before.transform), pixel_size_in(before, after)
        resampling = Resampling.average if apx < bpx / 1.5 else Resampling.bilinear
        smooth = int(round(apx / bpx)) if apx > 1.5 * bpx else 1
        report.append(_t("Grids: AFTER ({after_crs}, {width}x{height} px) reprojected onto BEFORE's grid ({before_crs}, pixel {pixel}) "
                         "with {resampling} resampling", after_crs=crs_label(after.crs), width=after.width, height=after.height,
                         before_crs=crs_label(before.crs), pixel=decimal(f"{bpx:.6g}"), resampling=resampling_text(resampling)))
    full = window.width == before.width and window.height == before.height
    share = 100.0 * window.width * window.height / (before.width * before.height)
    report.append(_t("Common extent: AFTER's bounding box covers all of BEFORE") if full else
                  _t("Common extent: {width}x{height} px of BEFORE ({share} %); outside it the outputs are nodata",
                     width=int(window.width), height=int(window.height), share=f"{share:.0f}"))
    extent = len(report) - 1
    dropped = [r for r in bmod.roles if r in amod.roles and r not in roles]
    report.append(_t("Bands paired by role: {bands} (left out: {dropped})", bands=", ".join(roles), dropped=", ".join(dropped))
                  if dropped else _t("Bands paired by role: {bands}", bands=", ".join(roles)))
    clash = positional_clash(before, after, bmod, amod, roles)
    if clash:
        report.append(_t("Caution: bands are paired by position (modality 'generic'), but the band descriptions name "
                         "different bands: {pairs}; their differences are no change: choose the modality 'auto' (bands "
                         "paired by what their descriptions name) or compare files with the same bands in the same order",
                         pairs=clash))
    pair = AlignedPair(blayer, alayer, before.grid, window, roles, identical, resampling, report=report)
    if not identical and smooth > 1:
        pair.smooth = smooth
        report.append(_t("Detail: AFTER's pixels are {factor} times BEFORE's, so BEFORE is averaged onto AFTER's pixels and "
                         "resampled back as AFTER is ({resampling}): both dates carry the same detail, and finer detail is "
                         "not called change", factor=smooth, resampling=resampling_text(resampling)))
    report.append(coregister(pair))
    pair.clouds, why = cloud_maskers(pair, bmod, amod, device) if cloud_mask else (None, _t("not asked for"))
    if pair.clouds:
        report.append("")
        pair._masked = MaskedTally(int(pair.grid.width), int(pair.grid.height), len(report) - 1, clouds_line(pair.clouds, why))
    else:
        report.append(_t("Clouds: not masked ({why})", why=why))
    raw = pair.sample_raw()
    n_valid = sum(int(b.valid.sum()) for b in raw)
    report[extent] += data_share_note(raw)
    check_invalid_bands(pair, raw)
    order = band_order_note(pair, raw)
    if order:
        report.insert(extent + 2, order)
        if pair._masked is not None:
            pair._masked.line += 1
    cloudy = sum(b.cloudy for b in raw)
    if n_valid == 0 and cloudy:
        raise InputError(_t("The cloud masking took out all {n} pixels sampled that have data on both BEFORE and AFTER: "
                            "no clear pixel is left to compare.", n=number(cloudy)),
                         _t("Check both images for clouds, and for a fill value read as data (stripes or collars at the data "
                            "type's largest value look like cloud): declare it as the nodata value, turn MASK_CLOUDS off "
                            "for clear images, or give each date's product cloud mask."))
    if n_valid == 0:
        raise InputError(_t("BEFORE and AFTER have no valid pixel in common (all nodata where they overlap)."),
                         _t("Check the nodata values of both rasters, or choose rasters that overlap with data."))
    pair.norm = fit_normalisation(raw, normalisation, blayer, alayer)
    report.append(_t("Radiometry: {note}", note=pair.norm.note))
    return pair


def bands_apart(layer: Layer) -> tuple[Layer, str]:
    """A date's layer with its height band (:func:`heights_apart`) and the SAR bands of an optical stack read apart
    (:meth:`Layer.with_sar_apart`: dB, never the reflectance scaling), and the words its report line ends with."""
    layer, said = heights_apart(layer)
    apart = layer.with_sar_apart()
    if apart is layer:
        return layer, said
    bands = sorted(b for b, sc in apart.own_scaling.items() if sc.kind == "sar_db")
    return apart, said + separator() + sar_apart_note(bands, apart.own_scaling[bands[0]])


def height_reading(layer: Layer) -> tuple[HeightReading, str]:
    """How land cover would read a date's heights (DSM or nDSM, :func:`read_heights` on a sample in metres) and the
    caution its report line ends with when undeclared fill values (at or below VOID_M) were found ('' when none)."""
    band = layer.modality.roles["height"]
    data = layer.src.sample(bands=[band], max_pixels=250_000)
    vals = layer.measured(data, [band])[0]
    reading = read_heights(np.where(~np.ma.getmaskarray(data)[0], vals[0], np.nan))  # undeclared fills kept: said
    if not reading.voids:
        return reading, ""
    return reading, separator() + _t("caution: values {values} are fill values, not heights, and were treated as no height: "
                                     "set them as the layer's nodata", values=", ".join(f"{v:g}" for v in reading.voids))


def same_height_kind(blayer: Layer, alayer: Layer, bsaid: str, asaid: str) -> tuple[str, str]:
    """Both dates' report tails with their fill cautions; refuse a DSM compared with an nDSM (every pixel would differ by
    the ground's elevation)."""
    (bread, bvoid), (aread, avoid) = height_reading(blayer), height_reading(alayer)
    if bread.is_dsm != aread.is_dsm:
        kinds = {True: _t("a DSM"), False: _t("an nDSM")}
        raise ModalityError(
            _t("BEFORE '{before}' reads as {bkind} ({bwhy}) and AFTER '{after}' as {akind} ({awhy}): their heights differ "
               "by the ground's elevation everywhere, which is no change.", before=os.path.basename(blayer.src.path),
               bkind=kinds[bread.is_dsm], bwhy=bread.why, after=os.path.basename(alayer.src.path),
               akind=kinds[aread.is_dsm], awhy=aread.why),
            _t("Give both dates as DSMs (elevations) or both as nDSMs (heights above ground: a DSM minus a terrain model of "
               "the same place)."))
    return bsaid + bvoid, asaid + avoid


INVALID_SHARE = 0.05
"""When fewer than this share of the sample's pixels with a value on both dates are valid, the band whose values its
scaling calls no measurement is named (the overlap message sent analysts to the extent)."""


def check_invalid_bands(pair: AlignedPair, raw: list[PairBlock]) -> None:
    """Refuse, naming the band, when nearly every sample pixel with a value on both dates (nodata on either date left
    out) is lost because one band's values are no measurement under its date's scaling (negative dB read as reflectance,
    an undeclared fill)."""
    kept = sum(int(b.valid.sum()) + b.cloudy for b in raw)
    if kept >= INVALID_SHARE * sum(b.valid.size for b in raw):  # enough even counting nodata: nothing to read again
        return
    windows = [b.window for b in raw]
    losses = {which: _band_losses(pair, which, windows) for which in ("before", "after")}
    total = int(np.logical_and.reduce([has for date in losses.values() for has, _ in date.values()]).sum())
    if kept >= INVALID_SHARE * total:
        return
    for which, layer in (("before", pair.before), ("after", pair.after)):
        worst, share = _worst_band(losses[which])
        if worst is not None:
            raise ModalityError(
                _t("Band {band} ('{name}', {role}) of {date} '{file}' is no measurement on {pct} % of its pixels as read "
                   "({scaling}), so almost no pixel is valid on both dates.", band=layer.modality.roles[worst],
                   name=layer.band_description(layer.modality.roles[worst]) or "-", role=worst, date=_t(which.upper()),
                   file=os.path.basename(layer.src.path), pct=number(100 * share, 0),
                   scaling=layer.own_scaling.get(layer.modality.roles[worst], layer.scaling).note),
                _t("Check that band's values and nodata (an undeclared fill value such as -9999), or leave it out of the "
                   "file; a band of another kind (SAR in dB, heights) needs a band description that names it (VV, VH, "
                   "DSM)."))


def _band_losses(pair: AlignedPair, which: str, windows: list[Window]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """role → (where the band has a value, where that value is no measurement), one date's paired bands each read alone
    on the sample ``windows``, flattened."""
    layer = pair.before if which == "before" else pair.after
    out = {}
    for role in pair.roles:
        band = layer.modality.roles[role]
        has, lost = [], []
        for win in windows:
            data = layer.src.read(window=win, bands=[band]) if which == "before" or pair.same_grid else \
                layer.src.read_on_grid(pair.grid, window=win, bands=[band], resampling=pair.resampling)
            there = ~np.ma.getmaskarray(data)[0]
            vals, ok, own = layer.measured(data, [band])
            has.append(there.ravel())
            lost.append((there & ~(ok & own.get(band, ok) & np.isfinite(vals[0]))).ravel())
        out[role] = (np.concatenate(has), np.concatenate(lost))
    return out


def _worst_band(losses: dict[str, tuple[np.ndarray, np.ndarray]]) -> tuple[Optional[str], float]:
    """The role whose values are no measurement on most of the sample pixels where it has a value (:func:`_band_losses`),
    and that share; (None, 0) when no band is so on more than half of them."""
    best, share = None, 0.0
    for role, (has, lost) in losses.items():
        if not has.any():
            continue
        part = float(lost.sum() / has.sum())
        if part > max(share, 0.5):
            best, share = role, part
    return best, share


ORDER_GAIN = 0.005
"""How much better another pairing of the bands must fit (:func:`_pairing_misfit`) than the positional one for the
summary to say the band order may differ: on the 10 OSCD city pairs and Taizhou the positional pairing is the best one
(gain 0), while swapping two bands of AFTER, or rotating three, gained 0.009 to 0.05 and was found on every pair."""
ORDER_PIXELS = 50_000
"""Sample pixels the band-order check reads at most (a few milliseconds)."""


def _pairing_misfit(cb: np.ndarray, ca: np.ndarray, cross: np.ndarray, perm: list[int]) -> float:
    """How badly AFTER's bands ``perm`` fit BEFORE's bands: the difference of the two dates' band-to-band correlations
    less the mean correlation of each band with its partner across the dates."""
    return float(np.abs(cb - ca[np.ix_(perm, perm)]).mean() - cross[np.arange(len(perm)), perm].mean())


def better_pairing(X: np.ndarray, Y: np.ndarray) -> tuple[list[int], float]:
    """The pairing of AFTER's columns with BEFORE's that fits best, found by swapping pairs from the positional one, and
    how much better it fits (0 when the positional one is best)."""
    p = X.shape[1]
    with np.errstate(invalid="ignore", divide="ignore"):
        cb, ca = np.nan_to_num(np.corrcoef(X.T)), np.nan_to_num(np.corrcoef(Y.T))
        cross = np.nan_to_num(np.corrcoef(X.T, Y.T)[:p, p:])
    perm = list(range(p))
    start = best = _pairing_misfit(cb, ca, cross, perm)
    improved = True
    while improved:
        improved = False
        for i in range(p):
            for j in range(i + 1, p):
                q = perm.copy()
                q[i], q[j] = q[j], q[i]
                misfit = _pairing_misfit(cb, ca, cross, q)
                if misfit < best - 1e-9:
                    perm, best, improved = q, misfit, True
    return perm, start - best


def band_order_note(pair: AlignedPair, raw: list[PairBlock]) -> str:
    """A caution when a date's paired bands are not all described (paired by position or by their values) and another
    pairing of the bands fits the two dates clearly better (:data:`ORDER_GAIN`): the files may hold their bands in
    different orders; '' otherwise."""
    described = [all(layer.band_description(layer.modality.roles[r]) for r in pair.roles) for layer in (pair.before, pair.after)]
    if all(described) or len(pair.roles) < 3:
        return ""
    X, Y = sample_pixels(raw)
    if len(X) < 100:
        return ""
    step = max(1, len(X) // ORDER_PIXELS)
    perm, gain = better_pairing(X[::step], Y[::step])
    if gain <= ORDER_GAIN:
        return ""
    broles, aroles = pair.before.modality.roles, pair.after.modality.roles
    moved = [_t("BEFORE {role} (b{band}) with AFTER b{better} rather than b{paired}", role=r, band=broles[r],
                better=aroles[pair.roles[perm[i]]], paired=aroles[r]) for i, r in enumerate(pair.roles) if perm[i] != i]
    return _t("Caution: band order: the bands fit the other date clearly better paired otherwise ({pairs}); the files may "
              "hold their bands in different orders, and bands paired wrongly differ everywhere: describe the bands (B02, "
              "B03 ... or blue, green ...) so that they are paired by name, or write both dates with the same bands in the "
              "same order", pairs=separator().join(moved[:3]) + (" …" if len(moved) > 3 else ""))


def heights_apart(layer: Layer) -> tuple[Layer, str]:
    """A date's layer with its height band compared in metres or, described as terrain elevation, left out, as land
    cover reads it (:meth:`Layer.with_heights_apart`), and the words its report line ends with ('' without one): the
    reflectance scaling read an nDSM's 15 m as 0.0015, and a DEM's relief is the same ground on both dates, no change."""
    band = layer.modality.roles.get("height")
    apart = layer.with_heights_apart()
    if band is None or apart is layer:
        return layer, ""
    desc = layer.band_description(band)
    if "height" not in apart.modality.roles:
        return apart, separator() + _t("band {band} ('{name}') is terrain elevation (a DEM), not the height of objects "
                                       "above ground: not compared", band=band, name=desc)
    return apart, separator() + _t("band {band} ('{name}') read as heights apart from the other bands: {how}", band=band,
                                   name=desc or f"b{band}", how=apart.own_scaling[band].note)


def clouds_line(maskers: list, why: str) -> Callable[[str], str]:
    """The report's cloud line for a share masked ('1,2'): which masker each date had, and that cloud and shadow pixels
    of either date are nodata."""
    def by_network(m) -> bool:
        """Whether a date's clouds were masked by the cloud network: not by a product's mask, nor left unmasked on a raster
        too small for the network."""
        return m is not None and not getattr(m, "per_pixel", False) and not getattr(m, "skipped", None)

    def model(m) -> str:
        if m is None:
            return _t("not masked ({why})", why=why)
        if not by_network(m):
            return m.describe()
        from ..landcover.spectral import SHADOW_REACH_M

        return _t("{model}, its shadows within {km} km of its clouds", model=m.describe(caution=False),
                  km=number(SHADOW_REACH_M / 1000.0))

    def cautions() -> str:
        """The networks' narrow-raster cautions, each a sentence of its own after the line ('' when none)."""
        said = dict.fromkeys(m.narrow_caution() for m in maskers if by_network(m) and m.narrow)
        return "".join(". " + c[:1].upper() + c[1:] for c in said)

    bm, am = maskers
    if bm is not None and am is not None and bm.describe() == am.describe():
        return lambda pct: _t("Clouds: {model} on both dates; cloud and shadow pixels of either date are nodata ({pct} % of "
                              "the pixels with data on both dates)", model=model(bm), pct=pct) + cautions()
    def said() -> str:  # when the line is written: a masker knows only after the run whether it ran
        return separator().join(_t("{date}: {model}", date=d, model=model(m)) for d, m in ((_t("BEFORE"), bm), (_t("AFTER"), am)))

    return lambda pct: _t("Clouds: {dates}; cloud and shadow pixels of either date are nodata ({pct} % of the pixels with "
                          "data on both dates)", dates=said(), pct=pct) + cautions()


def resampling_text(resampling: Resampling) -> str:
    """How AFTER is resampled, in the summary's language ('bilinear', 'bilinéaire')."""
    return {Resampling.bilinear: _t("bilinear"), Resampling.average: _t("average"),
            Resampling.nearest: _t("nearest neighbour")}.get(resampling, resampling.name)


def data_share_note(raw: list[PairBlock]) -> str:
    """The tail of the extent line when part of the common extent has no data on one date (a scene's collar inside
    AFTER's bounding box): how much of it has data on both, from the sample; '' when (nearly) all of it has."""
    total = sum(b.valid.size for b in raw)
    with_data = sum(int(b.valid.sum()) + b.cloudy for b in raw)
    share = 100.0 * with_data / max(total, 1)
    if share >= 99.5:
        return ""
    return _t("; data on both dates in {share} % of it (sample)", share=number(share, 0))


FAR_SHIFT = 24
"""Shifts beyond the corrected MAX_SHIFT are looked for up to this many pixels, to say so (not undone)."""
FAR_PEAK_RATIO = 5.0
"""How clearly such a far shift must stand out (a true one stands out hundreds of times; repeated patterns do not)."""


def coregister(pair: AlignedPair, size: int = 512) -> str:
    """Find and set the pair's whole-pixel co-registration shift from a central window; the report line says what.
    A SAR pair is lined up on its co-polarised band, despeckled, in dB (speckle alone has no edges to line up, but
    fields and parcels do: a 1 px shift called 14.5 % of an unchanged Sen1Floods11 chip change)."""
    from .coregister import MAX_SHIFT, MIN_PEAK_RATIO, despeckled_db, estimate_shifts

    w = pair.window
    ww, hh = min(size, int(w.width)), min(size, int(w.height))
    win = Window(int(w.col_off) + (int(w.width) - ww) // 2, int(w.row_off) + (int(w.height) - hh) // 2, ww, hh)
    sar = pair.family == "sar"
    role = next((r for r in (("vv", "hh") if sar else ("nir", "red", "green")) if r in pair.roles), pair.roles[0])
    i = pair.roles.index(role)
    bv, bbad = pair._read_unshifted("before", win)
    av, abad = pair._read_unshifted("after", win)
    valid = ~(bbad | abad)
    b, a = (despeckled_db(bv[i], valid), despeckled_db(av[i], valid)) if sar else (bv[i], av[i])
    (dx, dy, ratio), (fx, fy, far) = estimate_shifts(b, a, valid, (MAX_SHIFT, FAR_SHIFT))
    if sar:
        role = _t("{band} (despeckled, in dB)", band=role)
    pair.shift = (dx, dy)
    if (dx, dy) == (0, 0):
        if max(abs(fx), abs(fy)) > MAX_SHIFT and far >= FAR_PEAK_RATIO:  # said, not undone: beyond what is checked here
            return _t("Co-registration: caution: AFTER looks shifted by {dx}, {dy} px (columns, rows) against BEFORE, more "
                      "than the {max} px corrected here: changes along edges will be misregistration; co-register the "
                      "rasters first (phase correlation of {band} edges, peak {ratio} times the next)", dx=fx, dy=fy,
                      max=MAX_SHIFT, band=role, ratio=decimal(f"{far:.1f}"))
        if ratio < MIN_PEAK_RATIO:  # no offset stands out, not even none: the dates were not compared
            return _t("Co-registration: could not be measured: the dates' {band} edges do not correlate clearly (peak {ratio} "
                      "times the next, {min} needed), so a shift of the rasters would go unnoticed; check by eye that the dates "
                      "line up", band=role, ratio=decimal(f"{ratio:.1f}"), min=decimal(f"{MIN_PEAK_RATIO:.1f}"))
        return _t("Co-registration: no shift of a whole pixel found (phase correlation of {band} edges, up to {max} px)",
                  band=role, max=MAX_SHIFT)
    moves = [_t("{n} px right", n=dx) if dx > 0 else _t("{n} px left", n=-dx) if dx < 0 else "",
             _t("{n} px down", n=dy) if dy > 0 else _t("{n} px up", n=-dy) if dy < 0 else ""]
    return _t("Co-registration: AFTER was {shift} of BEFORE and is read shifted back (phase correlation "
              "of {band} edges, peak {ratio} times the next)", shift=", ".join(m for m in moves if m), band=role,
              ratio=decimal(f"{ratio:.1f}"))


def cloud_maskers(pair: AlignedPair, bmod: Modality, amod: Modality, device: str) -> tuple[Optional[list], str]:
    """Per date, the product's quality band when it carries one, else ukis-csmask when both dates are optical reflectance
    with the bands it needs; (None, why) when neither date can be masked (why: why the network cannot run)."""
    unmasked = any(layer.quality is None for layer in (pair.before, pair.after))
    nets, why = _network_maskers(pair, bmod, amod, device) if unmasked else (None, "")
    maskers = [QualityMasker(layer.quality) if layer.quality is not None else (nets[i] if nets else None)
               for i, layer in enumerate((pair.before, pair.after))]
    return (maskers, why) if any(m is not None for m in maskers) else (None, why)


def _network_maskers(pair: AlignedPair, bmod: Modality, amod: Modality, device: str) -> tuple[Optional[list], str]:
    """ukis-csmask for both dates when both are optical reflectance with the bands it needs at the 5-120 m pixels it is
    made for (as land cover), else (None, why)."""
    from ..landcover.clouds import CloudMasker, available
    from ..landcover.spectral import CLOUDNET_PIXEL_M
    from ..raster import pixel_size_m

    ok, why = available(set(pair.roles))
    if not ok:
        return None, why
    for layer in (pair.before, pair.after):
        if layer.scaling.kind != "reflectance" or not layer.scaling.calibrated:
            return None, _t("the values are not calibrated reflectance")
    px = pixel_size_m(pair.grid)
    if not (CLOUDNET_PIXEL_M[0] <= px <= CLOUDNET_PIXEL_M[1]):
        return None, _t("the pixels are {size} m; the network is made for {lo}-{hi} m satellite imagery", size=measure(px),
                        lo=measure(CLOUDNET_PIXEL_M[0]), hi=measure(CLOUDNET_PIXEL_M[1]))
    try:
        return [CloudMasker(set(pair.roles), px, "l2a" if m.name == "sentinel2_l2a" else "l1c", device) for m in (bmod, amod)], ""
    except Exception as exc:  # noqa: BLE001 - a missing/broken model only disables masking, and says so
        return None, _t("the cloud network could not start ({error})", error=exc)


def paired_scaling(layer: Layer, roles: Sequence[str]) -> Scaling:
    """The scaling a date's paired bands are read with: their own when every one of them is read apart with one (the SAR
    bands of an optical stack paired with a SAR file), else the layer's."""
    own = {id(layer.own_scaling.get(layer.modality.roles[r])): layer.own_scaling.get(layer.modality.roles[r]) for r in roles}
    sc = next(iter(own.values()), None)
    return sc if len(own) == 1 and sc is not None else layer.scaling


def _auto_normalisation(blayer: Layer, alayer: Layer, roles: Sequence[str] = ()) -> str:
    """'none' when both dates' paired ``roles`` are in the same physical units (reflectance, dB, metres;
    :func:`paired_scaling`), else 'relative'.

    Measured (make eval-change): on calibrated Sentinel-2 TOA pairs (OSCD) normalising costs F1
    (0.27 → 0.22 for CVA); on 8-bit DN pairs (Landsat Taizhou) it is decisive (kappa −0.04 → 0.98).
    """
    physical = ("reflectance", "sar_db", "metres")
    bsc, asc = paired_scaling(blayer, roles), paired_scaling(alayer, roles)
    rescaled = not (bsc.calibrated and asc.calibrated)
    if bsc.kind in physical and asc.kind == bsc.kind and not rescaled:
        return "none"
    return "relative"


def fit_normalisation(blocks: list[PairBlock], kind: str, blayer: Layer, alayer: Layer) -> Normalisation:
    """Fit AFTER → BEFORE radiometric normalisation on sample blocks."""
    why = ""
    if kind == "auto":
        kind = _auto_normalisation(blayer, alayer, blocks[0].roles if blocks else ())
        why = " " + (_t("(auto: both dates are in physical units)") if kind == "none"
                     else _t("(auto: values are not calibrated alike, so gains and offsets differ)"))
    if kind == "none":
        kept = _kept_offset(blocks, blayer, alayer) if why else None
        return kept or Normalisation("none", note=_t("no radiometric normalisation") + why)
    X, Y = sample_pixels(blocks)
    if kind == "histogram":
        qs = np.linspace(0, 100, 257)
        qa = np.percentile(Y, qs, axis=0).T
        qb = np.percentile(X, qs, axis=0).T
        for i in range(qa.shape[0]):
            qa[i] = _strictly_increasing(qa[i])
        return Normalisation("histogram", q_after=qa, q_before=qb, note=_t("AFTER histogram-matched to BEFORE per band") + why)
    from .irmad import fit_irmad, min_fit_pixels, no_change_probability

    need = min_fit_pixels(X.shape[1])
    if X.shape[0] < need:  # IR-MAD cannot find the no-change pixels: said, not refused (the method may run on this)
        hist = fit_normalisation(blocks, "histogram", blayer, alayer)
        hist.note = _t("relative normalisation needs {need} px with data on both dates for IR-MAD to find the no-change "
                       "pixels, and the rasters overlap on {n} px, so AFTER is histogram-matched to BEFORE per band instead "
                       "(set NORMALISATION to none to compare the values as read)", need=need, n=X.shape[0]) + why
        return hist
    model = fit_irmad(X, Y)
    pnc = no_change_probability(model, X, Y)
    sel = pnc > 0.9
    if sel.sum() < max(50, 0.05 * len(pnc)):
        sel = pnc >= np.quantile(pnc, 0.75)
    gain, offset = orthogonal_regression(Y[sel], X[sel])
    if np.any(gain <= 0):  # brighter where the other date is darker: no linear relation (an undeclared fill, another scene)
        hist = fit_normalisation(blocks, "histogram", blayer, alayer)
        hist.note = _t("relative normalisation found no positive gain for {bands} (gains {gains}; an undeclared nodata fill "
                       "or a different scene?), so AFTER is histogram-matched to BEFORE per band instead",
                       bands=", ".join(r for r, g in zip(blocks[0].roles, gain) if g <= 0),
                       gains=", ".join(decimal(f"{g:.2f}") for g in gain)) + why
        return hist
    return Normalisation("relative", gain=gain, offset=offset,
                         note=_t("relative normalisation: per-band orthogonal regression of BEFORE on AFTER over {pixels} no-change "
                                 "pixels found by IR-MAD (gains {gains})", pixels=int(sel.sum()),
                                 gains=", ".join(decimal(f"{g:.2f}") for g in gain)) + why)


OFFSET_GAP = (0.065, 0.18)
"""A dark-object gap (0.5th percentile of one date less the other's) of this size in every band, the same way round, is
the 1000 DN offset of Sentinel-2 baseline 04.00+ left in one date (0.1 reflectance; 0.074-0.154 on the ten OSCD pairs
with it added to AFTER). Between the two old-baseline dates of those pairs it is at most 0.053 in any band."""


def _dn_without_offset(layer: Layer) -> bool:
    """Whether a date was read as DN / 10000 with no offset removed: the scaling a baseline 04.00+ date keeps its 1000 DN
    offset under when nothing states it."""
    return bool(np.isclose(layer.scaling.scale, 1e-4)) and layer.scaling.offset == 0.0 and not layer.scaling.to_db


def _kept_offset(blocks: list[PairBlock], blayer: Layer, alayer: Layer) -> Optional[Normalisation]:
    """The normalisation that takes the Sentinel-2 baseline 04.00 offset (0.1) out of the date that holds it when the sample
    shows its signature, a uniform dark-object gap of about 0.1 in every band between the dates (:data:`OFFSET_GAP`),
    and the brighter date was read as DN / 10000 without an offset; None otherwise. Left in, it adds 0.1 to every band of
    every pixel of one date (CVA found 0.6 % changed instead of 6.6 % on a Nantes pair)."""
    if not blocks or not (blayer.scaling.kind == alayer.scaling.kind == "reflectance"):
        return None
    cols = reflectance_columns(blocks[0].roles, blayer, alayer)  # a height band in metres has no such offset
    X, Y = (v[:, cols] for v in sample_pixels(blocks))
    if len(X) < 100 or not cols:
        return None
    gap = np.percentile(Y, 0.5, axis=0) - np.percentile(X, 0.5, axis=0)
    lo, hi = OFFSET_GAP
    if np.all((gap >= lo) & (gap <= hi)) and _dn_without_offset(alayer):
        date = "AFTER"
    elif np.all((-gap >= lo) & (-gap <= hi)) and _dn_without_offset(blayer):
        date = "BEFORE"
    else:
        return None
    shift = np.zeros(len(blocks[0].roles))
    shift[cols] = -0.1
    note = _t("{date}'s dark objects read {gaps} above the other date's in every band: the 1000 DN offset of Sentinel-2 "
              "processing baseline 04.00+ is still in {date}'s values, so {date} is shifted by {shift} (set "
              "BOA_ADD_OFFSET=-1000 in that file's tags, or the band scale 0.0001 and offset -0.1, to remove it at the "
              "source)", date=_t(date), gaps=", ".join(decimal(f"{abs(g):.3f}") for g in gap), shift=decimal("-0.1"))
    if date == "BEFORE":  # AFTER is left as read: shifting it too would make both dates 0.1 too bright
        return Normalisation("none", before_offset=shift, note=note)
    return Normalisation("relative", gain=np.ones(shift.size), offset=shift, note=note)


def reflectance_columns(roles: Sequence[str], blayer: Layer, alayer: Layer) -> list[int]:
    """The indices of the paired roles both dates read with their reflectance scaling (not a height band read apart in
    metres, :attr:`Layer.own_scaling`)."""
    return [i for i, r in enumerate(roles)
            if all(layer.modality.roles[r] not in layer.own_scaling for layer in (blayer, alayer))]


def _strictly_increasing(q: np.ndarray) -> np.ndarray:
    """Quantiles nudged to be strictly increasing (np.interp needs it)."""
    eps = max(1e-9, 1e-9 * float(np.abs(q).max()))
    return q + eps * np.arange(q.size)


def orthogonal_regression(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-column total-least-squares fit y ≈ gain·x + offset (symmetric in the two dates)."""
    gains, offsets = [], []
    for i in range(x.shape[1]):
        xi, yi = x[:, i], y[:, i]
        c = np.cov(xi, yi)
        sxx, syy, sxy = c[0, 0], c[1, 1], c[0, 1]
        if abs(sxy) < 1e-12 or sxx < 1e-12:
            g = 1.0
        else:
            g = (syy - sxx + math.sqrt((syy - sxx) ** 2 + 4 * sxy ** 2)) / (2 * sxy)
        gains.append(g)
        offsets.append(yi.mean() - g * xi.mean())
    return np.array(gains), np.array(offsets)
