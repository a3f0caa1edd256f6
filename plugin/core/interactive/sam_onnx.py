"""SAM / SAM 2 encoder–decoder ONNX pairs in the layout common exporters produce, as an interactive engine.

Encoder: one image input, either NCHW ``[1, 3, S, S]`` float (ImageNet-normalised
0–255 RGB, longest side resized to S and padded bottom/right; SAM's
``export_onnx_model`` style) or HWC ``[H, W, 3]`` (pre-processing inside the
graph, as some exporters do). Its outputs are the "embeddings": ``image_embeddings``
(SAM) or ``image_embed`` plus ``high_res_feats_*`` (SAM 2).

Decoder inputs: ``image_embeddings`` (or ``image_embed``), ``point_coords``
``[1, N, 2]`` in the resized S-frame, ``point_labels`` ``[1, N]`` (1 positive,
0 negative, 2/3 box corners, -1 padding), ``mask_input`` ``[1, 1, 256, 256]``,
``has_mask_input`` ``[1]``, optionally ``orig_im_size`` ``[2]`` and any further
encoder outputs by name. Outputs: ``masks`` (logits), ``iou_predictions``,
optionally ``low_res_masks`` (``masks`` may be boolean, thresholded in the
graph). Every file is checked (it loads, the names and ranks fit, its sha256
matches the model card when one is given) and a :class:`ModelError` says what
does not fit. A file whose weights lie in external data files (``.onnx.data``,
as every export over 2 GB) is hashed with them, so re-exported weights change
the model hash, the cache key and the card check.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Optional, Sequence

import numpy as np
from scipy import ndimage

from ..errors import ModelError
from ..messages import t
from ..modelcards import cached_sha256
from ..runtime import cached, cached_session, too_new_for_runtime

PIXEL_MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
PIXEL_STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)
DECODER_REQUIRED = ("point_coords", "point_labels", "mask_input", "has_mask_input")
EMBEDDING_NAMES = ("image_embeddings", "image_embed")
IMAGE_TYPES = {"tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(double)": np.float64,
               "tensor(uint8)": np.uint8}
"""Encoder image input types fed as the model declares (uint8: 0-255 RGB, rounded, not normalised)."""
CARD_ROLES = {"encoder": "encoder", "image_encoder": "encoder", "decoder": "decoder", "mask_decoder": "decoder",
              "prompt_decoder": "decoder"}
"""Model card sha256 keys, under 'sha256' or flat as '<key>_sha256', and the file of the pair each names."""
_LOCATION = re.compile(rb"\x0a\x08location\x12")
"""How a tensor's external data 'location' entry is encoded in the .onnx protobuf (key field, then the value field)."""
CARD_FIX = ("Give 'sha256' as an object with the sha256 of each file: 'encoder' and 'decoder' (or 'image_encoder' and "
            "'mask_decoder', or flat 'encoder_sha256' and 'decoder_sha256'), and the file name of each weights file "
            "(.onnx.data) beside them.")


def _role(role: str) -> str:
    """'encoder' / 'decoder' in the current language (the part of the pair an error is about)."""
    return t("encoder") if role == "encoder" else t("decoder")


def _open(path: str, role: str, device: str, data: Sequence[str] = ()):
    """An onnxruntime session for one file of the pair (made once per state of the file and of its external ``data`` files;
    the last pair used is kept for later runs), or a ModelError naming the file and the fix."""
    name = os.path.basename(path)
    if not os.path.isfile(path):
        raise ModelError(t("The SAM {role} '{path}' does not exist.", role=_role(role), path=path),
                         t("Choose the encoder/decoder .onnx pair exported from SAM or SAM 2."))
    try:
        folder = os.path.dirname(os.path.abspath(path))
        return cached_session(path, device, data_files=[os.path.join(folder, d) for d in data], kind=f"SAM {role}", one_file=True)
    except Exception as exc:  # onnxruntime raises its own Fail/InvalidProtobuf/InvalidGraph types
        newer = too_new_for_runtime(exc)
        if newer:
            raise ModelError(t("The SAM {role} '{name}' was exported for a newer ONNX Runtime: {reason}.", role=_role(role),
                               name=name, reason=newer),
                             t("Export it again with an older opset (e.g. opset_version=17 in torch.onnx.export), or update "
                               "onnxruntime (Setup tab, Install dependencies).")) from exc
        raise ModelError(t("The SAM {role} '{name}' is not a valid ONNX model ({reason}).", role=_role(role), name=name,
                           reason=(str(exc).splitlines() or [""])[0][:200]),
                         t("Re-export or re-download the model; the file may be truncated.")) from exc


