"""CoreTask: run one Qt-free core function in a QgsTask, report back on the main thread.

Any tab (land cover, change, interactive ...) wraps its core call as
``fn(progress, is_cancelled)`` and gets ``on_done(result, error)`` in the GUI
thread when it ends. The UI never waits on the work.
"""
from __future__ import annotations

import traceback
from typing import Any, Callable, Optional

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask

from ..i18n import tr
from .layers import project_generation

LOG_TAG = "TerraPrompt"

CoreFn = Callable[..., Any]
"""A core function called as ``fn(progress=callable(float 0..100), is_cancelled=callable() -> bool)``."""
DoneFn = Callable[[Any, Optional[BaseException]], None]
"""Called on the main thread with (result, None) on success or (None, exception) on failure/cancel."""


class CoreTask(QgsTask):
    """A cancellable QgsTask around a core function; progress goes to setProgress."""

    def __init__(self, description: str, fn: CoreFn, on_done: Optional[DoneFn] = None) -> None:
        super().__init__(description, QgsTask.CanCancel)
        self.fn = fn
        self.on_done = on_done
        self.result: Any = None
        self.error: Optional[BaseException] = None
        self.trace = ""
        self.generation = project_generation()
        """The project the task started in (see layers.project_generation)."""
        self.stopped_for_new_project = False
        """Cancelled by :meth:`stop_for_new_project`."""

    def project_replaced(self) -> bool:
        """Whether New or Open project replaced the project the task started in: its results belong to no project."""
        return project_generation() != self.generation

    def stop_for_new_project(self, cancel: Optional[Callable[[], None]] = None) -> None:
        """Cancel because New or Open project replaced the task's project, so that the tab says so rather than
        'Cancelled' (``cancel``: the tab's own Cancel, which also updates its panel; by default the task's)."""
        self.stopped_for_new_project = True
        (cancel or self.cancel)()

    def stopped_by_new_project(self, error: Optional[BaseException]) -> bool:
        """Whether ``error`` (the outcome on_done got) is the cancel that :meth:`stop_for_new_project` asked for."""
        from ..core.errors import Cancelled

        return self.stopped_for_new_project and isinstance(error, Cancelled)

    def run(self) -> bool:  # worker thread: no widgets here
        """Call the core function; never raises (exceptions are kept for finished())."""
        try:
            self.result = self.fn(progress=self._progress, is_cancelled=self.isCanceled)
            # a cancel after the core function's last check comes too late: its outputs are written, so they count
            return True
        except BaseException as exc:  # noqa: BLE001 - reported on the main thread
            self.error = exc
            self.trace = traceback.format_exc()
            return False

    def _progress(self, value: float) -> None:
        self.setProgress(max(0.0, min(100.0, float(value))))

    def finished(self, ok: bool) -> None:  # main thread
        """Hand the outcome to on_done; a cancel without an exception becomes Cancelled."""
        error = None if ok else (self.error or _cancelled())
        if error is not None and self.trace and not _is_expected(error):
            QgsMessageLog.logMessage(self.trace, LOG_TAG, Qgis.Critical)
        callback, self.on_done = self.on_done, None
        if callback is not None:
            callback(self.result if ok else None, error)

    def detach(self) -> None:
        """Forget the callback (its widgets are going away) and cancel."""
        self.on_done = None
        self.cancel()


def _cancelled() -> BaseException:
    from ..core.errors import Cancelled

    return Cancelled()


def _is_expected(error: BaseException) -> bool:
    """TerraPromptError messages are written for analysts; other exceptions are bugs worth a traceback."""
    from ..core.errors import TerraPromptError

    return isinstance(error, TerraPromptError)


def start_task(task: CoreTask) -> CoreTask:
    """Queue a task on QGIS's task manager and return it (keep a reference while it runs); every task runs with the thread setting."""
    from . import settings

    settings.apply_threads()
    QgsApplication.taskManager().addTask(task)
    return task


def error_message(error: BaseException) -> str:
    """The analyst-facing text of an error: TerraPromptError as written, anything else with its type."""
    if _is_expected(error):
        return str(error)
    return tr("Unexpected error: {name}: {text}. Details are in the TerraPrompt log.").format(
        name=type(error).__name__, text=error)


def notify(iface, text: str, level=Qgis.Info, bar: bool = True, duration: Optional[int] = None, details: str = "") -> None:
    """Log a message (and its ``details``) under the TerraPrompt tag and, when asked, show it in the message bar for
    ``duration`` seconds (0: until closed; by default until closed when critical, else 8), the details behind the bar's
    'more'."""
    QgsMessageLog.logMessage(f"{text}\n{details}" if details else text, LOG_TAG, level)
    if not bar or iface is None:
        return
    if duration is None:
        duration = 0 if level == Qgis.Critical else 8
    try:
        if details:
            iface.messageBar().pushMessage(tr("TerraPrompt"), text, details, level=level, duration=duration)
        else:
            iface.messageBar().pushMessage(tr("TerraPrompt"), text, level=level, duration=duration)
    except Exception:  # noqa: BLE001 - a missing bar must not hide the log entry
        pass
