"""Side-by-side land-cover maps of OSCD scenes: image, index rules alone, with the land-cover classifier.

``python -m training.pixel_classifier.figure [city ...]`` writes out/landcover_classifier_<cities>.png (skips cities
absent from ../shared/data/oscd). A look at scenes the classifier never saw (10 m Sentinel-2 L1C), where no land-cover
labels exist.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
OSCD = REPO.parent / "shared" / "data" / "oscd"


def land_cover_map(path: str, out: str, classifier: bool) -> tuple[np.ndarray, dict[int, str]]:
    """Class raster of 'land cover map' on a file, with the classifier or the index rules alone."""
    import rasterio

    from plugin.core.landcover import pixel_classifier
    from plugin.core.landcover.extract import ExtractRequest, extract_landcover

    usable = pixel_classifier.usable
    if not classifier:
        pixel_classifier.usable = lambda *a: (False, "index rules only (figure)")
    try:
        res = extract_landcover(ExtractRequest(input=path, prompt="land cover map", output_raster=out))
    finally:
        pixel_classifier.usable = usable
    with rasterio.open(out) as ds:
        return ds.read(1), res.classes


def main(cities: list[str]) -> None:
    import rasterio
    from PIL import Image, ImageDraw

    from plugin.core.catalog import load_json

    colours = {k: v["color"] for k, v in load_json("concepts.json")["concepts"].items()}
    rows = []
    for city in cities:
        path = OSCD / city / f"{city}_t2.tif"
        if not path.exists():
            print(f"{city}: skipped ({path} is absent)")
            continue
        with rasterio.open(path) as ds:
            rgb = ds.read([4, 3, 2]).astype(np.float32)
        rgb = np.clip(rgb / np.percentile(rgb, 99, axis=(1, 2), keepdims=True), 0, 1).transpose(1, 2, 0) * 255
        panels = [rgb.astype(np.uint8)]
        with tempfile.TemporaryDirectory() as tmp:
            for use in (False, True):
                cls, classes = land_cover_map(str(path), str(Path(tmp) / f"{use}.tif"), use)
                pal = np.zeros((256, 3), np.uint8)
                for v, name in classes.items():
                    pal[v] = colours.get(name, (255, 0, 255))
                panels.append(pal[cls])
        rows.append(np.concatenate(panels, axis=1))
    if not rows:
        return
    width = max(r.shape[1] for r in rows)
    img = np.concatenate([np.pad(r, ((0, 8), (0, width - r.shape[1]), (0, 0)), constant_values=255) for r in rows])
    pic = Image.fromarray(img)
    draw = ImageDraw.Draw(pic)
    third = rows[0].shape[1] // 3
    for k, text in enumerate(("Sentinel-2 (L1C, 10 m)", "index rules alone", "with the land-cover classifier")):
        draw.rectangle([k * third + 4, 4, k * third + 8 + 7 * len(text), 20], fill=(255, 255, 255))
        draw.text((k * third + 6, 6), text, fill=(0, 0, 0))
    out = REPO / "out" / f"landcover_classifier_{'_'.join(cities)}.png"
    out.parent.mkdir(exist_ok=True)
    pic.save(out)
    print(f"written {out}")


if __name__ == "__main__":
    main(sys.argv[1:] or ["beihai", "paris"])
