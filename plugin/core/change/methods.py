"""What every change method shares: fit on a sample, per-tile probability, a scene-adaptive threshold.

A method turns a :class:`PairBlock` (both dates on one grid) into a change
probability in [0, 1]. Its statistics are fitted once on sample blocks
(:meth:`AlignedPair.sample`) and then applied tile by tile, so the result does
not depend on how the raster is tiled. ``threshold`` is the probability above
which a pixel is called changed; methods set it from the scene (Otsu).
"""
from __future__ import annotations

import math
import numpy as np
from scipy import ndimage
from rasterio.windows import Window

from ..errors import ModalityError
from ..messages import decimal, separator, t as _t
from ..thresholds import kittler_illingworth, otsu
from .align import SAR_ROLES, AlignedPair, PairBlock, padded_window

METHOD_CHOICES = ["auto", "network", "irmad", "cva", "logratio"]
"""Methods offered to analysts (Processing enum order)."""


class ChangeMethod:
    """Base class: ``fit(blocks)``, ``probability(block)``, ``threshold`` and ``explain()``."""

    name = "base"
    context = 0  # pixels of context a window needs on each side (spatial filters); see window_probability

    def __init__(self) -> None:
        self.threshold = 0.5
        self.notes: list[str] = []

    def fit(self, blocks: list[PairBlock]) -> None:
        """Fit the statistics on sample blocks."""
        raise NotImplementedError

    def probability(self, block: PairBlock) -> np.ndarray:
        """(h, w) float32 change probability in [0, 1] (any value where the block is invalid)."""
        raise NotImplementedError

    def explain(self) -> list[str]:
        """Plain-language lines on what was fitted."""
        return list(self.notes)


def smooth_valid(x: np.ndarray, valid: np.ndarray, size: int = 3) -> np.ndarray:
    """Mean of x over the valid pixels of a size×size window (invalid pixels do not leak in)."""
    if valid.all():  # the common case: one filter
        return ndimage.uniform_filter(x.astype(np.float32, copy=False), size, mode="nearest")
    xv = np.where(valid, x, 0).astype(np.float32)
    num = ndimage.uniform_filter(xv, size, mode="nearest")
    den = ndimage.uniform_filter(valid.astype(np.float32), size, mode="nearest")
    return np.where(den > 0, num / np.maximum(den, 1e-6), 0).astype(np.float32)


MIN_SCENE_PIXELS = 1024
"""Fewest sample pixels with data on both dates that a scene-adaptive threshold is fitted on (32x32 px). The thresholds
read a 256-bin histogram, 4 pixels a bin on average here, and a change mode of 2 % holds some 20 pixels. On fewer, a
unimodal sample is split in two: a 1-px-wide overlap of 60 px had 29 called change that the 60x60 run of the same
pixels calls unchanged (CVA)."""


def check_scene_sample(n: int) -> None:
    """Refuse a sample of n pixels with data on both dates that is too small for a scene-adaptive change threshold."""
    if n < MIN_SCENE_PIXELS:
        raise ModalityError(_t("The rasters overlap on {n} px with data on both dates: too few to fit a scene-adaptive "
                               "change threshold ({min} px needed; fitted on fewer, it calls unchanged pixels change).",
                               n=n, min=MIN_SCENE_PIXELS),
                            _t("Use rasters that overlap on at least {min} px with data on both dates (e.g. {side}x{side} px), "
                               "or the method 'network' (red, green and blue bands), whose threshold does not depend on "
                               "the scene.", min=MIN_SCENE_PIXELS, side=math.isqrt(MIN_SCENE_PIXELS)))


class LogisticCalibration:
    """Score → probability: 0.5 at the scene's minimum-error threshold, 0.05 at the sample median."""

    def __init__(self, scores: np.ndarray, floor: float = 0.0) -> None:
        """``floor``: the smallest score that can be change whatever the scene (e.g. a log-ratio within speckle)."""
        s = scores[np.isfinite(scores)]
        check_scene_sample(s.size)
        t = kittler_illingworth(s)
        self.how = _t("minimum-error (Kittler-Illingworth)")
        self.no_variation = False
        """The dates do not vary in the sample: the threshold lies above every score (nothing called change)."""
        med = float(np.median(s))
        if not np.isfinite(t) or t <= med:
            t = otsu(s)
            self.how = _t("Otsu (minimum-error found no bimodality)")
        if not np.isfinite(t) or t <= med:
            t = float(np.percentile(s, 99))
            self.how = _t("99th percentile (the sample shows no change mode)")
        spread = float(np.percentile(s, 99) - np.percentile(s, 1))
        if t <= med or spread <= 1e-6 * max(1.0, abs(med)):
            t = float(s.max()) + max(1.0, abs(med))
            self.how = _t("no variation between the dates in the sample (nothing called change)")
            self.no_variation = True
            med = t - 1.0
        if t < floor:
            t = floor
            self.how = _t("{how}, raised to the method's floor {floor}", how=self.how, floor=decimal(f"{floor:g}"))
            self.no_variation = False  # a threshold at the floor is one to speak of
        self.center = float(t)
        self.scale = max((t - med) / math.log(19.0), 1e-9)
        self.median = med

    def __call__(self, scores: np.ndarray) -> np.ndarray:
        z = np.clip((scores - self.center) / self.scale, -40, 40)
        return (1.0 / (1.0 + np.exp(-z))).astype(np.float32)


