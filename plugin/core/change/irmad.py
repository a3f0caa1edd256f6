"""IR-MAD: iteratively re-weighted multivariate alteration detection (Nielsen 2007).

Canonical correlation analysis of the two dates gives MAD variates (differences
of canonical variates) ordered by how little the dates agree. Their sum of
squares, standardised by the no-change spread of each variate (theoretically
2(1 − ρ); here its robust estimate, see :func:`fit_irmad`), is chi-square with p
degrees of freedom for unchanged pixels. Iterating with each pixel weighted by
its no-change probability lets the statistics converge on the invariant
background. Invariant to linear (gain/offset) differences per band, so sensors
and dates need no radiometric normalisation. Fitted on a sample, applied per tile.

Nielsen, A. A. (2007). The regularized iteratively reweighted MAD method for
change detection in multi- and hyperspectral data. IEEE TIP 16(2), 463–478.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg
from scipy.stats import chi2

from ..errors import ModalityError
from ..messages import decimal, number, t
from .align import PairBlock, sample_pixels
from .methods import ChangeMethod, LogisticCalibration, check_scene_sample, smooth_valid
from .noise import gate, noise_note


@dataclass
class IRMADModel:
    """Fitted IR-MAD transform: means, canonical vectors, correlations, MAD standard deviations."""

    mean_x: np.ndarray
    mean_y: np.ndarray
    a: np.ndarray
    b: np.ndarray
    rho: np.ndarray
    sigma: np.ndarray
    iterations: int
    converged: bool

    @property
    def dof(self) -> int:
        return int(self.rho.size)

    def chi_square(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Σ (MAD_i / σ_i)² for (n, p) pixels of both dates."""
        mad = (x - self.mean_x) @ self.a - (y - self.mean_y) @ self.b
        return ((mad / self.sigma) ** 2).sum(axis=1)


