"""Spectral-prior engine: concepts from indices, backscatter and height with scene-adaptive thresholds.

No training. The rules live in ``models/spectral_rules.json``: per concept a
list of variants (optical, RGB, SAR, height, cloud network), each a set of
terms "index above/below threshold". For every concept the best variants the
bands allow are chosen; Otsu thresholds are fitted on a decimated sample of
the scene and clamped to a plausible range; each term gives a soft logit
(distance to the threshold / softness). Evidence terms are averaged (a
consensus of indices), required terms are ANDed (soft minimum), and variants
of different families are combined by a weighted mean of logits.

Optical (or RGB) and SAR evidence of one concept (water, flooded area) is
fused as a sum of log-odds, per pixel: a * optical + w * SAR, with clear-sky
weights (a, w) per optical family (``sar_fusion`` in the rules: multispectral
indices lead, RGB water evidence is weaker than SAR); the SAR weight grows to 1
with the cloud network's cloud + shadow probability (SAR sees through both, the
optical view is impaired there). Where the optical image is nodata or cloudy SAR
decides alone; where SAR is nodata the optical evidence decides alone (with its
cloud masking).

Clouds and shadows come from the product's own quality band when the raster
carries one (SCL, QA_PIXEL, Fmask ...: core/quality.py), else from the
ukis-csmask network when blue, green, red and NIR reflectance are present; the
same mask removes cloudy pixels from the other concepts (SAR evidence still
decides there) and the removed area is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Optional

import numpy as np

from ..catalog import load_json
from ..errors import ModalityError
from ..messages import decimal, label_in_text, measure, t
from ..prompts import concept_text, concepts as catalogue
from ..quality import ROLE as QA_ROLE, FillDrop, QualityBand, QualityMasker, drop_saturated
from ..runtime import DeviceReport, combined_report, numpy_device
from ..stack import BandSet
from . import buildings_vhr, indices as ix, pixel_classifier
from .clouds import paste_cells
from .height import looks_like_dsm
from .dark_objects import DARK_PERCENTILE, fit_dark_objects, needs_dark_objects, subtract_dark_objects
from ..thresholds import threshold_in_range

CLOUDNET_PIXEL_M = (5.0, 120.0)
"""Pixel sizes (m) the cloud network is run on (trained on Sentinel-2/Landsat at ~30 m; a tile is averaged x1-x8)."""
SHADOW_TRUST = 2.0
"""Logit from which an optical decision is kept under a cloud shadow (the index is 2 softness units past its threshold)."""
SHADOW_REACH_M = 5000.0
"""The cloud network's cloud shadow is kept only this close to a cloud pixel it finds: a shadow falls h / tan(sun
elevation) from its cloud, about 5 km for a 2 km high cloud under a sun 22 degrees high (without it dark fields of the
cloud-free Sen1Floods11 chip were 0.8 % 'cloud shadow')."""
MIN_BIMODALITY = 0.7
"""Otsu's effectiveness (between-class / total variance) below which the sample is not two classes: the default threshold is used."""


DISPLAY = {"mndwi": "MNDWI", "ndwi": "NDWI", "awei_sh": "AWEIsh", "ndvi": "NDVI", "ndbi": "NDBI", "bsi": "BSI", "ndsi": "NDSI",
           "nbr": "NBR", "exg": "ExG", "rgb_water": "RGB water index", "visible_brightness": "visible brightness",
           "relative_brightness": "visible brightness / scene median",
           "green": "green reflectance", "nir": "NIR reflectance", "swir1": "SWIR1 reflectance",
           "vv_db": "VV dB (5x5 despeckled)", "vh_db": "VH dB (5x5 despeckled)", "height_above_ground": "height above ground (m)",
           "csmask_cloud": "ukis-csmask cloud probability", "csmask_shadow": "ukis-csmask shadow probability",
           "qa_cloud": "quality band: cloud", "qa_shadow": "quality band: cloud shadow",
           "lc_tree": "classifier log-odds of trees over the likeliest other class",
           "lc_grassland": "classifier log-odds of grassland over the likeliest other class",
           "lc_cropland": "classifier log-odds of cropland over the likeliest other class",
           "lc_built_up": "classifier log-odds of built-up over the likeliest other class",
           "lc_bare": "classifier log-odds of bare ground over the likeliest other class", "vhr_buildings": "building head log-odds",
           "vhr_buildings_pan": "building head log-odds (panchromatic)", "net_water": "land-cover network water log-odds"}
"""Names of the indices in explanations."""
MASK_FAMILIES = {"cloudnet", "quality"}
"""Rule families read from a cloud mask (the network's or the product's quality band), not from indices."""
CLOUD_MASKED_FAMILIES = {"optical", "rgb", "height", "classifier", "landnet"}
"""Rule families whose concepts the cloud mask blinds under clouds (the land-cover classifier's built-up, bare soil,
cropland ... alone went unmasked: 64-98 % of 'built-up' and 'bare soil' on a cloud chip lay on reference cloud); not the
VHR building head (0.25-1 m aerial images, finer than the cloud network knows)."""
FAMILY_TAGS = {"optical": "[optical]", "rgb": "[rgb]", "sar": "[sar]", "height": "[height]", "classifier": "[classifier]",
               "cloudnet": "[cloudnet]", "quality": "[quality]", "landnet": "[landnet]", "vhrnet": "[vhrnet]"}
"""The tag of each rule family in explanations (translated: '[optique]', '[Klassifikator]')."""


def family_tag(family: str) -> str:
    """A rule family's tag in the explanation's language ('[optical]', '[optique]'), so a rule line has no English tag."""
    return t(FAMILY_TAGS[family]) if family in FAMILY_TAGS else f"[{family}]"


def family_name(family: str) -> str:
    """A rule family's name inside a sentence (its tag without brackets), for the fusion and weight notes."""
    return family_tag(family)[1:-1]


CLOUD_INDICES = {"csmask_cloud": 1, "csmask_shadow": 2, "qa_cloud": 1, "qa_shadow": 2}
"""Indices that are a cloud mask's probability planes (1 cloud, 2 shadow)."""
PARTIAL_ROLES = (frozenset({"height"}), frozenset({"vv", "vh"}))
"""Bands of the rasters that may cover part of INPUT (DSM_INPUT, SAR_INPUT): where they have no data, a concept whose
rules read them is decided by its rules without them (SAR fused with optical evidence already leaves it to the optical)."""


def rules_table() -> dict:
    """The rule catalogue (models/spectral_rules.json)."""
    return load_json("spectral_rules.json")


def index_roles(name: str) -> tuple[str, ...]:
    """Bands an index needs."""
    return tuple(rules_table()["indices"][name])


@dataclass
class Context:
    """Scene facts the rules need beyond the bands: pixel size, DSM or nDSM, product level."""

    pixel_m: float = 10.0
    height_is_dsm: Optional[bool] = None
    product_level: str = "l1c"
    device: str = "auto"
    cloud_mask: bool = True
    reflectance: bool = True
    """False when the optical values are only rescaled (8-bit RGB/RGBN): the cloud network then is not run."""
    brightness_reference: Optional[float] = None
    """Median visible brightness of the scene (fitted), the reference of scale-free RGB indices."""
    colour_balance: Optional[tuple[float, float, float]] = None
    """Gains (red, green, blue) that neutralise an uncalibrated image's colour cast for ExG (fitted; None: none)."""
    clipped: Optional[tuple[float, float, float]] = None
    """Values (red, green, blue, as read) at which an uncalibrated image's bands are clipped: ExG there is its minimum, not
    vegetation (fitted; None: none)."""
    quality: Optional[QualityBand] = None
    """The product's cloud-mask band, used instead of the cloud network (read under the role 'qa')."""
    classifier: bool = True
    """Whether the land-cover pixel classifier may be used where the bands and pixel size allow (False: index rules only)."""
    rgb_stretch: Optional[tuple] = None
    """(1st, 99th) percentiles of red, green, blue in the scene (fitted), the building head's stretch."""
    network: bool = False
    """Whether water may come from the bundled land-cover network (rule family 'landnet'): set for ENGINE=auto runs, where
    a 'water' prompt alone would get the network, so a map or a multi-concept prompt gets the same water."""
    extent_px: Optional[tuple[int, int]] = None
    """(height, width) in pixels of the run's extent (None: not known), which the classifier's texture windows need."""