class SamOnnxEngine:
    """An interactive engine backed by a SAM / SAM 2 ONNX encoder–decoder pair."""

    name = "sam_onnx"

    def __init__(self, encoder_path: str, decoder_path: str, device: str = "auto",
                 expected_sha256: Optional[dict] = None, label: Optional[str] = None) -> None:
        self.encoder_path = encoder_path
        self.decoder_path = decoder_path
        self.hashes = {role: _file_hashes(p, role) for role, p in (("encoder", encoder_path), ("decoder", decoder_path))}
        self.encoder_sha256 = _folded(*self.hashes["encoder"])
        self.decoder_sha256 = _folded(*self.hashes["decoder"])
        unchecked = self._check_card(expected_sha256) if expected_sha256 is not None else []
        self.enc, self.report = _open(encoder_path, "encoder", device, [d for d, _ in self.hashes["encoder"][1]])
        self.dec, _ = _open(decoder_path, "decoder", device, [d for d, _ in self.hashes["decoder"][1]])
        if unchecked:
            files = ", ".join(unchecked)
            self.report.add(lambda: t("the model card gives no sha256 for {files}: not checked", files=files))
        self._label = label or os.path.splitext(os.path.basename(encoder_path))[0].replace("_encoder", "").replace(".encoder", "")
        self._check_encoder()
        self._check_decoder()

    def _check_card(self, expected: dict) -> list[str]:
        """Check the pair (and the weights files beside it) against a model card's sha256 entries (roles 'encoder' /
        'decoder' and file names); the names of the files the card does not check."""
        expected = {k: str(v).strip().lower() for k, v in expected.items() if v}
        paths = {"encoder": self.encoder_path, "decoder": self.decoder_path}
        data_names = {name for role in paths for name, _ in self.hashes[role][1]}
        unknown = [k for k in expected if k not in paths and k not in data_names]
        if unknown:
            raise ModelError(t("The model card gives a sha256 for '{key}', which is neither file of the pair nor their "
                               "weights ({files}).", key=unknown[0],
                               files=", ".join([os.path.basename(p) for p in paths.values()] + sorted(data_names))),
                             t(CARD_FIX))
        unchecked = []
        for role, path in paths.items():
            own, data = self.hashes[role]
            for name, sha in data:
                want = expected.get(name)
                if want and want != sha:
                    raise ModelError(t("The weights file '{name}' of the SAM {role} does not match its model card "
                                       "(sha256 {got}… instead of {want}…).", name=name, role=_role(role), got=sha[:12],
                                       want=want[:12]),
                                     t("The file was changed or corrupted; download it again or update the model card."))
            want = expected.get(role)
            if not want:
                unchecked += [os.path.basename(path)] + [n for n, _ in data if not expected.get(n)]
                continue
            if want == _folded(own, data):
                continue
            if want != own:
                raise ModelError(t("The SAM {role} does not match its model card (sha256 {got}… instead of {want}…).",
                                   role=_role(role), got=own[:12], want=want[:12]),
                                 t("The file was changed or corrupted; download it again or update the model card."))
            for name, sha in data:
                if not expected.get(name):
                    raise ModelError(t("The SAM {role} '{model}' keeps its weights in '{name}', which its model card does "
                                       "not check.", role=_role(role), model=os.path.basename(path), name=name),
                                     t("Add \"{name}\": \"{sha}\" under 'sha256' in the model card (the sha256 of that "
                                       "file), so that re-exported weights are noticed.", name=name, sha=sha))
        return unchecked

    # ------------------------------------------------------------- identity
    @property
    def sha256(self) -> str:
        """One hash for the pair (sha256 of both files' hashes, each with its external weights folded in)."""
        return hashlib.sha256((self.encoder_sha256 + self.decoder_sha256).encode()).hexdigest()

    @property
    def label(self) -> str:
        return f"SAM ONNX ({self._label})"

    @property
    def max_side(self) -> int:
        return self.size

    def select_bands(self, count: int, modality=None) -> list[int]:
        """Red, green, blue from the modality when it names them; else the first three bands (one band is repeated)."""
        if modality is not None and all(modality.band(r) for r in ("red", "green", "blue")):
            return [modality.band("red"), modality.band("green"), modality.band("blue")]
        return [1, 2, 3] if count >= 3 else [1]

    # ------------------------------------------------------------- validation
    def _check_encoder(self) -> None:
        ins = self.enc.get_inputs()
        name = os.path.basename(self.encoder_path)
        if len(ins) != 1:
            raise ModelError(t("The SAM encoder '{name}' has {n} inputs ({inputs}); one image input is expected.",
                               name=name, n=len(ins), inputs=", ".join(i.name for i in ins)),
                             t("Choose the image encoder of the pair, not the decoder."))
        shape = ins[0].shape
        if len(shape) == 4 and shape[1] in (3, "3"):
            self.layout = "nchw"
            self.size = shape[2] if isinstance(shape[2], int) else 1024
        elif len(shape) == 3 and shape[2] in (3, "3"):
            self.layout = "hwc"
            self.size = 1024
        else:
            raise ModelError(t("The SAM encoder '{name}' takes an input of shape {shape}; [1, 3, S, S] or [H, W, 3] is expected.",
                               name=name, shape=shape), t("Export the encoder with SAM's or SAM 2's ONNX exporter."))
        self.enc_input = ins[0].name
        self.enc_type = IMAGE_TYPES.get(ins[0].type)
        if self.enc_type is None:
            raise ModelError(t("The SAM encoder '{name}' takes a {type} image; float32, float16 or uint8 is expected.",
                               name=name, type=ins[0].type),
                             t("Export the encoder with SAM's or SAM 2's ONNX exporter (float32 image input)."))
        self.enc_outputs = [o.name for o in self.enc.get_outputs()]
        if not any(n in self.enc_outputs for n in EMBEDDING_NAMES) and len(self.enc_outputs) != 1:
            raise ModelError(t("The SAM encoder '{name}' has no 'image_embeddings' output (it has {outputs}).",
                               name=name, outputs=", ".join(self.enc_outputs)), t("Export the encoder with SAM's or SAM 2's ONNX exporter."))

    def _check_decoder(self) -> None:
        name = os.path.basename(self.decoder_path)
        ins = {i.name: i for i in self.dec.get_inputs()}
        outs = [o.name for o in self.dec.get_outputs()]
        missing = [n for n in DECODER_REQUIRED if n not in ins]
        if not any(n in ins for n in EMBEDDING_NAMES):
            missing.insert(0, "image_embeddings")
        if missing:
            raise ModelError(t("The SAM decoder '{name}' lacks the inputs {missing} (it has {inputs}).",
                               name=name, missing=", ".join(missing), inputs=", ".join(ins)),
                             t("Choose the prompt decoder exported with SAM's or SAM 2's ONNX exporter (image_embeddings, point_coords, "
                               "point_labels, mask_input, has_mask_input, orig_im_size)."))
        known = set(DECODER_REQUIRED) | set(EMBEDDING_NAMES) | {"orig_im_size"} | set(self.enc_outputs)
        unknown = [n for n in ins if n not in known]
        if unknown:
            raise ModelError(t("The SAM decoder '{name}' needs inputs the encoder does not give: {inputs}.", name=name, inputs=", ".join(unknown)),
                             t("Use an encoder and a decoder exported together from the same model."))
        if "masks" not in outs or "iou_predictions" not in outs:
            raise ModelError(t("The SAM decoder '{name}' lacks the outputs masks/iou_predictions (it has {outputs}).",
                               name=name, outputs=", ".join(outs)), t("Export the decoder with SAM's or SAM 2's ONNX exporter."))
        if len(ins["point_coords"].shape) != 3:
            raise ModelError(t("The SAM decoder '{name}' takes point_coords of shape {shape}; [1, N, 2] is expected.",
                               name=name, shape=ins["point_coords"].shape),
                             t("Export the decoder with dynamic point count (SAM's exporter does)."))
        n = ins["point_coords"].shape[1]
        self.max_points = n if isinstance(n, int) and n > 0 else None  # exported with a fixed point count: padded to it
        self.dec_inputs = ins
        self.dec_outputs = outs

    # ------------------------------------------------------------- encode / decode
    def _prepare(self, image: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, float]:
        """8-bit-like RGB (robust stretch), longest side resized to S; returns (HWC float32, scale)."""
        if image.ndim == 2:
            image = image[None]
        if image.shape[0] == 1:
            image = np.repeat(image, 3, axis=0)
        image = image[:3]
        rgb = np.zeros(image.shape, dtype=np.float32)
        for b in range(3):
            vals = image[b][valid] if valid.any() else image[b].ravel()
            lo, hi = np.percentile(vals, [1, 99]) if vals.size else (0.0, 1.0)
            rgb[b] = np.clip((image[b] - lo) / max(hi - lo, 1e-6), 0, 1) * 255.0
        rgb[:, ~valid] = 0
        h, w = rgb.shape[1:]
        scale = self.size / max(h, w)
        if abs(scale - 1.0) > 1e-6:
            nh, nw = max(1, int(round(h * scale))), max(1, int(round(w * scale)))
            rgb = np.stack([ndimage.zoom(b, (nh / h, nw / w), order=1) for b in rgb])
        return np.ascontiguousarray(rgb.transpose(1, 2, 0)), scale

    def encode(self, image: np.ndarray, valid: np.ndarray) -> dict[str, np.ndarray]:
        """Run the image encoder once; the outputs (embeddings) are the features."""
        h, w = image.shape[-2:]
        hwc, scale = self._prepare(np.asarray(image, np.float32), np.asarray(valid, bool))
        if self.enc_type == np.uint8:  # a graph taking 8-bit RGB normalises inside: 0-255, rounded
            hwc = np.clip(np.round(hwc), 0, 255)
        if self.layout == "nchw":
            x = np.zeros((self.size, self.size, 3), dtype=np.float32)
            x[: hwc.shape[0], : hwc.shape[1]] = hwc if self.enc_type == np.uint8 else (hwc - PIXEL_MEAN) / PIXEL_STD
            feed = x.transpose(2, 0, 1)[None]
        else:
            feed = hwc
        outs = self._run("encoder", {self.enc_input: feed.astype(self.enc_type)})
        feats = {name: np.asarray(v) for name, v in zip(self.enc_outputs, outs)}
        feats["_orig_hw"] = np.array([h, w], dtype=np.int64)
        feats["_resized_hw"] = np.array(hwc.shape[:2], dtype=np.int64)
        feats["_scale"] = np.array(scale, dtype=np.float64)
        return feats

    def decode(self, f: dict, points: np.ndarray, labels: np.ndarray, box: Optional[np.ndarray] = None) -> tuple[np.ndarray, float]:
        """Mask on the encoded window and the decoder's predicted IoU (best of its masks)."""
        h, w = (int(v) for v in f["_orig_hw"])
        scale = float(f["_scale"])
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2) * scale
        lbl = np.asarray(labels, dtype=np.float64).reshape(-1)
        lbl = np.where(lbl > 0, 1.0, 0.0)
        if box is not None:
            b = np.asarray(box, dtype=np.float64).reshape(2, 2) * scale
            pts = np.vstack([pts, b])
            lbl = np.concatenate([lbl, [2.0, 3.0]])
        pts, lbl = self._pad(pts, lbl, box is None)
        feed = {}
        for name, meta in self.dec_inputs.items():
            if name == "point_coords":
                v = pts[None]
            elif name == "point_labels":
                v = lbl[None]
            elif name == "mask_input":
                v = np.zeros((1, 1, 256, 256))
            elif name == "has_mask_input":
                v = np.zeros(1)
            elif name == "orig_im_size":
                v = np.array([h, w])
            elif name in f:
                v = f[name]
            elif name in EMBEDDING_NAMES:
                v = next((f[n] for n in EMBEDDING_NAMES if n in f), f[self.enc_outputs[0]])
            else:  # validated away in _check_decoder
                raise ModelError(t("The SAM decoder needs '{name}', which the encoder did not produce.", name=name),
                                 t("Use a matching encoder/decoder pair."))
            feed[name] = np.asarray(v, dtype=_np_type(meta.type))
        outs = dict(zip(self.dec_outputs, self._run("decoder", feed)))
        masks = np.asarray(outs["masks"])
        ious = np.asarray(outs["iou_predictions"]).reshape(-1)
        masks = masks.reshape(-1, *masks.shape[-2:])
        best = int(np.argmax(ious)) if ious.size == masks.shape[0] else 0
        logits = masks[best].astype(np.float32)
        if masks.dtype == np.bool_ or np.issubdtype(masks.dtype, np.integer):  # thresholded in the graph: 0/1
            logits = np.where(logits > 0, 1.0, -1.0).astype(np.float32)  # > 0 after resizing is 0/1 > 0.5
        logits = self._to_window(logits, f)
        return logits > 0.0, float(np.clip(ious[best] if ious.size else 0.0, 0.0, 1.0))

    def _pad(self, pts: np.ndarray, lbl: np.ndarray, pad: bool) -> tuple[np.ndarray, np.ndarray]:
        """The prompts as the decoder takes them: a padding point (label -1) without a box, as SAM's exporter expects,
        or exactly the decoder's fixed point count (padded with label -1; ModelError when the prompts need more)."""
        n = self.max_points
        if n is None:
            if pad:
                pts, lbl = np.vstack([pts, [[0.0, 0.0]]]), np.concatenate([lbl, [-1.0]])
            return pts, lbl
        if len(pts) > n:
            raise ModelError(t("The SAM decoder '{name}' was exported for exactly {n} points; these prompts need {k} "
                               "(a box counts as two).", name=os.path.basename(self.decoder_path), n=n, k=len(pts)),
                             t("Give at most {n} points, or export the decoder with a dynamic point count (SAM's "
                               "exporter does).", n=n))
        extra = n - len(pts)
        return (np.vstack([pts, np.zeros((extra, 2))]), np.concatenate([lbl, np.full(extra, -1.0)]))

    def _run(self, role: str, feed: dict) -> list:
        """Run the encoder or decoder; an onnxruntime failure becomes a ModelError naming the file and the fix."""
        session, path = (self.enc, self.encoder_path) if role == "encoder" else (self.dec, self.decoder_path)
        try:
            return session.run(None, feed)
        except Exception as exc:  # onnxruntime raises its own InvalidArgument/Fail/RuntimeException types
            raise ModelError(t("The SAM {role} '{name}' failed to run ({reason}).", role=_role(role),
                               name=os.path.basename(path), reason=(str(exc).strip().splitlines() or [""])[0][:200]),
                             t("Export the pair again with SAM's or SAM 2's ONNX exporter (float32 image, dynamic point "
                               "count), or choose another model.")) from exc

    def _to_window(self, logits: np.ndarray, f: dict) -> np.ndarray:
        """Bring decoder logits to the encoded window's shape (low-res padded square → crop → resize)."""
        h, w = (int(v) for v in f["_orig_hw"])
        if logits.shape == (h, w):
            return logits
        rh, rw = (int(v) for v in f["_resized_hw"])
        mh, mw = logits.shape
        if mh == mw:  # a square frame covering the padded S x S input: crop the image part first
            logits = logits[: max(1, int(round(rh * mh / self.size))), : max(1, int(round(rw * mw / self.size)))]
        return ndimage.zoom(logits, (h / logits.shape[0], w / logits.shape[1]), order=1)[:h, :w]


