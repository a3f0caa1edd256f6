"""CoreTask knows whether New / Open project replaced the project it started in (the tabs read it, once)."""
from __future__ import annotations

import time

from conftest import wait_for


def _waiting_task(outcome: list):
    """A CoreTask that runs until cancelled; its callback records (error, stopped_by_new_project, project_replaced)."""
    from terraprompt.plugin.core.errors import Cancelled
    from terraprompt.plugin.gui.tasks import CoreTask

    def work(progress, is_cancelled):
        while not is_cancelled():
            time.sleep(0.01)
        raise Cancelled()

    task = CoreTask("test", work, lambda result, error: outcome.append(
        (error, task.stopped_by_new_project(error), task.project_replaced())))
    return task


def test_a_task_stopped_for_a_new_project_says_so(plugin, project):
    """Stopped for New project: stopped_by_new_project and project_replaced; the Cancel button's cancel: neither."""
    from qgis.core import QgsProject

    from terraprompt.plugin.core.errors import Cancelled
    from terraprompt.plugin.gui.tasks import start_task

    plugin.action.setChecked(True)  # the dock follows QgsProject.cleared
    outcome: list = []
    task = start_task(_waiting_task(outcome))
    assert not task.project_replaced()
    QgsProject.instance().clear()
    assert task.project_replaced()
    cancels = []
    task.stop_for_new_project(lambda: (cancels.append(1), task.cancel()))  # a tab's own Cancel, called once
    assert wait_for(lambda: outcome, 30) and cancels == [1]
    error, stopped, replaced = outcome[0]
    assert isinstance(error, Cancelled) and stopped and replaced

    outcome2: list = []
    task2 = start_task(_waiting_task(outcome2))
    task2.cancel()
    assert wait_for(lambda: outcome2, 30)
    error, stopped, replaced = outcome2[0]
    assert isinstance(error, Cancelled) and not stopped and not replaced