def model_device(device: str) -> str:
    """The device of the bundled models' sessions (land-cover classifier, building head): CUDA only when asked."""
    return "cuda" if device == "cuda" else "cpu"


CLASSIFIER_FINE_M = 20.0
"""Pixels finer than this are outside the land-cover classifier's training (30 m HLS): the explanation says so."""
BALANCE_MAX_PIXEL_M = 5.0
"""Uncalibrated RGB with pixels finer than this (aerial orthophotos, pan-sharpened VHR) gets the bright-surface colour
balance for ExG: there the colour is a camera rendering and bright surfaces are mostly grey roofs and roads (SpaceNet
Rio, 0.5 m: roofs read as vegetation 0.95 / 0.88 -> 0.22 / 0.60). Not on 10-30 m satellite RGB, where bright pixels
are mostly bare soil whose colour is real (HLS chips, vegetation IoU vs WorldCover 0.546 -> 0.434 with it)."""


class IndexCache:
    """Indices of one BandSet computed once (several concepts share MNDWI, NDVI, the cloud network ...)."""

    def __init__(self, bs: BandSet, ctx: Context, clouds=None, tile_clouds: Optional[np.ndarray] = None,
                 water_net=None, raw: Optional[BandSet] = None) -> None:
        self.bs, self.ctx, self.clouds, self.tile_clouds = bs, ctx, clouds, tile_clouds
        self.water_net, self.raw = water_net, raw
        """The fitted land-cover network for 'net_water', and the bands as read (before any dark-object subtraction)."""
        self.near_cloud: Optional[np.ndarray] = None
        """Pixels within SHADOW_REACH_M of a cloud the network finds (set by the engine when a rule reads its shadow)."""
        self._cache: dict[str, np.ndarray] = {}

    def __call__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self._compute(name)
        return self._cache[name]

    def cloud_probabilities(self) -> Optional[np.ndarray]:
        """(3, h, w) clear/cloud/shadow probabilities from the network (scene blocks when set), or None."""
        if self.clouds is None:
            return None
        if "_csm" not in self._cache:
            if self.tile_clouds is not None and self.tile_clouds.shape[1:] == self.bs.valid.shape:
                self._cache["_csm"] = self.tile_clouds
            else:
                self._cache["_csm"] = self.clouds.probabilities(self.bs.bands, self.bs.valid_for(self.clouds.bands))
        return self._cache["_csm"]

    def impairment(self) -> Optional[np.ndarray]:
        """Per-pixel probability that the optical view is impaired (cloud + shadow from the network), or None."""
        p = self.cloud_probabilities()
        return None if p is None else np.clip(p[1] + p[2], 0.0, 1.0).astype(np.float32)

    def _compute(self, name: str) -> np.ndarray:
        b = self.bs.bands
        if name == "vv_db":
            return ix.despeckle_db(b["vv"])
        if name == "vh_db":
            return ix.despeckle_db(b["vh"])
        if name == "height_above_ground":
            return ix.height_above_ground(b["height"], bool(self.ctx.height_is_dsm), self.ctx.pixel_m,
                                          valid=self.bs.valid_for(["height"]))
        if name == "relative_brightness":  # scale-free: the same on reflectance and on stretched 8-bit imagery
            vb = ix.visible_brightness(b["red"], b["green"], b["blue"])
            return vb / np.float32(self.ctx.brightness_reference or 0.1)
        if name == "exg":
            gains = self.ctx.colour_balance or (1.0, 1.0, 1.0)
            out = ix.exg(*(b[r] * np.float32(g) for r, g in zip(("red", "green", "blue"), gains)))
            if self.ctx.clipped is not None:  # a clipped band's chromatic coordinate is wrong: a bright surface, no vegetation
                raw = (self.raw if self.raw is not None else self.bs).bands
                at_top = [raw[r] >= np.float32(c) for r, c in zip(("red", "green", "blue"), self.ctx.clipped)]
                out[np.logical_or.reduce(at_top)] = np.float32(-1.0)  # ExG's minimum: also 'not vegetation' for buildings
            return out
        if name == "rgb_water":
            return ix.rgb_water(b["red"], b["green"], b["blue"], self.ctx.brightness_reference or 0.1)
        if name == "csmask_shadow" and self.near_cloud is not None:  # no shadow far from any cloud
            return np.where(self.near_cloud, self.cloud_probabilities()[2], np.float32(0.0))
        if name in CLOUD_INDICES:
            return self.cloud_probabilities()[CLOUD_INDICES[name]]
        device = model_device(self.ctx.device)
        if pixel_classifier.class_of_index(name):
            if "_lc" not in self._cache:
                clf = pixel_classifier.shared(device)
                self._cache["_lc"] = clf.log_odds(b, self.bs.valid_for(pixel_classifier.ROLES), self.ctx.pixel_m)
            return class_margin(self._cache["_lc"], pixel_classifier.class_of_index(name))
        if name == "net_water":  # the network reads the bands as a 'water' run would (its own brightness normalisation)
            p = np.clip(self.water_net.scores(self.raw if self.raw is not None else self.bs)[0], 1e-6, 1.0 - 1e-6)
            return np.log(p / (1.0 - p)).astype(np.float32)
        if name in ("vhr_buildings", "vhr_buildings_pan"):
            return buildings_vhr.shared(device).log_odds(buildings_vhr.as_rgb(b), self.bs.valid_for(index_roles(name)),
                                                         self.ctx.pixel_m, self.ctx.rgb_stretch)
        if name in b and name in ("green", "nir", "swir1", "red", "blue"):
            return b[name].astype(np.float32, copy=False)
        fn = getattr(ix, name)
        return fn(*[b[r] for r in index_roles(name)])


def class_margin(log_odds: dict[str, np.ndarray], name: str) -> np.ndarray:
    """A class's log-odds minus the largest other class's: above 0 exactly where the classifier's argmax is this class, so
    separate one-concept prompts (forest, grassland ...) cannot claim the same pixel, as a map's classes cannot (with the
    former cut, log-odds above -0.5, 'forest' and 'grassland' shared 21.5 % of a Landsat 7 scene)."""
    others = np.maximum.reduce([z for c, z in log_odds.items() if c != name])
    return (log_odds[name] - others).astype(np.float32)


@dataclass
class Term:
    """One comparison 'index above/below threshold' with a soft margin."""

    index: str
    above: bool
    t: float
    softness: float
    otsu: Optional[tuple[float, float]] = None
    optional: bool = False
    min_eta: float = 0.0
    how: str = "fixed"
    reads: Optional[tuple[str, ...]] = None
    """The bands the index's model really reads, when they differ from the catalogue's (the cloud network: 4 or 6 bands)."""

    @classmethod
    def from_json(cls, d: dict) -> "Term":
        return cls(d["index"], bool(d["above"]), float(d["t"]), float(d["softness"]),
                   tuple(d["otsu"]) if "otsu" in d else None, bool(d.get("optional", False)),
                   float(d.get("min_eta", MIN_BIMODALITY)))

    def needs(self) -> tuple[str, ...]:
        return index_roles(self.index)

    def fit(self, values: np.ndarray) -> None:
        """Scene-adaptive threshold: Otsu on the sample, clamped; the default when not bimodal."""
        if self.otsu is None:
            self.how = "fixed"
            return
        t, how = threshold_in_range(values, self.t, *self.otsu, min_eta=self.min_eta)
        self.t, self.how = float(t), how

    def logit(self, cache: IndexCache) -> np.ndarray:
        v = cache(self.index)
        d = (v - self.t) if self.above else (self.t - v)
        return np.nan_to_num((d / self.softness).astype(np.float32), nan=-10.0)

    def describe(self) -> str:
        name = t(DISPLAY.get(self.index, self.index))  # index names and rule names are catalogue keys (i18n/core_*.json)
        bands = ", ".join(self.reads or self.needs())
        how = t("fixed") if self.how == "fixed" else self.how
        return f"{name} {'>' if self.above else '<'} {decimal(f'{self.t:.3g}')} ({how}; {bands})"

    def as_dict(self, role: str) -> dict:
        """The term as data (dock, layer metadata)."""
        return {"index": self.index, "op": ">" if self.above else "<", "threshold": self.t, "how": self.how,
                "bands": list(self.reads or self.needs()), "role": role}


