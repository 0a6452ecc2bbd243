#!/usr/bin/env bash
# install-bpftrace.sh: installs bpftrace 0.23 for ken's tests, next to the
# system's bpftrace, and a wrapper command that runs it.
#
# Debian bookworm ships bpftrace 0.17, whose --emit-elf output cannot be
# loaded by a library; 0.20+ emits a libbpf-style ELF. This script makes a
# minimal Debian trixie root that contains bpftrace 0.23 and installs a
# wrapper, bpftrace-0.23, that runs it inside the root with the host's /proc,
# /sys and tracefs, so that it sees the running kernel.
#
# It is idempotent: an existing root (one with usr/bin/bpftrace) is kept, and
# the wrapper is rewritten. Run it as root.
#
# Environment:
#   KEN_DEBIAN_SUITE      the Debian suite          (default trixie: bpftrace 0.23;
#                         sid has a current bpftrace, 0.27 in November 2026)
#   KEN_BPFTRACE_ROOT     the root to create        (default /opt/ken/trixie)
#   KEN_BPFTRACE_WRAPPER  the wrapper to install    (default /usr/local/bin/bpftrace-0.23)
#   KEN_DEBIAN_MIRROR     the Debian mirror to use  (default http://deb.debian.org/debian)
set -euo pipefail

suite=${KEN_DEBIAN_SUITE:-trixie}
root=${KEN_BPFTRACE_ROOT:-/opt/ken/trixie}
wrapper=${KEN_BPFTRACE_WRAPPER:-/usr/local/bin/bpftrace-0.23}
mirror=${KEN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

say() { printf '==> %s\n' "$*"; }
die() { printf 'install-bpftrace: %s\n' "$*" >&2; exit 1; }

[[ $(id -u) == 0 ]] || die "must run as root (it runs debootstrap and installs $wrapper)"
[[ $root == /* ]] || die "KEN_BPFTRACE_ROOT must be an absolute path, not '$root'"
root=${root%/}

if [[ -x $root/usr/bin/bpftrace ]]; then
	say "bpftrace root $root exists; keeping it"
else
	if ! command -v debootstrap >/dev/null; then
		say "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap
	fi
	if [[ -e $root ]] && [[ -n $(ls -A -- "$root") ]]; then
		die "$root exists but has no usr/bin/bpftrace; remove it (unmount anything under it first) and run again"
	fi
	# Build in a sibling directory and rename it at the end, so that an
	# interrupted run never leaves something that looks like a finished root.
	mkdir -p -- "$(dirname -- "$root")"
	partial=$(mktemp -d -- "$root.partial.XXXXXX")
	say "debootstrap $suite with bpftrace into $partial (about 30 s)"
	debootstrap --variant=minbase --include=bpftrace "$suite" "$partial" "$mirror"
	rmdir -- "$root" 2>/dev/null || true
	mv -T -- "$partial" "$root"
fi

say "installing the wrapper $wrapper"
mkdir -p -- "$(dirname -- "$wrapper")"
tmp=$(mktemp -- "$wrapper.XXXXXX")
{
	echo '#!/usr/bin/env bash'
	echo "# $(basename -- "$wrapper"): runs bpftrace from the Debian $suite root $root."
	echo "# Installed by ken's scripts/install-bpftrace.sh; KEN_BPFTRACE_ROOT overrides the root."
	printf 'default_root=%q\n' "$root"
	cat <<'WRAPPER'
set -euo pipefail

root=${KEN_BPFTRACE_ROOT:-$default_root}
root=${root%/}
name=${0##*/}
if [[ ! -x $root/usr/bin/bpftrace ]]; then
	echo "$name: no bpftrace in $root; run ken's scripts/install-bpftrace.sh" >&2
	exit 127
fi
if [[ $(id -u) != 0 ]]; then
	echo "$name: must run as root (it uses chroot)" >&2
	exit 126
fi

# Give the root the kernel's view: /proc, /sys (recursively, as a slave so
# that nothing done inside propagates out) and tracefs. A lock keeps
# concurrent runs from mounting twice.
exec 9>"$root/tmp/.ken-bpftrace-mount.lock"
flock 9
mountpoint -q "$root/proc" || mount -t proc proc "$root/proc"
if ! mountpoint -q "$root/sys"; then
	mount --rbind /sys "$root/sys"
	mount --make-rslave "$root/sys"
fi
if ! mountpoint -q "$root/sys/kernel/tracing"; then
	mount -t tracefs nodev "$root/sys/kernel/tracing"
fi
flock -u 9
exec 9>&-

# Files named on the command line live outside the root: copy each regular
# file into a fresh directory inside it and pass the copy's path instead.
# Output files (--emit-elf FILE, -o FILE) are written inside and copied out
# afterwards. Option values that are never files are passed as they are.
work=$(mktemp -d -- "$root/tmp/ken.XXXXXX")
cleanup() { rm -rf -- "$work"; }
trap cleanup EXIT
inside=${work#"$root"}

args=()
outputs=() # pairs: path inside the root, path outside
n=0
expect=""
for arg in "$@"; do
	n=$((n + 1))
	case $expect in
	output)
		expect=""
		outputs+=("$work/out.$n" "$arg")
		args+=("$inside/out.$n")
		continue
		;;
	verbatim)
		expect=""
		args+=("$arg")
		continue
		;;
	esac
	case $arg in
	--emit-elf | -o)
		expect=output
		args+=("$arg")
		continue
		;;
	--emit-elf=*)
		outputs+=("$work/out.$n" "${arg#--emit-elf=}")
		args+=("--emit-elf=$inside/out.$n")
		continue
		;;
	-e | -c | -p | -B | -f | -d)
		expect=verbatim
		args+=("$arg")
		continue
		;;
	esac
	if [[ -f $arg ]]; then
		mkdir -- "$work/in.$n"
		base=${arg##*/}
		cp -- "$arg" "$work/in.$n/$base"
		args+=("$inside/in.$n/$base")
	else
		args+=("$arg")
	fi
done

status=0
chroot "$root" /usr/bin/bpftrace "${args[@]}" || status=$?

for ((i = 0; i < ${#outputs[@]}; i += 2)); do
	if [[ -f ${outputs[i]} ]]; then
		cp -- "${outputs[i]}" "${outputs[i + 1]}" || status=1
	fi
done
exit "$status"
WRAPPER
} >"$tmp"
chmod 0755 -- "$tmp"
mv -f -- "$tmp" "$wrapper"

say "checking: $wrapper --version"
"$wrapper" --version
