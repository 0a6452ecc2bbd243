#!/usr/bin/env bash
# test/e2e/nvim/run.sh: ken in a headless Neovim (0.7.2 on Debian bookworm)
# through editors/nvim: filetype detection, diagnostics, hover and a quick
# fix. It runs $KEN_BIN (default bin/ken; build it first) and builds nothing.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

export KEN_BIN=${KEN_BIN:-$root/bin/ken}
export KEN_SNAPSHOT=$root/analysis/kernel/testdata/vmlinux-snapshot.ken
if [[ ! -x $KEN_BIN ]]; then
	echo "test/e2e/nvim: $KEN_BIN is missing: run go build -o bin/ken ./cmd/ken, or set KEN_BIN" >&2
	exit 1
fi
KEN_BIN=$(cd "$(dirname "$KEN_BIN")" && pwd)/$(basename "$KEN_BIN")
if ! command -v nvim >/dev/null; then
	echo "test/e2e/nvim: nvim is missing: apt-get install neovim (.ci/setup installs it)" >&2
	exit 1
fi

KEN_E2E_DIR=$(mktemp -d)
export KEN_E2E_DIR
# Neovim's LSP log and state go to a throwaway home, not the caller's.
export XDG_STATE_HOME=$KEN_E2E_DIR/state XDG_CACHE_HOME=$KEN_E2E_DIR/cache XDG_DATA_HOME=$KEN_E2E_DIR/data
cleanup() { rm -rf "$KEN_E2E_DIR"; }
trap cleanup EXIT

status=0
timeout 120 nvim --headless -u NONE -i NONE -n \
	--cmd "set runtimepath^=$root/editors/nvim" \
	-c "luafile $here/test.lua" || status=$?
if [[ $status != 0 ]]; then
	for log in "$KEN_E2E_DIR"/state/nvim/lsp.log "$KEN_E2E_DIR"/cache/nvim/lsp.log; do
		if [[ -s $log ]]; then
			echo "--- $log (last 40 lines)" >&2
			tail -n 40 "$log" >&2
		fi
	done
	echo "test/e2e/nvim: FAIL (status $status)" >&2
fi
exit "$status"
