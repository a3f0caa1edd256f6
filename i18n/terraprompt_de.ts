<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE" sourcelanguage="en_GB">
    <context>
        <name>TerraPrompt</name>
        <message>
            <location filename="../plugin/algorithms/base.py" line="37" />
            <source>Segmentation</source>
            <translation>Segmentierung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="74" />
            <source>{label} ({name}): {value!r} is not a raster layer or a raster file that can be opened. Choose a raster, or leave it empty.</source>
            <translation>{label} ({name}): {value!r} ist weder ein Rasterlayer noch eine lesbare Rasterdatei. Wählen Sie ein Raster oder lassen Sie das Feld leer.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="77" />
            <source>{label} ({name}): {value!r} is not a number. Give a number, or leave it empty.</source>
            <translation>{label} ({name}): {value!r} ist keine Zahl. Geben Sie eine Zahl an oder lassen Sie das Feld leer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="731" />
            <source>The output {file} is the file of the layer '{layer}' in the project, which is not a TerraPrompt result: the run would overwrite it. Choose another output file name.</source>
            <translation>Die Ausgabe {file} ist die Datei des Layers „{layer}“ im Projekt, der kein TerraPrompt-Ergebnis ist: Der Lauf würde sie überschreiben. Wählen Sie einen anderen Ausgabedateinamen.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="122" />
            <source>{label} ({name}): {value} is outside the allowed range, {min} to {max}. Give a value from {min} to {max}.</source>
            <translation>{label} ({name}): {value} liegt außerhalb des zulässigen Bereichs von {min} bis {max}. Geben Sie einen Wert von {min} bis {max} an.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="125" />
            <source>{label} ({name}): {value} is below the minimum, {min}. Give a value of {min} or more.</source>
            <translation>{label} ({name}): {value} liegt unter dem Minimum {min}. Geben Sie einen Wert von {min} oder mehr an.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="126" />
            <source>{label} ({name}): {value} is above the maximum, {max}. Give a value of {max} or less.</source>
            <translation>{label} ({name}): {value} liegt über dem Maximum {max}. Geben Sie einen Wert von {max} oder weniger an.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="157" />
            <source>'{name}' is a {provider} layer, not a file: Processing algorithms read raster files.</source>
            <translation>„{name}“ ist ein {provider}-Layer, keine Datei: Verarbeitungsalgorithmen lesen Rasterdateien.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="157" />
            <source>Save the part you need as a GeoTIFF (right-click › Export › Save As, 'Rendered image'), or use the TerraPrompt panel, which renders web layers over the map view.</source>
            <translation>Speichern Sie den benötigten Teil als GeoTIFF (Rechtsklick › Exportieren › Speichern als, „Gerendertes Bild“) oder verwenden Sie das TerraPrompt-Panel, das Web-Layer über der Kartenansicht rendert.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="222" />
            <source>TerraPrompt needs the Python package '{name}', which is not installed in this QGIS. Open the TerraPrompt panel, tab Setup, and click 'Install dependencies' (see README, Installing in QGIS).</source>
            <translation>TerraPrompt benötigt das Python-Paket „{name}“, das in diesem QGIS nicht installiert ist. Öffnen Sie das TerraPrompt-Bedienfeld, Reiter Einrichtung, und klicken Sie auf „Abhängigkeiten installieren“ (siehe README, Installation in QGIS).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="35" />
            <source>'cva': change vector analysis (magnitude, scene-adaptive threshold); 'irmad': iteratively re-weighted MAD (Nielsen 2007), invariant to gain/offset differences; 'logratio': SAR intensity log-ratio; 'network': the bundled Siamese change network (refused with a clear message when it is not installed or the bands do not fit); 'auto': log-ratio for SAR; for optical pairs the network when it is bundled, the pair has red, green and blue, the coarser date's pixels are 15 m or finer and BEFORE's pixels are 8 m or coarser (0.5 m or coarser when the pair has only red, green and blue), the pixel sizes it was trained and tested on; else CVA. The summary says which method ran and why.</source>
            <translation>„cva“: Change-Vector-Analyse (Betrag, szenenadaptive Schwelle); „irmad“: iterativ umgewichtetes MAD (Nielsen 2007), unempfindlich gegen Verstärkungs- und Versatzunterschiede; „logratio“: SAR-Intensitäts-Log-Ratio; „network“: das mitgelieferte siamesische Veränderungsnetz (mit klarer Meldung abgelehnt, wenn es nicht installiert ist oder die Bänder nicht passen); „auto“: Log-Ratio für SAR; für optische Paare das Netz, wenn es mitgeliefert ist, das Paar Rot, Grün und Blau hat, die Pixel des gröberen Datums 15 m oder feiner und die Pixel von VORHER 8 m oder gröber sind (0,5 m oder gröber, wenn das Paar nur Rot, Grün und Blau hat), die Pixelgrößen, auf denen es trainiert und getestet wurde; sonst CVA. Die Zusammenfassung sagt, welche Methode lief und warum.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="46" />
            <source>Which change to keep: 'any change' (default), 'new buildings' (built-up after the change, rebuilding included), 'urban expansion' (built-up on land that was not), 'vegetation loss', 'vegetation gain', 'deforestation', 'water to land', 'land to water'; or land covers: 'forest to built-up', 'loss of water', 'new vegetation' (classes followed: water, vegetation, forest, built-up, bare soil). A size ('larger than 1 ha') filters the polygons.</source>
            <translation>Welche Veränderung behalten: 'any change' (Standard), 'new buildings' (nach der Veränderung bebaut, Neubau an bebauter Stelle inbegriffen), 'urban expansion' (Bebauung auf zuvor unbebautem Land), 'vegetation loss', 'vegetation gain', 'deforestation', 'water to land', 'land to water'; oder Landbedeckungen: 'forest to built-up', 'loss of water', 'new vegetation' (verfolgte Klassen: Wasser, Vegetation, Wald, bebaut, offener Boden). Eine Größe ('larger than 1 ha') filtert die Polygone.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="60" />
            <source>Detect change between two dates</source>
            <translation>Veränderungen zwischen zwei Zeitpunkten erkennen</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="63" />
            <source>Change detection</source>
            <translation>Veränderungserkennung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="69" />
            <source>Compares a BEFORE and an AFTER raster of the same place. They may differ in CRS, pixel size, extent, band count or sensor: AFTER is reprojected onto BEFORE's grid over the common extent (when AFTER's pixels are coarser, BEFORE is smoothed to their detail), bands are paired by role and radiometry is normalised where the dates are not calibrated alike. Methods: the bundled Siamese change network (network), change vector analysis (cva), IR-MAD (irmad), SAR log-ratio (logratio); 'auto' picks one and says why. Outputs are on BEFORE's grid: a change probability (0..1), a change raster (0 no change, 1 change, 255 nodata) and polygons with area_m2, mean_probability and the land-cover classes before and after (from_class, to_class). A prompt such as 'new buildings', 'vegetation loss', 'water to land', 'deforestation' or 'any change' keeps only that kind of change. SUMMARY gives the changed area and the change matrix.</source>
            <translation>Vergleicht ein VORHER- und ein NACHHER-Raster desselben Ortes. Sie dürfen sich in KBS, Pixelgröße, Ausdehnung, Bandanzahl oder Sensor unterscheiden: NACHHER wird über die gemeinsame Ausdehnung auf das Raster von VORHER reprojiziert (sind die Pixel von NACHHER gröber, wird VORHER auf deren Detailgrad geglättet), Bänder werden nach Rolle gepaart und die Radiometrie wird normalisiert, wo die Daten nicht gleich kalibriert sind. Methoden: das mitgelieferte siamesische Veränderungsnetz (network), Change-Vector-Analyse (cva), IR-MAD (irmad), SAR-Log-Ratio (logratio); „auto“ wählt eine aus und begründet die Wahl. Die Ausgaben liegen auf dem Raster von VORHER: eine Veränderungswahrscheinlichkeit (0..1), ein Veränderungsraster (0 keine Veränderung, 1 Veränderung, 255 keine Daten) und Polygone mit area_m2, mean_probability und den Landbedeckungsklassen vorher und nachher (from_class, to_class). Eine Anweisung wie „neue Gebäude“, „Vegetationsverlust“, „Wasser zu Land“, „Entwaldung“ oder „jede Veränderung“ behält nur diese Art von Veränderung. SUMMARY gibt die veränderte Fläche und die Veränderungsmatrix an.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="82" />
            <source>Before (earlier raster)</source>
            <translation>Vorher (früheres Raster)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="83" />
            <source>The earlier image. Its grid (CRS, pixel size, extent) is the grid of every output.</source>
            <translation>Das frühere Bild. Sein Raster (KBS, Pixelgröße, Ausdehnung) ist das Raster aller Ausgaben.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="85" />
            <source>After (later raster)</source>
            <translation>Nachher (späteres Raster)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="86" />
            <source>The later image of the same place; reprojected and resampled onto BEFORE's grid over the common extent. Another sensor is fine when the bands share roles (e.g. Sentinel-2 then Landsat).</source>
            <translation>Das spätere Bild desselben Ortes; über die gemeinsame Ausdehnung auf das Raster von VORHER reprojiziert und neu abgetastet. Ein anderer Sensor ist möglich, wenn die Bänder dieselben Rollen haben (z. B. Sentinel-2, dann Landsat).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="68" />
            <source>Modality (band roles)</source>
            <translation>Modalität (Bandrollen)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="90" />
            <source>How to read the bands of both rasters. 'auto' detects each from band descriptions, band count and values.</source>
            <translation>Wie die Bänder beider Raster zu lesen sind. „auto“ erkennt jede aus Bandbeschreibungen, Bandanzahl und Werten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="186" />
            <source>Method</source>
            <translation>Methode</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="95" />
            <source>Change of interest (optional)</source>
            <translation>Gesuchte Veränderung (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="98" />
            <source>Pre-change land-cover map (optional)</source>
            <translation>Landbedeckungskarte vor der Veränderung (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="100" />
            <source>A land-cover map of the BEFORE date: a class raster (e.g. from 'Extract land cover') or polygons with a class field ('class', 'label', 'name' or the first text field), in any CRS. Its classes become from_class instead of the spectral land-cover map.</source>
            <translation>Eine Landbedeckungskarte des VORHER-Zeitpunkts: ein Klassenraster (z. B. aus „Landbedeckung extrahieren“) oder Polygone mit einem Klassenfeld („class“, „label“, „name“ oder das erste Textfeld), in beliebigem KBS. Ihre Klassen werden anstelle der spektralen Landbedeckungskarte zu from_class.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="104" />
            <source>Radiometric normalisation</source>
            <translation>Radiometrische Normalisierung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="105" />
            <source>How AFTER's radiometry is matched to BEFORE: 'relative' fits a line per band on the pixels IR-MAD finds unchanged; 'histogram' matches histograms; 'none' compares values as they are; 'auto': none when both dates are calibrated in the same physical unit (reflectance, SAR dB, heights in metres; a Sentinel-2 offset left in one date is still taken out), else relative (e.g. 8-bit or uncalibrated DN).</source>
            <translation>Wie die Radiometrie von NACHHER an VORHER angepasst wird: „relative“ passt je Band eine Gerade an die Pixel an, die IR-MAD als unverändert findet; „histogram“ gleicht Histogramme an; „none“ vergleicht die Werte unverändert; „auto“: none, wenn beide Daten in derselben physikalischen Einheit kalibriert sind (Reflexion, SAR-dB, Höhen in Metern; ein in einem Datum verbliebener Sentinel-2-Versatz wird dennoch entfernt), sonst relative (z. B. 8-Bit- oder unkalibrierte DN).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="111" />
            <source>Mask clouds and shadows</source>
            <translation>Wolken und Wolkenschatten maskieren</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="112" />
            <source>Treat cloud and shadow pixels of either date as nodata: from the date's own quality band when it carries one (SCL, QA_PIXEL, Fmask ...), else from the ukis-csmask cloud network (optical reflectance with blue, green, red and NIR). The summary says which ran, and why not.</source>
            <translation>Wolken- und Schattenpixel beider Zeitpunkte als NoData behandeln: aus dem Qualitätsband des Zeitpunkts, wenn er eines hat (SCL, QA_PIXEL, Fmask ...), sonst aus dem ukis-csmask-Wolkennetz (optische Reflektanz mit Blau, Grün, Rot und NIR). Die Zusammenfassung sagt, welches lief, und sonst warum nicht.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="117" />
            <source>Cloud mask of BEFORE's product (optional)</source>
            <translation>Wolkenmaske des VORHER-Produkts (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="117" />
            <source>Cloud mask of AFTER's product (optional)</source>
            <translation>Wolkenmaske des NACHHER-Produkts (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="120" />
            <source>The date's cloud mask delivered as a file of its own, e.g. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF or HLS ....Fmask.tif (read by nearest neighbour onto BEFORE's grid). Empty: a quality band of the date's raster, else the ukis-csmask cloud network.</source>
            <translation>Die Wolkenmaske des Zeitpunkts als eigene Datei, z. B. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF oder HLS ....Fmask.tif (mit nächstem Nachbarn auf das Raster von BEFORE gelesen). Leer: ein Qualitätsband des Rasters des Zeitpunkts, sonst das ukis-csmask-Wolkennetz.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="336" />
            <source>Device</source>
            <translation>Gerät</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="126" />
            <source>Where networks run. The classical methods run on the CPU; the summary reports the device actually used.</source>
            <translation>Wo Netze laufen. Die klassischen Methoden laufen auf der CPU; die Zusammenfassung nennt das tatsächlich verwendete Gerät.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="128" />
            <source>Minimum changed area (m², all transitions together)</source>
            <translation>Minimale veränderte Fläche (m², alle Übergänge zusammen)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="130" />
            <source>Changed areas smaller than this (true area in m² of the whole area, all its transitions together) are left out of the polygon output; a kept area is written as one polygon per transition, and these polygons can each be smaller.</source>
            <translation>Veränderte Flächen, die kleiner sind (wahre Fläche in m² der ganzen Fläche, alle ihre Übergänge zusammen), fehlen in der Polygonausgabe; eine behaltene Fläche wird als ein Polygon je Übergang geschrieben, und jedes dieser Polygone kann kleiner sein.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="90" />
            <source>Extent (optional)</source>
            <translation>Ausdehnung (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="135" />
            <source>Process only this extent (snapped to BEFORE's pixels; the outputs cover it alone, on BEFORE's grid); it gets the change a run over the whole pair gives there (co-registration, normalisation, cloud masks and thresholds are fitted on the whole area both dates cover). Empty: all of BEFORE.</source>
            <translation>Nur diese Ausdehnung verarbeiten (an den Pixeln von VORHER ausgerichtet; die Ausgaben decken nur sie ab, auf dem Raster von VORHER); sie erhält die Veränderung, die ein Lauf über das ganze Paar dort ergibt (Koregistrierung, Normalisierung, Wolkenmasken und Schwellen werden auf dem ganzen Bereich angepasst, den beide Daten abdecken). Leer: ganz VORHER.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="139" />
            <source>Change probability</source>
            <translation>Veränderungswahrscheinlichkeit</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="141" />
            <source>float32 GeoTIFF on BEFORE's grid: change probability 0..1 (only the prompted change), -1 = nodata.</source>
            <translation>float32-GeoTIFF auf dem Raster von VORHER: Veränderungswahrscheinlichkeit 0..1 (nur die gesuchte Veränderung), -1 = keine Daten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Change</source>
            <translation>Veränderung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="144" />
            <source>uint8 GeoTIFF on BEFORE's grid: 0 no change, 1 change (change probability 0.5 or more; reclassify the change probability for another cut), 255 nodata (outside the common extent or masked).</source>
            <translation>uint8-GeoTIFF auf dem Raster von VORHER: 0 keine Veränderung, 1 Veränderung (Veränderungswahrscheinlichkeit 0,5 oder mehr; für eine andere Schwelle die Veränderungswahrscheinlichkeit neu klassifizieren), 255 keine Daten (außerhalb der gemeinsamen Ausdehnung oder maskiert).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="147" />
            <source>Change polygons</source>
            <translation>Veränderungspolygone</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="149" />
            <source>Polygons with area_m2, mean_probability, from_class, to_class, method, model and the dates when known. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Polygone mit area_m2, mean_probability, from_class, to_class, Methode, Modell und den Daten, falls bekannt. Standardmäßig GeoPackage; .shp, .geojson und .fgb gehen auch, mit ihren Grenzen (ein Shapefile kürzt Feldnamen auf 10 Zeichen).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="153" />
            <source>Summary</source>
            <translation>Zusammenfassung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="162" />
            <source>The BEFORE or AFTER raster could not be opened. Check that the file exists and GDAL can read it.</source>
            <translation>Das VORHER- oder NACHHER-Raster konnte nicht geöffnet werden. Prüfen Sie, ob die Datei existiert und GDAL sie lesen kann.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="591" />
            <source>{name} (change probability)</source>
            <translation>{name} (Veränderungswahrscheinlichkeit)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="204" />
            <source>{name} (change)</source>
            <translation>{name} (Veränderung)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="591" />
            <source>{name} (change polygons, threshold {t})</source>
            <translation>{name} (Veränderungspolygone, Schwelle {t})</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="55" />
            <source>The report is a text file: '{path}' is not a .txt or .log file. Give a file name ending in .txt or .log, or leave the report file empty.</source>
            <translation>Der Bericht ist eine Textdatei: „{path}“ ist keine .txt- oder .log-Datei. Geben Sie einen Dateinamen mit der Endung .txt oder .log an oder lassen Sie die Berichtsdatei leer.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="66" />
            <source>Diagnostics report</source>
            <translation>Diagnosebericht</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="69" />
            <source>Tools</source>
            <translation>Werkzeuge</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="75" />
            <source>Prints QGIS, Python, GDAL and PROJ versions, every dependency with version and path, the onnxruntime providers (and the one used by the last run), torch CUDA availability, cache sizes and model checksums. Attach it to bug reports.</source>
            <translation>Gibt die Versionen von QGIS, Python, GDAL und PROJ aus, jede Abhängigkeit mit Version und Pfad, die onnxruntime-Provider (und den beim letzten Lauf verwendeten), die CUDA-Verfügbarkeit für torch, Cache-Größen und Modell-Prüfsummen. Hängen Sie ihn an Fehlerberichte an.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="83" />
            <source>Report file</source>
            <translation>Berichtsdatei</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="83" />
            <source>Text files (*.txt *.log)</source>
            <translation>Textdateien (*.txt *.log)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="85" />
            <source>Also save the report to this text file.</source>
            <translation>Den Bericht zusätzlich in dieser Textdatei speichern.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="180" />
            <source>Report</source>
            <translation>Bericht</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="101" />
            <source>The report could not be saved to {path} ({reason}). Choose a file in a folder you can write to.</source>
            <translation>Der Bericht konnte nicht unter {path} gespeichert werden ({reason}). Wählen Sie eine Datei in einem Ordner, in den Sie schreiben dürfen.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="27" />
            <source>Precompute interactive encodings of a raster</source>
            <translation>Interaktive Kodierungen eines Rasters vorberechnen</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="30" />
            <source>Encodes the raster on the shared grid of half-overlapping tiles and stores the encodings in the on-disk cache (keyed by the raster's path, size and modification time, the bands, the tile and the model's hash). The map tool and segment_prompts then reuse them; tiles already cached are skipped. The least recently used encodings are evicted when the cache exceeds its size cap.</source>
            <translation>Kodiert das Raster auf dem gemeinsamen Gitter halb überlappender Kacheln und legt die Kodierungen im Festplatten-Cache ab (Schlüssel: Pfad, Größe und Änderungszeit des Rasters, die Bänder, die Kachel und der Hash des Modells). Das Kartenwerkzeug und segment_prompts verwenden sie dann wieder; bereits zwischengespeicherte Kacheln werden übersprungen. Die am längsten nicht verwendeten Kodierungen werden entfernt, wenn der Cache seine Größengrenze überschreitet.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="141" />
            <source>Input raster</source>
            <translation>Eingaberaster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="39" />
            <source>The raster to encode (any GDAL raster with a CRS).</source>
            <translation>Das zu kodierende Raster (jedes von GDAL lesbare Raster mit KBS).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="62" />
            <source>Model</source>
            <translation>Modell</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="42" />
            <source>'bundled': the promptable network, or the classical engine when the network cannot be loaded (the report says so); 'network': the promptable network only (an error when it cannot be loaded); 'classical': the bundled region-growing engine; or the path to a SAM / SAM 2 ONNX encoder/decoder pair or its model card (.json).</source>
            <translation>„bundled“: das promptfähige Netz, oder die klassische Engine, wenn das Netz nicht geladen werden kann (der Bericht sagt es); „network“: nur das promptfähige Netz (ein Fehler, wenn es nicht geladen werden kann); „classical“: die mitgelieferte Regionenwachstums-Engine; oder der Pfad zu einem SAM-/SAM-2-ONNX-Encoder/Decoder-Paar oder seiner Modellkarte (.json).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="48" />
            <source>Where ONNX models run; the report states the device actually used.</source>
            <translation>Wo ONNX-Modelle laufen; der Bericht nennt das tatsächlich verwendete Gerät.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="52" />
            <source>Tiles</source>
            <translation>Kacheln</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="53" />
            <source>Tiles encoded now</source>
            <translation>Jetzt kodierte Kacheln</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="188" />
            <source>The input raster could not be opened. Check that the file exists and GDAL can read it.</source>
            <translation>Das Eingaberaster konnte nicht geöffnet werden. Prüfen Sie, ob die Datei existiert und GDAL sie lesen kann.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="29" />
            <source>Free text naming land covers, e.g. 'lakes and rivers', 'all vegetation but not grass', 'built-up larger than 1 ha', 'ponds smaller than 1 ha' (size qualifiers filter the raster regions and polygons by area), 'buildings taller than 10 m' (height qualifiers need a DSM or nDSM raster: objects are kept by their median height above ground). 'land cover map' or 'everything except water' give a whole land-cover map of the classes the bands allow.</source>
            <translation>Freitext, der Landbedeckungen nennt, z. B. 'lakes and rivers', 'all vegetation but not grass', 'built-up larger than 1 ha', 'ponds smaller than 1 ha' (Größenangaben filtern die Rasterregionen und Polygone nach Fläche), 'buildings taller than 10 m' (Höhenangaben brauchen ein DOM- oder nDOM-Raster: Objekte werden nach ihrer mittleren Höhe über Grund (Median) behalten). 'land cover map' oder 'everything except water' ergeben eine vollständige Landbedeckungskarte der Klassen, die die Bänder erlauben.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="37" />
            <source>'spectral': index rules with scene-adaptive thresholds and the bundled land-cover classifier, for every concept the bands allow; 'network': the bundled segmentation network, which predicts water, vegetation and cloud only (other concepts are refused, and a 'land cover map' then holds water alone); 'auto': the network only when every concept asked for is water or vegetation and the network does better with these bands (the explanation says why), else the indices, which without SWIR take water from the network.</source>
            <translation>„spectral“: Indexregeln mit szenenadaptiven Schwellen und der mitgelieferte Landbedeckungsklassifikator, für jedes Konzept, das die Bänder erlauben; „network“: das mitgelieferte Segmentierungsnetz, das nur Wasser, Vegetation und Wolken vorhersagt (andere Konzepte werden abgelehnt, und eine 'land cover map' enthält dann nur Wasser); „auto“: das Netz nur, wenn jedes verlangte Konzept Wasser oder Vegetation ist und das Netz mit diesen Bändern besser abschneidet (die Erklärung sagt, warum), sonst die Indizes, die ohne SWIR das Wasser vom Netz nehmen.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="51" />
            <source>Extract land cover from a prompt</source>
            <translation>Landbedeckung aus einer Anweisung extrahieren</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="54" />
            <source>Type what to extract (e.g. 'lakes and rivers', 'vegetation except grass larger than 1 ha') and get a class raster on the input's grid (0 background, 1..K the concepts in prompt order, 255 nodata or cloud/cloud-shadow pixels) and polygons with area_m2 and confidence. Works on Sentinel-2, Landsat, RGB, RGBN, SAR and DSM rasters, alone or stacked. The EXPLANATION output says what was understood, which engine, bands and thresholds were used, and the area per class.</source>
            <translation>Geben Sie ein, was extrahiert werden soll (z. B. „Seen und Flüsse“, „Vegetation außer Gras größer als 1 ha“), und erhalten Sie ein Klassenraster auf dem Raster der Eingabe (0 Hintergrund, 1..K die Konzepte in der Reihenfolge der Anweisung, 255 keine Daten oder Wolken-/Wolkenschattenpixel) und Polygone mit area_m2 und confidence. Funktioniert mit Sentinel-2-, Landsat-, RGB-, RGBN-, SAR- und DOM-Rastern, einzeln oder gestapelt. Die Ausgabe EXPLANATION sagt, was verstanden wurde, welche Engine, Bänder und Schwellenwerte verwendet wurden und die Fläche je Klasse.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="63" />
            <source>The raster to segment: any GDAL raster with a CRS (GeoTIFF, VRT, JP2, ...).</source>
            <translation>Das zu segmentierende Raster: jedes von GDAL lesbare Raster mit KBS (GeoTIFF, VRT, JP2, ...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="65" />
            <source>Prompt</source>
            <translation>Anweisung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="66" />
            <source>Default: 'water' (the field is filled with it); an empty prompt is refused.</source>
            <translation>Standard: 'water' (das Feld ist damit gefüllt); eine leere Anweisung wird abgelehnt.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="69" />
            <source>How to read the bands. 'auto' detects it from band descriptions, band count and values.</source>
            <translation>Wie die Bänder zu lesen sind. „auto“ erkennt sie aus Bandbeschreibungen, Bandanzahl und Werten.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="71" />
            <source>SAR raster (optional, VV/VH)</source>
            <translation>SAR-Raster (optional, VV/VH)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="72" />
            <source>A Sentinel-1 style raster of the same place; reprojected onto the input's grid and fused.</source>
            <translation>Ein Raster im Stil von Sentinel-1 desselben Ortes; auf das Raster der Eingabe reprojiziert und fusioniert.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="74" />
            <source>DSM / nDSM raster (optional)</source>
            <translation>DOM-/nDOM-Raster (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="75" />
            <source>Heights of the same place (a DSM or an nDSM, told apart from the values; metres unless the band's unit names another length, e.g. cm or ft); reprojected onto the input's grid.</source>
            <translation>Höhen desselben Ortes (ein DOM oder ein nDOM, anhand der Werte unterschieden; Meter, sofern die Einheit des Bandes keine andere Länge nennt, z. B. cm oder ft); auf das Raster der Eingabe reprojiziert.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="78" />
            <source>Cloud mask of the product (optional)</source>
            <translation>Wolkenmaske des Produkts (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="79" />
            <source>The product's cloud mask delivered as a file of its own, e.g. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF or HLS ....Fmask.tif (read by nearest neighbour onto the input's grid). Empty: a quality band of the input itself, else the ukis-csmask cloud network.</source>
            <translation>Die Wolkenmaske des Produkts als eigene Datei, z. B. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF oder HLS ....Fmask.tif (mit nächstem Nachbarn auf das Raster der Eingabe gelesen). Leer: ein Qualitätsband der Eingabe selbst, sonst das ukis-csmask-Wolkennetz.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="330" />
            <source>Engine</source>
            <translation>Engine</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="88" />
            <source>Where networks run. The explanation reports the device actually used.</source>
            <translation>Wo Netze laufen. Die Erklärung nennt das tatsächlich verwendete Gerät.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="91" />
            <source>Process only this extent (snapped to the input's pixels); it gets the classes a run over the whole raster gives there (thresholds are fitted on the whole raster). Empty: the whole raster.</source>
            <translation>Nur diese Ausdehnung verarbeiten (an den Pixeln der Eingabe ausgerichtet); sie erhält die Klassen, die ein Lauf über das ganze Raster dort ergibt (die Schwellen werden am ganzen Raster angepasst). Leer: das ganze Raster.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="94" />
            <source>Class raster</source>
            <translation>Klassenraster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="95" />
            <source>uint8 GeoTIFF on the input's grid: 0 background, 1..K concepts in prompt order, 255 nodata or cloud/cloud-shadow pixels (masked; the explanation gives both areas).</source>
            <translation>uint8-GeoTIFF auf dem Raster der Eingabe: 0 Hintergrund, 1..K die Konzepte in der Reihenfolge der Anweisung, 255 keine Daten oder Wolken-/Wolkenschattenpixel (maskiert; die Erklärung nennt beide Flächen).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="98" />
            <source>Polygons</source>
            <translation>Polygone</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="99" />
            <source>Polygons (merged across tiles) with class, area_m2, confidence and provenance fields. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Polygone (über Kachelgrenzen zusammengeführt) mit den Feldern class, area_m2, confidence und Herkunftsangaben. Standardmäßig GeoPackage; .shp, .geojson und .fgb gehen auch, mit ihren Grenzen (ein Shapefile kürzt Feldnamen auf 10 Zeichen).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="364" />
            <source>Straight building outlines</source>
            <translation>Gerade Gebäudeumrisse</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="104" />
            <source>Building polygons squared along each building's main direction (right angles, as footprints are drawn) instead of traced pixel outlines; other concepts keep theirs. For DSMs/nDSMs and very-high-resolution images: at 10-30 m buildings are blocks of built-up pixels.</source>
            <translation>Gebäudepolygone entlang der Hauptrichtung jedes Gebäudes begradigt (rechte Winkel, wie Grundrisse gezeichnet werden) statt pixelgenauer Umrisse; andere Begriffe behalten ihre. Für DOMs/nDOMs und sehr hoch aufgelöste Bilder: bei 10-30 m sind Gebäude Blöcke bebauter Pixel.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="108" />
            <source>Explanation</source>
            <translation>Erklärung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="115" />
            <source>{label} ({name}) is empty. Type what to extract, e.g. 'water' or 'vegetation except grass'.</source>
            <translation>{label} ({name}) ist leer. Geben Sie ein, was extrahiert werden soll, z. B. „Wasser“ oder „Vegetation außer Gras“.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="442" />
            <source>{prompt} on {layer}</source>
            <translation>{prompt} auf {layer}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="456" />
            <source>{name} (classes)</source>
            <translation>{name} (Klassen)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="464" />
            <source>{name} (polygons)</source>
            <translation>{name} (Polygone)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="40" />
            <source>Find objects similar to exemplars</source>
            <translation>Objekte ähnlich den Beispielen finden</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="43" />
            <source>Give one or more good polygons (two or three work best) of what you want more of (e.g. roofs); TerraPrompt learns what they look like against the rest of the scene and returns every object that looks alike and has a similar size, with a score. Tick 'Selected features only' to use the selected polygons.</source>
            <translation>Geben Sie ein oder mehrere gute Polygone (zwei oder drei wirken am besten) dessen an, wovon Sie mehr möchten (z. B. Dächer); TerraPrompt lernt, wie sie sich vom Rest der Szene abheben, und liefert jedes Objekt, das ihnen ähnelt und ähnlich groß ist, mit einer Bewertung. Aktivieren Sie „Nur gewählte Objekte“, um die ausgewählten Polygone zu verwenden.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="49" />
            <source>The raster to search (any modality).</source>
            <translation>Der zu durchsuchende Raster (beliebige Modalität).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="51" />
            <source>Exemplar polygons</source>
            <translation>Beispielpolygone</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="52" />
            <source>Polygons of good examples, in any CRS; use 'Selected features only' for a selection.</source>
            <translation>Polygone guter Beispiele in beliebigem KBS; für eine Auswahl „Nur gewählte Objekte“ verwenden.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="54" />
            <source>Similarity threshold</source>
            <translation>Ähnlichkeitsschwelle</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="55" />
            <source>0.01-0.99, higher keeps closer matches (usually fewer). network: an object is kept when the cosine between its network features and the nearest exemplar's reaches this value; appearance: a pixel belongs to a candidate when its probability of looking like the exemplars reaches it, and a region larger than the size range (objects merged at a low threshold) is cut at higher probabilities until its parts fit; regions that cannot be cut are left out and counted in the summary.</source>
            <translation>0,01-0,99, höher behält ähnlichere Treffer (meist weniger). network: ein Objekt wird behalten, wenn der Kosinus zwischen seinen Netzmerkmalen und denen des nächsten Beispiels diesen Wert erreicht; appearance: ein Pixel gehört zu einem Kandidaten, wenn seine Wahrscheinlichkeit, den Beispielen zu ähneln, ihn erreicht, und eine Region, die größer als der Größenbereich ist (bei niedrigem Schwellenwert verschmolzene Objekte), wird bei höheren Wahrscheinlichkeiten geteilt, bis ihre Teile hineinpassen; Regionen, die sich nicht teilen lassen, werden weggelassen und in der Zusammenfassung gezählt.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="62" />
            <source>network: places whose promptable-network features resemble the exemplars are clicked and segmented like a click in the Interactive tab, and the masks the network is sure of that resemble the exemplars are kept (auto uses it when the bundled network is installed and the pixels are 1.25 m or finer; about a minute per million pixels on 2 CPU cores); appearance: pixels whose band values resemble the exemplars' (fast; for objects told apart by colour alone).</source>
            <translation>network: Stellen, deren Merkmale im interaktiven Netzwerk den Beispielen ähneln, werden wie ein Klick im Reiter Interaktiv angeklickt und segmentiert, und die Masken, bei denen das Netzwerk sicher ist und die den Beispielen ähneln, werden behalten (auto nutzt es, wenn das mitgelieferte Netzwerk installiert ist und die Pixel 1,25 m oder feiner sind; etwa eine Minute je Million Pixel auf 2 CPU-Kernen); appearance: Pixel, deren Bandwerte denen der Beispiele ähneln (schnell; für Objekte, die sich allein durch die Farbe unterscheiden).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="68" />
            <source>Search extent</source>
            <translation>Suchausdehnung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="69" />
            <source>Search only inside this extent (any CRS); empty: the whole raster.</source>
            <translation>Nur innerhalb dieser Ausdehnung suchen (beliebiges KBS); leer: das ganze Raster.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="162" />
            <source>Class label</source>
            <translation>Klassenbezeichnung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="72" />
            <source>Written to the 'class' field of every object found.</source>
            <translation>Wird in das Feld „class“ jedes gefundenen Objekts geschrieben.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="77" />
            <source>Similar objects</source>
            <translation>Ähnliche Objekte</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="78" />
            <source>Polygons with object_id, class, score, area_m2 and provenance fields. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Polygone mit den Feldern object_id, class, score, area_m2 und Herkunftsangaben. Standardmäßig GeoPackage; .shp, .geojson und .fgb gehen auch, mit ihren Grenzen (ein Shapefile kürzt Feldnamen auf 10 Zeichen).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="81" />
            <source>Objects found</source>
            <translation>Gefundene Objekte</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="92" />
            <source>The exemplar layer could not be opened.</source>
            <translation>Der Beispiel-Layer konnte nicht geöffnet werden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="288" />
            <source>{name} (similar objects)</source>
            <translation>{name} (ähnliche Objekte)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="138" />
            <source>Searching {mpx} million pixels: with the network method (METHOD network, or auto on pixels of about 1.25 m or finer) that takes about {minutes} minutes on 2 CPU cores. Give an EXTENT, or METHOD appearance, for a faster search.</source>
            <translation>Suche über {mpx} Millionen Pixel: mit der Netz-Methode (METHOD network, oder auto bei Pixeln von etwa 1,25 m oder feiner) dauert das etwa {minutes} Minuten auf 2 CPU-Kernen. Geben Sie eine EXTENT oder METHOD appearance an, um schneller zu suchen.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/outputs.py" line="90" />
            <source>The class names of {file} could not be written beside it ({file}.aux.xml): software other than QGIS shows class numbers. Check the free disk space.</source>
            <translation>Die Klassennamen von {file} konnten nicht daneben geschrieben werden ({file}.aux.xml): Andere Software als QGIS zeigt Klassennummern. Prüfen Sie den freien Speicherplatz.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/outputs.py" line="117" />
            <source>The style of {file} could not be saved in it: the disk of {folder} is full. It opens with a single symbol outside this project; free disk space and run again to keep it.</source>
            <translation>Der Stil von {file} konnte nicht darin gespeichert werden: Der Datenträger von {folder} ist voll. Außerhalb dieses Projekts öffnet es sich mit einem einzigen Symbol; geben Sie Speicherplatz frei und starten Sie erneut, um ihn zu behalten.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/outputs.py" line="120" />
            <source>The style of {file} could not be saved in it ({error}): it opens with a single symbol outside this project.</source>
            <translation>Der Stil von {file} konnte nicht darin gespeichert werden ({error}): Außerhalb dieses Projekts wird sie mit einem einzigen Symbol geöffnet.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/provider.py" line="37" />
            <source>TerraPrompt: prompt-driven segmentation and change detection</source>
            <translation>TerraPrompt: anweisungsgesteuerte Segmentierung und Veränderungserkennung</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="49" />
            <source>Cache folder (optional)</source>
            <translation>Cache-Ordner (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="50" />
            <source>Where encodings are stored. Empty: TERRAPROMPT_CACHE when set, else the QGIS profile's cache/terraprompt folder (shown by terraprompt:diagnostics).</source>
            <translation>Wo die Kodierungen gespeichert werden. Leer: TERRAPROMPT_CACHE, falls gesetzt, sonst der Ordner cache/terraprompt des QGIS-Profils (angezeigt von terraprompt:diagnostics).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="62" />
            <source>Cache size cap (MB)</source>
            <translation>Maximale Cache-Größe (MB)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="64" />
            <source>The least recently used encodings are removed beyond this size (1 MB = 1024² bytes). A cap given here stays the cache folder's cap for later runs and the map tool; empty: the cap last given for the folder, else 2048 MB.</source>
            <translation>Die am längsten nicht benutzten Kodierungen werden über dieser Größe entfernt (1 MB = 1024² Byte). Eine hier angegebene Obergrenze bleibt die des Cache-Ordners für spätere Läufe und das Kartenwerkzeug; leer: die zuletzt für den Ordner angegebene, sonst 2048 MB.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="72" />
            <source>Straight outlines (buildings)</source>
            <translation>Gerade Umrisse (Gebäude)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="81" />
            <source>Right-angled polygon edges along each object's main direction, as roofs are drawn, instead of the traced pixel outline. A part that squaring would change much (IoU below 0.75 with its traced outline) keeps the traced one.</source>
            <translation>Rechtwinklige Polygonkanten entlang der Hauptrichtung jedes Objekts, so wie Dächer gezeichnet werden, statt des pixelgenauen Umrisses. Ein Teil, den das Begradigen stark verändern würde (IoU unter 0,75 mit seinem Umriss), behält den pixelgenauen Umriss.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="96" />
            <source>The layer '{0}' needs an integer field '{1}' (feature {2} has {3!r}). Add the field and fill it.</source>
            <translation>Der Layer „{0}“ benötigt ein Ganzzahlfeld „{1}“ (Objekt {2} hat {3!r}). Fügen Sie das Feld hinzu und füllen Sie es.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="130" />
            <source>Segment objects from point and box prompts</source>
            <translation>Objekte aus Punkt- und Rechteck-Anweisungen segmentieren</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="133" />
            <source>Batch version of the interactive map tool: every object_id of the POINTS layer (positive=1 inside the object, positive=0 on what must be left out) and of the optional BOXES layer (its bounding box) becomes one polygon with object_id, class, area_m2, score, n_positive, n_negative, prompt_type, model, model_sha256, source and created_utc. Prompts may be in any CRS. Encodings are cached on disk, so re-running on the same raster is fast.</source>
            <translation>Stapelversion des interaktiven Kartenwerkzeugs: jede object_id des Layers POINTS (positive=1 im Objekt, positive=0 auf dem, was ausgeschlossen werden soll) und des optionalen Layers BOXES (sein umschließendes Rechteck) wird zu einem Polygon mit object_id, class, area_m2, score, n_positive, n_negative, prompt_type, model, model_sha256, source und created_utc. Die Anweisungen dürfen in jedem KBS vorliegen. Kodierungen werden auf der Festplatte zwischengespeichert, daher ist ein erneuter Lauf auf demselben Raster schnell.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="142" />
            <source>The image to segment: any GDAL raster with a CRS (single band, RGB, multispectral, SAR, DSM).</source>
            <translation>Das zu segmentierende Bild: jedes von GDAL lesbare Raster mit KBS (einkanalig, RGB, multispektral, SAR, DOM).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="144" />
            <source>Point prompts (optional if BOXES is given)</source>
            <translation>Punkt-Anweisungen (optional, wenn BOXES angegeben ist)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="146" />
            <source>Points with integer fields object_id (which object) and positive (1 inside the object, 0 outside). Any CRS.</source>
            <translation>Punkte mit den Ganzzahlfeldern object_id (welches Objekt) und positive (1 im Objekt, 0 außerhalb). Beliebiges KBS.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="148" />
            <source>Box prompts (optional)</source>
            <translation>Rechteck-Anweisungen (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="149" />
            <source>Polygons with an integer field object_id; the bounding box of each is a box prompt for that object (several polygons of one object_id: their common bounding box, said in the report). Any CRS.</source>
            <translation>Polygone mit einem Ganzzahlfeld object_id; das umschließende Rechteck jedes ist ein Rechteck-Prompt für dieses Objekt (mehrere Polygone einer object_id: ihr gemeinsames Rechteck, im Bericht genannt). Beliebiges KBS.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="153" />
            <source>'bundled': the promptable network, or the classical engine when the network cannot be loaded (the report says so); 'network': the promptable network only (an error when it cannot be loaded); 'classical': the bundled region-growing engine, no model file; or the path to a SAM / SAM 2 ONNX encoder or decoder file (its partner is found by swapping 'encoder'/'decoder' in the name), a folder holding the pair, or a model card (.json).</source>
            <translation>„bundled“: das promptfähige Netz, oder die klassische Engine, wenn das Netz nicht geladen werden kann (der Bericht sagt es); „network“: nur das promptfähige Netz (ein Fehler, wenn es nicht geladen werden kann); „classical“: die mitgelieferte Regionenwachstums-Engine, ohne Modelldatei; oder der Pfad zu einer SAM-/SAM-2-ONNX-Encoder- oder -Decoder-Datei (das Gegenstück wird durch Tauschen von „encoder“/„decoder“ im Namen gefunden), ein Ordner mit dem Paar oder eine Modellkarte (.json).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="160" />
            <source>Where ONNX models run; the report states the device actually used. The classical engine always runs on the CPU.</source>
            <translation>Wo ONNX-Modelle laufen; der Bericht nennt das tatsächlich verwendete Gerät. Die klassische Engine läuft immer auf der CPU.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="286" />
            <source>object</source>
            <translation>Objekt</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="163" />
            <source>Free label written to the 'class' attribute of every object (e.g. building, tree, field).</source>
            <translation>Freie Bezeichnung, die in das Attribut „class“ jedes Objekts geschrieben wird (z. B. Gebäude, Baum, Feld).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="165" />
            <source>The object id raster is drawn from the same polygons.</source>
            <translation>Das Objekt-ID-Raster wird aus denselben Polygonen gezeichnet.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="166" />
            <source>No overlaps between objects</source>
            <translation>Keine Überlappung zwischen Objekten</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="167" />
            <source>Each object, in object_id order, leaves out what the objects before it cover (neighbouring roofs share an edge instead of overlapping); an object left with nothing is skipped and named in the report.</source>
            <translation>Jedes Objekt lässt in der Reihenfolge der object_id aus, was die Objekte davor bedecken (benachbarte Dächer teilen eine Kante, statt sich zu überlappen); ein Objekt, von dem nichts bleibt, wird übersprungen und im Bericht genannt.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="172" />
            <source>Objects</source>
            <translation>Objekte</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="173" />
            <source>One (multi)polygon per object_id, in the raster's CRS. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Ein (Multi-)Polygon je object_id im KBS des Rasters. Standardmäßig GeoPackage; .shp, .geojson und .fgb gehen auch, mit ihren Grenzen (ein Shapefile kürzt Feldnamen auf 10 Zeichen).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="176" />
            <source>Object id raster</source>
            <translation>Objekt-ID-Raster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="177" />
            <source>GeoTIFF on the input's grid with the object_id of each pixel, 0 for background.</source>
            <translation>GeoTIFF auf dem Raster der Eingabe mit der object_id jedes Pixels, 0 für den Hintergrund.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="179" />
            <source>Objects segmented</source>
            <translation>Segmentierte Objekte</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="194" />
            <source>Give a POINTS layer (object_id, positive) and/or a BOXES layer (object_id).</source>
            <translation>Geben Sie einen POINTS-Layer (object_id, positive) und/oder einen BOXES-Layer (object_id) an.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="198" />
            <source>The point layer has no field '{0}'. Add integer fields object_id and positive (1/0).</source>
            <translation>Der Punktlayer hat kein Feld „{0}“. Fügen Sie die Ganzzahlfelder object_id und positive (1/0) hinzu.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="210" />
            <source>The box layer has no field 'object_id'. Add an integer field object_id.</source>
            <translation>Der Rechtecklayer hat kein Feld „object_id“. Fügen Sie ein Ganzzahlfeld object_id hinzu.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="243" />
            <source>Skipped {0}</source>
            <translation>Übersprungen: {0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="246" />
            <source>{name} (objects)</source>
            <translation>{name} (Objekte)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="246" />
            <source>{name} (object ids)</source>
            <translation>{name} (Objekt-IDs)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="102" />
            <source>e.g. lakes larger than 1 ha, trees, buildings</source>
            <translation>z. B. Seen größer als 1 ha, Bäume, Gebäude</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="103" />
            <source>Land covers to find in the view; every connected region becomes a candidate object.</source>
            <translation>Landbedeckungen, die in der Ansicht gesucht werden; jede zusammenhängende Region wird ein Kandidatenobjekt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="104" />
            <source>Find objects</source>
            <translation>Objekte finden</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="105" />
            <source>Run the land-cover concepts on the view and list the regions as candidates.</source>
            <translation>Wendet die Landbedeckungskonzepte auf die Ansicht an und listet die Regionen als Kandidaten auf.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="106" />
            <source>Accept</source>
            <translation>Annehmen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="116" />
            <source>Write the selected candidates to the objects file.</source>
            <translation>Schreibt die ausgewählten Kandidaten in die Objektdatei.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="117" />
            <source>Reject</source>
            <translation>Verwerfen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="118" />
            <source>Drop the selected candidates.</source>
            <translation>Verwirft die ausgewählten Kandidaten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="119" />
            <source>Accept all</source>
            <translation>Alle übernehmen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="120" />
            <source>Write every listed candidate to the objects file.</source>
            <translation>Alle Kandidaten der Liste in die Objektdatei schreiben.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="121" />
            <source>Refine</source>
            <translation>Verfeinern</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="122" />
            <source>Make the selected candidate the current object: click to add or remove parts, Enter accepts.</source>
            <translation>Macht den ausgewählten Kandidaten zum aktuellen Objekt: klicken, um Teile hinzuzufügen oder zu entfernen; die Eingabetaste übernimmt es.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="604" />
            <source>Choose a raster layer first.</source>
            <translation>Wählen Sie zuerst einen Rasterlayer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="148" />
            <source>Type what to find, e.g. 'water' or 'trees'.</source>
            <translation>Geben Sie ein, was gesucht wird, z. B. „Wasser“ oder „Bäume“.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="175" />
            <source>The raster layer or the project changed during the search: its candidates were dropped.</source>
            <translation>Der Raster-Layer oder das Projekt hat sich während der Suche geändert: Ihre Kandidaten wurden verworfen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="187" />
            <source>Finding '{prompt}' in the view…</source>
            <translation>Suche nach „{prompt}“ in der Ansicht…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="188" />
            <source>TerraPrompt: find objects</source>
            <translation>TerraPrompt: Objekte finden</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="878" />
            <source>Choose the GeoPackage for accepted objects in the dock.</source>
            <translation>Wählen Sie im Bedienfeld das GeoPackage für angenommene Objekte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="278" />
            <source>{n} object(s) added to the objects file.</source>
            <translation>{n} Objekt(e) zur Objektdatei hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="311" />
            <source>being refined on the map: Enter writes it, Esc puts it back</source>
            <translation>wird auf der Karte verfeinert: die Eingabetaste schreibt es, Esc legt es zurück</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="339" />
            <source>Find objects stopped.</source>
            <translation>Objektsuche angehalten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="371" />
            <source>{n}. {label} · {area} · score {score}</source>
            <translation>{n}. {label} · {area} · Wert {score}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="374" />
            <source>cut at the search limit</source>
            <translation>an der Suchgrenze abgeschnitten</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="376" />
            <source>completed beyond the view</source>
            <translation>über die Ansicht hinaus vervollständigt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="65" />
            <source>Automatic (best for the bands)</source>
            <translation>Automatisch (passend zu den Bändern)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="65" />
            <source>IR-MAD (Nielsen 2007)</source>
            <translation>IR-MAD (Nielsen 2007)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="66" />
            <source>Change vector analysis</source>
            <translation>Change-Vector-Analyse</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="66" />
            <source>SAR log-ratio</source>
            <translation>SAR-Log-Ratio</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="66" />
            <source>Siamese change network</source>
            <translation>Siamesisches Veränderungsnetz</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="249" />
            <source>{n} other transitions</source>
            <translation>{n} weitere Übergänge</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="152" />
            <source>The earlier image; its grid is the grid of the results</source>
            <translation>Das frühere Bild; sein Raster ist das Raster der Ergebnisse</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="153" />
            <source>The later image; reprojected onto BEFORE's grid over the common extent</source>
            <translation>Das spätere Bild; über die gemeinsame Ausdehnung auf das Raster von VORHER reprojiziert</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="401" />
            <source>Before</source>
            <translation>Vorher</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="401" />
            <source>After</source>
            <translation>Nachher</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="161" />
            <source>Optional land-cover map of the BEFORE date (class raster or polygons with a class field): its classes become the 'from' classes of the change</source>
            <translation>Optionale Landbedeckungskarte des VORHER-Datums (Klassenraster oder Polygone mit Klassenfeld): ihre Klassen werden zu den „von“-Klassen der Veränderung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="163" />
            <source>Reference map</source>
            <translation>Referenzkarte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="165" />
            <source>Before cloud mask</source>
            <translation>Wolkenmaske vorher</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="165" />
            <source>After cloud mask</source>
            <translation>Wolkenmaske nachher</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="188" />
            <source>e.g. any change, new buildings, vegetation loss, water to land</source>
            <translation>z. B. neue Gebäude, Vegetationsverlust, Entwaldung, Überschwemmung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="193" />
            <source>Change of interest</source>
            <translation>Gesuchte Veränderung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="203" />
            <source>none</source>
            <translation>keine</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="204" />
            <source>Changed areas smaller than this (all their transitions together) are left out of the polygons (a size in the change of interest, e.g. 'new buildings larger than 200 m2', also sets it; the larger one applies).</source>
            <translation>Geänderte Flächen, die kleiner sind (alle ihre Übergänge zusammen), fehlen in den Polygonen (eine Größe in der gesuchten Veränderung, z. B. „neue Gebäude größer als 200 m2“, setzt sie auch; die größere gilt).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="207" />
            <source>Minimum area</source>
            <translation>Mindestfläche</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="337" />
            <source>Extent</source>
            <translation>Ausdehnung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="208" />
            <source>The part of BEFORE to process, snapped to its pixels: the whole layer, the current map view or a rectangle drawn with Draw. A part gets the change a run over the whole pair gives there (thresholds are fitted on the whole pair). A web layer (XYZ, WMS …) is rendered over the extent alone; as BEFORE, the thresholds are then fitted on the extent.</source>
            <translation>Der zu verarbeitende Teil von VORHER, an seinen Pixeln ausgerichtet: der ganze Layer, die aktuelle Kartenansicht oder ein mit Zeichnen gezogenes Rechteck. Ein Teil erhält die Veränderung, die ein Lauf über das ganze Paar dort ergibt (die Schwellen werden am ganzen Paar angepasst). Ein Web-Layer (XYZ, WMS …) wird nur über die Ausdehnung gerendert; ist er VORHER, werden die Schwellen dann an der Ausdehnung angepasst.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="214" />
            <source>Show before</source>
            <translation>Vorher zeigen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="215" />
            <source>Show after</source>
            <translation>Nachher zeigen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="216" />
            <source>Swipe</source>
            <translation>Wischen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="218" />
            <source>Side by side</source>
            <translation>Nebeneinander</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>Show only the BEFORE layer on the map (flicker to compare the dates)</source>
            <translation>Nur den VORHER-Layer auf der Karte zeigen (im Wechsel, um die Zeitpunkte zu vergleichen)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>Show only the AFTER layer on the map</source>
            <translation>Nur den NACHHER-Layer auf der Karte zeigen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>BEFORE left of a line, AFTER right of it; drag on the map or move the slider to move the line. Click again to leave swipe mode.</source>
            <translation>VORHER links einer Linie, NACHHER rechts davon; ziehen Sie auf der Karte oder bewegen Sie den Schieberegler, um die Linie zu verschieben. Erneut klicken, um den Wischmodus zu verlassen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>AFTER in a second map window that pans and zooms with the main map</source>
            <translation>NACHHER in einem zweiten Kartenfenster, das mit der Hauptkarte verschoben und gezoomt wird</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="228" />
            <source>Swipe line</source>
            <translation>Wischlinie</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="233" />
            <source>Position of the swipe line across the map, from the left edge</source>
            <translation>Position der Wischlinie auf der Karte, vom linken Rand aus</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="372" />
            <source>Run</source>
            <translation>Ausführen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="104" />
            <source>Cancel</source>
            <translation>Abbrechen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="247" />
            <source>Threshold</source>
            <translation>Schwellenwert</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="252" />
            <source>Change probability at which a pixel counts as changed; moving it does not recompute</source>
            <translation>Veränderungswahrscheinlichkeit, ab der ein Pixel als verändert gilt; Verschieben rechnet nicht neu</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="257" />
            <source>Changed area by transition (before → after)</source>
            <translation>Veränderte Fläche je Übergang (vorher → nachher)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="307" />
            <source>Choose a BEFORE and an AFTER raster layer (two different layers) to swipe.</source>
            <translation>Wählen Sie eine VORHER- und eine NACHHER-Rasterebene (zwei verschiedene Ebenen) zum Wischen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="328" />
            <source>Choose an AFTER raster layer, other than BEFORE, to show side by side.</source>
            <translation>Wählen Sie einen NACHHER-Rasterlayer, der nicht der VORHER-Layer ist, für die Ansicht nebeneinander.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="334" />
            <source>After: {name}</source>
            <translation>Nachher: {name}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="427" />
            <source>Choose a BEFORE and an AFTER raster layer.</source>
            <translation>Wählen Sie einen VORHER- und einen NACHHER-Rasterlayer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="429" />
            <source>BEFORE and AFTER are the same layer; choose two dates.</source>
            <translation>VORHER und NACHHER sind derselbe Layer; wählen Sie zwei Zeitpunkte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="754" />
            <source>The chosen extent does not overlap {name}. Choose a map view or a rectangle over the raster, or Whole layer.</source>
            <translation>Die gewählte Ausdehnung überlappt {name} nicht. Wählen Sie eine Kartenansicht oder ein Rechteck über dem Raster oder Ganzer Layer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="504" />
            <source>TerraPrompt: change detection</source>
            <translation>TerraPrompt: Veränderungserkennung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="805" />
            <source>Running ...</source>
            <translation>Läuft ...</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="864" />
            <source>Stopped: the project was replaced (New or Open project) during the run. Its temporary layers would belong to no project, so nothing was kept.</source>
            <translation>Angehalten: Das Projekt wurde während des Laufs ersetzt (Neues oder Projekt öffnen). Seine temporären Layer gehörten zu keinem Projekt, daher wurde nichts behalten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="873" />
            <source>Cancelled. No output was written.</source>
            <translation>Abgebrochen. Es wurde keine Ausgabe geschrieben.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="285" />
            <source>The project was replaced during the run: its layers were not added.</source>
            <translation>Das Projekt wurde während des Laufs ersetzt: seine Layer wurden nicht hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="577" />
            <source>Change done: {area} changed ({method}).</source>
            <translation>Veränderungserkennung abgeschlossen: veränderte Fläche {area} ({method}).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="580" />
            <source>AFTER ({after}) is older than BEFORE ({before}): swap them if that is not meant.</source>
            <translation>NACHHER ({after}) ist älter als VORHER ({before}): tauschen Sie sie, wenn das nicht gemeint ist.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="641" />
            <source>TerraPrompt: change threshold</source>
            <translation>TerraPrompt: Veränderungsschwellenwert</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="658" />
            <source>Threshold {t}: {area} changed ({pct} % of the compared area; {area0} at {t0}). The change polygons and the chart keep the run's threshold {t0}: run again to redo them.</source>
            <translation>Schwelle {t}: {area} geändert ({pct} % der verglichenen Fläche; {area0} bei {t0}). Die Veränderungspolygone und das Diagramm behalten die Schwelle des Laufs, {t0}: erneut ausführen, um sie neu zu berechnen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="27" />
            <source>{value} m²</source>
            <translation>{value} m²</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="32" />
            <source>{value} km²</source>
            <translation>{value} km²</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="33" />
            <source>{value} ha</source>
            <translation>{value} ha</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="64" />
            <source>Area per class over the valid pixels of the processed extent</source>
            <translation>Fläche je Klasse über die gültigen Pixel der verarbeiteten Ausdehnung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="134" />
            <source>No result yet</source>
            <translation>Noch kein Ergebnis</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="163" />
            <source>{area} ({percent} %)</source>
            <translation>{area} ({percent} %)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Land cover</source>
            <translation>Landbedeckung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Settings</source>
            <translation>Einstellungen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Interactive</source>
            <translation>Interaktiv</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Setup</source>
            <translation>Einrichtung</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="68" />
            <source>TerraPrompt</source>
            <translation>TerraPrompt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="217" />
            <source>This tab needs the Python package '{name}', which is not installed in this QGIS. Open the Setup tab and click 'Install dependencies': the tab opens when the installation is done.</source>
            <translation>Dieser Reiter braucht das Python-Paket „{name}“, das in diesem QGIS nicht installiert ist. Öffnen Sie den Reiter Einrichtung und klicken Sie auf „Abhängigkeiten installieren“: Der Reiter öffnet sich, sobald die Installation fertig ist.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="224" />
            <source>This tab could not be loaded: {error}</source>
            <translation>Dieser Reiter konnte nicht geladen werden: {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="291" />
            <source>Right-click › Export › Save As… each of the {n} TerraPrompt temporary layer(s), then save the project again: QGIS deletes them when it closes.</source>
            <translation>Rechtsklick › Exportieren › Speichern als… auf jeden der {n} temporären TerraPrompt-Layer, dann das Projekt erneut speichern: QGIS löscht sie beim Schließen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="293" />
            <source>TerraPrompt temporary layers in the saved project: {names}</source>
            <translation>Temporäre TerraPrompt-Layer im gespeicherten Projekt: {names}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="30" />
            <source>The map is rotated {angle}°: the current map view was taken as its bounding box, {ratio}× the area the map shows, and the results cover all of that box. Set the map rotation to 0°, or draw a rectangle, to process just what you see.</source>
            <translation>Die Karte ist um {angle}° gedreht: Die aktuelle Kartenansicht wurde als ihr umschließendes Rechteck genommen, {ratio}× die angezeigte Fläche, und die Ergebnisse decken dieses ganze Rechteck ab. Setzen Sie die Kartendrehung auf 0° oder zeichnen Sie ein Rechteck, um nur das Sichtbare zu verarbeiten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="68" />
            <source>Whole layer</source>
            <translation>Ganzer Layer</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="69" />
            <source>Current map view</source>
            <translation>Aktueller Kartenausschnitt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="70" />
            <source>Drawn rectangle</source>
            <translation>Gezeichnetes Rechteck</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="73" />
            <source>Draw</source>
            <translation>Zeichnen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="75" />
            <source>Drag a rectangle on the map to process only that area.</source>
            <translation>Ziehen Sie ein Rechteck auf der Karte, um nur diesen Bereich zu verarbeiten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="100" />
            <source>Drag a rectangle on the map to set the extent.</source>
            <translation>Ziehen Sie ein Rechteck auf der Karte, um die Ausdehnung festzulegen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="110" />
            <source>Redraw</source>
            <translation>Neu zeichnen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="126" />
            <source>No rectangle has been drawn yet. Click Draw and drag a rectangle on the map, or choose another extent.</source>
            <translation>Es wurde noch kein Rechteck gezeichnet. Klicken Sie auf Zeichnen und ziehen Sie ein Rechteck auf der Karte, oder wählen Sie eine andere Ausdehnung.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="46" />
            <source>The raster to segment; prompts in any project CRS are transformed to its CRS.</source>
            <translation>Das zu segmentierende Raster; Anweisungen in beliebigem Projekt-KBS werden in sein KBS transformiert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="274" />
            <source>Raster</source>
            <translation>Raster</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="49" />
            <source>'bundled': the promptable network, or the classical engine when the network cannot be loaded; 'network': the promptable network only (an error when it cannot be loaded); 'classical': the bundled region-growing engine; or the path to a SAM / SAM 2 ONNX encoder/decoder pair or its model card.</source>
            <translation>„bundled“: das promptfähige Netz, oder die klassische Engine, wenn das Netz nicht geladen werden kann; „network“: nur das promptfähige Netz (ein Fehler, wenn es nicht geladen werden kann); „classical“: die mitgelieferte Regionenwachstums-Engine; oder der Pfad zu einem SAM-/SAM-2-ONNX-Encoder/Decoder-Paar oder seiner Modellkarte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="56" />
            <source>Choose a SAM / SAM 2 ONNX encoder or decoder file, or its model card.</source>
            <translation>Wählen Sie eine SAM-/SAM-2-ONNX-Encoder- oder -Decoder-Datei oder ihre Modellkarte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="57" />
            <source>Choose model file</source>
            <translation>Modelldatei wählen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="66" />
            <source>Where the networks run. The classical engine always runs on the CPU.</source>
            <translation>Wo die Netze laufen. Die klassische Engine läuft immer auf der CPU.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="70" />
            <source>Label written to the 'class' attribute of accepted objects.</source>
            <translation>Bezeichnung, die in das Attribut „class“ der angenommenen Objekte geschrieben wird.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="71" />
            <source>Class</source>
            <translation>Klasse</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="74" />
            <source>Accepted objects, text candidates and Find similar get right-angled polygon edges along each object's main direction, as roofs are drawn (dashed in the preview; clicks still edit the mask). A part that squaring would change much keeps its traced outline.</source>
            <translation>Übernommene Objekte, Textkandidaten und „Ähnliche finden“ erhalten rechtwinklige Polygonkanten entlang der Hauptrichtung jedes Objekts, so wie Dächer gezeichnet werden (in der Vorschau gestrichelt; Klicks bearbeiten weiterhin die Maske). Ein Teil, den das Begradigen stark verändern würde, behält seinen pixelgenauen Umriss.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="79" />
            <source>No overlap</source>
            <translation>Keine Überlappung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="81" />
            <source>Accepted objects and text candidates leave out what objects already in the objects file cover, so neighbouring roofs share an edge instead of overlapping; an object that lies wholly on accepted ones is not added.</source>
            <translation>Übernommene Objekte und Textkandidaten lassen aus, was Objekte in der Objektdatei schon bedecken, sodass benachbarte Dächer eine Kante teilen, statt sich zu überlappen; ein Objekt, das ganz auf übernommenen liegt, wird nicht hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="91" />
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="96" />
            <source>Objects file</source>
            <translation>Objektdatei</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="98" />
            <source>Prompt on map</source>
            <translation>Auf der Karte zeigen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="100" />
            <source>Left click: object · right click or Shift+click: not object · drag: box · Ctrl+Z / Ctrl+Shift+Z: undo / redo (right after Enter, Ctrl+Z takes the object back) · Enter: accept · Esc: clear</source>
            <translation>Linksklick: Objekt · Rechtsklick oder Umschalt+Klick: kein Objekt · Ziehen: Rechteck · Strg+Z / Strg+Umschalt+Z: Rückgängig / Wiederholen (direkt nach der Eingabetaste nimmt Strg+Z das Objekt zurück) · Eingabetaste: annehmen · Esc: leeren</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="103" />
            <source>Undo</source>
            <translation>Rückgängig</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="104" />
            <source>Redo</source>
            <translation>Wiederholen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="105" />
            <source>Clear</source>
            <translation>Leeren</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Take back the last click or box; right after Accept, the accepted object (Ctrl+Z).</source>
            <translation>Den letzten Klick oder das letzte Rechteck zurücknehmen; direkt nach Annehmen das angenommene Objekt (Strg+Z).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Put back the click or box taken back last (Ctrl+Shift+Z).</source>
            <translation>Den zuletzt zurückgenommenen Klick oder das Rechteck wiederherstellen (Strg+Umschalt+Z).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Forget the clicks and boxes of the current object (Esc).</source>
            <translation>Die Klicks und Rechtecke des aktuellen Objekts verwerfen (Esc).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Write the current object to the objects file (Enter).</source>
            <translation>Das aktuelle Objekt in die Objektdatei schreiben (Eingabetaste).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="120" />
            <source>choose polygons…</source>
            <translation>Polygone wählen…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="122" />
            <source>Polygons of good examples; the selected ones are used (all when none is selected).</source>
            <translation>Polygone guter Beispiele; die ausgewählten werden verwendet (alle, wenn keines ausgewählt ist).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="123" />
            <source>Find similar</source>
            <translation>Ähnliche finden</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="124" />
            <source>Find objects that look like the exemplar polygons (the selected ones, else all): places that the promptable network sees alike are clicked and segmented (on pixels of 1.25 m or finer); on coarser pixels (e.g. Sentinel-2), or with Model = classical, pixels of alike band values.</source>
            <translation>Objekte finden, die den Beispielpolygonen ähneln (den ausgewählten, sonst allen): Stellen, die das interaktive Netzwerk als ähnlich sieht, werden angeklickt und segmentiert (bei Pixeln von 1,25 m oder feiner); bei gröberen Pixeln (z. B. Sentinel-2) oder mit Modell = classical Pixel mit ähnlichen Bandwerten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="128" />
            <source>In view</source>
            <translation>In der Ansicht</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="130" />
            <source>Search the current map view only (about a minute per million pixels with the network on 2 CPU cores); unticked, the whole raster.</source>
            <translation>Nur in der aktuellen Kartenansicht suchen (etwa eine Minute je Million Pixel mit dem Netzwerk auf 2 CPU-Kernen); abgewählt: das ganze Raster.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="136" />
            <source>Exemplars</source>
            <translation>Beispiele</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="394" />
            <source>Choose a raster and press 'Prompt on map'.</source>
            <translation>Wählen Sie ein Raster und klicken Sie auf „Auf der Karte zeigen“.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="154" />
            <source>Text</source>
            <translation>Text</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="202" />
            <source>Choose the polygon layer of exemplars under Exemplars (good examples of what to find), then click Find similar.</source>
            <translation>Wählen Sie unter Beispiele den Polygonlayer mit Beispielen (gute Beispiele für das Gesuchte) und klicken Sie dann auf Ähnliche finden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="202" />
            <source>Choose a raster and a polygon layer of exemplars.</source>
            <translation>Wählen Sie einen Raster und einen Polygon-Layer mit Beispielen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="261" />
            <source>Finding objects similar to {n} exemplar(s)…</source>
            <translation>Suche nach Objekten ähnlich {n} Beispiel(en)…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="262" />
            <source>TerraPrompt: find similar</source>
            <translation>TerraPrompt: Ähnliche finden</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="274" />
            <source>Find similar stopped: the project was replaced (New or Open project).</source>
            <translation>Ähnliche Objekte suchen angehalten: Das Projekt wurde ersetzt (Neues oder Projekt öffnen).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="304" />
            <source>New project: the objects file was emptied, so that objects accepted here do not go into the previous project's file. Choose an objects file, then press 'Prompt on map'.</source>
            <translation>Neues Projekt: Die Objektdatei wurde geleert, damit hier angenommene Objekte nicht in die Datei des vorigen Projekts gelangen. Wählen Sie eine Objektdatei und drücken Sie dann „Auf der Karte zeigen“.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="315" />
            <source>This project's objects file is chosen again: {file}. Press 'Prompt on map' to add objects to it.</source>
            <translation>Die Objektdatei dieses Projekts ist wieder gewählt: {file}. Drücken Sie „Auf der Karte zeigen“, um ihr Objekte hinzuzufügen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="332" />
            <source>SAM / SAM 2 ONNX model</source>
            <translation>SAM-/SAM-2-ONNX-Modell</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="332" />
            <source>ONNX models or model cards (*.onnx *.json)</source>
            <translation>ONNX-Modelle oder Modellkarten (*.onnx *.json)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="387" />
            <source>the raster was removed from the project</source>
            <translation>das Raster wurde aus dem Projekt entfernt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="443" />
            <source>{engine}: applies after Enter, to the next object (Esc clears the mask and applies it now).</source>
            <translation>{engine}: gilt nach der Eingabetaste für das nächste Objekt (Esc löscht die Maske und wendet es sofort an).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="394" />
            <source>Raster '{name}': the next click encodes its view.</source>
            <translation>Raster „{name}“: Der nächste Klick kodiert seine Ansicht.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="406" />
            <source>Raster '{name}'</source>
            <translation>Raster „{name}“</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="433" />
            <source>Model {model} on {device}</source>
            <translation>Modell {model} auf {device}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="515" />
            <source>{engine}: the next click encodes the view with it.</source>
            <translation>{engine}: Der nächste Klick kodiert die Ansicht damit.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="600" />
            <source>Cleared.</source>
            <translation>Geleert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="489" />
            <source>Prompt on map is off: the object on the map stays. Accept or Clear it here, or press 'Prompt on map' again to use Enter and Esc.</source>
            <translation>Auf der Karte zeigen ist aus: Das Objekt bleibt auf der Karte. Nehmen Sie es hier an oder leeren Sie es (Annehmen, Leeren), oder drücken Sie erneut „Auf der Karte zeigen“, um Eingabetaste und Esc zu verwenden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="499" />
            <source>Prompt on map is on: Enter accepts the object on the map, Esc clears it.</source>
            <translation>Auf der Karte zeigen ist an: Die Eingabetaste nimmt das Objekt auf der Karte an, Esc leert es.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="556" />
            <source>Kept {kept} of the {n} objects found: {dropped} lay outside the rotated map view (the search covered the view's bounding box) and were dropped.</source>
            <translation>{kept} der {n} gefundenen Objekte behalten: {dropped} lagen außerhalb der gedrehten Kartenansicht (die Suche umfasste ihr umschließendes Rechteck) und wurden verworfen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="74" />
            <source>The cloud mask cannot be read: {error}</source>
            <translation>Die Wolkenmaske kann nicht gelesen werden: {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="75" />
            <source>Clouds and shadows from {mask}</source>
            <translation>Wolken und Schatten aus {mask}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="80" />
            <source>The product's cloud mask delivered as a file of its own (e.g. ..._SCL_20m.jp2, ..._QA_PIXEL.TIF, ....Fmask.tif), read by nearest neighbour onto the raster's grid. Empty: a quality band of the raster itself, else the ukis-csmask cloud network.</source>
            <translation>Die Wolkenmaske des Produkts als eigene Datei (z. B. ..._SCL_20m.jp2, ..._QA_PIXEL.TIF, ....Fmask.tif), mit nächstem Nachbarn auf das Raster gelesen. Leer: ein Qualitätsband des Rasters selbst, sonst das ukis-csmask-Wolkennetz.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="88" />
            <source>Detect automatically</source>
            <translation>Automatisch erkennen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="88" />
            <source>Sentinel-2 L1C</source>
            <translation>Sentinel-2 L1C</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="88" />
            <source>Sentinel-2 L2A</source>
            <translation>Sentinel-2 L2A</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="89" />
            <source>Landsat 8/9 OLI</source>
            <translation>Landsat 8/9 OLI</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="89" />
            <source>Landsat 4-7 TM/ETM+</source>
            <translation>Landsat 4-7 TM/ETM+</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="89" />
            <source>RGB</source>
            <translation>RGB</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>RGB + NIR</source>
            <translation>RGB + NIR</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>SAR (VV/VH)</source>
            <translation>SAR (VV/VH)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>DSM / nDSM (heights)</source>
            <translation>DOM / nDOM (Höhen)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>Generic N-band</source>
            <translation>Generisch, N Bänder</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="91" />
            <source>Multispectral VHR (WorldView 8-band order)</source>
            <translation>Multispektral VHR (WorldView-8-Band-Reihenfolge)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="91" />
            <source>MODIS (bands 1-7)</source>
            <translation>MODIS (Bänder 1-7)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="92" />
            <source>5-band multispectral (B, G, R, red edge, NIR: RapidEye, MicaSense)</source>
            <translation>5-Kanal-Multispektral (B, G, R, Red Edge, NIR: RapidEye, MicaSense)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="93" />
            <source>PlanetScope SuperDove (8 bands)</source>
            <translation>PlanetScope SuperDove (8 Bänder)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="99" />
            <source>Automatic (best available)</source>
            <translation>Automatisch (beste verfügbare)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="99" />
            <source>Spectral indices</source>
            <translation>Spektralindizes</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="99" />
            <source>Network (bundled model)</source>
            <translation>Netz (mitgeliefertes Modell)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="118" />
            <source>The prompt filters objects by height ({range}), but neither the input nor a DSM gives heights. Choose a DSM under Extra layers (or a DSM as the input), or remove the height from the prompt.</source>
            <translation>Der Prompt filtert Objekte nach Höhe ({range}), aber weder die Eingabe noch ein DOM liefert Höhen. Wählen Sie ein DOM unter Zusätzliche Layer (oder ein DOM als Eingabe) oder entfernen Sie die Höhe aus dem Prompt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="123" />
            <source>Will extract a land-cover map: {concepts} (the classes these bands allow; values in the result's legend)</source>
            <translation>Extrahiert eine Landbedeckungskarte: {concepts} (die Klassen, die diese Bänder erlauben; Werte in der Legende des Ergebnisses)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="128" />
            <source>{label} = class {value}</source>
            <translation>{label} = Klasse {value}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="132" />
            <source>(by meaning, {score} sure)</source>
            <translation>(nach Bedeutung, {score} sicher)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="134" />
            <source>Will extract: {concepts}</source>
            <translation>Wird extrahiert: {concepts}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="136" />
            <source>excluding: {concepts}</source>
            <translation>ausgenommen: {concepts}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="138" />
            <source>objects of at least {area} m²</source>
            <translation>Objekte ab {area} m²</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="140" />
            <source>objects of at most {area} m²</source>
            <translation>Objekte bis {area} m²</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="142" />
            <source>height above ground {range} (needs a DSM)</source>
            <translation>Höhe über Grund {range} (braucht ein DOM)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="156" />
            <source>The class raster (.tif), with the polygons next to it as .gpkg; or a polygon file ({formats}), with the class raster next to it (name.tif for name.gpkg, name_classes.tif for the others).</source>
            <translation>Das Klassenraster (.tif), mit den Polygonen daneben als .gpkg; oder eine Polygondatei ({formats}), mit dem Klassenraster daneben (name.tif für name.gpkg, name_classes.tif für die anderen).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="164" />
            <source>Class raster (*.tif *.tiff)</source>
            <translation>Klassenraster (*.tif *.tiff)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="164" />
            <source>Polygons, the class raster next to them</source>
            <translation>Polygone, das Klassenraster daneben</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="186" />
            <source>The SAR layer is the input itself. Choose a SAR raster (VV/VH) of the same place, or leave SAR empty.</source>
            <translation>Der SAR-Layer ist die Eingabe selbst. Wählen Sie ein SAR-Raster (VV/VH) desselben Ortes oder lassen Sie SAR leer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="187" />
            <source>The DSM layer is the input itself. Choose a DSM or nDSM of the same place, or leave DSM empty.</source>
            <translation>Der DOM-Layer ist die Eingabe selbst. Wählen Sie ein DOM oder nDOM desselben Ortes oder lassen Sie DOM leer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="266" />
            <source>Input</source>
            <translation>Eingabe</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="273" />
            <source>The raster to segment (only raster layers are offered).</source>
            <translation>Das zu segmentierende Raster (nur Rasterlayer werden angeboten).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="279" />
            <source>How to read the bands; detected automatically, override it when the guess is wrong.</source>
            <translation>Wie die Bänder zu lesen sind; automatisch erkannt, bei falscher Erkennung hier ändern.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="280" />
            <source>Modality</source>
            <translation>Modalität</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="287" />
            <source>Extra layers (optional)</source>
            <translation>Zusätzliche Layer (optional)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="290" />
            <source>A SAR raster (VV/VH) of the same place, fused with the input.</source>
            <translation>Ein SAR-Raster (VV/VH) desselben Ortes, mit der Eingabe fusioniert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="291" />
            <source>SAR</source>
            <translation>SAR</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="292" />
            <source>Heights (DSM / nDSM) of the same place, fused with the input.</source>
            <translation>Höhen (DOM / nDOM) desselben Ortes, mit der Eingabe fusioniert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="293" />
            <source>DSM</source>
            <translation>DOM</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="299" />
            <source>Cloud mask</source>
            <translation>Wolkenmaske</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="310" />
            <source>What to extract</source>
            <translation>Was extrahiert werden soll</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="314" />
            <source>e.g. lakes and rivers, vegetation except grass larger than 1 ha</source>
            <translation>z. B. Seen und Flüsse, Vegetation außer Gras größer als 1 ha</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="323" />
            <source>Options</source>
            <translation>Optionen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="335" />
            <source>Where networks run; the explanation reports the device actually used.</source>
            <translation>Wo Netze laufen; die Erklärung nennt das tatsächlich verwendete Gerät.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="337" />
            <source>The part of the layer to process, snapped to its pixels: the whole layer, the current map view or a rectangle drawn with Draw. A part gets the classes a run over the whole layer gives there (thresholds are fitted on the whole layer).</source>
            <translation>Der zu verarbeitende Teil des Layers, an seinen Pixeln ausgerichtet: der ganze Layer, die aktuelle Kartenansicht oder ein mit Zeichnen gezogenes Rechteck. Ein Teil erhält die Klassen, die ein Lauf über den ganzen Layer dort ergibt (die Schwellen werden am ganzen Layer angepasst).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="342" />
            <source>Temporary layers</source>
            <translation>Temporäre Layer</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="343" />
            <source>Write to a temporary folder; the layers last until QGIS closes unless you save them.</source>
            <translation>In einen temporären Ordner schreiben; die Layer bleiben bis zum Schließen von QGIS erhalten, sofern Sie sie nicht speichern.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="345" />
            <source>File</source>
            <translation>Datei</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="358" />
            <source>Class raster or polygon file to write (the other goes next to it)</source>
            <translation>Zu schreibendes Klassenraster oder Polygondatei (das andere kommt daneben)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="363" />
            <source>Output</source>
            <translation>Ausgabe</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="366" />
            <source>Building polygons squared along each building's main direction (right angles), as footprints are drawn; other concepts keep their traced outlines.</source>
            <translation>Gebäudepolygone entlang der Hauptrichtung jedes Gebäudes begradigt (rechte Winkel), wie Grundrisse gezeichnet werden; andere Begriffe behalten ihre pixelgenauen Umrisse.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="388" />
            <source>Result</source>
            <translation>Ergebnis</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="396" />
            <source>After a run: what was understood, which engine, bands and thresholds were used, and the area per class.</source>
            <translation>Nach einem Lauf: was verstanden wurde, welche Engine, Bänder und Schwellenwerte verwendet wurden und die Fläche je Klasse.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="555" />
            <source>Choose a raster layer.</source>
            <translation>Wählen Sie einen Rasterlayer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="565" />
            <source>{name} is not a file ({provider} layer): the view is rendered as it draws (red, green, blue) at the map's resolution when you run; the extent is the map view or a drawn rectangle.</source>
            <translation>{name} ist keine Datei ({provider}-Layer): die Ansicht wird beim Start so gerendert, wie sie gezeichnet wird (Rot, Grün, Blau), in der Auflösung der Karte; die Ausdehnung ist die Kartenansicht oder ein gezeichnetes Rechteck.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="596" />
            <source>Reading the bands of {name} (a large raster without overviews; building them, Raster › Miscellaneous › Build Overviews, makes this faster)…</source>
            <translation>Die Bänder von {name} werden gelesen (ein großes Raster ohne Übersichten; sie zu erstellen, Raster › Sonstige › Übersichten erstellen (Pyramiden), beschleunigt dies)…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="598" />
            <source>TerraPrompt: reading the bands of {name}</source>
            <translation>TerraPrompt: Bänder von {name} werden gelesen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="616" />
            <source>Auto: {label}</source>
            <translation>Auto: {label}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="618" />
            <source>Bands: {bands}</source>
            <translation>Bänder: {bands}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="662" />
            <source>choose the DSM below, unless the input itself is a DSM</source>
            <translation>wählen Sie unten das DOM, außer die Eingabe ist selbst ein DOM</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="691" />
            <source>No output file is chosen. Pick a .tif file, or choose Temporary layers.</source>
            <translation>Keine Ausgabedatei gewählt. Wählen Sie eine .tif-Datei oder Temporäre Layer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="714" />
            <source>The polygons were written into {file} as its layer '{layer}'; the file's other layers were kept.</source>
            <translation>Die Polygone wurden in {file} als dessen Layer „{layer}“ geschrieben; die anderen Layer der Datei blieben erhalten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="729" />
            <source>The output {file} is the input raster; inputs are never overwritten. Choose another output file name.</source>
            <translation>Die Ausgabe {file} ist das Eingaberaster; Eingaben werden nie überschrieben. Wählen Sie einen anderen Ausgabedateinamen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="741" />
            <source>No raster layer is chosen. Add a raster to the project and pick it under Input.</source>
            <translation>Kein Rasterlayer gewählt. Fügen Sie dem Projekt ein Raster hinzu und wählen Sie es unter Eingabe.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="802" />
            <source>TerraPrompt: {prompt}</source>
            <translation>TerraPrompt: {prompt}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="807" />
            <source>Land cover started: '{prompt}' on {layer}</source>
            <translation>Landbedeckung gestartet: „{prompt}“ auf {layer}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="814" />
            <source>Cancelling ...</source>
            <translation>Wird abgebrochen ...</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="824" />
            <source>New project: the output file was emptied, so that a run here does not overwrite the previous project's results. Choose an output file, or Temporary layers.</source>
            <translation>Neues Projekt: Die Ausgabedatei wurde geleert, damit ein Lauf hier die Ergebnisse des vorigen Projekts nicht überschreibt. Wählen Sie eine Ausgabedatei oder Temporäre Layer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="834" />
            <source>This project's output file is chosen again: {file}</source>
            <translation>Die Ausgabedatei dieses Projekts ist wieder gewählt: {file}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="882" />
            <source>The project was replaced during the run: its files were written ({path}) but not added to the new project.</source>
            <translation>Das Projekt wurde während des Laufs ersetzt: Seine Dateien wurden geschrieben ({path}), aber nicht zum neuen Projekt hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="894" />
            <source>Land cover done: {classes} ({area} classified).</source>
            <translation>Landbedeckung fertig: {classes} ({area} klassifiziert).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="115" />
            <source>The style of {file} could not be saved beside it ({error}): it opens with QGIS's default style outside this project. Check the free disk space.</source>
            <translation>Der Stil von {file} konnte nicht daneben gespeichert werden ({error}): Außerhalb dieses Projekts öffnet es sich mit dem Standardstil von QGIS. Prüfen Sie den freien Speicherplatz.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="132" />
            <source>The style of {file} was not saved beside it: {qml} is the style QGIS reads for {other}, a file of the same name. Give the output another name to keep its classes and colours with the file.</source>
            <translation>Der Stil von {file} wurde nicht daneben gespeichert: {qml} ist der Stil, den QGIS für {other} liest, eine Datei gleichen Namens. Geben Sie der Ausgabe einen anderen Namen, damit ihre Klassen und Farben mit der Datei erhalten bleiben.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="305" />
            <source>Background</source>
            <translation>Hintergrund</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="204" />
            <source>no change</source>
            <translation>keine Veränderung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="205" />
            <source>change</source>
            <translation>Veränderung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="458" />
            <source>QGIS could not open the result raster {path}.</source>
            <translation>QGIS konnte das Ergebnisraster {path} nicht öffnen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="282" />
            <source>another raster was chosen</source>
            <translation>ein anderes Raster wurde gewählt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="282" />
            <source>another model or device was chosen</source>
            <translation>ein anderes Modell oder Gerät wurde gewählt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="315" />
            <source>the raster layer changed (CRS or source)</source>
            <translation>der Raster-Layer hat sich geändert (KBS oder Quelle)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="316" />
            <source>The raster layer changed (CRS or source): its view will be encoded again on the next click.</source>
            <translation>Der Rasterlayer hat sich geändert (KBS oder Quelle): seine Ansicht wird beim nächsten Klick neu kodiert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="329" />
            <source>Object {id} stays in {file}: Ctrl+Z takes an object back only until another raster or model is chosen (delete it in the objects layer instead).</source>
            <translation>Objekt {id} bleibt in {file}: Strg+Z nimmt ein Objekt nur zurück, bis ein anderes Raster oder Modell gewählt wird (löschen Sie es stattdessen im Objekt-Layer).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="336" />
            <source>The object under way on '{name}' was dropped: {reason}.</source>
            <translation>Das begonnene Objekt auf „{name}“ wurde verworfen: {reason}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="352" />
            <source>Object {id}, taken back with Ctrl+Z, goes back into {file} as it was accepted once the layer '{name}' is saved or stops editing (it is edited in a transaction group): {reason}.</source>
            <translation>Objekt {id}, mit Strg+Z zurückgenommen, wird so, wie es angenommen worden war, wieder in {file} geschrieben, sobald der Layer „{name}“ gespeichert oder seine Bearbeitung beendet wird (er wird in einer Transaktionsgruppe bearbeitet): {reason}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="357" />
            <source>Object {id}, taken back with Ctrl+Z, was put back into {file} as it was accepted: {reason}.</source>
            <translation>Objekt {id}, mit Strg+Z zurückgenommen, wurde so, wie es angenommen worden war, wieder in {file} geschrieben: {reason}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="366" />
            <source>Object {id}, taken back with Ctrl+Z, was put back into {file} as it was accepted.</source>
            <translation>Objekt {id}, mit Strg+Z zurückgenommen, wurde so, wie es angenommen worden war, wieder in {file} geschrieben.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="393" />
            <source>Encoding stopped.</source>
            <translation>Kodierung angehalten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="469" />
            <source>The prompt lies outside the raster '{name}'. Pan to the raster and prompt inside it; prompts are transformed to the raster's CRS, so check the layer's CRS too.</source>
            <translation>Die Eingabe liegt außerhalb des Rasters „{name}“. Verschieben Sie die Ansicht auf das Raster und klicken Sie darin; Eingaben werden in das KBS des Rasters transformiert, prüfen Sie also auch das KBS des Layers.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="497" />
            <source>Prompt undone before it was decoded.</source>
            <translation>Eingabe rückgängig gemacht, bevor sie dekodiert wurde.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="531" />
            <source>Object {id} was added to {file}, not to the objects file chosen now: choose {file} again to take it back with Ctrl+Z.</source>
            <translation>Objekt {id} wurde zu {file} hinzugefügt, nicht zur jetzt gewählten Objektdatei: Wählen Sie {file} erneut, um es mit Strg+Z zurückzunehmen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="547" />
            <source>Object {id} could not be removed from {file}.</source>
            <translation>Objekt {id} konnte nicht aus {file} entfernt werden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="564" />
            <source>Object {id} taken back from {file}: edit it and press Enter again.</source>
            <translation>Objekt {id} aus {file} zurückgenommen: bearbeiten Sie es und drücken Sie erneut die Eingabetaste.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="567" />
            <source>Object {id} was already deleted from {file} (in its layer): its prompts are back on the map, to edit and press Enter again.</source>
            <translation>Objekt {id} war bereits aus {file} gelöscht (in seinem Layer): Seine Eingaben sind wieder auf der Karte, zum Bearbeiten und erneuten Drücken der Eingabetaste.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="577" />
            <source>Object {id} was not taken back: the layer '{name}' is being edited in a transaction group. Save or stop editing '{name}' first, then press Ctrl+Z again.</source>
            <translation>Objekt {id} wurde nicht zurückgenommen: Der Layer „{name}“ wird in einer Transaktionsgruppe bearbeitet. Speichern oder beenden Sie zuerst die Bearbeitung von „{name}“ und drücken Sie dann erneut Strg+Z.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="583" />
            <source>Object {id} was not taken back: the layer '{name}' holds unsaved edits of it. Save or stop editing '{name}' first, then press Ctrl+Z again.</source>
            <translation>Objekt {id} wurde nicht zurückgenommen: Der Layer „{name}“ enthält ungespeicherte Änderungen daran. Speichern oder beenden Sie zuerst die Bearbeitung von „{name}“ und drücken Sie dann erneut Strg+Z.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="626" />
            <source>Encoding the view…</source>
            <translation>Ansicht wird kodiert…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="638" />
            <source>TerraPrompt: encoding the view</source>
            <translation>TerraPrompt: Ansicht wird kodiert</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="670" />
            <source>The map view cannot be placed in the raster's CRS (it shows space beside the globe). Zoom in on the raster, then click again.</source>
            <translation>Die Kartenansicht lässt sich nicht im KBS des Rasters darstellen (sie zeigt den Raum neben dem Globus). Zoomen Sie auf das Raster und klicken Sie erneut.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="737" />
            <source>Encoding the whole object…</source>
            <translation>Das ganze Objekt wird kodiert…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="748" />
            <source>TerraPrompt: encoding the object</source>
            <translation>TerraPrompt: Objekt wird kodiert</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="774" />
            <source>The objects layer '{name}' is being edited in a transaction group (Project Properties &gt; Data Sources): save or stop editing it first, then press Enter again.</source>
            <translation>Der Objekt-Layer „{name}“ wird in einer Transaktionsgruppe bearbeitet (Projekteigenschaften &gt; Datenquellen): Speichern oder beenden Sie die Bearbeitung zuerst und drücken Sie dann erneut die Eingabetaste.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="789" />
            <source>Not added: {reason}</source>
            <translation>Nicht hinzugefügt: {reason}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="793" />
            <source>Objects accepted from the candidate list are not taken back with Ctrl+Z: remove them in the objects layer (Toggle Editing, select them, Delete Selected).</source>
            <translation>Aus der Kandidatenliste angenommene Objekte werden mit Strg+Z nicht zurückgenommen: Entfernen Sie sie im Objekt-Layer (Bearbeitungsstatus umschalten, auswählen, Ausgewähltes löschen).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="799" />
            <source>{n} object(s) lie on objects saved in {file} and were not added (untick No overlap to add them anyway).</source>
            <translation>{n} Objekt(e) liegen auf in {file} gespeicherten Objekten und wurden nicht hinzugefügt (Keine Überlappung abwählen, um sie trotzdem hinzuzufügen).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="803" />
            <source>No overlap reads the saved file: save the edits of the layer '{name}' for it to follow them.</source>
            <translation>Keine Überlappung liest die gespeicherte Datei: Speichern Sie die Änderungen des Layers „{name}“, damit sie berücksichtigt werden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="814" />
            <source>The box spans less than 2 raster pixels: it was taken as a click at its centre.</source>
            <translation>Das Rechteck umfasst weniger als 2 Rasterpixel: Es wurde als Klick in seiner Mitte genommen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="834" />
            <source>No object under the prompts.</source>
            <translation>Kein Objekt unter den Anweisungen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="836" />
            <source>No positive prompt: click inside the object or drag a box around it.</source>
            <translation>Keine positive Eingabe: klicken Sie in das Objekt oder ziehen Sie einen Rahmen darum.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="838" />
            <source>No prompts.</source>
            <translation>Keine Anweisungen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="846" />
            <source>score {score} · {pos} positive, {neg} negative · {ms} ms</source>
            <translation>Score {score} · {pos} positiv, {neg} negativ · {ms} ms</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="859" />
            <source>The object is cut by the map view (only the part on the rendered view is outlined): zoom out so the whole object shows and click again.</source>
            <translation>Das Objekt wird von der Kartenansicht abgeschnitten (nur der sichtbare Teil ist umrissen): Zoomen Sie heraus, bis das ganze Objekt sichtbar ist, und klicken Sie erneut.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="872" />
            <source>Still encoding: press Enter again when the object is shown.</source>
            <translation>Kodierung läuft noch: Drücken Sie erneut die Eingabetaste, sobald das Objekt angezeigt wird.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="875" />
            <source>Nothing to accept: click inside an object first.</source>
            <translation>Nichts anzunehmen: klicken Sie zuerst in ein Objekt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="898" />
            <source>Object {id} added to {file}.</source>
            <translation>Objekt {id} zu {file} hinzugefügt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="1017" />
            <source>TerraPrompt was closed</source>
            <translation>TerraPrompt wurde geschlossen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="1020" />
            <source>Object {id}, taken back with Ctrl+Z, could not be put back into {file}: its layer is still edited in a transaction group. Open TerraPrompt again and digitise it anew.</source>
            <translation>Objekt {id}, mit Strg+Z zurückgenommen, konnte nicht wieder in {file} geschrieben werden: Sein Layer wird noch in einer Transaktionsgruppe bearbeitet. Öffnen Sie TerraPrompt erneut und digitalisieren Sie es neu.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="26" />
            <source>Automatic (GPU when available)</source>
            <translation>Automatisch (GPU, falls verfügbar)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="26" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="26" />
            <source>CUDA GPU</source>
            <translation>CUDA-GPU</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="33" />
            <source>Requested device: {device}</source>
            <translation>Angefordertes Gerät: {device}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="35" />
            <source>onnxruntime (network engines): {report}</source>
            <translation>onnxruntime (Netz-Engines): {report}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="36" />
            <source>torch: {report}</source>
            <translation>torch: {report}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="37" />
            <source>Spectral engine: {report}</source>
            <translation>Spektral-Engine: {report}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="53" />
            <source>Processing</source>
            <translation>Verarbeitung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="59" />
            <source>Where networks run by default. The explanation of each run says what was really used.</source>
            <translation>Wo Netze standardmäßig laufen. Die Erklärung jedes Laufs sagt, was tatsächlich verwendet wurde.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="60" />
            <source>Default device</source>
            <translation>Standardgerät</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="64" />
            <source>Automatic</source>
            <translation>Automatisch</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="65" />
            <source>CPU threads for engines; Automatic uses TERRAPROMPT_THREADS when set, else all cores.</source>
            <translation>CPU-Threads für die Engines; Automatisch verwendet TERRAPROMPT_THREADS, falls gesetzt, sonst alle Kerne.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="66" />
            <source>CPU threads</source>
            <translation>CPU-Threads</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="78" />
            <source> px</source>
            <translation> px</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="72" />
            <source>Tile edge in pixels; memory use grows with it, not with the raster size.</source>
            <translation>Kachelkante in Pixeln; der Speicherbedarf wächst mit ihr, nicht mit der Rastergröße.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="73" />
            <source>Tile size</source>
            <translation>Kachelgröße</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="79" />
            <source>Overlap between tiles, blended so no seams show: at least {min} px (with less, networks and texture rules change classes along tile borders), at most half the tile size.</source>
            <translation>Überlappung zwischen Kacheln, überblendet, damit keine Nahtstellen sichtbar werden: mindestens {min} px (darunter ändern Netze und Texturregeln die Klassen entlang der Kachelränder), höchstens die halbe Kachelgröße.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="82" />
            <source>Tile overlap</source>
            <translation>Kachelüberlappung</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="85" />
            <source>Devices</source>
            <translation>Geräte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="90" />
            <source>Checking the available devices ...</source>
            <translation>Verfügbare Geräte werden geprüft ...</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="93" />
            <source>Check devices again</source>
            <translation>Geräte erneut prüfen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="148" />
            <source>Checking what the runtimes offer…</source>
            <translation>Prüfe, was die Laufzeitumgebungen bieten…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="149" />
            <source>TerraPrompt: checking devices</source>
            <translation>TerraPrompt: Geräte werden geprüft</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="156" />
            <source>The device check failed: {error}</source>
            <translation>Die Geräteprüfung ist fehlgeschlagen: {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="102" />
            <source>Install dependencies</source>
            <translation>Abhängigkeiten installieren</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="80" />
            <source>From the internet (PyPI)</source>
            <translation>Aus dem Internet (PyPI)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="81" />
            <source>Download the packages from PyPI; QGIS's proxy settings apply.</source>
            <translation>Lädt die Pakete von PyPI herunter; die Proxy-Einstellungen von QGIS gelten.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="82" />
            <source>From an offline wheelhouse</source>
            <translation>Offline-Wheelhouse</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="83" />
            <source>A folder or .zip of wheel files, for a computer without internet.</source>
            <translation>Ein Ordner oder eine .zip-Datei mit Wheel-Dateien, für einen Computer ohne Internet.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="87" />
            <source>Wheelhouse (*.zip)</source>
            <translation>Wheelhouse (*.zip)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="92" />
            <source>Folder…</source>
            <translation>Ordner…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="93" />
            <source>Choose a folder of wheel files instead of a .zip.</source>
            <translation>Einen Ordner mit Wheel-Dateien statt einer .zip wählen.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="100" />
            <source>CUDA build (NVIDIA GPU)</source>
            <translation>CUDA-Version (NVIDIA-GPU)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="116" />
            <source>Delete old dependency folders</source>
            <translation>Alte Abhängigkeitsordner löschen</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="118" />
            <source>Folders installed for the Python of an earlier QGIS version. Keep them if another QGIS version still uses this profile.</source>
            <translation>Ordner, die für das Python einer früheren QGIS-Version installiert wurden. Behalten Sie sie, wenn eine andere QGIS-Version dieses Profil noch nutzt.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="132" />
            <source>Diagnostics</source>
            <translation>Diagnose</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="134" />
            <source>Copy report</source>
            <translation>Bericht kopieren</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="161" />
            <source>Missing Python packages:</source>
            <translation>Fehlende Python-Pakete:</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="164" />
            <source>All required Python packages are available.</source>
            <translation>Alle benötigten Python-Pakete sind vorhanden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="167" />
            <source>{name} (optional) is not installed — needed for: {what}</source>
            <translation>{name} (optional) ist nicht installiert — benötigt für: {what}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="171" />
            <source>A dependency folder for another Python version exists ({path}): QGIS was upgraded; install the dependencies again.</source>
            <translation>Ein Abhängigkeitsordner für eine andere Python-Version existiert ({path}): QGIS wurde aktualisiert; installieren Sie die Abhängigkeiten erneut.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="173" />
            <source>A dependency folder for another Python version is no longer used ({path}).</source>
            <translation>Ein Abhängigkeitsordner für eine andere Python-Version wird nicht mehr verwendet ({path}).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="177" />
            <source>An NVIDIA driver was found.</source>
            <translation>Ein NVIDIA-Treiber wurde gefunden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="177" />
            <source>No NVIDIA driver was found: the CPU build will be installed.</source>
            <translation>Kein NVIDIA-Treiber gefunden: die CPU-Version wird installiert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="188" />
            <source>Old dependency folders deleted.</source>
            <translation>Alte Abhängigkeitsordner gelöscht.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="188" />
            <source>Could not delete: {paths}</source>
            <translation>Löschen nicht möglich: {paths}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="201" />
            <source>Choose the wheelhouse first: the .zip or folder made by 'make wheelhouse' (or choose 'From the internet (PyPI)').</source>
            <translation>Wählen Sie zuerst das Wheelhouse: die .zip oder den Ordner, den „make wheelhouse“ erstellt (oder wählen Sie „Aus dem Internet (PyPI)“).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="211" />
            <source>Nothing to install: every required package is available.</source>
            <translation>Nichts zu installieren: alle benötigten Pakete sind vorhanden.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="225" />
            <source>TerraPrompt: installing dependencies</source>
            <translation>TerraPrompt: Abhängigkeiten werden installiert</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="233" />
            <source>Wheelhouse folder</source>
            <translation>Wheelhouse-Ordner</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="250" />
            <source>Installation failed: {error}</source>
            <translation>Installation fehlgeschlagen: {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="256" />
            <source>Dependencies installed.</source>
            <translation>Abhängigkeiten installiert.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="256" />
            <source>Installed, but still missing: {names}. Restart QGIS.</source>
            <translation>Installiert, aber es fehlen noch: {names}. Starten Sie QGIS neu.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="273" />
            <source>Checking the environment…</source>
            <translation>Prüfe die Umgebung…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="274" />
            <source>TerraPrompt: diagnostics</source>
            <translation>TerraPrompt: Diagnose</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="282" />
            <source>The diagnostics failed: {error}</source>
            <translation>Die Diagnose ist fehlgeschlagen: {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/snapshot.py" line="57" />
            <source>The file of layer '{name}' no longer exists ({path}). Restore it, point the layer at its new place (Layer Properties &gt; Source), or remove the layer.</source>
            <translation>Die Datei des Layers „{name}“ existiert nicht mehr ({path}). Stellen Sie sie wieder her, verweisen Sie den Layer auf ihren neuen Ort (Layereigenschaften &gt; Quelle), oder entfernen Sie den Layer.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/snapshot.py" line="125" />
            <source>The map shows nothing of '{name}' yet. Zoom to the layer, then run again.</source>
            <translation>Die Karte zeigt noch nichts von „{name}“. Zoomen Sie auf den Layer und starten Sie erneut.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/tasks.py" line="111" />
            <source>Unexpected error: {name}: {text}. Details are in the TerraPrompt log.</source>
            <translation>Unerwarteter Fehler: {name}: {text}. Details stehen im TerraPrompt-Protokoll.</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="46" />
            <source>Show or hide the TerraPrompt panel</source>
            <translation>TerraPrompt-Bedienfeld ein- oder ausblenden</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="129" />
            <source>&amp;TerraPrompt</source>
            <translation>&amp;TerraPrompt</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="62" />
            <source>missing {names}: some engines are unavailable.</source>
            <translation>fehlende Pakete: {names}; einige Engines sind nicht verfügbar.</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="64" />
            <source>QGIS's Python changed since the dependencies were installed: install them again.</source>
            <translation>Das Python von QGIS hat sich seit der Installation der Abhängigkeiten geändert: installieren Sie sie erneut.</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="69" />
            <source>Open Setup</source>
            <translation>Einrichtung öffnen</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="71" />
            <source>The polygons of '{name}' could not be read ({reason}). Check the layer, or save it as a GeoPackage and choose that.</source>
            <translation>Die Polygone von „{name}“ konnten nicht gelesen werden ({reason}). Prüfen Sie den Layer, oder speichern Sie ihn als GeoPackage und wählen Sie dieses.</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="125" />
            <source>The feature {fid} of '{name}' cannot be converted to a polygon ({reason}). Fix its geometry (Vector &gt; Geometry Tools &gt; Fix Geometries) or leave it out.</source>
            <translation>Das Objekt {fid} von „{name}“ lässt sich nicht in ein Polygon umwandeln ({reason}). Reparieren Sie seine Geometrie (Vektor &gt; Geometriewerkzeuge &gt; Geometrien reparieren) oder lassen Sie es weg.</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="223" />
            <source>The extent crosses the antimeridian (180°) and '{name}' lies on both sides of it, so the extent is not one rectangle of the raster. Choose an extent on one side of 180°, or Whole layer.</source>
            <translation>Die Ausdehnung überquert den Antimeridian (180°) und '{name}' liegt auf beiden Seiten davon, daher ist die Ausdehnung kein einzelnes Rechteck des Rasters. Wählen Sie eine Ausdehnung auf einer Seite von 180° oder Ganzer Layer.</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="247" />
            <source>The extent cannot be placed in the CRS of '{layer}' ({reason}). Give the extent in the raster's CRS.</source>
            <translation>Die Ausdehnung lässt sich nicht in das KBS von '{layer}' übertragen ({reason}). Geben Sie die Ausdehnung im KBS des Rasters an.</translation>
        </message>
    </context>
</TS>
