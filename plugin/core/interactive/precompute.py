"""Precomputing encodings for a whole raster (terraprompt:encode_image) on the shared tile grid."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..errors import Cancelled, OutputError
from ..layer_settings import LayerSettings
from ..messages import number, t
from ..raster import check_has_valid_pixels, open_raster, reads_cancellable
from .cache import MB, EmbeddingCache
from .encoder import TILE, bands_line, encode_window, tile_grid
from .engines import load_engine


@dataclass
class EncodeResult:
    """How many tiles were encoded now and how many were already cached."""

    tiles: int
    encoded: int
    cached: int
    cache_dir: str
    report: str


@reads_cancellable
def encode_raster(path: str, model: str = "classical", device: str = "auto", tile: int = TILE,
                  cache_dir: Optional[str] = None, cache_max_bytes: Optional[int] = None,
                  layer: Optional[LayerSettings] = None,
                  progress: Optional[Callable[[float], None]] = None,
                  is_cancelled: Optional[Callable[[], bool]] = None) -> EncodeResult:
    """Encode every tile of a raster into the on-disk cache (tiles already there are skipped); ``layer``: what was set
    on its layer in QGIS (see layer_settings.LayerSettings); ``cache_max_bytes`` None: the folder's cap (see EmbeddingCache)."""
    progress = progress or (lambda v: None)
    is_cancelled = is_cancelled or (lambda: False)
    src = open_raster(path, expand_palette="always", layer=layer)
    check_has_valid_pixels(src)
    cache = EmbeddingCache(cache_dir, cache_max_bytes)
    cache.check_writable()  # the whole point of this run is the cache: refused before the model loads
    engine, report = load_engine(model, device)
    modality = None
    try:
        from ..modalities import detect_modality

        modality = detect_modality(src)
    except Exception:
        modality = None
    tiles = tile_grid(src, tile)
    encoded = cached = 0
    for i, win in enumerate(tiles):
        if is_cancelled():
            raise Cancelled()
        enc = encode_window(src, win, engine, None, None, cache, modality)
        cached += int(enc.from_cache)
        encoded += int(not enc.from_cache)
        if encoded > cache.stored:  # encode_window's put() could not write the entry
            raise _not_stored(cache, cached + cache.stored, len(tiles))
        if encoded == 1 and not enc.from_cache:  # one tile's size tells whether the whole raster fits under the cap
            _check_fits(cache, cache.entry_bytes(cache.last_stored), len(tiles))
        progress(100.0 * (i + 1) / len(tiles))
    total = cache.size_bytes()
    counted = t("{n} tile", n=len(tiles)) if len(tiles) == 1 else t("{n} tiles", n=len(tiles))
    text = t("{tiles} of {size} px (newly encoded: {encoded}, already cached: {cached}), with {engine} on {device}; cache "
             "{folder} holds {mb} MB (cap {cap} MB).", tiles=counted, size=tile, encoded=encoded, cached=cached,
             engine=engine.label, device=report, folder=cache.folder, mb=number(total / MB, 1), cap=number(cache.max_bytes / MB))
    bands = bands_line(src, engine, modality)  # which bands the engine read (the network: three)
    text += " " + bands[:1].upper() + bands[1:] + "."
    kept = cache.kept()
    if kept < len(tiles):  # evicted meanwhile (another run sharing the folder)
        text += " " + t("Tiles still in the cache: {kept} of {n}; the others were evicted: raise the cap (CACHE_MB) or "
                        "run again.", kept=kept, n=len(tiles))
    elif total > cache.max_bytes * 0.95:
        text += " " + t("The cache is full: the oldest encodings were evicted; raise the cap to keep the whole raster.")
    return EncodeResult(len(tiles), encoded, cached, cache.folder, text)


def _check_fits(cache: EmbeddingCache, entry_bytes: int, tiles: int) -> None:
    """OutputError when the raster's encodings would not fit under the cache's cap (encoding it all would evict most of
    what it encodes: a 20000² orthophoto needs about 20 GB, the default cap is 2048 MB)."""
    need = entry_bytes * tiles
    if entry_bytes > 0 and need > cache.max_bytes:
        raise OutputError(t("Encoding the whole raster needs about {need} MB of cache ({n} tiles of {mb} MB), more than the "
                            "cap of {cap} MB: most encodings would be evicted before they are used.", need=number(need / MB),
                            n=tiles, mb=number(entry_bytes / MB, 1), cap=number(cache.max_bytes / MB)),
                          t("Raise the cache size cap (CACHE_MB) to at least {need} MB, or clip the raster to the part you will "
                            "prompt on; the map tool also encodes each view when it is first clicked.", need=number(need / MB)))


def _not_stored(cache: EmbeddingCache, stored: int, tiles: int) -> OutputError:
    """The error when an encoded tile could not be stored in the cache (a full disk): what was stored stays usable."""
    return OutputError(t("Tiles stored in the cache '{folder}': {stored} of {n} ({reason}).", stored=stored,
                         n=tiles, folder=cache.folder, reason=cache.failure or "?"),
                       t("Free disk space there or choose another CACHE_DIR, then run again: the tiles stored are reused."))
