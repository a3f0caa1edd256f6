"""RasterSource: a small read-only view over anything GDAL opens, through rasterio.

It exposes the facts every engine needs (CRS, transform, size, bands, dtypes,
descriptions, nodata, masks) and reads windows with a band subset, optionally
resampled onto another grid, without ever reading the whole raster.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Callable, Iterator, Optional, Sequence
from xml.sax.saxutils import escape

import numpy as np
import rasterio
from rasterio.crs import CRS
from rasterio.enums import ColorInterp, Resampling
from rasterio._err import CPLE_BaseError
from rasterio.errors import CRSError, RasterioIOError
from rasterio.transform import Affine
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from .errors import Cancelled, InputError
from .layer_settings import LayerSettings
from .messages import number, separator, t
from .sources import container_file, missing_files


@dataclass(frozen=True)
class Grid:
    """A raster grid: CRS, affine transform and size in pixels."""

    crs: CRS
    transform: Affine
    width: int
    height: int

    @property
    def shape(self) -> tuple[int, int]:
        """(rows, cols) as numpy orders them."""
        return self.height, self.width

    def bounds(self) -> tuple[float, float, float, float]:
        """(left, bottom, right, top) in the grid's CRS: the box around its four corners (south-up and rotated grids too,
        whose corners rasterio's array_bounds gives unordered)."""
        xs, ys = self.transform * (np.array([0, self.width, self.width, 0]), np.array([0, 0, self.height, self.height]))
        return float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())  # west, south, east, north

    def window_transform(self, window: Window) -> Affine:
        """Affine transform of a window of this grid."""
        return rasterio.windows.transform(window, self.transform)