def _np_type(onnx_type: str):
    """numpy dtype for an onnxruntime type string."""
    return {"tensor(float)": np.float32, "tensor(double)": np.float64, "tensor(int64)": np.int64,
            "tensor(int32)": np.int32, "tensor(float16)": np.float16}.get(onnx_type, np.float32)


def _data_locations(path: str, locations: set[str]) -> list[str]:
    """The external data files a model file names (relative paths, as exports over 2 GB keep their weights beside the
    .onnx): its scanned 'location' values, exact from onnx when installed; [] when the weights are inside the file."""
    if locations:
        try:
            import onnx  # exact when installed; the byte scan otherwise (QGIS installs often lack onnx)
        except ImportError:
            pass
        else:
            try:
                locations = _onnx_locations(onnx.load(path, load_external_data=False).graph)
            except Exception:  # noqa: BLE001 - a file onnx cannot parse: the scan stands, onnxruntime says what is wrong
                pass
    return sorted(locations)


def _onnx_locations(graph) -> set[str]:
    """The 'location' of every tensor stored as external data in a graph and its subgraphs."""
    from onnx import TensorProto

    found = set()
    tensors = list(graph.initializer)
    for node in graph.node:
        for attr in node.attribute:
            tensors += ([attr.t] if attr.HasField("t") else []) + list(attr.tensors)
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                found |= _onnx_locations(sub)
    for tensor in tensors:
        if tensor.data_location == TensorProto.EXTERNAL:
            found |= {e.value for e in tensor.external_data if e.key == "location"}
    return found


