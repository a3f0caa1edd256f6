"""The dock's live prompt line names a spelling guess as such ('watr' was '(by meaning, 89% sure)')."""
from __future__ import annotations


def test_spelling_guess_is_not_said_by_meaning(qgis_app_session):
    from terraprompt.plugin.gui.landcover_tab import describe_prompt

    ok, line = describe_prompt("watr")
    assert ok and "spelling close to 'water' ('watr')" in line and "by meaning" not in line
    ok, exact = describe_prompt("water")
    assert ok and "spelling" not in exact and "by meaning" not in exact
