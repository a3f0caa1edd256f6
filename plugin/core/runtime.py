"""Runtimes: device choice (auto/cpu/cuda) for onnxruntime and torch, with an honest report.

Nothing here pretends: the report says which device was asked for, which one
actually runs, and why (e.g. "cuda asked, CUDAExecutionProvider not available").
Loaded models (ONNX sessions, model file hashes) are kept for later runs until
the plugin unloads (:func:`cached`, :func:`release_models`).
"""
from __future__ import annotations

import itertools
import os
import re
import sys
import threading
from dataclasses import dataclass, replace
from typing import Callable, Optional, Sequence, TypeVar, Union

from .messages import separator, t

DEVICE_CHOICES = ["auto", "cpu", "cuda"]
LAST_REPORT: dict = {}
"""The device report of the last run, by backend ('onnxruntime', 'torch', 'numpy'), for diagnostics."""

_MODELS: dict = {}
"""Loaded models kept for later runs (ONNX sessions, model file hashes), by (kind, file state, rest): see :func:`cached`."""
_USED: dict = {}
"""When each model of :data:`_MODELS` was last asked for (a number from :data:`_ASKED`), by the same key."""
_BUILDS: dict = {}
"""The models being made (a :class:`_Build` each), by the key of :data:`_MODELS`."""
_ASKED = itertools.count(1)
"""Numbers the requests to :func:`cached` in the order they came (read under :data:`_MODELS_LOCK`)."""
_MODELS_LOCK = threading.Lock()
T = TypeVar("T")

Said = Union[str, Callable[[], str]]
"""A piece of a report's reason: text as it is (a device name), or a function that says it in the current language."""


class _Text(str):
    """A reason as read, with the pieces it was said from (so that ``dataclasses.replace`` copies the pieces)."""

    pieces: list


class _Reason:
    """The ``reason`` of a :class:`DeviceReport`: kept as pieces (:data:`Said`) and put into the current language each
    time it is read, because reports live on with the sessions cached for later runs, which may be in another language."""

    def __get__(self, report: Optional["DeviceReport"], owner: type) -> str:
        if report is None:  # class access (dataclass asks for a default): none
            raise AttributeError("reason")
        said = _Text("".join(p if isinstance(p, str) else p() for p in report._pieces))
        said.pieces = report._pieces
        return said

    def __set__(self, report: "DeviceReport", value: Said) -> None:
        if isinstance(value, _Text):  # a copy (dataclasses.replace)
            report._pieces = list(value.pieces)
            return
        pieces = getattr(report, "_pieces", None)
        if pieces is not None and isinstance(value, str):
            said = self.__get__(report, type(report))
            if value.startswith(said):  # ``report.reason += more`` (or the same text again): the pieces so far are kept
                report._pieces = pieces + ([value[len(said):]] if len(value) > len(said) else [])
                return
        report._pieces = [value]


@dataclass
class DeviceReport:
    """What was asked for, what runs, and why (the why in the language of each reading)."""

    requested: str
    used: str
    backend: str
    reason: Said = _Reason()
    threads: int

    def add(self, said: Callable[[], str]) -> None:
        """Append a part to the reason (after the language's separator), said in the language of each reading."""
        self._pieces = self._pieces + [separator, said]

    def __str__(self) -> str:
        if self.threads == 1:
            return t("{used} via {backend} ({reason}; {threads} CPU thread)", used=self.used, backend=self.backend,
                     reason=self.reason, threads=self.threads)
        return t("{used} via {backend} ({reason}; {threads} CPU threads)", used=self.used, backend=self.backend, reason=self.reason,
                 threads=self.threads)


def default_threads() -> int:
    """CPU threads to use: TERRAPROMPT_THREADS or all cores."""
    env = os.environ.get("TERRAPROMPT_THREADS")
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, os.cpu_count() or 1)


