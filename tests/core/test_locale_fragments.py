"""French and German explanations and summaries carry no English fragment built in the land-cover, change and segment
code: rule tags ('[optical]'), engine/method names as bare words ('Moteur : spectral'), the date names 'AFTER'/'BEFORE'
beside 'AVANT'/'APRÈS', 'rééchantillonnage bilinear', '73%' beside '65 %', English example prompts in ASCII quotes."""
from __future__ import annotations

import os
import re

import fiona
import numpy as np
import pytest
from rasterio.transform import from_origin

from conftest import ROOT, S2_NAMES, run_qgis_process, synthetic_s2, write_raster
from terraprompt.plugin.core import messages
from terraprompt.plugin.core.change.detect import ChangeRequest, detect_change
from terraprompt.plugin.core.change.semantic import catalogue, parse_change_prompt
from terraprompt.plugin.core.errors import PromptError
from terraprompt.plugin.core.landcover.extract import ExtractRequest, extract_landcover
from terraprompt.plugin.core.tiling import TileSpec

TAGS = ("[optical]", "[classifier]", "[rgb]", "[sar]", "[height]", "[landnet]", "[cloudnet]", "[quality]", "[vhrnet]")
ENGLISH_EXAMPLES = ("forest to built-up", "loss of water", "new vegetation", "cropland to built-up")
QUOTED = {"fr": re.compile(r"« (.+?) »"), "de": re.compile(r"„(.+?)“")}


@pytest.fixture
def language():
    """Switch the core language for one test and back to English after it."""
    yield messages.set_language
    messages.set_language("en")


def _no_mixed_percent(text: str) -> None:
    """French and German write '63 %': no '63%' beside it."""
    assert not re.search(r"\d%", text), re.findall(r".{30}\d%.{10}", text)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_land_cover_explanation(tmp_path, language, lang):
    language(lang)
    data, _, _ = synthetic_s2(96, 128)
    src = write_raster(str(tmp_path / "s2.tif"), data, descriptions=S2_NAMES)
    prompt = {"fr": "eau et bâtiments", "de": "Wasser und Gebäude"}[lang]
    text = extract_landcover(ExtractRequest(input=src, prompt=prompt, output_raster=str(tmp_path / "lc.tif"))).explanation
    assert not [tag for tag in TAGS if tag in text], text
    assert {"fr": "[optique]", "de": "[optisch]"}[lang] in text and {"fr": "[classifieur]", "de": "[Klassifikator]"}[lang] in text
    engine = re.search(r"^(Moteur|Verfahren) ?: (.+?) — ", text, re.M)
    assert engine and engine.group(2) in ("« spectral »", "« network »", "„spectral“", "„network“"), text
    _no_mixed_percent(text)
    assert re.search(r"\d %", text)


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_change_summary(tmp_path, language, lang):
    language(lang)
    before, _, _ = synthetic_s2(96, 128)
    after = before.copy()
    after[:, 20:50, 30:70] = 3000
    pb = write_raster(str(tmp_path / "before.tif"), before, descriptions=S2_NAMES)
    shifted = from_origin(500000 + 5, 4500000 - 5, 10, 10)  # half a pixel off BEFORE's grid: AFTER is resampled
    pa = write_raster(str(tmp_path / "after.tif"), after, descriptions=S2_NAMES, transform=shifted)
    prompt = {"fr": "nouveaux bâtiments", "de": "neue Gebäude"}[lang]
    res = detect_change(ChangeRequest(pb, pa, method="cva", cloud_mask=False, prompt=prompt, output_probability=None,
                                      output_vector=None, output_change=str(tmp_path / "change.tif"), tiles=TileSpec(64, 0, 2)))
    text = res.summary
    for fragment in ("AFTER", "BEFORE", "bilinear resampling", "rééchantillonnage bilinear", "Méthode : cva", "Methode: cva"):
        assert fragment not in text, (fragment, text)
    assert {"fr": "Méthode : « cva » — méthode « cva » choisie", "de": "Methode: „cva“ — Methode „cva“ vom"}[lang] in text, text
    assert {"fr": "APRÈS (", "de": "NACHHER ("}[lang] in text and {"fr": "bilinéaire", "de": "bilinear"}[lang] in text
    point = r"\d\.(?:\d{1,2}|\d{4,})(?!\d)"  # a decimal point, not German grouping (1.000)
    assert not re.search(point, text.replace("1.0.0", "")), re.findall(".{30}" + point + ".{10}", text)
    _no_mixed_percent(text)


