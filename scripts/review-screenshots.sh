#!/usr/bin/env bash
# Takes the screenshots of the example's HTML review that README.md shows
# (docs/review.png, docs/review-dark.png) with headless Chromium, and
# shrinks them to 64-colour PNGs with ImageMagick when it is installed.
# Run from anywhere after `cargo build -p funnel-cli`:
#   scripts/review-screenshots.sh [path/to/funnel]
set -euo pipefail
cd "$(dirname "$0")/.."
funnel=${1:-${CARGO_TARGET_DIR:-target}/debug/funnel}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$funnel" review -f examples/freelancer.funnel --as-of 2026-11-26 -o "$work/review.html"
shot() { # OUT SCHEME(light|dark)
    local scheme=1
    [ "$2" = dark ] && scheme=0
    rm -rf "$work/profile"
    chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
        --user-data-dir="$work/profile" --blink-settings=preferredColorScheme=$scheme \
        --window-size=1000,1750 --screenshot="$work/shot.png" "file://$work/review.html" >/dev/null 2>&1
    if convert -version 2>/dev/null | grep -q ImageMagick; then
        convert "$work/shot.png" -colors 64 "PNG8:$1"
    else
        cp "$work/shot.png" "$1"
    fi
    echo "$1: $(wc -c <"$1") bytes"
}
shot docs/review.png light
shot docs/review-dark.png dark
