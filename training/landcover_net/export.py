"""Export the trained network to ONNX (opset 17, dynamic N/H/W) and write its model card."""
from __future__ import annotations

import json
from pathlib import Path

import torch

from plugin.core.modelcards import file_sha256

from ..onnx_export import export_checked

from .common import CARD, CLASSES, MODEL, RUNS, SLOTS, VIS_TARGET
from .model import STRIDE
from .train import UNET_CHANNELS, make_net

LICENCES = [
    "hls_water_chips: GitHub shahed137003/Water-Segmentation-project (README says MIT, no LICENSE file; imagery "
    "licence not stated). Underlying HLS/Sentinel-2/Landsat imagery, ESA WorldCover (CC BY 4.0) and JRC GSW are open data.",
    "oscd: Onera Satellite Change Detection imagery, modified Copernicus Sentinel data 2015-2018 (ESA); the OSCD change "
    "labels (CC BY-NC-SA) were NOT used, only the imagery with spectral-teacher pseudo-labels.",
    "sen1floods11: sample chip Spain_7370579 (top half) from cloudtostreet/Sen1Floods11 (no licence file; Copernicus "
    "Sentinel-1/-2 data; Bonafilia et al., CVPRW 2020).",
    "cloud_chips: ukis-csmask test chips (Apache-2.0).",
]
VALIDATION = ("oscd nantes (both dates), 12 % of the training HLS chips as whole location groups, the left 64 columns of "
              "each training cloud chip")
SAR_WEIGHT = 0.25
"""Clear-sky weight of SAR in the engine's late optical + SAR fusion (chosen on the training half of Sen1Floods11)."""


ARCHITECTURE = {
    "unet": "4-level U-Net, channels {channels}, additive skips, {params} parameters",
    "lite0": "Lite0-UNet: efficientnet-lite0 stem + blocks 0-4 on RGB (ImageNet-initialised, stem and blocks 0-2 frozen), "
             "all-slot conv branch 12-24-32-48 at strides 1/2/4/8 concatenated with the lite0 features at strides 2/4/8, "
             "U-Net decoder 48-32-16, {params} parameters",
}


def load_trained(ckpt: Path = RUNS / "model.pt") -> tuple[torch.nn.Module, dict]:
    """The trained torch network (eval mode) and its training metadata."""
    blob = torch.load(ckpt, map_location="cpu")
    meta = blob["meta"]
    net = make_net(meta.get("arch", "unet"), meta["mean"], meta["std"], width=meta.get("width", 1.0))
    net.load_state_dict(blob["state"])
    net.eval()
    return net, meta


