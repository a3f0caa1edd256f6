"""Land cover tab: pick a raster, type a prompt, run extract_landcover in a QgsTask, see the result.

Thin: it gathers choices into an ExtractRequest, runs the core function in a
CoreTask, and hands the outputs to layers.add_result_layers.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from typing import Optional

from qgis.core import (
    Qgis,
    QgsMapLayerProxyModel,
    QgsMessageLog,
    QgsProcessingUtils,
    QgsProject,
    QgsRectangle,
)
from qgis.gui import QgsCollapsibleGroupBox, QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, QTimer
from qgis.PyQt.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..algorithms.extract_landcover import engine_help, prompt_help
from ..core.messages import number, percent, t as core_t
from ..i18n import tr
from ..qgis_layers import layer_file, layer_settings, settings_by_path
from . import settings
from .chart import AreaChart
from .dock import make_narrow, scroll_body
from .extent import ExtentChoice
from .richtext import StatusLabel, escape, status_html
from .slots import empty_when_removed, on_removed, pick_valid_layer
from .snapshot import check_files, is_file_raster
from .settings_tab import device_labels
from .tasks import LOG_TAG, CoreTask, error_message, notify, start_task

NON_FILE_PROVIDERS = ["wms", "wcs", "arcgismapserver", "postgresraster", "virtualraster", "mdal"]
RENDERED_PROVIDERS = ("wms", "arcgismapserver")
"""Web imagery (XYZ, WMS/WMTS, ArcGIS MapServer) may be the input: its view is rendered as RGB (gui/snapshot.py); SAR and
DSM inputs must be files with values."""


def describe_mask(layer) -> tuple[bool, str]:
    """Whether a layer chosen as the cloud mask is a product mask TerraPrompt reads, and what to say (the product, or the
    problem and its fix); (True, '') when none is chosen. Reads only the file's header."""
    if layer is None:
        return True, ""
    from ..core.errors import TerraPromptError

    try:
        from ..core.quality import QualityMasker, identify_mask
        from ..core.raster import open_raster

        q = identify_mask(open_raster(layer_file(layer), expand_palette=False, layer=layer_settings(layer)))
    except TerraPromptError as exc:
        return False, str(exc)
    except Exception as exc:  # noqa: BLE001 - a file GDAL cannot open (or a package missing) is said, not raised in a Qt slot
        return False, tr("The cloud mask cannot be read: {error}").format(error=exc)
    return True, tr("Clouds and shadows from {mask}").format(mask=QualityMasker(q).describe())


def cloud_mask_tip() -> str:
    """Tooltip of the cloud mask pickers (Land cover and Change tabs)."""
    return tr("The product's cloud mask delivered as a file of its own (e.g. ..._SCL_20m.jp2, ..._QA_PIXEL.TIF, ....Fmask.tif), "
              "read by nearest neighbour onto the raster's grid. Empty: a quality band of the raster itself, else the "
              "ukis-csmask cloud network.")


def modality_labels() -> dict[str, str]:
    """Translated labels of the modality presets (keys as in core.modalities.MODALITY_CHOICES)."""
    return {
        "auto": tr("Detect automatically"), "sentinel2_l1c": tr("Sentinel-2 L1C"), "sentinel2_l2a": tr("Sentinel-2 L2A"),
        "landsat89": tr("Landsat 8/9 OLI"), "landsat457": tr("Landsat 4-7 TM/ETM+"), "rgb": tr("RGB"),
        "rgbn": tr("RGB + NIR"), "sar": tr("SAR (VV/VH)"), "dsm": tr("DSM / nDSM (heights)"), "generic": tr("Generic N-band"),
        "vhr_multispectral": tr("Multispectral VHR (WorldView 8-band order)"), "modis": tr("MODIS (bands 1-7)"),
        "multispectral5": tr("5-band multispectral (B, G, R, red edge, NIR: RapidEye, MicaSense)"),
        "superdove8": tr("PlanetScope SuperDove (8 bands)"),
    }


def engine_labels() -> dict[str, str]:
    """Translated labels of the engine choices."""
    return {"auto": tr("Automatic (best available)"), "spectral": tr("Spectral indices"), "network": tr("Network (bundled model)")}


def describe_prompt(text: str, roles: Optional[set] = None, engine: str = "auto",
                    pixel_m: Optional[float] = None) -> tuple[bool, str]:
    """(ok, line) saying which concepts a prompt resolves to, or why it does not (also when the input's bands ``roles``
    at ``pixel_m`` cannot give them with this engine); never waits for the encoder."""
    from ..core.errors import TerraPromptError
    from ..core.landcover.extract import check_bands_fit
    from ..core.prompts import concepts, height_range_text, parse_prompt

    try:
        # live feedback: synonyms only until the sentence encoder has loaded in the background
        parsed = parse_prompt(text, wait_for_encoder=False)
        if roles:
            parsed = check_bands_fit(parsed, set(roles), engine, pixel_m)  # a map: the classes these bands give
    except TerraPromptError as exc:
        return False, str(exc)
    if roles and parsed.has_height and "height" not in roles:  # a run would refuse it: say so now, Run waits
        return False, tr("The prompt filters objects by height ({range}), but neither the input nor a DSM gives heights. "
                         "Choose a DSM under Extra layers (or a DSM as the input), or remove the height from the prompt."
                         ).format(range=height_range_text(parsed))
    cat = concepts()
    if parsed.full_map:  # the bands decide which of the map's classes run, so their values are known only then
        line = tr("Will extract a land-cover map: {concepts} (the classes these bands allow; values in the result's legend)").format(
            concepts=", ".join(core_t(cat[m.concept]["label"]) for m in parsed.concepts))
    else:
        parts = []
        for i, m in enumerate(parsed.concepts):
            part = tr("{label} = class {value}").format(label=core_t(cat[m.concept]["label"]), value=i + 1)
            if getattr(m, "kind", "") == "spelling":  # a spelling guess, not the encoder: say which word it took
                part += f" ({m.via})"
            elif m.score < 0.999:
                part += " " + tr("(by meaning, {score} sure)").format(score=percent(m.score))
            parts.append(part)
        line = tr("Will extract: {concepts}").format(concepts=", ".join(parts))
    if parsed.excluded:
        line += "; " + tr("excluding: {concepts}").format(concepts=", ".join(core_t(cat[m.concept]["label"]) for m in parsed.excluded))
    if parsed.min_area_m2:
        line += "; " + tr("objects of at least {area} m²").format(area=number(parsed.min_area_m2))
    if parsed.max_area_m2:
        line += "; " + tr("objects of at most {area} m²").format(area=number(parsed.max_area_m2))
    if parsed.has_height:
        line += "; " + tr("height above ground {range} (needs a DSM)").format(range=height_range_text(parsed))
    if getattr(parsed, "notes", None):
        line += "; " + "; ".join(parsed.notes)
    return True, line


