#!/usr/bin/env bash
# Tests the Debian package on a clean Debian 12 root, with no Swift toolchain in it:
#   install with `apt-get install ./snapferry_…deb` (dependencies resolved from the Debian mirror
#   this machine uses), `snapferry --version`, `snapferry validate` of the shipped fleet file,
#   unit enabled and verified (`systemd-analyze verify`), an edited conffile kept across an
#   upgrade to a higher version, and nothing left after `apt-get purge`; plus lintian.
#
#   sudo bash scripts/test-package.sh                 # builds the package (scripts/package-deb.sh)
#   sudo bash scripts/test-package.sh dist/snapferry_0.1.0-1_amd64.deb
#
# Needs root (chroot, mount), network to the Debian mirror, debootstrap and lintian
# (apt-get install debootstrap lintian). The upgrade package is made by
# `scripts/package-deb.sh --no-build`, so the binaries must have been built in .build-static.
# The debootstrap root is cached in $SNAPFERRY_DEBOOTSTRAP_CACHE (default
# /var/cache/snapferry-debootstrap/bookworm.tar) and unpacked afresh for each run.
# KEEP_ROOT=1 keeps the test root. Not part of scripts/test.sh: it takes minutes.
set -euo pipefail
REPO="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${SNAPFERRY_DEBOOTSTRAP_CACHE:-/var/cache/snapferry-debootstrap/bookworm.tar}"
started=$(date +%s)
say() { printf '\n=== %s (%ds)\n' "$*" $(( $(date +%s) - started )); }
fail() { echo "test-package: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "run as root (chroot and mount need it)"
for tool in debootstrap lintian dpkg-deb; do
  command -v "$tool" >/dev/null || fail "$tool is missing: apt-get install -y debootstrap lintian"
done

# 1. The package.
if [ $# -ge 1 ]; then
  DEB="$(realpath "$1")"
else
  say "building the package"
  DEB="$(bash "$REPO/scripts/package-deb.sh" | tee /dev/stderr | tail -n 1)"
fi
[ -f "$DEB" ] || fail "no package at $DEB"
VERSION="$(dpkg-deb -f "$DEB" Version)"
UPGRADE_VERSION="$VERSION+test2"
dpkg --compare-versions "$UPGRADE_VERSION" gt "$VERSION" || fail "$UPGRADE_VERSION is not higher than $VERSION"

# 2. lintian: errors fail the test; warnings are printed (README lists why each is accepted).
say "lintian $(basename "$DEB")"
lintian_out="$(lintian --tag-display-limit 0 --show-overrides "$DEB" 2>&1 || true)"
echo "${lintian_out:-(no tags)}"
if grep -q '^E:' <<<"$lintian_out"; then fail "lintian reports errors"; fi

# 3. A clean Debian 12 root from the mirror this machine's apt uses, debootstrapped once and cached.
MIRROR="$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
if [ ! -f "$CACHE" ]; then
  say "debootstrap --variant=minbase bookworm from $MIRROR (cached in $CACHE)"
  mkdir -p "$(dirname "$CACHE")"
  tmp="$(mktemp -d "$(dirname "$CACHE")/bootstrap.XXXXXX")"
  debootstrap --variant=minbase bookworm "$tmp" "$MIRROR" >"$tmp.log" 2>&1 || { tail -20 "$tmp.log" >&2; fail "debootstrap"; }
  tar -C "$tmp" -cf "$CACHE.tmp" . && mv "$CACHE.tmp" "$CACHE"
  rm -rf "$tmp" "$tmp.log"
fi
CHROOT="$(mktemp -d /var/tmp/snapferry-testroot.XXXXXX)"
cleanup() {
  umount "$CHROOT/proc" 2>/dev/null || true
  if [ "${KEEP_ROOT:-0}" = 1 ]; then echo "test-package: root kept in $CHROOT"; else rm -rf "$CHROOT"; fi
}
trap cleanup EXIT
say "unpacking the cached root into $CHROOT"
tar -C "$CHROOT" -xf "$CACHE"
mount -t proc proc "$CHROOT/proc"
cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
# The same package source as this machine (bookworm, -updates, -security).
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$CHROOT/etc/apt/sources.list.d/debian.sources"
  rm -f "$CHROOT/etc/apt/sources.list"
fi
# Nothing may start a service inside the root.
printf '#!/bin/sh\nexit 101\n' > "$CHROOT/usr/sbin/policy-rc.d"
chmod 0755 "$CHROOT/usr/sbin/policy-rc.d"
in_root() { chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
root_kb_before="$(du -sk "$CHROOT" --exclude=proc | cut -f1)"

say "no Swift toolchain or runtime in the root"
found="$(in_root sh -c 'command -v swift swiftc swift-frontend; ls -d /usr/lib/swift /usr/share/swift; find / -xdev -name "libswift*"' 2>/dev/null || true)"
[ -z "$found" ] || fail "found Swift in the clean root: $found"
echo "none: no swift, swiftc, /usr/lib/swift or libswift*"

# 4. Install with apt, which must resolve every dependency from the mirror.
say "apt-get install ./$(basename "$DEB")"
cp "$DEB" "$CHROOT/tmp/"
in_root apt-get update -qq
in_root sh -c "cd /tmp && apt-get install -y ./$(basename "$DEB")"
in_root dpkg -s snapferry | grep -E '^(Status|Version|Depends|Installed-Size):'

say "snapferry --version, snapferry-sim --version, validate"
in_root snapferry --version
in_root snapferry-sim --version
in_root snapferry validate --config /etc/snapferry/fleet.yaml
echo "ldd /usr/bin/snapferry (no libswift*):"
in_root ldd /usr/bin/snapferry | sed 's/^/  /'
in_root ldd /usr/bin/snapferry | grep -q swift && fail "snapferry loads a Swift library"
[ -z "$(in_root sh -c 'command -v swift swiftc; find / -xdev -name "libswift*"' 2>/dev/null || true)" ] \
  || fail "Swift came with the package"

say "unit enabled, not started"
ls -l "$CHROOT/etc/systemd/system/multi-user.target.wants/snapferry.service" || fail "snapferry.service is not enabled"
ls -l "$CHROOT/lib/systemd/system/snapferry.service"
echo "conffiles: $(in_root dpkg-query -W -f='${Conffiles}' snapferry | tr -s ' \n' ' ')"

# The clean root has no systemd (minbase); add it only now, after the dependency check, for
# systemd-analyze (no recommends; policy-rc.d keeps everything stopped).
say "systemd-analyze verify /lib/systemd/system/snapferry.service (inside the root)"
in_root apt-get install -y -qq --no-install-recommends systemd >/dev/null
verify_out="$(in_root env SYSTEMD_COLORS=0 SYSTEMD_PAGER= systemd-analyze --no-pager verify \
  /lib/systemd/system/snapferry.service 2>&1)" && rc=0 || rc=$?
echo "rc=$rc ${verify_out:-(no output)}"
{ [ "$rc" -eq 0 ] && [ -z "$verify_out" ]; } || fail "systemd-analyze verify complains"
echo "systemctl is-enabled: $(in_root systemctl is-enabled snapferry.service 2>&1 || true)"

# 5. Edit the conffile, upgrade to a higher version, the edit stays.
say "edit /etc/snapferry/fleet.yaml, upgrade to $UPGRADE_VERSION"
sed -i 's/^fleet: acme$/fleet: acme-edited   # edited by test-package.sh/' "$CHROOT/etc/snapferry/fleet.yaml"
grep -q '^fleet: acme-edited' "$CHROOT/etc/snapferry/fleet.yaml" || fail "could not edit the fleet file (no 'fleet: acme' line)"
bash "$REPO/scripts/package-deb.sh" --no-build --version "$UPGRADE_VERSION" --out "$CHROOT/tmp" | tail -n 3
in_root sh -c "cd /tmp && apt-get install -y ./snapferry_${UPGRADE_VERSION}_amd64.deb"
in_root dpkg-query -W -f='installed: ${Package} ${Version}\n' snapferry
[ "$(in_root dpkg-query -W -f='${Version}' snapferry)" = "$UPGRADE_VERSION" ] || fail "the upgrade did not install $UPGRADE_VERSION"
grep -n '^fleet:' "$CHROOT/etc/snapferry/fleet.yaml"
grep -q '^fleet: acme-edited' "$CHROOT/etc/snapferry/fleet.yaml" || fail "the upgrade lost the conffile edit"
ls "$CHROOT"/etc/snapferry/ | sed 's/^/  \/etc\/snapferry\//'
in_root snapferry validate --config /etc/snapferry/fleet.yaml | head -n 3

# 6. Purge: nothing of snapferry may remain. First leave what a started daemon would have made
# (StateDirectory= with DynamicUser=: /var/lib/private/snapferry, /var/lib/snapferry -> it).
say "apt-get purge -y snapferry"
mkdir -p "$CHROOT/var/lib/private/snapferry" && chmod 0700 "$CHROOT/var/lib/private" "$CHROOT/var/lib/private/snapferry"
touch "$CHROOT/var/lib/private/snapferry/state.sqlite"
ln -sfn private/snapferry "$CHROOT/var/lib/snapferry"
in_root apt-get purge -y snapferry
rm -f "$CHROOT"/tmp/snapferry_*.deb
left="$(in_root find / -xdev -name '*snapferry*' 2>/dev/null || true)"
for path in /etc/snapferry /usr/bin/snapferry /usr/bin/snapferry-sim /usr/share/snapferry /usr/share/doc/snapferry \
            /lib/systemd/system/snapferry.service /var/lib/snapferry /var/lib/private/snapferry \
            /etc/systemd/system/multi-user.target.wants/snapferry.service; do
  if [ -e "$CHROOT$path" ] || [ -L "$CHROOT$path" ]; then fail "$path is left after purge"; fi
done
[ -z "$left" ] || fail "left after purge: $left"
if in_root dpkg-query -W snapferry >/dev/null 2>&1; then fail "dpkg still knows snapferry after purge"; fi
echo "dpkg no longer knows snapferry"
echo "nothing named *snapferry* left in the root"

say "sizes"
root_kb_after_purge="$(du -sk "$CHROOT" --exclude=proc | cut -f1)"
mkdir -p "$CHROOT/tmp/x" && dpkg-deb -x "$DEB" "$CHROOT/tmp/x"
printf '%-34s %8.1f MB\n' "$(basename "$DEB")" "$(stat -c %s "$DEB" | awk '{ print $1/1e6 }')"
printf '%-34s %8.1f MB\n' "/usr/bin/snapferry" "$(stat -c %s "$CHROOT/tmp/x/usr/bin/snapferry" | awk '{ print $1/1e6 }')"
printf '%-34s %8.1f MB\n' "/usr/bin/snapferry-sim" "$(stat -c %s "$CHROOT/tmp/x/usr/bin/snapferry-sim" | awk '{ print $1/1e6 }')"
printf '%-34s %8s KiB\n' "Installed-Size" "$(dpkg-deb -f "$DEB" Installed-Size)"
echo "clean root: $(( root_kb_before / 1024 )) MB; after install, upgrade and purge (dependencies stay): $(( root_kb_after_purge / 1024 )) MB"
say "PASS"
