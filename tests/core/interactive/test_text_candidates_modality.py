"""Text search on a raster no modality fits: refused before the view is encoded, with a fix the Interactive tab allows
(it has no modality choice; the fix said 'Choose the modality by hand')."""
from __future__ import annotations

import numpy as np
import pytest
from rasterio.windows import Window

from conftest import write_raster
from terraprompt.plugin.core.errors import ModalityError
from terraprompt.plugin.core.interactive.classical import ClassicalEngine
from terraprompt.plugin.core.interactive.session import InteractiveSession
from terraprompt.plugin.core.interactive.text_candidates import find_candidates
from terraprompt.plugin.core.raster import open_raster


def test_undescribed_two_band_raster_is_refused_with_a_fix_the_tab_allows(tmp_path):
    data = (np.random.default_rng(1).random((2, 64, 64)) * 3000).astype(np.uint16)
    src = open_raster(write_raster(str(tmp_path / "nir_red.tif"), data))
    session = InteractiveSession(src, Window(0, 0, 64, 64), engine=ClassicalEngine(), cache=None)
    with pytest.raises(ModalityError) as err:
        find_candidates(session, "vegetation")
    assert "by hand" not in err.value.fix and "Land cover tab" in err.value.fix and "band descriptions" in err.value.fix
    assert "2 bands" in err.value.problem
    assert session.encoded is None  # refused before the view was encoded
