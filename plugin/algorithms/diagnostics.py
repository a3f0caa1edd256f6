"""terraprompt:diagnostics: the copyable environment report (also shown in the dock's Setup tab)."""
from __future__ import annotations

import os
import re

from qgis.core import Qgis, QgsProcessingException, QgsProcessingOutputString, QgsProcessingParameterFileDestination

from ..i18n import tr
from .base import TerraPromptAlgorithm


def qgis_report() -> str:
    """core.diagnostics.report filled in with what only QGIS knows (version, profile, the cache folder really used and
    its cap)."""
    from ..bootstrap import profile_dir
    from ..core.diagnostics import report

    folder = embeddings_cache_in_use()
    return report(qgis_version=f"{Qgis.QGIS_VERSION} ({Qgis.QGIS_RELEASE_NAME})", profile_dir=profile_dir(),
                  cache_dirs={"embeddings": folder}, cache_caps={"embeddings": cache_cap_text(folder)})


def embeddings_cache_in_use() -> str:
    """The encodings folder the map tool and Processing really use (TERRAPROMPT_CACHE when set, else the profile's)."""
    return os.environ.get("TERRAPROMPT_CACHE") or cache_dirs()["embeddings"]


def cache_cap_text(folder: str) -> str:
    """'2048 MB (default)' or '500 MB (set for this folder)': the size the encodings cache is trimmed to."""
    try:
        from ..core.interactive.cache import DEFAULT_MAX_BYTES, MB, recorded_cap
    except ImportError as exc:  # numpy missing: the report must still be built
        return f"unknown ({type(exc).__name__})"
    cap = recorded_cap(folder)
    return f"{(cap or DEFAULT_MAX_BYTES) / MB:.0f} MB ({'set for this folder' if cap else 'default'})"


def cache_dirs() -> dict:
    """TerraPrompt's cache folders inside the QGIS profile (TERRAPROMPT_CACHE may put the encodings elsewhere)."""
    import os

    from ..bootstrap import profile_dir

    return {"embeddings": os.path.join(profile_dir(), "cache", "terraprompt")}


REPORT_EXTENSIONS = (".txt", ".log")


def check_report_file(path: str) -> None:
    """Refuse a report file that is no plain text file: 'memory:' or another URI (it made a file named 'memory:') or an
    extension such as .gpkg (the text went into a file named like a GeoPackage)."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]+:", path) or not path.lower().endswith(REPORT_EXTENSIONS):
        raise QgsProcessingException(tr("The report is a text file: '{path}' is not a .txt or .log file. Give a file name "
                                        "ending in .txt or .log, or leave the report file empty.").format(path=path))


class DiagnosticsAlgorithm(TerraPromptAlgorithm):
    """Write the diagnostics report: versions, dependencies, devices, caches, model checksums."""

    def name(self) -> str:
        return "diagnostics"

    def displayName(self) -> str:  # noqa: N802
        return tr("Diagnostics report")

    def group(self) -> str:
        return tr("Tools")

    def groupId(self) -> str:  # noqa: N802
        return "tools"

    def shortHelpString(self) -> str:  # noqa: N802
        return tr("Prints QGIS, Python, GDAL and PROJ versions, every dependency with version and path, the onnxruntime "
                  "providers (and the one used by the last run), torch CUDA availability, cache sizes and model checksums. "
                  "Attach it to bug reports.")

    def flags(self):
        return super().flags() | self.FlagNoThreading

    def initAlgorithm(self, config=None):  # noqa: N802
        p = QgsProcessingParameterFileDestination("OUTPUT", tr("Report file"), fileFilter=tr("Text files (*.txt *.log)"),
                                                  optional=True, createByDefault=False)
        p.setHelp(tr("Also save the report to this text file."))
        self.addParameter(p)
        self.addOutput(QgsProcessingOutputString("REPORT", tr("Report")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        out = self.parameterAsFileOutput(parameters, "OUTPUT", context) if parameters.get("OUTPUT") else ""
        if out:
            check_report_file(out)
        text = qgis_report()
        feedback.pushInfo(text)
        if out:
            try:
                os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
                with open(out, "w", encoding="utf-8") as fh:
                    fh.write(text + "\n")
            except OSError as exc:
                raise QgsProcessingException(tr("The report could not be saved to {path} ({reason}). Choose a file in a "
                                                "folder you can write to.").format(path=out, reason=exc.strerror or exc)) from exc
        return {"REPORT": text, "OUTPUT": out or None}
