"""One exception family whose messages are shown to analysts as they are.

Every error names the problem and the fix, so the dock, the message bar and
``qgis_process`` can print ``str(err)`` without further decoration.
"""
from __future__ import annotations

from .messages import t


class TerraPromptError(Exception):
    """Base error: ``problem`` says what is wrong, ``fix`` what to do about it."""

    def __init__(self, problem: str, fix: str = "") -> None:
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem} {fix}".strip())


class InputError(TerraPromptError):
    """An input raster or layer cannot be used."""


class ModalityError(TerraPromptError):
    """The bands of an input fit no known modality, or a needed band is missing."""


class PromptError(TerraPromptError):
    """The prompt is empty or names nothing TerraPrompt can extract."""


class OutputError(TerraPromptError):
    """An output path cannot be written."""


class ModelError(TerraPromptError):
    """A model file is missing, corrupt or does not fit."""


class Cancelled(TerraPromptError):
    """The analyst cancelled the run; nothing was written."""

    def __init__(self) -> None:
        super().__init__(t("Cancelled."), t("No output was written."))
