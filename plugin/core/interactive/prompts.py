"""Prompts (positive/negative points, boxes) in raster-CRS map coordinates, with undo/redo.

Prompts are stored in map coordinates of the raster's CRS so they survive window
growth and re-encoding at another resolution; each engine call converts them to
the pixel frame of the encoded window.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..errors import PromptError
from ..messages import t


@dataclass(frozen=True)
class Prompt:
    """One prompt: a point (x, y, positive) or a box (xmin, ymin, xmax, ymax) in raster-CRS units."""

    kind: str  # "point" or "box"
    coords: tuple[float, ...]
    positive: bool = True

    @staticmethod
    def point(x: float, y: float, positive: bool = True) -> "Prompt":
        """A positive (object) or negative (background) click."""
        return Prompt("point", (float(x), float(y)), bool(positive))

    @staticmethod
    def box(xmin: float, ymin: float, xmax: float, ymax: float) -> "Prompt":
        """A box around the object (corners in any order)."""
        x0, x1 = sorted((float(xmin), float(xmax)))
        y0, y1 = sorted((float(ymin), float(ymax)))
        if x1 - x0 <= 0 or y1 - y0 <= 0:
            raise PromptError(t("The box has no area."), t("Drag a box with a width and a height."))
        return Prompt("box", (x0, y0, x1, y1), True)


class PromptHistory:
    """The prompts of one object, with undo/redo; at most one box (a new box replaces the old one)."""

    def __init__(self) -> None:
        self._done: list[Prompt] = []
        self._undone: list[Prompt] = []

    def add(self, prompt: Prompt) -> None:
        """Add a prompt; clears the redo stack as editors do."""
        self._done.append(prompt)
        self._undone.clear()

    def undo(self) -> Optional[Prompt]:
        """Remove the last prompt (returned), or None when there is nothing to undo."""
        if not self._done:
            return None
        p = self._done.pop()
        self._undone.append(p)
        return p

    def redo(self) -> Optional[Prompt]:
        """Re-apply the last undone prompt (returned), or None."""
        if not self._undone:
            return None
        p = self._undone.pop()
        self._done.append(p)
        return p

    def clear(self) -> None:
        """Forget every prompt (not undoable)."""
        self._done.clear()
        self._undone.clear()

    def restore(self, prompts: list[Prompt]) -> None:
        """Start again from these prompts (an accepted object taken back), nothing to redo."""
        self._done = list(prompts)
        self._undone.clear()

    @property
    def can_undo(self) -> bool:
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        return bool(self._undone)

    @property
    def prompts(self) -> list[Prompt]:
        """The active prompts in the order they were given."""
        return list(self._done)

    def points(self) -> list[Prompt]:
        """The active point prompts."""
        return [p for p in self._done if p.kind == "point"]

    def box(self) -> Optional[Prompt]:
        """The active box (the latest one), or None."""
        boxes = [p for p in self._done if p.kind == "box"]
        return boxes[-1] if boxes else None

    @property
    def n_positive(self) -> int:
        return sum(1 for p in self.points() if p.positive)

    @property
    def n_negative(self) -> int:
        return sum(1 for p in self.points() if not p.positive)

    def prompt_type(self) -> str:
        """'points', 'box' or 'box+points' (an attribute of accepted objects)."""
        has_box, has_pts = self.box() is not None, bool(self.points())
        return "box+points" if has_box and has_pts else ("box" if has_box else ("points" if has_pts else "none"))

    def __len__(self) -> int:
        return len(self._done)