def _scan_locations(path: str, digest=None) -> set[str]:
    """The external data 'location' values found in the file's bytes (read in 1 MiB chunks, overlapping); ``digest`` (a
    hashlib object) is fed the same bytes, so the file's hash needs no second read."""
    found, tail = set(), b""
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            if digest is not None:
                digest.update(chunk)
            buf = tail + chunk
            for m in _LOCATION.finditer(buf):
                size, shift, i = 0, 0, m.end()
                while i < len(buf) and shift < 28:  # the value's length, a protobuf varint
                    size |= (buf[i] & 0x7F) << shift
                    shift += 7
                    i += 1
                    if not buf[i - 1] & 0x80:
                        break
                if 0 < size < 4096 and i + size <= len(buf) and _in_external_data(buf, m.start(), i + size - m.start()):
                    try:
                        found.add(buf[i:i + size].decode("utf-8"))
                    except UnicodeDecodeError:
                        pass
            tail = buf[-4200:]
    return found


def _in_external_data(buf: bytes, start: int, entry_len: int) -> bool:
    """Whether the 'location' entry at ``start`` (``entry_len`` bytes) is a tensor's external_data field (field 13, length-
    delimited: tag 0x6a, then the entry's length as a varint), not the same bytes inside names (a node whose input is
    called 'location', followed by its output, reads alike)."""
    varint = bytearray()
    n = entry_len
    while True:
        varint.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            break
    head = start - len(varint) - 1
    return head >= 0 and buf[head] == 0x6A and buf[head + 1:start] == bytes(varint)