def export(ckpt: Path = RUNS / "model.pt", out: Path = MODEL, card: Path = CARD) -> dict:
    """Write the ONNX model, check it against torch, and write the card (metrics left to evaluate)."""
    net, meta = load_trained(ckpt)
    x = torch.rand(1, len(SLOTS), 64, 96) * 0.3
    a = torch.ones(1, len(SLOTS))
    xt = torch.rand(2, len(SLOTS), 40, 72) * 0.3
    at = torch.tensor([[1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1]], dtype=torch.float32)
    err = export_checked(net, (x, a), out, ["bands", "available"], ["probabilities"],
                         {"bands": {0: "n", 2: "h", 3: "w"}, "available": {0: "n"}, "probabilities": {0: "n", 2: "h", 3: "w"}},
                         (xt, at))
    params = sum(p.numel() for p in net.parameters())
    doc = {
        "name": "landcover_net",
        "version": 1,
        "file": out.name,
        "sha256": file_sha256(str(out)),
        "size_bytes": out.stat().st_size,
        "format": "ONNX opset 17 (torch.onnx.export, dynamo=False), dynamic batch/height/width",
        "architecture": ARCHITECTURE[meta.get("arch", "unet")].format(
            params=params, channels="-".join(str(int(round(c * meta.get("width", 1.0)))) for c in UNET_CHANNELS)),
        "stride": STRIDE,
        "inputs": {
            "bands": {"shape": ["n", len(SLOTS), "h", "w"], "dtype": "float32", "slots": SLOTS,
                      "units": {"blue": "reflectance 0-1", "green": "reflectance 0-1", "red": "reflectance 0-1",
                                "nir": "reflectance 0-1 (Sentinel-2 B08/B8A, Landsat OLI B5)",
                                "swir1": "reflectance 0-1 (~1.6 um)", "swir2": "reflectance 0-1 (~2.2 um)",
                                "vv": "backscatter dB", "vh": "backscatter dB"},
                      "missing": "0 in a missing slot; nodata pixels 0 (masked afterwards by the engine)"},
            "available": {"shape": ["n", len(SLOTS)], "dtype": "float32", "meaning": "1 where the slot is given, else 0"},
        },
        "normalisation": {"where": "inside the network: clamp((x - mean) / std, -6, 6) * available",
                          "mean": meta["mean"], "std": meta["std"]},
        "rgb_normalisation": {"when": "swir1 not given (RGB, RGB+NIR: the scaling may be uncalibrated)",
                              "statistic": "median of (blue+green+red)/3 over the valid pixels of the scene sample",
                              "target": VIS_TARGET, "apply": "multiply all optical slots by target / statistic",
                              "where": "in the engine (fit on the scene sample) and per scene in training"},
        "sar_fusion": {"sar_weight": SAR_WEIGHT,
                       "rule": "optical + SAR given, water only: late fusion of the optical-only and the SAR-only runs, "
                               "(1 - c) * logit(optical) + (w + (1 - w) * c) * logit(SAR), c = the network's cloud "
                               "probability from the optical run; SAR alone where the optical bands are nodata",
                       "chosen_on": "Sen1Floods11 left half (the training half) among w = 0.25, 0.5, 0.75, 1"},
        "band_subsets_trained": ["RGB", "RGB+NIR", "RGB + any of NIR/SWIR1/SWIR2", "full optical (6 slots)",
                                 "SAR VV+VH", "SAR VV only", "RGB + SAR", "full optical + SAR"],
        "requires": "blue+green+red (any further optical slots optional) and/or SAR VV (VH optional)",
        "outputs": {"probabilities": {"shape": ["n", len(CLASSES), "h", "w"], "classes": CLASSES,
                                      "activation": "independent sigmoids (multi-label), threshold 0.5"}},
        "concepts": {c: i for i, c in enumerate(CLASSES)},
        "concept_needs": {"water": "RGB or SAR", "vegetation": "RGB", "cloud": "RGB (not from SAR)"},
        "training": {k: meta.get(k) for k in ("arch", "width", "pre_drop", "steps", "steps_planned", "max_minutes", "batch", "patch",
                                                   "rgb_water_pos_weight", "seed", "train_seconds", "final_loss",
                                                   "validation")},
        "data": {
            "train": "hls_water_chips (159 chips; cleaned water masks, NDVI-teacher vegetation checked with WorldCover, "
                     "Fmask cloud bit), oscd 8 cities x 2 dates (MNDWI/NDVI spectral-teacher pseudo-labels, confident "
                     "pixels only), sen1floods11 top half, left 256 columns (hand water labels, S2+S1), cloud_chips "
                     "sentinel2 + landsat5, left 384 columns (reference cloud masks)",
            "held_out": "hls location groups (44 chips, union-find on identical DEM/label bytes), oscd bordeaux + hongkong, "
                        "sen1floods11 top half right 256 columns, cloud_chips right 128 columns",
            "augmentation": "modality/band dropout per patch; without SWIR scene brightness normalisation (rgb_normalisation) "
                            "then gain x0.8-1.25, with SWIR gain x0.85-1.2; SAR +-1.5 dB; rotations and flips",
            "loss": "masked BCE + 0.5 soft Dice per class (ignore label 255); positive weights water 2, vegetation 1, cloud 1.5, "
                    "water raised for RGB-only patches (training.rgb_water_pos_weight)",
        },
        "metrics": {},
        "licences": LICENCES,
        "reproduce": "make train-landcover  (prepare -> train -> export -> evaluate; the full step schedule, no wall-clock "
                     "limit unless --max-minutes is given; see training.train_seconds for the time on 2 CPU cores)",
        "trained_pixel_m": [10, 30],
        "trained_pixel_m_note": "ground pixel sizes of the training scenes (Sentinel-2 OSCD and Sen1Floods11 10 m, HLS 30 m, "
                                "cloud chips 30 m); other sizes get a caution in the explanation (core/landcover/network.py "
                                "PIXEL_TOLERANCE)",
        "limitations": "Trained on a few small scenes; SAR learnt from a single 256 x 256 Sen1Floods11 crop; no height "
                       "slot (DSM inputs are not used by this network); vegetation metrics are against spectral "
                       "pseudo-labels, not hand labels (the teacher is the spectral engine of the same commit). "
                       "The schedule runs the full step count unless an explicit --max-minutes cap is given (training.steps = "
                       "steps done). From RGB alone water stays ambiguous (dark soil, shadow, turbid water): held-out "
                       "RGB water IoU is well below the multispectral one and varies by scene; ENGINE=auto picks the "
                       "network or the spectral rules per band subset from held-out water IoU (see auto_water).",
    }
    if meta.get("validation"):
        v = meta["validation"]
        doc["training"]["validation"] = {**v, "detail": {k: round(x, 3) for k, x in v["detail"].items()}}
        doc["data"]["validation"] = ("checkpoint chosen on a validation part of the training split, not trained on: "
                                     + VALIDATION + f" (best step {meta['validation']['best_step']})")
    card.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"exported {out} ({doc['size_bytes']} bytes, sha256 {doc['sha256'][:12]}, onnx-vs-torch max diff {err:.2e})")
    return doc


if __name__ == "__main__":
    export()