OWN_LAYER = "landcover"
"""The polygons' layer in a GeoPackage TerraPrompt writes whole (core.vectors.write_polygons' default)."""
VECTOR_EXTENSIONS = (".shp", ".geojson", ".fgb")
"""Polygon formats an output name may give: the class raster goes beside it as .tif (the core writes these by extension)."""


def output_file_tip() -> str:
    """Tooltip of the File output: which file is the class raster and which the polygons, as output_paths decides."""
    return tr("The class raster (.tif), with the polygons next to it as .gpkg; or a polygon file ({formats}), with the class "
              "raster next to it (name.tif for name.gpkg, name_classes.tif for the others).").format(
        formats=", ".join((".gpkg",) + VECTOR_EXTENSIONS))


def output_file_filter() -> str:
    """The File output's dialog filter: a class raster, or a polygon file in a format output_paths takes."""
    polygons = " ".join("*" + ext for ext in (".gpkg",) + VECTOR_EXTENSIONS)
    return tr("Class raster (*.tif *.tiff)") + ";;" + tr("Polygons, the class raster next to them") + f" ({polygons})"


def prompt_layer_name(prompt: str) -> str:
    """A GeoPackage layer name made of a prompt ('landcover_lakes_and_rivers'), for polygons written into an analyst's
    GeoPackage beside its other layers."""
    import re

    slug = re.sub(r"\W+", "_", prompt.lower()).strip("_")[:40]
    return f"{OWN_LAYER}_{slug}" if slug else OWN_LAYER


def describe_slot(slot: str, layer, input_layer, modality=None) -> str:
    """Why a layer chosen as SAR ('sar') or DSM ('dsm') cannot be fused with the input ('' when it can, or when only the
    run can tell): the input itself, no overlap, or clearly another kind of raster (``modality``: the input's, when
    known). Reads headers, and the slot raster's small sample only when that is quick."""
    from ..core.errors import TerraPromptError

    if layer is None or input_layer is None or not is_file_raster(input_layer):
        return ""
    if layer.id() == input_layer.id() or os.path.abspath(layer_file(layer)) == os.path.abspath(layer_file(input_layer)):
        if slot == "sar":
            return tr("The SAR layer is the input itself. Choose a SAR raster (VV/VH) of the same place, or leave SAR empty.")
        return tr("The DSM layer is the input itself. Choose a DSM or nDSM of the same place, or leave DSM empty.")
    try:
        from ..core.modalities import slot_modality
        from ..core.raster import open_raster, sample_is_slow
        from ..core.stack import check_overlap

        primary = open_raster(layer_file(input_layer), layer=layer_settings(input_layer))
        other = open_raster(layer_file(layer), layer=layer_settings(layer))
        check_overlap(primary, other)
        if modality is not None and not sample_is_slow(other):
            slot_modality(slot, {"input": primary, slot: other}, modality)
    except TerraPromptError as exc:
        return str(exc)
    except Exception:  # noqa: BLE001 - a file the run will name better (or a package missing): the run says it
        return ""
    return ""


def file_state(layer) -> Optional[tuple]:
    """What a check reading a layer's file depends on: its id, source, settings in QGIS and the file's modification time
    and size (None for no layer; no time or size for a source that is not a file)."""
    if layer is None:
        return None
    try:
        stat = os.stat(layer_file(layer))
        written = (stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError):
        written = None
    return layer.id(), layer.source(), layer_settings(layer), written


