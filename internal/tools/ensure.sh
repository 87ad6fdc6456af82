#!/usr/bin/env bash
# ensure.sh postgres|chromium: make sure a system dependency of the build is
# installed. As root it installs the Debian/Ubuntu package; otherwise it prints
# the exact command to run and fails, so nobody is surprised by a sudo prompt.
# PostgreSQL is detected the way internal/pglaunch finds it.
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
*)
	echo "usage: $0 postgres|chromium" >&2
	exit 2
	;;
esac
