"""Synthetic roofs: self-made building-like objects pasted on real very-high-resolution backgrounds.

Why: after one click the network masks about 0.6 of a real roof (a one-facet, rounded blob): its pseudo-objects
(superpixels, tree ellipses) are single homogeneous regions, and only ~70 real building instances exist here. These
objects are rectilinear polygons (rectangles, L shapes) made of 1-4 facets of different brightness (gable and hip
roofs), with a texture taken from real imagery, a cast shadow, and neighbouring roofs of similar colour as distractors,
so the exact mask of a multi-facet object is known.
"""
from __future__ import annotations

import math

import numpy as np
from scipy import ndimage
from skimage.draw import polygon as fill_polygon


def _outline(rng, length: float, width: float) -> list[np.ndarray]:
    """Facet polygons (object-centred, unrotated) of a rectangle or an L shape split into roof facets."""
    hl, hw = length / 2, width / 2
    facets = int(rng.choice([1, 2, 4], p=[0.3, 0.5, 0.2]))
    if facets == 1:
        parts = [np.array([[-hl, -hw], [hl, -hw], [hl, hw], [-hl, hw]])]
    elif facets == 2:  # gable: ridge along the long axis
        parts = [np.array([[-hl, -hw], [hl, -hw], [hl, 0], [-hl, 0]]), np.array([[-hl, 0], [hl, 0], [hl, hw], [-hl, hw]])]
    else:  # hip: two trapezoids and two triangles
        r = max(0.0, hl - hw)
        parts = [np.array([[-hl, -hw], [hl, -hw], [r, 0], [-r, 0]]), np.array([[-hl, hw], [hl, hw], [r, 0], [-r, 0]]),
                 np.array([[-hl, -hw], [-r, 0], [-hl, hw]]), np.array([[hl, -hw], [r, 0], [hl, hw]])]
    if rng.random() < 0.25:  # an L: a wing on one end, its own facet
        wl, ww = width * rng.uniform(0.8, 1.2), length * rng.uniform(0.3, 0.6)
        x0 = hl - wl
        parts.append(np.array([[x0, hw], [hl, hw], [hl, hw + ww], [x0, hw + ww]]))
    return parts


def _texture(backgrounds: list[np.ndarray], rng, shape: tuple[int, int]) -> np.ndarray:
    """A grey high-pass texture (h, w) cut from a random real image."""
    img = backgrounds[int(rng.integers(len(backgrounds)))]
    h, w = shape
    y = int(rng.integers(0, max(1, img.shape[1] - h)))
    x = int(rng.integers(0, max(1, img.shape[2] - w)))
    patch = img[:, y:y + h, x:x + w].mean(axis=0).astype(np.float32) / 255
    patch = np.pad(patch, ((0, h - patch.shape[0]), (0, w - patch.shape[1])), mode="reflect")
    return patch - ndimage.gaussian_filter(patch, 3)


def _roof_colour(rng) -> np.ndarray:
    """A roof colour (RGB 0..1): tiles, concrete, metal, dark."""
    kind = rng.choice(4, p=[0.3, 0.35, 0.2, 0.15])
    base = {0: (0.65, 0.35, 0.25), 1: (0.6, 0.6, 0.58), 2: (0.85, 0.85, 0.85), 3: (0.25, 0.25, 0.27)}[int(kind)]
    return np.clip(np.array(base) * rng.uniform(0.7, 1.25) + rng.normal(0, 0.06, 3), 0.02, 1.0)


def _paint(img: np.ndarray, label: np.ndarray, backgrounds, rng, centre, length, width, angle, colour,
           value: int) -> np.ndarray:
    """Paint one roof (with its shadow) into img (3, S, S) in place; returns its mask."""
    s = img.shape[1]
    c, sn = math.cos(angle), math.sin(angle)
    rot = np.array([[c, -sn], [sn, c]])
    mask = np.zeros((s, s), bool)
    facets = []
    for poly in _outline(rng, length, width):
        pts = poly @ rot.T + centre
        rr, cc = fill_polygon(pts[:, 1], pts[:, 0], (s, s))
        m = np.zeros((s, s), bool)
        m[rr, cc] = True
        facets.append(m & ~mask)
        mask |= m
    if mask.sum() < 20:
        return mask
    # cast shadow first (on the ground only)
    d = rng.uniform(2, 9)
    sa = rng.uniform(0, 2 * math.pi)
    shadow = ndimage.shift(mask.astype(np.float32), (d * math.sin(sa), d * math.cos(sa)), order=0) > 0.5
    shadow &= ~mask & (label == 0)
    img[:, shadow] *= rng.uniform(0.35, 0.7)
    tex = _texture(backgrounds, rng, (s, s)) * rng.uniform(0.3, 1.0)
    for m in facets:
        shade = rng.uniform(0.6, 1.3)
        img[:, m] = np.clip(colour[:, None] * shade + tex[m][None] + rng.normal(0, 0.015, (3, int(m.sum()))), 0, 1)
    if rng.random() < 0.4:  # a darker or lighter rim (parapet, gutter)
        rim = mask & ~ndimage.binary_erosion(mask)
        img[:, rim] *= rng.uniform(0.6, 1.2)
    label[mask & (label == 0)] = value
    return mask


def synthetic_roof(backgrounds: list[np.ndarray], rng, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(image float32 (3, size, size) 0..1, object mask bool): a synthetic roof near the centre, maybe with neighbours."""
    bg = backgrounds[int(rng.integers(len(backgrounds)))]
    h, w = bg.shape[1:]
    y = int(rng.integers(0, max(1, h - size)))
    x = int(rng.integers(0, max(1, w - size)))
    img = bg[:, y:y + size, x:x + size].astype(np.float32) / 255
    img = np.pad(img, ((0, 0), (0, size - img.shape[1]), (0, size - img.shape[2])), mode="reflect")
    label = np.zeros((size, size), np.int32)
    length = rng.uniform(14, 70)
    width = length * rng.uniform(0.35, 1.0)
    angle = rng.uniform(0, math.pi) if rng.random() < 0.5 else rng.choice([0, math.pi / 2]) + rng.normal(0, 0.05)
    colour = _roof_colour(rng)
    centre = size / 2 + rng.uniform(-0.12, 0.12, 2) * size
    # neighbours first, so the target is painted last and fully visible; they may touch it
    for _ in range(int(rng.integers(0, 4))):
        off = rng.normal(0, 1, 2)
        off = off / (np.linalg.norm(off) + 1e-6) * (length + width) * rng.uniform(0.45, 0.9)
        same = rng.random() < 0.6  # a row of similar houses
        nb_len = length * rng.uniform(0.7, 1.3) if same else rng.uniform(14, 70)
        _paint(img, label, backgrounds, rng, centre + off, nb_len, nb_len * rng.uniform(0.35, 1.0),
               angle + (rng.normal(0, 0.05) if same else rng.uniform(0, math.pi)),
               np.clip(colour * rng.uniform(0.85, 1.15), 0, 1) if same else _roof_colour(rng), -1)
    label[label == -1] = 0  # neighbours are background for the target; the target paints over them
    target = _paint(img, label, backgrounds, rng, centre, length, width, angle, colour, 1)
    if rng.random() < 0.5:  # the sensor's blur
        img = ndimage.gaussian_filter(img, (0, 0.6, 0.6))
    return img.astype(np.float32), target