class LandcoverTab(ExtentChoice, QWidget):
    """Prompt-driven land-cover extraction for the chosen raster."""

    def __init__(self, iface, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.task: Optional[CoreTask] = None
        self.roles: Optional[set] = None  # the input's band roles (layer_changed)
        self.temp_dir: Optional[str] = None
        self.last_result = None
        self.result_for: Optional[tuple] = None
        """(input layer id, prompt) of the run the Result box speaks of; another input or prompt clears it."""
        self.run_for: Optional[tuple] = None
        self.input_refusal = ""
        """Why the chosen input cannot be read (its file is gone, its bands cannot be named); Run waits while it is set."""
        self.bands_task: Optional[CoreTask] = None  # the modality of a large raster, read off the main thread
        self.input_modality = None  # the input's modality once read (the SAR / DSM checks use it)
        self.slot_refusal = ""
        """Why the chosen SAR or DSM layer cannot be fused with the input; Run waits while it is set."""
        self.slots_checked: Optional[tuple] = None
        """(what the SAR / DSM check depends on, its lines): a recheck with nothing changed opens no raster."""
        self.output_note = ""  # what the done message adds about where the polygons went
        self.view_line = ""  # what the run's explanation adds about its extent (a rotated map's view)
        self.input_timer = QTimer(self)
        self.input_timer.setSingleShot(True)
        self.input_timer.setInterval(0)
        self.input_timer.timeout.connect(self.layer_changed)
        self.encoder_timer = QTimer(self)
        self.encoder_timer.setInterval(500)
        self.encoder_timer.timeout.connect(self._encoder_check)
        # the prompt is checked against the bands once layer changes have settled: a combo announces its new layer while
        # the project is still deleting layers, when asking the other combos for theirs could touch a deleted one
        self.recheck_timer = QTimer(self)
        self.recheck_timer.setSingleShot(True)
        self.recheck_timer.setInterval(0)
        self.recheck_timer.timeout.connect(self._recheck_prompt)
        self._build()
        self._narrow()
        self._restore()
        self._connect()
        self.layer_changed()
        self.prompt_changed(self.prompt_edit.text())

    # ---------------------------------------------------------------- building
    def _build(self) -> None:
        body = scroll_body(self)
        layout = QVBoxLayout(body)

        box = QGroupBox(tr("Input"), body)
        form = QFormLayout(box)
        self.layer_combo = QgsMapLayerComboBox(box)
        self.layer_combo.setObjectName("landcoverLayer")
        self.layer_combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
        self.layer_combo.setExcludedProviders([p for p in NON_FILE_PROVIDERS if p not in RENDERED_PROVIDERS])
        self.layer_combo.setAllowEmptyLayer(True)
        self.layer_combo.setToolTip(tr("The raster to segment (only raster layers are offered)."))
        form.addRow(tr("Raster"), self.layer_combo)
        self.modality_combo = QComboBox(box)
        self.modality_combo.setObjectName("landcoverModality")
        for key, label in modality_labels().items():
            self.modality_combo.addItem(label, key)
        self.modality_combo.setToolTip(tr("How to read the bands; detected automatically, override it when the guess is wrong."))
        form.addRow(tr("Modality"), self.modality_combo)
        self.bands_label = StatusLabel(box)
        self.bands_label.setObjectName("landcoverBands")
        self.bands_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        form.addRow(self.bands_label)
        layout.addWidget(box)

        self.extra_box = QgsCollapsibleGroupBox(tr("Extra layers (optional)"), body)
        self.extra_box.setObjectName("landcoverExtraLayers")
        form = QFormLayout(self.extra_box)
        self.sar_combo = self._optional_layer_combo(self.extra_box, "landcoverSar", tr("A SAR raster (VV/VH) of the same place, fused with the input."))
        form.addRow(tr("SAR"), self.sar_combo)
        self.dsm_combo = self._optional_layer_combo(self.extra_box, "landcoverDsm", tr("Heights (DSM / nDSM) of the same place, fused with the input."))
        form.addRow(tr("DSM"), self.dsm_combo)
        self.slot_status = StatusLabel(self.extra_box)
        self.slot_status.setObjectName("landcoverSlotStatus")
        self.slot_status.setVisible(False)
        form.addRow(self.slot_status)
        self.mask_combo = self._optional_layer_combo(self.extra_box, "landcoverCloudMask", cloud_mask_tip())
        form.addRow(tr("Cloud mask"), self.mask_combo)
        self.mask_status = StatusLabel(self.extra_box)
        self.mask_status.setObjectName("landcoverCloudMaskStatus")
        self.mask_status.setVisible(False)
        self.mask_refusal = ""
        """Why the chosen cloud mask cannot be used ('' when none is chosen or it fits); Run waits while it is set."""
        form.addRow(self.mask_status)
        self.extra_box.setSaveCollapsedState(False)
        self.extra_box.setCollapsed(True)
        layout.addWidget(self.extra_box)

        box = QGroupBox(tr("What to extract"), body)
        pl = QVBoxLayout(box)
        self.prompt_edit = QLineEdit(box)
        self.prompt_edit.setObjectName("landcoverPrompt")
        self.prompt_edit.setPlaceholderText(tr("e.g. lakes and rivers, vegetation except grass larger than 1 ha"))
        self.prompt_edit.setClearButtonEnabled(True)
        self.prompt_edit.setToolTip(prompt_help())
        pl.addWidget(self.prompt_edit)
        self.prompt_status = StatusLabel(box)
        self.prompt_status.setObjectName("landcoverPromptStatus")
        pl.addWidget(self.prompt_status)
        layout.addWidget(box)

        box = QGroupBox(tr("Options"), body)
        form = QFormLayout(box)
        self.engine_combo = QComboBox(box)
        self.engine_combo.setObjectName("landcoverEngine")
        for key, label in engine_labels().items():
            self.engine_combo.addItem(label, key)
        self.engine_combo.setToolTip(engine_help())
        form.addRow(tr("Engine"), self.engine_combo)
        self.device_combo = QComboBox(box)
        self.device_combo.setObjectName("landcoverDevice")
        for key, label in device_labels().items():
            self.device_combo.addItem(label, key)
        self.device_combo.setToolTip(tr("Where networks run; the explanation reports the device actually used."))
        form.addRow(tr("Device"), self.device_combo)
        form.addRow(tr("Extent"), self.extent_row(box, "landcover", tr(
            "The part of the layer to process, snapped to its pixels: the whole layer, the current map view or a rectangle "
            "drawn with Draw. A part gets the classes a run over the whole layer gives there (thresholds are fitted on the "
            "whole layer).")))
        out = QVBoxLayout()
        self.temp_radio = QRadioButton(tr("Temporary layers"), box)
        self.temp_radio.setToolTip(tr("Write to a temporary folder; the layers last until QGIS closes unless you save them."))
        self.temp_radio.setObjectName("landcoverTemporary")
        self.file_radio = QRadioButton(tr("File"), box)
        self.file_radio.setToolTip(output_file_tip())
        self.file_radio.setObjectName("landcoverToFile")
        self.output_group = QButtonGroup(self)
        self.output_group.addButton(self.temp_radio)
        self.output_group.addButton(self.file_radio)
        out.addWidget(self.temp_radio)
        frow = QHBoxLayout()
        frow.addWidget(self.file_radio)
        self.file_widget = QgsFileWidget(box)
        self.file_widget.setObjectName("landcoverOutputFile")
        self.file_widget.setStorageMode(QgsFileWidget.SaveFile)
        self.file_widget.setFilter(output_file_filter())
        self.file_widget.setDialogTitle(tr("Class raster or polygon file to write (the other goes next to it)"))
        self.file_widget.setToolTip(output_file_tip())
        frow.addWidget(self.file_widget, 1)
        self.output_file = settings.ProjectFile(self.file_widget, "landcover/output")
        out.addLayout(frow)
        form.addRow(tr("Output"), out)
        self.straight_check = QCheckBox(tr("Straight building outlines"), box)
        self.straight_check.setObjectName("landcoverStraight")
        self.straight_check.setToolTip(tr("Building polygons squared along each building's main direction (right angles), "
                                          "as footprints are drawn; other concepts keep their traced outlines."))
        form.addRow(self.straight_check)  # both columns: a checkbox does not wrap
        layout.addWidget(box)

        row = QHBoxLayout()
        self.run_button = QPushButton(tr("Run"), body)
        self.run_button.setObjectName("landcoverRun")
        self.run_button.setDefault(True)
        self.cancel_button = QPushButton(tr("Cancel"), body)
        self.cancel_button.setObjectName("landcoverCancel")
        self.cancel_button.setEnabled(False)
        row.addWidget(self.run_button)
        row.addWidget(self.cancel_button)
        self.progress = QProgressBar(body)
        self.progress.setObjectName("landcoverProgress")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setMinimumWidth(40)  # the bar shrinks in a narrow dock, the buttons keep their text
        row.addWidget(self.progress, 1)
        layout.addLayout(row)

        box = QGroupBox(tr("Result"), body)
        rl = QVBoxLayout(box)
        self.chart = AreaChart(box)
        rl.addWidget(self.chart)
        self.explanation = QPlainTextEdit(box)
        self.explanation.setObjectName("landcoverExplanation")
        self.explanation.setReadOnly(True)
        self.explanation.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        self.explanation.setPlaceholderText(tr("After a run: what was understood, which engine, bands and thresholds were used, and the area per class."))
        self.explanation.setMinimumHeight(140)
        rl.addWidget(self.explanation, 1)
        layout.addWidget(box, 1)

    def _optional_layer_combo(self, parent, name: str, tip: str) -> QgsMapLayerComboBox:
        combo = QgsMapLayerComboBox(parent)
        combo.setObjectName(name)
        combo.setFilters(QgsMapLayerProxyModel.RasterLayer)
        combo.setExcludedProviders(NON_FILE_PROVIDERS)
        combo.setAllowEmptyLayer(True)
        combo.setLayer(None)
        combo.setToolTip(tip)
        return combo

    def _narrow(self) -> None:
        """Let the dock be narrow: combos shrink and elide instead of widening the panel."""
        make_narrow(self)

    def _connect(self) -> None:
        self.layer_combo.layerChanged.connect(self.layer_changed)
        self.modality_combo.currentIndexChanged.connect(self.layer_changed)
        self.prompt_edit.textChanged.connect(self.prompt_changed)
        self.prompt_edit.returnPressed.connect(self.run_on_enter)
        for combo in (self.sar_combo, self.dsm_combo):  # extra bands may make the prompt possible (or the engine choice)
            combo.layerChanged.connect(self._schedule_recheck)
        self.mask_combo.layerChanged.connect(self.mask_changed)
        # a layer leaving the project: an optional slot (SAR, DSM, cloud mask) whose layer goes is emptied, not left on
        # the neighbour its combo moves to unannounced (QGIS 3.22); the input's bands are read again for the layer the
        # combo shows once the layers are gone and the combo has moved
        empty_when_removed(self.sar_combo, self.dsm_combo, self.mask_combo)
        on_removed(self.layer_combo, lambda _combo: self.input_timer.start())
        self.engine_combo.currentIndexChanged.connect(self._schedule_recheck)
        self.temp_radio.toggled.connect(self._output_mode_changed)
        self.run_button.clicked.connect(self.run)
        self.cancel_button.clicked.connect(self.cancel)
        for w in (self.modality_combo, self.engine_combo, self.device_combo, self.extent_combo):
            w.currentIndexChanged.connect(self.save_settings)
        self.prompt_edit.editingFinished.connect(self.save_settings)
        self.temp_radio.toggled.connect(self.save_settings)
        self.file_widget.fileChanged.connect(self.save_settings)
        self.layer_combo.layerChanged.connect(self.save_settings)
        self.straight_check.toggled.connect(self.save_settings)

    # ------------------------------------------------------------- settings
    def _restore(self) -> None:
        """Put back the choices of the last session."""
        self.prompt_edit.setText(str(settings.value("landcover/prompt", "water and vegetation")))
        self._select(self.modality_combo, settings.value("landcover/modality", "auto"))
        self._select(self.engine_combo, settings.value("landcover/engine", "auto"))
        self.select_extent_mode(settings.value("landcover/extent", "layer"))
        self.straight_check.setChecked(str(settings.value("landcover/straight", "false")) == "true")
        self.device = settings.DeviceChoice(self.device_combo, "landcover/device")
        to_file = str(settings.value("landcover/output_mode", "temporary")) == "file"
        (self.file_radio if to_file else self.temp_radio).setChecked(True)
        # the output file is not a QGIS setting: it belongs to the project it was chosen in (another project's run would
        # overwrite that project's results), so it is kept in that project's file and comes back with it alone
        self.output_file.restore()
        self._output_mode_changed()
        self._extent_mode_changed()
        source = str(settings.value("landcover/layer", ""))
        for layer in QgsProject.instance().mapLayers().values():
            if source and layer_file(layer) == source and self.layer_combo.findText(layer.name()) >= 0:
                self.layer_combo.setLayer(layer)
                break
        else:
            self._pick_first_layer()

    def _pick_first_layer(self) -> None:
        """Show the first raster QGIS could open when the input shows none or a broken one."""
        pick_valid_layer(self.layer_combo)

    @staticmethod
    def _select(combo: QComboBox, key) -> None:
        i = combo.findData(str(key))
        combo.setCurrentIndex(max(0, i))

    def save_settings(self, *_args) -> None:
        """Persist the tab's choices in QgsSettings."""
        settings.set_value("landcover/prompt", self.prompt_edit.text())
        settings.set_value("landcover/modality", self.modality_combo.currentData())
        settings.set_value("landcover/engine", self.engine_combo.currentData())
        settings.set_value("landcover/device", self.device_combo.currentData())  # not the Settings tab's default device
        settings.set_value("landcover/extent", self.extent_combo.currentData())
        settings.set_value("landcover/output_mode", "temporary" if self.temp_radio.isChecked() else "file")
        settings.set_value("landcover/straight", "true" if self.straight_check.isChecked() else "false")
        settings.set_value("landcover/layer", layer_file(self.layer_combo.currentLayer()))

    def apply_settings(self) -> None:
        """Follow the default device chosen in the Settings tab when it changed (a device chosen here is kept when only
        another setting, e.g. the thread count, changed); it is remembered like a choice made here."""
        self.device.follow()

    # ------------------------------------------------------------ reactions
    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self._pick_first_layer()

    def layer_changed(self, *_args) -> None:
        """Detect (or apply the chosen) modality, show the band mapping, and check the prompt against the bands."""
        self.roles = self._show_modality()
        if self.task is None:
            self.progress.setValue(0)  # the bar spoke of the last run, not of this input
        self._forget_result()
        self._update_run_button()
        self._schedule_recheck()

    def _schedule_recheck(self, *_args) -> None:
        """Check the prompt against the bands once the event loop is back (see recheck_timer)."""
        self.recheck_timer.start()

    def _recheck_prompt(self) -> None:
        """Check the SAR and DSM layers and the prompt again against the bands (after a layer, SAR, DSM or engine
        change)."""
        self.check_slots()
        self.prompt_changed(self.prompt_edit.text())

    def check_slots(self) -> None:
        """Say at once when the SAR or DSM layer cannot be fused with the input (the input itself, another place, another
        kind of raster); Run waits for another choice, as for the cloud mask."""
        input_layer = None if self.input_refusal else self.layer_combo.currentLayer()  # an unreadable input is said above
        sar, dsm = self.sar_combo.currentLayer(), self.dsm_combo.currentLayer()
        modality = self.input_modality
        key = (file_state(input_layer), file_state(sar), file_state(dsm), self.modality_combo.currentData(),
               None if modality is None else (modality.name, tuple(sorted(modality.roles.items()))))
        if self.slots_checked is None or self.slots_checked[0] != key:  # the headers are read on the GUI thread
            self.slots_checked = key, [line for line in (describe_slot("sar", sar, input_layer, modality),
                                                         describe_slot("dsm", dsm, input_layer, modality)) if line]
        lines = self.slots_checked[1]
        self.slot_refusal = " ".join(lines)
        self.slot_status.setVisible(bool(lines))
        self.slot_status.setText(status_html(self.slot_refusal, False, self.slot_status) if lines else "")
        if lines:
            self.extra_box.setCollapsed(False)
        self._update_run_button()

    def input_roles(self) -> Optional[set]:
        """The band roles a run would have: the input's, SAR and heights when those layers are chosen (None: unknown)."""
        if not self.roles:
            return None
        extra = ({"vv", "vh"} if self.sar_combo.currentLayer() is not None else set()) | (
            {"height"} if self.dsm_combo.currentLayer() is not None else set())
        return set(self.roles) | extra

    def _show_modality(self) -> Optional[set]:
        """Show the input's modality and band mapping; its band roles (red, green, blue for a rendered web layer), or
        None when unknown."""
        from ..core.modalities import resolve_modality
        from ..core.raster import open_raster, pixel_size_m, sample_is_slow

        if self.bands_task is not None:  # the bands of a layer no longer chosen
            self.bands_task.detach()
            self.bands_task = None
        layer = self.layer_combo.currentLayer()
        self.pixel_m = None
        self.input_refusal = ""
        self.input_modality = None
        self.modality_combo.setItemText(0, modality_labels()["auto"])  # 'Auto: …' comes back once the bands are read
        if layer is None:
            self.bands_label.setText(tr("Choose a raster layer."))
            return None
        choice = self.modality_combo.currentData() or "auto"
        from .snapshot import is_file_raster, missing_file_message

        gone = missing_file_message(layer)
        if gone:
            self._show_bands_error(gone)
            return None
        if not is_file_raster(layer):
            self.bands_label.setText(escape(tr("{name} is not a file ({provider} layer): the view is rendered as it draws "
                                              "(red, green, blue) at the map's resolution when you run; the extent is the "
                                              "map view or a drawn rectangle.").format(name=layer.name(), provider=layer.providerType())))
            return {"red", "green", "blue"}
        try:
            src = open_raster(layer_file(layer), layer=layer_settings(layer))
            self.pixel_m = pixel_size_m(src.grid)
            if sample_is_slow(src):
                self._read_bands_in_background(src, choice, layer.name())
                return None
            modality = resolve_modality(src, choice)
        except Exception as exc:  # noqa: BLE001 - show, do not crash the dock
            self._show_bands_error(exc)
            return None
        return self._show_bands(modality, choice)

    def _show_bands_error(self, exc) -> None:
        """Show why the input's bands cannot be read or named (in red, a message or an exception); Run waits for another
        input or modality."""
        from ..core.errors import TerraPromptError

        text = exc if isinstance(exc, str) else str(exc) if isinstance(exc, TerraPromptError) else error_message(exc)
        self.input_refusal = text
        self.bands_label.setText(status_html(text, False, self.bands_label))
        self._update_run_button()

    def _read_bands_in_background(self, src, choice: str, name: str) -> None:
        """Detect the modality of a raster whose statistics take seconds (large, no overviews) in a task, so choosing it
        does not freeze QGIS; the prompt is checked against its bands when they are known."""
        from ..core.modalities import resolve_modality

        self.bands_label.setText(escape(tr("Reading the bands of {name} (a large raster without overviews; building them, "
                                          "Raster › Miscellaneous › Build Overviews, makes this faster)…").format(name=name)))
        self.bands_task = start_task(CoreTask(tr("TerraPrompt: reading the bands of {name}").format(name=name),
                                              lambda progress, is_cancelled: resolve_modality(src, choice),
                                              lambda modality, error: self._bands_read(modality, error, choice)))

    def _bands_read(self, modality, error, choice: str) -> None:
        """The background read is done: show the bands and check the prompt against them (a read for a layer no longer
        chosen was detached and never gets here)."""
        self.bands_task = None
        if error is not None:
            self._show_bands_error(error)
            return
        self.roles = self._show_bands(modality, choice)
        self._schedule_recheck()

    def _show_bands(self, modality, choice: str) -> set:
        """Show a modality and its band mapping; its band roles."""
        self.input_modality = modality
        if choice == "auto":
            self.modality_combo.setItemText(0, tr("Auto: {label}").format(label=modality.label))
        bands = ", ".join(f"{role}={i}" for role, i in sorted(modality.roles.items(), key=lambda kv: kv[1]))
        self.bands_label.setText(f"<b>{escape(modality.label)}</b> ({escape(modality.reason)})<br>"
                                 + escape(tr("Bands: {bands}").format(bands=bands)))
        return set(modality.roles)

    def mask_changed(self, layer) -> None:
        """Say, as soon as a cloud mask is chosen, which product it is or why it cannot be one (Run waits for a fit)."""
        ok, line = describe_mask(layer)
        self.mask_refusal = "" if ok else line
        self.mask_status.setVisible(bool(line))
        self.mask_status.setText(status_html(line, ok, self.mask_status) if line else "")
        self._update_run_button()

    def _update_run_button(self) -> None:
        """Run is enabled when the prompt fits, the input, SAR, DSM and cloud mask can be used, and no run is going on."""
        self.run_button.setEnabled(getattr(self, "prompt_ok", False) and not self.mask_refusal and not self.input_refusal
                                   and not self.slot_refusal and self.task is None)

    def run_on_enter(self) -> Optional[CoreTask]:
        """Enter in the prompt starts the run when Run is enabled (setDefault works in dialogs only)."""
        return self.run() if self.run_button.isEnabled() else None

    def _current_key(self) -> tuple:
        """(input layer id, prompt) as chosen now: what a run would be about."""
        layer = self.layer_combo.currentLayer()
        return (layer.id() if layer is not None else "", self.prompt_edit.text().strip())

    def _forget_result(self) -> None:
        """Clear the Result box when it speaks of another input or prompt than the ones chosen now."""
        if self.task is None and self.result_for is not None and self.result_for != self._current_key():
            self.result_for = None
            self.chart.clear()
            self.explanation.clear()

    def prompt_changed(self, text: str) -> None:
        """Show, as the analyst types, what the prompt resolves to (or why it does not)."""
        from ..core.prompts import encoder_ready, normalise, parse_height_range

        roles = self.input_roles()
        ok, line = describe_prompt(text, roles, self.engine_combo.currentData() or "auto", getattr(self, "pixel_m", None))
        if not ok and roles and describe_prompt(text)[0]:
            self.extra_box.setCollapsed(False)  # the bands are what is missing: show where a DSM or SAR layer goes
        if ok and roles is None and self.dsm_combo.currentLayer() is None and any(parse_height_range(normalise(text))[:2]):
            # a height range needs heights: show where to give them (a single-band DSM as the input also does)
            self.extra_box.setCollapsed(False)
            line += "; " + tr("choose the DSM below, unless the input itself is a DSM")
        if not encoder_ready() and not self.encoder_timer.isActive():
            self.encoder_timer.start()  # say it again once matching by meaning is available
        self.prompt_status.setText(status_html(line, ok, self.prompt_status))
        self.prompt_ok = ok
        self._forget_result()
        self._update_run_button()

    def _encoder_check(self) -> None:
        """Refresh the prompt feedback when the background encoder load has finished."""
        from ..core.prompts import encoder_ready

        if encoder_ready():
            self.encoder_timer.stop()
            self.prompt_changed(self.prompt_edit.text())

    def _output_mode_changed(self, *_args) -> None:
        self.file_widget.setEnabled(self.file_radio.isChecked())

    # ------------------------------------------------------------------ run
    def output_paths(self) -> tuple[str, str]:
        """(class raster, polygons) paths: a fresh temporary folder or next to the chosen file. Polygons going to an
        existing GeoPackage that holds other layers are written into it as a layer of their own, the others kept."""
        self.output_note = ""
        if self.temp_radio.isChecked():
            self.temp_dir = tempfile.mkdtemp(prefix="terraprompt-", dir=QgsProcessingUtils.tempFolder())
            return os.path.join(self.temp_dir, "landcover.tif"), os.path.join(self.temp_dir, "landcover.gpkg")
        path = self.file_widget.filePath().strip()
        if not path:
            raise ValueError(tr("No output file is chosen. Pick a .tif file, or choose Temporary layers."))
        root, ext = os.path.splitext(path)
        if ext.lower() in VECTOR_EXTENSIONS:  # the polygons' file given in a format of its own: the raster goes beside it,
            return root + "_classes.tif", path  # named apart so each keeps its own <stem>.qml style
        if ext.lower() == ".gpkg":  # the polygons' name given: the class raster goes beside it
            ext = ".tif"
        elif ext.lower() not in (".tif", ".tiff"):
            root, ext = path, ".tif"
        return root + ext, self._polygons_path(root + ".gpkg")

    def _polygons_path(self, gpkg: str) -> str:
        """The polygons' output in ``gpkg``: the file itself, or a layer of it named after the prompt when the file holds
        other layers (writing the whole file would delete them)."""
        from ..core.writers import gpkg_tables

        try:
            tables = gpkg_tables(gpkg).values() if os.path.isfile(gpkg) else ()
        except (OSError, ValueError):  # no GeoPackage: the output check names the problem
            tables = ()
        others = [name for name, _ in tables if name not in (OWN_LAYER, "layer_styles")]  # QGIS's saved styles: ours
        if not others:
            return gpkg
        layer = prompt_layer_name(self.prompt_edit.text())
        self.output_note = tr("The polygons were written into {file} as its layer '{layer}'; the file's other layers "
                              "were kept.").format(file=os.path.basename(gpkg), layer=layer)
        return f"{gpkg}|layername={layer}"

    def _check_outputs_free(self, *paths: str) -> None:
        """Refuse outputs that a project layer other than an earlier TerraPrompt result reads: the run would overwrite
        the analyst's data (and its layer would be replaced)."""
        from .layers import foreign_layers_of

        if self.temp_radio.isChecked():
            return
        foreign = foreign_layers_of(paths)
        if foreign:
            layer = foreign[0]
            if layer.id() == self._current_key()[0]:
                raise ValueError(tr("The output {file} is the input raster; inputs are never overwritten. Choose another "
                                    "output file name.").format(file=os.path.basename(layer.source().split("|")[0])))
            raise ValueError(tr("The output {file} is the file of the layer '{layer}' in the project, which is not a "
                                "TerraPrompt result: the run would overwrite it. Choose another output file name.").format(
                file=os.path.basename(layer.source().split("|")[0]), layer=layer.name()))

    def build_request(self):
        """The ExtractRequest for the current choices (raises ValueError with a message for the analyst)."""
        from ..core.landcover.extract import ExtractRequest

        layer = self.layer_combo.currentLayer()
        if layer is None:
            raise ValueError(tr("No raster layer is chosen. Add a raster to the project and pick it under Input."))
        if self.input_refusal:
            raise ValueError(self.input_refusal)
        if not self.prompt_ok:
            raise ValueError(describe_prompt(self.prompt_edit.text(), self.input_roles(), self.engine_combo.currentData() or "auto",
                                             getattr(self, "pixel_m", None))[1])
        if self.mask_refusal:
            raise ValueError(self.mask_refusal)
        if self.slot_refusal:
            raise ValueError(self.slot_refusal)
        check_files(layer, self.sar_combo.currentLayer(), self.dsm_combo.currentLayer(), self.mask_combo.currentLayer())
        extent = self.extent_in_layer_crs(layer)
        if extent is not None and is_file_raster(layer) and not QgsRectangle(*extent).intersects(layer.extent()):
            raise ValueError(tr("The chosen extent does not overlap {name}. Choose a map view or a rectangle over the raster, "
                                "or Whole layer.").format(name=layer.name()))
        raster, vector = self.output_paths()
        self._check_outputs_free(raster, vector)
        return ExtractRequest(
            input=layer_file(layer), prompt=self.prompt_edit.text(), output_raster=raster, output_vector=vector,
            modality=self.modality_combo.currentData(),
            sar_input=layer_file(self.sar_combo.currentLayer()) or None,
            dsm_input=layer_file(self.dsm_combo.currentLayer()) or None,
            cloud_mask_input=layer_file(self.mask_combo.currentLayer()) or None,
            engine=self.engine_combo.currentData(), device=self.device_combo.currentData(),
            extent=extent, tiles=settings.tile_spec(), straight_outlines=self.straight_check.isChecked(),
            layers=settings_by_path(layer, self.sar_combo.currentLayer(), self.dsm_combo.currentLayer(),
                                    self.mask_combo.currentLayer()))

    def run(self) -> Optional[CoreTask]:
        """Start extract_landcover in a QgsTask; returns the task (None when the choices are not valid)."""
        from ..core.landcover.extract import extract_landcover

        if self.task is not None:
            return self.task
        self.save_settings()
        from .snapshot import rendered, view_rendering

        layer = self.layer_combo.currentLayer()
        try:
            req = self.build_request()
            # a web layer's view (the chosen rectangle or the map view; 'layer' would be the whole world for tiles)
            render, folder = view_rendering(self.iface.mapCanvas(), layer, QgsRectangle(*req.extent) if req.extent else None)
        except ValueError as exc:
            self._discard_temp()
            self._message(str(exc), Qgis.Warning)
            self.chart.clear()  # the Result box says why this run was refused, not what another run gave
            self.explanation.setPlainText(str(exc))
            self.result_for = self._current_key()
            return None
        self.request = req
        self.view_line = self.view_note()
        self.layer_name = layer.name()
        self.input_ids = [lyr.id() for lyr in (layer, self.sar_combo.currentLayer(), self.dsm_combo.currentLayer()) if lyr]
        self.run_for = self._current_key()

        def work(progress, is_cancelled):
            with rendered(render, folder, req.input) as path:
                if render is not None:  # the rendered view is the whole input
                    req.input, req.extent = path, None
                return extract_landcover(req, progress, is_cancelled)

        self.task = CoreTask(tr("TerraPrompt: {prompt}").format(prompt=req.prompt), work, self._finished)
        self.task.progressChanged.connect(self._progress)
        self._set_running(True)
        self.explanation.setPlainText("\n\n".join(t for t in (tr("Running ..."), self.view_line) if t))
        self.chart.clear()
        QgsMessageLog.logMessage(tr("Land cover started: '{prompt}' on {layer}").format(prompt=req.prompt, layer=req.input), LOG_TAG, Qgis.Info)
        return start_task(self.task)

    def cancel(self) -> None:
        """Ask the running task to stop; it removes its partial outputs."""
        if self.task is not None:
            self.cancel_button.setEnabled(False)
            self.explanation.setPlainText(tr("Cancelling ..."))
            self.task.cancel()

    def project_cleared(self) -> None:
        """New or Open project: a run into temporary layers stops (they would belong to no project); a run into a chosen
        file goes on and writes it (its layers are not added to the new project)."""
        if self.task is not None and self.temp_dir is not None:
            self.task.stop_for_new_project(self.cancel)
        if self.file_widget.filePath().strip():  # the old project's file: a run here would overwrite its results
            self.output_file.show("")
            self.explanation.setPlainText(tr("New project: the output file was emptied, so that a run here does not "
                                             "overwrite the previous project's results. Choose an output file, or "
                                             "Temporary layers."))

    def project_read(self) -> None:
        """A project was opened: the input is its first raster QGIS could open, unless a readable one is chosen, and the
        output file is the one chosen in that project (kept in its file) when its folder is still there."""
        self._pick_first_layer()
        path = self.output_file.restore()
        if path:
            self.explanation.setPlainText(tr("This project's output file is chosen again: {file}").format(file=path))

    def project_writing(self) -> None:
        """The project is being saved: its output file is kept in it relative to where it is saved."""
        self.output_file.store()

    def _progress(self, value: float) -> None:
        self.progress.setValue(int(value))

    def _set_running(self, running: bool) -> None:
        self.cancel_button.setEnabled(running)
        self.run_button.setEnabled(False)
        if not running:
            self.progress.setValue(0)
            self._update_run_button()
        if not running:
            self.progress.setValue(0)

    def _finished(self, result, error: Optional[BaseException]) -> None:
        """Main thread: add layers, show explanation and chart, or report the failure."""
        from ..core.errors import Cancelled

        from .layers import add_result_layers, concept_style

        task, self.task = self.task, None
        self._set_running(False)
        self.result_for = self.run_for
        replaced = task.project_replaced()  # New / Open project during the run
        if task.stopped_by_new_project(error) or (error is None and replaced and self.temp_dir is not None):
            self._discard_temp()  # temporary layers of a project that is gone
            text = tr("Stopped: the project was replaced (New or Open project) during the run. Its temporary layers "
                      "would belong to no project, so nothing was kept.")
            self.explanation.setPlainText(text)
            self._message(text, Qgis.Info)
            return
        if error is not None:
            self._discard_temp()
            self.explanation.setPlainText(error_message(error))
            if isinstance(error, Cancelled):
                self._message(tr("Cancelled. No output was written."), Qgis.Info)
            else:
                self._message(error_message(error), Qgis.Critical)
            return
        self.temp_dir = None
        self.last_result = result
        self.progress.setValue(100)
        self.show_result(result)
        if replaced:
            self._message(tr("The project was replaced during the run: its files were written ({path}) but not added to "
                             "the new project.").format(path=result.output_raster), Qgis.Warning)
            return

        try:
            notes = add_result_layers(result.output_raster, result.classes, result.output_vector, result.explanation,
                                      name=tr("{prompt} on {layer}").format(prompt=self.request.prompt, layer=self.layer_name),
                                      above=self.input_ids)  # drawn over the rasters it was computed on
        except Exception as exc:  # noqa: BLE001 - the files exist; say why they were not added
            self._message(error_message(exc), Qgis.Critical)
            return
        total = sum(result.areas_m2.values())
        done = tr("Land cover done: {classes} ({area} classified).").format(
            classes=", ".join(concept_style(c)[0] for c in result.classes.values()), area=_fmt_area(total))
        self._message(" ".join(t for t in (done, self.view_line, self.output_note, *notes) if t),
                      Qgis.Warning if notes or self.view_line else Qgis.Success)
        QgsMessageLog.logMessage(result.explanation, LOG_TAG, Qgis.Info)

    def show_result(self, result) -> None:
        """Fill the explanation box and the area chart."""
        from .layers import concept_style

        self.explanation.setPlainText("\n\n".join(t for t in (self.view_line, result.explanation) if t))
        rows = []
        for _value, concept in sorted(result.classes.items()):
            label, color = concept_style(concept)
            rows.append((label, float(result.areas_m2.get(concept, 0.0)), color))
        self.chart.set_data(rows, result.valid_area_m2)

    def _discard_temp(self) -> None:
        if self.temp_dir:
            shutil.rmtree(self.temp_dir, ignore_errors=True)
            self.temp_dir = None

    def _message(self, text: str, level) -> None:
        """Message bar and log."""
        notify(self.iface, text, level)

    def shutdown(self) -> None:
        """Cancel a running task (its outputs are removed) and release the map tool."""
        self.encoder_timer.stop()
        self.input_timer.stop()
        if self.bands_task is not None:
            self.bands_task.detach()
            self.bands_task = None
        if self.task is not None:
            task, self.task = self.task, None
            task.detach()
            task.waitForFinished(10000)
            self._discard_temp()
        self.release_extent_tool()


def _fmt_area(m2: float) -> str:
    from .chart import format_area

    return format_area(m2)

