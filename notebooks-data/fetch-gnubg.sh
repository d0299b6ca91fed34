#!/usr/bin/env bash
# fetch-gnubg.sh -- GNU Backgammon's neural nets as .npy files, one per tensor.
# Source: usr/lib/gnubg/gnubg.wd in Debian's gnubg 1.07.001-1+b1 (amd64), GPL-3+: fetched
# with `apt-get download`, never committed.  Output: cache/weights/gnubg/NET.PART.npy (24
# tensors), cache/weights/gnubg/nets.json and the file itself; layout and names in doc/data.md.
# Exit status: 0 in place, 75 the Debian archive did not answer (notice), 1 error.
# shellcheck source=notebooks-data/lib.sh
source "$(dirname "$0")/lib.sh"

source_key=gnubg
version=1.07.001-1+b1
wd_sha=a022fd85ccab6a06782d2354a5fd20296323377700d7fd70435250cc88005573
out=weights/gnubg
nets=(contact race crashed pruning_contact pruning_crashed pruning_race)
parts=(hidden_weight output_weight hidden_bias output_bias)
files=("$out/gnubg.wd" "$out/nets.json")
for n in "${nets[@]}"; do for p in "${parts[@]}"; do files+=("$out/$n.$p.npy"); done; done

if cached "${files[@]}"; then
  mark_ok "$source_key"
  note "gnubg nets cached (${#files[@]} files)"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || offline "$source_key" "apt-get not found (needs Debian's archive)"
work=$(mktemp -d "${TMPDIR:-/tmp}/fmtlab-gnubg.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt-get download runs as the calling user; cd so the .deb lands in the work directory.
if ! (cd "$work" && timeout "${FMTLAB_FETCH_TIMEOUT:-120}" \
        apt-get download -q "gnubg:amd64=$version" > "$work/apt.out" 2>&1); then
  grep -q "Unable to locate\|Version .* was not found" "$work/apt.out" \
    && offline "$source_key" "gnubg=$version is not in the apt lists (as root: apt-get update)"
  offline "$source_key" "Debian archive did not answer for gnubg=$version ($(grep -m1 '^E:' "$work/apt.out" || tail -n1 "$work/apt.out"))"
fi
deb=$(find "$work" -maxdepth 1 -name "gnubg_*.deb" | head -n1)
[ -n "$deb" ] || offline "$source_key" "apt-get download gave no gnubg .deb"
dpkg-deb -x "$deb" "$work/x" || die "$deb: dpkg-deb -x failed"
wd=$work/x/usr/lib/gnubg/gnubg.wd
[ -f "$wd" ] || die "$deb has no usr/lib/gnubg/gnubg.wd"
check_sha "$wd" "$wd_sha"

# Convert into a fresh directory, then move it into place: no half-converted set.
mkdir -p "$cache/weights"
stage=$(mktemp -d "$cache/weights/.gnubg.XXXXXX")
"$PY" "$data_dir/gnubg_to_npy.py" "$wd" "$stage" || { rm -rf "$stage"; die "gnubg.wd: conversion failed"; }
cp "$wd" "$stage/gnubg.wd"   # kept for the tests' independent check of the layout
rm -rf "${cache:?}/$out"
mv "$stage" "$cache/$out"

how="apt-get download gnubg=$version (amd64); dpkg-deb -x; usr/lib/gnubg/gnubg.wd sha256 $wd_sha; gnubg_to_npy.py"
for f in "${files[@]}"; do
  manifest_put "$f" "Debian gnubg $version" "GPL-3+" "$how"
done
mark_ok "$source_key"
note "gnubg nets: ${#files[@]} files under $cache/$out"
