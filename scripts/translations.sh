#!/usr/bin/env bash
# `make translations`: extract every tr("...") of plugin/**/*.py with pylupdate5, merge into
# i18n/terraprompt_{fr,de}.ts (existing translations kept, context "TerraPrompt" as plugin.i18n.tr uses),
# then compile the .qm files with lrelease. Commit both the .ts and the .qm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PY:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || PY=python3
LANGS="${LANGS:-fr de}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mapfile -t files < <(find plugin -name '*.py' -not -path '*/__pycache__/*' | sort)
# pylupdate5 puts bare tr("...") calls in the "@default" context; merge_ts.py renames it
pylupdate5 -noobsolete "${files[@]}" -ts "$tmp/extracted.ts" 2>&1 | grep -v DeprecationWarning | grep -v "encoding = locale" || true
for lang in $LANGS; do
  "$PY" scripts/merge_ts.py "$tmp/extracted.ts" "i18n/terraprompt_${lang}.ts" "$lang"
  lrelease -silent "i18n/terraprompt_${lang}.ts" -qm "i18n/terraprompt_${lang}.qm"
done
