<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR" sourcelanguage="en_GB">
    <context>
        <name>TerraPrompt</name>
        <message>
            <location filename="../plugin/algorithms/base.py" line="37" />
            <source>Segmentation</source>
            <translation>Segmentation</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="74" />
            <source>{label} ({name}): {value!r} is not a raster layer or a raster file that can be opened. Choose a raster, or leave it empty.</source>
            <translation>{label} ({name}) : {value!r} n'est ni une couche raster ni un fichier raster lisible. Choisissez un raster, ou laissez vide.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="77" />
            <source>{label} ({name}): {value!r} is not a number. Give a number, or leave it empty.</source>
            <translation>{label} ({name}) : {value!r} n'est pas un nombre. Donnez un nombre, ou laissez vide.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="731" />
            <source>The output {file} is the file of the layer '{layer}' in the project, which is not a TerraPrompt result: the run would overwrite it. Choose another output file name.</source>
            <translation>La sortie {file} est le fichier de la couche « {layer} » du projet, qui n'est pas un résultat TerraPrompt : le calcul l'écraserait. Choisissez un autre nom de fichier de sortie.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="122" />
            <source>{label} ({name}): {value} is outside the allowed range, {min} to {max}. Give a value from {min} to {max}.</source>
            <translation>{label} ({name}) : {value} est hors de la plage autorisée, de {min} à {max}. Donnez une valeur de {min} à {max}.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="125" />
            <source>{label} ({name}): {value} is below the minimum, {min}. Give a value of {min} or more.</source>
            <translation>{label} ({name}) : {value} est sous le minimum, {min}. Donnez une valeur de {min} ou plus.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="126" />
            <source>{label} ({name}): {value} is above the maximum, {max}. Give a value of {max} or less.</source>
            <translation>{label} ({name}) : {value} est au-dessus du maximum, {max}. Donnez une valeur de {max} ou moins.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="157" />
            <source>'{name}' is a {provider} layer, not a file: Processing algorithms read raster files.</source>
            <translation>« {name} » est une couche {provider}, pas un fichier : les algorithmes de traitement lisent des fichiers raster.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="157" />
            <source>Save the part you need as a GeoTIFF (right-click › Export › Save As, 'Rendered image'), or use the TerraPrompt panel, which renders web layers over the map view.</source>
            <translation>Enregistrez la partie utile en GeoTIFF (clic droit › Exporter › Enregistrer sous, « Image rendue »), ou utilisez le panneau TerraPrompt, qui rend les couches web sur la vue de la carte.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/base.py" line="222" />
            <source>TerraPrompt needs the Python package '{name}', which is not installed in this QGIS. Open the TerraPrompt panel, tab Setup, and click 'Install dependencies' (see README, Installing in QGIS).</source>
            <translation>TerraPrompt a besoin du paquet Python « {name} », qui n'est pas installé dans ce QGIS. Ouvrez le panneau TerraPrompt, onglet Installation, et cliquez sur « Installer les dépendances » (voir le README, Installation dans QGIS).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="35" />
            <source>'cva': change vector analysis (magnitude, scene-adaptive threshold); 'irmad': iteratively re-weighted MAD (Nielsen 2007), invariant to gain/offset differences; 'logratio': SAR intensity log-ratio; 'network': the bundled Siamese change network (refused with a clear message when it is not installed or the bands do not fit); 'auto': log-ratio for SAR; for optical pairs the network when it is bundled, the pair has red, green and blue, the coarser date's pixels are 15 m or finer and BEFORE's pixels are 8 m or coarser (0.5 m or coarser when the pair has only red, green and blue), the pixel sizes it was trained and tested on; else CVA. The summary says which method ran and why.</source>
            <translation>« cva » : analyse des vecteurs de changement (magnitude, seuil adapté à la scène) ; « irmad » : MAD itérativement repondéré (Nielsen 2007), insensible aux écarts de gain et de décalage ; « logratio » : log-ratio d'intensité SAR ; « network » : le réseau siamois de changement fourni (refusé avec un message clair s'il n'est pas installé ou si les bandes ne conviennent pas) ; « auto » : log-ratio pour le SAR ; pour les paires optiques, le réseau s'il est fourni, si la paire a rouge, vert et bleu, si les pixels de la date la plus grossière font 15 m ou moins et ceux d'AVANT 8 m ou plus (0,5 m ou plus quand la paire n'a que rouge, vert et bleu), les tailles de pixel sur lesquelles il a été entraîné et testé ; sinon CVA. Le résumé dit quelle méthode a tourné et pourquoi.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="46" />
            <source>Which change to keep: 'any change' (default), 'new buildings' (built-up after the change, rebuilding included), 'urban expansion' (built-up on land that was not), 'vegetation loss', 'vegetation gain', 'deforestation', 'water to land', 'land to water'; or land covers: 'forest to built-up', 'loss of water', 'new vegetation' (classes followed: water, vegetation, forest, built-up, bare soil). A size ('larger than 1 ha') filters the polygons.</source>
            <translation>Quel changement garder : 'any change' (par défaut), 'new buildings' (bâti après le changement, reconstruction comprise), 'urban expansion' (bâti sur un terrain qui ne l'était pas), 'vegetation loss', 'vegetation gain', 'deforestation', 'water to land', 'land to water' ; ou des occupations du sol : 'forest to built-up', 'loss of water', 'new vegetation' (classes suivies : eau, végétation, forêt, bâti, sol nu). Une taille ('larger than 1 ha') filtre les polygones.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="60" />
            <source>Detect change between two dates</source>
            <translation>Détecter les changements entre deux dates</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="63" />
            <source>Change detection</source>
            <translation>Détection de changements</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="69" />
            <source>Compares a BEFORE and an AFTER raster of the same place. They may differ in CRS, pixel size, extent, band count or sensor: AFTER is reprojected onto BEFORE's grid over the common extent (when AFTER's pixels are coarser, BEFORE is smoothed to their detail), bands are paired by role and radiometry is normalised where the dates are not calibrated alike. Methods: the bundled Siamese change network (network), change vector analysis (cva), IR-MAD (irmad), SAR log-ratio (logratio); 'auto' picks one and says why. Outputs are on BEFORE's grid: a change probability (0..1), a change raster (0 no change, 1 change, 255 nodata) and polygons with area_m2, mean_probability and the land-cover classes before and after (from_class, to_class). A prompt such as 'new buildings', 'vegetation loss', 'water to land', 'deforestation' or 'any change' keeps only that kind of change. SUMMARY gives the changed area and the change matrix.</source>
            <translation>Compare un raster AVANT et un raster APRÈS du même lieu. Ils peuvent différer par le SCR, la taille de pixel, l'emprise, le nombre de bandes ou le capteur : APRÈS est reprojeté sur la grille d'AVANT sur l'emprise commune (quand les pixels d'APRÈS sont plus grossiers, AVANT est lissé à leur niveau de détail), les bandes sont appariées par rôle et la radiométrie est normalisée là où les dates ne sont pas calibrées de la même façon. Méthodes : le réseau siamois de changement fourni (network), analyse du vecteur de changement (cva), IR-MAD (irmad), log-ratio SAR (logratio) ; « auto » en choisit une et dit pourquoi. Les sorties sont sur la grille d'AVANT : une probabilité de changement (0..1), un raster de changement (0 pas de changement, 1 changement, 255 sans donnée) et des polygones avec area_m2, mean_probability et les classes d'occupation du sol avant et après (from_class, to_class). Une consigne comme « nouveaux bâtiments », « perte de végétation », « eau devenue terre », « déforestation » ou « tout changement » ne garde que ce type de changement. SUMMARY donne la surface changée et la matrice de changement.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="82" />
            <source>Before (earlier raster)</source>
            <translation>Avant (raster antérieur)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="83" />
            <source>The earlier image. Its grid (CRS, pixel size, extent) is the grid of every output.</source>
            <translation>L'image antérieure. Sa grille (SCR, taille de pixel, emprise) est celle de toutes les sorties.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="85" />
            <source>After (later raster)</source>
            <translation>Après (raster postérieur)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="86" />
            <source>The later image of the same place; reprojected and resampled onto BEFORE's grid over the common extent. Another sensor is fine when the bands share roles (e.g. Sentinel-2 then Landsat).</source>
            <translation>L'image postérieure du même lieu ; reprojetée et rééchantillonnée sur la grille d'AVANT sur l'emprise commune. Un autre capteur convient si les bandes ont les mêmes rôles (p. ex. Sentinel-2 puis Landsat).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="68" />
            <source>Modality (band roles)</source>
            <translation>Modalité (rôles des bandes)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="90" />
            <source>How to read the bands of both rasters. 'auto' detects each from band descriptions, band count and values.</source>
            <translation>Comment lire les bandes des deux rasters. « auto » détecte chacune d'après les descriptions de bandes, le nombre de bandes et les valeurs.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="186" />
            <source>Method</source>
            <translation>Méthode</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="95" />
            <source>Change of interest (optional)</source>
            <translation>Changement recherché (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="98" />
            <source>Pre-change land-cover map (optional)</source>
            <translation>Carte d'occupation du sol avant le changement (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="100" />
            <source>A land-cover map of the BEFORE date: a class raster (e.g. from 'Extract land cover') or polygons with a class field ('class', 'label', 'name' or the first text field), in any CRS. Its classes become from_class instead of the spectral land-cover map.</source>
            <translation>Une carte d'occupation du sol à la date AVANT : un raster de classes (p. ex. issu de « Extraire l'occupation du sol ») ou des polygones avec un champ de classe (« class », « label », « name » ou le premier champ texte), dans n'importe quel SCR. Ses classes deviennent from_class à la place de la carte d'occupation du sol spectrale.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="104" />
            <source>Radiometric normalisation</source>
            <translation>Normalisation radiométrique</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="105" />
            <source>How AFTER's radiometry is matched to BEFORE: 'relative' fits a line per band on the pixels IR-MAD finds unchanged; 'histogram' matches histograms; 'none' compares values as they are; 'auto': none when both dates are calibrated in the same physical unit (reflectance, SAR dB, heights in metres; a Sentinel-2 offset left in one date is still taken out), else relative (e.g. 8-bit or uncalibrated DN).</source>
            <translation>Comment la radiométrie d'APRÈS est ajustée à celle d'AVANT : « relative » ajuste une droite par bande sur les pixels qu'IR-MAD trouve inchangés ; « histogram » apparie les histogrammes ; « none » compare les valeurs telles quelles ; « auto » : none quand les deux dates sont calibrées dans la même unité physique (réflectance, dB SAR, hauteurs en mètres ; un décalage Sentinel-2 resté dans une date est tout de même retiré), sinon relative (p. ex. 8 bits ou CN non calibrés).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="111" />
            <source>Mask clouds and shadows</source>
            <translation>Masquer les nuages et leurs ombres</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="112" />
            <source>Treat cloud and shadow pixels of either date as nodata: from the date's own quality band when it carries one (SCL, QA_PIXEL, Fmask ...), else from the ukis-csmask cloud network (optical reflectance with blue, green, red and NIR). The summary says which ran, and why not.</source>
            <translation>Traiter les pixels de nuage et d'ombre de l'une ou l'autre date comme sans données : d'après la bande qualité de la date quand elle en porte une (SCL, QA_PIXEL, Fmask ...), sinon d'après le réseau de nuages ukis-csmask (réflectance optique avec bleu, vert, rouge et PIR). Le résumé dit lequel a tourné, et sinon pourquoi.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="117" />
            <source>Cloud mask of BEFORE's product (optional)</source>
            <translation>Masque de nuages du produit AVANT (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="117" />
            <source>Cloud mask of AFTER's product (optional)</source>
            <translation>Masque de nuages du produit APRÈS (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="120" />
            <source>The date's cloud mask delivered as a file of its own, e.g. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF or HLS ....Fmask.tif (read by nearest neighbour onto BEFORE's grid). Empty: a quality band of the date's raster, else the ukis-csmask cloud network.</source>
            <translation>Le masque de nuages de la date livré dans un fichier à part, p. ex. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF ou HLS ....Fmask.tif (lu au plus proche voisin sur la grille de BEFORE). Vide : une bande qualité du raster de la date, sinon le réseau de nuages ukis-csmask.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="336" />
            <source>Device</source>
            <translation>Périphérique</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="126" />
            <source>Where networks run. The classical methods run on the CPU; the summary reports the device actually used.</source>
            <translation>Où tournent les réseaux. Les méthodes classiques tournent sur le CPU ; le résumé indique le périphérique réellement utilisé.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="128" />
            <source>Minimum changed area (m², all transitions together)</source>
            <translation>Surface changée minimale (m², toutes transitions ensemble)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="130" />
            <source>Changed areas smaller than this (true area in m² of the whole area, all its transitions together) are left out of the polygon output; a kept area is written as one polygon per transition, and these polygons can each be smaller.</source>
            <translation>Les zones changées plus petites (surface réelle en m² de toute la zone, toutes ses transitions ensemble) ne figurent pas dans la sortie polygones ; une zone gardée est écrite en un polygone par transition, et chacun de ces polygones peut être plus petit.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="90" />
            <source>Extent (optional)</source>
            <translation>Emprise (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="135" />
            <source>Process only this extent (snapped to BEFORE's pixels; the outputs cover it alone, on BEFORE's grid); it gets the change a run over the whole pair gives there (co-registration, normalisation, cloud masks and thresholds are fitted on the whole area both dates cover). Empty: all of BEFORE.</source>
            <translation>Ne traiter que cette emprise (calée sur les pixels d'AVANT ; les sorties ne couvrent qu'elle, sur la grille d'AVANT) ; elle reçoit le changement qu'un calcul sur toute la paire y donne (le recalage, la normalisation, les masques de nuages et les seuils sont ajustés sur toute la zone que couvrent les deux dates). Vide : tout AVANT.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="139" />
            <source>Change probability</source>
            <translation>Probabilité de changement</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="141" />
            <source>float32 GeoTIFF on BEFORE's grid: change probability 0..1 (only the prompted change), -1 = nodata.</source>
            <translation>GeoTIFF float32 sur la grille d'AVANT : probabilité de changement 0..1 (seulement le changement demandé), -1 = sans donnée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Change</source>
            <translation>Changement</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="144" />
            <source>uint8 GeoTIFF on BEFORE's grid: 0 no change, 1 change (change probability 0.5 or more; reclassify the change probability for another cut), 255 nodata (outside the common extent or masked).</source>
            <translation>GeoTIFF uint8 sur la grille d'AVANT : 0 pas de changement, 1 changement (probabilité de changement de 0,5 ou plus ; reclassez la probabilité de changement pour un autre seuil), 255 sans donnée (hors de l'emprise commune ou masqué).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="147" />
            <source>Change polygons</source>
            <translation>Polygones de changement</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="149" />
            <source>Polygons with area_m2, mean_probability, from_class, to_class, method, model and the dates when known. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Polygones avec area_m2, mean_probability, from_class, to_class, la méthode, le modèle et les dates si elles sont connues. GeoPackage par défaut ; .shp, .geojson et .fgb fonctionnent aussi, avec leurs limites (un Shapefile coupe les noms de champs à 10 caractères).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="153" />
            <source>Summary</source>
            <translation>Résumé</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="162" />
            <source>The BEFORE or AFTER raster could not be opened. Check that the file exists and GDAL can read it.</source>
            <translation>Le raster AVANT ou APRÈS n'a pas pu être ouvert. Vérifiez que le fichier existe et que GDAL sait le lire.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="591" />
            <source>{name} (change probability)</source>
            <translation>{name} (probabilité de changement)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/detect_change.py" line="204" />
            <source>{name} (change)</source>
            <translation>{name} (changement)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="591" />
            <source>{name} (change polygons, threshold {t})</source>
            <translation>{name} (polygones de changement, seuil {t})</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="55" />
            <source>The report is a text file: '{path}' is not a .txt or .log file. Give a file name ending in .txt or .log, or leave the report file empty.</source>
            <translation>Le rapport est un fichier texte : « {path} » n'est pas un fichier .txt ou .log. Donnez un nom de fichier finissant par .txt ou .log, ou laissez le fichier du rapport vide.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="66" />
            <source>Diagnostics report</source>
            <translation>Rapport de diagnostic</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="69" />
            <source>Tools</source>
            <translation>Outils</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="75" />
            <source>Prints QGIS, Python, GDAL and PROJ versions, every dependency with version and path, the onnxruntime providers (and the one used by the last run), torch CUDA availability, cache sizes and model checksums. Attach it to bug reports.</source>
            <translation>Affiche les versions de QGIS, Python, GDAL et PROJ, chaque dépendance avec sa version et son chemin, les fournisseurs onnxruntime (et celui utilisé par le dernier calcul), la disponibilité de CUDA pour torch, la taille des caches et les sommes de contrôle des modèles. Joignez-le aux rapports de bogue.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="83" />
            <source>Report file</source>
            <translation>Fichier du rapport</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="83" />
            <source>Text files (*.txt *.log)</source>
            <translation>Fichiers texte (*.txt *.log)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="85" />
            <source>Also save the report to this text file.</source>
            <translation>Enregistrer aussi le rapport dans ce fichier texte.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="180" />
            <source>Report</source>
            <translation>Rapport</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/diagnostics.py" line="101" />
            <source>The report could not be saved to {path} ({reason}). Choose a file in a folder you can write to.</source>
            <translation>Le rapport n'a pas pu être enregistré dans {path} ({reason}). Choisissez un fichier dans un dossier où vous pouvez écrire.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="27" />
            <source>Precompute interactive encodings of a raster</source>
            <translation>Précalculer les encodages interactifs d'un raster</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="30" />
            <source>Encodes the raster on the shared grid of half-overlapping tiles and stores the encodings in the on-disk cache (keyed by the raster's path, size and modification time, the bands, the tile and the model's hash). The map tool and segment_prompts then reuse them; tiles already cached are skipped. The least recently used encodings are evicted when the cache exceeds its size cap.</source>
            <translation>Encode le raster sur la grille commune de tuiles se chevauchant de moitié et enregistre les encodages dans le cache sur disque (indexé par le chemin, la taille et la date de modification du raster, les bandes, la tuile et l'empreinte du modèle). L'outil cartographique et segment_prompts les réutilisent ensuite ; les tuiles déjà en cache sont sautées. Les encodages les moins récemment utilisés sont supprimés quand le cache dépasse sa taille maximale.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="141" />
            <source>Input raster</source>
            <translation>Raster en entrée</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="39" />
            <source>The raster to encode (any GDAL raster with a CRS).</source>
            <translation>Le raster à encoder (tout raster lisible par GDAL avec un SCR).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="62" />
            <source>Model</source>
            <translation>Modèle</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="42" />
            <source>'bundled': the promptable network, or the classical engine when the network cannot be loaded (the report says so); 'network': the promptable network only (an error when it cannot be loaded); 'classical': the bundled region-growing engine; or the path to a SAM / SAM 2 ONNX encoder/decoder pair or its model card (.json).</source>
            <translation>« bundled » : le réseau promptable, ou le moteur classique quand le réseau ne peut pas être chargé (le rapport le dit) ; « network » : le réseau promptable seul (une erreur s'il ne peut pas être chargé) ; « classical » : le moteur fourni de croissance de régions ; ou le chemin d'une paire encodeur/décodeur ONNX SAM / SAM 2 ou de sa fiche de modèle (.json).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="48" />
            <source>Where ONNX models run; the report states the device actually used.</source>
            <translation>Où tournent les modèles ONNX ; le rapport indique le périphérique réellement utilisé.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="52" />
            <source>Tiles</source>
            <translation>Tuiles</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/encode_image.py" line="53" />
            <source>Tiles encoded now</source>
            <translation>Tuiles encodées maintenant</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="188" />
            <source>The input raster could not be opened. Check that the file exists and GDAL can read it.</source>
            <translation>Le raster en entrée n'a pas pu être ouvert. Vérifiez que le fichier existe et que GDAL sait le lire.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="29" />
            <source>Free text naming land covers, e.g. 'lakes and rivers', 'all vegetation but not grass', 'built-up larger than 1 ha', 'ponds smaller than 1 ha' (size qualifiers filter the raster regions and polygons by area), 'buildings taller than 10 m' (height qualifiers need a DSM or nDSM raster: objects are kept by their median height above ground). 'land cover map' or 'everything except water' give a whole land-cover map of the classes the bands allow.</source>
            <translation>Texte libre nommant des occupations du sol, p. ex. 'lakes and rivers', 'all vegetation but not grass', 'built-up larger than 1 ha', 'ponds smaller than 1 ha' (les qualificatifs de taille filtrent les régions du raster et les polygones par surface), 'buildings taller than 10 m' (les qualificatifs de hauteur nécessitent un raster MNS ou MNSn : les objets sont gardés selon leur hauteur médiane au-dessus du sol). 'land cover map' ou 'everything except water' donnent une carte d'occupation du sol complète des classes que les bandes permettent.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="37" />
            <source>'spectral': index rules with scene-adaptive thresholds and the bundled land-cover classifier, for every concept the bands allow; 'network': the bundled segmentation network, which predicts water, vegetation and cloud only (other concepts are refused, and a 'land cover map' then holds water alone); 'auto': the network only when every concept asked for is water or vegetation and the network does better with these bands (the explanation says why), else the indices, which without SWIR take water from the network.</source>
            <translation>« spectral » : des règles d'indices à seuils adaptés à la scène et le classificateur d'occupation du sol fourni, pour chaque concept que les bandes permettent ; « network » : le réseau de segmentation fourni, qui ne prédit que l'eau, la végétation et les nuages (les autres concepts sont refusés, et une 'land cover map' ne contient alors que l'eau) ; « auto » : le réseau seulement quand chaque concept demandé est l'eau ou la végétation et que le réseau fait mieux avec ces bandes (l'explication dit pourquoi), sinon les indices, qui sans SWIR prennent l'eau du réseau.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="51" />
            <source>Extract land cover from a prompt</source>
            <translation>Extraire l'occupation du sol à partir d'une consigne</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="54" />
            <source>Type what to extract (e.g. 'lakes and rivers', 'vegetation except grass larger than 1 ha') and get a class raster on the input's grid (0 background, 1..K the concepts in prompt order, 255 nodata or cloud/cloud-shadow pixels) and polygons with area_m2 and confidence. Works on Sentinel-2, Landsat, RGB, RGBN, SAR and DSM rasters, alone or stacked. The EXPLANATION output says what was understood, which engine, bands and thresholds were used, and the area per class.</source>
            <translation>Tapez ce qu'il faut extraire (p. ex. « lacs et rivières », « végétation sauf herbe de plus de 1 ha ») et obtenez un raster de classes sur la grille de l'entrée (0 fond, 1..K les concepts dans l'ordre de la consigne, 255 sans donnée ou pixels de nuage/d'ombre de nuage) et des polygones avec area_m2 et confidence. Fonctionne sur des rasters Sentinel-2, Landsat, RVB, RVB+PIR, SAR et MNS, seuls ou empilés. La sortie EXPLANATION dit ce qui a été compris, quels moteur, bandes et seuils ont servi, et la surface par classe.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="63" />
            <source>The raster to segment: any GDAL raster with a CRS (GeoTIFF, VRT, JP2, ...).</source>
            <translation>Le raster à segmenter : tout raster lisible par GDAL avec un SCR (GeoTIFF, VRT, JP2, ...).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="65" />
            <source>Prompt</source>
            <translation>Consigne</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="66" />
            <source>Default: 'water' (the field is filled with it); an empty prompt is refused.</source>
            <translation>Par défaut : 'water' (le champ en est rempli) ; une consigne vide est refusée.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="69" />
            <source>How to read the bands. 'auto' detects it from band descriptions, band count and values.</source>
            <translation>Comment lire les bandes. « auto » la détecte d'après les descriptions de bandes, le nombre de bandes et les valeurs.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="71" />
            <source>SAR raster (optional, VV/VH)</source>
            <translation>Raster SAR (facultatif, VV/VH)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="72" />
            <source>A Sentinel-1 style raster of the same place; reprojected onto the input's grid and fused.</source>
            <translation>Un raster de type Sentinel-1 du même lieu ; reprojeté sur la grille de l'entrée et fusionné.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="74" />
            <source>DSM / nDSM raster (optional)</source>
            <translation>Raster MNS / MNSn (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="75" />
            <source>Heights of the same place (a DSM or an nDSM, told apart from the values; metres unless the band's unit names another length, e.g. cm or ft); reprojected onto the input's grid.</source>
            <translation>Hauteurs du même lieu (un MNS ou un MNSn, distingués d'après les valeurs ; en mètres sauf si l'unité de la bande nomme une autre longueur, p. ex. cm ou ft) ; reprojetées sur la grille de l'entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="78" />
            <source>Cloud mask of the product (optional)</source>
            <translation>Masque de nuages du produit (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="79" />
            <source>The product's cloud mask delivered as a file of its own, e.g. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF or HLS ....Fmask.tif (read by nearest neighbour onto the input's grid). Empty: a quality band of the input itself, else the ukis-csmask cloud network.</source>
            <translation>Le masque de nuages du produit livré dans un fichier à part, p. ex. Sentinel-2 T..._SCL_20m.jp2, Landsat ..._QA_PIXEL.TIF ou HLS ....Fmask.tif (lu au plus proche voisin sur la grille de l'entrée). Vide : une bande qualité de l'entrée elle-même, sinon le réseau de nuages ukis-csmask.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="330" />
            <source>Engine</source>
            <translation>Moteur</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="88" />
            <source>Where networks run. The explanation reports the device actually used.</source>
            <translation>Où tournent les réseaux. L'explication indique le périphérique réellement utilisé.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="91" />
            <source>Process only this extent (snapped to the input's pixels); it gets the classes a run over the whole raster gives there (thresholds are fitted on the whole raster). Empty: the whole raster.</source>
            <translation>Ne traiter que cette emprise (calée sur les pixels de l'entrée) ; elle reçoit les classes qu'un calcul sur tout le raster y donne (les seuils sont ajustés sur tout le raster). Vide : tout le raster.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="94" />
            <source>Class raster</source>
            <translation>Raster de classes</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="95" />
            <source>uint8 GeoTIFF on the input's grid: 0 background, 1..K concepts in prompt order, 255 nodata or cloud/cloud-shadow pixels (masked; the explanation gives both areas).</source>
            <translation>GeoTIFF uint8 sur la grille de l'entrée : 0 fond, 1..K les concepts dans l'ordre de la consigne, 255 sans donnée ou pixels de nuage/d'ombre de nuage (masqués ; l'explication donne les deux surfaces).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="98" />
            <source>Polygons</source>
            <translation>Polygones</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="99" />
            <source>Polygons (merged across tiles) with class, area_m2, confidence and provenance fields. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Polygones (fusionnés entre les tuiles) avec les champs class, area_m2, confidence et de provenance. GeoPackage par défaut ; .shp, .geojson et .fgb fonctionnent aussi, avec leurs limites (un Shapefile coupe les noms de champs à 10 caractères).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="364" />
            <source>Straight building outlines</source>
            <translation>Bâtiments à angles droits</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="104" />
            <source>Building polygons squared along each building's main direction (right angles, as footprints are drawn) instead of traced pixel outlines; other concepts keep theirs. For DSMs/nDSMs and very-high-resolution images: at 10-30 m buildings are blocks of built-up pixels.</source>
            <translation>Polygones des bâtiments mis d'équerre selon la direction principale de chaque bâtiment (angles droits, comme on dessine les emprises) au lieu des contours tracés au pixel ; les autres concepts gardent les leurs. Pour les MNS/MNSn et les images à très haute résolution : à 10-30 m, les bâtiments sont des blocs de pixels bâtis.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="108" />
            <source>Explanation</source>
            <translation>Explication</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/extract_landcover.py" line="115" />
            <source>{label} ({name}) is empty. Type what to extract, e.g. 'water' or 'vegetation except grass'.</source>
            <translation>{label} ({name}) est vide. Tapez ce qu'il faut extraire, p. ex. « eau » ou « végétation sauf herbe ».</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="442" />
            <source>{prompt} on {layer}</source>
            <translation>{prompt} sur {layer}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="456" />
            <source>{name} (classes)</source>
            <translation>{name} (classes)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="464" />
            <source>{name} (polygons)</source>
            <translation>{name} (polygones)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="40" />
            <source>Find objects similar to exemplars</source>
            <translation>Trouver des objets semblables aux exemples</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="43" />
            <source>Give one or more good polygons (two or three work best) of what you want more of (e.g. roofs); TerraPrompt learns what they look like against the rest of the scene and returns every object that looks alike and has a similar size, with a score. Tick 'Selected features only' to use the selected polygons.</source>
            <translation>Donnez un ou plusieurs bons polygones (deux ou trois donnent les meilleurs résultats) de ce que vous voulez trouver (p. ex. des toits) ; TerraPrompt apprend à quoi ils ressemblent par rapport au reste de la scène et renvoie chaque objet qui leur ressemble et a une taille semblable, avec un score. Cochez « Entités sélectionnées uniquement » pour utiliser les polygones sélectionnés.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="49" />
            <source>The raster to search (any modality).</source>
            <translation>Le raster à parcourir (toute modalité).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="51" />
            <source>Exemplar polygons</source>
            <translation>Polygones d'exemple</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="52" />
            <source>Polygons of good examples, in any CRS; use 'Selected features only' for a selection.</source>
            <translation>Polygones de bons exemples, dans n'importe quel SCR ; utilisez « Entités sélectionnées uniquement » pour une sélection.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="54" />
            <source>Similarity threshold</source>
            <translation>Seuil de similarité</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="55" />
            <source>0.01-0.99, higher keeps closer matches (usually fewer). network: an object is kept when the cosine between its network features and the nearest exemplar's reaches this value; appearance: a pixel belongs to a candidate when its probability of looking like the exemplars reaches it, and a region larger than the size range (objects merged at a low threshold) is cut at higher probabilities until its parts fit; regions that cannot be cut are left out and counted in the summary.</source>
            <translation>0,01-0,99, plus élevé garde des correspondances plus proches (en général moins nombreuses). network : un objet est gardé quand le cosinus entre ses caractéristiques du réseau et celles de l'exemple le plus proche atteint cette valeur ; appearance : un pixel appartient à un candidat quand sa probabilité de ressembler aux exemples l'atteint, et une région plus grande que la plage de tailles (des objets fusionnés à un seuil bas) est recoupée à des probabilités plus élevées jusqu'à ce que ses parties y entrent ; les régions qui ne peuvent pas être recoupées sont écartées et comptées dans le résumé.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="62" />
            <source>network: places whose promptable-network features resemble the exemplars are clicked and segmented like a click in the Interactive tab, and the masks the network is sure of that resemble the exemplars are kept (auto uses it when the bundled network is installed and the pixels are 1.25 m or finer; about a minute per million pixels on 2 CPU cores); appearance: pixels whose band values resemble the exemplars' (fast; for objects told apart by colour alone).</source>
            <translation>network : les endroits dont les caractéristiques du réseau interactif ressemblent aux exemples sont cliqués et segmentés comme un clic dans l'onglet Interactif, et les masques dont le réseau est sûr et qui ressemblent aux exemples sont gardés (auto l'utilise quand le réseau fourni est installé et que les pixels font 1,25 m ou moins ; environ une minute par million de pixels sur 2 cœurs) ; appearance : les pixels dont les valeurs de bandes ressemblent à celles des exemples (rapide ; pour des objets qui se distinguent par leur seule couleur).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="68" />
            <source>Search extent</source>
            <translation>Emprise de recherche</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="69" />
            <source>Search only inside this extent (any CRS); empty: the whole raster.</source>
            <translation>Chercher seulement dans cette emprise (tout SCR) ; vide : tout le raster.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="162" />
            <source>Class label</source>
            <translation>Étiquette de classe</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="72" />
            <source>Written to the 'class' field of every object found.</source>
            <translation>Écrit dans le champ « class » de chaque objet trouvé.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="77" />
            <source>Similar objects</source>
            <translation>Objets semblables</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="78" />
            <source>Polygons with object_id, class, score, area_m2 and provenance fields. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Polygones avec les champs object_id, class, score, area_m2 et de provenance. GeoPackage par défaut ; .shp, .geojson et .fgb fonctionnent aussi, avec leurs limites (un Shapefile coupe les noms de champs à 10 caractères).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="81" />
            <source>Objects found</source>
            <translation>Objets trouvés</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="92" />
            <source>The exemplar layer could not be opened.</source>
            <translation>La couche d'exemples n'a pas pu être ouverte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="288" />
            <source>{name} (similar objects)</source>
            <translation>{name} (objets semblables)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/find_similar.py" line="138" />
            <source>Searching {mpx} million pixels: with the network method (METHOD network, or auto on pixels of about 1.25 m or finer) that takes about {minutes} minutes on 2 CPU cores. Give an EXTENT, or METHOD appearance, for a faster search.</source>
            <translation>Recherche sur {mpx} millions de pixels : avec la méthode réseau (METHOD network, ou auto sur des pixels d'environ 1,25 m ou plus fins) cela prend environ {minutes} minutes sur 2 cœurs CPU. Donnez une EXTENT, ou METHOD appearance, pour une recherche plus rapide.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/outputs.py" line="90" />
            <source>The class names of {file} could not be written beside it ({file}.aux.xml): software other than QGIS shows class numbers. Check the free disk space.</source>
            <translation>Les noms des classes de {file} n'ont pas pu être écrits à côté ({file}.aux.xml) : les logiciels autres que QGIS affichent les numéros de classe. Vérifiez l'espace disque libre.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/outputs.py" line="117" />
            <source>The style of {file} could not be saved in it: the disk of {folder} is full. It opens with a single symbol outside this project; free disk space and run again to keep it.</source>
            <translation>Le style de {file} n'a pas pu y être enregistré : le disque de {folder} est plein. Hors de ce projet il s'ouvre avec un symbole unique ; libérez de l'espace disque et relancez pour le conserver.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/outputs.py" line="120" />
            <source>The style of {file} could not be saved in it ({error}): it opens with a single symbol outside this project.</source>
            <translation>Le style de {file} n'a pas pu y être enregistré ({error}) : hors de ce projet, il s'ouvre avec un symbole unique.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/provider.py" line="37" />
            <source>TerraPrompt: prompt-driven segmentation and change detection</source>
            <translation>TerraPrompt : segmentation et détection de changements guidées par des consignes</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="49" />
            <source>Cache folder (optional)</source>
            <translation>Dossier du cache (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="50" />
            <source>Where encodings are stored. Empty: TERRAPROMPT_CACHE when set, else the QGIS profile's cache/terraprompt folder (shown by terraprompt:diagnostics).</source>
            <translation>Où les encodages sont enregistrés. Vide : TERRAPROMPT_CACHE s'il est défini, sinon le dossier cache/terraprompt du profil QGIS (indiqué par terraprompt:diagnostics).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="62" />
            <source>Cache size cap (MB)</source>
            <translation>Taille maximale du cache (Mo)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="64" />
            <source>The least recently used encodings are removed beyond this size (1 MB = 1024² bytes). A cap given here stays the cache folder's cap for later runs and the map tool; empty: the cap last given for the folder, else 2048 MB.</source>
            <translation>Les encodages utilisés le moins récemment sont supprimés au-delà de cette taille (1 Mo = 1024² octets). Un plafond donné ici reste celui du dossier de cache pour les exécutions suivantes et l'outil de carte ; vide : le dernier plafond donné pour ce dossier, sinon 2048 Mo.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="72" />
            <source>Straight outlines (buildings)</source>
            <translation>Contours droits (bâtiments)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="81" />
            <source>Right-angled polygon edges along each object's main direction, as roofs are drawn, instead of the traced pixel outline. A part that squaring would change much (IoU below 0.75 with its traced outline) keeps the traced one.</source>
            <translation>Bords de polygone à angles droits selon la direction principale de chaque objet, comme on dessine les toits, au lieu du contour tracé au pixel. Une partie que l'équerrage changerait beaucoup (IoU inférieur à 0,75 avec son contour tracé) garde le contour tracé.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="96" />
            <source>The layer '{0}' needs an integer field '{1}' (feature {2} has {3!r}). Add the field and fill it.</source>
            <translation>La couche « {0} » doit avoir un champ entier « {1} » (l'entité {2} a {3!r}). Ajoutez le champ et remplissez-le.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="130" />
            <source>Segment objects from point and box prompts</source>
            <translation>Segmenter des objets à partir de points et de rectangles</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="133" />
            <source>Batch version of the interactive map tool: every object_id of the POINTS layer (positive=1 inside the object, positive=0 on what must be left out) and of the optional BOXES layer (its bounding box) becomes one polygon with object_id, class, area_m2, score, n_positive, n_negative, prompt_type, model, model_sha256, source and created_utc. Prompts may be in any CRS. Encodings are cached on disk, so re-running on the same raster is fast.</source>
            <translation>Version par lots de l'outil cartographique interactif : chaque object_id de la couche POINTS (positive=1 dans l'objet, positive=0 sur ce qui doit être exclu) et de la couche facultative BOXES (son rectangle englobant) devient un polygone avec object_id, class, area_m2, score, n_positive, n_negative, prompt_type, model, model_sha256, source et created_utc. Les consignes peuvent être dans n'importe quel SCR. Les encodages sont mis en cache sur disque : relancer sur le même raster est rapide.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="142" />
            <source>The image to segment: any GDAL raster with a CRS (single band, RGB, multispectral, SAR, DSM).</source>
            <translation>L'image à segmenter : tout raster lisible par GDAL avec un SCR (une bande, RVB, multispectral, SAR, MNS).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="144" />
            <source>Point prompts (optional if BOXES is given)</source>
            <translation>Points de consigne (facultatifs si BOXES est donné)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="146" />
            <source>Points with integer fields object_id (which object) and positive (1 inside the object, 0 outside). Any CRS.</source>
            <translation>Points avec les champs entiers object_id (quel objet) et positive (1 dans l'objet, 0 en dehors). N'importe quel SCR.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="148" />
            <source>Box prompts (optional)</source>
            <translation>Rectangles de consigne (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="149" />
            <source>Polygons with an integer field object_id; the bounding box of each is a box prompt for that object (several polygons of one object_id: their common bounding box, said in the report). Any CRS.</source>
            <translation>Polygones avec un champ entier object_id ; l'emprise de chacun est une invite rectangle pour cet objet (plusieurs polygones d'un même object_id : leur emprise commune, signalée dans le rapport). Tout SCR.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="153" />
            <source>'bundled': the promptable network, or the classical engine when the network cannot be loaded (the report says so); 'network': the promptable network only (an error when it cannot be loaded); 'classical': the bundled region-growing engine, no model file; or the path to a SAM / SAM 2 ONNX encoder or decoder file (its partner is found by swapping 'encoder'/'decoder' in the name), a folder holding the pair, or a model card (.json).</source>
            <translation>« bundled » : le réseau promptable, ou le moteur classique quand le réseau ne peut pas être chargé (le rapport le dit) ; « network » : le réseau promptable seul (une erreur s'il ne peut pas être chargé) ; « classical » : le moteur fourni de croissance de régions, sans fichier de modèle ; ou le chemin d'un fichier encodeur ou décodeur ONNX SAM / SAM 2 (son partenaire est trouvé en échangeant « encoder »/« decoder » dans le nom), un dossier contenant la paire, ou une fiche de modèle (.json).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="160" />
            <source>Where ONNX models run; the report states the device actually used. The classical engine always runs on the CPU.</source>
            <translation>Où tournent les modèles ONNX ; le rapport indique le périphérique réellement utilisé. Le moteur classique tourne toujours sur le CPU.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="286" />
            <source>object</source>
            <translation>objet</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="163" />
            <source>Free label written to the 'class' attribute of every object (e.g. building, tree, field).</source>
            <translation>Étiquette libre écrite dans l'attribut « class » de chaque objet (p. ex. bâtiment, arbre, champ).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="165" />
            <source>The object id raster is drawn from the same polygons.</source>
            <translation>Le raster des identifiants d'objet est dessiné à partir des mêmes polygones.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="166" />
            <source>No overlaps between objects</source>
            <translation>Aucun chevauchement entre objets</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="167" />
            <source>Each object, in object_id order, leaves out what the objects before it cover (neighbouring roofs share an edge instead of overlapping); an object left with nothing is skipped and named in the report.</source>
            <translation>Chaque objet, dans l'ordre des object_id, laisse de côté ce que couvrent les objets précédents (des toits voisins partagent un bord au lieu de se chevaucher) ; un objet à qui il ne reste rien est ignoré et nommé dans le rapport.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="172" />
            <source>Objects</source>
            <translation>Objets</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="173" />
            <source>One (multi)polygon per object_id, in the raster's CRS. GeoPackage by default; .shp, .geojson and .fgb also work, with their limits (a Shapefile cuts field names to 10 characters).</source>
            <translation>Un (multi)polygone par object_id, dans le SCR du raster. GeoPackage par défaut ; .shp, .geojson et .fgb fonctionnent aussi, avec leurs limites (un Shapefile coupe les noms de champs à 10 caractères).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="176" />
            <source>Object id raster</source>
            <translation>Raster des identifiants d'objets</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="177" />
            <source>GeoTIFF on the input's grid with the object_id of each pixel, 0 for background.</source>
            <translation>GeoTIFF sur la grille de l'entrée avec l'object_id de chaque pixel, 0 pour le fond.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="179" />
            <source>Objects segmented</source>
            <translation>Objets segmentés</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="194" />
            <source>Give a POINTS layer (object_id, positive) and/or a BOXES layer (object_id).</source>
            <translation>Fournissez une couche POINTS (object_id, positive) et/ou une couche BOXES (object_id).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="198" />
            <source>The point layer has no field '{0}'. Add integer fields object_id and positive (1/0).</source>
            <translation>La couche de points n'a pas de champ « {0} ». Ajoutez les champs entiers object_id et positive (1/0).</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="210" />
            <source>The box layer has no field 'object_id'. Add an integer field object_id.</source>
            <translation>La couche de rectangles n'a pas de champ « object_id ». Ajoutez un champ entier object_id.</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="243" />
            <source>Skipped {0}</source>
            <translation>Ignoré : {0}</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="246" />
            <source>{name} (objects)</source>
            <translation>{name} (objets)</translation>
        </message>
        <message>
            <location filename="../plugin/algorithms/segment_prompts.py" line="246" />
            <source>{name} (object ids)</source>
            <translation>{name} (identifiants d'objets)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="102" />
            <source>e.g. lakes larger than 1 ha, trees, buildings</source>
            <translation>p. ex. lacs de plus de 1 ha, arbres, bâtiments</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="103" />
            <source>Land covers to find in the view; every connected region becomes a candidate object.</source>
            <translation>Occupations du sol à chercher dans la vue ; chaque région connexe devient un objet candidat.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="104" />
            <source>Find objects</source>
            <translation>Trouver les objets</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="105" />
            <source>Run the land-cover concepts on the view and list the regions as candidates.</source>
            <translation>Applique les concepts d'occupation du sol à la vue et liste les régions comme candidats.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="106" />
            <source>Accept</source>
            <translation>Accepter</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="116" />
            <source>Write the selected candidates to the objects file.</source>
            <translation>Écrit les candidats sélectionnés dans le fichier d'objets.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="117" />
            <source>Reject</source>
            <translation>Rejeter</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="118" />
            <source>Drop the selected candidates.</source>
            <translation>Écarte les candidats sélectionnés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="119" />
            <source>Accept all</source>
            <translation>Tout accepter</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="120" />
            <source>Write every listed candidate to the objects file.</source>
            <translation>Écrire tous les candidats de la liste dans le fichier des objets.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="121" />
            <source>Refine</source>
            <translation>Affiner</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="122" />
            <source>Make the selected candidate the current object: click to add or remove parts, Enter accepts.</source>
            <translation>Fait du candidat sélectionné l'objet courant : cliquez pour ajouter ou retirer des parties, Entrée l'accepte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="604" />
            <source>Choose a raster layer first.</source>
            <translation>Choisissez d'abord une couche raster.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="148" />
            <source>Type what to find, e.g. 'water' or 'trees'.</source>
            <translation>Tapez ce qu'il faut trouver, p. ex. « eau » ou « arbres ».</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="175" />
            <source>The raster layer or the project changed during the search: its candidates were dropped.</source>
            <translation>La couche raster ou le projet a changé pendant la recherche : ses candidats ont été abandonnés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="187" />
            <source>Finding '{prompt}' in the view…</source>
            <translation>Recherche de « {prompt} » dans la vue…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="188" />
            <source>TerraPrompt: find objects</source>
            <translation>TerraPrompt : trouver les objets</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="878" />
            <source>Choose the GeoPackage for accepted objects in the dock.</source>
            <translation>Choisissez dans le panneau le GeoPackage des objets acceptés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="278" />
            <source>{n} object(s) added to the objects file.</source>
            <translation>{n} objet(s) ajouté(s) au fichier d'objets.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="311" />
            <source>being refined on the map: Enter writes it, Esc puts it back</source>
            <translation>en cours d'affinage sur la carte : Entrée l'écrit, Échap le remet</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="339" />
            <source>Find objects stopped.</source>
            <translation>Recherche d'objets arrêtée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="371" />
            <source>{n}. {label} · {area} · score {score}</source>
            <translation>{n}. {label} · {area} · score {score}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="374" />
            <source>cut at the search limit</source>
            <translation>coupé à la limite de la recherche</translation>
        </message>
        <message>
            <location filename="../plugin/gui/candidates.py" line="376" />
            <source>completed beyond the view</source>
            <translation>complété au-delà de la vue</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="65" />
            <source>Automatic (best for the bands)</source>
            <translation>Automatique (la plus adaptée aux bandes)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="65" />
            <source>IR-MAD (Nielsen 2007)</source>
            <translation>IR-MAD (Nielsen 2007)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="66" />
            <source>Change vector analysis</source>
            <translation>Analyse du vecteur de changement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="66" />
            <source>SAR log-ratio</source>
            <translation>Log-ratio SAR</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="66" />
            <source>Siamese change network</source>
            <translation>Réseau siamois de détection de changements</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="249" />
            <source>{n} other transitions</source>
            <translation>{n} autres transitions</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="152" />
            <source>The earlier image; its grid is the grid of the results</source>
            <translation>L'image antérieure ; sa grille est celle des résultats</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="153" />
            <source>The later image; reprojected onto BEFORE's grid over the common extent</source>
            <translation>L'image postérieure ; reprojetée sur la grille d'AVANT sur l'emprise commune</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="401" />
            <source>Before</source>
            <translation>Avant</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="401" />
            <source>After</source>
            <translation>Après</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="161" />
            <source>Optional land-cover map of the BEFORE date (class raster or polygons with a class field): its classes become the 'from' classes of the change</source>
            <translation>Carte d'occupation du sol facultative de la date AVANT (raster de classes ou polygones avec un champ de classe) : ses classes deviennent les classes « de » du changement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="163" />
            <source>Reference map</source>
            <translation>Carte de référence</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="165" />
            <source>Before cloud mask</source>
            <translation>Masque de nuages avant</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="165" />
            <source>After cloud mask</source>
            <translation>Masque de nuages après</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="188" />
            <source>e.g. any change, new buildings, vegetation loss, water to land</source>
            <translation>p. ex. tout changement, nouveaux bâtiments, perte de végétation, inondation</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="193" />
            <source>Change of interest</source>
            <translation>Changement recherché</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="203" />
            <source>none</source>
            <translation>aucune</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="204" />
            <source>Changed areas smaller than this (all their transitions together) are left out of the polygons (a size in the change of interest, e.g. 'new buildings larger than 200 m2', also sets it; the larger one applies).</source>
            <translation>Les zones changées plus petites (toutes leurs transitions ensemble) ne figurent pas dans les polygones (une taille dans le changement recherché, p. ex. « nouveaux bâtiments de plus de 200 m2 », la fixe aussi ; la plus grande s'applique).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="207" />
            <source>Minimum area</source>
            <translation>Surface minimale</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="337" />
            <source>Extent</source>
            <translation>Emprise</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="208" />
            <source>The part of BEFORE to process, snapped to its pixels: the whole layer, the current map view or a rectangle drawn with Draw. A part gets the change a run over the whole pair gives there (thresholds are fitted on the whole pair). A web layer (XYZ, WMS …) is rendered over the extent alone; as BEFORE, the thresholds are then fitted on the extent.</source>
            <translation>La partie d'AVANT à traiter, calée sur ses pixels : toute la couche, la vue actuelle de la carte ou un rectangle tracé avec Dessiner. Une partie reçoit le changement qu'un calcul sur toute la paire y donne (les seuils sont ajustés sur toute la paire). Une couche web (XYZ, WMS …) est rendue sur l'étendue seule ; si c'est AVANT, les seuils sont alors ajustés sur l'étendue.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="214" />
            <source>Show before</source>
            <translation>Afficher avant</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="215" />
            <source>Show after</source>
            <translation>Afficher après</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="216" />
            <source>Swipe</source>
            <translation>Balayage</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="218" />
            <source>Side by side</source>
            <translation>Côte à côte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>Show only the BEFORE layer on the map (flicker to compare the dates)</source>
            <translation>Afficher uniquement la couche AVANT sur la carte (alterner pour comparer les dates)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>Show only the AFTER layer on the map</source>
            <translation>Afficher uniquement la couche APRÈS sur la carte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>BEFORE left of a line, AFTER right of it; drag on the map or move the slider to move the line. Click again to leave swipe mode.</source>
            <translation>AVANT à gauche d'une ligne, APRÈS à droite ; faites glisser sur la carte ou déplacez le curseur pour déplacer la ligne. Cliquez de nouveau pour quitter le mode balayage.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="220" />
            <source>AFTER in a second map window that pans and zooms with the main map</source>
            <translation>APRÈS dans une seconde fenêtre de carte qui se déplace et zoome avec la carte principale</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="228" />
            <source>Swipe line</source>
            <translation>Ligne de balayage</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="233" />
            <source>Position of the swipe line across the map, from the left edge</source>
            <translation>Position de la ligne de balayage sur la carte, depuis le bord gauche</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="372" />
            <source>Run</source>
            <translation>Lancer</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="104" />
            <source>Cancel</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="247" />
            <source>Threshold</source>
            <translation>Seuil</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="252" />
            <source>Change probability at which a pixel counts as changed; moving it does not recompute</source>
            <translation>Probabilité de changement à partir de laquelle un pixel est considéré comme changé ; le déplacer ne relance pas le calcul</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="257" />
            <source>Changed area by transition (before → after)</source>
            <translation>Surface changée par transition (avant → après)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="307" />
            <source>Choose a BEFORE and an AFTER raster layer (two different layers) to swipe.</source>
            <translation>Choisissez une couche raster AVANT et une couche APRÈS (deux couches différentes) pour le balayage.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="328" />
            <source>Choose an AFTER raster layer, other than BEFORE, to show side by side.</source>
            <translation>Choisissez une couche raster APRÈS, autre que AVANT, pour l'afficher côte à côte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="334" />
            <source>After: {name}</source>
            <translation>Après : {name}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="427" />
            <source>Choose a BEFORE and an AFTER raster layer.</source>
            <translation>Choisissez une couche raster AVANT et une couche raster APRÈS.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="429" />
            <source>BEFORE and AFTER are the same layer; choose two dates.</source>
            <translation>AVANT et APRÈS sont la même couche ; choisissez deux dates.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="754" />
            <source>The chosen extent does not overlap {name}. Choose a map view or a rectangle over the raster, or Whole layer.</source>
            <translation>L'emprise choisie ne recouvre pas {name}. Choisissez une vue de la carte ou un rectangle sur le raster, ou Toute la couche.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="504" />
            <source>TerraPrompt: change detection</source>
            <translation>TerraPrompt : détection de changements</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="805" />
            <source>Running ...</source>
            <translation>Calcul en cours ...</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="864" />
            <source>Stopped: the project was replaced (New or Open project) during the run. Its temporary layers would belong to no project, so nothing was kept.</source>
            <translation>Arrêté : le projet a été remplacé (Nouveau ou Ouvrir un projet) pendant le calcul. Ses couches temporaires n'appartiendraient à aucun projet, rien n'a donc été gardé.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="873" />
            <source>Cancelled. No output was written.</source>
            <translation>Annulé. Aucune sortie n'a été écrite.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="285" />
            <source>The project was replaced during the run: its layers were not added.</source>
            <translation>Le projet a été remplacé pendant le traitement : ses couches n'ont pas été ajoutées.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="577" />
            <source>Change done: {area} changed ({method}).</source>
            <translation>Détection de changements terminée : surface changée {area} ({method}).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="580" />
            <source>AFTER ({after}) is older than BEFORE ({before}): swap them if that is not meant.</source>
            <translation>APRÈS ({after}) est plus ancien qu'AVANT ({before}) : échangez-les si ce n'est pas voulu.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="641" />
            <source>TerraPrompt: change threshold</source>
            <translation>TerraPrompt : seuil de changement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/change_tab.py" line="658" />
            <source>Threshold {t}: {area} changed ({pct} % of the compared area; {area0} at {t0}). The change polygons and the chart keep the run's threshold {t0}: run again to redo them.</source>
            <translation>Seuil {t} : {area} changés ({pct} % de la surface comparée ; {area0} à {t0}). Les polygones de changement et le graphique gardent le seuil du calcul, {t0} : relancez pour les refaire.</translation>
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
            <translation>Surface par classe sur les pixels valides de l'emprise traitée</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="134" />
            <source>No result yet</source>
            <translation>Pas encore de résultat</translation>
        </message>
        <message>
            <location filename="../plugin/gui/chart.py" line="163" />
            <source>{area} ({percent} %)</source>
            <translation>{area} ({percent} %)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Land cover</source>
            <translation>Occupation du sol</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Settings</source>
            <translation>Paramètres</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Interactive</source>
            <translation>Interactif</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="122" />
            <source>Setup</source>
            <translation>Installation</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="68" />
            <source>TerraPrompt</source>
            <translation>TerraPrompt</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="217" />
            <source>This tab needs the Python package '{name}', which is not installed in this QGIS. Open the Setup tab and click 'Install dependencies': the tab opens when the installation is done.</source>
            <translation>Cet onglet a besoin du paquet Python « {name} », qui n'est pas installé dans ce QGIS. Ouvrez l'onglet Installation et cliquez sur « Installer les dépendances » : l'onglet s'ouvre une fois l'installation terminée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="224" />
            <source>This tab could not be loaded: {error}</source>
            <translation>Cet onglet n'a pas pu être chargé : {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="291" />
            <source>Right-click › Export › Save As… each of the {n} TerraPrompt temporary layer(s), then save the project again: QGIS deletes them when it closes.</source>
            <translation>Clic droit › Exporter › Enregistrer sous… sur chacune des {n} couche(s) temporaire(s) de TerraPrompt, puis enregistrez à nouveau le projet : QGIS les supprime à sa fermeture.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/dock.py" line="293" />
            <source>TerraPrompt temporary layers in the saved project: {names}</source>
            <translation>Couches temporaires de TerraPrompt dans le projet enregistré : {names}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="30" />
            <source>The map is rotated {angle}°: the current map view was taken as its bounding box, {ratio}× the area the map shows, and the results cover all of that box. Set the map rotation to 0°, or draw a rectangle, to process just what you see.</source>
            <translation>La carte est tournée de {angle}° : la vue courante a été prise comme son rectangle englobant, {ratio}× la surface affichée, et les résultats couvrent tout ce rectangle. Remettez la rotation de la carte à 0°, ou dessinez un rectangle, pour ne traiter que ce que vous voyez.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="68" />
            <source>Whole layer</source>
            <translation>Toute la couche</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="69" />
            <source>Current map view</source>
            <translation>Vue actuelle de la carte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="70" />
            <source>Drawn rectangle</source>
            <translation>Rectangle dessiné</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="73" />
            <source>Draw</source>
            <translation>Dessiner</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="75" />
            <source>Drag a rectangle on the map to process only that area.</source>
            <translation>Tracez un rectangle sur la carte pour ne traiter que cette zone.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="100" />
            <source>Drag a rectangle on the map to set the extent.</source>
            <translation>Tracez un rectangle sur la carte pour définir l'emprise.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="110" />
            <source>Redraw</source>
            <translation>Redessiner</translation>
        </message>
        <message>
            <location filename="../plugin/gui/extent.py" line="126" />
            <source>No rectangle has been drawn yet. Click Draw and drag a rectangle on the map, or choose another extent.</source>
            <translation>Aucun rectangle n'a encore été dessiné. Cliquez sur Dessiner et tracez un rectangle sur la carte, ou choisissez une autre emprise.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="46" />
            <source>The raster to segment; prompts in any project CRS are transformed to its CRS.</source>
            <translation>Le raster à segmenter ; les consignes, dans n'importe quel SCR du projet, sont transformées dans son SCR.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="274" />
            <source>Raster</source>
            <translation>Raster</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="49" />
            <source>'bundled': the promptable network, or the classical engine when the network cannot be loaded; 'network': the promptable network only (an error when it cannot be loaded); 'classical': the bundled region-growing engine; or the path to a SAM / SAM 2 ONNX encoder/decoder pair or its model card.</source>
            <translation>« bundled » : le réseau promptable, ou le moteur classique quand le réseau ne peut pas être chargé ; « network » : le réseau promptable seul (une erreur s'il ne peut pas être chargé) ; « classical » : le moteur fourni de croissance de régions ; ou le chemin d'une paire encodeur/décodeur ONNX SAM / SAM 2 ou de sa fiche de modèle.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="56" />
            <source>Choose a SAM / SAM 2 ONNX encoder or decoder file, or its model card.</source>
            <translation>Choisissez un fichier ONNX encodeur ou décodeur SAM / SAM 2, ou sa fiche de modèle.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="57" />
            <source>Choose model file</source>
            <translation>Choisir le fichier du modèle</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="66" />
            <source>Where the networks run. The classical engine always runs on the CPU.</source>
            <translation>Où tournent les réseaux. Le moteur classique tourne toujours sur le CPU.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="70" />
            <source>Label written to the 'class' attribute of accepted objects.</source>
            <translation>Étiquette écrite dans l'attribut « class » des objets acceptés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="71" />
            <source>Class</source>
            <translation>Classe</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="74" />
            <source>Accepted objects, text candidates and Find similar get right-angled polygon edges along each object's main direction, as roofs are drawn (dashed in the preview; clicks still edit the mask). A part that squaring would change much keeps its traced outline.</source>
            <translation>Les objets acceptés, les candidats du texte et Trouver similaires reçoivent des bords de polygone à angles droits selon la direction principale de chaque objet, comme on dessine les toits (en tirets dans l'aperçu ; les clics modifient toujours le masque). Une partie que l'équerrage changerait beaucoup garde son contour tracé.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="79" />
            <source>No overlap</source>
            <translation>Sans chevauchement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="81" />
            <source>Accepted objects and text candidates leave out what objects already in the objects file cover, so neighbouring roofs share an edge instead of overlapping; an object that lies wholly on accepted ones is not added.</source>
            <translation>Les objets acceptés et les candidats du texte laissent de côté ce que couvrent les objets déjà dans le fichier d'objets : des toits voisins partagent un bord au lieu de se chevaucher ; un objet entièrement posé sur des objets acceptés n'est pas ajouté.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="91" />
            <source>GeoPackage (*.gpkg)</source>
            <translation>GeoPackage (*.gpkg)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="96" />
            <source>Objects file</source>
            <translation>Fichier des objets</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="98" />
            <source>Prompt on map</source>
            <translation>Désigner sur la carte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="100" />
            <source>Left click: object · right click or Shift+click: not object · drag: box · Ctrl+Z / Ctrl+Shift+Z: undo / redo (right after Enter, Ctrl+Z takes the object back) · Enter: accept · Esc: clear</source>
            <translation>Clic gauche : objet · clic droit ou Maj+clic : pas l'objet · glisser : rectangle · Ctrl+Z / Ctrl+Maj+Z : annuler / rétablir (juste après Entrée, Ctrl+Z reprend l'objet) · Entrée : accepter · Échap : effacer</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="103" />
            <source>Undo</source>
            <translation>Annuler</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="104" />
            <source>Redo</source>
            <translation>Rétablir</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="105" />
            <source>Clear</source>
            <translation>Effacer</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Take back the last click or box; right after Accept, the accepted object (Ctrl+Z).</source>
            <translation>Annuler le dernier clic ou rectangle ; juste après Accepter, l'objet accepté (Ctrl+Z).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Put back the click or box taken back last (Ctrl+Shift+Z).</source>
            <translation>Remettre le dernier clic ou rectangle annulé (Ctrl+Maj+Z).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Forget the clicks and boxes of the current object (Esc).</source>
            <translation>Oublier les clics et les rectangles de l'objet en cours (Échap).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="107" />
            <source>Write the current object to the objects file (Enter).</source>
            <translation>Écrire l'objet en cours dans le fichier des objets (Entrée).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="120" />
            <source>choose polygons…</source>
            <translation>choisir des polygones…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="122" />
            <source>Polygons of good examples; the selected ones are used (all when none is selected).</source>
            <translation>Polygones de bons exemples ; les sélectionnés sont utilisés (tous si aucun n'est sélectionné).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="123" />
            <source>Find similar</source>
            <translation>Trouver des semblables</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="124" />
            <source>Find objects that look like the exemplar polygons (the selected ones, else all): places that the promptable network sees alike are clicked and segmented (on pixels of 1.25 m or finer); on coarser pixels (e.g. Sentinel-2), or with Model = classical, pixels of alike band values.</source>
            <translation>Trouver les objets qui ressemblent aux polygones d'exemple (les sélectionnés, sinon tous) : les endroits que le réseau interactif voit semblables sont cliqués et segmentés (sur des pixels de 1,25 m ou moins) ; sur des pixels plus grossiers (p. ex. Sentinel-2), ou avec Modèle = classical, les pixels aux valeurs de bandes semblables.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="128" />
            <source>In view</source>
            <translation>Dans la vue</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="130" />
            <source>Search the current map view only (about a minute per million pixels with the network on 2 CPU cores); unticked, the whole raster.</source>
            <translation>Chercher seulement dans la vue actuelle de la carte (environ une minute par million de pixels avec le réseau sur 2 cœurs) ; décoché : tout le raster.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="136" />
            <source>Exemplars</source>
            <translation>Exemples</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="394" />
            <source>Choose a raster and press 'Prompt on map'.</source>
            <translation>Choisissez un raster et cliquez sur « Désigner sur la carte ».</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="154" />
            <source>Text</source>
            <translation>Texte</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="202" />
            <source>Choose the polygon layer of exemplars under Exemplars (good examples of what to find), then click Find similar.</source>
            <translation>Choisissez la couche de polygones d'exemples sous Exemples (de bons exemples de ce qu'il faut trouver), puis cliquez sur Trouver des semblables.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="202" />
            <source>Choose a raster and a polygon layer of exemplars.</source>
            <translation>Choisissez un raster et une couche de polygones d'exemple.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="261" />
            <source>Finding objects similar to {n} exemplar(s)…</source>
            <translation>Recherche d'objets semblables à {n} exemple(s)…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="262" />
            <source>TerraPrompt: find similar</source>
            <translation>TerraPrompt : trouver des semblables</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="274" />
            <source>Find similar stopped: the project was replaced (New or Open project).</source>
            <translation>Recherche d'objets similaires arrêtée : le projet a été remplacé (Nouveau ou Ouvrir un projet).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="304" />
            <source>New project: the objects file was emptied, so that objects accepted here do not go into the previous project's file. Choose an objects file, then press 'Prompt on map'.</source>
            <translation>Nouveau projet : le fichier des objets a été vidé, pour que les objets acceptés ici n'aillent pas dans le fichier du projet précédent. Choisissez un fichier d'objets, puis appuyez sur « Désigner sur la carte ».</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="315" />
            <source>This project's objects file is chosen again: {file}. Press 'Prompt on map' to add objects to it.</source>
            <translation>Le fichier des objets de ce projet est de nouveau choisi : {file}. Appuyez sur « Désigner sur la carte » pour y ajouter des objets.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="332" />
            <source>SAM / SAM 2 ONNX model</source>
            <translation>Modèle ONNX SAM / SAM 2</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="332" />
            <source>ONNX models or model cards (*.onnx *.json)</source>
            <translation>Modèles ONNX ou fiches de modèle (*.onnx *.json)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="387" />
            <source>the raster was removed from the project</source>
            <translation>le raster a été retiré du projet</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="443" />
            <source>{engine}: applies after Enter, to the next object (Esc clears the mask and applies it now).</source>
            <translation>{engine} : s'applique après Entrée, à l'objet suivant (Échap efface le masque et l'applique tout de suite).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="394" />
            <source>Raster '{name}': the next click encodes its view.</source>
            <translation>Raster « {name} » : le prochain clic encode sa vue.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="406" />
            <source>Raster '{name}'</source>
            <translation>Raster « {name} »</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="433" />
            <source>Model {model} on {device}</source>
            <translation>Modèle {model} sur {device}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="515" />
            <source>{engine}: the next click encodes the view with it.</source>
            <translation>{engine} : le prochain clic encode la vue avec lui.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="600" />
            <source>Cleared.</source>
            <translation>Effacé.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="489" />
            <source>Prompt on map is off: the object on the map stays. Accept or Clear it here, or press 'Prompt on map' again to use Enter and Esc.</source>
            <translation>Désigner sur la carte est désactivé : l'objet reste sur la carte. Acceptez-le ou effacez-le ici (Accepter, Effacer), ou appuyez de nouveau sur « Désigner sur la carte » pour utiliser Entrée et Échap.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="499" />
            <source>Prompt on map is on: Enter accepts the object on the map, Esc clears it.</source>
            <translation>Désigner sur la carte est activé : Entrée accepte l'objet sur la carte, Échap l'efface.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/interactive_tab.py" line="556" />
            <source>Kept {kept} of the {n} objects found: {dropped} lay outside the rotated map view (the search covered the view's bounding box) and were dropped.</source>
            <translation>{kept} des {n} objets trouvés conservés : {dropped} se trouvaient hors de la vue pivotée de la carte (la recherche a couvert son rectangle englobant) et ont été écartés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="74" />
            <source>The cloud mask cannot be read: {error}</source>
            <translation>Le masque de nuages ne peut pas être lu : {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="75" />
            <source>Clouds and shadows from {mask}</source>
            <translation>Nuages et ombres d'après {mask}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="80" />
            <source>The product's cloud mask delivered as a file of its own (e.g. ..._SCL_20m.jp2, ..._QA_PIXEL.TIF, ....Fmask.tif), read by nearest neighbour onto the raster's grid. Empty: a quality band of the raster itself, else the ukis-csmask cloud network.</source>
            <translation>Le masque de nuages du produit livré dans un fichier à part (p. ex. ..._SCL_20m.jp2, ..._QA_PIXEL.TIF, ....Fmask.tif), lu au plus proche voisin sur la grille du raster. Vide : une bande qualité du raster lui-même, sinon le réseau de nuages ukis-csmask.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="88" />
            <source>Detect automatically</source>
            <translation>Détection automatique</translation>
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
            <translation>RVB</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>RGB + NIR</source>
            <translation>RVB + PIR</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>SAR (VV/VH)</source>
            <translation>SAR (VV/VH)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>DSM / nDSM (heights)</source>
            <translation>MNS / MNSn (hauteurs)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="90" />
            <source>Generic N-band</source>
            <translation>Générique à N bandes</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="91" />
            <source>Multispectral VHR (WorldView 8-band order)</source>
            <translation>Multispectral THR (ordre WorldView à 8 bandes)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="91" />
            <source>MODIS (bands 1-7)</source>
            <translation>MODIS (bandes 1-7)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="92" />
            <source>5-band multispectral (B, G, R, red edge, NIR: RapidEye, MicaSense)</source>
            <translation>Multispectral 5 bandes (B, V, R, red edge, PIR : RapidEye, MicaSense)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="93" />
            <source>PlanetScope SuperDove (8 bands)</source>
            <translation>PlanetScope SuperDove (8 bandes)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="99" />
            <source>Automatic (best available)</source>
            <translation>Automatique (le meilleur disponible)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="99" />
            <source>Spectral indices</source>
            <translation>Indices spectraux</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="99" />
            <source>Network (bundled model)</source>
            <translation>Réseau (modèle fourni)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="118" />
            <source>The prompt filters objects by height ({range}), but neither the input nor a DSM gives heights. Choose a DSM under Extra layers (or a DSM as the input), or remove the height from the prompt.</source>
            <translation>L'invite filtre les objets par hauteur ({range}), mais ni l'entrée ni un MNS ne donnent de hauteurs. Choisissez un MNS sous Couches supplémentaires (ou un MNS comme entrée), ou retirez la hauteur de l'invite.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="123" />
            <source>Will extract a land-cover map: {concepts} (the classes these bands allow; values in the result's legend)</source>
            <translation>Extraira une carte d'occupation du sol : {concepts} (les classes que ces bandes permettent ; valeurs dans la légende du résultat)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="128" />
            <source>{label} = class {value}</source>
            <translation>{label} = classe {value}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="132" />
            <source>(by meaning, {score} sure)</source>
            <translation>(par le sens, sûr à {score})</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="134" />
            <source>Will extract: {concepts}</source>
            <translation>Sera extrait : {concepts}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="136" />
            <source>excluding: {concepts}</source>
            <translation>sauf : {concepts}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="138" />
            <source>objects of at least {area} m²</source>
            <translation>objets d'au moins {area} m²</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="140" />
            <source>objects of at most {area} m²</source>
            <translation>objets d'au plus {area} m²</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="142" />
            <source>height above ground {range} (needs a DSM)</source>
            <translation>hauteur au-dessus du sol {range} (nécessite un MNS)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="156" />
            <source>The class raster (.tif), with the polygons next to it as .gpkg; or a polygon file ({formats}), with the class raster next to it (name.tif for name.gpkg, name_classes.tif for the others).</source>
            <translation>Le raster de classes (.tif), avec les polygones à côté en .gpkg ; ou un fichier de polygones ({formats}), avec le raster de classes à côté (nom.tif pour nom.gpkg, nom_classes.tif pour les autres).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="164" />
            <source>Class raster (*.tif *.tiff)</source>
            <translation>Raster de classes (*.tif *.tiff)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="164" />
            <source>Polygons, the class raster next to them</source>
            <translation>Polygones, le raster de classes à côté</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="186" />
            <source>The SAR layer is the input itself. Choose a SAR raster (VV/VH) of the same place, or leave SAR empty.</source>
            <translation>La couche SAR est l'entrée elle-même. Choisissez un raster SAR (VV/VH) du même lieu, ou laissez SAR vide.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="187" />
            <source>The DSM layer is the input itself. Choose a DSM or nDSM of the same place, or leave DSM empty.</source>
            <translation>La couche MNS est l'entrée elle-même. Choisissez un MNS ou nMNS du même lieu, ou laissez MNS vide.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="266" />
            <source>Input</source>
            <translation>Entrée</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="273" />
            <source>The raster to segment (only raster layers are offered).</source>
            <translation>Le raster à segmenter (seules les couches raster sont proposées).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="279" />
            <source>How to read the bands; detected automatically, override it when the guess is wrong.</source>
            <translation>Comment lire les bandes ; détecté automatiquement, à corriger si la détection se trompe.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="280" />
            <source>Modality</source>
            <translation>Modalité</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="287" />
            <source>Extra layers (optional)</source>
            <translation>Autres couches (facultatif)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="290" />
            <source>A SAR raster (VV/VH) of the same place, fused with the input.</source>
            <translation>Un raster SAR (VV/VH) du même lieu, fusionné avec l'entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="291" />
            <source>SAR</source>
            <translation>SAR</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="292" />
            <source>Heights (DSM / nDSM) of the same place, fused with the input.</source>
            <translation>Hauteurs (MNS / MNSn) du même lieu, fusionnées avec l'entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="293" />
            <source>DSM</source>
            <translation>MNS</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="299" />
            <source>Cloud mask</source>
            <translation>Masque de nuages</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="310" />
            <source>What to extract</source>
            <translation>Quoi extraire</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="314" />
            <source>e.g. lakes and rivers, vegetation except grass larger than 1 ha</source>
            <translation>p. ex. lacs et rivières, végétation sauf herbe de plus de 1 ha</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="323" />
            <source>Options</source>
            <translation>Options</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="335" />
            <source>Where networks run; the explanation reports the device actually used.</source>
            <translation>Où tournent les réseaux ; l'explication indique le périphérique réellement utilisé.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="337" />
            <source>The part of the layer to process, snapped to its pixels: the whole layer, the current map view or a rectangle drawn with Draw. A part gets the classes a run over the whole layer gives there (thresholds are fitted on the whole layer).</source>
            <translation>La partie de la couche à traiter, calée sur ses pixels : toute la couche, la vue actuelle de la carte ou un rectangle tracé avec Dessiner. Une partie reçoit les classes qu'un calcul sur toute la couche y donne (les seuils sont ajustés sur toute la couche).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="342" />
            <source>Temporary layers</source>
            <translation>Couches temporaires</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="343" />
            <source>Write to a temporary folder; the layers last until QGIS closes unless you save them.</source>
            <translation>Écrire dans un dossier temporaire ; les couches durent jusqu'à la fermeture de QGIS, sauf si vous les enregistrez.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="345" />
            <source>File</source>
            <translation>Fichier</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="358" />
            <source>Class raster or polygon file to write (the other goes next to it)</source>
            <translation>Raster de classes ou fichier de polygones à écrire (l'autre va à côté)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="363" />
            <source>Output</source>
            <translation>Sortie</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="366" />
            <source>Building polygons squared along each building's main direction (right angles), as footprints are drawn; other concepts keep their traced outlines.</source>
            <translation>Polygones des bâtiments mis d'équerre selon la direction principale de chaque bâtiment (angles droits), comme on dessine les emprises ; les autres concepts gardent leurs contours tracés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="388" />
            <source>Result</source>
            <translation>Résultat</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="396" />
            <source>After a run: what was understood, which engine, bands and thresholds were used, and the area per class.</source>
            <translation>Après un calcul : ce qui a été compris, quels moteur, bandes et seuils ont servi, et la surface par classe.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="555" />
            <source>Choose a raster layer.</source>
            <translation>Choisissez une couche raster.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="565" />
            <source>{name} is not a file ({provider} layer): the view is rendered as it draws (red, green, blue) at the map's resolution when you run; the extent is the map view or a drawn rectangle.</source>
            <translation>{name} n'est pas un fichier (couche {provider}) : la vue est rendue telle qu'elle s'affiche (rouge, vert, bleu) à la résolution de la carte au lancement ; l'emprise est la vue de la carte ou un rectangle dessiné.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="596" />
            <source>Reading the bands of {name} (a large raster without overviews; building them, Raster › Miscellaneous › Build Overviews, makes this faster)…</source>
            <translation>Lecture des bandes de {name} (un grand raster sans aperçus ; les construire, Raster › Divers › Construire les aperçus (pyramides), accélère cette étape)…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="598" />
            <source>TerraPrompt: reading the bands of {name}</source>
            <translation>TerraPrompt : lecture des bandes de {name}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="616" />
            <source>Auto: {label}</source>
            <translation>Auto : {label}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="618" />
            <source>Bands: {bands}</source>
            <translation>Bandes : {bands}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="662" />
            <source>choose the DSM below, unless the input itself is a DSM</source>
            <translation>choisissez le MNS ci-dessous, sauf si l'entrée est elle-même un MNS</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="691" />
            <source>No output file is chosen. Pick a .tif file, or choose Temporary layers.</source>
            <translation>Aucun fichier de sortie n'est choisi. Choisissez un fichier .tif, ou Couches temporaires.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="714" />
            <source>The polygons were written into {file} as its layer '{layer}'; the file's other layers were kept.</source>
            <translation>Les polygones ont été écrits dans {file} comme sa couche « {layer} » ; les autres couches du fichier ont été conservées.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="729" />
            <source>The output {file} is the input raster; inputs are never overwritten. Choose another output file name.</source>
            <translation>La sortie {file} est le raster d'entrée ; les entrées ne sont jamais écrasées. Choisissez un autre nom de fichier de sortie.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="741" />
            <source>No raster layer is chosen. Add a raster to the project and pick it under Input.</source>
            <translation>Aucune couche raster n'est choisie. Ajoutez un raster au projet et choisissez-le sous Entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="802" />
            <source>TerraPrompt: {prompt}</source>
            <translation>TerraPrompt : {prompt}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="807" />
            <source>Land cover started: '{prompt}' on {layer}</source>
            <translation>Occupation du sol lancée : « {prompt} » sur {layer}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="814" />
            <source>Cancelling ...</source>
            <translation>Annulation ...</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="824" />
            <source>New project: the output file was emptied, so that a run here does not overwrite the previous project's results. Choose an output file, or Temporary layers.</source>
            <translation>Nouveau projet : le fichier de sortie a été vidé, pour qu'un calcul ici n'écrase pas les résultats du projet précédent. Choisissez un fichier de sortie, ou Couches temporaires.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="834" />
            <source>This project's output file is chosen again: {file}</source>
            <translation>Le fichier de sortie de ce projet est de nouveau choisi : {file}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="882" />
            <source>The project was replaced during the run: its files were written ({path}) but not added to the new project.</source>
            <translation>Le projet a été remplacé pendant le calcul : ses fichiers ont été écrits ({path}) mais pas ajoutés au nouveau projet.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/landcover_tab.py" line="894" />
            <source>Land cover done: {classes} ({area} classified).</source>
            <translation>Occupation du sol terminée : {classes} ({area} classés).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="115" />
            <source>The style of {file} could not be saved beside it ({error}): it opens with QGIS's default style outside this project. Check the free disk space.</source>
            <translation>Le style de {file} n'a pas pu être enregistré à côté ({error}) : il s'ouvre avec le style par défaut de QGIS hors de ce projet. Vérifiez l'espace disque libre.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="132" />
            <source>The style of {file} was not saved beside it: {qml} is the style QGIS reads for {other}, a file of the same name. Give the output another name to keep its classes and colours with the file.</source>
            <translation>Le style de {file} n'a pas été enregistré à côté de lui : {qml} est le style que QGIS lit pour {other}, un fichier du même nom. Donnez un autre nom à la sortie pour garder ses classes et ses couleurs avec le fichier.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="305" />
            <source>Background</source>
            <translation>Fond</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="204" />
            <source>no change</source>
            <translation>pas de changement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="205" />
            <source>change</source>
            <translation>changement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/layers.py" line="458" />
            <source>QGIS could not open the result raster {path}.</source>
            <translation>QGIS n'a pas pu ouvrir le raster résultat {path}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="282" />
            <source>another raster was chosen</source>
            <translation>un autre raster a été choisi</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="282" />
            <source>another model or device was chosen</source>
            <translation>un autre modèle ou appareil a été choisi</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="315" />
            <source>the raster layer changed (CRS or source)</source>
            <translation>la couche raster a changé (SCR ou source)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="316" />
            <source>The raster layer changed (CRS or source): its view will be encoded again on the next click.</source>
            <translation>La couche raster a changé (SCR ou source) : sa vue sera encodée à nouveau au prochain clic.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="329" />
            <source>Object {id} stays in {file}: Ctrl+Z takes an object back only until another raster or model is chosen (delete it in the objects layer instead).</source>
            <translation>L'objet {id} reste dans {file} : Ctrl+Z ne reprend un objet que tant qu'aucun autre raster ni modèle n'est choisi (supprimez-le plutôt dans la couche d'objets).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="336" />
            <source>The object under way on '{name}' was dropped: {reason}.</source>
            <translation>L'objet en cours sur « {name} » a été abandonné : {reason}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="352" />
            <source>Object {id}, taken back with Ctrl+Z, goes back into {file} as it was accepted once the layer '{name}' is saved or stops editing (it is edited in a transaction group): {reason}.</source>
            <translation>L'objet {id}, repris avec Ctrl+Z, retournera dans {file} tel qu'il avait été accepté dès que la couche « {name} » sera enregistrée ou que son édition sera arrêtée (elle est en cours d'édition dans un groupe de transactions) : {reason}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="357" />
            <source>Object {id}, taken back with Ctrl+Z, was put back into {file} as it was accepted: {reason}.</source>
            <translation>L'objet {id}, repris avec Ctrl+Z, a été remis dans {file} tel qu'il avait été accepté : {reason}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="366" />
            <source>Object {id}, taken back with Ctrl+Z, was put back into {file} as it was accepted.</source>
            <translation>L'objet {id}, repris avec Ctrl+Z, a été remis dans {file} tel qu'il avait été accepté.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="393" />
            <source>Encoding stopped.</source>
            <translation>Encodage arrêté.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="469" />
            <source>The prompt lies outside the raster '{name}'. Pan to the raster and prompt inside it; prompts are transformed to the raster's CRS, so check the layer's CRS too.</source>
            <translation>L'invite est hors du raster « {name} ». Déplacez la vue sur le raster et cliquez à l'intérieur ; les invites sont transformées dans le SCR du raster, vérifiez donc aussi le SCR de la couche.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="497" />
            <source>Prompt undone before it was decoded.</source>
            <translation>Invite annulée avant d'être décodée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="531" />
            <source>Object {id} was added to {file}, not to the objects file chosen now: choose {file} again to take it back with Ctrl+Z.</source>
            <translation>L'objet {id} a été ajouté à {file}, pas au fichier des objets choisi maintenant : choisissez de nouveau {file} pour le reprendre avec Ctrl+Z.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="547" />
            <source>Object {id} could not be removed from {file}.</source>
            <translation>L'objet {id} n'a pas pu être retiré de {file}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="564" />
            <source>Object {id} taken back from {file}: edit it and press Enter again.</source>
            <translation>Objet {id} repris de {file} : modifiez-le et appuyez de nouveau sur Entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="567" />
            <source>Object {id} was already deleted from {file} (in its layer): its prompts are back on the map, to edit and press Enter again.</source>
            <translation>L'objet {id} avait déjà été supprimé de {file} (dans sa couche) : ses invites sont de retour sur la carte, pour le modifier et appuyer de nouveau sur Entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="577" />
            <source>Object {id} was not taken back: the layer '{name}' is being edited in a transaction group. Save or stop editing '{name}' first, then press Ctrl+Z again.</source>
            <translation>L'objet {id} n'a pas été repris : la couche « {name} » est en cours d'édition dans un groupe de transactions. Enregistrez ou arrêtez l'édition de « {name} », puis appuyez de nouveau sur Ctrl+Z.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="583" />
            <source>Object {id} was not taken back: the layer '{name}' holds unsaved edits of it. Save or stop editing '{name}' first, then press Ctrl+Z again.</source>
            <translation>L'objet {id} n'a pas été repris : la couche « {name} » en contient des modifications non enregistrées. Enregistrez ou arrêtez l'édition de « {name} », puis appuyez de nouveau sur Ctrl+Z.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="626" />
            <source>Encoding the view…</source>
            <translation>Encodage de la vue…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="638" />
            <source>TerraPrompt: encoding the view</source>
            <translation>TerraPrompt : encodage de la vue</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="670" />
            <source>The map view cannot be placed in the raster's CRS (it shows space beside the globe). Zoom in on the raster, then click again.</source>
            <translation>La vue de la carte ne peut pas être placée dans le SCR du raster (elle montre l'espace à côté du globe). Zoomez sur le raster, puis cliquez à nouveau.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="737" />
            <source>Encoding the whole object…</source>
            <translation>Encodage de l'objet entier…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="748" />
            <source>TerraPrompt: encoding the object</source>
            <translation>TerraPrompt : encodage de l'objet</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="774" />
            <source>The objects layer '{name}' is being edited in a transaction group (Project Properties &gt; Data Sources): save or stop editing it first, then press Enter again.</source>
            <translation>La couche d'objets « {name} » est en cours d'édition dans un groupe de transactions (Propriétés du projet &gt; Sources de données) : enregistrez ou arrêtez son édition, puis appuyez à nouveau sur Entrée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="789" />
            <source>Not added: {reason}</source>
            <translation>Non ajouté : {reason}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="793" />
            <source>Objects accepted from the candidate list are not taken back with Ctrl+Z: remove them in the objects layer (Toggle Editing, select them, Delete Selected).</source>
            <translation>Les objets acceptés depuis la liste des candidats ne sont pas repris avec Ctrl+Z : supprimez-les dans la couche d'objets (Basculer en mode édition, sélectionnez-les, Supprimer la sélection).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="799" />
            <source>{n} object(s) lie on objects saved in {file} and were not added (untick No overlap to add them anyway).</source>
            <translation>{n} objet(s) posé(s) sur des objets enregistrés dans {file} n'ont pas été ajoutés (décochez Sans chevauchement pour les ajouter quand même).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="803" />
            <source>No overlap reads the saved file: save the edits of the layer '{name}' for it to follow them.</source>
            <translation>Sans chevauchement lit le fichier enregistré : enregistrez les modifications de la couche « {name} » pour qu'il en tienne compte.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="814" />
            <source>The box spans less than 2 raster pixels: it was taken as a click at its centre.</source>
            <translation>Le rectangle couvre moins de 2 pixels du raster : il a été pris comme un clic en son centre.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="834" />
            <source>No object under the prompts.</source>
            <translation>Aucun objet sous les consignes.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="836" />
            <source>No positive prompt: click inside the object or drag a box around it.</source>
            <translation>Aucune invite positive : cliquez dans l'objet ou tracez un rectangle autour.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="838" />
            <source>No prompts.</source>
            <translation>Aucune consigne.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="846" />
            <source>score {score} · {pos} positive, {neg} negative · {ms} ms</source>
            <translation>score {score} · {pos} positifs, {neg} négatifs · {ms} ms</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="859" />
            <source>The object is cut by the map view (only the part on the rendered view is outlined): zoom out so the whole object shows and click again.</source>
            <translation>L'objet est coupé par la vue de la carte (seule la partie visible est délimitée) : dézoomez pour que l'objet entier soit visible et cliquez à nouveau.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="872" />
            <source>Still encoding: press Enter again when the object is shown.</source>
            <translation>Encodage en cours : appuyez de nouveau sur Entrée quand l'objet est affiché.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="875" />
            <source>Nothing to accept: click inside an object first.</source>
            <translation>Rien à accepter : cliquez d'abord dans un objet.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="898" />
            <source>Object {id} added to {file}.</source>
            <translation>Objet {id} ajouté à {file}.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="1017" />
            <source>TerraPrompt was closed</source>
            <translation>TerraPrompt a été fermé</translation>
        </message>
        <message>
            <location filename="../plugin/gui/maptools.py" line="1020" />
            <source>Object {id}, taken back with Ctrl+Z, could not be put back into {file}: its layer is still edited in a transaction group. Open TerraPrompt again and digitise it anew.</source>
            <translation>L'objet {id}, repris avec Ctrl+Z, n'a pas pu être remis dans {file} : sa couche est encore en cours d'édition dans un groupe de transactions. Rouvrez TerraPrompt et numérisez-le de nouveau.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="26" />
            <source>Automatic (GPU when available)</source>
            <translation>Automatique (GPU si disponible)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="26" />
            <source>CPU</source>
            <translation>CPU</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="26" />
            <source>CUDA GPU</source>
            <translation>GPU CUDA</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="33" />
            <source>Requested device: {device}</source>
            <translation>Périphérique demandé : {device}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="35" />
            <source>onnxruntime (network engines): {report}</source>
            <translation>onnxruntime (moteurs à réseau) : {report}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="36" />
            <source>torch: {report}</source>
            <translation>torch : {report}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="37" />
            <source>Spectral engine: {report}</source>
            <translation>Moteur spectral : {report}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="53" />
            <source>Processing</source>
            <translation>Traitement</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="59" />
            <source>Where networks run by default. The explanation of each run says what was really used.</source>
            <translation>Où tournent les réseaux par défaut. L'explication de chaque calcul dit ce qui a réellement servi.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="60" />
            <source>Default device</source>
            <translation>Périphérique par défaut</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="64" />
            <source>Automatic</source>
            <translation>Automatique</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="65" />
            <source>CPU threads for engines; Automatic uses TERRAPROMPT_THREADS when set, else all cores.</source>
            <translation>Threads CPU des moteurs ; Automatique utilise TERRAPROMPT_THREADS s'il est défini, sinon tous les cœurs.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="66" />
            <source>CPU threads</source>
            <translation>Threads CPU</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="78" />
            <source> px</source>
            <translation> px</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="72" />
            <source>Tile edge in pixels; memory use grows with it, not with the raster size.</source>
            <translation>Côté des tuiles en pixels ; la mémoire utilisée croît avec lui, pas avec la taille du raster.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="73" />
            <source>Tile size</source>
            <translation>Taille des tuiles</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="79" />
            <source>Overlap between tiles, blended so no seams show: at least {min} px (with less, networks and texture rules change classes along tile borders), at most half the tile size.</source>
            <translation>Chevauchement entre tuiles, fondu pour qu'aucune couture ne se voie : au moins {min} px (en dessous, les réseaux et les règles de texture changent les classes le long des bords des tuiles), au plus la moitié de la taille des tuiles.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="82" />
            <source>Tile overlap</source>
            <translation>Recouvrement des tuiles</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="85" />
            <source>Devices</source>
            <translation>Périphériques</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="90" />
            <source>Checking the available devices ...</source>
            <translation>Vérification des périphériques disponibles ...</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="93" />
            <source>Check devices again</source>
            <translation>Revérifier les périphériques</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="148" />
            <source>Checking what the runtimes offer…</source>
            <translation>Vérification de ce que proposent les moteurs d’exécution…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="149" />
            <source>TerraPrompt: checking devices</source>
            <translation>TerraPrompt : vérification des processeurs</translation>
        </message>
        <message>
            <location filename="../plugin/gui/settings_tab.py" line="156" />
            <source>The device check failed: {error}</source>
            <translation>La vérification des périphériques a échoué : {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="102" />
            <source>Install dependencies</source>
            <translation>Installer les dépendances</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="80" />
            <source>From the internet (PyPI)</source>
            <translation>Depuis Internet (PyPI)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="81" />
            <source>Download the packages from PyPI; QGIS's proxy settings apply.</source>
            <translation>Télécharge les paquets depuis PyPI ; les réglages de proxy de QGIS s'appliquent.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="82" />
            <source>From an offline wheelhouse</source>
            <translation>Wheels hors ligne</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="83" />
            <source>A folder or .zip of wheel files, for a computer without internet.</source>
            <translation>Un dossier ou un .zip de fichiers wheel, pour un ordinateur sans Internet.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="87" />
            <source>Wheelhouse (*.zip)</source>
            <translation>Dépôt de wheels (*.zip)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="92" />
            <source>Folder…</source>
            <translation>Dossier…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="93" />
            <source>Choose a folder of wheel files instead of a .zip.</source>
            <translation>Choisir un dossier de fichiers wheel au lieu d'un .zip.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="100" />
            <source>CUDA build (NVIDIA GPU)</source>
            <translation>Version CUDA (GPU NVIDIA)</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="116" />
            <source>Delete old dependency folders</source>
            <translation>Supprimer les anciens dossiers de dépendances</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="118" />
            <source>Folders installed for the Python of an earlier QGIS version. Keep them if another QGIS version still uses this profile.</source>
            <translation>Dossiers installés pour le Python d'une version antérieure de QGIS. Gardez-les si une autre version de QGIS utilise encore ce profil.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="132" />
            <source>Diagnostics</source>
            <translation>Diagnostic</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="134" />
            <source>Copy report</source>
            <translation>Copier le rapport</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="161" />
            <source>Missing Python packages:</source>
            <translation>Paquets Python manquants :</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="164" />
            <source>All required Python packages are available.</source>
            <translation>Tous les paquets Python requis sont disponibles.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="167" />
            <source>{name} (optional) is not installed — needed for: {what}</source>
            <translation>{name} (facultatif) n'est pas installé — nécessaire pour : {what}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="171" />
            <source>A dependency folder for another Python version exists ({path}): QGIS was upgraded; install the dependencies again.</source>
            <translation>Un dossier de dépendances pour une autre version de Python existe ({path}) : QGIS a été mis à jour ; réinstallez les dépendances.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="173" />
            <source>A dependency folder for another Python version is no longer used ({path}).</source>
            <translation>Un dossier de dépendances pour une autre version de Python n'est plus utilisé ({path}).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="177" />
            <source>An NVIDIA driver was found.</source>
            <translation>Un pilote NVIDIA a été trouvé.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="177" />
            <source>No NVIDIA driver was found: the CPU build will be installed.</source>
            <translation>Aucun pilote NVIDIA trouvé : la version CPU sera installée.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="188" />
            <source>Old dependency folders deleted.</source>
            <translation>Anciens dossiers de dépendances supprimés.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="188" />
            <source>Could not delete: {paths}</source>
            <translation>Suppression impossible : {paths}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="201" />
            <source>Choose the wheelhouse first: the .zip or folder made by 'make wheelhouse' (or choose 'From the internet (PyPI)').</source>
            <translation>Choisissez d'abord le wheelhouse : le .zip ou le dossier créé par « make wheelhouse » (ou choisissez « Depuis Internet (PyPI) »).</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="211" />
            <source>Nothing to install: every required package is available.</source>
            <translation>Rien à installer : tous les paquets requis sont disponibles.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="225" />
            <source>TerraPrompt: installing dependencies</source>
            <translation>TerraPrompt : installation des dépendances</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="233" />
            <source>Wheelhouse folder</source>
            <translation>Dossier du wheelhouse</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="250" />
            <source>Installation failed: {error}</source>
            <translation>L'installation a échoué : {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="256" />
            <source>Dependencies installed.</source>
            <translation>Dépendances installées.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="256" />
            <source>Installed, but still missing: {names}. Restart QGIS.</source>
            <translation>Installé, mais il manque encore : {names}. Redémarrez QGIS.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="273" />
            <source>Checking the environment…</source>
            <translation>Vérification de l’environnement…</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="274" />
            <source>TerraPrompt: diagnostics</source>
            <translation>TerraPrompt : diagnostic</translation>
        </message>
        <message>
            <location filename="../plugin/gui/setup_tab.py" line="282" />
            <source>The diagnostics failed: {error}</source>
            <translation>Le diagnostic a échoué : {error}</translation>
        </message>
        <message>
            <location filename="../plugin/gui/snapshot.py" line="57" />
            <source>The file of layer '{name}' no longer exists ({path}). Restore it, point the layer at its new place (Layer Properties &gt; Source), or remove the layer.</source>
            <translation>Le fichier de la couche « {name} » n'existe plus ({path}). Restaurez-le, indiquez à la couche son nouvel emplacement (Propriétés de la couche &gt; Source), ou retirez la couche.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/snapshot.py" line="125" />
            <source>The map shows nothing of '{name}' yet. Zoom to the layer, then run again.</source>
            <translation>La carte ne montre encore rien de « {name} ». Zoomez sur la couche, puis relancez.</translation>
        </message>
        <message>
            <location filename="../plugin/gui/tasks.py" line="111" />
            <source>Unexpected error: {name}: {text}. Details are in the TerraPrompt log.</source>
            <translation>Erreur inattendue : {name} : {text}. Les détails sont dans le journal TerraPrompt.</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="46" />
            <source>Show or hide the TerraPrompt panel</source>
            <translation>Afficher ou masquer le panneau TerraPrompt</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="129" />
            <source>&amp;TerraPrompt</source>
            <translation>&amp;TerraPrompt</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="62" />
            <source>missing {names}: some engines are unavailable.</source>
            <translation>paquets manquants : {names} ; certains moteurs ne sont pas disponibles.</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="64" />
            <source>QGIS's Python changed since the dependencies were installed: install them again.</source>
            <translation>Le Python de QGIS a changé depuis l'installation des dépendances : réinstallez-les.</translation>
        </message>
        <message>
            <location filename="../plugin/plugin.py" line="69" />
            <source>Open Setup</source>
            <translation>Ouvrir Installation</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="71" />
            <source>The polygons of '{name}' could not be read ({reason}). Check the layer, or save it as a GeoPackage and choose that.</source>
            <translation>Les polygones de « {name} » n'ont pas pu être lus ({reason}). Vérifiez la couche, ou enregistrez-la en GeoPackage et choisissez celui-ci.</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="125" />
            <source>The feature {fid} of '{name}' cannot be converted to a polygon ({reason}). Fix its geometry (Vector &gt; Geometry Tools &gt; Fix Geometries) or leave it out.</source>
            <translation>L'entité {fid} de « {name} » ne peut pas être convertie en polygone ({reason}). Réparez sa géométrie (Vecteur &gt; Outils de géométrie &gt; Réparer les géométries) ou laissez-la de côté.</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="223" />
            <source>The extent crosses the antimeridian (180°) and '{name}' lies on both sides of it, so the extent is not one rectangle of the raster. Choose an extent on one side of 180°, or Whole layer.</source>
            <translation>L'emprise traverse l'antiméridien (180°) et '{name}' s'étend des deux côtés : l'emprise n'est pas un seul rectangle du raster. Choisissez une emprise d'un seul côté de 180°, ou Couche entière.</translation>
        </message>
        <message>
            <location filename="../plugin/qgis_layers.py" line="247" />
            <source>The extent cannot be placed in the CRS of '{layer}' ({reason}). Give the extent in the raster's CRS.</source>
            <translation>L'emprise ne peut pas être placée dans le SCR de '{layer}' ({reason}). Indiquez l'emprise dans le SCR du raster.</translation>
        </message>
    </context>
</TS>
