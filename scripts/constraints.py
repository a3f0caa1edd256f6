"""Print pip constraints pinning the Debian-provided compiled packages (run with /usr/bin/python3)."""
import importlib.metadata as m

for d in ["numpy", "GDAL", "rasterio", "Shapely", "Fiona", "pyproj", "scipy", "scikit-image", "PyQt5", "PyQt5-sip"]:
    try:
        print(f"{d}=={m.version(d)}")
    except m.PackageNotFoundError:
        pass
