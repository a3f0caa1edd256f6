"""Core messages: language choice, English fallback, field formatting, catalogue coverage, French/German explanations."""
from __future__ import annotations

import ast
import json
import os
import string

import numpy as np
import pytest

from conftest import ROOT, paint_s2, synthetic_s2, write_raster
from terraprompt.plugin.core import messages
from terraprompt.plugin.core.messages import set_language, t

LANGS = ("fr", "de")
CORE = os.path.join(ROOT, "plugin", "core")
CALLS = {"t", "_t"}  # the names plugin/core imports messages.t under


@pytest.fixture(autouse=True)
def english_after():
    """Every test leaves the core in English (the default the other tests expect)."""
    yield
    set_language("en")


def _literals(node: ast.AST, constants: dict[str, str]) -> list[str]:
    """String templates of a t(...) first argument: a literal, a module-level string constant, or a conditional between them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.Name) and node.id in constants:
        return [constants[node.id]]
    if isinstance(node, ast.IfExp):
        return _literals(node.body, constants) + _literals(node.orelse, constants)
    return []


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """NAME = "text" assignments at module level (e.g. FIX texts wrapped as t(FIX) where they are raised)."""
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            out.update({tgt.id: node.value.value for tgt in node.targets if isinstance(tgt, ast.Name)})
    return out


def core_templates() -> dict[str, str]:
    """Every template passed to t()/_t() in plugin/core (literal or module constant) → its file; f-strings are refused."""
    found: dict[str, str] = {}
    for folder, _, files in os.walk(CORE):
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            tree = ast.parse(open(path, encoding="utf-8").read())
            constants = _module_constants(tree)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS and node.args:
                    arg = node.args[0]
                    assert not isinstance(arg, ast.JoinedStr), f"f-string passed to t() in {path}: use named fields"
                    literals = _literals(arg, constants)
                    assert not isinstance(arg, ast.BinOp), \
                        f"t() in {path} line {node.lineno} gets a built string (+ or %): pass one literal template"
                    for s in literals:
                        found.setdefault(s, os.path.relpath(path, ROOT))
    return found


def _catalogue(lang: str) -> dict[str, str]:
    with open(os.path.join(ROOT, "i18n", f"core_{lang}.json"), encoding="utf-8") as fh:
        return {k: v for k, v in json.load(fh).items() if not k.startswith("_")}


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_language_codes_are_normalised():
    assert set_language("fr_FR") == "fr" and messages.language() == "fr"
    assert set_language("de-DE.UTF-8") == "de"
    assert set_language("") == "en" and set_language(None) == "en" and set_language("C") == "en"


def test_untranslated_text_falls_back_to_english_with_fields():
    set_language("fr")
    assert t("No such template {n} here", n=3) == "No such template 3 here"
    set_language("xx")  # a language without a catalogue
    assert t("Valid area: {m2} m² = {ha} ha", m2="1,000", ha="0.10") == "Valid area: 1,000 m² = 0.10 ha"


def test_fields_are_formatted_and_reordered():
    set_language("en")
    assert t("Valid area: {m2} m² = {ha} ha", m2="12,500", ha="1.25") == "Valid area: 12,500 m² = 1.25 ha"
    set_language("fr")
    assert t("Valid area: {m2} m² = {ha} ha", m2="12,500", ha="1.25") == "Surface valide : 12,500 m² = 1.25 ha"
    assert t("Otsu {value} clamped to {clamped} (plausible range {lo}..{hi})", value="0.9", clamped="0.5", lo="0", hi="0.5") == \
        "Otsu 0.9 ramené à 0.5 (plage plausible 0..0.5)"
    set_language("de_AT")
    assert t("Nodata excluded: {m2} m²", m2="7") == "NoData ausgeschlossen: 7 m²"


@pytest.mark.parametrize("lang", LANGS)
def test_every_core_template_is_translated_with_the_same_fields(lang):
    templates = core_templates()
    assert len(templates) > 300, "the scan found too few t() calls"
    # error texts too: a multi-line raise, and a module-level FIX constant wrapped as t(FIX) where it is raised
    assert "The SAM decoder '{name}' lacks the inputs {missing} (it has {inputs})." in templates
    assert "Reinstall the plugin, or rebuild the model with `make train-change`." in templates
    cat = _catalogue(lang)
    missing = sorted(f"{s!r} ({p})" for s, p in templates.items() if s not in cat)
    assert not missing, f"add to i18n/core_{lang}.json: {missing[:10]}"
    bad = sorted(k for k, v in cat.items() if _fields(k) != _fields(v) or not v.strip())
    assert not bad, f"translations in core_{lang}.json whose fields differ from the English: {bad[:10]}"


@pytest.mark.parametrize("lang", LANGS)
def test_concept_and_change_labels_are_translated(lang):
    from terraprompt.plugin.core.catalog import load_json
    from terraprompt.plugin.core.prompts import concepts

    cat = _catalogue(lang)
    change = load_json("change_prompts.json")
    labels = [c["label"] for c in concepts().values()] + [p["label"] for p in change["prompts"].values()]
    labels += list(change["semantic_classes"]) + ["other"]
    assert not [x for x in labels if x not in cat], f"concept/change labels missing from core_{lang}.json"


@pytest.mark.parametrize("lang", LANGS)
def test_index_and_rule_names_are_translated(lang):
    from terraprompt.plugin.core.landcover.spectral import DISPLAY, rules_table

    cat = _catalogue(lang)
    names = [v for v in DISPLAY.values() if " " in v]  # one-word names are acronyms (NDVI, AWEIsh ...): kept
    names += [v["name"] for c in rules_table()["concepts"].values() for v in c.get("variants", []) if v.get("name")]
    missing = sorted(n for n in names if n not in cat)
    assert not missing, f"index/rule names missing from core_{lang}.json: {missing[:10]}"


EXPECTED = {
    "fr": ("Compris : Eau (d'après", "Moteur : « spectral » — moteur spectral choisi par l'analyste", "Surface valide :",
           "Pixels sans données exclus :", "Confiance :", "Surfaces (% de la surface valide) :", "Règle : eau:"),
    "de": ("Verstanden: Wasser (aus", "Verfahren: „spectral“ — Spektral-Verfahren vom Analysten gewählt", "Gültige Fläche:",
           "NoData ausgeschlossen:", "Konfidenz:", "Flächen (% der gültigen Fläche):", "Regel: Wasser:"),
    "en": ("Understood: Water (from", "Engine: spectral — spectral engine chosen by the analyst", "Valid area:",
           "Nodata excluded:", "Confidence:", "Areas (% of valid area):", "Rule: water:"),
}


@pytest.fixture(scope="module")
def s2_scene(tmp_path_factory):
    data, water, _ = synthetic_s2(60, 90)
    return write_raster(str(tmp_path_factory.mktemp("msg") / "s2.tif"), data)


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_landcover_explanation_in_the_chosen_language(s2_scene, tmp_path, lang):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    set_language(lang)
    r = extract_landcover(ExtractRequest(s2_scene, "water and vegetation", str(tmp_path / "lc.tif"), engine="spectral"))
    for s in EXPECTED[lang]:
        assert s in r.explanation, (s, r.explanation)
    labels = [row["label"] for row in r.details["areas"]]
    assert labels == {"fr": ["Eau", "Végétation"], "de": ["Wasser", "Vegetation"], "en": ["Water", "Vegetation"]}[lang]
    if lang != "en":
        assert "Understood" not in r.explanation and "Valid area" not in r.explanation
        # the Input line's modality (preset label, reason) and scaling note come translated too
        assert "13 bands" not in r.explanation and "reflectance = DN" not in r.explanation, r.explanation
        assert {"fr": "(13 bandes)", "de": "(13 Bänder)"}[lang] in r.explanation, r.explanation


def _flooded_pair_summary(tmp_path, lang: str, prompt: str) -> str:
    """The CVA change summary, in ``lang``, of a synthetic pair where part of the forest is flooded."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change

    data, water, veg = synthetic_s2(60, 90)
    after_water = water.copy()
    after_water[10:30, 60:80] = True  # part of the forest flooded
    before = write_raster(str(tmp_path / "before.tif"), data)
    after = write_raster(str(tmp_path / "after.tif"), paint_s2(after_water, veg & ~after_water, seed=1))
    set_language(lang)
    return detect_change(ChangeRequest(before, after, output_change=str(tmp_path / "change.tif"), method="cva",
                                       cloud_mask=False, prompt=prompt)).summary


