"""Processing outputs get the dock's styles, instead of a grey band and a single symbol: saved with each file when the run
ends, whether or not QGIS loads it (a script, a model, qgis_process), and applied with the run's explanation as metadata
to the layers QGIS loads (the toolbox dialog, batch runs, runAndLoadResults), named after the prompt and the input."""
from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from typing import Callable, Optional

from qgis.core import (
    QgsPalettedRasterRenderer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingLayerPostProcessorInterface,
    QgsRasterLayer,
    QgsVectorLayer,
)

from ..gui.layers import RESULT_PROPERTY, free_name, keep_style, layers_of, set_abstract
from ..i18n import tr
from .base import ogr_uri_path

STYLE_DESCRIPTION = "TerraPrompt result style"
"""Description of the default style saved in a GeoPackage output's style table."""

_ALIVE: list = []
"""Post-processors QGIS has not called yet: Processing keeps only a pointer, so Python must hold them (the oldest are
dropped past 64: runs whose layers were never loaded)."""


class _StyleOnLoad(QgsProcessingLayerPostProcessorInterface):
    """Applies a style function and an explanation to a layer Processing has just loaded."""

    def __init__(self, style: Callable, explanation: str) -> None:
        super().__init__()
        self.style, self.explanation = style, explanation

    def postProcessLayer(self, layer, context, feedback) -> None:  # noqa: N802
        # a rerun to the file of a layer already in the project reuses that layer, whose provider still holds the
        # replaced file: the new data is read before styling (else old pixels under the new legend, old categories)
        layer.reload()
        if hasattr(layer, "updateExtents"):
            layer.updateExtents()
        self.style(layer)  # its file already keeps this style (style_output saved it when the run ended)
        # marked as the dock marks its own: the save warning names it when it is a temporary file, and the dock may
        # rerun to its file (it is a result, not the analyst's data)
        layer.setCustomProperty(RESULT_PROPERTY, True)
        if self.explanation:
            set_abstract(layer, self.explanation)
        layer.triggerRepaint()
        if self in _ALIVE:
            _ALIVE.remove(self)


def style_output(context: QgsProcessingContext, feedback: QgsProcessingFeedback, path: Optional[str], style: Callable,
                 explanation: str = "", name: str = "") -> None:
    """Save ``style(layer)`` with the output file ``path`` now, and have it applied (with the explanation as the layer's
    abstract, and ``name`` as its name) if QGIS loads the output when the run ends."""
    if not path:
        return
    note = style_file(path, style, context.project())
    if note:
        feedback.pushWarning(note)
    style_when_loaded(context, path, style, explanation, name)


def style_file(path: str, style: Callable, project=None) -> str:
    """Store ``style`` with an output file as a layer loaded from it would (a script, a model or qgis_process loads none):
    the .qml beside the file, the default style of a GeoPackage the run wrote, and a class raster's class names as GDAL
    category names (for software without the .qml). Returns a note when the style could not be kept, else ''."""
    from ..core.writers import VECTOR_OUTPUT_EXTENSIONS, write_class_names  # rasterio: not needed to load the plugin

    file = path.split("|")[0]
    vector = file.lower().endswith(VECTOR_OUTPUT_EXTENSIONS)
    layer = QgsVectorLayer(path, "", "ogr") if vector else QgsRasterLayer(file, "", "gdal")
    if not layer.isValid():
        return ""
    style(layer)
    if file.lower().endswith(".gpkg"):
        note = _style_in_geopackage(layer, path, project)
    else:
        note = keep_style(layer)
    names = _class_names(layer)
    del layer  # GDAL's handle closed before the category names are written beside the file
    if file.lower().endswith(".gpkg") and "|" not in path:  # a GeoPackage the run wrote whole, not the analyst's
        _journal_deleted(file)
    if names and not write_class_names(file, names):
        note = "\n".join(n for n in (note, tr("The class names of {file} could not be written beside it ({file}.aux.xml): "
                                                "software other than QGIS shows class numbers. Check the free disk space.")
                                      .format(file=os.path.basename(file))) if n)
    return note