def _scanned(path: str) -> tuple[str, list[str]]:
    """sha256 of a model file and the external data files it names, from one read of the file."""
    digest = hashlib.sha256()
    data = _data_locations(path, _scan_locations(path, digest))
    return digest.hexdigest(), data


def _file_hashes(path: str, role: str) -> tuple[str, list[tuple[str, str]]]:
    """sha256 of a model file and of each of its external data files (relative path, sha256), each file read again only
    when it changed on disk; empty when the model file is missing; a ModelError naming the data file that is not beside
    it (onnxruntime's own error was cut off before the file's name and called the model invalid)."""
    if not os.path.isfile(path):
        return "", []
    own, data = cached("onnx scan", path, lambda: _scanned(path))
    folder = os.path.dirname(os.path.abspath(path))
    missing = [loc for loc in data if not os.path.isfile(os.path.join(folder, loc))]
    if missing:
        raise ModelError(t("The SAM {role} '{name}' keeps its weights in '{data}', which is not in its folder ({folder}).",
                           role=_role(role), name=os.path.basename(path), data=missing[0], folder=folder),
                         t("Put '{data}' beside '{name}' (download or copy it together with the .onnx file), or export "
                           "the model again.", data=missing[0], name=os.path.basename(path)))
    return own, [(loc, cached_sha256(os.path.join(folder, loc))) for loc in data]


