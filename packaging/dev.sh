#!/usr/bin/env bash
# One entry point for a fresh Debian 12 machine (run as root):
#   bash packaging/dev.sh run    build, then start lwbsd on loopback with policies/example.yaml
#   bash packaging/dev.sh test   build, then run every test: release build, then ASan+UBSan build
# Each command installs what it needs first (Debian packages, then wolfSSL and
# libcoap from Debian source packages via packaging/deps.sh, cached).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

APT_PACKAGES=(build-essential autoconf automake libtool pkg-config meson ninja-build
	libyaml-dev check dpkg-dev patch openssl python3 ca-certificates
	libmaxminddb-dev libmaxmind-db-writer-perl)

log() { echo "dev: $*" >&2; }

install_packages() {
	local missing=()
	for p in "${APT_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

setup() {
	install_packages
	local prefix
	prefix=$(bash packaging/deps.sh)
	export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
	export PATH="$prefix/bin:$PATH"
	export LWBS_DEPS_PREFIX="$prefix"
}

# build DIR [meson options...]
# pkg_config_path is passed as an option: on --reconfigure meson ignores a
# changed PKG_CONFIG_PATH, so a build dir would keep linking the libraries of
# an older deps build (a libcoap patch or wolfSSL flag not taking effect).
build() {
	local dir=$1
	shift
	set -- "-Dpkg_config_path=$PKG_CONFIG_PATH" "$@"
	if [ ! -f "$dir/build.ninja" ]; then
		meson setup "$dir" "$@" >/dev/null
	else
		meson setup --reconfigure "$dir" "$@" >/dev/null
	fi
	ninja -C "$dir" >/dev/null
}

# Print the plain closing line CI reads, from meson's JSON test log.
summarize() {
	python3 - "$@" <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): passed += 1
        elif r == "SKIP": skipped += 1
        else: failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}

run_tests() {
	local rc=0
	build build-release --buildtype=release
	meson test -C build-release --print-errorlogs --num-processes 2 || rc=1
	build build-asan --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		meson test -C build-asan --print-errorlogs --num-processes 2 || rc=1
	summarize build-release/meson-logs/testlog.json build-asan/meson-logs/testlog.json
	return $rc
}

case "${1:-}" in
run)
	setup
	build build-release --buildtype=release
	exec build-release/src/cmd/lwbsd -c policies/example.yaml
	;;
test)
	setup
	run_tests
	;;
*)
	echo "usage: bash packaging/dev.sh run|test" >&2
	exit 2
	;;
esac
