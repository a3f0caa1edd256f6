"""METHOD=network: the bundled Siamese change network (ONNX) over RGB, RGB+NIR or 10-band Sentinel-2 pairs.

The network (``models/change_net.onnx``, trained by ``make train-change`` on
OSCD Sentinel-2 cities, pasted synthetic changes and DSIFN RGB tiles) takes both
dates in fixed band slots plus a per-slot availability vector. Each date is
standardised band by band with its own statistics (fitted once on the pair's
sample, so tiles do not change the result), which makes DN, L1C/L2A
reflectance, 8-bit aerial RGB and a global radiometric shift between dates alike. Its model card (``models/change_net.json``)
lists the slots, the trained band subsets, the sha256 and held-out metrics; the
file is checked against the sha256 before it is loaded.
"""
from __future__ import annotations

import importlib.util
import os
from typing import Optional

import numpy as np

from .. import modelcards
from ..catalog import MODELS_DIR
from ..errors import ModalityError, ModelError
from ..messages import measure, number, separator, t
from ..runtime import DeviceReport
from .align import PairBlock, in_helper_thread
from .methods import ChangeMethod

MODEL_FILE = os.path.join(MODELS_DIR, "change_net.onnx")
CARD_FILE = os.path.join(MODELS_DIR, "change_net.json")
REBUILD = "Reinstall the plugin, or rebuild the model with `make train-change`."
RGB = ("red", "green", "blue")
AUTO_USES_NETWORK = "METHOD=auto uses the network"
"""How the card's ``auto_subsets`` verdict of a band subset starts when METHOD=auto picks the network (card data, compared
untranslated)."""


def load_card(card_path: str = CARD_FILE) -> dict:
    """The change network's model card; ModelError when missing, unreadable or incomplete."""
    return modelcards.load_card(card_path, ("sha256", "inputs", "stride", "band_subsets_trained"), t(REBUILD))


def band_subset(card: dict, roles) -> tuple[str, list[str]]:
    """The largest band subset the network was trained on that these roles provide: (name, slots); ('', []) if none."""
    have = set(roles)
    best = ("", [])
    for name, slots in card["band_subsets_trained"].items():
        if set(slots) <= have and len(slots) > len(best[1]):
            best = (name, list(slots))
    return best


def check_network(roles, model_path: str = MODEL_FILE, card_path: str = CARD_FILE) -> str:
    """Raise ModelError (no runtime/model/card) or ModalityError (bands) when METHOD=network cannot run; else say which bands."""
    if importlib.util.find_spec("onnxruntime") is None:
        raise ModelError(t("The change network needs onnxruntime, which is not installed."),
                         t("Install the plugin's dependencies (Settings tab), or choose the method 'auto', 'irmad' or 'cva'."))
    if not os.path.exists(model_path):
        raise ModelError(t("The change network file '{name}' is missing.", name=os.path.basename(model_path)), t(REBUILD))
    card = load_card(card_path)
    name, slots = band_subset(card, roles)
    if not slots:
        raise ModalityError(t("The change network needs red, green and blue on both dates; the pair shares {roles}.",
                              roles=", ".join(roles)),
                            t("Choose the method 'auto', 'irmad' or 'cva', or a modality that gives the bands their roles."))
    return t("band subset {name}: {bands}", name=name, bands=", ".join(slots))


def network_available(roles, model_path: str = MODEL_FILE, card_path: str = CARD_FILE) -> tuple[bool, str]:
    """Whether METHOD=network can run on these paired band roles, and why (not)."""
    try:
        return True, check_network(roles, model_path, card_path)
    except (ModelError, ModalityError) as exc:
        return False, exc.problem