@dataclass
class AnyOf:
    """Alternative required terms: holds where any of them holds (soft maximum of their logits)."""

    alternatives: list[Term]
    optional: bool = False
    floor: Optional[float] = None
    """Lowest logit of the requirement (a small negative one: where it fails the concept stays just under 0.5, so it is
    not marked alone, yet a filled land-cover map without the class it leaves out still files the pixel here)."""
    otsu = None  # no scene-adaptive threshold of its own

    @classmethod
    def from_json(cls, d: dict) -> "AnyOf":
        return cls([Term.from_json(x) for x in d["any_of"]], bool(d.get("optional", False)),
                   float(d["floor"]) if "floor" in d else None)

    def needs(self) -> tuple[str, ...]:
        """Bands of all alternatives (the requirement is used only when all are present)."""
        return tuple(dict.fromkeys(r for a in self.alternatives for r in a.needs()))

    def logit(self, cache: IndexCache) -> np.ndarray:
        """Soft OR: the largest logit of the alternatives (not below ``floor``)."""
        z = np.maximum.reduce([a.logit(cache) for a in self.alternatives])
        return z if self.floor is None else np.maximum(z, np.float32(self.floor))

    def describe(self) -> str:
        """'(term or term)' for the explanation."""
        return "(" + t(" or ").join(a.describe() for a in self.alternatives) + ")"

    def as_dict(self, role: str) -> dict:
        """The alternatives as data."""
        return {"any_of": [a.as_dict(role) for a in self.alternatives], "role": role}


def requirement_from_json(d: dict) -> "Term | AnyOf":
    """A required term, or alternatives ('any_of') of which one must hold."""
    return AnyOf.from_json(d) if "any_of" in d else Term.from_json(d)


@dataclass
class Variant:
    """Evidence terms (averaged) and required terms (ANDed) of one family of inputs."""

    family: str
    evidence: list[Term]
    requires: list["Term | AnyOf"]
    name: str = ""

    @classmethod
    def from_json(cls, d: dict, roles: set[str]) -> Optional["Variant"]:
        """The variant restricted to the bands present, or None when it cannot run."""
        ev = [Term.from_json(t) for t in d.get("evidence", [])]
        ev = [t for t in ev if set(t.needs()) <= roles]
        if not ev:
            return None
        req = []
        for t in (requirement_from_json(x) for x in d.get("requires", [])):
            if set(t.needs()) <= roles:
                req.append(t)
            elif not t.optional:
                return None
        return cls(d["family"], ev, req, d.get("name", ""))

    def terms(self) -> list[Term]:
        return self.evidence + self.requires

    def logit(self, cache: IndexCache) -> np.ndarray:
        z = np.mean([t.logit(cache) for t in self.evidence], axis=0) if len(self.evidence) > 1 else self.evidence[0].logit(cache)
        for t in self.requires:
            z = np.minimum(z, t.logit(cache))
        return z

    def describe(self) -> str:
        s = (t(self.name) + ": " if self.name else "") + t(" and ").join(
            [(t("mean of ") if len(self.evidence) > 1 else "") + ", ".join(t.describe() for t in self.evidence)]
            + [t.describe() for t in self.requires])
        return f"{family_tag(self.family)} {s}"


@dataclass
class ConceptRules:
    """The variants used for one concept and how they are combined."""

    concept: str
    variants: list[Variant]
    weights: dict[str, float] = field(default_factory=dict)
    cloud_masked: bool = True
    sar_fusion: dict[str, tuple[float, float]] = field(default_factory=dict)
    """Clear-sky weights (optical family, SAR) of the log-odds sum per optical family; SAR's rises to 1 under clouds."""

    def fusion_weights(self) -> tuple[str, float, float]:
        """The optical family fused with SAR and its clear-sky weights (family, a, w)."""
        fam = next(v.family for v in self.variants if v.family not in {"sar"} | MASK_FAMILIES)
        a, w = self.sar_fusion.get(fam, (1.0, 0.0))
        return fam, float(a), float(w)

    def families(self) -> set[str]:
        return {v.family for v in self.variants}

    @property
    def fused(self) -> bool:
        """True when SAR evidence is fused with optical/RGB evidence (SAR can then decide alone)."""
        fams = self.families()
        return "sar" in fams and bool(fams & {"optical", "rgb"})

    def roles_of(self, sar: bool) -> set[str]:
        """Bands of the SAR variants (sar=True) or of the others."""
        return {r for v in self.variants if (v.family == "sar") == sar for t in v.terms() for r in t.needs()}


def select_rules(concept: str, roles: set[str], unusable: frozenset = frozenset()) -> Optional[ConceptRules]:
    """The variants of a concept that the bands allow (None when none can run); ``unusable``: families that cannot run
    on these pixels although the bands are there (the cloud network at 0.5 m, the land-cover classifier on uncalibrated
    values, the building head at 10 m)."""
    spec = rules_table()["concepts"].get(concept)
    if spec is None:
        return None
    usable = []
    for d in spec["variants"]:
        if d["family"] in unusable:
            continue
        v = Variant.from_json(d, roles)
        if v is not None:
            usable.append(v)
    if not usable:
        return None
    if spec.get("combine", "first") == "first":
        chosen = usable[:1]
    else:
        chosen, fams = [], set()
        has_optical = any(v.family == "optical" for v in usable)
        has_net = any(v.family == "landnet" for v in usable)
        for v in usable:
            if v.family in fams or (v.family == "rgb" and has_optical) or (v.family in ("optical", "rgb") and has_net):
                continue
            chosen.append(v)
            fams.add(v.family)
    return ConceptRules(concept, chosen, dict(spec.get("family_weights", {})), bool(spec.get("cloud_masked", True)),
                        {k: tuple(v) for k, v in spec.get("sar_fusion", {}).items()})


def supported_concepts() -> list[str]:
    """Concepts this engine knows rules for."""
    return list(rules_table()["concepts"])


