"""The bundled promptable network (ONNX, onnxruntime only): encode a window once, decode each prompt on a ROI.

Encode: three bands (red/green/blue by the modality, else the first three; one band is repeated)
robustly normalised per band (1st-99th percentile of the valid pixels) → efficientnet-lite0 trunk + FPN →
a 32-channel stride-4 embedding, cached as float16 with the normalised image (uint8).

Decode: a region of interest around the prompts (the box; else the positive clicks and the previous
mask; a first click gets a fixed ROI) is resampled inside the decoder graph to a 96 x 96 grid together
with click cones, the box and the previous mask; the logits are pasted back into the window. When the
mask reaches the ROI border the ROI grows (twice at most). The probability is then snapped to the image edges
by a small guided filter (SNAP). The window is also encoded mirrored, and every decode averages both views
(MIRROR). The previous mask of a click sequence is the
decode of its prefix (kept in a small memo), so a sequence always gives the same result whatever the
order in which the analyst reached it. The helpers here (normalisation, ROI, paste) are also used in training.
"""
from __future__ import annotations

import os
from collections import OrderedDict
from typing import Optional

import numpy as np

from ..catalog import MODELS_DIR
from ..errors import ModelError
from ..messages import t
from ..modelcards import load_card
from ..resample import interp_matrix
from ..gapfill import fill_nearest

CARD = os.path.join(MODELS_DIR, "promptable_net.json")
FIX = "Reinstall the plugin (the bundled promptable network ships in models/), or choose MODEL=classical."
STRIDE = 4
BASE_ROI = 112.0
"""ROI side (pixels of the encoded window) of a first click without a box."""
GROW = 1.8
MAX_GROW = 2
THRESHOLD = 0.0
"""Logit above which a pixel is in the mask."""
FIRST_CLICK_THRESHOLD = -0.5
"""The same for the state of one positive click without a box (it also becomes the next click's previous mask): from
one click the network under-segments (held-out roofs: precision 0.87, recall 0.62). Chosen on the training tiles
(rio_img56, atl_r0c0: mIoU@1 0.591 -> 0.605, mIoU@3 and @5 and NoC@85 unchanged within 0.003; -1.0 lost 0.22 click
on NoC@85); training/eval_interactive.py."""
SNAP = "guided"
"""Run-time refinement of the decoded probability: "" (none), "guided" (guided filter, grey image as guide, radius 2,
eps 0.01: 2-7 ms; chosen on validation objects of the training tiles, box mIoU +0.01-0.02, clicks about even) or
"superpixel" (mean probability within image superpixels of the ROI; too slow for large ROIs)."""
SNAP_RADIUS = 2
SNAP_EPS = 0.01
SNAP_MIX = 0.5
MIRROR = True
"""Test-time mirroring: the window is also encoded left-right mirrored, and each decode averages the logits of the
window and of its mirror (mirrored prompts, mirrored back): twice the encode time and the decoder calls. Chosen on
the training tiles (rio_img56, atl_r0c0: mIoU@1/3/5 0.605/0.769/0.825 -> 0.605/0.771/0.827, NoC@85 6.24 -> 6.07,
box 0.715 -> 0.722); held out: rio_img52 0.581/0.735/0.813 -> 0.606/0.757/0.817, NoC@85 7.0 -> 6.75, clouds even,
DSIFN change components mIoU@1 0.330 -> 0.321 (NoC@90 9.23 -> 8.97); four mirrors/rotations gained no more
(training/eval_interactive.py)."""