@dataclass
class RasterSource:
    """An opened raster: metadata plus windowed reads. Use :func:`open_raster`."""

    path: str
    grid: Grid
    count: int
    dtypes: tuple[str, ...]
    descriptions: tuple[str, ...]
    nodata: Optional[float]
    tags: dict = field(default_factory=dict)
    band_tags: tuple[dict, ...] = ()
    """Each band's own metadata items (default domain): product-band writers put BOA_ADD_OFFSET or PROCESSING_BASELINE
    there rather than on the dataset."""
    units: tuple[str, ...] = ()
    """Each band's unit as GDAL reports it ('' when unset), e.g. 'm' on many DSMs."""
    scales: tuple[float, ...] = ()
    """Each band's GDAL scale (1.0 when unset): physical value = raw × scale + offset."""
    offsets: tuple[float, ...] = ()
    """Each band's GDAL offset (0.0 when unset)."""
    is_complex: bool = False
    overviews: tuple[int, ...] = ()
    zero_fill: bool = False
    """Pixels that are 0 in every band read are nodata (see :func:`zero_is_fill` and :func:`float_zero_fill`)."""
    zero_fill_bands: tuple[int, ...] = ()
    """Bands (1-based) of a zero-fill product whose 0 alone is nodata (:func:`product_zero_bands`): Sentinel-2 and Landsat
    store no measurement as 0, so a band at 0 where its footprint ends (a swath edge's SWIR) is no value."""
    db_zero_fill: bool = False
    """0 in every band is the fill of SAR in dB (see :func:`db_zero_fill`): kept out of the warper's resampling kernel in
    :meth:`read_on_grid`; reads leave it to the SAR scaling, which masks it and says so (``Scaling.no_measurement``)."""
    validity_band: Optional[int] = None
    """A band described as the data mask ('dataMask' of openEO / Sentinel Hub exports: 1 data, 0 none): every read is
    masked where it is 0 (where it is below 1 after resampling). It stays one of the bands (no role reads it)."""
    alpha_band: Optional[int] = None
    """The file's trailing alpha band (RGBA orthophotos, QGIS 'rendered image' exports): coverage, not data. It is left
    out of ``count`` and the per-band tuples; GDAL turns it into the mask of every read."""
    open_path: Optional[str] = None
    """What GDAL opens when it is not ``path`` itself: the red/green/blue VRT of a paletted raster (:func:`palette_vrt`)
    or the warped VRT of a raster placed by ground control points (:func:`gcp_warped_vrt`)."""
    palette_expanded: bool = False
    """True when ``path`` is one band of palette indices read through its colour table as red, green and blue."""
    gcp_count: int = 0
    """How many ground control points placed the raster when it has no geotransform (read warped by them, see
    :func:`gcp_warped_vrt`); 0 for a raster with its own grid."""
    band_sources: tuple[str, ...] = ()
    """For a virtual raster (VRT), the file name each band reads from ('' where unknown); empty for other rasters."""
    names_from_sources: bool = False
    """True when ``descriptions`` are the band names in ``band_sources`` (the VRT itself describes no band)."""
    user_nodata: tuple[tuple[float, float], ...] = ()
    """Value ranges set as nodata on the layer in QGIS (:class:`LayerSettings`), masked in every band of every read."""
    drawn_rgb: tuple[int, ...] = ()
    """Bands 1-3 in the order the layer in QGIS draws them as red, green, blue, when not 1, 2, 3 (:class:`LayerSettings`)."""
    colour_order: tuple[int, ...] = ()
    """Bands 1-3 in the order the file's GDAL colour interpretation declares red, green, blue, when it declares them in
    another order than 1, 2, 3 (a blue, green, red file tagged so: :func:`declared_rgb`); () otherwise."""
    file_crs: str = ""
    """When ``grid.crs`` is the CRS the analyst set on the layer in QGIS instead of the file's: what the file says
    ('none' for a file without one); '' when the grid's CRS is the file's own."""
    wavelengths: tuple[str, ...] = ()
    """Each band's centre wavelength from its metadata ('wavelength' and 'wavelength_units' items, as GDAL's ENVI driver
    gives them: '431.66 Nanometers'; 'CENTRAL_WAVELENGTH_UM', also in the band's IMAGERY domain; the dataset's ENVI-domain
    'wavelength' list), '' where it has none."""
    bad_bands: tuple[int, ...] = ()
    """The bands (1-based) an ENVI bad-band list ('bbl' in the ENVI metadata domain) flags 0: detector noise or absorption,
    never read for a role."""
    class_map: str = ""
    """Why a one-band raster is a class map or id raster rather than imagery (TerraPrompt's class list, GDAL category
    names), '' when its metadata says nothing of the kind (:func:`class_map_evidence`)."""
    attribute_table: bool = False
    """Whether its one band has a raster attribute table: ArcGIS attaches one to many integer rasters (DSMs, pan
    included), so it marks a class map only together with few values (:func:`few_values`)."""
    class_map_ok: bool = False
    """Opened for the interactive tools (``expand_palette="always"``): a class map is read as a one-band image (its
    regions clicked), not refused."""
    _local: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    def dataset(self):
        """The open rasterio dataset of this thread (opened once: reopening a big VRT per tile is slow)."""
        ds = getattr(self._local, "ds", None)
        if ds is None or ds.closed:
            ds = rasterio.open(self.open_path or self.path)
            self._local.ds = ds
        return ds

    def close(self) -> None:
        """Close this thread's dataset handle (it reopens on the next read)."""
        ds = getattr(self._local, "ds", None)
        if ds is not None:
            ds.close()
            self._local.ds = None

    @property
    def width(self) -> int:
        return self.grid.width

    @property
    def height(self) -> int:
        return self.grid.height

    @property
    def crs(self) -> CRS:
        return self.grid.crs

    @property
    def transform(self) -> Affine:
        return self.grid.transform

    def read(
        self,
        window: Optional[Window] = None,
        bands: Optional[Sequence[int]] = None,
        out_shape: Optional[tuple[int, int]] = None,
        resampling: Resampling = Resampling.bilinear,
    ) -> np.ma.MaskedArray:
        """Read a window (default: all) of the given 1-based bands as float32, masked where invalid.

        Complex bands are returned as intensity (|z|^2). ``out_shape`` resamples
        the window (GDAL picks overviews when they exist).
        """
        bands = list(bands) if bands else list(range(1, self.count + 1))
        want = bands + ([self.validity_band] if self.validity_band else [])  # the data mask comes last, then goes
        try:
            kw = {"out_shape": (len(want), *out_shape), "resampling": resampling} if out_shape is not None else {}
            data = read_bands(self.dataset(), want, window=window, masked=True, **kw)
        except (RasterioIOError, CPLE_BaseError) as exc:
            raise _read_error(self.path, exc) from exc
        return self._mask_fill(self._mask_validity(_to_float(data, self.is_complex)), bands)

    def _mask_validity(self, data: np.ma.MaskedArray) -> np.ma.MaskedArray:
        """The bands of a read made with the data-mask band appended, masked where that band says no data."""
        if not self.validity_band:
            return data
        none = ~(np.asarray(data.data[-1]) >= 0.999) | np.ma.getmaskarray(data)[-1]
        return np.ma.MaskedArray(data.data[:-1], mask=np.ma.getmaskarray(data)[:-1] | none[None])

    def _mask_fill(self, data: np.ma.MaskedArray, bands: Sequence[int]) -> np.ma.MaskedArray:
        """Mask the values set as nodata on the layer in QGIS, the pixels that are 0 in every band of the read when
        the raster uses 0 as fill, and 0 in each of ``bands`` (the bands read) that :attr:`zero_fill_bands` holds."""
        if not self.user_nodata and not self.zero_fill:
            return data
        values = np.asarray(data.data)
        fill = (values == 0).all(axis=0)[None] if self.zero_fill else None  # one plane, broadcast over the bands
        own = [k for k, b in enumerate(bands) if b in self.zero_fill_bands]
        if own:
            fill = np.broadcast_to(fill, values.shape).copy()
            fill[own] |= values[own] == 0
        for low, high in self.user_nodata:
            hit = (values >= np.float32(low)) & (values <= np.float32(high))
            fill = hit if fill is None else fill | hit
        return np.ma.MaskedArray(values, mask=np.ma.getmaskarray(data) | fill) if fill.any() else data

    def read_on_grid(
        self,
        grid: Grid,
        window: Optional[Window] = None,
        bands: Optional[Sequence[int]] = None,
        resampling: Resampling = Resampling.bilinear,
    ) -> np.ma.MaskedArray:
        """Read bands reprojected/resampled onto another grid (a window of it), masked outside."""
        wanted = list(bands) if bands else list(range(1, self.count + 1))
        window = window or Window(0, 0, grid.width, grid.height)
        try:
            ds = self.dataset()
            nodata = ds.nodata
            if nodata is None and len(self.user_nodata) == 1 and self.user_nodata[0][0] == self.user_nodata[0][1]:
                nodata = self.user_nodata[0][0]  # one value set in QGIS: the warper leaves it out of the resampling
            bands = wanted + ([self.validity_band] if self.validity_band else [])
            if nodata is not None:
                with WarpedVRT(ds, src_crs=self.crs, crs=grid.crs, transform=grid.transform, width=grid.width,
                               height=grid.height, resampling=resampling, src_nodata=nodata, nodata=nodata) as vrt:
                    data = read_bands(vrt, bands, window=window, masked=True)
            else:
                # No nodata value: a fill value would mask real pixels equal to it (a DSM at sea level),
                # so let the warper mark coverage in an alpha band (it honours internal masks too; a file's own
                # alpha band is warped as that band). Where 0 in every band is fill, the warper leaves it out of the
                # resampling kernel: blended into the pixels along a collar it made them dark data (false change).
                fill = dict(src_nodata=0, UNIFIED_SRC_NODATA="YES") if self.zero_fill or self.db_zero_fill else {}
                with WarpedVRT(ds, src_crs=self.crs, crs=grid.crs, transform=grid.transform, width=grid.width,
                               height=grid.height, resampling=resampling, add_alpha=self.alpha_band is None, **fill) as vrt:
                    raw = read_bands(vrt, bands + [vrt.count], window=window)
                alpha = raw[-1] == 0
                data = np.ma.MaskedArray(raw[:-1], mask=np.broadcast_to(alpha, raw[:-1].shape))
        except (RasterioIOError, CPLE_BaseError) as exc:
            raise _read_error(self.path, exc) from exc
        return self._mask_fill(self._mask_validity(_to_float(data, self.is_complex)), wanted)

    def sample(self, bands: Optional[Sequence[int]] = None, max_pixels: int = 1_000_000) -> np.ma.MaskedArray:
        """A decimated read of the whole raster (from overviews when present) for statistics; a slow one (a large
        raster without overviews: minutes for 13 bands of a Sentinel-2 tile) is read in strips, a run's cancel checked
        between them (:func:`cancellable_reads`)."""
        scale = max(1.0, float(np.sqrt(self.width * self.height / max_pixels)))
        shape = (max(1, int(self.height / scale)), max(1, int(self.width / scale)))
        check = getattr(_READS, "is_cancelled", None)
        if check is None or not sample_is_slow(self):
            return self.read(bands=bands, out_shape=shape, resampling=Resampling.nearest)
        parts = []
        for i in range(SAMPLE_STRIPS):
            r0, r1 = self.height * i // SAMPLE_STRIPS, self.height * (i + 1) // SAMPLE_STRIPS
            h0, h1 = shape[0] * i // SAMPLE_STRIPS, shape[0] * (i + 1) // SAMPLE_STRIPS
            if h1 <= h0 or r1 <= r0:
                continue
            if check():
                raise Cancelled()
            parts.append(self.read(Window(0, r0, self.width, r1 - r0), bands, (h1 - h0, shape[1]), Resampling.nearest))
        return np.ma.concatenate(parts, axis=1)


SAMPLE_STRIPS = 16
"""Strips a slow whole-raster sample is read in, a cancel checked between them."""
_READS = threading.local()


@contextmanager
def cancellable_reads(is_cancelled: Optional[Callable[[], bool]]) -> Iterator[None]:
    """While the block runs in this thread, slow whole-raster samples (scene statistics before a run's first tile) stop
    at ``is_cancelled`` with :class:`Cancelled` (Cancel waited five minutes on a Sentinel-2 tile without overviews)."""
    previous = getattr(_READS, "is_cancelled", None)
    _READS.is_cancelled = is_cancelled
    try:
        yield
    finally:
        _READS.is_cancelled = previous


def reads_cancellable(fn: Callable) -> Callable:
    """Decorator: run a core function taking ``is_cancelled`` inside :func:`cancellable_reads` of it."""
    import functools
    import inspect

    signature = inspect.signature(fn)

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with cancellable_reads(signature.bind_partial(*args, **kwargs).arguments.get("is_cancelled")):
            return fn(*args, **kwargs)
    return run


def _read_error(path: str, exc: Exception) -> InputError:
    """The analyst-facing error for a raster that opens but cannot be read (truncated, corrupt blocks)."""
    return InputError(
        t("GDAL cannot read part of '{name}': {reason}.", name=os.path.basename(path), reason=exc),
        t("The file may be corrupt or incomplete (e.g. an interrupted download or copy); re-export or re-download it."),
    )


