#!/usr/bin/env bash
# Builds snapferry_<version>_amd64.deb: release binaries with the Swift runtime linked statically
# (no Swift toolchain on the target host), the systemd unit, the fleet file as a conffile, alert
# rules and dashboard. Packaging sources: packaging/debian/. Output: dist/ (git-ignored).
#
#   bash scripts/package-deb.sh                      # build, then package as <number>-1
#   bash scripts/package-deb.sh --version 0.1.0-2    # another package version
#   bash scripts/package-deb.sh --no-build ...       # package the binaries already built
#
# The release number comes from Sources/SnapferryCore/SnapferryVersion.swift (the only place it
# is written); the git commit is stamped into the packaged copies of the binaries, not the build.
# Needs: swift, dpkg-dev (dpkg-shlibdeps), binutils (strip), python3, gzip, git (for the commit).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SCRATCH="$ROOT/.build-static"
OUT="$ROOT/dist"
BUILD=1
VERSION=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) VERSION="$2"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --out) OUT="$2"; shift 2 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "package-deb: unknown argument $1" >&2; exit 2 ;;
  esac
done

NUMBER="$(sed -n 's/^ *public static let number = "\([^"]*\)".*/\1/p' "$ROOT/Sources/SnapferryCore/SnapferryVersion.swift")"
[ -n "$NUMBER" ] || { echo "package-deb: no version number in SnapferryVersion.swift" >&2; exit 1; }
VERSION="${VERSION:-$NUMBER-1}"
ARCH="$(dpkg --print-architecture)"
[ "$ARCH" = amd64 ] || echo "package-deb: building on $ARCH; the package is $ARCH" >&2

# The commit, e.g. 3334b9e, or 3334b9e-dirty when tracked files differ from it. --no-optional-locks:
# never touch the index another process in this checkout may be using.
COMMIT=""
if git -C "$ROOT" rev-parse --git-dir >/dev/null 2>&1; then
  COMMIT="$(git -C "$ROOT" rev-parse --short=7 HEAD)"
  git --no-optional-locks -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || COMMIT="$COMMIT-dirty"
fi

SWIFT_FLAGS=(-c release --static-swift-stdlib --scratch-path "$SCRATCH")
if [ "$BUILD" = 1 ]; then
  started=$(date +%s)
  for product in snapferry snapferry-sim; do
    echo "package-deb: swift build ${SWIFT_FLAGS[*]} --product $product"
    (cd "$ROOT" && swift build "${SWIFT_FLAGS[@]}" --product "$product")
  done
  echo "package-deb: build took $(( $(date +%s) - started )) s"
fi
BIN="$(cd "$ROOT" && swift build "${SWIFT_FLAGS[@]}" --show-bin-path)"
for product in snapferry snapferry-sim; do
  [ -x "$BIN/$product" ] || { echo "package-deb: $BIN/$product is missing (run without --no-build)" >&2; exit 1; }
done

STAGE="$SCRATCH/deb/snapferry_${VERSION}_$ARCH"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/usr/bin" "$STAGE/lib/systemd/system" "$STAGE/etc/snapferry" \
  "$STAGE/usr/share/snapferry/prometheus" "$STAGE/usr/share/snapferry/grafana" "$STAGE/usr/share/doc/snapferry"

# Binaries: stamp the commit into the copies (a fixed-width slot, see SnapferryVersion.commit), strip.
for product in snapferry snapferry-sim; do
  install -m 0755 "$BIN/$product" "$STAGE/usr/bin/$product"
  if [ -n "$COMMIT" ]; then
    python3 - "$STAGE/usr/bin/$product" "$COMMIT" <<'PY'
import sys
path, commit = sys.argv[1], sys.argv[2].encode()
prefix, width = b"snapferry-git-commit:", 40
blank = prefix + b" " * width
data = open(path, "rb").read()
count = data.count(blank)
if count == 0 or len(commit) > width:
    sys.exit(f"package-deb: no blank commit slot in {path} (found {count})")
open(path, "wb").write(data.replace(blank, prefix + commit.ljust(width)))
PY
  fi
  strip --remove-section=.comment --remove-section=.note "$STAGE/usr/bin/$product"
  line="$("$STAGE/usr/bin/$product" --version)"
  echo "package-deb: $product --version: $line"
  case "$line" in
    "$product $NUMBER (git ${COMMIT:-?})"|"$product $NUMBER (commit unknown)") ;;
    *) echo "package-deb: $product --version says '$line', expected $NUMBER and commit ${COMMIT:-unknown}" >&2; exit 1 ;;
  esac
