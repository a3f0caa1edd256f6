"""The fixes of refused engine/method choices name the choices as the dock and Processing both can follow: no
'ENGINE=spectral' / 'METHOD=cva' (qgis_process and processing.run reject enum names: they take the option's index)."""
from __future__ import annotations

import pytest

from change_pairs import write_pair
from terraprompt.plugin.core.change.align import align_pair
from terraprompt.plugin.core.change.methods import choose_method
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.landcover.network import NetworkEngine
from terraprompt.plugin.core.modalities import resolve_modality
from terraprompt.plugin.core.raster import open_raster


def test_logratio_refusal_names_methods_without_enum_syntax(tmp_path):
    pb, pa, _ = write_pair(tmp_path)
    b, a = open_raster(pb), open_raster(pa)
    pair = align_pair(b, a, resolve_modality(b, "auto"), resolve_modality(a, "auto"), "auto", True)
    with pytest.raises(ModalityError) as err:
        choose_method("logratio", pair)
    fix = err.value.fix
    assert "=" not in fix
    assert "'cva'" in fix and "'sar'" in fix


def test_network_engine_refusal_names_engines_without_enum_syntax(tmp_path):
    with pytest.raises(ModalityError) as err:
        NetworkEngine(["water"], {"red", "green", "blue"}, model_path=str(tmp_path / "absent.onnx"))
    fix = err.value.fix
    assert "=" not in fix
    assert "'spectral'" in fix and "'auto'" in fix