def onnx_providers(device: str = "auto") -> tuple[list[str], DeviceReport]:
    """onnxruntime execution providers for a device request, and the report of what will run."""
    threads = default_threads()
    try:
        import onnxruntime as ort
    except ImportError:
        return [], DeviceReport(device, "none", "onnxruntime", lambda: t("onnxruntime is not installed"), threads)
    available = ort.get_available_providers()
    has_cuda = "CUDAExecutionProvider" in available
    if device == "cuda" and not has_cuda:
        return ["CPUExecutionProvider"], DeviceReport(device, "cpu", "onnxruntime", lambda: t("cuda asked for, but CUDAExecutionProvider is not available in this onnxruntime build"), threads)
    if device in ("cuda", "auto") and has_cuda:
        return ["CUDAExecutionProvider", "CPUExecutionProvider"], DeviceReport(device, "cuda", "onnxruntime", lambda: t("CUDAExecutionProvider available"), threads)
    why = (lambda: t("cpu asked for")) if device == "cpu" else (lambda: t("no CUDA provider available"))
    return ["CPUExecutionProvider"], DeviceReport(device, "cpu", "onnxruntime", why, threads)


def onnx_session(model_path: str, device: str = "auto", threads: Optional[int] = None):
    """An onnxruntime InferenceSession and the report of the provider it really uses."""
    import onnxruntime as ort

    providers, report = onnx_providers(device)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or default_threads()
    opts.inter_op_num_threads = 1
    # idle worker threads sleep instead of spinning: the Python work between runs (reading, pasting, filters) gets the
    # cores (measured: promptable decode p95 23 -> 14 ms, find similar 1.5x faster, a full-tile land-cover run 50 -> 43 s,
    # a full-tile change pair 105 -> 96 s)
    opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
    sess = ort.InferenceSession(model_path, sess_options=opts, providers=providers)
    used = sess.get_providers()[0]
    report.used = "cuda" if used == "CUDAExecutionProvider" else "cpu"
    report.threads = opts.intra_op_num_threads
    providers = ", ".join(sess.get_providers())
    report.add(lambda: t("session providers: {providers}", providers=providers))
    LAST_REPORT["onnxruntime"] = report
    return sess, report


