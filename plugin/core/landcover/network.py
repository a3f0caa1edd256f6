"""Network engine: the bundled land-cover network (ONNX) over any subset of bands.

The network (``models/landcover_net.onnx``, trained by ``make train-landcover``)
takes fixed canonical band slots (blue, green, red, nir, swir1, swir2 in
reflectance; vv, vh in dB) plus a per-slot availability vector, so RGB only,
RGB+NIR, full optical, SAR only or optical+SAR are all valid inputs. Its model
card (``models/landcover_net.json``) lists slots, classes, sha256 and the
held-out metrics; the file is checked against the sha256 before it is loaded.
"""
from __future__ import annotations

import math
import os
from typing import Optional

import numpy as np

from .. import modelcards
from ..catalog import MODELS_DIR
from ..errors import ModalityError, ModelError
from ..gapfill import fill_nearest
from ..messages import decimal, number, t
from ..prompts import concept_text
from ..quality import ROLE as QA_ROLE, FillDrop, QualityBand, QualityMasker
from ..resample import block_any, block_upsample, drop_small_regions, valid_block_mean
from ..runtime import DeviceReport
from ..stack import BandSet

MODEL_FILE = os.path.join(MODELS_DIR, "landcover_net.onnx")
CARD_FILE = os.path.join(MODELS_DIR, "landcover_net.json")
RGB = ("red", "green", "blue")
AUTO_CONCEPTS = ("water", "vegetation")
SAR_CONCEPTS = ("water",)
"""Concepts the network can give from SAR alone (it was trained with SAR-only patches for water)."""
"""Concepts for which ENGINE=auto prefers the network (clouds stay with the dedicated cloud masker)."""
REBUILD = "Reinstall the plugin, or rebuild the model with `make train-landcover`."


def load_card(card_path: str = CARD_FILE) -> dict:
    """The model card (JSON) of the bundled network; ModelError when missing, unreadable or incomplete."""
    return modelcards.load_card(card_path, ("sha256", "inputs", "concepts", "stride"), t(REBUILD))


def usable_slots(card: dict, roles: set[str]) -> list[str]:
    """The model's input slots the bands can fill (optical slots only together with full RGB)."""
    slots = card["inputs"]["bands"]["slots"]
    has_rgb = set(RGB) <= roles
    sar = {"vv", "vh"}
    use = []
    for s in slots:
        if s not in roles:
            continue
        if s in sar:
            if "vv" in roles:  # VH alone was never seen in training
                use.append(s)
        elif has_rgb:
            use.append(s)
    return use


def network_available(concepts: list[str], roles: set[str], for_auto: bool = False,
                      model_path: str = MODEL_FILE, card_path: str = CARD_FILE) -> tuple[bool, str]:
    """Whether the network can extract these concepts from these bands, and why not."""
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False, t("onnxruntime is not installed")
    if not os.path.exists(model_path) or not os.path.exists(card_path):
        return False, t("the model file {name} or its card is missing", name=os.path.basename(model_path))
    try:
        card = load_card(card_path)
    except ModelError as exc:
        return False, exc.problem
    known = card["concepts"]
    missing = [c for c in concepts if c not in known]
    if missing:
        return False, t("the network does not predict {missing} (it predicts {known})", missing=", ".join(map(concept_text, missing)),
                        known=", ".join(map(concept_text, known)))
    has_rgb, has_sar = set(RGB) <= roles, "vv" in roles
    if not (has_rgb or has_sar):
        return False, t("the network needs at least red, green and blue bands, or SAR VV")
    if "cloud" in concepts and not has_rgb:
        return False, t("clouds need optical (RGB) bands")
    used = usable_slots(card, roles)
    if for_auto:
        other = [c for c in concepts if c not in AUTO_CONCEPTS]
        if other:
            return False, t("{concepts} is better served by the dedicated rules", concepts=", ".join(other))
        pref = card.get("auto_water", {}).get(mode_key(used))
        if "water" in concepts and pref and pref.get("prefer") == "spectral":
            return False, t("with these bands the network is not clearly better at water on held-out data (IoU {network} vs "
                            "spectral rules {spectral}; it must lead by {margin}), so the transparent per-pixel rules are used",
                            spectral=f"{pref['spectral']:.3f}", network=f"{pref['network']:.3f}",
                            margin=f"{card.get('auto_margin', 0.0):.2f}")
    return True, t("bands used: {bands}", bands=", ".join(used))