def read_bands(ds, bands: Sequence[int], **kw) -> np.ndarray:
    """``ds.read(bands, **kw)``; bands of different data types (a virtual raster of Int16 and UInt16 band files), which
    rasterio refuses to read together, are read one by one into their common type."""
    types = {ds.dtypes[b - 1] for b in bands}
    if len(types) <= 1 or any(d.startswith("complex") for d in types):
        return ds.read(bands, **kw)
    common = np.result_type(*types)
    shape = kw.pop("out_shape", None)
    parts = [ds.read([b], **kw, **({"out_shape": (1, *shape[1:])} if shape is not None else {})).astype(common) for b in bands]
    return np.ma.concatenate(parts) if kw.get("masked") else np.concatenate(parts)


def _to_float(data: np.ma.MaskedArray, is_complex: bool) -> np.ma.MaskedArray:
    """float32 with a full boolean mask; complex → intensity; NaN masked."""
    mask = np.ma.getmaskarray(data)
    arr = np.asarray(data.data)
    if is_complex:
        arr = (arr.real.astype(np.float64) ** 2 + arr.imag.astype(np.float64) ** 2)
    integer = arr.dtype.kind in "iub"
    arr = arr.astype(np.float32, copy=False)
    if integer:  # integers are always finite: skip the NaN pass
        return np.ma.MaskedArray(arr, mask=mask)
    nan = ~np.isfinite(arr)
    if nan.any():
        mask = mask | nan
        arr = np.where(nan, 0, arr)
    return np.ma.MaskedArray(arr, mask=mask)


def zero_is_fill(nodata: Optional[float], dtypes: Sequence[str]) -> bool:
    """True for multiband integer imagery without a nodata value: 0 in every band is then the fill of collars and
    mosaic gaps (the Sentinel-2 NO_DATA value, the Landsat fill, black borders of 8-bit exports), not a measurement."""
    return nodata is None and len(dtypes) >= 3 and all(np.dtype(d).kind in "iu" for d in dtypes)


FLOAT_ZERO_FILL_SHARE = 0.005
"""Share of a sample that must be 0.0 in every band for float reflectance without a nodata value to take it as fill
(:func:`float_zero_fill`). No float raster of three bands or more in ../shared/data holds a pixel 0.0 in every band
(0 % of each); SLC-off stripes written as 0.0 (gdal_translate -ot Float32, a GEE unmask(0)) covered 23 %."""
DECLARED_ZERO_SHARE = 0.01
"""Share of a sample 0 in every band (and not the declared nodata value) above which :func:`fill_note` cautions."""


def zero_share(ds, count: int) -> float:
    """The share of the pixels of :func:`five_windows` that are 0 in every one of ``count`` bands and not the declared
    nodata value (0 when no pixel is left)."""
    v = _five_windows(ds, range(1, count + 1))
    data = np.ones(v.shape[1], bool) if ds.nodata is None else ~(v == ds.nodata).any(axis=0)
    return float(((v == 0).all(axis=0) & data).sum()) / max(int(data.sum()), 1)


def float_zero_fill(ds, dtypes: Sequence[str]) -> bool:
    """True for three float bands or more without a nodata value whose pixels are 0.0 in every band in at least
    FLOAT_ZERO_FILL_SHARE of a sample: the fill of stripes and collars written as float (no surface reflects exactly
    nothing in every band), nodata as integer imagery's 0 is (:func:`zero_is_fill`). Read on five small windows."""
    if ds.nodata is not None or len(dtypes) < 3 or not all(np.dtype(d).kind == "f" for d in dtypes):
        return False
    return zero_share(ds, len(dtypes)) >= FLOAT_ZERO_FILL_SHARE


_PRODUCT_BAND = re.compile(r"(?:SR_)?B(?:0?[1-9]|1[0-2]|8A)", re.I)
"""Band descriptions of Sentinel-2 (B01 ... B12, B8A) and Landsat (B1 ... B11, SR_B1 ...) products, also as a virtual
raster's source file names give them (:func:`band_names_in_file_names`)."""


def product_zero_bands(dtypes: Sequence[str], descriptions: Sequence[str], zero_fill: bool) -> tuple[int, ...]:
    """The bands (1-based) whose 0 alone is nodata: the unsigned 16-bit bands a zero-fill raster's descriptions name
    as Sentinel-2 or Landsat bands, whose products write no measurement as 0 (at a swath edge the SWIR and 60 m bands
    end before the others: MNDWI with SWIR1 = 0 read as water). Other rasters keep 0 in some bands as a value (HLS'
    signed reflectance holds 0 in one band on up to 0.5 % of its pixels, 8-bit colours hold pure red)."""
    if not zero_fill:
        return ()
    return tuple(i for i, (d, desc) in enumerate(zip(dtypes, descriptions), start=1)
                 if d == "uint16" and _PRODUCT_BAND.fullmatch(desc.strip()))


def fill_note(src: "RasterSource") -> str:
    """What the explanation says of a fill nobody declared ('' when nothing): float 0.0 in every band taken as nodata
    (:func:`float_zero_fill`), or 0 in every band on more than DECLARED_ZERO_SHARE of a sample although the declared
    nodata value is another (SLC-off stripes of 0 under a declared -9999: read as data)."""
    float_bands = all(np.dtype(d).kind == "f" for d in src.dtypes)
    if src.count < 3 or not (src.nodata is not None or (src.zero_fill and float_bands)):
        return ""
    share = 100.0 * zero_share(src.dataset(), src.count)
    if src.nodata is None:
        return separator() + t("0.0 in every band ({pct} % of a sample) is an undeclared fill, not reflectance: nodata",
                               pct=number(share, 1))
    if share <= 100.0 * DECLARED_ZERO_SHARE:
        return ""
    return separator() + t("caution: {pct} % of a sample is 0 in every band, but the nodata value declared is {nodata}: "
                           "those pixels (stripes, collars) are read as data; if they are gaps, set 0 as the nodata value "
                           "(Layer Properties > Transparency, or gdal_translate -a_nodata 0)",
                           pct=number(share, 1), nodata=f"{src.nodata:g}")


def lone_band_zero_fill(ds) -> bool:
    """True for one unsigned integer band without a nodata value whose 0 stands apart from its values (a panchromatic
    image's black corners: its darkest measured values are tens of DN, not 1): 0 is the fill there, as in multiband
    imagery. A class map (few values) or heights touching 0 keep their 0. Read on five small windows."""
    if ds.count != 1 or ds.nodata is not None or np.dtype(ds.dtypes[0]).kind != "u":
        return False
    # the four corners (where an orthophoto's fill is) and the centre, 128 px each: a few blocks of any raster (a
    # decimated read of a large one without overviews reads every block, at every opening)
    w, h = min(128, ds.width), min(128, ds.height)
    v = np.concatenate([ds.read(1, window=Window(int((ds.width - w) * fx), int((ds.height - h) * fy), w, h)).ravel()
                        for fx, fy in ((0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5))])
    measured = v[v > 0]
    if not (v == 0).any() or measured.size < 100 or np.unique(measured).size < 64:
        return False
    return float(np.percentile(measured, 0.1)) >= LONE_BAND_FILL_GAP


LONE_BAND_FILL_GAP = 8
"""The darkest 0.1 % of a lone band's non-zero values must be at least this many DN for its 0 to be fill."""


def _five_windows(ds, bands: Sequence[int]) -> np.ndarray:
    """(bands, pixels) of the four corners (where a collar is) and the centre, 128 px each: a few blocks of any raster."""
    return np.concatenate([ds.read(list(bands), window=win).reshape(len(bands), -1)
                           for win in five_windows(ds.width, ds.height)], axis=1)