def window_probability(pair: AlignedPair, method: ChangeMethod, window: Window) -> tuple[np.ndarray, np.ndarray]:
    """(probability, valid) of a window, computed with the method's spatial context read around it.

    Reading the context makes every tile exact: tiled and whole-raster results are identical.
    """
    big, crop = padded_window(window, method.context, pair.grid.width, pair.grid.height)
    blk = pair.read(big)
    return method.probability(blk)[crop], blk.valid[crop]


def choose_method(method: str, pair: AlignedPair) -> tuple[str, str]:
    """Resolve METHOD (auto → a real method) and say why, with the units compared when the pair stacks optical and SAR
    bands; refuse what cannot run on these bands."""
    name, why = _resolved(method, pair)
    return name, why + (separator() + mixed_units(pair) if pair.mixed else "")


def mixed_units(pair: AlignedPair) -> str:
    """What a pair of optical and SAR bands compares in which unit."""
    optical = [r for r in pair.roles if r not in SAR_ROLES]
    return _t("compared: {optical} as {unit} and {sar} in dB, each band's differences standardised by its own spread",
              optical=", ".join(optical), unit=_t("reflectance") if pair.reflectance else _t("scaled values"),
              sar=", ".join(r for r in pair.roles if r in SAR_ROLES))


def _resolved(method: str, pair: AlignedPair) -> tuple[str, str]:
    """METHOD resolved (auto → a real method) and why; refuse what cannot run on these bands."""
    fam = pair.family
    if method == "network":
        from .network import check_network

        return "network", _t("network chosen by the analyst ({why})", why=check_network(pair.roles))
    if method == "logratio":
        if fam != "sar":
            raise ModalityError(_t("The log-ratio method is for SAR intensity pairs; these rasters are {family} ({roles}).",
                                   family=fam, roles=", ".join(pair.roles)),
                                _t("Choose the method 'auto', 'irmad' or 'cva', or the modality 'sar' if the bands are backscatter."))
        return "logratio", _t("log-ratio chosen by the analyst")
    if method in ("irmad", "cva"):
        if method == "irmad" and len(pair.roles) < 2:
            raise ModalityError(_t("IR-MAD needs at least 2 common bands; these rasters share 1."), _t("Choose the method 'cva' or 'auto'."))
        return method, _t("{method} chosen by the analyst", method=method)
    if method != "auto":
        raise ModalityError(_t("Unknown change method '{name}'.", name=method),
                            _t("Use one of: {choices}.", choices=", ".join(METHOD_CHOICES)))
    if fam == "sar":
        return "logratio", _t("auto: SAR backscatter pair → log-ratio")
    if pair.mixed:  # the network reads no SAR band, the log-ratio no reflectance
        return "cva", _t("auto: optical and SAR bands → change vector analysis (the change network reads no SAR band, the "
                         "log-ratio no reflectance)")
    if fam == "optical":
        from ..raster import pixel_size_m
        from .network import auto_prefers_network

        coarser = max(pixel_size_m(pair.before.src.grid), pixel_size_m(pair.after.src.grid))
        ok, why = auto_prefers_network(pair.roles, coarser, grid_m=pixel_size_m(pair.grid))  # the network runs on BEFORE's grid
        if ok:
            return "network", _t("auto: optical pair → the bundled change network ({why})", why=why)
        not_network = separator() + _t("not the change network: {why}", why=why) if why else ""
    elif list(pair.roles) == ["height"]:
        return "cva", _t("auto: height pair → change vector analysis in metres (the vertical offset between the dates "
                         "removed, differences under the height noise floor not change)")
    else:
        not_network = ""
    return "cva", _t("auto: optical/generic pair with {n} common band(s) → change vector analysis on normalised radiometry "
                     "(measured best on OSCD and Taizhou, see make eval-change)", n=len(pair.roles)) + not_network


def make_method(name: str, device: str = "auto") -> ChangeMethod:
    """An unfitted method instance by name (``device`` for methods with a model: auto, cpu, cuda)."""
    if name == "network":
        from .network import NetworkChange

        return NetworkChange(device)
    if name == "irmad":
        from .irmad import IRMAD

        return IRMAD()
    if name == "cva":
        from .cva import CVA

        return CVA()
    if name == "logratio":
        from .logratio import LogRatio

        return LogRatio()
    raise ModalityError(_t("Unknown change method '{name}'.", name=name),
                        _t("Use one of: {choices}.", choices=", ".join(METHOD_CHOICES)))