def reads_values_as_given(roles: set[str], card_path: str = CARD_FILE) -> bool:
    """Whether the network would read the optical bands as they are: with SWIR it normalises no brightness
    (:meth:`NetworkEngine.fit`), so values that are not calibrated reflectance (8-bit DN) reach it unlike anything it
    was trained on (8-bit Landsat-7 Taizhou: 99.8 % water, the spectral rules after dark-object subtraction 1.8 %)."""
    try:
        card = load_card(card_path)
    except ModelError:
        return False
    return "swir1" in usable_slots(card, roles)


def uncalibrated_why() -> str:
    """Why the network's figures do not hold on uncalibrated values with SWIR (engine line and caution)."""
    return t("the optical values are not calibrated reflectance, and with SWIR the network reads them as they are (its "
             "brightness is normalised only without SWIR); it was trained and scored on calibrated reflectance")


def mode_key(slots: list[str]) -> str:
    """The evaluated band subset (model card metrics key) closest to the slots used."""
    s = set(slots)
    if {"swir1", "vv"} <= s:
        return "optical_sar"
    if "swir1" in s:
        return "full_optical"
    if "nir" in s:
        return "rgbn"
    if set(RGB) <= s and "vv" in s:
        return "rgb_sar"
    if set(RGB) <= s:
        return "rgb"
    return "sar" if "vh" in s else "vv"


def _metric_line(card: dict, slots: list[str]) -> str:
    """The held-out metric of the card that fits this band subset, as a phrase ('' when none)."""
    m = card.get("metrics", {})
    key = mode_key(slots)
    parts = []
    for name, table in m.items():
        if isinstance(table, dict) and isinstance(table.get(key), (int, float)):
            parts.append(f"{name} {decimal(f'{table[key]:.2f}')}")
    return t("held-out IoU with these bands ({mode}): {scores}", mode=key, scores=", ".join(parts)) if parts else ""


PIXEL_TOLERANCE = 2.0
"""Pixels up to this factor finer or coarser than the card's trained_pixel_m get no caution."""
MIN_CLOUD_M2 = 900.0
"""Smallest cloud the network's cloud masks resolve (one 30 m pixel of its training cloud chips): on finer pixels, smaller
regions it calls cloud are bright roofs, not clouds (SpaceNet Rio 0.5 m: 921 m² of roofs were excluded as 'cloud')."""
COARSE_CONCEPTS = ("water",)
"""Concepts the network gives from blocks at least trained_pixel_m / PIXEL_TOLERANCE wide when the pixels are finer:
at 0.5 m, smooth grass and paved yards read as water (SpaceNet Rio tiles without water: 11 % and 9 % water at the
pixels, 0 % from 5 m blocks). Vegetation stays at the pixels: from 5 m blocks 52 % of the Rio roofs read as vegetation,
at the pixels 25-31 %."""


def _absent(opt_ok: np.ndarray, cloudy: Optional[np.ndarray]) -> np.ndarray:
    """Where the optical view is missing: its bands nodata, or the quality band says cloud or shadow."""
    return ~opt_ok if cloudy is None or cloudy.shape != opt_ok.shape else ~opt_ok | cloudy


