"""Print a short summary of a `qgis_process run --json` result (used by `make run`)."""
import json
import sys

doc = json.load(open(sys.argv[1]))
res = doc.get("results", {})
print(res.get("EXPLANATION", "(no explanation)"))
print(f"Raster:  {res.get('OUTPUT_RASTER')}")
print(f"Vector:  {res.get('OUTPUT_VECTOR')}")
