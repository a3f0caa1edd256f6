"""`make screenshots`: the real QGIS desktop under Xvfb, the plugin's dock after real runs, saved to PNG.

Run without arguments, it prepares the profile in .qgis/config and starts
``xvfb-run qgis --code scripts/screenshots.py``; inside QGIS (TERRAPROMPT_SHOT_INNER=1)
the same file drives the dock exactly as an analyst would (widgets, buttons, QgsTasks)
in three scenes, each on its own project:

- Land cover: resources/sample_s2_beirut.tif as an RGB (B4/B3/B2) stretch, a prompt, Run
  → out/qgis_window.png (full window) and out/dock.png (dock only).
- Clouds: HLS chip 025 (../shared/data/hls_water_chips, a quarter under clouds) as a band stack with its Fmask band
  written as a file of its own, chosen as the Land cover tab's cloud mask, "water", Run
  → out/qgis_window_clouds.png and out/dock_clouds.png.
- Change: a 256 x 256 crop of the OSCD Hong Kong pair (../shared/data/oscd, centred on the
  densest labelled change; else the bundled 128 x 128 crop in tests/data/change) in EPSG:3857,
  "new buildings", Run, then Swipe at 50 % → out/change_swipe.png and out/dock_change.png.
- Interactive: the Beirut sample zoomed on its parks, text "vegetation" (TERRAPROMPT_SHOT_TEXT;
  the sample is inland: "water" finds only small dark false positives), Find objects with the
  default engine, the first candidate selected → out/interactive_candidates.png and
  out/dock_interactive.png (cut below the status line).
- Web: XYZ tiles made here (gdal2tiles, served from file://) of the held-out 0.5 m building tile
  ../shared/data/buildings/rio_img52, shown through the web-tile provider; six mid-sized roofs, each with three clicks
  placed as the evaluation protocol places them (deepest point, then the centre of the largest error), with the
  bundled network, straight outlines, accepted → out/web_interactive.png.

A scene whose data is absent is skipped with a message in out/screenshots.json.
Compact 256-colour copies of the change and interactive shots (for docs/images, < 400 KB)
go to out/docs/. TERRAPROMPT_SHOT_SCENES=change,interactive renders only those scenes.
"""
from __future__ import annotations

import os
import sys

# under `qgis --code` the file is exec'd without __file__; the launcher passes the root in the environment
ROOT = os.environ.get("TERRAPROMPT_ROOT") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "out")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import desktop  # noqa: E402
PROMPT = "land cover map larger than 0.5 ha"
CHANGE_PROMPT = "new buildings"
TEXT_PROMPT = os.environ.get("TERRAPROMPT_SHOT_TEXT", "vegetation")
SIZE = (1600, 1000)
DOCK_WIDTH = 430
SHARED = os.environ.get("TERRAPROMPT_SHARED_DATA") or os.path.abspath(os.path.join(ROOT, "..", "shared", "data"))
DATA = os.path.join(OUT, "screenshot_data")
CROP = 256
COMPACT = ("dock.png", "change_swipe.png", "dock_change.png", "interactive_candidates.png", "dock_interactive.png", "web_interactive.png",
           "dock_clouds.png")


def launch() -> int:
    """Outside QGIS: start the desktop under Xvfb with this file as --code, report the PNGs."""
    os.makedirs(OUT, exist_ok=True)
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)  # the desktop refuses 'offscreen'; Xvfb gives it a real display
    env["TERRAPROMPT_SHOT_INNER"] = "1"
    env["TERRAPROMPT_ROOT"] = ROOT
    env.setdefault("QGIS_CUSTOM_CONFIG_PATH", os.path.join(ROOT, ".qgis", "config"))
    env.setdefault("QGIS_PLUGINPATH", os.path.join(ROOT, ".qgis", "plugins"))
    ini_dir = os.path.join(env["QGIS_CUSTOM_CONFIG_PATH"], "profiles", "default", "QGIS")
    os.makedirs(ini_dir, exist_ok=True)
    ini = os.path.join(ini_dir, "QGIS3.ini")
    text = open(ini, encoding="utf-8").read() if os.path.exists(ini) else ""
    if "terraprompt=true" not in text:
        with open(ini, "a", encoding="utf-8") as fh:
            fh.write("\n[PythonPlugins]\nterraprompt=true\n")
    script = os.path.join(ROOT, "scripts", "screenshots.py")
    report = os.path.join(OUT, "screenshots.json")
    rc = desktop.run_desktop(script, env, report, SIZE, 600)
    if os.path.exists(report):
        import json

        with open(report, encoding="utf-8") as fh:
            made = json.load(fh).get("files", [])
        for name in COMPACT:
            if f"out/{name}" in made:
                print(f"{compact(os.path.join(OUT, name), os.path.join(OUT, 'docs', name)) // 1024} KB out/docs/{name}")
    return rc