done

install -m 0644 "$ROOT/systemd/snapferry.service" "$STAGE/lib/systemd/system/snapferry.service"
install -m 0644 "$ROOT/config/fleet.example.yaml" "$STAGE/etc/snapferry/fleet.yaml"
install -m 0644 "$ROOT/config/prometheus/snapferry.rules.yml" "$ROOT/config/prometheus/snapferry.rules.test.yml" \
  "$ROOT/config/prometheus/prometheus.example.yml" "$STAGE/usr/share/snapferry/prometheus/"
install -m 0644 "$ROOT/config/grafana/snapferry.json" "$STAGE/usr/share/snapferry/grafana/"
install -m 0644 "$ROOT/packaging/debian/copyright" "$STAGE/usr/share/doc/snapferry/copyright"
mkdir -p "$STAGE/usr/share/lintian/overrides"
install -m 0644 "$ROOT/packaging/debian/lintian-overrides" "$STAGE/usr/share/lintian/overrides/snapferry"
# The changelog's date is the commit's (reproducible), or now outside a checkout.
when="$(git -C "$ROOT" log -1 --format=%cD 2>/dev/null || date -R)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@DATE@/$when/" "$ROOT/packaging/debian/changelog" \
  | gzip -9n > "$STAGE/usr/share/doc/snapferry/changelog.Debian.gz"
chmod 0644 "$STAGE/usr/share/doc/snapferry/changelog.Debian.gz"

for script in postinst prerm postrm; do
  install -m 0755 "$ROOT/packaging/debian/$script" "$STAGE/DEBIAN/$script"
done
install -m 0644 "$ROOT/packaging/debian/conffiles" "$STAGE/DEBIAN/conffiles"

# Depends: what the binaries really load, by dpkg-shlibdeps (shlibs/symbols files of the
# installed library packages give package names and minimum versions), plus init-system-helpers
# for deb-systemd-helper in the maintainer scripts and procps for the unit's ExecReload=/bin/kill.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/debian"
printf 'Source: snapferry\n\nPackage: snapferry\nArchitecture: any\n' > "$work/debian/control"
shlibs="$(cd "$work" && dpkg-shlibdeps -O "$STAGE/usr/bin/snapferry" "$STAGE/usr/bin/snapferry-sim" 2>"$work/shlibdeps.err")" \
  || { cat "$work/shlibdeps.err" >&2; exit 1; }
grep -v "^dpkg-shlibdeps: warning: binaries to analyze should already be stripped" "$work/shlibdeps.err" >&2 || true
DEPENDS="${shlibs#shlibs:Depends=}, init-system-helpers (>= 1.54~), procps"

installed_kb="$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)"
sed -e "s/@VERSION@/$VERSION/" -e "s/@INSTALLED_SIZE@/$installed_kb/" -e "s/@DEPENDS@/$DEPENDS/" \
  "$ROOT/packaging/debian/control.in" > "$STAGE/DEBIAN/control"
(cd "$STAGE" && find . -path ./DEBIAN -prune -o -type f ! -path './etc/*' -printf '%P\0' | sort -z \
  | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$STAGE/DEBIAN/md5sums" "$STAGE/DEBIAN/control"

mkdir -p "$OUT"
DEB="$OUT/snapferry_${VERSION}_$ARCH.deb"
dpkg-deb --build --root-owner-group -Zxz "$STAGE" "$DEB" >/dev/null
echo "package-deb: Depends: $DEPENDS"
size() { stat -c %s "$1" | awk -v f="$2" '{ printf "package-deb: %-34s %6.1f MB (%d bytes)\n", f, $1/1e6, $1 }'; }
size "$BIN/snapferry" "snapferry (built, unstripped)"
size "$STAGE/usr/bin/snapferry" "/usr/bin/snapferry (stripped)"
size "$STAGE/usr/bin/snapferry-sim" "/usr/bin/snapferry-sim (stripped)"
echo "package-deb: installed size ${installed_kb} KiB"
size "$DEB" "$(basename "$DEB")"
echo "$DEB"