def file_state(path: str) -> tuple:
    """(absolute path, size, mtime_ns, ctime_ns, inode) of a file: what changes when the file is replaced or rewritten."""
    st = os.stat(path)
    return os.path.abspath(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino


class _Build:
    """A model being made for one key: its callers take ``lock`` in turn (the first makes it, the others find it made)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.callers = 0
        self.asked = 0
        """The latest request among the callers (a number from :data:`_ASKED`)."""
        self.done = False
        self.made = None


def cached(kind: str, path: str, make: Callable[[], T], *rest, one_file: bool = False) -> T:
    """``make()`` once per kind, state of the file at ``path`` and ``rest``, kept until :func:`release_models`; what was
    made from an older state of the same file (a model replaced on disk) is dropped, and with ``one_file`` every other
    model of this kind (models of hundreds of MB: only the last one used stays in memory). Concurrent callers of one key
    share one ``make()``; callers of other keys do not wait for it."""
    state = file_state(path)
    key = (kind, state, rest)
    with _MODELS_LOCK:
        asked = next(_ASKED)
        if key in _MODELS:
            _USED[key] = asked
            return _MODELS[key]
        build = _BUILDS.setdefault(key, _Build())
        build.callers += 1
        build.asked = asked
    try:
        with build.lock:
            if not build.done:
                build.made = make()
                build.done = True
                with _MODELS_LOCK:
                    _keep(key, build.made, build.asked, one_file)
            return build.made
    finally:
        with _MODELS_LOCK:
            build.callers -= 1
            if not build.callers:
                del _BUILDS[key]


def _keep(key: tuple, made: object, asked: int, one_file: bool) -> None:
    """Keep ``made`` for ``key`` in place of the models it replaces, unless one of those was asked for after ``asked``
    (a newer model file, or with ``one_file`` another model used since: ``made`` is the stale one and is not kept)."""
    kind, state, _ = key
    replaced = [k for k in _MODELS if k[0] == kind and k != key and (one_file or (k[1][0] == state[0] and k[1] != state))]
    if any(_USED[k] > asked for k in replaced):
        return
    for k in replaced:
        del _MODELS[k], _USED[k]
    _MODELS[key] = made
    _USED[key] = asked


def shared_session(model_path: str, device: str = "auto", threads: Optional[int] = None, data_files: Sequence[str] = (),
                   kind: str = "onnx session", one_file: bool = False):
    """:func:`onnx_session` made once per state of the model file (and of the external ``data_files`` it keeps its weights
    in), device, providers and threads (kept as :func:`cached` keeps it), with the cached report itself: read it, never
    add to it (:func:`cached_session` gives a copy to add to)."""
    threads = threads or default_threads()
    providers, _ = onnx_providers(device)
    data = tuple(file_state(f) for f in data_files)
    sess, report = cached(kind, model_path, lambda: onnx_session(model_path, device, threads), device, tuple(providers),
                          threads, data, one_file=one_file)
    LAST_REPORT["onnxruntime"] = report
    return sess, report


def cached_session(model_path: str, device: str = "auto", threads: Optional[int] = None, data_files: Sequence[str] = (),
                   kind: str = "onnx session", one_file: bool = False):
    """:func:`shared_session` with a copy of its report the caller may add to."""
    sess, report = shared_session(model_path, device, threads, data_files, kind, one_file)
    return sess, replace(report)


def release_models() -> None:
    """Drop every loaded model kept for later runs (at plugin unload): the ONNX sessions (the cloud network's among them)
    and hashes cached here, and the shared land-cover classifier and building head."""
    with _MODELS_LOCK:
        _MODELS.clear()
        _USED.clear()
    package = __name__.rsplit(".", 1)[0]
    for name in ("pixel_classifier", "buildings_vhr"):
        module = sys.modules.get(f"{package}.landcover.{name}")
        if module is not None:
            module.shared.cache_clear()


def too_new_for_runtime(exc: Exception) -> Optional[str]:
    """Why onnxruntime refused a model made for a newer ONNX Runtime (its opset or IR version), or None for other errors."""
    text = str(exc)
    try:
        import onnxruntime as ort

        version = ort.__version__
    except ImportError:
        version = "?"
    m = re.search(r"Opset (\d+) is under development.*?till opset (\d+)", text, re.S)
    if m:
        return t("it uses ONNX opset {opset}; onnxruntime {version} reads up to opset {max}", opset=m.group(1), version=version,
                 max=m.group(2))
    m = re.search(r"Unsupported model IR version: (\d+), max supported IR version: (\d+)", text)
    if m:
        return t("it is an ONNX IR version {ir} file; onnxruntime {version} reads up to IR version {max}", ir=m.group(1),
                 version=version, max=m.group(2))
    return None


def torch_device(device: str = "auto") -> DeviceReport:
    """The torch device for a request (torch imported lazily)."""
    threads = default_threads()
    try:
        import torch
    except ImportError:
        return DeviceReport(device, "none", "torch", lambda: t("torch is not installed"), threads)
    cuda = torch.cuda.is_available()
    if device == "cuda" and not cuda:
        return DeviceReport(device, "cpu", "torch", lambda: t("cuda asked for, but torch sees no CUDA device"), threads)
    if device in ("cuda", "auto") and cuda:
        return DeviceReport(device, "cuda", "torch", torch.cuda.get_device_name(0), threads)
    why = (lambda: t("cpu asked for")) if device == "cpu" else (lambda: t("no CUDA device"))
    return DeviceReport(device, "cpu", "torch", why, threads)


def combined_report(requested: str, parts: list[tuple[str, DeviceReport]]) -> DeviceReport:
    """One report for a run computed by several runtimes (numpy rules and bundled ONNX models): each part's device,
    runtime and why, so a model on the GPU and rules on the CPU are both said."""
    used = list(dict.fromkeys(r.used for _, r in parts))
    backends = list(dict.fromkeys(r.backend for _, r in parts))
    def reason() -> str:
        return separator().join(t("{what}: {used} via {backend} [{reason}]", what=what, used=r.used, backend=r.backend,
                                  reason=r.reason) for what, r in parts)

    return DeviceReport(requested, " + ".join(used), " + ".join(backends), reason, max(r.threads for _, r in parts))


def numpy_device(device: str = "auto") -> DeviceReport:
    """The report for engines that run in numpy on the CPU whatever is asked."""
    def why() -> str:
        return t("numpy engine runs on the CPU") + (" " + t("(cuda was asked for; this engine has no GPU path)") if device == "cuda" else "")

    return DeviceReport(device, "cpu", "numpy", why, default_threads())