def normalise_image(image: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(3, H, W) float32 in 0..1: bands stretched between their 1st and 99th percentile over valid pixels; nodata 0."""
    image = np.asarray(image, dtype=np.float32)
    if image.ndim == 2:
        image = image[None]
    if image.shape[0] == 1:
        image = np.repeat(image, 3, axis=0)
    elif image.shape[0] == 2:
        image = image[[0, 1, 0]]
    image = image[:3]
    valid = np.asarray(valid, bool) & np.isfinite(image).all(axis=0)
    out = np.zeros(image.shape, np.float32)
    if not valid.any():
        return out
    step = max(1, int(valid.sum() // 200000))
    for b in range(3):
        v = image[b][valid][::step]
        lo, hi = np.percentile(v, [1, 99])
        if hi - lo < 1e-6:
            hi = lo + 1.0
        out[b] = np.clip((image[b] - lo) / (hi - lo), 0, 1)
    out[:, ~valid] = 0
    return out


def roi_for(points: np.ndarray, labels: np.ndarray, box: Optional[np.ndarray], prev: Optional[np.ndarray]) -> np.ndarray:
    """Square ROI (x0, y0, x1, y1) in pixels around the prompts: box, or positive clicks + previous mask."""
    pts = np.asarray(points, float).reshape(-1, 2)
    lab = np.asarray(labels).reshape(-1)
    pos = pts[lab == 1]
    xs, ys = list(pos[:, 0]), list(pos[:, 1])
    if box is not None:
        xs += [box[0], box[2]]
        ys += [box[1], box[3]]
        pad, minimum = 1.25, 32.0
    else:
        pad, minimum = 1.4, BASE_ROI
        if prev is not None and prev.any():
            rr = np.flatnonzero(prev.any(axis=1))
            cc = np.flatnonzero(prev.any(axis=0))
            xs += [cc[0], cc[-1] + 1]
            ys += [rr[0], rr[-1] + 1]
    if not xs:
        xs, ys = list(pts[:, 0]), list(pts[:, 1])
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    side = max(max(xs) - min(xs), max(ys) - min(ys)) * pad + 8
    side = max(side, minimum)
    return np.array([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2], np.float32)


def paste(logits: np.ndarray, roi: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Logits on the ROI grid → logit map (H, W) of the window (-20 outside the ROI)."""
    h, w = shape
    n = logits.shape[-1]
    x0, y0, x1, y1 = [float(v) for v in roi]
    out = np.full((h, w), -20.0, np.float32)
    c0, c1 = max(0, int(np.floor(x0))), min(w, int(np.ceil(x1)))
    r0, r1 = max(0, int(np.floor(y0))), min(h, int(np.ceil(y1)))
    if c1 <= c0 or r1 <= r0:
        return out
    wy = interp_matrix(r1, y0, y1 - y0, n)[r0:]
    wx = interp_matrix(c1, x0, x1 - x0, n)[c0:]
    out[r0:r1, c0:c1] = wy @ logits.reshape(n, n).astype(np.float32) @ wx.T
    inside_x = (np.arange(c0, c1) + 0.5 >= x0) & (np.arange(c0, c1) + 0.5 <= x1)
    inside_y = (np.arange(r0, r1) + 0.5 >= y0) & (np.arange(r0, r1) + 0.5 <= y1)
    out[r0:r1, c0:c1][~inside_y] = -20.0
    out[r0:r1, c0:c1][:, ~inside_x] = -20.0
    return out


def touches_border(logits: np.ndarray) -> bool:
    """True when the mask on the ROI grid reaches the grid border (the object may continue outside)."""
    m = logits.reshape(logits.shape[-2], logits.shape[-1]) > 0
    return int(m[0].sum() + m[-1].sum() + m[:, 0].sum() + m[:, -1].sum()) >= 3


def _box_mean(a: np.ndarray, r: int) -> np.ndarray:
    """Mean over a (2r+1)^2 window (edges: reflected)."""
    from scipy import ndimage

    return ndimage.uniform_filter(a, size=2 * r + 1, mode="reflect")


def snap_logits(logit: np.ndarray, image_u8: np.ndarray, mode: str, radius: int = SNAP_RADIUS, eps: float = SNAP_EPS,
                mix: float = SNAP_MIX) -> np.ndarray:
    """Decoded logits snapped to the image: a guided filter (grey guide) or superpixel averaging of the probability,
    on the part of the window the decoder covered; returns logits again (same shape)."""
    inside = logit > -19.5
    if not mode or not inside.any():
        return logit
    rr, cc = np.flatnonzero(inside.any(axis=1)), np.flatnonzero(inside.any(axis=0))
    r0, r1, c0, c1 = rr[0], rr[-1] + 1, cc[0], cc[-1] + 1
    p = 1 / (1 + np.exp(-np.clip(logit[r0:r1, c0:c1], -20, 20)))
    guide = image_u8[:, r0:r1, c0:c1].astype(np.float32).mean(axis=0) / 255.0
    if mode == "guided":
        mi, mp = _box_mean(guide, radius), _box_mean(p, radius)
        cov = _box_mean(guide * p, radius) - mi * mp
        var = _box_mean(guide * guide, radius) - mi * mi
        a = cov / (var + eps)
        b = mp - a * mi
        q = _box_mean(a, radius) * guide + _box_mean(b, radius)
    elif mode == "superpixel":
        from skimage.segmentation import felzenszwalb

        rgb = np.moveaxis(image_u8[:, r0:r1, c0:c1], 0, -1).astype(np.float32) / 255.0
        seg = felzenszwalb(rgb, scale=float(radius) * 25, sigma=0.5, min_size=8)
        n = int(seg.max()) + 1
        mean = np.bincount(seg.ravel(), p.ravel(), n) / np.maximum(np.bincount(seg.ravel(), None, n), 1)
        q = mix * mean[seg] + (1 - mix) * p
    else:
        raise ValueError(f"unknown snap mode {mode!r}")
    q = np.clip(q, 1e-6, 1 - 1e-6)
    out = logit.copy()
    out[r0:r1, c0:c1] = np.where(inside[r0:r1, c0:c1], np.log(q / (1 - q)), logit[r0:r1, c0:c1])
    return out


def keep_prompted(mask: np.ndarray, points: np.ndarray, labels: np.ndarray, box: Optional[np.ndarray]) -> np.ndarray:
    """Only the connected parts of the mask that hold a positive click (all parts for a box without clicks)."""
    from scipy import ndimage

    pos = np.asarray(points, float).reshape(-1, 2)[np.asarray(labels).reshape(-1) == 1]
    if not len(pos) or not mask.any():
        return mask
    lab, n = ndimage.label(mask)
    if n <= 1:
        return mask
    h, w = mask.shape
    keep = {int(lab[min(h - 1, max(0, int(y))), min(w - 1, max(0, int(x)))]) for x, y in pos} - {0}
    if not keep:
        return mask
    return np.isin(lab, sorted(keep))


class NetworkEngine:
    """The bundled promptable network behind the engine protocol (see encoder.py)."""

    name = "promptable_net"
    max_side = 1024
    threshold = THRESHOLD
    first_click_threshold = FIRST_CLICK_THRESHOLD
    snap = SNAP
    snap_radius = SNAP_RADIUS
    snap_eps = SNAP_EPS
    snap_mix = SNAP_MIX
    mirror = MIRROR
    above_ground = True
    """A DSM window is encoded as heights above its local ground (encoder.above_ground): the window's values are
    stretched between percentiles, and on sloping ground the relief took the range (30 % slope: mean IoU 0.69 -> 0.88)."""

    def __init__(self, card_path: Optional[str] = None, device: str = "auto") -> None:
        from ..modelcards import open_verified

        card_path = card_path or CARD
        self.card = load_card(card_path, ("sha256", "files"), t(FIX))
        folder = os.path.dirname(os.path.abspath(card_path))
        files = self.card["files"]
        for part in ("encoder", "decoder"):
            if part not in files or "file" not in files[part] or "sha256" not in files[part]:
                raise ModelError(t("The model card '{name}' does not describe the {part}.", name=os.path.basename(card_path),
                                   part=t("encoder") if part == "encoder" else t("decoder")), t(FIX))
        self.enc, self.report = open_verified(os.path.join(folder, files["encoder"]["file"]), files["encoder"], device, t(FIX),
                                              t("promptable network encoder"))
        self.dec, _ = open_verified(os.path.join(folder, files["decoder"]["file"]), files["decoder"], device, t(FIX),
                                    t("promptable network decoder"))
        self.sha256 = self.card["sha256"]
        self.version = self.card.get("version", "?")
        self.working_gsd_m: Optional[float] = float(self.card.get("working_gsd_m") or 0) or None
        """Pixel size (m) the network was trained at; finer rasters are encoded at it (encoder.working_resolution)."""
        self._memo: OrderedDict = OrderedDict()

    @property
    def label(self) -> str:
        return f"promptable network (v{self.version})"

    def select_bands(self, count: int, modality=None) -> list[int]:
        """Red, green, blue from the modality when it names them; else the first three bands (one band is repeated)."""
        if modality is not None and all(modality.band(r) for r in ("red", "green", "blue")):
            return [modality.band("red"), modality.band("green"), modality.band("blue")]
        return [1, 2, 3] if count >= 3 else list(range(1, count + 1))

    @staticmethod
    def shown_bands(bands: list[int]) -> list[int]:
        """The three bands the network sees as red, green, blue (one band repeated; two as first, second, first), as
        :func:`normalise_image` makes them."""
        bands = list(bands)
        return bands * 3 if len(bands) == 1 else [bands[0], bands[1], bands[0]] if len(bands) == 2 else bands[:3]

    def encode(self, image: np.ndarray, valid: np.ndarray) -> dict[str, np.ndarray]:
        """Embedding (float16, 32 x H/4 x W/4), normalised image (uint8) and validity of a window."""
        image = np.asarray(image, np.float32)
        if image.ndim == 2:
            image = image[None]
        valid = np.asarray(valid, bool) & np.isfinite(image).all(axis=0)
        img = fill_nearest(normalise_image(image, valid), valid)  # a hole left 0 is an edge that cut objects at it
        out = {"embedding": self._embed(img), "image": np.round(img * 255).astype(np.uint8), "valid": valid}
        if self.mirror:  # the mirror padded on its own right, like any window
            out["embedding_mirror"] = self._embed(img[:, :, ::-1])
        return out

    def _embed(self, img: np.ndarray) -> np.ndarray:
        """The encoder's embedding (float16) of a normalised image, padded by reflection to a multiple of 16."""
        h, w = img.shape[1:]
        x = np.pad(img, ((0, 0), (0, -h % 16), (0, -w % 16)), mode="reflect" if min(h, w) > 16 else "edge")[None]
        return self.enc.run(None, {"image": x})[0][0][:, :(h + STRIDE - 1) // STRIDE, :(w + STRIDE - 1) // STRIDE].astype(np.float16)

    @property
    def cache_extra(self) -> dict:
        """What else the cached features depend on (encoder.encode_window adds it to the cache key)."""
        return {"mirror": 1} if self.mirror else {}

    def decode(self, f: dict[str, np.ndarray], points: np.ndarray, labels: np.ndarray,
               box: Optional[np.ndarray] = None, remember: bool = True,
               first_click_threshold: Optional[float] = None) -> tuple[np.ndarray, float]:
        """Mask (bool, window shape) and score in [0, 1] for clicks (col, row) labelled 1/0 and an optional box;
        ``remember=False`` neither reads nor fills the prefix memo (one-off decodes on throw-away windows);
        ``first_click_threshold`` replaces the engine's one for a single positive click (find similar keeps THRESHOLD)."""
        points = np.asarray(points, np.float32).reshape(-1, 2)
        labels = np.asarray(labels).reshape(-1).astype(np.float32)
        box = None if box is None else np.asarray(box, np.float32).reshape(4)
        valid = f["valid"]
        if not len(points) and box is None:
            return np.zeros(valid.shape, bool), 0.0
        start = 0 if box is not None else 1
        emb = f["embedding"]
        first_threshold = self.first_click_threshold if first_click_threshold is None else first_click_threshold
        key_base = (id(emb), emb.shape, hash(emb.reshape(-1)[::997].tobytes()), None if box is None else box.tobytes(),
                    self.threshold, first_threshold, self.snap, self.snap_radius, self.snap_eps, self.snap_mix)
        prev, logit = None, None
        first = start
        for k in range(len(points), start - 1, -1) if remember else ():  # the longest memoised prefix
            hit = self._memo.get(key_base + (points[:k].tobytes(), labels[:k].tobytes()))
            if hit is not None:
                prev, logit, first = hit[0], hit[1], k + 1
                self._memo.move_to_end(key_base + (points[:k].tobytes(), labels[:k].tobytes()))
                break
        for k in range(first, len(points) + 1):
            logit = self._decode_once(f, points[:k], labels[:k], box, prev)
            if self.snap:
                logit = snap_logits(logit, f["image"], self.snap, self.snap_radius, self.snap_eps, self.snap_mix)
            one_click = box is None and k == 1 and labels[0] == 1
            prev = logit > (first_threshold if one_click else self.threshold)
            if remember:
                self._memo[key_base + (points[:k].tobytes(), labels[:k].tobytes())] = (prev, logit)
                while len(self._memo) > 24:
                    self._memo.popitem(last=False)
        mask = keep_prompted(prev & valid, points, labels, box)
        # a click on nodata, or clicks only negative: nothing to segment there
        pos = points[labels == 1]
        if len(pos) and not any(valid[min(valid.shape[0] - 1, max(0, int(y))), min(valid.shape[1] - 1, max(0, int(x)))]
                                for x, y in pos):
            return np.zeros(valid.shape, bool), 0.0
        if not mask.any():
            return mask, 0.0
        p = 1 / (1 + np.exp(-np.clip(logit[mask], -20, 20)))
        return mask, float(np.clip(p.mean(), 0, 1))

    def _decode_once(self, f: dict, points: np.ndarray, labels: np.ndarray, box: Optional[np.ndarray],
                     prev: Optional[np.ndarray]) -> np.ndarray:
        """Logit map of the window for one prompt state; with the mirrored embedding (:data:`MIRROR`), the mean of the
        window's and the mirror's (mirrored back)."""
        logit = self._decode_view(f, points, labels, box, prev)
        if "embedding_mirror" not in f:
            return logit
        w = f["valid"].shape[1]
        g = {"embedding": f["embedding_mirror"], "image": f["image"][:, :, ::-1], "valid": f["valid"][:, ::-1]}
        pts = np.array(points, np.float32).reshape(-1, 2)
        pts[:, 0] = w - pts[:, 0]
        bx = None if box is None else np.array([w - box[2], box[1], w - box[0], box[3]], np.float32)
        mirrored = self._decode_view(g, pts, labels, bx, None if prev is None else prev[:, ::-1])
        return (logit + mirrored[:, ::-1]) / 2

    def _decode_view(self, f: dict, points: np.ndarray, labels: np.ndarray, box: Optional[np.ndarray],
                     prev: Optional[np.ndarray]) -> np.ndarray:
        """Logit map of one view of the window (the ROI grows while the mask reaches its border)."""
        h, w = f["valid"].shape
        roi = roi_for(points, labels, box, prev)
        for attempt in range(MAX_GROW + 1):
            logits = self._run(f, roi, points, labels, box, prev)
            side = roi[2] - roi[0]
            if attempt == MAX_GROW or not touches_border(logits) or side >= 1.2 * max(h, w):
                break
            m = logits[0, 0] > 0
            rr, cc = np.flatnonzero(m.any(axis=1)), np.flatnonzero(m.any(axis=0))
            cell = side / logits.shape[-1]
            cx = roi[0] + (cc[0] + cc[-1] + 1) / 2 * cell
            cy = roi[1] + (rr[0] + rr[-1] + 1) / 2 * cell
            side *= GROW
            roi = np.array([cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2], np.float32)
        return paste(logits[0, 0], roi, (h, w))

    def _run(self, f: dict, roi: np.ndarray, points, labels, box, prev) -> np.ndarray:
        """One decoder call on the slice of the window around the ROI (+ 2 embedding cells)."""
        h, w = f["valid"].shape
        he, we = f["embedding"].shape[1:]
        m = 2 * STRIDE
        c0 = max(0, int(np.floor((roi[0] - m) / STRIDE)))
        r0 = max(0, int(np.floor((roi[1] - m) / STRIDE)))
        c1 = min(we, int(np.ceil((roi[2] + m) / STRIDE)))
        r1 = min(he, int(np.ceil((roi[3] + m) / STRIDE)))
        c1, r1 = max(c1, c0 + 1), max(r1, r0 + 1)
        if c0 >= we or r0 >= he:
            c0, r0 = min(c0, we - 1), min(r0, he - 1)
        x0, y0 = c0 * STRIDE, r0 * STRIDE
        emb = f["embedding"][:, r0:r1, c0:c1].astype(np.float32)[None]
        img = (f["image"][:, y0:min(h, r1 * STRIDE), x0:min(w, c1 * STRIDE)].astype(np.float32) / 255.0)[None]
        pm = np.zeros((1, 1) + img.shape[2:], np.float32)
        if prev is not None:
            pm[0, 0] = prev[y0:y0 + img.shape[2], x0:x0 + img.shape[3]]
        off = np.array([x0, y0, x0, y0], np.float32)
        pts = points - off[:2] if len(points) else np.zeros((1, 2), np.float32)
        lab = labels if len(points) else np.full(1, -1, np.float32)
        bx = (box - off) if box is not None else np.zeros(4, np.float32)
        feeds = {"embedding": emb, "image": img, "prev_mask": pm, "roi": (roi - off)[None].astype(np.float32),
                 "points": pts[None].astype(np.float32), "labels": lab[None].astype(np.float32),
                 "box": bx[None].astype(np.float32)}
        return self.dec.run(None, feeds)[0]
