"""Help texts, labels and tooltips say what the tools do: each claim checked against the code or data it is about
(the numbers of a tr() literal against the constant or model card they come from, so the two cannot drift)."""
from __future__ import annotations

import os
from types import SimpleNamespace

import pytest

from conftest import SAMPLE_S2


def _alg(name: str):
    """A registered TerraPrompt algorithm."""
    from qgis.core import QgsApplication

    alg = QgsApplication.processingRegistry().algorithmById(f"terraprompt:{name}")
    assert alg is not None, name
    return alg


def _help(name: str, parameter: str) -> str:
    """A parameter's help (its tooltip in the Processing dialog and its text in qgis_process help)."""
    return _alg(name).parameterDefinition(parameter).help()


def _label(name: str, parameter: str) -> str:
    return _alg(name).parameterDefinition(parameter).description()


def test_normalisation_help_says_auto_leaves_calibrated_physical_units_as_they_are(plugin):
    from terraprompt.plugin.core.change.align import _auto_normalisation

    def layer(kind: str, calibrated: bool = True):
        return SimpleNamespace(scaling=SimpleNamespace(kind=kind, calibrated=calibrated))

    text = _help("detect_change", "NORMALISATION")
    for kind, words in (("reflectance", "reflectance"), ("sar_db", "SAR dB"), ("metres", "metres")):
        assert _auto_normalisation(layer(kind), layer(kind)) == "none"
        assert words in text, words
    assert "'auto': none when both dates are calibrated in the same physical unit" in text
    assert _auto_normalisation(layer("reflectance", False), layer("reflectance", False)) == "relative"
    assert "else relative (e.g. 8-bit or uncalibrated DN)" in text
    assert "normalised where the dates are not calibrated alike" in _alg("detect_change").shortHelpString()


def test_method_help_and_dock_tooltip_name_the_network_pixel_sizes_of_its_card(plugin):
    from terraprompt.plugin.core.change.network import CARD_FILE
    from terraprompt.plugin.core.modelcards import load_card

    card = load_card(CARD_FILE)
    low = card["auto_min_pixel_m"]
    assert low["full"] == low["rgbn"]  # the help names one limit for both subsets with NIR
    text = _help("detect_change", "METHOD")
    assert f"the coarser date's pixels are {card['auto_max_pixel_m']:g} m or finer" in text
    assert f"BEFORE's pixels are {low['full']:g} m or coarser" in text
    assert f"({low['rgb']:g} m or coarser when the pair has only red, green and blue)" in text
    plugin.action.setChecked(True)
    assert plugin.dock.tab("change_tab").method_combo.toolTip() == text


def test_change_raster_help_names_the_threshold_the_run_cuts_at(plugin):
    from terraprompt.plugin.core.change.detect import DEFAULT_THRESHOLD

    assert f"1 change (change probability {DEFAULT_THRESHOLD:g} or more;" in _help("detect_change", "OUTPUT_CHANGE")


def test_min_area_label_says_it_is_the_changed_area_not_each_polygon(plugin):
    assert _label("detect_change", "MIN_AREA_M2") == "Minimum changed area (m², all transitions together)"
    assert "these polygons can each be smaller" in _help("detect_change", "MIN_AREA_M2")


def test_class_raster_help_says_255_is_also_cloud_and_shadow(plugin):
    for text in (_help("extract_landcover", "OUTPUT_RASTER"), _alg("extract_landcover").shortHelpString()):
        assert "255 nodata or cloud/cloud-shadow pixels" in text


