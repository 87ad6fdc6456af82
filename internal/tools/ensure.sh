#!/usr/bin/env bash
# ensure.sh postgres|chromium|axe: make sure a dependency of the build is
# installed. As root it installs the Debian/Ubuntu package; otherwise it prints
# the exact command to run and fails, so nobody is surprised by a sudo prompt.
# PostgreSQL is detected the way internal/pglaunch finds it.
# axe fetches the pinned axe-core (the accessibility checker the browser
# tests inject) from the npm registry into .cache/axe-core/ (no root needed).
set -euo pipefail

have_pg_bindir() {
	local dir
	if command -v pg_config >/dev/null 2>&1; then
		dir="$(pg_config --bindir 2>/dev/null || true)"
		if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
			return 0
		fi
	fi
	for dir in /usr/lib/postgresql/*/bin; do
		if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then
			return 0
		fi
	done
	return 1
}

have_chromium() {
	command -v chromium >/dev/null 2>&1
}

# install PACKAGE WHAT: apt-get install as root, else explain and fail.
install() {
	local pkg="$1" what="$2"
	if [ "$(id -u)" -ne 0 ]; then
		echo "$what is not installed. Install it with:" >&2
		echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends $pkg" >&2
		exit 1
	fi
	echo "Installing $what (apt-get install $pkg)..." >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "$pkg"
}

# axe-core for the browser walk (http/portal/walk_test.go): pinned version and
# the registry's sha512 of its tarball, checked before use.
AXE_VERSION=4.11.0
AXE_INTEGRITY=sha512-ilYanEU8vxxBexpJd8cWM4ElSQq4QctCLKih0TSfjIfCQTeyH/6zVrmIJfLPrKTKJRbiG+cfnZbQIjAlJmF1jQ==
AXE_DIR="$(cd "$(dirname "$0")/../.." && pwd)/.cache/axe-core"

ensure_axe() {
	if [ -f "$AXE_DIR/axe.min.js" ] && [ "$(cat "$AXE_DIR/VERSION" 2>/dev/null)" = "$AXE_VERSION" ]; then
		return 0
	fi
	if ! command -v npm >/dev/null 2>&1; then
		install npm "npm (to fetch axe-core $AXE_VERSION from the npm registry)"
		command -v npm >/dev/null 2>&1 || { echo "npm installed but not on PATH" >&2; exit 1; }
	fi
	local tmp tgz got
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' RETURN
	echo "Fetching axe-core $AXE_VERSION (npm pack) into $AXE_DIR..." >&2
	(cd "$tmp" && npm pack --silent "axe-core@$AXE_VERSION" >/dev/null)
	tgz="$tmp/axe-core-$AXE_VERSION.tgz"
	got="$(node -e 'process.stdout.write("sha512-" + require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
	if [ "$got" != "$AXE_INTEGRITY" ]; then
		echo "axe-core $AXE_VERSION: tarball sha512 $got, want $AXE_INTEGRITY" >&2
		exit 1
	fi
	tar -xzf "$tgz" -C "$tmp" package/axe.min.js package/LICENSE
	mkdir -p "$AXE_DIR"
	cp "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$AXE_DIR/"
	echo "$AXE_VERSION" >"$AXE_DIR/VERSION"
}

case "${1:-}" in
postgres)
	have_pg_bindir && exit 0
	install postgresql "The PostgreSQL server binaries (initdb, postgres)"
	have_pg_bindir || { echo "postgresql installed but initdb/postgres still not found" >&2; exit 1; }
	;;
chromium)
	have_chromium && exit 0
	install chromium "Chromium (used by the browser tests)"
	have_chromium || { echo "chromium installed but not on PATH" >&2; exit 1; }
	;;
axe)
	ensure_axe
	;;
*)
	echo "usage: $0 postgres|chromium|axe" >&2
	exit 2
	;;
esac