def test_change_summary_and_matrix_in_french(tmp_path):
    s = _flooded_pair_summary(tmp_path, "fr", "land to water")
    for part in ("Changement : terre vers eau (d'après l'expression « land to water »)", "Méthode : « cva » — méthode « cva » choisie par l'analyste",
                 "CVA sur", "Surface changée :", "Matrice de changement", "de \\ vers", "transitions conservées :", " eau"):
        assert part in s, (part, s)
    assert "Changed area" not in s and "Method:" not in s
    assert "réflectance = DN / 10000" in s and "reflectance" not in s and "13 bands" not in s, s  # the Alignment: BEFORE/AFTER lines


def test_change_summary_in_german_keeps_noun_capitals_and_localised_sizes(tmp_path):
    s = _flooded_pair_summary(tmp_path, "de", "land to water larger than 1500 m2")
    assert "VORHER: before.tif" in s and "NACHHER: after.tif" in s and "BEFORE:" not in s, s
    assert " Wasser" in s and " wasser" not in s, s
    assert "1.500 m²" in s and "1500 m²" not in s, s


def test_landcover_sizes_are_written_as_the_language_writes_numbers(s2_scene, tmp_path):
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    set_language("de")
    r = extract_landcover(ExtractRequest(s2_scene, "water larger than 1500 m2", str(tmp_path / "lc.tif"), engine="spectral"))
    assert "1.500 m²" in r.explanation and "1500 m²" not in r.explanation, r.explanation