def five_windows(width: int, height: int) -> list[Window]:
    """The four corners (where a collar is) and the centre of a raster, 128 px each, each once (a small raster's
    coincide)."""
    w, h = min(128, width), min(128, height)
    origins = dict.fromkeys((int((width - w) * fx), int((height - h) * fy))
                            for fx, fy in ((0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5)))
    return [Window(x, y, w, h) for x, y in origins]


DB_P99_MAX = 10.0
"""Backscatter in dB has its 99th percentile below this (a few bright targets reach some dB); heights, reflectance and
digital numbers go above it."""


def looks_like_db(values: np.ndarray, median_max: float = 0.0) -> bool:
    """Whether one band's valid values look like SAR backscatter in dB (a median below ``median_max``, a 99th percentile
    below :data:`DB_P99_MAX`): the one test the modality detection and :func:`db_zero_fill` read dB by."""
    return values.size > 0 and float(np.median(values)) < median_max and float(np.percentile(values, 99)) < DB_P99_MAX


def db_zero_fill(ds, dtypes: Sequence[str]) -> bool:
    """True for two to four float bands without a nodata value that look like SAR backscatter in dB in every band
    (:func:`looks_like_db`, as the modality's backscatter test reads them) and hold pixels 0
    in every band: 0 dB in VV and VH at once is no backscatter but the fill of a GEE export or of gdalwarp's collar
    (without -dstnodata), to be kept out of the resampling kernel as integer imagery's 0 is (bilinear onto another grid,
    it blended into the edge pixels: change F1 0.806 instead of 0.852). One float band stays as it is: heights below
    sea level are negative too, and 0 m is a height. Read on five small windows."""
    if ds.nodata is not None or not 2 <= len(dtypes) <= 4 or not all(d.startswith("float") for d in dtypes):
        return False
    v = _five_windows(ds, range(1, len(dtypes) + 1))
    fill = (v == 0).all(axis=0)
    measured = v[:, ~fill & np.isfinite(v).all(axis=0)]
    if not fill.any() or measured.shape[1] < 100:
        return False
    return all(looks_like_db(band) for band in measured)


_CONNECTION = re.compile(r"^(/vsi[a-z0-9_]+/|[A-Z][A-Z0-9_]+:)")
"""A GDAL virtual path or a driver's connection string: 'GPKG:file.gpkg:table' (a GeoPackage holding several rasters, as
QGIS names such layers), 'NETCDF:file.nc:var', 'HDF5:...', 'SENTINEL2_L1C:...', '/vsizip/...' (a Windows drive letter
is one letter, so 'C:' is a path)."""


def is_gdal_source(path: str) -> bool:
    """True for an existing file or a GDAL virtual path / connection string whose file exists (the zip of a '/vsizip/'
    path, the GeoPackage of 'GPKG:file:table'; a remote one cannot be checked here)."""
    if not path:
        return False
    if os.path.exists(path):
        return True
    if not _CONNECTION.match(path):
        return False
    local = container_file(path)
    return local is None or os.path.exists(local)


