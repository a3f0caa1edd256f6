"""Settings tab: default device, CPU threads, tile size/overlap, and the honest device report."""
from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import pyqtSignal
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from . import settings
from .dock import make_narrow, scroll_body
from .tasks import CoreTask, start_task


def device_labels() -> dict[str, str]:
    """Translated labels of the device choices."""
    return {"auto": tr("Automatic (GPU when available)"), "cpu": tr("CPU"), "cuda": tr("CUDA GPU")}


def device_report_text(device: str) -> str:
    """What each runtime would really use for a device choice, and why (imports torch: seconds the first time)."""
    from ..core.runtime import numpy_device, onnx_providers, torch_device

    lines = [tr("Requested device: {device}").format(device=device)]
    _providers, onnx = onnx_providers(device)
    lines.append(tr("onnxruntime (network engines): {report}").format(report=onnx))
    lines.append(tr("torch: {report}").format(report=torch_device(device)))
    lines.append(tr("Spectral engine: {report}").format(report=numpy_device(device)))
    return "\n".join(lines)


class SettingsTab(QWidget):
    """Defaults shared by every tab; changes are saved at once and announced with settings_changed."""

    settings_changed = pyqtSignal()

    def __init__(self, iface, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self._report_done = False
        self.report_task: Optional[CoreTask] = None  # the device report, built off the main thread
        body = scroll_body(self)
        layout = QVBoxLayout(body)
        box = QGroupBox(tr("Processing"), body)
        form = QFormLayout(box)
        self.device_combo = QComboBox(box)
        self.device_combo.setObjectName("settingsDevice")
        for key, label in device_labels().items():
            self.device_combo.addItem(label, key)
        self.device_combo.setToolTip(tr("Where networks run by default. The explanation of each run says what was really used."))
        form.addRow(tr("Default device"), self.device_combo)
        self.threads_spin = QSpinBox(box)
        self.threads_spin.setObjectName("settingsThreads")
        self.threads_spin.setRange(0, 256)
        self.threads_spin.setSpecialValueText(tr("Automatic"))
        self.threads_spin.setToolTip(tr("CPU threads for engines; Automatic uses TERRAPROMPT_THREADS when set, else all cores."))
        form.addRow(tr("CPU threads"), self.threads_spin)
        self.tile_spin = QSpinBox(box)
        self.tile_spin.setObjectName("settingsTileSize")
        self.tile_spin.setRange(64, 4096)
        self.tile_spin.setSingleStep(64)
        self.tile_spin.setSuffix(tr(" px"))
        self.tile_spin.setToolTip(tr("Tile edge in pixels; memory use grows with it, not with the raster size."))
        form.addRow(tr("Tile size"), self.tile_spin)
        self.overlap_spin = QSpinBox(box)
        self.overlap_spin.setObjectName("settingsTileOverlap")
        self.overlap_spin.setRange(settings.MIN_TILE_OVERLAP, 2048)
        self.overlap_spin.setSingleStep(8)
        self.overlap_spin.setSuffix(tr(" px"))
        self.overlap_spin.setToolTip(tr("Overlap between tiles, blended so no seams show: at least {min} px (with less, "
                                        "networks and texture rules change classes along tile borders), at most half the "
                                        "tile size.").format(min=settings.MIN_TILE_OVERLAP))
        form.addRow(tr("Tile overlap"), self.overlap_spin)
        layout.addWidget(box)

        report_box = QGroupBox(tr("Devices"), body)
        rl = QVBoxLayout(report_box)
        self.report = QPlainTextEdit(report_box)
        self.report.setObjectName("settingsDeviceReport")
        self.report.setReadOnly(True)
        self.report.setPlaceholderText(tr("Checking the available devices ..."))
        self.report.setMinimumHeight(120)
        rl.addWidget(self.report)
        self.refresh_button = QPushButton(tr("Check devices again"), report_box)
        self.refresh_button.clicked.connect(self.refresh_report)
        rl.addWidget(self.refresh_button)
        layout.addWidget(report_box, 1)
        make_narrow(self)

        self.load()
        self.device_combo.currentIndexChanged.connect(self.save)
        self.threads_spin.valueChanged.connect(self.save)
        self.tile_spin.valueChanged.connect(self.save)
        self.overlap_spin.valueChanged.connect(self.save)

    def load(self) -> None:
        """Show the saved settings (without re-saving them)."""
        widgets = (self.device_combo, self.threads_spin, self.tile_spin, self.overlap_spin)
        for w in widgets:
            w.blockSignals(True)
        try:
            i = self.device_combo.findData(str(settings.value("device")))
            self.device_combo.setCurrentIndex(max(0, i))
            self.threads_spin.setValue(int(settings.value("threads", type_=int)))
            self.tile_spin.setValue(int(settings.value("tile_size", type_=int)))
            self.overlap_spin.setMaximum(self.tile_spin.value() // 2)
            self.overlap_spin.setValue(int(settings.value("tile_overlap", type_=int)))
        finally:
            for w in widgets:
                w.blockSignals(False)
        settings.apply_threads()

    def save(self, *_args) -> None:
        """Persist every field, keep the overlap at most half a tile, and tell the other tabs."""
        self.overlap_spin.setMaximum(self.tile_spin.value() // 2)
        settings.set_value("device", self.device_combo.currentData())
        settings.set_value("threads", self.threads_spin.value())
        settings.set_value("tile_size", self.tile_spin.value())
        settings.set_value("tile_overlap", self.overlap_spin.value())
        settings.apply_threads()
        if self._report_done:
            self.refresh_report()
        self.settings_changed.emit()

    def showEvent(self, event) -> None:  # noqa: N802
        """Probe the devices the first time the tab is shown (torch is slow to import)."""
        super().showEvent(event)
        self.load()
        if not self._report_done:
            self.refresh_report()

    def refresh_report(self) -> CoreTask:
        """Rebuild the device report from what the runtimes really offer, in a task (importing torch takes seconds, which
        froze the panel the first time the tab was shown)."""
        self._report_done = True
        if self.report_task is not None:  # a newer choice: its report replaces the one on its way
            self.report_task.detach()
        device = str(settings.value("device"))
        self.report.setPlainText(tr("Checking what the runtimes offer…"))
        self.report_task = start_task(CoreTask(tr("TerraPrompt: checking devices"),
                                               lambda progress, is_cancelled: device_report_text(device), self._reported))
        return self.report_task

    def _reported(self, text, error) -> None:
        """Show the device report (or why it failed); a report replaced by a newer one was detached and never gets here."""
        self.report_task = None
        self.report.setPlainText(text if error is None else tr("The device check failed: {error}").format(error=error))

    def apply_settings(self) -> None:
        """Nothing to do: this tab is the source of the settings."""

    def shutdown(self) -> None:
        """Forget a device report on its way."""
        if self.report_task is not None:
            self.report_task.detach()
            self.report_task = None
