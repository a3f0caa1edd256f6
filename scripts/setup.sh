#!/usr/bin/env bash
# Install everything TerraPrompt needs on Debian 12: apt packages, then a venv with pinned pip packages.
# Idempotent: each step is skipped when already done. Works as root or through sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
APT_PKGS="qgis python3-qgis qgis-providers xvfb xauth python3-venv python3-numpy python3-gdal python3-rasterio
python3-shapely python3-fiona python3-scipy python3-skimage python3-pytest python3-mock python3-pil python3-matplotlib
imagemagick x11-apps qttools5-dev-tools pyqt5-dev-tools zip"
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
missing=""
for p in $APT_PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "setup: installing apt packages:$missing"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
else
  echo "setup: apt packages present"
fi
# Pin Debian's compiled packages so pip can never shadow them (numpy 2 over a numpy-1 GDAL breaks everything).
/usr/bin/python3 scripts/constraints.py > constraints.txt
if [ ! -x .venv/bin/python ]; then
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
stamp=".venv/.requirements-$(sha256sum requirements.txt constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "setup: installing pip requirements"
  # (the filter only hides pip's notes about unusable local index folders; pipefail keeps pip's exit status)
  .venv/bin/pip install -q -c constraints.txt -r requirements.txt 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
  rm -f .venv/.requirements-*
  touch "$stamp"
else
  echo "setup: pip requirements present"
fi
.venv/bin/python -c "import qgis.core, rasterio, onnxruntime, torch; from osgeo import gdal_array; print('setup: ok (torch', torch.__version__, ', onnxruntime', onnxruntime.__version__, ')')"
