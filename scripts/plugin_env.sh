#!/usr/bin/env bash
# Source me: a hidden plugins folder with a 'terraprompt' link to the repo, a private QGIS profile,
# headless Qt, and the venv first on PATH (qgis_process's embedded Python follows PATH).
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$ROOT/.qgis/plugins" "$ROOT/.qgis/config/profiles/default/QGIS" "$ROOT/.qgis/runtime"
chmod 700 "$ROOT/.qgis/runtime"
ln -sfn "$ROOT" "$ROOT/.qgis/plugins/terraprompt"
ini="$ROOT/.qgis/config/profiles/default/QGIS/QGIS3.ini"
grep -q "terraprompt=true" "$ini" 2>/dev/null || printf '[PythonPlugins]\nterraprompt=true\n' >> "$ini"
export QGIS_PLUGINPATH="$ROOT/.qgis/plugins" QGIS_CUSTOM_CONFIG_PATH="$ROOT/.qgis/config"
export XDG_RUNTIME_DIR="$ROOT/.qgis/runtime" PATH="$ROOT/.venv/bin:$PATH" GDAL_CACHEMAX=256
export PROJ_DATA="${PROJ_DATA:-/usr/share/proj}"