@pytest.mark.parametrize("lang, one", [("en", "CVA on 1 band "), ("fr", "CVA sur 1 bande "), ("de", "CVA auf 1 Band ")])
def test_cva_on_one_band_says_band(language, lang, one):
    from terraprompt.plugin.core.change.align import PairBlock
    from terraprompt.plugin.core.change.cva import CVA

    language(lang)
    rng = np.random.default_rng(0)
    before = rng.uniform(0.02, 0.4, (1, 64, 64)).astype(np.float32)
    after = (before + rng.normal(0, 0.02, before.shape)).astype(np.float32)
    m = CVA()
    m.fit([PairBlock(["nir"], before, after, np.ones((64, 64), bool))])
    assert m.notes[0].startswith(one), m.notes[0]


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize("prompt", ["zzzz qqqq", "not any change", "water to lakes", "new clouds"])
def test_change_refusals_give_examples_that_work(language, lang, prompt):
    """A change prompt refused in French or German names examples in that language's quotes, each one a change prompt."""
    language(lang)
    with pytest.raises(PromptError) as info:
        parse_change_prompt(prompt)
    hint = info.value.fix
    assert not re.search(r"'[a-z -]+'", hint), hint
    examples = QUOTED[lang].findall(hint)
    assert examples, hint
    english = {p["label"] for p in catalogue()["prompts"].values()} | set(ENGLISH_EXAMPLES)
    for example in examples:
        assert example not in english, (example, hint)
        parse_change_prompt(example)  # each resolves


@pytest.mark.parametrize("lang", ["fr", "de"])
def test_every_change_label_typed_back_gives_its_change(language, lang):
    language(lang)
    for pid, p in catalogue()["prompts"].items():
        label = messages.t(p["label"])
        assert label != p["label"], (lang, label)
        assert parse_change_prompt(label).id == pid, (lang, label)


def test_segment_class_default_in_french(tmp_path):
    """segment_prompts run in French without CLASS writes the Interactive tab's word for 'object'."""
    data = np.full((3, 64, 64), 60, np.uint8)
    data[:, 20:40, 20:40] = 200
    transform = from_origin(500000, 4500000, 0.5, 0.5)
    src = write_raster(str(tmp_path / "img.tif"), data, transform=transform)
    pts = str(tmp_path / "pts.gpkg")
    schema = {"geometry": "Point", "properties": {"object_id": "int", "positive": "int"}}
    with fiona.open(pts, "w", driver="GPKG", schema=schema, crs="EPSG:32633") as fc:
        x, y = transform * (30.5, 30.5)
        fc.write({"geometry": {"type": "Point", "coordinates": (x, y)}, "properties": {"object_id": 1, "positive": 1}})
    out = tmp_path / "objects.gpkg"
    run_qgis_process(tmp_path, "terraprompt:segment_prompts",
                     [f"INPUT={src}", f"POINTS={pts}", "MODEL=classical", f"OUTPUT_VECTOR={out}",
                      f"CACHE_DIR={tmp_path / 'cache'}"], locale="fr")
    assert os.path.exists(out)
    with fiona.open(str(out)) as fc:
        assert [f["properties"]["class"] for f in fc] == ["objet"]


@pytest.mark.parametrize("lang", ["fr", "de"])
@pytest.mark.parametrize("source", ["e.g. lakes larger than 1 ha, trees, buildings", "Type what to find, e.g. 'water' or 'trees'."])
def test_interactive_text_examples_are_translated(language, lang, source):
    """The Interactive tab's text search examples, as the .ts translates them, are prompts in that language."""
    import xml.etree.ElementTree as ET

    from terraprompt.plugin.core.prompts import parse_prompt

    ts = ET.parse(os.path.join(ROOT, "i18n", f"terraprompt_{lang}.ts"))
    text = next(m.findtext("translation") for m in ts.iter("message") if m.findtext("source") == source)
    examples = QUOTED[lang].findall(text) or re.sub(r"^(p\. ex\.|z\. B\.)\s*", "", text).split(", ")
    assert len(examples) >= 2, text
    language(lang)
    for example in examples:
        assert not re.search(r"\b(lakes|larger|trees|buildings|water)\b", example), text
        assert all(m.score >= 0.99 for m in parse_prompt(example).concepts), example