class SpectralEngine:
    """Soft scores for several concepts from the bands of a stack."""

    name = "spectral"
    model_name = "spectral-priors"
    model_sha256 = ""

    def __init__(self, concepts: list[str], roles: set[str], context: Optional[Context] = None) -> None:
        from .clouds import available as cloud_available

        self.concepts = list(concepts)
        self.roles = set(roles)
        # without a scene context (e.g. a teacher on arrays) the cloud network is not run
        self.ctx = replace(context) if context is not None else Context(cloud_mask=False)  # fit() fills scene facts in
        self._drop_fill = FillDrop()
        cloud_ok, self.cloud_why = cloud_available(roles)
        if self.ctx.quality is not None:  # the product's own mask: any pixel size, also on uncalibrated values
            roles, cloud_ok, self.cloud_why = roles | {QA_ROLE}, True, ""
        elif cloud_ok and not self.ctx.reflectance:
            cloud_ok, self.cloud_why = False, t("the optical values are not calibrated reflectance")
        elif cloud_ok and not (CLOUDNET_PIXEL_M[0] <= self.ctx.pixel_m <= CLOUDNET_PIXEL_M[1]):
            cloud_ok, self.cloud_why = False, t("the pixels are {size} m; the network is made for {lo}-{hi} m satellite imagery",
                                                size=measure(self.ctx.pixel_m), lo=measure(CLOUDNET_PIXEL_M[0]),
                                                hi=measure(CLOUDNET_PIXEL_M[1]))
        classifier_ok, self.classifier_why = pixel_classifier.usable(roles, self.ctx.pixel_m, self.ctx.reflectance)
        if not self.ctx.classifier:
            classifier_ok, self.classifier_why = False, ""
        vhr_ok = any(has_family(c, "vhrnet") for c in concepts) and buildings_vhr.usable(roles, self.ctx.pixel_m)[0]
        net_ok = self.ctx.network and any(has_family(c, "landnet") for c in concepts) and landnet_usable(roles)
        unusable = frozenset(f for f, ok in (("cloudnet", cloud_ok), ("classifier", classifier_ok), ("vhrnet", vhr_ok),
                                             ("landnet", net_ok)) if not ok)
        self.rules: dict[str, ConceptRules] = {}
        for c in self.concepts:
            r = select_rules(c, roles, unusable)
            if r is None:
                raise cannot_extract(c, roles)
            self.rules[c] = r
        alone = not (roles - frozenset().union(*PARTIAL_ROLES) - {QA_ROLE})  # INPUT itself is SAR or a DSM
        self.fallbacks: dict[str, dict[tuple, Optional[ConceptRules]]] = {
            c: {} if alone else {gone: select_rules(c, roles - frozenset().union(*gone), unusable)
                                 for gone in _subsets(partial_groups(cr))}
            for c, cr in self.rules.items()}
        """Per concept, its rules where some partial rasters it reads have no data (keyed by those rasters' bands), or None
        when nothing decides it there."""
        self._fell_back: set[tuple[str, tuple]] = set()
        """The (concept, rasters without data) whose fallback rules were used: the explanation says them."""
        reads_mask = any(r.families() & MASK_FAMILIES for r in self.rules.values())
        self.use_cloud_mask = cloud_ok and self.ctx.cloud_mask and (
            any(r.cloud_masked and r.families() & CLOUD_MASKED_FAMILIES for r in self.rules.values()) or reads_mask)
        if cloud_ok and not (self.use_cloud_mask or reads_mask):  # snow / ice: a cloud mask would take it for cloud
            self.cloud_why = t("{concepts}: decided by its own rule under clouds too, as a cloud mask takes snow and ice for clouds",
                               concepts=", ".join(t(catalogue()[c]["label"]) for c in self.concepts))
        self.clouds = None
        if self.use_cloud_mask or reads_mask:
            if self.ctx.quality is not None:
                self.clouds = QualityMasker(self.ctx.quality)
            else:
                from .clouds import CloudMasker

                self.clouds = CloudMasker(roles, self.ctx.pixel_m, self.ctx.product_level, self.ctx.device)
                for term in (x for cr in self.all_rules() for v in cr.variants for x in v.terms()):
                    if getattr(term, "index", None) in ("csmask_cloud", "csmask_shadow"):
                        term.reads = tuple(self.clouds.bands)  # the model the cloud network picked for these bands
        self.water_net = None
        if self._uses("net_water"):
            from .network import NetworkEngine

            self.water_net = NetworkEngine(["water"], self.roles, self.ctx.device, pixel_m=self.ctx.pixel_m, own_clouds=False)
        self._last_cache: Optional[IndexCache] = None
        self.dark: dict[str, float] = {}
        """Dark-object values subtracted from uncalibrated optical bands (fitted in :meth:`fit`)."""

    @property
    def device_report(self) -> DeviceReport:
        """Where this run computes: the index rules in numpy on the CPU, and each bundled ONNX model its rules read (cloud
        network, land-cover classifier, building head, land-cover network) on the device its session opened on."""
        parts = [(t("index rules"), numpy_device(self.ctx.device))]
        if self.clouds is not None and getattr(self.clouds, "device_report", None) is not None:
            parts.append((t("cloud network"), self.clouds.device_report))
        device = model_device(self.ctx.device)
        if any("classifier" in cr.families() for cr in self.all_rules()):
            parts.append((t("land-cover classifier"), self._on_auto(pixel_classifier.shared(device).device_report)))
        if self._uses("vhr_buildings") or self._uses("vhr_buildings_pan"):
            parts.append((t("building head"), self._on_auto(buildings_vhr.shared(device).device_report)))
        if self.water_net is not None:
            parts.append((t("land-cover network"), self.water_net.device_report))
        if len(parts) == 1:
            return parts[0][1]
        rules = parts[0][1]
        parts[0] = (parts[0][0], replace(rules, reason=t("no GPU path")))
        return combined_report(self.ctx.device, parts)

    def _on_auto(self, report: DeviceReport) -> DeviceReport:
        """A bundled model's report as DEVICE=auto gets it: its session was opened on the CPU (:func:`model_device`)."""
        if self.ctx.device != "auto":
            return report
        return replace(report, requested="auto", reason=t("DEVICE=auto runs this model on the CPU; DEVICE=cuda asks for the GPU"))

    def _uses(self, index: str) -> bool:
        """True when a selected rule reads the named index."""
        return any(index in (getattr(term, "index", None), *(a.index for a in getattr(term, "alternatives", ())))
                   for cr in self.all_rules() for v in cr.variants for term in v.terms())

    def all_rules(self) -> list[ConceptRules]:
        """The concepts' rules and those used where a partial DSM or SAR raster has no data (fitted alike)."""
        return [*self.rules.values(), *(fb for fbs in self.fallbacks.values() for fb in fbs.values() if fb is not None)]

    @property
    def uses_neighbourhood(self) -> bool:
        """True when a rule reads more than its own pixel (the land-cover classifier's texture, the building head, the
        land-cover network)."""
        return any(cr.families() & {"classifier", "vhrnet", "landnet"} for cr in self.all_rules())

    def needed_roles(self) -> set[str]:
        """Bands to read for all rules (and the cloud network)."""
        out = {r for cr in self.all_rules() for v in cr.variants for t in v.terms() for r in t.needs()}
        if self.clouds is not None:
            out |= set(self.clouds.bands)
        if self.ctx.quality is not None:  # its fill codes make pixels nodata, also where it masks no clouds
            out.add(QA_ROLE)
        if self.water_net is not None:
            out |= self.water_net.needed_roles()
        return out

    def _without_fill(self, bs: BandSet) -> BandSet:
        """The bands with the product's fill pixels made nodata (:func:`~..quality.drop_fill`): the sample in :meth:`fit`,
        each tile once (:meth:`scores` and :meth:`decidable` read the same one)."""
        return self._drop_fill(bs, self.ctx.quality)

    def fit(self, sample: BandSet) -> None:
        """Fit every scene-adaptive threshold on a decimated sample of the scene."""
        sample = self._without_fill(sample)  # the product's no-data pixels are no scene
        if self.water_net is not None:
            self.water_net.fit(sample)  # on the bands as read, as a 'water' run fits it
        raw = sample
        if not self.ctx.reflectance and self._uses("exg") and self.ctx.clipped is None:
            v = sample.valid_for(["red", "green", "blue"])
            self.ctx.clipped = ix.clip_levels(*(sample.bands[r][v] for r in ("red", "green", "blue")))
        self.dark = fit_dark_objects(sample) if needs_dark_objects(set(sample.bands), self.ctx.reflectance) else {}
        if self.dark:
            sample = subtract_dark_objects(sample, self.dark)
        if "height" in sample.bands and self.ctx.height_is_dsm is None:
            self.ctx.height_is_dsm = looks_like_dsm(sample.bands["height"][sample.valid_for(["height"])])
        head_index = next((i for i in ("vhr_buildings", "vhr_buildings_pan") if self._uses(i)), None)
        if head_index and self.ctx.rgb_stretch is None:
            self.ctx.rgb_stretch = buildings_vhr.stretch_of(buildings_vhr.as_rgb(sample.bands),
                                                            sample.valid_for(index_roles(head_index)))
        if {"red", "green", "blue"} <= set(sample.bands) and self.ctx.brightness_reference is None:
            vb = ix.visible_brightness(sample.bands["red"], sample.bands["green"],
                                       sample.bands["blue"])[sample.valid_for(["red", "green", "blue"])]
            vb = vb[np.isfinite(vb)]
            self.ctx.brightness_reference = float(np.median(vb)) if vb.size else None
        if (not self.ctx.reflectance and self.ctx.pixel_m < BALANCE_MAX_PIXEL_M and self._uses("exg")
                and self.ctx.colour_balance is None):
            v = sample.valid_for(["red", "green", "blue"])
            self.ctx.colour_balance = ix.bright_surface_balance(sample.bands["red"][v], sample.bands["green"][v],
                                                                sample.bands["blue"][v])
        cache = IndexCache(sample, self.ctx, None, raw=raw)
        for cr in self.all_rules():
            for v in cr.variants:
                for t in v.terms():
                    if t.otsu is not None and t.index not in CLOUD_INDICES:
                        t.fit(cache(t.index)[sample.valid_for(t.needs())])

    def _concept_logit(self, cr: ConceptRules, cache: IndexCache, cloud: Optional[np.ndarray],
                       shadow: Optional[np.ndarray]) -> tuple[np.ndarray, Optional[np.ndarray]]:
        """Fused logit of a concept and where it has no usable evidence (under clouds without SAR), or None.

        Under a cloud the optical evidence is blind. Under a cloud shadow it is dimmed, not gone: ratio indices
        still hold, so a confident optical decision (logit >= SHADOW_TRUST) is kept there and only weak ones are
        dropped (dark water is otherwise often called shadow by the network).
        """
        if cr.fused:
            return self._fused_logit(cr, cache, cloud, shadow)
        num, den = 0.0, 0.0
        sar_num, sar_den = 0.0, 0.0
        for v in cr.variants:
            w = cr.weights.get(v.family, 1.0)
            z = v.logit(cache)
            num = num + w * z
            den += w
            if v.family == "sar":
                sar_num, sar_den = sar_num + w * z, sar_den + w
        z = num / den
        if cloud is None or not cr.cloud_masked or not (cr.families() - {"sar"} - MASK_FAMILIES):
            return z, None
        blind = cloud | (shadow & (z < SHADOW_TRUST))
        if sar_den:
            return np.where(blind, sar_num / sar_den, z), None
        return np.where(blind, -10.0, z), blind

    def _fused_logit(self, cr: ConceptRules, cache: IndexCache, cloud: Optional[np.ndarray],
                     shadow: Optional[np.ndarray]) -> tuple[np.ndarray, Optional[np.ndarray]]:
        """Optical + SAR log-odds per pixel; SAR alone where the optical view is nodata or cloudy, and vice versa.

        Clear-sky weights come from ``sar_fusion``; the SAR weight rises to 1 with the cloud network's
        cloud + shadow probability: no number is fitted to a scene. Sets ``self._last_sar_only``.
        """
        num, den = 0.0, 0.0
        for v in cr.variants:
            if v.family != "sar":
                w = cr.weights.get(v.family, 1.0)
                num, den = num + w * v.logit(cache), den + w
        z_opt = num / den
        sar = [v.logit(cache) for v in cr.variants if v.family == "sar"]
        z_sar = sar[0] if len(sar) == 1 else np.mean(sar, axis=0)
        bs = cache.bs
        opt_ok, sar_ok = bs.valid_for(cr.roles_of(False)), bs.valid_for(cr.roles_of(True))
        masked = cr.cloud_masked and cloud is not None
        imp = cache.impairment() if masked else None
        _, a, w0 = cr.fusion_weights()
        w_sar = w0 if imp is None or w0 >= 1.0 else w0 + (1.0 - w0) * imp
        z = a * z_opt + w_sar * z_sar
        optical_absent = ~opt_ok | (cloud if masked else False)
        z = np.where(optical_absent, z_sar, z)
        blind = None
        if not sar_ok.all():  # no SAR here: optical alone, masked as without SAR
            z_alone = z_opt
            if masked:
                b = cloud | (shadow & (z_opt < SHADOW_TRUST))
                z_alone = np.where(b, -10.0, z_opt)
                blind = b & ~sar_ok
            z = np.where(sar_ok, z, z_alone)
        self._last_sar_only = optical_absent & sar_ok
        return z.astype(np.float32, copy=False), (blind if blind is not None and blind.any() else None)

    def decidable(self, bs: BandSet) -> np.ndarray:
        """Pixels the engine decides: those where every concept is decided by the bands covering them (a concept fused
        with SAR where the optical or the SAR bands are valid; one reading a partial DSM or SAR raster by its rules
        without it where that raster has no data; the others where the input's bands are valid)."""
        bs = self._without_fill(bs)
        if not self.rules or not bs.role_valid:
            return bs.valid
        base = _base_valid(bs)
        out = np.ones(bs.valid.shape, dtype=bool)
        for c, cr in self.rules.items():
            ok = _covered(cr, bs, base)
            for where, fb in self._fallback_areas(c, bs):
                ok = np.where(where, False if fb is None else _covered(fb, bs, base), ok)
            out &= ok
        return out

    def _fallback_areas(self, concept: str, bs: BandSet) -> list[tuple[np.ndarray, Optional[ConceptRules]]]:
        """(pixels, rules) for each set of partial rasters the concept reads that have no data exactly there."""
        groups = partial_groups(self.rules[concept])
        if not groups or not bs.role_valid:
            return []
        missing = {g: ~bs.valid_for(g) for g in groups}
        out = []
        for gone, fb in self.fallbacks[concept].items():
            where = np.logical_and.reduce([missing[g] if g in gone else ~missing[g] for g in groups])
            if where.any():
                out.append((where, fb))
                self._fell_back.add((concept, gone))
        return out

    def _fall_back(self, concept: str, cache: IndexCache, cloud, shadow, z: np.ndarray, blind: Optional[np.ndarray],
                   sar_only: Optional[np.ndarray]) -> tuple[np.ndarray, Optional[np.ndarray], Optional[np.ndarray]]:
        """A concept's logit, blind and SAR-only pixels with its rules without a partial raster where that has no data."""
        for where, fb in self._fallback_areas(concept, cache.bs):
            if fb is None:  # nothing decides it there: decidable() leaves these pixels out
                continue
            self._last_sar_only = None
            zf, bf = self._concept_logit(fb, cache, cloud, shadow)
            z = np.where(where, zf, z)
            if bf is not None or blind is not None:
                blind = np.where(where, False if bf is None else bf, False if blind is None else blind)
            if self._last_sar_only is not None or sar_only is not None:
                sar_only = np.where(where, False if self._last_sar_only is None else self._last_sar_only,
                                    False if sar_only is None else sar_only)
        return z, blind, sar_only

    def sar_only(self, n_wanted: int) -> Optional[np.ndarray]:
        """Pixels of the last :meth:`scores` where SAR decided alone (optical nodata or cloud), or None."""
        masks = [m for k, m in getattr(self, "_sar_only", {}).items() if k < n_wanted]
        return np.logical_or.reduce(masks) if masks else None

    def cloud_classes(self, cache: IndexCache) -> tuple[Optional[np.ndarray], Optional[np.ndarray]]:
        """Pixels the cloud network calls cloud and shadow, or (None, None) without the network."""
        p = cache.cloud_probabilities() if self.use_cloud_mask else None
        if p is None:
            return None, None
        c = np.argmax(p, axis=0)
        return c == 1, c == 2

    def attach_scene(self, stack, window, levels: Optional[dict[str, float]] = None) -> None:
        """Let the cloud network see the scene in fixed wide blocks of the whole raster's grid (same result whatever the
        tile size, and whatever extent is processed).

        ``window`` is the processed part of the stack's grid; :meth:`set_tile` then names each tile's window in it;
        ``levels``: the saturation levels the run leaves out as nodata (:func:`scene_blocks`).
        """
        if self.clouds is None or getattr(self.clouds, "per_pixel", False):
            return
        self._origin = (int(window.col_off), int(window.row_off))
        self._blocks = scene_blocks(self.clouds, stack, levels)
        self._reach = CloudReach(self._blocks)
        self._tile = None

    def set_tile(self, window) -> None:
        """The window (relative to the attached scene window) of the next :meth:`scores` call."""
        self._tile = window

    def _tile_clouds(self, shape) -> Optional[np.ndarray]:
        blocks, w = getattr(self, "_blocks", None), getattr(self, "_tile", None)
        if blocks is None or w is None or (int(w.height), int(w.width)) != tuple(shape):
            return None
        c0, r0 = self._origin
        return blocks.window(int(w.col_off) + c0, int(w.row_off) + r0, int(w.width), int(w.height))

    def _tile_near_clouds(self, shape) -> Optional[np.ndarray]:
        """The next tile's pixels within SHADOW_REACH_M of a cloud of the attached scene; None when no scene is attached."""
        reach, w = getattr(self, "_reach", None), getattr(self, "_tile", None)
        if reach is None or w is None or (int(w.height), int(w.width)) != tuple(shape):
            return None
        return reach.window(int(w.col_off) + self._origin[0], int(w.row_off) + self._origin[1], int(w.width), int(w.height))

    def scores(self, bs: BandSet) -> np.ndarray:
        """(K, h, w) probabilities in [0, 1] for the concepts, in order."""
        tile_clouds = self._tile_clouds(bs.valid.shape) if self.clouds is not None else None
        near = self._tile_near_clouds(bs.valid.shape) if self._uses("csmask_shadow") else None
        self._tile = None
        bs = self._without_fill(bs)  # the product's fill codes (no data, defective) are nodata
        raw = bs
        if self.dark:
            bs = subtract_dark_objects(bs, self.dark)
        cache = IndexCache(bs, self.ctx, self.clouds, tile_clouds, self.water_net, raw)
        if self._uses("csmask_shadow") and self.clouds is not None:
            cache.near_cloud = near if near is not None else \
                near_clouds(cache.cloud_probabilities(), SHADOW_REACH_M / max(self.ctx.pixel_m, 1e-3))
        cloud, shadow = self.cloud_classes(cache)
        out = np.empty((len(self.concepts), *bs.valid.shape), dtype=np.float32)
        self._blind: dict[int, np.ndarray] = {}
        self._sar_only: dict[int, np.ndarray] = {}
        for k, c in enumerate(self.concepts):
            self._last_sar_only = None
            z, blind = self._concept_logit(self.rules[c], cache, cloud, shadow)
            z, blind, sar_only = self._fall_back(c, cache, cloud, shadow, z, blind, self._last_sar_only)
            if blind is not None and blind.any():
                self._blind[k] = blind
            if sar_only is not None:
                self._sar_only[k] = sar_only
            out[k] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    def excluded(self, bs: BandSet, scores: np.ndarray, n_wanted: int) -> Optional[np.ndarray]:
        """Pixels without evidence: where a wanted concept is blind (clouds/shadows) and no concept with evidence claims them."""
        blind = [b for k, b in getattr(self, "_blind", {}).items() if k < n_wanted]
        if not blind:
            return None  # no clouds known, or every wanted concept still has evidence (SAR) under them
        any_blind = np.logical_or.reduce(blind)
        claimed = np.zeros(any_blind.shape, dtype=bool)
        for k in range(n_wanted):
            seen = ~self._blind[k] if k in self._blind else True
            claimed |= (scores[k] >= 0.5) & seen
        return any_blind & ~claimed

    def explain(self) -> list[str]:
        """One line per concept: the variants, indices, thresholds and fusion used."""
        lines = []
        for c in self.concepts:
            cr = self.rules[c]
            parts = [v.describe() for v in cr.variants]
            s = t(" fused with ").join(parts)
            if cr.fused:
                fam, a, w0 = cr.fusion_weights()
                masked = self.use_cloud_mask and cr.cloud_masked
                f = dict(fam=family_name(fam), a=decimal(f"{a:g}"), w=decimal(f"{w0:g}"))
                if masked:
                    rise = "" if w0 >= 1.0 else t(", SAR's rising to 1 with the cloud network's cloud + shadow probability")
                    s += " " + t("(sum of log-odds: {fam} x {a} + SAR x {w} under a clear sky{rise}; SAR alone where the optical "
                                 "image is nodata or cloudy, {fam} alone where SAR is nodata)", rise=rise, **f)
                else:
                    # a caller that masks clouds itself (change detection: nodata of either date) runs the rules without
                    rise = "" if w0 >= 1.0 else t(" (no cloud network here)") if self.ctx.cloud_mask else t(
                        " (clouds not masked by these rules)")
                    s += " " + t("(sum of log-odds: {fam} x {a} + SAR x {w} under a clear sky{rise}; SAR alone where the optical "
                                 "image is nodata, {fam} alone where SAR is nodata)", rise=rise, **f)
            elif len(cr.variants) > 1:
                s += " " + t("(weights {weights})", weights=", ".join(f"{family_name(v.family)} {decimal(format(cr.weights.get(v.family, 1.0), 'g'))}" for v in cr.variants))
            lines.append(f"{concept_text(c)}: {s}")
            lines += self._fallback_lines(c)
            caution = catalogue().get(c, {}).get("caution")
            if caution and "classifier" not in cr.families():  # the cautions are about the index rules
                lines.append(f"{concept_text(c)}: " + t("caution: {text}", text=t(caution)))
            rule_caution = rules_table()["concepts"][c].get("caution")  # about the rule whatever family decides it
            if rule_caution:
                lines.append(f"{concept_text(c)}: " + t("caution: {text}", text=t(rule_caution)))
        by_classifier = [c for c in self.concepts if "classifier" in self.rules[c].families()]
        if by_classifier:
            lines.append(classifier_line(by_classifier))
            lines += [c for c in (classifier_outside_training(self.ctx), texture_caution(self.ctx)) if c]
        elif self.classifier_why and any(has_family(c, "classifier") for c in self.concepts):
            by_head = all("vhrnet" in self.rules[c].families() for c in self.concepts if has_family(c, "classifier"))
            lines.append(t("land-cover classifier: not used ({why}); the building head instead", why=self.classifier_why) if by_head
                         else t("land-cover classifier: not used ({why}); index rules instead", why=self.classifier_why))
            if not by_head and self.ctx.reflectance and self.ctx.product_level == "l1c":
                lines.append(t("index rules: caution: they read top-of-atmosphere reflectance here; their fixed "
                               "thresholds are set for surface reflectance, and haze brightens forest past them (a Sentinel-2 "
                               "L1C scene averaged to 100 m came out grassland where it was forest at 30 m), so check the "
                               "classes against the image or use L2A"))
        if any("vhrnet" in self.rules[c].families() for c in self.concepts):
            lines.append(building_head_line(pan=self._uses("vhr_buildings_pan")))
        if self.water_net is not None:
            lines += self.water_net.explain()
        if self.dark:
            lines.append(t("optical values: {detail}", detail=t("not calibrated reflectance, so each band's dark object (its {pct}th "
                                                          "percentile in the scene) was subtracted first: {values}",
                                                          pct=f"{DARK_PERCENTILE:g}",
                                                          values=", ".join(f"{r} {v:.3g}" for r, v in self.dark.items()))))
        if self.ctx.colour_balance is not None:
            lines.append(t("optical values: {detail}", detail=t("not calibrated reflectance, so the excess-green index (ExG) uses the bands "
                                                          "balanced to make the scene's bright surfaces grey: gains red {r}, green "
                                                          "{g}, blue {b}", **dict(zip("rgb", (f"{g:.3g}" for g in self.ctx.colour_balance))))))
        if self._uses("csmask_shadow") and self.clouds is not None:
            lines.append(t("cloud shadow: only within {km} km of a cloud the network finds (a shadow falls about that far from "
                           "its cloud at most: clouds up to 2 km high, sun 22 degrees high or more); dark ground far from any "
                           "cloud is not shadow", km=f"{SHADOW_REACH_M / 1000:g}"))
        if self.ctx.clipped is not None:
            clipped = ", ".join(r for r, c in zip(("red", "green", "blue"), self.ctx.clipped) if np.isfinite(c))
            lines.append(t("optical values: {detail}", detail=t(
                "{bands} clipped at the image's largest value: pixels with a band there count as not vegetation in the "
                "excess-green index (ExG), as a clipped band skews their colour", bands=clipped)))
        if self.clouds is not None and self.use_cloud_mask:
            sar = any("sar" in r.families() for r in self.rules.values())
            narrow_caution = getattr(self.clouds, "narrow_caution", None)  # the cloud network's, after the whole line
            model = self.clouds.describe(caution=False) if narrow_caution else self.clouds.describe()
            caution = narrow_caution() if narrow_caution else ""
            lines.append(t("clouds/shadows: {detail}", detail=(
                t("{model}; cloudy pixels are excluded from the other concepts (SAR still decides under clouds)", model=model)
                if sar else t("{model}; cloudy pixels are excluded from the other concepts", model=model)))
                + ("; " + caution if caution else ""))
        elif self.ctx.cloud_mask:
            lines.append(t("clouds/shadows: {detail}", detail=t("not masked ({why})", why=self.cloud_why)))
        return lines

    def _fallback_lines(self, concept: str) -> list[str]:
        """How a concept is decided where a partial DSM or SAR raster it reads has no data (one line per case)."""
        lines = []
        for gone, fb in self.fallbacks.get(concept, {}).items():
            if (concept, gone) not in self._fell_back:
                continue
            where = _no_data_words(gone)
            if fb is None:
                lines.append(f"{concept_text(concept)}: " + t("{where}: no rule without it, so those pixels are nodata", where=where))
            else:
                lines.append(f"{concept_text(concept)}: " + t("{where}: {rule}", where=where,
                                                              rule=t(" fused with ").join(v.describe() for v in fb.variants)))
        return lines

    @property
    def explains_clouds(self) -> bool:
        """Whether :meth:`explain` has a clouds/shadows line (the explanation then gives the cloud-excluded area, even 0)."""
        return bool((self.clouds is not None and self.use_cloud_mask) or self.ctx.cloud_mask)

    def structured(self) -> dict:
        """Rules per concept as data (for the dock and layer metadata)."""
        return {c: [{"family": v.family, "name": v.name,
                     "terms": [t.as_dict("evidence" if t in v.evidence else "requires") for t in v.terms()]}
                    for v in cr.variants]
                for c, cr in self.rules.items()}