def test_empty_prompt_is_refused_with_the_fix(plugin, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    out = tmp_path / "out"
    out.mkdir()
    for prompt in ("", "   "):
        with pytest.raises(QgsProcessingException) as err:
            processing.run("terraprompt:extract_landcover", {"INPUT": SAMPLE_S2, "PROMPT": prompt,
                                                             "OUTPUT_RASTER": str(out / "lc.tif")})
        assert "Prompt (PROMPT) is empty. Type what to extract, e.g. 'water' or 'vegetation except grass'." in str(err.value)
    assert os.listdir(out) == []
    assert "Default: 'water' (the field is filled with it); an empty prompt is refused." in _help("extract_landcover", "PROMPT")


def test_engine_help_and_dock_tooltip_say_what_the_network_predicts(plugin):
    from terraprompt.plugin.core.prompts import land_cover_map
    from terraprompt.plugin.core.landcover.network import AUTO_CONCEPTS, CARD_FILE, load_card

    known = list(load_card(CARD_FILE)["concepts"])
    text = _help("extract_landcover", "ENGINE")
    assert f"predicts {', '.join(known[:-1])} and {known[-1]} only" in text
    in_map = [c for c in land_cover_map()["concepts"] if c in known]
    assert in_map == ["water"] and "a 'land cover map' then holds water alone" in text
    assert f"every concept asked for is {' or '.join(AUTO_CONCEPTS)}" in text
    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    assert tab.engine_combo.toolTip() == text


def test_dock_combos_and_prompt_lines_have_tooltips(plugin):
    plugin.action.setChecked(True)
    land = plugin.dock.tab("landcover_tab")
    assert "snapped to its pixels" in land.extent_combo.toolTip()
    assert "thresholds are fitted on the whole layer" in land.extent_combo.toolTip()
    assert land.prompt_edit.toolTip().startswith("Free text naming land covers")
    assert "height qualifiers need a DSM or nDSM raster" in land.prompt_edit.toolTip()
    change = plugin.dock.tab("change_tab")
    assert change.prompt_edit.toolTip() == _help("detect_change", "PROMPT") != ""
    inter = plugin.dock.tab("interactive_tab")
    for widget in (inter.device_combo, inter.undo_button, inter.redo_button, inter.clear_button, inter.accept_button):
        assert widget.toolTip(), widget.text() if hasattr(widget, "text") else widget


def test_landcover_file_output_offers_and_explains_polygon_files(plugin, tmp_path):
    from terraprompt.plugin.gui.landcover_tab import VECTOR_EXTENSIONS

    plugin.action.setChecked(True)
    tab = plugin.dock.tab("landcover_tab")
    tab.file_radio.setChecked(True)
    for ext in (".gpkg",) + VECTOR_EXTENSIONS:
        assert "*" + ext in tab.file_widget.filter(), ext
        assert ext in tab.file_widget.toolTip() and ext in tab.file_radio.toolTip(), ext
        tab.file_widget.setFilePath(str(tmp_path / ("lakes" + ext)))
        raster, polygons = tab.output_paths()
        named = "name.tif for name.gpkg" if ext == ".gpkg" else "name_classes.tif for the others"
        assert os.path.basename(raster) == ("lakes.tif" if ext == ".gpkg" else "lakes_classes.tif")
        assert polygons == str(tmp_path / ("lakes" + ext)) and named in tab.file_widget.toolTip()


def test_find_similar_tooltip_names_the_network_pixel_limit(plugin):
    import json

    from terraprompt.plugin.core.interactive.encoder import UPSAMPLE_UP_TO
    from terraprompt.plugin.core.interactive.network import CARD

    with open(CARD, encoding="utf-8") as fh:
        limit = UPSAMPLE_UP_TO * json.load(fh)["working_gsd_m"]
    plugin.action.setChecked(True)
    tip = plugin.dock.tab("interactive_tab").similar_button.toolTip()
    assert f"(on pixels of {limit:g} m or finer); on coarser pixels" in tip
    assert f"the pixels are {limit:g} m or finer" in _help("find_similar", "METHOD")


def test_model_help_says_bundled_falls_back_and_network_does_not(plugin):
    from terraprompt.plugin.core.interactive.engines import BUNDLED_PREFERS

    assert BUNDLED_PREFERS == "network"
    plugin.action.setChecked(True)
    tips = [_help("segment_prompts", "MODEL"), _help("encode_image", "MODEL"),
            plugin.dock.tab("interactive_tab").model_edit.toolTip()]
    for text in tips:
        assert text.startswith("'bundled': the promptable network, or the classical engine when the network cannot be loaded")
        assert "'network': the promptable network only (an error when it cannot be loaded)" in text


def test_smaller_help_omissions(plugin):
    from terraprompt.plugin.algorithms.diagnostics import REPORT_EXTENSIONS
    from terraprompt.plugin.core.scaling import LENGTH_UNITS
    from terraprompt.plugin.core.writers import VECTOR_OUTPUT_EXTENSIONS

    for name in ("extract_landcover", "detect_change", "find_similar", "segment_prompts"):
        text = _help(name, "OUTPUT_VECTOR")
        assert all(ext in text for ext in VECTOR_OUTPUT_EXTENSIONS if ext != ".gpkg"), name
        assert "GeoPackage by default" in text and "a Shapefile cuts field names to 10 characters" in text, name
    threshold = _alg("find_similar").parameterDefinition("THRESHOLD")
    assert _help("find_similar", "THRESHOLD").startswith(f"{threshold.minimum():g}-{threshold.maximum():g}, ")
    report = _alg("diagnostics").parameterDefinition("OUTPUT").fileFilter()
    assert all("*" + ext in report for ext in REPORT_EXTENSIONS)
    assert _label("segment_prompts", "POINTS") == "Point prompts (optional if BOXES is given)"
    assert _alg("find_similar").shortHelpString().startswith("Give one or more good polygons")
    dsm = _help("extract_landcover", "DSM_INPUT")
    assert "a DSM or an nDSM, told apart from the values" in dsm
    assert {"cm", "ft"} <= set(LENGTH_UNITS) and "e.g. cm or ft" in dsm