def auto_prefers_network(roles, pixel_m: float = 0.0, model_path: str = MODEL_FILE,
                         card_path: str = CARD_FILE, grid_m: Optional[float] = None) -> tuple[bool, str]:
    """Whether METHOD=auto should use the network for these bands, the coarser date's pixel size ``pixel_m`` and the
    pixel size ``grid_m`` of the grid the network runs on (BEFORE's; ``pixel_m`` when None): the card's
    ``auto_subsets``, ``auto_max_pixel_m`` (against ``pixel_m``) and per-subset ``auto_min_pixel_m`` (against
    ``grid_m``: a 10 m AFTER resampled onto 3 m BEFORE pixels is what that limit measured), set from held-out scores;
    with the reason."""
    ok, _ = network_available(roles, model_path, card_path)
    if not ok:
        return False, ""
    card = load_card(card_path)
    name, _ = band_subset(card, roles)
    verdict = card.get("auto_subsets", {}).get(name, "")
    limit = card.get("auto_max_pixel_m")
    if limit and pixel_m > limit:
        why = card.get("auto_max_pixel_m_why", "")
        return False, t("{pixel} m pixels are coarser than the network's {limit} m ({why})", pixel=measure(pixel_m), limit=measure(limit),
                        why=t(why) if why else "")
    low = card.get("auto_min_pixel_m", {}).get(name)
    run_m = pixel_m if grid_m is None else grid_m
    if low and 0 < run_m < low:
        why = card.get("auto_min_pixel_m_why", {}).get(name, "")
        return False, t("{pixel} m pixels are finer than the {low} m the network's band subset {name} was trained on ({why})",
                        pixel=measure(run_m), low=measure(low), name=name, why=t(why) if why else "")
    # decided on the card's own (English) verdict, which is data; the analyst reads its translation
    return verdict.startswith(AUTO_USES_NETWORK), t("band subset {name}: {verdict}", name=name, verdict=t(verdict) if verdict else "")


def held_out_f1(card: dict, subset: str) -> str:
    """'pooled held-out F1 …' phrase from the card's metrics for a band subset ('' when absent)."""
    try:
        s = card["metrics"]["oscd_held_out"][subset]["pooled"]
        return t("pooled F1 {f1} (precision {p}, recall {r}) on held-out OSCD cities with these bands", f1=number(s["F1"], 2),
                 p=number(s["P"], 2), r=number(s["R"], 2))
    except (KeyError, TypeError):
        return ""


def operating_points(card: dict, subset: str) -> str:
    """What the threshold slider trades on held-out cities (the card's threshold scan for this band subset; '' when
    absent): precision and recall at a lower, the default and a higher threshold."""
    scan = card.get("metrics", {}).get("oscd_threshold_scan", {})
    if scan.get("subset") != subset or not scan.get("held_out"):
        return ""
    pts = separator().join(t("{threshold}: precision {p}, recall {r}", threshold=k, p=number(v["P"], 2), r=number(v["R"], 2))
                    for k, v in sorted(scan["held_out"].items()))
    return t("threshold slider on held-out OSCD cities: {points} (lower finds more change, higher keeps the surer)", points=pts)