def test_damaged_catalogue_falls_back_to_english(tmp_path, monkeypatch):
    (tmp_path / "core_fr.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setattr(messages, "I18N_DIR", str(tmp_path))
    monkeypatch.setattr(messages, "_catalogues", {})
    set_language("fr")
    assert t("Valid area: {m2} m² = {ha} ha", m2="1", ha="2") == "Valid area: 1 m² = 2 ha"


@pytest.mark.parametrize("lang", LANGS)
def test_modality_preset_labels_are_translated(lang):
    """Preset labels (models/modalities.json) are data strings, translated where a modality is made: t(p["label"])."""
    from terraprompt.plugin.core.modalities import presets

    cat = _catalogue(lang)
    assert not [p["label"] for p in presets().values() if p["label"] not in cat], f"preset labels missing from core_{lang}.json"


MODALITY_TEXT = {
    "en": ("Sentinel-2 10 m bands (B2, B3, B4, B8) [blue=b1, green=b2, red=b3, nir=b4] (band descriptions; quality band(s) b5 SCL "
           "left out (masks, not data); b5 SCL (Sentinel-2 Scene Classification) is the cloud and shadow mask)",
           "reflectance = DN / 10000"),
    "fr": ("Sentinel-2 bandes à 10 m (B2, B3, B4, B8) [blue=b1, green=b2, red=b3, nir=b4] (descriptions des bandes ; "
           "bande(s) qualité b5 SCL écartée(s) (des masques, pas des données) ; b5 SCL (classification de scène Sentinel-2) "
           "est le masque des nuages et des ombres)", "réflectance = DN / 10000"),
    "de": ("Sentinel-2 10-m-Bänder (B2, B3, B4, B8) [blue=b1, green=b2, red=b3, nir=b4] (Bandbeschreibungen; "
           "Qualitätsband/-bänder b5 SCL ausgelassen (Masken, keine Daten); b5 SCL ",
           "Reflektanz = DN / 10000"),
}
ENGLISH_WORDS = ("band descriptions", "quality band", "left out", "masks, not data", "cloud and shadow mask", "reflectance",
                 "bands)", "with offset", "inferred", "no offset in the metadata")


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_modality_and_scaling_note_in_the_chosen_language(tmp_path, lang):
    """The modality (label, reason, source notes) and the scaling note, read into the land-cover explanation's Input line
    and the change summary's Alignment lines, come in the chosen language; English stays as it was."""
    from terraprompt.plugin.core.modalities import detect_modality
    from terraprompt.plugin.core.scaling import fit_scaling

    rng = np.random.default_rng(0)
    data = rng.integers(200, 3000, size=(5, 40, 40), dtype=np.uint16)
    data[4] = 4  # SCL: vegetation
    path = write_raster(str(tmp_path / "s2_10m_scl.tif"), data, descriptions=["B02", "B03", "B04", "B08", "SCL"])
    # the same file with every band's dark objects just above 1000 DN and B10-less: the baseline 04.00 offset inferred
    dark = data[:4] // 20 + 1010
    dark[:, :4] = 1010
    offset = write_raster(str(tmp_path / "s2_offset.tif"), np.vstack([dark, data[4:]]), descriptions=["B02", "B03", "B04", "B08", "SCL"])
    set_language(lang)
    try:
        m = detect_modality(_source(path))
        text, note = m.describe(), fit_scaling(_source(path), m).note
        inferred = fit_scaling(_source(offset), detect_modality(_source(offset))).note
    finally:
        set_language("en")
    expected_text, expected_note = MODALITY_TEXT[lang]
    assert text.startswith(expected_text), text
    assert note == expected_note
    if lang == "en":
        assert inferred == ("reflectance = DN / 10000 with offset -1000 DN (inferred: every band's darkest values sit just "
                            "above 1000 DN (1010); no offset in the metadata)")
        return
    for words in ENGLISH_WORDS:
        assert words not in text and words not in note and words not in inferred, (words, text, note, inferred)
    assert inferred.startswith({"fr": "réflectance = DN / 10000 avec un décalage de -1000 DN (déduit :",
                                "de": "Reflektanz = DN / 10000 mit Versatz -1000 DN (abgeleitet:"}[lang]), inferred


def _source(path: str):
    from terraprompt.plugin.core.raster import open_raster

    return open_raster(path)


@pytest.mark.parametrize("lang, expected", [("en", "14,821,998 m² = 1,482.20 ha"), ("fr", "14\u202f821\u202f998 m² = 1\u202f482,20 ha"),
                                            ("de", "14.821.998 m² = 1.482,20 ha")])
def test_numbers_are_written_as_the_language_writes_them(lang, expected):
    """Areas in explanations and summaries group thousands and mark decimals as the language does (French and German
    read '1,482.20 ha' as one and a half hectares)."""
    set_language(lang)
    try:
        assert f"{messages.number(14_821_998.4)} m² = {messages.number(148_220_49.0 / 1e4, 2)} ha" == expected
        assert messages.number(-0.04, 1) in ("-0.0", "-0,0")
    finally:
        set_language("en")


@pytest.mark.parametrize("lang", LANGS)
def test_change_network_card_verdicts_are_translated(lang):
    """The change network card's METHOD=auto verdicts and pixel-size reason are data strings the summary shows through
    t(): a card rebuilt with new figures needs new catalogue entries."""
    from terraprompt.plugin.core.change.network import load_card

    card = load_card()
    texts = ([v for v in card.get("auto_subsets", {}).values() if v] + [card.get("auto_max_pixel_m_why", "")]
             + [v for v in card.get("auto_min_pixel_m_why", {}).values() if v])
    cat = _catalogue(lang)
    assert not [x for x in texts if x and x not in cat], f"change_net.json verdicts missing from core_{lang}.json"


def _s2_pair(tmp_path, seed: int = 0) -> tuple[str, str]:
    """Two 4-band Sentinel-2 10 m rasters (B02, B03, B04, B08, uint16 DN) of the same place, a patch brightened on AFTER."""
    rng = np.random.default_rng(seed)
    before = rng.integers(300, 2500, size=(4, 64, 64), dtype=np.uint16)
    after = before.copy()
    after[:, 20:40, 20:40] = np.minimum(after[:, 20:40, 20:40].astype(np.uint32) + 3000, 10000).astype(np.uint16)
    names = ["B02", "B03", "B04", "B08"]
    return (write_raster(str(tmp_path / "before_20200101.tif"), before, descriptions=names),
            write_raster(str(tmp_path / "after_20210101.tif"), after, descriptions=names))


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_change_cloud_and_method_reasons_in_the_chosen_language(tmp_path, lang):
    """A real CVA run with the cloud masking asked for: the cloud line of the summary (ukis-csmask's description, or why it
    could not run) and METHOD=auto's network verdict come in the chosen language; English stays as it was."""
    from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
    from terraprompt.plugin.core.change.network import auto_prefers_network
    from terraprompt.plugin.core.landcover.clouds import available, csmask_dir

    before, after = _s2_pair(tmp_path)
    roles = ["blue", "green", "red", "nir"]
    set_language(lang)
    try:
        res = detect_change(ChangeRequest(before, after, output_change=str(tmp_path / "change.tif"), method="cva",
                                          cloud_mask=True))
        uses, verdict = auto_prefers_network(roles, 10.0)
        coarse, why_not = auto_prefers_network(roles, 30.0)
        no_nir = available({"blue", "green", "red"})[1]
    finally:
        set_language("en")
    s = res.summary
    assert uses and not coarse
    csmask = csmask_dir() is not None
    expected = {
        "fr": ("sous-ensemble de bandes rgbn : METHOD=auto utilise le réseau : F1 global 0,42",
               "entraîné sur des pixels OSCD de 10 m", "il lui faut la réflectance en bleu, vert, rouge et PIR",
               "(4 bandes : blue, green, red, nir ; pixels de 10 m moyennés x3 à ~30 m)" if csmask
               else "le paquet ukis-csmask n'est pas installé"),
        "de": ("Bandauswahl rgbn: METHOD=auto verwendet das Netz: gepoolter F1 0,42", "trainiert auf 10-m-OSCD-",
               "es braucht Reflektanz in Blau, Grün, Rot und NIR",
               "(4 Bänder: blue, green, red, nir; 10-m-Pixel x3 auf ~30 m gemittelt)" if csmask
               else "das Paket ukis-csmask ist nicht installiert"),
        "en": ("band subset rgbn: METHOD=auto uses the network: held-out OSCD cities as 10 m RGBN stacks",
               "trained on 10 m OSCD and 0.5-2 m DSIFN pixels", "it needs blue, green, red and NIR reflectance",
               "(4 bands: blue, green, red, nir; 10 m pixels averaged x3 to ~30 m)" if csmask
               else "the ukis-csmask package is not installed"),
    }[lang]
    assert verdict.startswith(expected[0]), verdict
    assert expected[1] in why_not, why_not
    assert no_nir.startswith(expected[2]), no_nir
    assert expected[3] in s, s
    if lang != "en":
        for words in ("bands:", "averaged", "not installed", "uses the network", "held-out"):
            assert words not in s + verdict + why_not, (words, s)


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_network_engine_cloud_line_in_every_language(tmp_path, lang):
    """With the product's quality band masking the clouds, the network engine's explanation gives the cloud-excluded area
    (0 here) in every language: whether to give it is decided on the engine's data, not by searching the translated rule
    lines for 'clouds/shadows:' (French writes 'nuages/ombres :')."""
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    data, _, _ = synthetic_s2(48, 48)
    bands = np.vstack([data[[1, 2, 3, 7]], np.full((1, 48, 48), 4, np.uint16)])  # B02, B03, B04, B08 and a clear SCL
    path = write_raster(str(tmp_path / "s2_scl.tif"), bands.astype(np.uint16), descriptions=["B02", "B03", "B04", "B08", "SCL"])
    set_language(lang)
    try:
        r = extract_landcover(ExtractRequest(path, "water", str(tmp_path / "lc.tif"), engine="network"))
    finally:
        set_language("en")
    assert r.details["clouds_explained"]
    line = {"fr": "Nuages/ombres exclus : 0 m²", "de": "Wolken/Schatten ausgeschlossen: 0 m²",
            "en": "Clouds/shadows excluded: 0 m²"}[lang]
    rule = {"fr": "nuages/ombres : la bande qualité", "de": "Wolken/Schatten: ", "en": "clouds/shadows: the product's quality band"}[lang]
    assert line in r.explanation and rule in r.explanation, r.explanation


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_find_similar_appearance_reason_in_the_chosen_language(tmp_path, lang):
    """find_similar on 10 m pixels: why the promptable network was not used, and the appearance method's summary, come
    in the chosen language."""
    from rasterio.transform import from_origin
    from shapely.geometry import box

    from terraprompt.plugin.core.interactive.exemplars import SimilarRequest, find_similar
    from terraprompt.plugin.core.tiling import TileSpec

    rng = np.random.default_rng(3)
    data = np.full((3, 120, 120), 90.0) + rng.normal(0, 6, (3, 120, 120))
    roofs = [(20, 20), (20, 80), (80, 50)]
    for r, c in roofs:
        data[:, r:r + 12, c:c + 12] = np.array([200, 60, 50])[:, None, None] + rng.normal(0, 6, (3, 12, 12))
    tr = from_origin(500000, 4500000, 10.0, 10.0)
    src = write_raster(str(tmp_path / "rgb10.tif"), np.clip(data, 0, 255).astype(np.uint8), transform=tr)

    def geom(r, c, n=12):
        x0, y0 = tr * (c, r)
        return box(x0 + 10, y0 - 10 * (n - 1), x0 + 10 * (n - 1), y0 - 10)

    set_language(lang)
    try:
        res = find_similar(SimilarRequest(src, [geom(*roofs[0]), geom(*roofs[1])], str(tmp_path / "s.gpkg"),
                                          tiles=TileSpec(128, 16, 2), method="auto", cache_dir=""))
    finally:
        set_language("en")
    expected = {"fr": ("méthode par apparence : des pixels de 10 m sont trop grossiers pour le réseau à invites", " ; 2 exemple(s)"),
                "de": ("Erscheinungsmethode: 10-m-Pixel sind zu grob für das promptfähige Netz", "; 2 Beispiel(e)")}[lang]
    assert all(e in res.summary for e in expected), res.summary
    assert "appearance method" not in res.summary and "too coarse" not in res.summary


@pytest.mark.parametrize("lang, point", [("fr", ","), ("de", ","), ("en", ".")])
def test_rule_thresholds_are_written_with_the_languages_decimal_point(tmp_path, lang, point):
    """The explanation's rule lines ('MNDWI > 0,05 (Otsu 0,048 …)') and the held-out IoU of the network line write decimals
    as the language does (they kept the English point in French and German)."""
    import re

    from conftest import SAMPLE_S2
    from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover

    set_language(lang)
    try:
        spectral = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="water", engine="spectral",
                                                    output_raster=str(tmp_path / "s.tif"))).explanation
        network = extract_landcover(ExtractRequest(input=SAMPLE_S2, prompt="water", engine="network",
                                                   output_raster=str(tmp_path / "n.tif"))).explanation
    finally:
        set_language("en")
    assert re.search(r"MNDWI [<>] -?\d+" + re.escape(point) + r"\d+", spectral), spectral
    assert re.search(r"water_sen1floods11_hand 0" + re.escape(point) + r"\d\d", network), network
