"""One area formatter (chart.format_area) for the charts, messages and the candidates list."""
from __future__ import annotations


def test_format_area_decimals_and_the_candidates_areas(qgis_app_session):
    """``decimals`` overrides the chart's (two below one unit, else one); a candidate's area keeps two in ha."""
    from terraprompt.plugin.gui.candidates import area_text
    from terraprompt.plugin.gui.chart import format_area

    assert format_area(12345.0, "ha") == "1.2 ha" and format_area(12345.0, "ha", decimals=2) == "1.23 ha"
    assert format_area(1234.0, "ha") == "0.12 ha" and format_area(2.5e7, "km2", decimals=3) == "25.000 km²"
    assert format_area(999.4, "m2", decimals=2) == "999 m²"  # square metres stay whole
    assert area_text(12345.0) == "1.23 ha" and area_text(999.4) == "999 m²" and area_text(1000.0) == "0.10 ha"