def _folded(own: str, data: list[tuple[str, str]]) -> str:
    """One hash for a model file and its external data: the file's sha256 alone when it keeps its weights inside."""
    if not data:
        return own
    return hashlib.sha256("\n".join([own] + [f"{name}:{sha}" for name, sha in data]).encode()).hexdigest()


def card_hashes(card: dict, name: str, encoder: str, decoder: str) -> dict:
    """A model card's sha256 entries as {'encoder' | 'decoder' | weights file name: lower-case hex}; ModelError naming
    the card when they are not one 64-digit hash per file."""
    sha = card.get("sha256")
    if sha is None:
        sha = {}
    if not isinstance(sha, dict):
        raise ModelError(t("The model card '{name}' gives 'sha256' as a single value; one sha256 per file is expected.",
                           name=name), t(CARD_FIX))
    items = list(sha.items()) + [(k[: -len("_sha256")], v) for k, v in card.items() if k.lower().endswith("_sha256")]
    files = {os.path.basename(encoder).lower(): "encoder", os.path.basename(decoder).lower(): "decoder"}
    out: dict = {}
    for key, value in items:
        if value is None or value == "":
            continue
        if not isinstance(value, str) or not re.fullmatch(r"[0-9a-fA-F]{64}", value.strip()):
            raise ModelError(t("The model card '{name}' gives '{key}' a sha256 that is not 64 hexadecimal digits ({value}).",
                               name=name, key=key, value=str(value)[:70]), t(CARD_FIX))
        role = CARD_ROLES.get(str(key).lower()) or files.get(str(key).lower(), str(key))
        if out.get(role, value.strip().lower()) != value.strip().lower():
            raise ModelError(t("The model card '{name}' gives two different sha256 for the {role}.", name=name,
                               role=_role(role) if role in ("encoder", "decoder") else role), t(CARD_FIX))
        out[role] = value.strip().lower()
    return out


