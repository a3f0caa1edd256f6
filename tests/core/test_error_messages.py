"""Errors raised in the core (problem and fix) follow the core language; paths and numbers stay as they are."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import write_raster
from terraprompt.plugin.core.errors import Cancelled, InputError, ModalityError, OutputError, PromptError
from terraprompt.plugin.core.messages import set_language


@pytest.fixture(autouse=True)
def english_after():
    """Every test leaves the core in English (the default the other tests expect)."""
    yield
    set_language("en")


def _error(exc_type, call, *args, **kwargs):
    """The error a real core call raises."""
    with pytest.raises(exc_type) as info:
        call(*args, **kwargs)
    return info.value


MISSING = {
    "en": ("The raster '{p}' does not exist.", "Check the path or pick another layer."),
    "fr": ("Le raster « {p} » n'existe pas.", "Vérifiez le chemin ou choisissez une autre couche."),
    "de": ("Das Raster „{p}“ existiert nicht.", "Prüfen Sie den Pfad oder wählen Sie einen anderen Layer."),
}


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_missing_raster_in_the_chosen_language(tmp_path, lang):
    from terraprompt.plugin.core.raster import open_raster

    path = str(tmp_path / "absent.tif")
    set_language(lang)
    err = _error(InputError, open_raster, path)
    problem, fix = (s.format(p=path) for s in MISSING[lang])
    assert (err.problem, err.fix) == (problem, fix)
    assert str(err) == f"{problem} {fix}"


def test_empty_and_unknown_prompts_in_french():
    from terraprompt.plugin.core.prompts import parse_prompt

    set_language("fr")
    err = _error(PromptError, parse_prompt, "   ", use_encoder=False)
    assert err.problem == "La consigne est vide." and err.fix.startswith("Saisissez ce qu'il faut extraire")
    err = _error(PromptError, parse_prompt, "zzqx blorp", use_encoder=False)
    assert err.problem == "« zzqx blorp » ne désigne aucune occupation du sol connue de TerraPrompt."
    # the labels of the language: each is an exact phrase the prompt parser matches
    assert err.fix.startswith("Essayez l'un de ceux-ci : ") and "eau, végétation, forêt / arbres, prairie" in err.fix, err.fix
    assert "Try one of" not in err.fix


def test_band_count_and_threshold_errors_in_german(tmp_path):
    from terraprompt.plugin.core.change.threshold import threshold_change
    from terraprompt.plugin.core.modalities import resolve_modality
    from terraprompt.plugin.core.raster import open_raster

    nine = write_raster(str(tmp_path / "nine.tif"), np.full((9, 20, 20), 900, np.uint16))
    set_language("de")
    err = _error(ModalityError, resolve_modality, open_raster(nine), "auto")
    assert err.problem == ("„nine.tif“ hat 9 Bänder ohne Bandbeschreibungen, die TerraPrompt erkennt; "
                           "das passt zu keiner Modalität."), err.problem
    assert err.fix.startswith("Wählen Sie die Modalität von Hand (z. B. „generic“)")
    err = _error(InputError, threshold_change, np.zeros((2, 2), np.float32), 1.5)
    assert (err.problem, err.fix) == ("Der Schwellenwert 1,5 liegt außerhalb von 0..1.",
                                      "Wählen Sie eine Wahrscheinlichkeit zwischen 0 und 1.")
    assert str(Cancelled()) == "Abgebrochen. Es wurde keine Ausgabe geschrieben."


def test_output_errors_in_french_and_back_in_english(tmp_path):
    from terraprompt.plugin.core.writers import check_output_path

    src = write_raster(str(tmp_path / "in.tif"), np.ones((1, 8, 8), np.uint8))
    set_language("fr")
    err = _error(OutputError, check_output_path, src, [src], (".tif",))
    assert err.problem == "La sortie « in.tif » est l'une des entrées."
    err = _error(OutputError, check_output_path, str(tmp_path / "out.shp"), [src], (".tif", ".tiff"))
    assert err.fix == "Utilisez l'une des valeurs suivantes : .tif, .tiff."
    set_language("en")
    err = _error(OutputError, check_output_path, src, [src], (".tif",))
    assert str(err) == "The output 'in.tif' is one of the inputs. Choose another output file name; inputs are never overwritten."


def test_core_errors_are_built_with_t():
    """No TerraPromptError in plugin/core gets a bare English literal or f-string: problem and fix go through t()."""
    import ast
    import os

    from conftest import ROOT

    errors = {"TerraPromptError", "InputError", "ModalityError", "PromptError", "OutputError", "ModelError", "InstallError"}
    bare = []
    for folder, _, files in os.walk(os.path.join(ROOT, "plugin", "core")):
        for name in (f for f in files if f.endswith(".py")):
            path = os.path.join(folder, name)
            for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in errors:
                    for arg in list(node.args) + [k.value for k in node.keywords]:
                        if isinstance(arg, (ast.Constant, ast.JoinedStr, ast.BinOp)):
                            bare.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}")
    assert not bare, f"wrap these error texts in t(): {bare}"