class NetworkEngine:
    """Probabilities for water / vegetation / cloud from the bundled ONNX network."""

    name = "network"
    uses_neighbourhood = True
    """A pixel's classes depend on its surroundings (blocks are classified with context around them)."""

    def __init__(self, concepts: list[str], roles: set[str], device: str = "auto",
                 model_path: str = MODEL_FILE, card_path: str = CARD_FILE, pixel_m: Optional[float] = None,
                 quality: Optional[QualityBand] = None, own_clouds: bool = True, reflectance: bool = True) -> None:
        ok, why = network_available(concepts, roles, model_path=model_path, card_path=card_path)
        if not ok:
            raise ModalityError(t("The network engine cannot run: {why}.", why=why), t("Choose the engine 'spectral' or 'auto'."))
        card = load_card(card_path)
        self.session, self.device_report = modelcards.open_verified(model_path, card, device, t(REBUILD), t("network"))
        self.card = card
        self.concepts = list(concepts)
        self.slots: list[str] = card["inputs"]["bands"]["slots"]
        self.used = usable_slots(card, roles)
        self.available = np.array([[1.0 if s in self.used else 0.0 for s in self.slots]], dtype=np.float32)
        self.index = [int(card["concepts"][c]) for c in self.concepts]
        self.stride = int(card["stride"])
        self.model_name = f"{card.get('name', 'landcover_net')} v{card.get('version', '?')}"
        self.model_sha256 = card["sha256"]
        self.device_report: DeviceReport = self.device_report
        self._sample_note = ""
        self.gain = 1.0
        self.pixel_m = pixel_m
        """Ground size of the raster's pixels (m), compared with the card's trained_pixel_m in the explanation."""
        self._cloud: Optional[np.ndarray] = None
        self._sar_only: Optional[np.ndarray] = None
        self.qa_masker = QualityMasker(quality) if quality is not None else None
        """The product's quality band, which masks clouds and shadows instead of the network's cloud output."""
        self._qa_cloudy: Optional[np.ndarray] = None
        self._drop_fill = FillDrop()
        self.own_clouds = own_clouds
        """False when another engine masks the clouds (the spectral engine reading this network's water): its cloud
        output is then not used."""
        self.reflectance = reflectance
        """False when the optical values are not calibrated reflectance (8-bit DN): a caution when SWIR is read as given."""

    def needed_roles(self) -> set[str]:
        """Bands the network reads (and the quality band when it masks the clouds)."""
        return set(self.used) | ({QA_ROLE} if self.qa_masker is not None else set())  # also for its fill codes

    @property
    def uses_quality(self) -> bool:
        """Whether the product's quality band is read: it masks the clouds, or SAR decides alone under its clouds and
        shadows (optical and SAR fused)."""
        return self.qa_masker is not None and (self.masks_clouds or (self.own_clouds and self.sar_fills_optical))

    @property
    def normalises_brightness(self) -> bool:
        """Without SWIR (RGB, RGB+NIR, maybe uncalibrated) the scene brightness is normalised as in training."""
        return "rgb_normalisation" in self.card and set(RGB) <= set(self.used) and "swir1" not in self.used

    def fit(self, sample: BandSet) -> None:
        """Scene statistics: the brightness gain for RGB/RGB+NIR inputs (1 otherwise); the network itself is fixed."""
        self.gain = 1.0
        self._sample_note = ""
        if not self.normalises_brightness:
            return
        vis = (sample.bands["blue"] + sample.bands["green"] + sample.bands["red"]) / 3.0
        v = vis[sample.valid_for(RGB) & np.isfinite(vis)]
        med = float(np.median(v)) if v.size else 0.0
        if med > 1e-4:
            self.gain = float(self.card["rgb_normalisation"]["target"]) / med
            self._sample_note = t("no SWIR given, so the scene brightness was normalised as in training: median visible "
                                  "value {median} scaled by {gain}", median=f"{med:.3f}", gain=f"{self.gain:.2f}")

    def prepare(self, bs: BandSet) -> np.ndarray:
        """The (1, slots, H, W) input of one window, nodata filled from the nearest valid pixel (a nodata wall reads as water
        along it), edge-padded to a multiple of the stride."""
        h, w = bs.valid.shape
        ph = int(math.ceil(h / self.stride) * self.stride) - h
        pw = int(math.ceil(w / self.stride) * self.stride) - w
        x = np.zeros((1, len(self.slots), h + ph, w + pw), dtype=np.float32)
        for i, s in enumerate(self.slots):
            if s in self.used:
                band = bs.bands[s].astype(np.float32, copy=False)
                ok = bs.role_valid.get(s, bs.valid)
                band = np.nan_to_num(band, nan=0.0, posinf=0.0, neginf=0.0) if ok.all() else fill_nearest(band, ok)
                if s not in ("vv", "vh") and self.gain != 1.0:
                    band = band * np.float32(self.gain)
                x[0, i] = np.pad(band, ((0, ph), (0, pw)), mode="edge") if (ph or pw) else band
        return x

    def run(self, x: np.ndarray) -> np.ndarray:
        """The raw network output (1, classes, H, W) for a prepared input."""
        return self.session.run(None, {"bands": x, "available": self.available})[0]

    @property
    def finest_m(self) -> Optional[float]:
        """The finest pixel size (m) within PIXEL_TOLERANCE of the trained range when the raster's pixels are finer
        still; None otherwise (pixel size unknown, or within or above the range)."""
        lo = float(self.card.get("trained_pixel_m", (0.0,))[0] or 0.0) / PIXEL_TOLERANCE
        return lo if self.pixel_m and self.pixel_m < lo else None

    @property
    def coarsen(self) -> int:
        """Pixels averaged per block side for the concepts in COARSE_CONCEPTS (1: as given): pixels finer than the
        trained range (by more than PIXEL_TOLERANCE) are averaged into blocks at least :attr:`finest_m` wide."""
        if self.finest_m is None or not any(c in COARSE_CONCEPTS for c in self.concepts):
            return 1
        return max(1, math.ceil(self.finest_m / self.pixel_m - 1e-9))

    def _without_fill(self, bs: BandSet) -> BandSet:
        """The tile's bands with the product's fill pixels made nodata (:func:`~..quality.drop_fill`), decoded once per
        tile (:meth:`scores` and :meth:`decidable` read the same one)."""
        return self._drop_fill(bs, self.qa_masker.quality if self.qa_masker is not None else None)

    def scores(self, bs: BandSet) -> np.ndarray:
        """(K, h, w) probabilities in [0, 1] for the concepts, in order; the COARSE_CONCEPTS from :attr:`coarsen` blocks
        when the pixels are finer than the network's trained range (interpolated back between block centres)."""
        self._qa_cloudy = None
        bs = self._without_fill(bs)  # product fill: nodata
        if QA_ROLE in bs.bands:  # decoded at the pixels; the network never sees it
            if self.qa_masker is not None:
                self._qa_cloudy = self.qa_masker.cloudy(bs.bands[QA_ROLE], bs.valid_for([QA_ROLE]))
            bs = BandSet({r: b for r, b in bs.bands.items() if r != QA_ROLE}, bs.valid,
                         {r: v for r, v in bs.role_valid.items() if r != QA_ROLE})
        f = self.coarsen
        if f == 1:
            return self._scores(bs, self._qa_cloudy)
        h, w = bs.valid.shape
        fine = [c not in COARSE_CONCEPTS for c in self.concepts]
        native = self._scores(bs, self._qa_cloudy) if any(fine) else None
        cloud, sar_only = (self._cloud, self._sar_only) if native is not None else (None, None)
        bands, role_valid = {}, {}
        for role, band in bs.bands.items():
            bands[role], valid = valid_block_mean(band, bs.valid_for([role]), f)
            if role in bs.role_valid:
                role_valid[role] = valid
        valid = block_any(bs.valid, f)
        cloudy = None if self._qa_cloudy is None else block_any(self._qa_cloudy, f)
        out = np.clip(block_upsample(self._scores(BandSet(bands, valid, role_valid), cloudy), f, h, w), 0.0, 1.0)
        if native is not None:
            out[fine] = native[fine]
        else:
            cloud = None if self._cloud is None else block_upsample(self._cloud, f, h, w)
            sar_only = None if self._sar_only is None else np.repeat(np.repeat(self._sar_only, f, 0), f, 1)[:h, :w]
        self._cloud, self._sar_only = cloud, sar_only
        return out

    def _scores(self, bs: BandSet, cloudy: Optional[np.ndarray] = None) -> np.ndarray:
        """:meth:`scores` on the network's own pixels.

        With optical and SAR slots and only SAR-capable concepts (water), the optical-only and the SAR-only outputs
        are fused per pixel (:meth:`fuse`); SAR alone decides where the optical bands are nodata or the product's
        quality band (``cloudy``, on these pixels) says cloud or shadow; the optical bands alone where SAR is nodata.
        """
        if not (self.sar_fills_optical and self.uses_quality):
            cloudy = None
        h, w = bs.valid.shape
        x = self.prepare(bs)
        self._sar_only = None
        if not self.late_fusion:
            raw = self.run(x)[0]
            cloud = self.card["concepts"].get("cloud")
            self._cloud = raw[int(cloud), :h, :w] if cloud is not None and self.masks_clouds else None
            out = np.clip(raw[self.index, :h, :w], 0.0, 1.0).astype(np.float32, copy=False)
            if self.optical_slots and self.sar_slots:  # the joint run; each alone where the other is nodata (or cloudy)
                opt_ok, sar_ok = bs.valid_for(self.optical_slots), bs.valid_for(self.sar_slots)
                sar_hole = sar_ok & _absent(opt_ok, cloudy) if self.sar_fills_optical else np.zeros_like(sar_ok)
                for hole, available in ((sar_hole, self.sar_available), (opt_ok & ~sar_ok, self.optical_available)):
                    if hole.any():
                        alone = self.session.run(None, {"bands": x, "available": available})[0][0]
                        out = np.where(hole[None], np.clip(alone[self.index, :h, :w], 0.0, 1.0), out).astype(np.float32)
                self._sar_only = sar_hole if sar_hole.any() else None
            return out
        self._cloud = None
        opt = self.session.run(None, {"bands": x, "available": self.optical_available})[0][0]
        sar = self.session.run(None, {"bands": x, "available": self.sar_available})[0][0]
        p_opt, p_sar = np.clip(opt[self.index, :h, :w], 0.0, 1.0), np.clip(sar[self.index, :h, :w], 0.0, 1.0)
        out = self.fuse(p_opt, p_sar, opt[int(self.card["concepts"]["cloud"]), :h, :w])
        opt_ok, sar_ok = bs.valid_for(self.optical_slots), bs.valid_for(self.sar_slots)
        out = np.where(opt_ok & ~sar_ok, p_opt, out)
        hole = sar_ok & _absent(opt_ok, cloudy)
        out = np.where(hole, p_sar, out).astype(np.float32)
        self._sar_only = hole if hole.any() else None
        return out

    @property
    def late_fusion(self) -> bool:
        """Optical (with NIR or SWIR) + SAR for water: fuse the two single-modality runs (measured better than the joint
        run: held-out Sen1Floods11 water 0.868 vs 0.844, under a painted cloud 0.81 vs 0.58); RGB + SAR keeps the joint
        run (RGB water evidence is too weak for an equal footing: 0.60 late vs 0.76 joint)."""
        return self.sar_fills_optical and bool({"nir", "swir1", "swir2"} & set(self.optical_slots))

    @property
    def sar_weight(self) -> float:
        """Clear-sky weight of the SAR log-odds in the late fusion (model card ``sar_fusion.sar_weight``)."""
        return float(self.card.get("sar_fusion", {}).get("sar_weight", 0.25))

    def fuse(self, p_opt: np.ndarray, p_sar: np.ndarray, cloud: np.ndarray) -> np.ndarray:
        """Late fusion of optical-only and SAR-only probabilities: (1 - c) * logit(optical) + (w + (1 - w) * c) * logit(SAR).

        c is the network's own cloud probability from the optical run, so SAR takes over under clouds (it sees
        through them) and the optical evidence leads under a clear sky (weight w of SAR from the model card).
        """
        def logit(p):
            p = np.clip(p, 1e-4, 1 - 1e-4)
            return np.log(p / (1 - p))

        c = np.clip(cloud, 0.0, 1.0)[None]
        w = self.sar_weight
        z = (1 - c) * logit(p_opt) + (w + (1 - w) * c) * logit(p_sar)
        return (1 / (1 + np.exp(-z))).astype(np.float32)

    @property
    def optical_slots(self) -> list[str]:
        """The optical slots used."""
        return [s for s in self.used if s not in ("vv", "vh")]

    @property
    def sar_slots(self) -> list[str]:
        """The SAR slots used."""
        return [s for s in self.used if s in ("vv", "vh")]

    @property
    def sar_fills_optical(self) -> bool:
        """True when optical and SAR are both used and every concept can come from SAR (water)."""
        return bool(self.optical_slots and self.sar_slots) and all(c in SAR_CONCEPTS for c in self.concepts)

    def _only(self, slots: list[str]) -> np.ndarray:
        """The availability vector with only ``slots`` on."""
        return np.array([[1.0 if s in slots else 0.0 for s in self.slots]], dtype=np.float32)

    @property
    def optical_available(self) -> np.ndarray:
        """The availability vector with only the optical slots on."""
        return self._only(self.optical_slots)

    @property
    def sar_available(self) -> np.ndarray:
        """The availability vector with only the SAR slots on."""
        return self._only(self.sar_slots)

    def decidable(self, bs: BandSet) -> np.ndarray:
        """Pixels the engine decides: where the bands it reads are valid; with optical and SAR, where the optical bands
        are (SAR covering part of the scene took the rest out of the result), or SAR when it can stand in for them. A DSM
        read for a height filter does not limit it."""
        bs = self._without_fill(bs)
        if not bs.role_valid:
            return bs.valid
        opt = bs.valid_for(self.optical_slots) if self.optical_slots else None
        sar = bs.valid_for(self.sar_slots) if self.sar_slots else None
        if opt is None or sar is None:
            return opt if sar is None else sar
        return opt | sar if self.sar_fills_optical else opt

    def sar_only(self, n_wanted: int) -> Optional[np.ndarray]:
        """Pixels of the last :meth:`scores` decided by the SAR-only run (optical nodata), or None."""
        return self._sar_only

    @property
    def masks_clouds(self) -> bool:
        """Clouds are masked from the other concepts when optical bands are used and no SAR can see through them."""
        return self.own_clouds and set(RGB) <= set(self.used) and "vv" not in self.used and "cloud" not in self.concepts

    def excluded(self, bs: BandSet, scores: np.ndarray, n_wanted: int) -> Optional[np.ndarray]:
        """Pixels the network calls cloud (probability ≥ 0.5), or the quality band cloud or shadow, that no wanted concept
        claims; None when not masking."""
        if self._qa_cloudy is not None and self.masks_clouds:
            cloudy = self._qa_cloudy
        elif self._qa_cloudy is not None and self.uses_quality:  # fused: cloudy pixels without SAR only
            cloudy = self._qa_cloudy & ~bs.valid_for(self.sar_slots)
        elif self._cloud is None or self._cloud.shape != bs.valid.shape:
            return None
        else:
            cloudy = drop_small_regions(self._cloud >= 0.5, self.min_cloud_pixels)
        claimed = (scores[:n_wanted] >= 0.5).any(axis=0) if n_wanted else np.zeros(cloudy.shape, dtype=bool)
        return cloudy & ~claimed

    @property
    def min_cloud_pixels(self) -> int:
        """Smallest cloud region kept as cloud, in pixels: MIN_CLOUD_M2 on pixels finer than the trained range, else 1."""
        return 1 if self.finest_m is None else int(math.ceil(MIN_CLOUD_M2 / self.pixel_m ** 2))

    def pixel_caution(self) -> str:
        """A warning when the raster's pixels are far finer or coarser than those the network was trained on ('' else)."""
        lo, hi = self.card.get("trained_pixel_m", (0, float("inf")))
        if self.pixel_m is None or lo / PIXEL_TOLERANCE <= self.pixel_m <= hi * PIXEL_TOLERANCE:
            return ""
        if self.coarsen > 1:
            return t("caution: the pixels are {size} m and the network was trained on {lo}-{hi} m satellite pixels: for water "
                     "it ran on blocks of {f} x {f} pixels averaged to {block} m (at the pixel scale, smooth grass and paved "
                     "yards read as water), interpolated back to the {size} m grid; water narrower than a block, such as a "
                     "pool or a narrow stream, can be missed: compare with ENGINE=spectral", size=f"{self.pixel_m:.3g}",
                     lo=f"{lo:g}", hi=f"{hi:g}", f=self.coarsen,
                     block=f"{self.pixel_m * self.coarsen:.3g}")
        return t("caution: the pixels are {size} m and the network was trained on {lo}-{hi} m satellite pixels; its held-out "
                 "figures do not cover this pixel size (in very-high-resolution images, shadows and dark roofs can read as "
                 "water): check the result, or compare with ENGINE=spectral", size=f"{self.pixel_m:.3g}", lo=f"{lo:g}",
                 hi=f"{hi:g}")

    @property
    def excludes_shadows(self) -> bool:
        """Whether shadows are excluded with the clouds (the product's quality band); the network's own output is cloud
        only."""
        return self.qa_masker is not None

    @property
    def explains_clouds(self) -> bool:
        """Whether :meth:`explain` has a clouds/shadows line (the product's quality band masks the clouds)."""
        return self.uses_quality

    def explain(self) -> list[str]:
        """What the network is, which bands it used and how well it did on held-out data."""
        missing = [s for s in self.slots if s not in self.used]
        lines = [t("{concepts}: bundled network {model} (ONNX, sha256 {sha}…, {architecture}); class = highest probability ≥ 0.5",
                   concepts=", ".join(concept_text(c) for c in self.concepts), model=self.model_name, sha=self.model_sha256[:12],
                   architecture=self.card.get("architecture", "U-Net"))]
        lines.append(t("network inputs: {inputs}; not given (masked as unavailable): {missing}", inputs=", ".join(self.used),
                       missing=", ".join(missing)) if missing else t("network inputs: {inputs}", inputs=", ".join(self.used)))
        if self.masks_clouds and self.qa_masker is not None:
            lines.append(t("clouds/shadows: {model}; those pixels are excluded where the network finds none of the concepts",
                           model=self.qa_masker.describe()))
        elif self.masks_clouds:
            lines.append(t("clouds: pixels the network calls cloud (probability ≥ 0.5) are excluded from the other concepts"))
            if self.min_cloud_pixels > 1:
                lines.append(t("clouds: on these fine pixels, regions under {area} m² that the network calls cloud are kept as "
                               "ground (bright roofs, not clouds)", area=number(MIN_CLOUD_M2)))
        elif self.uses_quality:
            lines.append(t("clouds/shadows: {model}; SAR decides alone under those pixels, and where SAR has no data they are "
                           "excluded where the network finds none of the concepts", model=self.qa_masker.describe()))
        if self.late_fusion:
            lines.append(t("optical and SAR fused late: the network runs on the optical bands alone and on SAR alone, and their "
                           "log-odds are summed per pixel, SAR weighted {w} under a clear sky and rising to 1 (optical to 0) with "
                           "the network's cloud probability; where the optical image is nodata SAR decides alone",
                           w=decimal(f"{self.sar_weight:.2f}")))
        elif self.sar_fills_optical:
            lines.append(t("where the optical image is nodata, the network's SAR-only output (optical slots marked unavailable) decides"))
        metric = _metric_line(self.card, self.used)
        if metric:
            lines.append(metric)
        if not self.reflectance and "swir1" in self.used:
            lines.append(t("caution: {why}, so these figures do not hold here: compare with ENGINE=spectral, which subtracts "
                           "each band's dark object first", why=uncalibrated_why()))
        caution = self.pixel_caution()
        if caution:
            lines.append(caution)
        if self._sample_note:
            lines.append(t("network: {note}", note=self._sample_note))
        elif self.normalises_brightness:
            lines.append(t("network: no SWIR given and no scene sample fitted; brightness used as it is"))
        return lines
