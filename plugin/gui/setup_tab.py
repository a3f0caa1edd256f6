"""Setup tab: which dependencies are missing and what needs them, the installer, and diagnostics.

Imports only the standard-library parts of the core, so it works in a QGIS
that has none of TerraPrompt's Python packages yet.
"""
from __future__ import annotations

import os

from qgis.core import QgsSettings
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QObject, pyqtSignal
from qgis.PyQt.QtWidgets import (
    QApplication,
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..i18n import tr
from .dock import make_narrow, scroll_body
from .tasks import CoreTask, error_message, start_task


class _LineSignal(QObject):
    """Carries pip's output lines from the worker thread to the log widget (queued signal)."""

    line = pyqtSignal(str)


def qgis_proxy_url() -> str:
    """The proxy configured in QGIS's network settings as a pip --proxy URL ('' when none); user and password are
    percent-encoded (a domain user CORP\\jdoe or a password with @ : / would otherwise break the URL)."""
    from urllib.parse import quote

    s = QgsSettings()
    if str(s.value("proxy/proxyEnabled", "false")).lower() != "true":
        return ""
    host, port = s.value("proxy/proxyHost", ""), s.value("proxy/proxyPort", "")
    if not host:
        return ""
    user, pwd = s.value("proxy/proxyUser", ""), s.value("proxy/proxyPassword", "")
    auth = f"{quote(str(user), safe='')}:{quote(str(pwd or ''), safe='')}@" if user else ""
    return f"http://{auth}{host}" + (f":{port}" if port else "")


class SetupTab(QWidget):
    """Dependency status, 'Install dependencies' (PyPI or offline wheelhouse, CPU/CUDA) and the diagnostics report."""

    installed = pyqtSignal()
    """Emitted after an installation that left nothing required missing (the dock then builds the tabs that needed it)."""

    def __init__(self, iface, parent=None) -> None:
        super().__init__(parent)
        self.iface = iface
        self.task = None
        self.diag_task = None  # the diagnostics report, built off the main thread
        self._signal = _LineSignal()
        self._signal.line.connect(self._append_log)
        body = scroll_body(self)  # a narrow or short dock scrolls this tab instead of growing
        lay = QVBoxLayout(body)

        self.status = QLabel(self)
        self.status.setObjectName("setupStatus")
        self.status.setWordWrap(True)
        lay.addWidget(self.status)

        box = QGroupBox(tr("Install dependencies"), self)
        bl = QVBoxLayout(box)
        # short labels (a radio button does not wrap: a long one sets the dock's width), the details in tooltips
        self.from_pypi = QRadioButton(tr("From the internet (PyPI)"), box)
        self.from_pypi.setToolTip(tr("Download the packages from PyPI; QGIS's proxy settings apply."))
        self.from_wheelhouse = QRadioButton(tr("From an offline wheelhouse"), box)
        self.from_wheelhouse.setToolTip(tr("A folder or .zip of wheel files, for a computer without internet."))
        self.from_pypi.setChecked(True)
        self.wheelhouse = QgsFileWidget(box)
        self.wheelhouse.setStorageMode(QgsFileWidget.GetFile)
        self.wheelhouse.setFilter(tr("Wheelhouse (*.zip)"))
        self.wheelhouse.setEnabled(False)
        self.from_wheelhouse.toggled.connect(self.wheelhouse.setEnabled)
        self.wheelhouse_folder = QToolButton(box)  # the file dialog picks a .zip; this one a folder of wheels
        self.wheelhouse_folder.setObjectName("setupWheelhouseFolder")
        self.wheelhouse_folder.setText(tr("Folder…"))
        self.wheelhouse_folder.setToolTip(tr("Choose a folder of wheel files instead of a .zip."))
        self.wheelhouse_folder.setEnabled(False)
        self.from_wheelhouse.toggled.connect(self.wheelhouse_folder.setEnabled)
        self.wheelhouse_folder.clicked.connect(self.choose_wheelhouse_folder)
        wrow = QHBoxLayout()
        wrow.addWidget(self.wheelhouse, 1)
        wrow.addWidget(self.wheelhouse_folder)
        self.cuda = QCheckBox(tr("CUDA build (NVIDIA GPU)"), box)
        self.cuda.setObjectName("setupCuda")
        self.install_btn = QPushButton(tr("Install dependencies"), box)
        self.install_btn.setObjectName("setupInstall")
        self.cancel_btn = QPushButton(tr("Cancel"), box)
        self.cancel_btn.setEnabled(False)
        self.progress = QProgressBar(box)
        self.progress.setMinimumWidth(40)
        row = QHBoxLayout()  # the progress beside Cancel, Install on its own line: one row was too wide for a narrow dock
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_btn)
        self.log = QPlainTextEdit(box)
        self.log.setObjectName("setupLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.log.setMinimumHeight(100)
        self.clean_btn = QPushButton(tr("Delete old dependency folders"), box)
        self.clean_btn.setObjectName("setupDeleteStale")
        self.clean_btn.setToolTip(tr("Folders installed for the Python of an earlier QGIS version. Keep them if another "
                                     "QGIS version still uses this profile."))
        self.clean_btn.setVisible(False)
        bl.addWidget(self.from_pypi)
        bl.addWidget(self.from_wheelhouse)
        bl.addLayout(wrow)
        bl.addWidget(self.cuda)
        bl.addWidget(self.install_btn)
        bl.addWidget(self.clean_btn)
        bl.addLayout(row)
        bl.addWidget(self.log)
        lay.addWidget(box)

        drow = QHBoxLayout()
        self.diag_btn = QPushButton(tr("Diagnostics"), self)
        self.diag_btn.setObjectName("setupDiagnostics")
        self.copy_btn = QPushButton(tr("Copy report"), self)
        drow.addWidget(self.diag_btn)
        drow.addWidget(self.copy_btn)
        lay.addLayout(drow)
        self.report = QPlainTextEdit(self)
        self.report.setObjectName("setupReport")
        self.report.setReadOnly(True)
        self.report.setMinimumHeight(120)
        lay.addWidget(self.report)

        self.install_btn.clicked.connect(self.install)
        self.cancel_btn.clicked.connect(self.cancel)
        self.clean_btn.clicked.connect(self.delete_stale)
        self.diag_btn.clicked.connect(self.show_diagnostics)
        self.copy_btn.clicked.connect(lambda: QApplication.clipboard().setText(self.report.toPlainText()))
        self.refresh()
        make_narrow(self)

    def refresh(self) -> list:
        """Re-check the dependencies and show what is missing and what needs it."""
        from ..bootstrap import profile_dir
        from ..core import deps

        statuses = deps.check_all()
        missing = deps.missing(statuses)
        lines = []
        if missing:
            lines.append(tr("Missing Python packages:"))
            lines += ["• " + l for l in deps.capability_summary(missing)]
        else:
            lines.append(tr("All required Python packages are available."))
        for st in deps.missing(statuses, include_optional=True):
            if st.optional:
                lines.append("• " + tr("{name} (optional) is not installed — needed for: {what}").format(name=st.name, what=", ".join(st.needed_for)))
        stale = deps.stale_private_folders(profile_dir())
        for path in stale:
            if missing:
                lines.append(tr("A dependency folder for another Python version exists ({path}): QGIS was upgraded; install the dependencies again.").format(path=path))
            else:
                lines.append(tr("A dependency folder for another Python version is no longer used ({path}).").format(path=path))
        self.clean_btn.setVisible(bool(stale) and not missing)
        driver = deps.nvidia_driver_present()
        self.cuda.setEnabled(driver)
        self.cuda.setToolTip(tr("An NVIDIA driver was found.") if driver else tr("No NVIDIA driver was found: the CPU build will be installed."))
        self.status.setText("\n".join(lines))
        return missing

    def delete_stale(self) -> list:
        """Delete the dependency folders of other Pythons (and the installer's leftovers); returns what could not be."""
        from ..bootstrap import STATE, profile_dir
        from ..core import deps

        left = deps.remove_old_private_folders(profile_dir())
        STATE["stale"] = deps.stale_private_folders(profile_dir())
        self._append_log(tr("Old dependency folders deleted.") if not left
                         else tr("Could not delete: {paths}").format(paths=", ".join(left)))
        self.refresh()
        return left

    def install(self) -> None:
        """Plan and start the pip install in a QgsTask."""
        from ..bootstrap import profile_dir
        from ..core import installer
        from ..core.errors import TerraPromptError

        wheelhouse = self.wheelhouse.filePath().strip() if self.from_wheelhouse.isChecked() else None
        if wheelhouse == "":  # offline chosen but no wheelhouse: never fall back to PyPI
            self._append_log(tr("Choose the wheelhouse first: the .zip or folder made by 'make wheelhouse' (or "
                                "choose 'From the internet (PyPI)')."))
            self.wheelhouse.setFocus()
            return
        try:
            plan = installer.plan_install(profile_dir(), wheelhouse=wheelhouse, cuda=self.cuda.isChecked(), proxy=qgis_proxy_url() or None)
        except TerraPromptError as exc:
            self._append_log(str(exc))
            return
        if not plan.packages:
            self._append_log(tr("Nothing to install: every required package is available."))
            if plan.cuda:  # why the CUDA build asked for is not installed
                for note in plan.notes[1:]:
                    self._append_log(note)
            return
        self.log.clear()
        self._append_log(plan.describe())
        self.install_btn.setEnabled(False)
        self.cancel_btn.setEnabled(True)
        emit = self._signal.line.emit

        def work(progress, is_cancelled):
            return installer.run_install(plan, on_line=emit, progress=progress, is_cancelled=is_cancelled)

        self.task = CoreTask(tr("TerraPrompt: installing dependencies"), work, self._done)
        self.task.progressChanged.connect(lambda v: self.progress.setValue(int(v)))
        start_task(self.task)

    def choose_wheelhouse_folder(self) -> str:
        """Pick a folder of wheels as the wheelhouse (the file widget's dialog only picks a .zip); '' when cancelled."""
        start = self.wheelhouse.filePath().strip()  # a folder, or the folder of a .zip chosen before
        start = start if os.path.isdir(start) else os.path.dirname(start)
        path = QFileDialog.getExistingDirectory(self, tr("Wheelhouse folder"), start)
        if path:
            self.wheelhouse.setFilePath(path)
        return path

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _done(self, sites, error) -> None:
        from ..bootstrap import profile_dir
        from ..core import deps

        self.task = None
        self.install_btn.setEnabled(True)
        self.cancel_btn.setEnabled(False)
        if error is not None:
            self._append_log(tr("Installation failed: {error}").format(error=error))
            if self.iface is not None:
                self.iface.messageBar().pushWarning(tr("TerraPrompt"), str(error))
            return
        deps.activate_private_site(profile_dir())
        still = self.refresh()
        msg = tr("Dependencies installed.") if not still else tr("Installed, but still missing: {names}. Restart QGIS.").format(names=", ".join(s.name for s in still))
        self._append_log(msg)
        if not still:
            self.installed.emit()
        self.progress.setValue(100)
        if self.iface is not None:
            self.iface.messageBar().pushSuccess(tr("TerraPrompt"), msg)

    def _append_log(self, text: str) -> None:
        self.log.appendPlainText(text)

    def show_diagnostics(self) -> CoreTask:
        """Fill the report box with the diagnostics report, built in a task (it imports every runtime: 3 s here, which
        froze QGIS after the click)."""
        from ..algorithms.diagnostics import qgis_report

        self.diag_btn.setEnabled(False)
        self.report.setPlainText(tr("Checking the environment…"))
        self.diag_task = start_task(CoreTask(tr("TerraPrompt: diagnostics"), lambda progress, is_cancelled: qgis_report(),
                                             self._diagnosed))
        return self.diag_task

    def _diagnosed(self, text, error) -> None:
        """Show the diagnostics report, or why it could not be built."""
        self.diag_task = None
        self.diag_btn.setEnabled(True)
        failed = tr("The diagnostics failed: {error}").format(error=error_message(error)) if error is not None else ""
        self.report.setPlainText(failed or text)

    def shutdown(self) -> None:
        if self.task is not None:
            self.task.detach()
            self.task = None
        if self.diag_task is not None:
            self.diag_task.detach()
            self.diag_task = None