class NetworkChange(ChangeMethod):
    """Change probability from the bundled Siamese network; per-date, per-band mean/std fitted on the pair's sample."""

    name = "network"
    context = 32  # pixels of context read around a tile so tile edges see their neighbourhood

    def __init__(self, device: str = "auto", model_path: str = MODEL_FILE, card_path: str = CARD_FILE) -> None:
        super().__init__()
        card = load_card(card_path)
        self.session, self.device_report = modelcards.open_verified(model_path, card, device, t(REBUILD), t("change network"))
        self.card = card
        self.slots: list[str] = list(card["inputs"]["before"]["slots"])
        self.stride = int(card["stride"])
        self.model_name = f"{card.get('name', 'change_net')} v{card.get('version', '?')}"
        self.model_sha256 = card["sha256"]
        self.device_report: DeviceReport = self.device_report
        self.subset = ""
        self.used: list[str] = []
        self.mean: Optional[np.ndarray] = None
        self.std: Optional[np.ndarray] = None
        self.available = np.zeros((1, len(self.slots)), np.float32)
        self._buffers: dict[int, np.ndarray] = {}  # per date: the last input buffer, reused by probability()

    def fit(self, blocks: list[PairBlock]) -> None:
        """Choose the band subset and fit per-date, per-slot mean/std on the valid sample pixels."""
        if not blocks:
            raise ModalityError(t("No sample of the pair to fit the change network on."), t("Use rasters that overlap with data."))
        roles = blocks[0].roles
        self.subset, self.used = band_subset(self.card, roles)
        if not self.used:
            raise ModalityError(t("The change network needs red, green and blue on both dates; the pair shares {roles}.",
                                  roles=", ".join(roles)), t("Choose the method 'auto', 'irmad' or 'cva'."))
        self.mean = np.zeros((2, len(self.slots)), np.float32)
        self.std = np.ones((2, len(self.slots)), np.float32)
        for d, which in enumerate(("before", "after")):
            for k, s in enumerate(self.slots):
                if s not in self.used:
                    continue
                i = roles.index(s)
                v = np.concatenate([getattr(b, which)[i][b.valid].astype(np.float64) for b in blocks])
                v = v[np.isfinite(v)]
                if v.size < 16:
                    raise ModalityError(t("Too few valid pixels in common to fit the change network."),
                                        t("Use larger rasters or check their nodata."))
                self.mean[d, k], self.std[d, k] = float(v.mean()), float(v.std()) + 1e-6
        self.available = np.array([[1.0 if s in self.used else 0.0 for s in self.slots]], np.float32)
        dropped = [r for r in roles if r not in self.used]
        self.notes = [t("{model} (sha256 {sha}…) on {device}", model=self.model_name, sha=self.model_sha256[:12], device=self.device_report),
                      t("band subset '{subset}': {bands} (not used: {dropped})", subset=self.subset, bands=", ".join(self.used),
                        dropped=", ".join(dropped)) if dropped
                      else t("band subset '{subset}': {bands}", subset=self.subset, bands=", ".join(self.used)),
                      t("each date standardised band by band with its own mean/std from the pair's sample")]
        metric = held_out_f1(self.card, self.subset)
        if metric:
            self.notes.append(metric)
        self.notes.append(t("the network was trained on urban change (buildings, roads) in OSCD cities and often misses other "
                            "change: for water, vegetation or floods choose the method 'cva' or 'irmad'"))
        points = operating_points(self.card, self.subset)
        if points:
            self.notes.append(points)

    def prepare(self, block: PairBlock, reuse: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Standardised (1, slots, H, W) inputs of both dates, invalid pixels 0, edge-padded to the network stride.

        ``reuse``: fill this object's buffers of the last call instead of fresh arrays (fresh 17 MB arrays cost page
        faults that took as long as the arithmetic); the result is then only valid until the next call."""
        if self.mean is None:
            raise RuntimeError("NetworkChange.fit must be called before probability")
        # PairBlock contract (AlignedPair.read_raw): valid pixels hold finite values, so only invalid ones need zeroing
        invalid = None if block.valid.all() else ~block.valid
        later = in_helper_thread(self._prepare_date, block, 1, invalid, reuse)  # AFTER on the other core
        return self._prepare_date(block, 0, invalid, reuse), later.result()

    def _prepare_date(self, block: PairBlock, d: int, invalid: Optional[np.ndarray], reuse: bool) -> np.ndarray:
        """(1, slots, H, W) standardised input of one date (0 = BEFORE, 1 = AFTER)."""
        h, w = block.valid.shape
        ph, pw = (-h) % self.stride, (-w) % self.stride
        arr = block.before if d == 0 else block.after
        shape = (1, len(self.slots), h + ph, w + pw)
        x = self._buffers.get(d) if reuse else None
        if x is None or x.shape != shape:
            x = np.zeros(shape, np.float32)  # slots not used stay 0; every other value is written below
            if reuse:
                self._buffers[d] = x
        for k, s in enumerate(self.slots):
            if s not in self.used:
                continue
            band = x[0, k, :h, :w]  # computed in place: one pass per step, no temporaries
            np.subtract(arr[block.roles.index(s)], self.mean[d, k], out=band, casting="unsafe")
            np.divide(band, self.std[d, k], out=band)
            np.minimum(np.maximum(band, -8, out=band), 8, out=band)  # np.clip(out=) is slower in numpy 1.24
            if invalid is not None:
                band[invalid] = 0
            if ph:
                x[0, k, h:, :w] = band[-1:, :]
            if pw:
                x[0, k, :, w:] = x[0, k, :, w - 1:w]
        return x

    def run(self, before: np.ndarray, after: np.ndarray) -> np.ndarray:
        """The bare network: (1, 1, H, W) probability for prepared inputs."""
        return self.session.run(None, {"before": before, "after": after, "available": self.available})[0]

    def probability(self, block: PairBlock) -> np.ndarray:
        """(h, w) float32 change probability in [0, 1]."""
        h, w = block.valid.shape
        b, a = self.prepare(block, reuse=True)
        p = np.array(self.run(b, a)[0, 0, :h, :w], dtype=np.float32)
        return np.minimum(np.maximum(p, 0, out=p), 1, out=p)