def compact(src: str, dst: str) -> int:
    """A 256-colour copy of a PNG for docs/images (a 1600 x 1000 window: ~150 KB instead of ~600 KB); its size."""
    from PIL import Image

    os.makedirs(os.path.dirname(dst), exist_ok=True)
    img = Image.open(src).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG)
    img.save(dst + ".tmp.png", optimize=True)
    os.replace(dst + ".tmp.png", dst)
    return os.path.getsize(dst)


def copy_sample(name: str) -> str:
    """A copy of a shipped raster in out/screenshot_data (QGIS writes .aux.xml histograms next to what it opens)."""
    import shutil

    os.makedirs(DATA, exist_ok=True)
    for ext in ("", ".aux.xml"):
        src = os.path.join(ROOT, "resources", name + ext)
        dst = os.path.join(DATA, name + ext)
        if os.path.exists(src):
            shutil.copyfile(src, dst)
        elif os.path.exists(dst):
            os.remove(dst)
    return os.path.join(DATA, name)


def change_pair() -> tuple[str, str, str, tuple[int, int, int]]:
    """BEFORE, AFTER, a description and the 1-based R/G/B bands of a real pair; ('', '', why, ()) when none is here.

    The OSCD Hong Kong pair (13 bands) cropped to the CROP x CROP window with the most labelled change, else the
    bundled 128 x 128 B02/B03/B04/B08 crop of the same scene in tests/data/change.
    """
    import shutil

    import numpy as np
    import rasterio
    from rasterio.windows import Window

    os.makedirs(DATA, exist_ok=True)
    city = os.path.join(SHARED, "oscd", "hongkong")
    if all(os.path.exists(os.path.join(city, f"hongkong_{k}.tif")) for k in ("t1", "t2", "cm")):
        with rasterio.open(os.path.join(city, "hongkong_cm.tif")) as src:
            cm = src.read(1) > 0
        sums = np.pad(cm.cumsum(0).cumsum(1), ((1, 0), (1, 0)))  # summed-area table: change inside every window
        k = CROP // 3
        core = sums[k:, k:] - sums[:-k, k:] - sums[k:, :-k] + sums[:-k, :-k]
        r, c = np.unravel_index(int(np.argmax(core)), core.shape)  # the densest change, centred in the crop
        n = min(CROP, *cm.shape)
        r = int(min(max(0, r + k // 2 - n // 2), cm.shape[0] - n))
        c = int(min(max(0, c + k // 2 - n // 2), cm.shape[1] - n))
        window = Window(c, r, n, n)
        dates = {}
        for line in open(os.path.join(city, "dates.txt"), encoding="utf-8"):
            key, _, value = line.partition(":")
            dates[key.strip()[-1:]] = value.strip()
        out = []
        for k in ("t1", "t2"):
            d = dates.get(k[1], k)  # YYYYMMDD → YYYY-MM-DD in the name: the summary then shows the dates
            dst_path = os.path.join(DATA, f"hongkong_{d[:4]}-{d[4:6]}-{d[6:]}_crop.tif" if len(d) == 8 else f"hongkong_{k}_crop.tif")
            with rasterio.open(os.path.join(city, f"hongkong_{k}.tif")) as src:
                prof = src.profile.copy()
                prof.update(width=n, height=n, transform=src.window_transform(window), compress="deflate")
                with rasterio.open(dst_path + ".tmp.tif", "w", **prof) as dst:
                    dst.write(src.read(window=window))
                    dst.descriptions = src.descriptions
            os.replace(dst_path + ".tmp.tif", dst_path)
            out.append(dst_path)
        return out[0], out[1], f"OSCD Hong Kong {n}x{n} crop at row {r}, col {c}", (4, 3, 2)
    bundled = [os.path.join(ROOT, "tests", "data", "change", f"hongkong_rgbn_{d}.tif") for d in ("2016-09-27", "2018-03-23")]
    if all(os.path.exists(p) for p in bundled):
        out = []
        for p in bundled:
            dst = os.path.join(DATA, os.path.basename(p))
            shutil.copyfile(p, dst)
            out.append(dst)
        return out[0], out[1], f"bundled 128x128 crop ({city} is absent)", (3, 2, 1)
    return "", "", f"no change pair: neither {city} nor tests/data/change/hongkong_rgbn_*.tif is here", ()


def inner() -> None:
    """Inside the QGIS desktop: build each scene, drive the dock, grab the window and the dock."""
    import qgis.utils
    from qgis.core import (
        QgsContrastEnhancement,
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsMultiBandColorRenderer,
        QgsProject,
        QgsRasterLayer,
        QgsRectangle,
    )
    from qgis.PyQt.QtCore import Qt, QTimer

    iface = qgis.utils.iface
    info = {"ok": False, "steps": [], "files": [], "skipped": []}
    report = os.path.join(OUT, "screenshots.json")

    def log(step: str) -> None:
        info["steps"].append(step)

    def finish(code: int) -> None:
        try:
            QgsProject.instance().removeAllMapLayers()  # now: QGIS 3.22 can crash removing them while it quits
        finally:
            desktop.finish(info, report, code)

    wait = desktop.wait

    def rgb_layer(path: str, name: str, bands=(4, 3, 2), stretch_from=None) -> QgsRasterLayer:
        """True colour with a 2-98 % cumulative-cut stretch (taken from ``stretch_from`` to compare two dates)."""
        layer = QgsRasterLayer(path, name)
        provider = layer.dataProvider()
        ref = (stretch_from or layer)
        renderer = QgsMultiBandColorRenderer(provider, *bands)
        setters = (renderer.setRedContrastEnhancement, renderer.setGreenContrastEnhancement, renderer.setBlueContrastEnhancement)
        for band, setter in zip(bands, setters):
            lo, hi = ref.dataProvider().cumulativeCut(band, 0.02, 0.98, ref.extent(), 250000)
            ce = QgsContrastEnhancement(provider.dataType(band))
            ce.setContrastEnhancementAlgorithm(QgsContrastEnhancement.StretchToMinimumMaximum, True)
            ce.setMinimumValue(lo)
            ce.setMaximumValue(hi)
            setter(ce)
        layer.setRenderer(renderer)
        return layer

    def fresh_project() -> None:
        """An empty project (and message bar) for the next scene."""
        QgsProject.instance().removeAllMapLayers()
        QgsProject.instance().layerTreeRoot().removeAllChildren()  # the plugin's empty output group too
        iface.messageBar().clearWidgets()
        wait(lambda: False, 0.3)

    def add_layers(*layers, crs=None) -> None:
        """Add the layers and put project and canvas in ``crs`` (default: the first layer's CRS).

        QGIS sets the project CRS from the first layer of an empty project in a queued call: wait for it first,
        or it overrides the CRS (and the extent) set here.
        """
        for lyr in layers:
            QgsProject.instance().addMapLayer(lyr)
        wait(lambda: False, 0.5)
        crs = crs or layers[0].crs()
        QgsProject.instance().setCrs(crs)
        iface.mapCanvas().setDestinationCrs(crs)

    def zoom_to(layer, margin: float = 0.03) -> None:
        """The canvas on the layer's extent (in the canvas CRS) with a small margin, fully rendered."""
        canvas = iface.mapCanvas()
        xf = QgsCoordinateTransform(layer.crs(), canvas.mapSettings().destinationCrs(), QgsProject.instance())
        ext = xf.transformBoundingBox(layer.extent())
        ext.grow(margin * max(ext.width(), ext.height()))
        canvas.setExtent(ext)
        canvas.refresh()
        settle()

    def settle() -> None:
        """Let the canvas render and the message bar settle; the plugin's own message stays on top."""
        wait(lambda: False, 1.5)
        wait(lambda: not iface.mapCanvas().isDrawing(), 20)
        bar = iface.messageBar()
        for item in list(bar.items()):
            if item.title().startswith("Task complete") and len(bar.items()) > 1:
                bar.popWidget(item)
        wait(lambda: False, 0.3)

    def collapse(*layers) -> None:
        """The band legends of the backdrops are noise in the layer panel."""
        root = QgsProject.instance().layerTreeRoot()
        for lyr in layers:
            node = root.findLayer(lyr.id())
            if node is not None:
                node.setExpanded(False)

    def shoot(window_png: str, dock_png: str, last_widget=None) -> None:
        """Save the window and the dock (cut below ``last_widget`` when the tab leaves empty space)."""
        win, dock = iface.mainWindow(), qgis.utils.plugins["terraprompt"].dock
        win.grab().save(os.path.join(OUT, window_png))
        img = dock.grab()
        if last_widget is not None:
            bottom = last_widget.mapTo(dock, last_widget.rect().bottomLeft()).y() + 16
            img = img.copy(0, 0, img.width(), min(img.height(), bottom))
        img.save(os.path.join(OUT, dock_png))
        info["files"] += [f"out/{window_png}", f"out/{dock_png}"]

    def show_tab(name: str):
        dock = qgis.utils.plugins["terraprompt"].dock
        tab = dock.tab(name)
        dock.tab_widget.setCurrentWidget(tab)
        iface.mainWindow().resizeDocks([dock], [DOCK_WIDTH], Qt.Horizontal)
        return tab

    def beirut_scene(scene: str):
        """A fresh project showing the Beirut sample as the active RGB layer, or None (noted as skipped) when it is absent."""
        if not os.path.exists(os.path.join(ROOT, "resources", "sample_s2_beirut.tif")):
            info["skipped"].append(f"{scene}: resources/sample_s2_beirut.tif is absent")
            return None
        fresh_project()
        layer = rgb_layer(copy_sample("sample_s2_beirut.tif"), "Sentinel-2 Beirut (B4/B3/B2)")
        add_layers(layer)
        iface.setActiveLayer(layer)
        return layer

    def rio_scene(scene: str, tile: str):
        """A fresh project for a scene on a shared Rio building tile: the image path, or None (noted as skipped) when it
        is absent."""
        img = os.path.join(SHARED, "buildings", f"{tile}_image.tif")
        if not os.path.exists(img):
            info["skipped"].append(f"{scene}: {img} is absent")
            return None
        fresh_project()
        return img

    def run_landcover(tab, what: str) -> bool:
        """Run the Land cover tab (automatic engine, whole layer, temporary layers) and wait; False (logged) on failure."""
        tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("auto"))
        tab.extent_combo.setCurrentIndex(tab.extent_combo.findData("layer"))
        tab.temp_radio.setChecked(True)
        tab.run_button.click()
        if not wait(lambda: tab.task is None, 120):
            log(f"the {what} task did not finish in 120 s")
            return False
        if tab.last_result is None:
            log(f"{what} run failed: " + tab.explanation.toPlainText())
            return False
        return True

    def scene_landcover() -> bool:
        """Land cover tab: the prompt on the Beirut sample, Run, the class layers and the area chart."""
        layer = beirut_scene("land cover")
        if layer is None:
            return True
        tab = show_tab("landcover_tab")
        tab.layer_combo.setLayer(layer)
        tab.modality_combo.setCurrentIndex(tab.modality_combo.findData("auto"))
        tab.prompt_edit.setText(PROMPT)
        tab.prompt_edit.setCursorPosition(0)
        log("land cover prompt: " + tab.prompt_status.text())
        if not run_landcover(tab, "land-cover"):
            return False
        log("land cover done: " + ", ".join(f"{k}={v:.0f} m2" for k, v in tab.last_result.areas_m2.items()))
        collapse(layer)
        zoom_to(layer, 0.0)
        shoot("qgis_window.png", "dock.png")
        return True

    def scene_landcover_bands() -> bool:
        """Land cover tab: 'buildings' typed over a plain RGB photo (the held-out Rio tile), Run: the building head's roofs."""
        img = rio_scene("land cover bands", "rio_img52")
        if img is None:
            return True
        layer = QgsRasterLayer(img, "Rio de Janeiro 0.5 m (RGB)")
        add_layers(layer)
        iface.setActiveLayer(layer)
        tab = show_tab("landcover_tab")
        tab.layer_combo.setLayer(layer)
        tab.dsm_combo.setLayer(None)
        tab.modality_combo.setCurrentIndex(tab.modality_combo.findData("auto"))
        tab.engine_combo.setCurrentIndex(tab.engine_combo.findData("auto"))
        wait(lambda: False, 0.3)
        tab.prompt_edit.setText("buildings")
        tab.prompt_edit.setCursorPosition(0)
        log("land cover prompt on RGB: " + tab.prompt_status.text())
        if not run_landcover(tab, "buildings on RGB"):
            return False
        collapse(layer)
        zoom_to(layer)
        shoot("qgis_window_bands.png", "dock_bands.png")
        return True

    def scene_clouds() -> bool:
        """Land cover tab: a cloudy HLS chip and its Fmask delivered as a file of its own, chosen as the cloud mask: the
        tab names the product, Run, the clouds left out of the water map."""
        chip = os.path.join(SHARED, "hls_water_chips", "images", "025_hls.tif")
        if not os.path.exists(chip):
            info["skipped"].append(f"clouds: {chip} is absent")
            return True
        import rasterio
        from rasterio.transform import from_origin

        fresh_project()
        os.makedirs(DATA, exist_ok=True)
        with rasterio.open(chip) as src:
            data, names = src.read(), src.descriptions
        grid = dict(driver="GTiff", height=data.shape[1], width=data.shape[2], crs="EPSG:32615",
                    transform=from_origin(500000, 4500000, 30, 30))
        stack, fmask = os.path.join(DATA, "hls_025_stack.tif"), os.path.join(DATA, "HLS.S30.T15RTN.2021189T170849.v2.0.Fmask.tif")
        with rasterio.open(stack, "w", count=7, dtype=data.dtype, **grid) as dst:
            dst.write(data[:7])
            dst.descriptions = names[:7]
        with rasterio.open(fmask, "w", count=1, dtype="uint8", **grid) as dst:
            dst.write(data[7].astype("uint8"), 1)
        layer = rgb_layer(stack, "HLS chip 025 (B4/B3/B2)")
        mask = QgsRasterLayer(fmask, "Fmask")
        add_layers(layer, mask)
        QgsProject.instance().layerTreeRoot().findLayer(mask.id()).setItemVisibilityChecked(False)
        iface.setActiveLayer(layer)
        tab = show_tab("landcover_tab")
        tab.layer_combo.setLayer(layer)
        tab.extra_box.setCollapsed(False)
        tab.mask_combo.setLayer(mask)
        tab.prompt_edit.setText("water")
        log("cloud mask: " + tab.mask_status.text())
        if not run_landcover(tab, "land-cover (cloud mask)"):
            return False
        collapse(layer, mask)
        zoom_to(layer)
        shoot("qgis_window_clouds.png", "dock_clouds.png")
        return True

    def scene_change() -> bool:
        """Change tab: a real pair, 'new buildings', Run, then Swipe at 50 % with the change layers on top."""
        before_path, after_path, what, bands = change_pair()
        if not before_path:
            info["skipped"].append("change: " + what)
            log("change scene skipped: " + what)
            return True
        log("change pair: " + what)
        fresh_project()
        before = rgb_layer(before_path, "Before 2016-09-27", bands)
        after = rgb_layer(after_path, "After 2018-03-23", bands, stretch_from=before)
        add_layers(before, after, crs=QgsCoordinateReferenceSystem("EPSG:3857"))  # true shape, not tilted as in UTM
        tab = show_tab("change_tab")
        tab.before_combo.setLayer(before)
        tab.after_combo.setLayer(after)
        tab.method_combo.setCurrentIndex(tab.method_combo.findData("auto"))
        tab.prompt_edit.setText(CHANGE_PROMPT)
        tab.prompt_edit.setCursorPosition(0)
        tab.run_button.click()
        if not wait(lambda: tab.task is None, 120):
            log("the change task did not finish in 120 s")
            return False
        if tab.last_result is None:
            log("change run failed: " + tab.summary.toPlainText())
            return False
        res = tab.last_result
        crs = iface.mapCanvas().mapSettings().destinationCrs().authid()
        log(f"change done (canvas {crs}): {res.method}, {res.changed_area_m2:.0f} m2 changed, chart rows {len(tab.chart.rows)}")
        collapse(before, after)
        zoom_to(before)
        tab.swipe_button.click()
        tab.swipe_slider.setValue(50)
        if tab.swipe is None or not tab.swipe.active:
            log("swipe did not start")
            return False
        tab.swipe.item.wait()
        settle()
        tab.summary.moveCursor(tab.summary.textCursor().Start)
        shoot("change_swipe.png", "dock_change.png")
        tab.swipe_button.click()  # leave swipe mode: the layers' visibility is put back
        return True

    def scene_interactive() -> bool:
        """Interactive tab: text candidates for TEXT_PROMPT on the Beirut sample with the default engine."""
        layer = beirut_scene("interactive")
        if layer is None:
            return True
        collapse(layer)
        # the text search works on the view: zoom on the north-west, the pine forest and the parks around it
        ext = layer.extent()
        iface.mapCanvas().setExtent(QgsRectangle(ext.xMinimum() + 0.05 * ext.width(), ext.yMinimum() + 0.45 * ext.height(),
                                                 ext.xMinimum() + 0.6 * ext.width(), ext.yMaximum()))
        iface.mapCanvas().refresh()
        settle()
        tab = show_tab("interactive_tab")
        tab.layer_combo.setLayer(layer)
        tab.model_edit.setText(tab.model_edit.text() or "bundled")
        log("interactive model: " + tab.model_edit.text())
        tab.class_edit.setText(TEXT_PROMPT)
        objects = os.path.relpath(os.path.join(DATA, "parks.gpkg"), ROOT)  # QGIS runs in ROOT; a short path in the shot
        if os.path.exists(objects):
            os.remove(objects)
        tab.output_widget.setFilePath(objects)
        panel = tab.candidates
        panel.prompt_edit.setText(TEXT_PROMPT)
        panel.find_button.click()
        if not wait(lambda: panel.task is None and panel.find_button.isEnabled(), 180):
            log("the text search did not finish in 180 s")
            return False
        log(f"text '{TEXT_PROMPT}': {panel.list.count()} candidates; status: {tab.status.text()}")
        if panel.list.count() == 0:
            return False
        panel.list.item(0).setSelected(True)  # the first candidate filled, the others outlined
        settle()
        shoot("interactive_candidates.png", "dock_interactive.png", tab.status)
        return True

    def scene_web() -> bool:
        """Interactive tab on web tiles: the view is rendered, one click per roof, each accepted."""
        import subprocess

        import numpy as np
        import rasterio
        from qgis.core import QgsPointXY
        from scipy import ndimage

        img = rio_scene("web", "rio_img52")
        if img is None:
            return True
        tiles = os.path.join(DATA, "rio_tiles")
        if not os.path.isdir(tiles):
            subprocess.run([sys.executable, "-m", "osgeo_utils.gdal2tiles", "--xyz", "-z", "16-19", "-w", "none", "-q", img, tiles],
                           check=True)
        layer = QgsRasterLayer(f"type=xyz&url=file://{tiles}/{{z}}/{{x}}/{{y}}.png&zmin=16&zmax=19",
                               "Web tiles: Rio de Janeiro 0.5 m (XYZ, file://)", "wms")
        add_layers(layer, crs=QgsCoordinateReferenceSystem("EPSG:3857"))
        with rasterio.open(img) as ds:
            b, tr = ds.bounds, ds.transform
            inst = rasterio.open(img.replace("_image.tif", "_instances.tif")).read(1)
        xf = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), QgsCoordinateReferenceSystem("EPSG:3857"),
                                    QgsProject.instance())
        canvas = iface.mapCanvas()
        canvas.setExtent(xf.transformBoundingBox(QgsRectangle(b.left, b.bottom, b.right, b.top)))
        canvas.refresh()
        settle()
        tab = show_tab("interactive_tab")
        tab.layer_combo.setLayer(layer)
        tab.model_edit.setText("bundled")
        tab.class_edit.setText("building")
        tab.straight_check.setChecked(True)  # roofs with right-angled outlines
        objects = os.path.relpath(os.path.join(DATA, "web_buildings.gpkg"), ROOT)
        if os.path.exists(objects):
            os.remove(objects)
        tab.output_widget.setFilePath(objects)
        tab.start_button.setChecked(True)
        ids = [k for k in np.unique(inst) if k > 0]
        sizes = {k: int((inst == k).sum()) for k in ids}
        done = 0
        sys.path.insert(0, ROOT)
        from rasterio.warp import Resampling, reproject

        from training.eval_interactive import farthest_interior_point, next_click

        ctl = tab.controller
        ranked = sorted(ids, key=lambda k: sizes[k])
        for k in ranked[len(ranked) // 3:][:6]:  # six single roofs above the smallest third (the largest are merged blocks)
            r, c, positive = (*farthest_interior_point(inst == k), True)
            x, y = tr * (c + 0.5, r + 0.5)
            for _ in range(3):
                ctl.add_point(xf.transform(QgsPointXY(x, y)), positive)
                if not wait(lambda: ctl.task is None and ctl.session is not None and ctl.session.last is not None, 120):
                    log("a click on the web layer got no mask in 120 s")
                    return False
                res = ctl.session.last
                truth = np.zeros(res.mask.shape, np.uint8)  # the roof on the rendered grid (EPSG:3857)
                reproject((inst == k).astype(np.uint8), truth, src_transform=tr, src_crs="EPSG:4326", dst_transform=res.transform,
                          dst_crs="EPSG:3857", resampling=Resampling.nearest)
                r, c, positive = next_click(truth > 0, res.mask)
                x, y = res.transform * (c + 0.5, r + 0.5)
                x, y = xf.transform(QgsPointXY(x, y), QgsCoordinateTransform.ReverseTransform)
            done += tab.accept() is not None
        log(f"web layer: {done} roofs accepted; status: {tab.status.text()}")
        tab.start_button.setChecked(False)
        settle()
        iface.mainWindow().grab().save(os.path.join(OUT, "web_interactive.png"))
        tab.straight_check.setChecked(False)  # remembered in the settings: the other scenes keep traced outlines
        info["files"].append("out/web_interactive.png")
        return done > 0

    def scene_similar() -> bool:
        """Interactive tab: Find similar from three roofs of a Rio tile, in the map view."""
        from qgis.core import QgsFeature, QgsGeometry, QgsVectorLayer

        img = rio_scene("similar", "rio_img56")
        if img is None:
            return True
        layer = QgsRasterLayer(img, "Rio de Janeiro 0.5 m (SpaceNet)")
        foot = QgsVectorLayer(img.replace("_image.tif", "_footprints.gpkg") + "|layername=footprints", "footprints", "ogr")
        feats = sorted(foot.getFeatures(), key=lambda f: -f["area_px"])
        vec = QgsVectorLayer("Polygon?crs=EPSG:4326", "Exemplars (3 roofs)", "memory")
        for f in feats[2:9:3]:  # three mid-sized roofs, not the merged blocks
            g = QgsFeature()
            g.setGeometry(QgsGeometry(f.geometry()))
            vec.dataProvider().addFeatures([g])
        vec.renderer().setSymbol(vec.renderer().symbol().createSimple(
            {"color": "0,0,0,0", "outline_color": "255,40,200,255", "outline_width": "0.9", "outline_width_unit": "MM"}))
        add_layers(layer, vec)
        collapse(layer)
        iface.mapCanvas().setExtent(layer.extent())
        iface.mapCanvas().refresh()
        settle()
        tab = show_tab("interactive_tab")
        tab.layer_combo.setLayer(layer)
        tab.model_edit.setText("bundled")
        tab.class_edit.setText("building")
        tab.exemplar_combo.setLayer(vec)
        tab.in_view_check.setChecked(True)
        tab.similar_button.click()
        if not wait(lambda: tab.similar_task is None, 240):
            log("find similar did not finish in 240 s")
            return False
        log(f"find similar: {tab.status.text()}")
        settle()
        shoot("find_similar.png", "dock_find_similar.png", tab.status)
        return True

    def run() -> None:
        try:
            win = iface.mainWindow()
            win.resize(*SIZE)
            win.move(0, 0)
            plugin = qgis.utils.plugins.get("terraprompt")
            if plugin is None:
                log("plugin not loaded: " + ", ".join(sorted(qgis.utils.active_plugins)))
                finish(3)
                return
            log("plugin loaded")
            plugin.action.setChecked(True)
            scenes = {"landcover": scene_landcover, "bands": scene_landcover_bands, "clouds": scene_clouds, "change": scene_change,
                      "interactive": scene_interactive, "web": scene_web, "similar": scene_similar}
            wanted = os.environ.get("TERRAPROMPT_SHOT_SCENES", ",".join(scenes)).split(",")
            for name in wanted:
                if not scenes[name]():
                    finish(4)
                    return
            info["ok"] = True
            finish(0)
        except Exception as exc:  # noqa: BLE001 - the report must say what broke
            import traceback

            log("error: " + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
            finish(2)

    QTimer.singleShot(1500, run)
    QTimer.singleShot(540_000, lambda: (log("gave up after 540 s"), finish(6)))  # never hang `make`


if os.environ.get("TERRAPROMPT_SHOT_INNER") == "1" and "qgis.utils" in sys.modules and getattr(sys.modules["qgis.utils"], "iface", None) is not None:
    inner()
elif __name__ == "__main__":
    sys.exit(launch())