def _style_in_geopackage(layer: QgsVectorLayer, path: str, project) -> str:
    """Save the layer's style as the default of its table in a GeoPackage the run wrote as a whole ('out.gpkg', one table;
    not a table added to the analyst's GeoPackage with 'Save to GeoPackage…', whose tables are left as they are), unless a
    layer of the project reads that GeoPackage (writing its style table while QGIS holds it open can wait on SQLite's
    lock for ever; the project keeps that layer's style); returns a note when GDAL refused it."""
    from ..core.writers import gpkg_tables

    if "|" in path or layers_of([path], project):
        return ""
    tables = [name for key, (name, _) in gpkg_tables(path).items() if key != "layer_styles"]
    if len(tables) != 1:
        return ""
    try:
        _forget_style(path, tables[0])
        error = layer.saveStyleToDatabase(tables[0], STYLE_DESCRIPTION, True, "")
    except sqlite3.Error as exc:
        error = str(exc)
    if not error:
        return ""
    folder = os.path.dirname(os.path.abspath(path))
    if shutil.disk_usage(folder).free < FULL_DISK_BYTES:  # SQLite's 'disk is full' reaches QGIS's message as a missing table
        return tr("The style of {file} could not be saved in it: the disk of {folder} is full. It opens with a single symbol "
                  "outside this project; free disk space and run again to keep it.").format(
            file=os.path.basename(path), folder=folder)
    return tr("The style of {file} could not be saved in it ({error}): it opens with a single symbol outside this "
              "project.").format(file=os.path.basename(path), error=error)


FULL_DISK_BYTES = 1024 * 1024
"""Free space under which a failed style save is put down to a full disk (a style table takes a few pages)."""


def _journal_deleted(path: str) -> None:
    """Put a GeoPackage the run wrote back in SQLite's rollback-journal mode once QGIS has saved its style there (QGIS
    opens it in WAL mode, whose -wal and -shm files a full disk left beside the finished output); left as it is while
    another connection holds it."""
    try:
        with closing(sqlite3.connect(path, timeout=1)) as db:
            db.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error:
        pass


def _forget_style(path: str, table: str) -> None:
    """Delete the style stored under the table's name in a GeoPackage (a file styled before): QGIS 3.22's
    saveStyleToDatabase waits for ever when it has to replace a style of the same name, and writes a new one at once;
    the table's other styles are kept, none of them its default any more (QGIS unsets only one, of the same geometry
    column, so the new style could share the default with another)."""
    with closing(sqlite3.connect(path, timeout=10)) as db, db:
        if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'layer_styles'").fetchone():
            db.execute("DELETE FROM layer_styles WHERE f_table_name = ? AND stylename = ?", (table, table))
            db.execute("UPDATE layer_styles SET useAsDefault = 0 WHERE f_table_name = ? AND useAsDefault", (table,))


def style_when_loaded(context: QgsProcessingContext, path: Optional[str], style: Callable, explanation: str = "",
                      name: str = "") -> None:
    """Have ``style(layer)`` (and the explanation as the layer's abstract) applied to the output ``path`` if QGIS loads it
    when the run ends, and ``name`` given to the layer unless the analyst's Processing options name layers after their
    files."""
    key = _registered(context, path) if path else None
    if key is None:
        return
    processor = _StyleOnLoad(style, explanation)
    _ALIVE.append(processor)
    del _ALIVE[:-64]
    details = context.layerToLoadOnCompletionDetails(key)
    details.setPostProcessor(processor)
    if name:
        details.name = name


def result_names(context: QgsProcessingContext, base: str, patterns) -> list[str]:
    """The names of a run's outputs (``patterns`` with a {name} field) after ``base``, '<prompt> on <input>', numbered as
    the dock numbers its results when a layer of the project already has one of them."""
    free = free_name(base, patterns, context.project())
    return [pattern.format(name=free) for pattern in patterns]


def _class_names(layer) -> dict[int, str]:
    """The class labels of a paletted raster's legend by value (empty for any other layer)."""
    renderer = layer.renderer() if isinstance(layer, QgsRasterLayer) else None
    if not isinstance(renderer, QgsPalettedRasterRenderer):
        return {}
    return {int(c.value): c.label for c in renderer.classes()}


def _registered(context: QgsProcessingContext, path: str) -> Optional[str]:
    """The output as Processing registered it to load (the path as the analyst gave it: relative, with '..', or with
    forward slashes on Windows), matched to the core's normalised absolute path; None when it is not to be loaded."""
    if context.willLoadLayerOnCompletion(path):
        return path
    want = _normal(path)
    return next((k for k in context.layersToLoadOnCompletion() if _normal(k) == want), None)


def _normal(key: str) -> str:
    """An output as a comparable absolute path; 'Save to GeoPackage…' (ogr:dbname='f.gpkg' table="t") as the core's
    'f.gpkg|layername=t'."""
    file, _, layer = ogr_uri_path(key).partition("|layername=")
    return os.path.normcase(os.path.abspath(file)) + ("|" + layer if layer else "")