def scene_blocks(masker, stack, levels: Optional[dict[str, float]] = None):
    """A :class:`~.clouds.BlockCache` of the cloud network ``masker`` over the whole grid of ``stack`` (its bands as read),
    the pixels saturated in every band of ``levels`` left out as nodata (:func:`~..quality.drop_saturated`): an
    undeclared fill at the data type's largest value (65535) read as bright cloud over the whole scene."""
    from .clouds import BlockCache

    roles = set(masker.bands)

    def reader(w):
        bs = drop_saturated(stack.read(w, roles), levels or {})[0]
        return bs.bands, bs.valid

    return BlockCache(masker, reader, int(stack.grid.width), int(stack.grid.height))


def near_clouds(probabilities: np.ndarray, reach_px: float) -> np.ndarray:
    """Pixels within ``reach_px`` of a pixel whose likeliest class is cloud ((3, h, w) clear/cloud/shadow probabilities)."""
    return within_reach(np.argmax(probabilities, axis=0) == 1, reach_px)


def within_reach(cloud: np.ndarray, reach: float) -> np.ndarray:
    """Cells within ``reach`` cells of a cloud cell, the distance taken on groups of 1, 2, 4 or 8 x 8 cells (a group
    holding a cloud counts as cloud; a power of two, so the groups of an array cut at a multiple of 8 line up with the
    scene's)."""
    from scipy import ndimage

    h, w = cloud.shape
    if not cloud.any():
        return np.zeros((h, w), dtype=bool)
    step = 1 << int(np.log2(max(1, min(8, reach // 50))))
    rows, cols = -(-h // step) * step, -(-w // step) * step
    padded = np.zeros((rows, cols), dtype=bool)
    padded[:h, :w] = cloud
    cells = padded.reshape(rows // step, step, cols // step, step).any(axis=(1, 3))
    near = ndimage.distance_transform_edt(~cells) * step <= reach
    return np.repeat(np.repeat(near, step, axis=0), step, axis=1)[:h, :w]


class CloudReach:
    """Where a scene lies within SHADOW_REACH_M of a cloud (the cloud network's likeliest class), worked out once per
    block of a :class:`~.clouds.BlockCache` at the network's cells and kept, for the spectral rules and the network
    run alike (per tile, over the tile and 5 km around it, this took 60-80 ms a tile, 8-12 s on 5000 x 5000 px)."""

    ALIGN = 8  # the largest group of :func:`within_reach`

    def __init__(self, blocks, keep: int = 96) -> None:
        self.blocks = blocks
        self.f = blocks.masker.factor
        self.size = blocks.block // self.f  # a block's cells a side
        self.reach = SHADOW_REACH_M / (self.f * max(blocks.masker.pixel_m, 1e-3))  # in cells
        self.rows, self.cols = -(-blocks.height // self.f), -(-blocks.width // self.f)  # the scene's cells
        self.keep = keep
        self._cloud: dict[tuple[int, int], np.ndarray] = {}
        self._near: dict[tuple[int, int], np.ndarray] = {}

    @staticmethod
    def _kept(cache: dict, key, make, keep: int) -> np.ndarray:
        """``cache[key]``, made when missing; the least recently used entries beyond ``keep`` are dropped."""
        if key in cache:
            cache[key] = cache.pop(key)
            return cache[key]
        cache[key] = value = make()
        while len(cache) > keep:
            cache.pop(next(iter(cache)))
        return value

    def _clouds(self, y0: int, y1: int, x0: int, x1: int) -> np.ndarray:
        """Cloud cells of rows y0..y1 and columns x0..x1 of the scene's cells."""
        S, out = self.size, np.zeros((y1 - y0, x1 - x0), dtype=bool)
        for by in range(y0 // S, (y1 - 1) // S + 1):
            for bx in range(x0 // S, (x1 - 1) // S + 1):
                c = self._kept(self._cloud, (by, bx), lambda: np.argmax(self.blocks.cells(by, bx), axis=0) == 1,
                               self.keep * 4)
                r0, c0 = by * S, bx * S
                ya, yb, xa, xb = max(y0, r0), min(y1, r0 + c.shape[0]), max(x0, c0), min(x1, c0 + c.shape[1])
                out[ya - y0:yb - y0, xa - x0:xb - x0] = c[ya - r0:yb - r0, xa - c0:xb - c0]
        return out

    def _near_block(self, by: int, bx: int) -> np.ndarray:
        """A block's cells within reach of a cloud (the blocks within reach of it are read)."""
        def make() -> np.ndarray:
            S, a, r = self.size, self.ALIGN, int(np.ceil(self.reach)) + self.ALIGN
            r0, c0 = by * S, bx * S
            r1, c1 = min(self.rows, r0 + S), min(self.cols, c0 + S)
            y0, x0 = max(0, r0 - r) // a * a, max(0, c0 - r) // a * a
            y1, x1 = min(self.rows, -(-(r1 + r) // a) * a), min(self.cols, -(-(c1 + r) // a) * a)
            near = within_reach(self._clouds(y0, y1, x0, x1), self.reach)
            return near[r0 - y0:r1 - y0, c0 - x0:c1 - x0]
        return self._kept(self._near, (by, bx), make, self.keep)

    def window(self, col_off: int, row_off: int, width: int, height: int) -> np.ndarray:
        """(height, width) pixels of a window of the scene's grid within reach of a cloud."""
        out = np.zeros((height, width), dtype=bool)
        return paste_cells(out, self._near_block, self.f, self.blocks.block, col_off, row_off)


def partial_groups(cr: ConceptRules) -> list[frozenset]:
    """The bands of partial rasters (DSM, SAR) a concept's rules read, by raster; SAR fused with optical evidence is left
    out (the fusion lets the optical decide alone where SAR has no data)."""
    used = cr.roles_of(True) | cr.roles_of(False)
    return [g & used for g in PARTIAL_ROLES if g & used and not (cr.fused and g & cr.roles_of(True))]


def _subsets(groups: list[frozenset]) -> list[tuple]:
    """The non-empty subsets of the groups, as tuples."""
    return [tuple(g for i, g in enumerate(groups) if m >> i & 1) for m in range(1, 2 ** len(groups))]


def _base_valid(bs: BandSet) -> np.ndarray:
    """Where the bands read, other than the partial rasters' (DSM, SAR) and the quality band, are valid."""
    roles = [r for r in bs.role_valid if r != QA_ROLE and not any(r in g for g in PARTIAL_ROLES)]
    return bs.valid_for(roles) if roles else np.ones(bs.valid.shape, dtype=bool)


def _covered(cr: ConceptRules, bs: BandSet, base: np.ndarray) -> np.ndarray:
    """Where a concept's rules have the bands they read: optical or SAR when fused, else the input's bands and the
    partial rasters' the rules read."""
    if cr.fused:
        return bs.valid_for(cr.roles_of(False)) | bs.valid_for(cr.roles_of(True))
    partial = [r for g in partial_groups(cr) for r in g]
    return base & bs.valid_for(partial) if partial else base


def _no_data_words(gone: tuple) -> str:
    """'where the DSM has no data', 'where SAR has no data' or both, for the rule lines."""
    dsm, sar = any("height" in g for g in gone), any(not {"height"} & g for g in gone)
    if dsm and sar:
        return t("where neither the DSM nor SAR has data")
    return t("where the DSM has no data") if dsm else t("where SAR has no data")


def landnet_usable(roles: set[str]) -> bool:
    """Whether water may come from the land-cover network within a spectral run: no SWIR and no SAR are given (where the
    rules' water is weak: RGB 0.39 vs the network's 0.68 held out; with SWIR the rules are within 0.02 of it, with SAR
    they fuse it themselves), the network is bundled and its card prefers it for these bands."""
    if {"vv", "vh", "swir1"} & roles:
        return False
    try:
        from .network import network_available
    except ImportError:
        return False
    return network_available(["water"], roles, for_auto=True)[0]


def head_unusable(roles: set[str], pixel_m: Optional[float]) -> frozenset:
    """{'vhrnet'} when the building head cannot read these bands at this pixel size (or the size is unknown), else empty."""
    return frozenset() if pixel_m is not None and buildings_vhr.usable(roles, pixel_m)[0] else frozenset({"vhrnet"})


def stand_in(concept: str, roles: set[str], pixel_m: Optional[float], unusable: frozenset = frozenset()) -> Optional[str]:
    """The part that takes a class's place when the bands cannot give the class but can give the part (concepts.json
    'stand_ins': buildings for built-up on a 0.25-1 m photo); None otherwise."""
    part = load_json("concepts.json").get("stand_ins", {}).get(concept)
    off = unusable | head_unusable(roles, pixel_m)
    if part and select_rules(concept, roles, off) is None and select_rules(part, roles, off) is not None:
        return part
    return None


def has_family(concept: str, family: str) -> bool:
    """Whether a concept has a rule of this family (e.g. 'classifier': the land-cover classifier can give it)."""
    return any(v["family"] == family for v in rules_table()["concepts"].get(concept, {}).get("variants", []))


def building_head_line(pan: bool = False) -> str:
    """What the building head is, what it read (red, green, blue, or a panchromatic band as grey), and how it did on the
    building tile it never trained on."""
    card = buildings_vhr.load_card()
    m = card.get("metrics", {}).get("held_out", {})
    if pan:
        return t("building head: {file} (bundled ONNX on the promptable network's encoder, sha256 {sha}…; the panchromatic "
                 "band read as grey red, green and blue at 0.5 m, trained on two 0.5 m building tiles of Rio de Janeiro and "
                 "Atlanta); on a red, green, blue tile it never saw ({tile}) pixel IoU {iou} (precision {p}, recall {r}), {found} "
                 "buildings found: candidates to check, not a survey",
                 file=card["file"], sha=card["sha256"][:12], tile=m.get("tile", "?"), iou=decimal(f"{m.get('iou', 0):.2f}"),
                 p=decimal(f"{m.get('precision', 0):.2f}"), r=decimal(f"{m.get('recall', 0):.2f}"),
                 found=m.get("buildings_found", "?"))
    return t("building head: {file} (bundled ONNX on the promptable network's encoder, sha256 {sha}…; red, green, blue read "
             "at 0.5 m, trained on two 0.5 m building tiles of Rio de Janeiro and Atlanta); on a tile it never saw ({tile}) "
             "pixel IoU {iou} (precision {p}, recall {r}), {found} buildings found: candidates to check, not a survey",
             file=card["file"], sha=card["sha256"][:12], tile=m.get("tile", "?"), iou=decimal(f"{m.get('iou', 0):.2f}"),
             p=decimal(f"{m.get('precision', 0):.2f}"), r=decimal(f"{m.get('recall', 0):.2f}"), found=m.get("buildings_found", "?"))


def _measured_as(concept: str, held: dict) -> Optional[str]:
    """The concept whose held-out score is this concept's: itself, or one whose classifier rule is the same (buildings at
    10-30 m are built-up's pixels), else None."""
    if concept in held:
        return concept
    rules = rules_table()["concepts"]

    def classifier_rule(c: str) -> list[dict]:
        return [{k: v[k] for k in ("evidence", "requires") if k in v} for v in rules.get(c, {}).get("variants", [])
                if v["family"] == "classifier"]

    mine = classifier_rule(concept)
    return next((other for other in held if mine and mine == classifier_rule(other)), None)


def classifier_line(concepts_used: list[str]) -> str:
    """What the land-cover classifier is, and how well the concepts it gave did on chips it never trained on."""
    card = pixel_classifier.load_card()
    held = card.get("spectral_engine_held_out", {})
    cat = catalogue()
    measured = {c: m for c in concepts_used for m in [_measured_as(c, held)] if m}
    scores = ", ".join(f"{label_in_text(t(cat[c]['label']))} {decimal(f'{held[m]:.2f}')}" for c, m in measured.items())
    return t("land-cover classifier: {file} (bundled ONNX MLP, sha256 {sha}…; reflectance, indices and their texture over "
             "90-210 m, trained on ESA WorldCover labels of 30 m HLS chips); held-out IoU against WorldCover: {scores}",
             file=card["file"], sha=card["sha256"][:12], scores=scores or t("not measured"))


def classifier_outside_training(ctx: Context) -> str:
    """A caution when the land-cover classifier (trained on 30 m surface reflectance) reads finer pixels or top-of-atmosphere
    values (Sentinel-2 L1C at 10 m: OSCD Mumbai's dense settlement and landfill 22 % cropland, Abu Dhabi's city blocks
    74 % bare soil), else ''."""
    finer, toa = ctx.pixel_m < CLASSIFIER_FINE_M, ctx.product_level == "l1c"
    if not (finer or toa):
        return ""
    what = (t("{size} m top-of-atmosphere reflectance", size=f"{ctx.pixel_m:.2g}") if finer and toa
            else t("{size} m pixels", size=f"{ctx.pixel_m:.2g}") if finer else t("top-of-atmosphere reflectance"))
    return t("land-cover classifier: caution: it was trained on 30 m surface reflectance (HLS chips) and reads {what} here, "
             "outside its training: dense city cores and landfills have come out as cropland or bare soil on such scenes, so "
             "check the classes against the image", what=what)


def texture_caution(ctx: Context) -> str:
    """The land-cover classifier's caution when the run's extent is narrower than its texture window, else ''."""
    return pixel_classifier.texture_caution(*ctx.extent_px, ctx.pixel_m) if ctx.extent_px else ""


def cannot_extract(concept: str, roles: set[str]) -> ModalityError:
    """The error for a concept no rule can extract from these bands: what is missing and how to get it (for one band read
    as panchromatic, e.g. a SAR amplitude or a DSM whose file name a model's clip step lost: the MODALITY that reads it)."""
    fix = _hint(concept)
    if set(roles) == {"pan"}:
        said = {"vv": t("If the band is SAR backscatter (VV or VH), set MODALITY to 'sar' or describe the band as VV."),
                "height": t("If the band holds heights, set MODALITY to 'dsm' or describe the band as DSM.")}
        fix = " ".join([s for role, s in said.items() if select_rules(concept, frozenset({role}), frozenset())] + [fix])
    return ModalityError(t("The spectral engine cannot extract '{concept}' from the bands given ({bands}).", concept=concept_text(concept),
                           bands=band_list(roles)), fix)


def band_list(roles: set[str], shown: int = 12) -> str:
    """Band roles as a message names them: sorted naturally (band2 before band10), the first ``shown`` and how many more
    (a 200-band cube read as 'generic' listed all 200 in one message)."""
    import re

    names = sorted(roles, key=lambda r: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", r)])
    if not names:
        return t("none")
    more = len(names) - shown
    return ", ".join(names[:shown]) + (t(" and {n} more", n=more) if more > 0 else "")


def _hint(concept: str) -> str:
    """What bands would let the engine extract a concept (and, for objects such as buildings, the by-example route that
    needs no other bands)."""
    fams = sorted({d["family"] for d in rules_table()["concepts"].get(concept, {}).get("variants", [])} - {"classifier", "landnet"})
    need = {"optical": t("multispectral bands (green, red, NIR, SWIR)"), "rgb": "RGB", "sar": t("SAR VV/VH (SAR_INPUT)"),
            "height": t("a DSM/nDSM (DSM_INPUT) with optical or RGB bands"), "cloudnet": t("blue, green, red and NIR reflectance"),
            "quality": t("a quality band (SCL, QA_PIXEL, Fmask) in the raster"),
            "vhrnet": t("red, green and blue (or a panchromatic band) at 0.25-1 m pixels")}
    hint = t("Give {bands}, or change the prompt.", bands=t(" or ").join(need.get(f, f) for f in fams))
    if load_json("concepts.json")["concepts"].get(concept, {}).get("objects_by_example"):
        hint += " " + t("Or, on this image as it is: click a few of them in the Interactive tab, accept them (Enter), then "
                        "'Find similar' (terraprompt:find_similar) finds the others.")
    return hint
