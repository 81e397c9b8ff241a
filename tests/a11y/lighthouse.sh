#!/usr/bin/env bash
# Lighthouse (mobile, its defaults: a Moto G Power screen, slow 4G and a 4x slower CPU,
# simulated) on pages of the shipped site, in Debian's Chromium. Fails if any category
# scores below MIN (default 95). Prints one line per page:
#   lighthouse <path>: performance 100, accessibility 100, best-practices 100, seo 100
#
#   bash tests/a11y/lighthouse.sh                     # a symptom page
#   bash tests/a11y/lighthouse.sh / /symptoms/ /search/?q=结算
#
# Needs: npm ci --prefix tests/a11y, chromium, python3. The site is built with the release
# binary and served by python's http.server on loopback (no reload script, no CSP header:
# Lighthouse sees what a static host would send, minus headers).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
min="${MIN:-95}"
lighthouse="$here/node_modules/.bin/lighthouse"
[ -x "$lighthouse" ] || { echo "run: npm ci --prefix tests/a11y" >&2; exit 2; }
export CHROME_PATH="${CHROME_PATH:-$(command -v chromium || echo /usr/bin/chromium)}"

work="$(mktemp -d)"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cargo build --release --locked --quiet --manifest-path "$root/Cargo.toml"
"$root/target/release/kbgen" build --quiet --root "$root" --output "$work/site" --base-url http://127.0.0.1/
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/site" >/dev/null 2>&1 &
server=$!
for _ in $(seq 50); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
    sleep 0.1
done

pages=("$@")
if [ ${#pages[@]} -eq 0 ]; then
    first=$(find "$root/content/symptoms" -name '*.md' | sort | head -1)
    pages=("/symptoms/$(basename "$first" .md)/")
fi

status=0
for page in "${pages[@]}"; do
    report="$work/report.json"
    "$lighthouse" "http://127.0.0.1:$port$page" --quiet --output=json --output-path="$report" \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage" \
        >/dev/null
    python3 - "$report" "$page" "$min" <<'PY' || status=1
import json, sys
report, page, minimum = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = json.load(open(report))
scores = {k: round(v["score"] * 100) for k, v in data["categories"].items()}
print(f"lighthouse {page}: " + ", ".join(f"{k} {v}" for k, v in scores.items()))
low = {k: v for k, v in scores.items() if v < minimum}
show = {k for k, v in scores.items() if v < 100}
for key, cat in data["categories"].items():
    if key in show:
        for ref in cat["auditRefs"]:
            audit = data["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                print(f"  {key}: {audit['id']}: {audit['title']} ({audit.get('displayValue', '')})")
sys.exit(1 if low else 0)
PY
done
exit $status