def _partner(folder: str, name: str, i: int, word: str) -> str:
    """The other file of the pair: ``name`` with the word at ``i`` replaced in the same case (SAM_Encoder →
    SAM_Decoder), or the file in the folder whose name matches that whatever its case."""
    old = name[i:i + 7]
    new = word.upper() if old.isupper() else word.capitalize() if old[:1].isupper() else word
    path = os.path.join(folder, name[:i] + new + name[i + 7:])
    if not os.path.exists(path) and os.path.isdir(folder):
        same = [n for n in sorted(os.listdir(folder)) if n.lower() == os.path.basename(path).lower()]
        if same:
            return os.path.join(folder, same[0])
    return path


def find_pair(path: str) -> tuple[str, str, Optional[dict]]:
    """(encoder, decoder, expected sha256) from a model card (.json), one .onnx of the pair, or a folder (None: no card)."""
    if os.path.isdir(path):
        onnx = sorted(n for n in os.listdir(path) if n.endswith(".onnx"))
        enc = [n for n in onnx if "encoder" in n.lower()]
        dec = [n for n in onnx if "decoder" in n.lower()]
        if len(enc) != 1 or len(dec) != 1:
            raise ModelError(t("The folder '{path}' does not hold exactly one *encoder*.onnx and one *decoder*.onnx.", path=path),
                             t("Point MODEL to the encoder file, or to a model card (.json) naming both files."))
        return os.path.join(path, enc[0]), os.path.join(path, dec[0]), None
    if not os.path.exists(path):
        raise ModelError(t("The model '{path}' does not exist.", path=path),
                         t("Choose 'classical', or a SAM encoder/decoder .onnx pair or its model card."))
    if path.lower().endswith(".json"):
        try:
            with open(path, encoding="utf-8") as fh:
                card = json.load(fh)
            folder = os.path.dirname(os.path.abspath(path))
            enc, dec = os.path.join(folder, card["encoder"]), os.path.join(folder, card["decoder"])
            sha = card_hashes(card, os.path.basename(path), enc, dec)
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ModelError(t("The model card '{name}' cannot be read ({reason}).", name=os.path.basename(path), reason=exc),
                             t("A card is JSON with 'encoder', 'decoder' (file names next to it) and optionally 'sha256': {encoder, decoder}.")) from exc
        return enc, dec, sha
    folder, name = os.path.split(os.path.abspath(path))
    low = name.lower()
    if "encoder" in low:
        return path, _partner(folder, name, low.index("encoder"), "decoder"), None
    if "decoder" in low:
        return _partner(folder, name, low.index("decoder"), "encoder"), path, None
    raise ModelError(t("Cannot tell whether '{name}' is a SAM encoder or decoder.", name=name),
                     t("Name the files *encoder*.onnx / *decoder*.onnx, or give a model card (.json) naming both."))