def trailing_alpha_band(ds) -> Optional[int]:
    """The 1-based index of the last band when it is a coverage band, else None.

    GDAL must call it alpha. In a PNG or WebP that is always so; in a GeoTIFF its values must be 0 and full scale, a
    soft (anti-aliased) edge aside (at most 1 % of its opaque values in between): GDAL also calls the fourth band of any
    8-bit four-band GeoTIFF written without PHOTOMETRIC alpha, which is then an RGBN file's near-infrared band."""
    if ds.count < 2 or ds.colorinterp[-1] != ColorInterp.alpha:
        return None
    if ds.driver in ALPHA_DRIVERS:
        return ds.count
    kind = np.dtype(ds.dtypes[-1])
    if kind.kind not in "iu":
        return None
    # five small windows (centre and quarter points) touch a few blocks of a huge mosaic; a decimated read of the
    # whole band (every block) only when they hold no opaque pixel
    w, h = min(128, ds.width), min(128, ds.height)
    values = [ds.read(ds.count, window=Window(min(max(0, int(ds.width * fx) - w // 2), ds.width - w),
                                              min(max(0, int(ds.height * fy) - h // 2), ds.height - h), w, h))
              for fx, fy in ((0.5, 0.5), (0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75))]
    sample = np.concatenate([v.ravel() for v in values])
    if not sample.any():
        scale = max(1.0, (ds.width * ds.height / 65536) ** 0.5)
        shape = (max(1, int(ds.height / scale)), max(1, int(ds.width / scale)))
        sample = ds.read(ds.count, out_shape=shape, resampling=Resampling.nearest)
    full = np.iinfo(kind).max
    between = int(((sample != 0) & (sample != full)).sum())
    return ds.count if between <= SOFT_ALPHA_SHARE * int((sample != 0).sum()) else None


ALPHA_DRIVERS = ("PNG", "WEBP")
"""Formats whose last band, when GDAL calls it alpha, is always coverage (a PNG's fourth channel is its alpha)."""
SOFT_ALPHA_SHARE = 0.01
"""An alpha band's values between 0 and full scale (its anti-aliased edge) may be at most this share of its non-zero
values; a near-infrared band GDAL calls alpha has them nearly everywhere."""


def open_raster(path: str, require_crs: bool = True, expand_palette: "bool | str" = True,
                layer: Optional[LayerSettings] = None) -> RasterSource:
    """Open and inspect a raster; raise :class:`InputError` with a fix when it cannot be used. A paletted one-band image
    is read as red, green, blue through its colour table unless ``expand_palette`` is False (class maps keep values);
    a paletted class map is refused unless it is "always" (the interactive tools click regions of any paletted raster).
    ``layer``: what the analyst set on the raster's layer in QGIS (its CRS, nodata values): the raster is read with it,
    as QGIS draws it."""
    src = _open_raster(path, require_crs, expand_palette, layer.crs if layer is not None else None)
    if expand_palette == "always":
        src = replace(src, class_map_ok=True)
    if layer is None or not (layer.nodata or layer.drawn_rgb):
        return src
    return replace(src, user_nodata=layer.nodata, drawn_rgb=layer.drawn_rgb)


def _open_raster(path: str, require_crs: bool, expand_palette: "bool | str", crs: Optional[str]) -> RasterSource:
    """open_raster in the layer's CRS ``crs`` (None: the file's)."""
    if not path:
        raise InputError(t("No input raster was given."), t("Choose a raster layer or file."))
    if not is_gdal_source(path):
        raise InputError(t("The raster '{path}' does not exist.", path=container_file(path) or path),
                         t("Check the path or pick another layer."))
    gone = missing_files(path)
    if gone:
        raise InputError(t("The virtual raster '{name}' reads '{path}', which no longer exists.",
                           name=os.path.basename(path), path=gone[0]),
                         t("Restore that file, or build the virtual raster again where its files are now (Raster > "
                           "Miscellaneous > Build Virtual Raster)."))
    layer_crs = _layer_crs(path, crs) if crs else None
    try:
        with rasterio.open(path) as ds:
            if ds.count == 0:
                raise InputError(t("'{path}' has no raster bands.", path=path), t("Choose a raster with at least one band."))
            if ds.crs is None and ds.gcps[0] and ds.gcps[1] is not None:
                vrt = gcp_warped_vrt(path)
                if vrt is None:
                    raise _no_crs_error(ds, path)
                # zeros are fill as they would be in the same file with a geotransform (the warp's alpha only adds
                # what lies outside the GCPs' footprint)
                fill = zero_is_fill(ds.nodata, ds.dtypes) and trailing_alpha_band(ds) is None
                with rasterio.open(vrt) as warped:
                    src = _source(warped, path, open_path=vrt, gcp_count=len(ds.gcps[0]), zero_fill=fill)
                return _in_layer_crs(src, layer_crs, src.crs)
            unplaced = ds.transform.is_identity and layer_crs is not None  # a layer CRS needs the file's geotransform
            if ds.crs is None and ((require_crs and layer_crs is None) or unplaced):
                raise _no_crs_error(ds, path)
            vrt = palette_vrt(ds, path, refuse_class_map=expand_palette != "always") if expand_palette else None
            if vrt is None:
                return _in_layer_crs(_source(ds, path), layer_crs, ds.crs)
            own = ds.crs
        with rasterio.open(vrt) as ds:
            return _in_layer_crs(_source(ds, path, open_path=vrt, palette_expanded=True), layer_crs, own)
    except InputError:
        raise
    except (RasterioIOError, CPLE_BaseError) as exc:
        raise InputError(
            t("GDAL cannot read '{name}': {reason}.", name=os.path.basename(path), reason=exc),
            t("The file may be corrupt or incomplete; re-export or re-download it."),
        ) from exc


def _layer_crs(path: str, crs: str) -> CRS:
    """The CRS set on the raster's layer in QGIS, parsed (a clear error when GDAL does not know it)."""
    try:
        return CRS.from_user_input(crs)
    except CRSError as exc:
        raise InputError(t("The coordinate reference system set on the layer of '{name}' is not one GDAL knows: {reason}.",
                           name=os.path.basename(path), reason=exc),
                         t("Set another one in QGIS (Layer Properties > Source) and run again.")) from exc


def _in_layer_crs(src: RasterSource, layer_crs: Optional[CRS], own: Optional[CRS]) -> RasterSource:
    """The raster placed in the CRS its QGIS layer has, the file's own CRS (``own``) kept in ``file_crs``."""
    if layer_crs is None or (own is not None and own == layer_crs):
        return src
    return replace(src, grid=replace(src.grid, crs=layer_crs), file_crs=crs_label(own) if own is not None else "none")


def crs_label(crs: CRS) -> str:
    """A CRS as analysts read it: its EPSG code when it has one, else GDAL's name for it."""
    code = crs.to_epsg()
    if code:
        return f"EPSG:{code}"
    match = re.match(r'\s*\w+\["([^"]*)"', crs.to_wkt())
    return match.group(1) if match else crs.to_string()


def _no_crs_error(ds, path: str) -> InputError:
    """What to do with a raster that has no CRS (placed by RPCs only, e.g. a satellite product before
    orthorectification, by a geotransform without a CRS, or not at all)."""
    name = os.path.basename(path)
    if ds.rpcs:
        return InputError(t("The raster '{name}' is placed only by rational polynomial coefficients (RPCs): it is not "
                            "orthorectified and has no map grid.", name=name),
                          t("Orthorectify it first (Raster > Projections > Warp (Reproject) with 'Use RPC', or "
                            "gdalwarp -rpc with a DEM) and run on the result."))
    if ds.transform.is_identity:
        return InputError(t("The raster '{name}' is not georeferenced: it has neither a coordinate reference system nor a "
                            "position on the map (no geotransform, world file or ground control points).", name=name),
                          t("Georeference it first (Raster > Georeferencer), or put its world file beside it, and run on "
                            "the result."))
    return InputError(t("The raster '{name}' has no coordinate reference system.", name=name),
                      t("Assign one in QGIS (Layer Properties > Source, or Raster > Projections > Assign Projection) and run again."))


def gcp_warped_vrt(path: str) -> Optional[str]:
    """For a raster placed only by ground control points (a Sentinel-1 GRD measurement file, a scanned map with GCPs),
    the XML of a virtual raster warping it onto a north-up grid in the GCPs' CRS, as QGIS draws such a layer (GDAL's
    automatic warp: nearest neighbour, error threshold 0.125 px); coverage becomes an alpha band and band descriptions,
    units, scales and offsets are kept. None when GDAL cannot warp it."""
    from osgeo import gdal

    mem = f"/vsimem/terraprompt_gcp_{threading.get_ident()}_{id(path)}.vrt"
    try:
        src = gdal.OpenEx(path, gdal.OF_RASTER)
        warped = gdal.Warp(mem, src, format="VRT", dstAlpha=True, errorThreshold=0.125, resampleAlg="near") if src else None
        if warped is None:
            return None
        for i in range(1, src.RasterCount + 1):
            a, b = src.GetRasterBand(i), warped.GetRasterBand(i)
            b.SetDescription(a.GetDescription())
            b.SetUnitType(a.GetUnitType() or "")
            b.SetScale(a.GetScale() if a.GetScale() is not None else 1.0)
            b.SetOffset(a.GetOffset() if a.GetOffset() is not None else 0.0)
        warped = None  # writes the VRT
        f = gdal.VSIFOpenL(mem, "rb")
        if f is None:
            return None
        try:
            gdal.VSIFSeekL(f, 0, 2)
            size = gdal.VSIFTellL(f)
            gdal.VSIFSeekL(f, 0, 0)
            return gdal.VSIFReadL(1, size, f).decode("utf-8")
        finally:
            gdal.VSIFCloseL(f)
    except RuntimeError:
        return None
    finally:
        gdal.Unlink(mem)


def _source(ds, path: str, **extra) -> RasterSource:
    """The RasterSource of an open dataset (a trailing alpha band left out of the bands)."""
    alpha = trailing_alpha_band(ds)
    n = ds.count - (alpha is not None)
    dtypes = tuple(ds.dtypes)[:n]
    zero_fill = extra.pop("zero_fill", (zero_is_fill(ds.nodata, dtypes) or lone_band_zero_fill(ds)
                                        or (float_zero_fill(ds, dtypes) and not db_zero_fill(ds, dtypes))) and alpha is None)  # a GCP warp says its own
    sources = vrt_band_sources(path, n) if ds.driver == "VRT" and "open_path" not in extra else ()
    descriptions = tuple(d or "" for d in ds.descriptions)[:n]
    named = band_names_in_file_names(sources) if sources and not any(descriptions) else ()
    descriptions = named if any(named) else descriptions
    # a palette: palette_vrt says
    evidence, table = _class_map_metadata(ds, path) if n == 1 and "open_path" not in extra else ("", False)
    return RasterSource(
        path=path,
        grid=Grid(ds.crs or CRS.from_epsg(4326), ds.transform, ds.width, ds.height),
        count=n,
        dtypes=dtypes,
        descriptions=descriptions,
        band_sources=sources,
        names_from_sources=any(named),
        nodata=ds.nodata,
        tags=dict(ds.tags()),
        band_tags=tuple(dict(ds.tags(i)) for i in range(1, n + 1)),
        units=tuple(u or "" for u in ds.units)[:n],
        scales=tuple(float(v) for v in ds.scales)[:n],
        offsets=tuple(float(v) for v in ds.offsets)[:n],
        is_complex=any(d.startswith("complex") for d in dtypes),
        overviews=tuple(ds.overviews(1)),
        alpha_band=alpha,
        zero_fill=zero_fill,
        zero_fill_bands=product_zero_bands(dtypes, descriptions, zero_fill),
        db_zero_fill=alpha is None and not zero_fill and "open_path" not in extra and db_zero_fill(ds, dtypes),
        validity_band=next((i for i, d in enumerate(descriptions, start=1) if _VALIDITY.fullmatch(d.strip().lower())), None),
        wavelengths=band_wavelengths(ds, n),
        bad_bands=envi_bad_bands(ds, n),
        class_map=evidence,
        attribute_table=table,
        colour_order=declared_rgb(ds.colorinterp[:n]),
        **extra,
    )


def declared_rgb(interp) -> tuple[int, ...]:
    """The bands GDAL's colour interpretation declares red, green and blue, when bands 1-3 are those three in another
    order than 1, 2, 3 and any further band is not one of them (a NIR band is 'undefined'); () otherwise."""
    first = tuple(interp[:3])
    colours = (ColorInterp.red, ColorInterp.green, ColorInterp.blue)
    if len(interp) not in (3, 4) or set(first) != set(colours) or first == colours or any(c in colours for c in interp[3:]):
        return ()
    return tuple(first.index(c) + 1 for c in colours)


def band_wavelength(items: dict) -> str:
    """A band's centre wavelength from its metadata items ('wavelength' = '431.66', 'wavelength_units' = 'Nanometers';
    'CENTRAL_WAVELENGTH_UM' = '0.665', GDAL's IMAGERY domain), as '431.66 Nanometers'; without a unit, values from 100 up
    are nanometres, smaller ones micrometres; '' when none."""
    low = {k.lower(): str(v).strip() for k, v in items.items()}
    value = low.get("wavelength", "") or low.get("central_wavelength", "")
    unit = low.get("wavelength_units", "") or low.get("wavelength_unit", "")
    if not value and low.get("central_wavelength_um", ""):
        value, unit = low["central_wavelength_um"], "micrometers"
    try:
        number = float(value)
    except ValueError:
        return ""
    return f"{value} {unit or ('nm' if number >= 100 else 'micrometers')}"


def band_wavelengths(ds, n: int) -> tuple[str, ...]:
    """Each band's centre wavelength (:func:`band_wavelength` of its default and IMAGERY metadata domains), else from the
    dataset's ENVI-domain 'wavelength' list (a GeoTIFF written by the EnMAP-Box or gdal_translate from ENVI); '' where none."""
    own = tuple(band_wavelength({**_band_tags(ds, i, "IMAGERY"), **ds.tags(i)}) for i in range(1, n + 1))
    envi = _envi_tags(ds)
    listed = _envi_list(envi.get("wavelength", ""), n)
    if any(own) or not listed:
        return own
    unit = envi.get("wavelength_units", "") or envi.get("wavelength units", "")
    return tuple(band_wavelength({"wavelength": v, "wavelength_units": unit}) for v in listed)


def envi_bad_bands(ds, n: int) -> tuple[int, ...]:
    """The bands (1-based) the ENVI bad-band list ('bbl' = '{1, 1, 0, ...}' in the ENVI metadata domain) flags 0."""
    listed = _envi_list(_envi_tags(ds).get("bbl", ""), n)
    return tuple(i for i, v in enumerate(listed, start=1) if _number(v) == 0.0)


def _band_tags(ds, band: int, domain: str) -> dict:
    """A band's metadata items in a domain ({} when it has none)."""
    try:
        return dict(ds.tags(band, ns=domain))
    except Exception:  # noqa: BLE001 - a driver without that domain: no items
        return {}


def _envi_tags(ds) -> dict:
    """The dataset's ENVI metadata domain, keys in lower case ({} when none)."""
    try:
        return {k.lower(): str(v) for k, v in ds.tags(ns="ENVI").items()}
    except Exception:  # noqa: BLE001 - a driver without that domain: no items
        return {}


def _envi_list(value: str, n: int) -> list[str]:
    """The items of an ENVI list ('{420.0, 430.2, ...}') when it has one per band, else []."""
    items = [v.strip() for v in value.strip().strip("{}").split(",") if v.strip()]
    return items if len(items) == n else []


def _number(value: str) -> Optional[float]:
    """A float from text, None when it is none."""
    try:
        return float(value)
    except ValueError:
        return None


def class_map_evidence(ds, path: str) -> str:
    """Why a one-band raster is a class map or an id raster, not imagery, by its metadata: TerraPrompt's class list
    (TERRAPROMPT_CLASSES, its land-cover maps), GDAL category names; '' when none says so (a raster attribute table
    alone does not: :func:`_class_map_metadata`)."""
    return _class_map_metadata(ds, path)[0]


def _class_map_metadata(ds, path: str) -> tuple[str, bool]:
    """(:func:`class_map_evidence`, whether its one band has a raster attribute table)."""
    if ds.count != 1:
        return "", False
    if "TERRAPROMPT_CLASSES" in ds.tags():
        return t("it carries TerraPrompt's class list (TERRAPROMPT_CLASSES)"), False
    try:
        from osgeo import gdal

        g = gdal.Open(path)
        band = g.GetRasterBand(1) if g is not None else None
        if band is None:
            return "", False
        band.GetMetadata()  # GDAL's GeoTIFF driver reads the .aux.xml (names, table) on a first metadata call only
        if any((name or "").strip() for name in band.GetCategoryNames() or []):
            return t("its band has category names"), False
        rat = band.GetDefaultRAT()
        return "", bool(rat is not None and rat.GetRowCount() > 0)
    except Exception:  # noqa: BLE001 - metadata only: a raster GDAL opens through rasterio alone says nothing here
        return "", False


_VALIDITY = re.compile(r"data.?mask")
"""Descriptions of a band that says where the other bands hold data (openEO / Sentinel Hub 'dataMask')."""


def vrt_band_sources(path: str, count: int) -> tuple[str, ...]:
    """The file name (without folder) each band of a virtual raster reads from ('' where GDAL does not say)."""
    try:
        from osgeo import gdal

        ds = gdal.Open(path)
        names = []
        for i in range(1, count + 1):
            xml = " ".join((ds.GetRasterBand(i).GetMetadata("vrt_sources") or {}).values())
            m = re.search(r"<SourceFilename[^>]*>([^<]+)</SourceFilename>", xml)
            names.append(os.path.basename(m.group(1).strip()) if m else "")
        return tuple(names)
    except Exception:  # a VRT GDAL opens through rasterio but not here: band names then come from elsewhere
        return ()


_BAND_FILE_NAMES = (
    # Sentinel-2: T31UFQ_..._B04_10m.jp2 (not a Landsat product file, whose 'B10' is thermal, not S2's cirrus)
    # and the Sen2Cor scene classification T31UFQ_..._SCL_20m.jp2
    re.compile(r"^(?!L[COTEM]0\d_).*_(B(?:0[1-9]|8A|1[0-2])|SCL)(?:_\d{2}m)?\.(?:jp2|tiff?)$", re.I),
    # Landsat Collection 2: LC09_L2SP_..._SR_B4.TIF, ..._QA_PIXEL.TIF
    re.compile(r"^L[COTEM]0\d_.*_((?:SR|ST)_B\d{1,2}|QA_PIXEL)\.tiff?$", re.I),
    re.compile(r"(?:^|[-_])(VV|VH|HH|HV)(?:[-_.][^/]*)?\.tiff?$", re.I),  # Sentinel-1: s1a-iw-grd-vv-....tiff, ..._VH.tif
)
"""File names of single-band product files that name their band; a virtual raster stacking them (QGIS' Build
Virtual Raster, gdalbuildvrt -separate) has no band descriptions, and the band names in its source file names are
used instead."""


_BARE_S2_BAND_FILE = re.compile(r"^(B(?:0[1-9]|8A|1[0-2])|SCL)\.(?:tiff?|jp2)$", re.I)
"""A file named only by its Sentinel-2 band (Earth Search COGs: .../S2B_33UVP_20230612_0_L2A/B04.tif ... SCL.tif;
two-digit names only: 'B4.tif' is also Landsat's). It names its band only when every band of the virtual raster reads
such a file: a bare 'B10.tif' beside other files may be Landsat's thermal band, not Sentinel-2's cirrus."""


def band_name_in_file_name(name: str) -> str:
    """The band a product file's name gives ('B04' for T31UFQ_20230612T105031_B04_10m.jp2, 'SR_B4' for a Landsat
    Collection 2 file, 'VV' for a Sentinel-1 measurement file, 'SCL' / 'QA_PIXEL' for the products' cloud masks), ''
    when it names none."""
    for pattern in _BAND_FILE_NAMES:
        m = pattern.search(name)
        if m:
            return m.group(1).upper()
    return ""


def band_names_in_file_names(names: Sequence[str]) -> tuple[str, ...]:
    """The band each of a virtual raster's source files names, '' where one names none: product file names
    (:func:`band_name_in_file_name`), or, when every file is named only by a Sentinel-2 band (:data:`_BARE_S2_BAND_FILE`,
    Earth Search's B02.tif ... SCL.tif), those bands (read as an undescribed RGB + NIR scaled by its 98th percentile,
    vegetation 15.7 % -> 4.6 %; their SCL band was no cloud mask, 58 ha of cloud read as land)."""
    bare = [_BARE_S2_BAND_FILE.fullmatch(n) for n in names]
    if bare and all(bare):
        return tuple(m.group(1).upper() for m in bare)
    return tuple(band_name_in_file_name(n) for n in names)


def palette_vrt(ds, path: str, refuse_class_map: bool = True) -> Optional[str]:
    """For one band of palette indices (an 8-bit colour-table GeoTIFF, GIF or PNG export), a VRT (XML text GDAL opens
    directly) reading it through its colour table as red, green and blue; its nodata index and transparent colours
    become the mask. None for any other raster: the index values themselves mean nothing to the engines. A mask or a
    class map (few colours) is refused unless ``refuse_class_map`` is False: clicking its regions is a valid
    interactive use, while land cover and change need imagery."""
    if ds.count != 1 or ds.colorinterp[0] != ColorInterp.palette:
        return None
    try:
        table = ds.colormap(1)
    except ValueError:
        return None
    if not table:
        return None
    if refuse_class_map and (len(table) <= 2 or ds.tags(1, "IMAGE_STRUCTURE").get("NBITS") == "1"):
        raise InputError(t("'{name}' has one bit or two colours per pixel: a mask or a classified map, not imagery.",
                           name=os.path.basename(path)),
                         t("Choose the image itself; give a cloud mask as the mask file and a class map as the reference map."))
    why = (class_map_evidence(ds, path) or _few_palette_values(ds)) if refuse_class_map else ""
    if why:
        raise class_map_error(path, why)

    def source(component: int, nodata: str = "") -> str:
        return (f"<ComplexSource><SourceFilename relativeToVRT=\"0\">{escape(path)}</SourceFilename><SourceBand>1</SourceBand>"
                f"<SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{ds.width}\" ySize=\"{ds.height}\"/>"
                f"<DstRect xOff=\"0\" yOff=\"0\" xSize=\"{ds.width}\" ySize=\"{ds.height}\"/>{nodata}"
                f"<ColorTableComponent>{component}</ColorTableComponent></ComplexSource>")

    bands = "".join(f"<VRTRasterBand dataType=\"Byte\" band=\"{i}\"><ColorInterp>{name}</ColorInterp>"
                    f"<Description>{name}</Description>{source(i)}</VRTRasterBand>"
                    for i, name in enumerate(("Red", "Green", "Blue"), 1))
    mask = ""
    if ds.nodata is not None or any(len(c) > 3 and c[3] < 255 for c in table.values()):
        nodata = f"<NODATA>{ds.nodata:g}</NODATA>" if ds.nodata is not None else ""
        mask = f"<MaskBand><VRTRasterBand dataType=\"Byte\">{source(4, nodata)}</VRTRasterBand></MaskBand>"
    srs = f"<SRS>{escape(ds.crs.to_wkt())}</SRS>" if ds.crs is not None else ""
    geo = ", ".join(repr(float(v)) for v in ds.transform.to_gdal())
    return (f"<VRTDataset rasterXSize=\"{ds.width}\" rasterYSize=\"{ds.height}\">{srs}<GeoTransform>{geo}</GeoTransform>"
            f"{bands}{mask}</VRTDataset>")


CLASS_MAP_MAX_VALUES = 32
"""A band of palette indices (or an unsigned one-band raster) holding at most this many distinct values in a sample of
thousands of pixels is a class map or an id raster: a paletted photo uses hundreds of its colours."""


DENSE_RUN_MIN_VALUES = 12
"""A dense run of at least this many grey levels, none holding half the pixels, is imagery even with small values (a
dark scene); fewer are class codes (0-6)."""


def _few_palette_values(ds) -> str:
    """Why a paletted band is a class map by its values (:func:`few_values` of the four corners and the centre, 128 px
    each: a few blocks, read at every opening), else ''."""
    v = _five_windows(ds, [1])[0]
    return few_values(v[v != ds.nodata] if ds.nodata is not None else v)


def few_values(values: np.ndarray) -> str:
    """'its N pixels sampled hold only K distinct values' for a sample of thousands of pixels holding 2 to
    CLASS_MAP_MAX_VALUES values that are small codes or sparse ones (a class map, a building id raster), else '' (a
    dense run of grey levels is a uniform or dark scene; one value: a blank tile, refused by its spread before a run,
    :func:`check_band_spread`)."""
    kept, counts = np.unique(values, return_counts=True)
    distinct = kept.size
    if values.size < 1024 or not 2 <= distinct <= CLASS_MAP_MAX_VALUES:
        return ""
    if 2 * distinct > float(kept.max()) - float(kept.min()) + 1 and (
            kept.max() > CLASS_MAP_MAX_VALUES
            or distinct >= DENSE_RUN_MIN_VALUES and counts.max() <= values.size / 2):
        # a dense run of grey levels: an image of a uniform scene (calm sea, snow, desert) or a dark one (shadow,
        # water, night: 2 to 28), whatever its maximum; not small codes (0-6) nor ids on a background (0 and 1 ... 17)
        return ""
    return t("its {n} pixels sampled hold only {k} distinct values", n=values.size, k=distinct)


def class_map_error(path: str, why: str) -> InputError:
    """The refusal of a class map or id raster given as the image to read."""
    return InputError(t("'{name}' is a classified map or an id raster, not imagery: {why}.", name=os.path.basename(path), why=why),
                      t("Give it as REFERENCE_MAP (the pre-change land-cover map of Detect change between two dates), or "
                        "choose the image it was made from."))


SLOW_SAMPLE_PIXELS = 30_000_000
"""Above this many pixels, a raster without overviews takes seconds to sample (:meth:`RasterSource.sample` then reads
every block of the file): e.g. 2.3 s for a 10980² four-band GeoTIFF here, ten times that for a 40000² mosaic."""


def sample_is_slow(src: RasterSource) -> bool:
    """Whether statistics of the whole raster (modality, scaling) take seconds to read: a large raster without overviews
    (the dock then reads them off the main thread)."""
    return not src.overviews and src.width * src.height > SLOW_SAMPLE_PIXELS


def check_has_valid_pixels(src: RasterSource) -> None:
    """Raise when a sample of the raster is entirely nodata (in every band: an empty band 1, a coastal band the run
    may not use, is no reason to refuse)."""
    sample = src.sample(bands=[1], max_pixels=250_000)
    if np.ma.getmaskarray(sample).all() and (src.count == 1 or all(
            np.ma.getmaskarray(src.sample(bands=[b], max_pixels=20_000)).all() for b in range(2, src.count + 1))):
        raise InputError(
            t("The raster '{name}' contains only nodata pixels.", name=os.path.basename(src.path)),
            t("Check its nodata value (Layer Properties > Transparency) or choose another raster."),
        )


SPREAD_MIN_PIXELS = 64
"""A band holding one value is refused only when the sample holds at least this many of its valid pixels (a 1 x 1
raster has no spread by definition)."""


def check_band_spread(src: RasterSource, roles: dict[str, int]) -> None:
    """Raise, naming each band and its value, when a band a role reads holds one value in every valid pixel of a sample
    (a band lost in an export, all 0 without a nodata value, or a blank tile): read as data, it decided the classes
    without a word (SWIR1 all 0 lowered the water IoU of a Sentinel-2 chip from 0.85 to 0.62). An all-zero band is
    refused as such, not taken as nodata: 0 in only some bands is a value where 0 in every band is the fill (a product
    band's own 0 fill, :attr:`RasterSource.zero_fill_bands`, is read here as the value it is: a band lost whole)."""
    if not roles:
        return
    src = replace(src, zero_fill_bands=())
    bands = sorted(set(roles.values()))
    if _all_vary_in_windows(src, bands):  # the usual case, told from a few blocks
        return
    sample = src.sample(bands=bands, max_pixels=50_000)
    flat = {}
    for k, b in enumerate(bands):
        v = sample[k].compressed()
        if v.size >= SPREAD_MIN_PIXELS and float(v.min()) == float(v.max()):
            flat[b] = float(v[0])
    if not flat:
        return
    said = ", ".join(t("{role} (band {band}) = {value}", role=r, band=b, value=f"{flat[b]:g}")
                     for r, b in sorted(roles.items(), key=lambda rb: rb[1]) if b in flat)
    raise InputError(t("In '{name}', {bands} in every pixel sampled: a band of one value carries no image.",
                       name=os.path.basename(src.path), bands=said),
                     t("Check the band in QGIS: a band lost in an export or a blank tile holds one value. Export the raster "
                       "again with its data, or choose another raster (or a modality that does not read that band)."))


def _all_vary_in_windows(src: RasterSource, bands: Sequence[int]) -> bool:
    """Whether every band's valid pixels hold two values in the four corners and the centre (128 px each, the bands read
    together as a run reads them): then none is of one value, told without the whole-raster sample (seconds on a large
    raster without overviews)."""
    seen: dict[int, set] = {b: set() for b in bands}
    for win in five_windows(src.width, src.height):
        block = src.read(win, list(bands))
        for k, b in enumerate(bands):
            if len(seen[b]) < 2:
                v = block[k].compressed()
                if v.size:
                    seen[b].update((float(v.min()), float(v.max())))
        if all(len(v) >= 2 for v in seen.values()):
            return True
    return False


def cell_size(transform: Affine) -> float:
    """Side of a square with one pixel's area, in CRS units (rotated grids too, where the transform's ``a`` is not it)."""
    return float(np.sqrt(abs(transform.a * transform.e - transform.b * transform.d)))


def pixel_sides(transform: Affine) -> tuple[float, float]:
    """(width, height) of one pixel in CRS units, whatever the rotation or the sign of the pixel size."""
    return float(np.hypot(transform.a, transform.d)), float(np.hypot(transform.b, transform.e))


def window_of_bounds(left: float, bottom: float, right: float, top: float, transform: Affine) -> Window:
    """The pixel window around a box in the grid's CRS, for any transform (rasterio's from_bounds refuses a south-up
    grid's positive y pixel size and misplaces a rotated grid's box)."""
    cols, rows = ~transform * (np.array([left, right, right, left]), np.array([top, top, bottom, bottom]))
    return Window(float(cols.min()), float(rows.min()), float(cols.max() - cols.min()), float(rows.max() - rows.min()))


def pixel_size_m(grid: Grid) -> float:
    """Approximate ground size (m) of one pixel of a grid (geographic CRS: at the grid's centre latitude)."""
    tr = grid.transform
    size = cell_size(tr)
    if grid.crs is not None and grid.crs.is_geographic:
        lat = tr.f + tr.e * grid.height / 2
        return size * 111_320.0 * float(np.sqrt(max(np.cos(np.radians(lat)), 1e-3)))
    try:
        factor = grid.crs.linear_units_factor[1] if grid.crs is not None else 1.0
    except Exception:  # CRS without linear units
        factor = 1.0
    if grid.crs is not None and grid.crs.to_epsg() in WEB_MERCATOR:  # metres on the map, cos(latitude) of that on the ground
        y = tr.f + tr.e * grid.height / 2
        factor *= float(np.cos(2 * np.arctan(np.exp(y / 6_378_137.0)) - np.pi / 2))
    return size * float(factor)


WEB_MERCATOR = (3857, 900913, 3395)
"""Mercator CRSs (web tiles are rendered in EPSG:3857): a map metre is cos(latitude) ground metres."""


def window_for_extent(src: RasterSource, extent: Optional[Sequence[float]]) -> Window:
    """The pixel window (snapped to INPUT's grid) of an extent, or the whole raster."""
    full = Window(0, 0, src.width, src.height)
    if extent is None:
        return full
    if not (extent[2] > extent[0] and extent[3] > extent[1]):
        raise InputError(t("The chosen extent has no area."), t("Pick an extent over the raster, or leave it empty for the whole layer."))
    win = _snapped_window(src, extent)
    try:
        win = win.intersection(full)
    except Exception as exc:
        raise InputError(t("The chosen extent does not overlap the input raster."),
                         t("Pick an extent over the raster, or leave it empty for the whole layer.")) from exc
    if win.width < 1 or win.height < 1:
        raise InputError(t("The chosen extent does not overlap the input raster."),
                         t("Pick an extent over the raster, or leave it empty for the whole layer."))
    return Window(int(win.col_off), int(win.row_off), int(win.width), int(win.height))


def _snapped_window(src: RasterSource, extent: Sequence[float]) -> Window:
    """The pixel window of an extent with area snapped to the raster's pixels (as gdal_translate -projwin), not clipped
    to the raster; an extent within one pixel keeps that pixel."""
    win = window_of_bounds(*extent, transform=src.transform).round_offsets().round_lengths()
    return Window(win.col_off, win.row_off, max(1, int(win.width)), max(1, int(win.height)))


def extent_clipped(src: RasterSource, extent: Optional[Sequence[float]]) -> bool:
    """Whether the raster's pixels under an extent with area reach past the raster (the window was clipped to it)."""
    if extent is None:
        return False
    win = _snapped_window(src, extent)
    return win.col_off < 0 or win.row_off < 0 or win.col_off + win.width > src.width or win.row_off + win.height > src.height


def window_text(window: Window, width: int, height: int, raster: str, clipped: bool = False) -> str:
    """An extent's window as the analyst reads it ('50x100 px of BEFORE (7.7 %), columns 0-49, rows 100-199') of a
    ``width`` x ``height`` raster, saying when the extent reached past the raster and was clipped to it."""
    share = 100.0 * window.width * window.height / (width * height)
    text = t("{width}x{height} px of {raster} ({share} %), columns {col0}-{col1}, rows {row0}-{row1}",
             width=int(window.width), height=int(window.height), raster=raster, share=number(share, 1),
             col0=int(window.col_off), col1=int(window.col_off + window.width) - 1, row0=int(window.row_off),
             row1=int(window.row_off + window.height) - 1)
    if clipped:
        text += separator() + t("the chosen extent reaches past the raster and was clipped to it")
    return text