def _weighted_cov(z: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weighted mean and covariance of the rows of z."""
    sw = w.sum()
    m = (w[:, None] * z).sum(axis=0) / sw
    d = z - m
    c = (w[:, None] * d).T @ d / sw
    return m, c


def min_fit_pixels(bands: int) -> int:
    """Fewest pixels IR-MAD's canonical correlations are fitted on for this many bands."""
    return 4 * bands + 10


def fit_irmad(x: np.ndarray, y: np.ndarray, max_iter: int = 50, tol: float = 1e-4, reg: float = 1e-6) -> IRMADModel:
    """Fit IR-MAD on (n, p) samples of both dates (regularised for near-singular bands)."""
    n, p = x.shape
    if n < min_fit_pixels(p):
        raise ModalityError(t("IR-MAD needs more valid pixels in common ({n} found for {p} bands).", n=n, p=p),
                            t("Use larger rasters, fewer bands, or the method 'cva'."))
    w = np.ones(n)
    rho_old = np.zeros(p)
    converged = False
    it = 0
    for it in range(1, max_iter + 1):
        m, c = _weighted_cov(np.hstack([x, y]), w)
        s11, s22, s12 = c[:p, :p], c[p:, p:], c[:p, p:]
        # the absolute floor keeps constant bands (an empty band, a flat test image) invertible
        s11 = s11 + (reg * np.trace(s11) / p + 1e-12) * np.eye(p)
        s22 = s22 + (reg * np.trace(s22) / p + 1e-12) * np.eye(p)
        s22_inv = np.linalg.inv(s22)
        lam, a = linalg.eigh(s12 @ s22_inv @ s12.T, s11)  # ascending ρ²: MAD1 = least correlated
        rho = np.sqrt(np.clip(lam, 1e-12, 1 - 1e-9))
        b = s22_inv @ s12.T @ a / rho
        # The no-change variance of each MAD variate is 2(1 − ρ) under the weights; but weighting by the
        # no-change probability also down-weights the tails of the unchanged pixels, so that variance
        # shrinks every iteration and unchanged pixels drift into 'change'. A robust spread (MAD of
        # the variate over all pixels, immune to the changed minority) does not shrink.
        model = IRMADModel(m[:p], m[p:], a, b, rho, np.ones(p), it, False)
        mad = (x - model.mean_x) @ a - (y - model.mean_y) @ b
        med = np.median(mad, axis=0)
        robust = 1.4826 * np.median(np.abs(mad - med), axis=0)
        model.sigma = np.maximum(robust, np.sqrt(np.maximum(2.0 * (1.0 - rho), 1e-12)) * 1e-3)
        z = model.chi_square(x, y)
        w = 1.0 - chi2.cdf(z, p)
        if np.max(np.abs(rho - rho_old)) < tol:
            converged = True
            break
        rho_old = rho
        if w.sum() < 1e-6 * n:
            break
    model.iterations, model.converged = it, converged
    return model


def no_change_probability(model: IRMADModel, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """P(no change) per pixel: the chi-square survival function of its standardised MAD energy."""
    return 1.0 - chi2.cdf(model.chi_square(x, y), model.dof)


NO_CHANGE_QUANTILE = 0.99
"""The threshold on the chi-square statistic is at least this quantile of chi-square(d.o.f.), the no-change law."""


class IRMAD(ChangeMethod):
    """IR-MAD change probability: chi-square of the standardised MAD variates, calibrated to the scene."""

    name = "irmad"
    context = 1

    def fit(self, blocks: list[PairBlock]) -> None:
        x, y = sample_pixels(blocks)
        check_scene_sample(x.shape[0])  # before the fit, whose own minimum would point at CVA, refused here too
        self.model = fit_irmad(x, y)
        # Chi-square probabilities saturate on real scenes (the no-change core the weights converge
        # on is tighter than the rest of the unchanged pixels), so the probability is a logistic of
        # the 3x3-mean statistic centred on the scene's minimum-error threshold.
        z = np.concatenate([self.smoothed(b)[b.valid] for b in blocks])
        m = self.model
        # unchanged pixels follow chi-square(dof): a threshold under its 99th percentile splits them (a pair differing
        # by a gain of 1.2 alone had 48 % called change at 9.2; OSCD cities' thresholds are 26-123 for 10 d.o.f.)
        self.calib = LogisticCalibration(z, floor=round(float(chi2.ppf(NO_CHANGE_QUANTILE, m.dof)), 1))
        self.notes = [
            t("IR-MAD on {bands} bands, fitted on {pixels} sample pixels; {iterations} iterations ({converged}); "
              "canonical correlations {rho}", bands=len(blocks[0].roles), pixels=number(x.shape[0]), iterations=m.iterations,
              converged=t("converged") if m.converged else t("not converged"), rho=", ".join(decimal(f"{r:.3f}") for r in m.rho)),
            t("Threshold: {how} on the 3x3-mean chi² → {value} ({dof} d.o.f.; chi-square P = {p})", how=self.calib.how,
              value=decimal(f"{self.calib.center:.1f}"), dof=m.dof, p=decimal(f"{chi2.cdf(self.calib.center, m.dof):.3f}")),
            noise_note(blocks),
        ]

    def chi_square(self, block: PairBlock) -> np.ndarray:
        """(h, w) chi-square statistic of a block."""
        p, h, w = block.before.shape
        m = self.model
        f32 = np.float32
        # float32 per tile (fitting is float64): MAD = (x − mx)·A − (y − my)·B = x·A − y·B − (mx·A − my·B)
        shift = (m.mean_x @ m.a - m.mean_y @ m.b).astype(f32)
        x = block.before.reshape(p, -1).T
        y = block.after.reshape(p, -1).T
        mad = x @ m.a.astype(f32) - y @ m.b.astype(f32) - shift
        mad /= m.sigma.astype(f32)
        return np.einsum("ij,ij->i", mad, mad).reshape(h, w)

    def smoothed(self, block: PairBlock) -> np.ndarray:
        """(h, w) chi-square statistic averaged over 3×3 valid pixels."""
        return smooth_valid(self.chi_square(block), block.valid)

    def probability(self, block: PairBlock) -> np.ndarray:
        return gate(self.calib(self.smoothed(block)), block)
