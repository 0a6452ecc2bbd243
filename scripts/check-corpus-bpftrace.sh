#!/usr/bin/env bash
# check-corpus-bpftrace.sh - compile every program in analysis/testdata/valid
# with the real bpftrace 0.23.2 (Debian trixie chroot) and compare the result
# with the verdict recorded in each file's header:
#
#   // bpftrace-0.23: ok          -> bpftrace must exit 0
#   // bpftrace-0.23: parse-only  -> bpftrace must fail, but not with a syntax error
#   // bpftrace-0.23: newer       -> informational only (0.23 is expected to reject it)
#
# Usage (as root): scripts/check-corpus-bpftrace.sh [-v] [file.bt ...]
#   -v   print bpftrace's diagnostics for every file that is not a PASS
#
# Environment:
#   KEN_TRIXIE_ROOT  chroot containing bpftrace 0.23.2 (default /opt/ken/trixie)
#
# Nothing is attached: bpftrace is run with --emit-elf, which only compiles.
# Programs are copied only into $KEN_TRIXIE_ROOT/tmp (and removed afterwards).

set -u

root=${KEN_TRIXIE_ROOT:-/opt/ken/trixie}
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$here/analysis/testdata/valid

verbose=0
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "check-corpus-bpftrace: must run as root (uses chroot)" >&2
	exit 2
fi
if [ ! -x "$root/usr/bin/bpftrace" ]; then
	echo "check-corpus-bpftrace: no bpftrace in $root" >&2
	exit 2
fi
if [ -z "$(ls -A "$root/sys/kernel/tracing/events" 2>/dev/null)" ]; then
	echo "check-corpus-bpftrace: tracefs not mounted in $root; run:" >&2
	echo "  mount -t proc proc $root/proc; mount --rbind /sys $root/sys;" \
		"mount -t tracefs nodev $root/sys/kernel/tracing" >&2
	exit 2
fi

if [ $# -gt 0 ]; then
	files=("$@")
else
	files=("$corpus"/*.bt)
fi

# Per-run scratch names inside the chroot.
tag=ken-corpus-$$
in_bt=/tmp/$tag.bt
out_o=/tmp/$tag.o
trap 'rm -f "$root$in_bt" "$root$out_o"' EXIT

declare -A header_count=()
pass=0
fail=0
info=0
failed_files=()

printf '%-6s %-40s %-11s %s\n' RESULT FILE HEADER BPFTRACE-0.23
for f in "${files[@]}"; do
	name=$(basename "$f")
	header=$(sed -n '1,4{s#^// bpftrace-0\.23: *\([a-z-]*\).*#\1#p}' "$f" | head -n1)
	[ -n "$header" ] || header=missing
	header_count[$header]=$(( ${header_count[$header]:-0} + 1 ))

	cp -- "$f" "$root$in_bt"
	out=$(timeout 120 chroot "$root" bpftrace --emit-elf "$out_o" "$in_bt" 2>&1)
	rc=$?
	rm -f "$root$out_o"
	# Drop the environment-specific RLIMIT_MEMLOCK warning.
	out=$(printf '%s\n' "$out" | grep -v 'RLIMIT_MEMLOCK')

	if [ $rc -eq 0 ]; then
		got=accepted
	elif printf '%s\n' "$out" | grep -q 'syntax error'; then
		got=syntax-error
	else
		msg=$(printf '%s\n' "$out" | grep -m1 'ERROR' | sed 's/^.*ERROR: //')
		[ -n "$msg" ] || msg=$(printf '%s\n' "$out" | grep -m1 -i 'error' | sed 's/^.*error: //')
		got="rejected: $(printf '%s' "$msg" | cut -c1-70)"
	fi

	case $header in
	ok)
		if [ $rc -eq 0 ]; then res=PASS; else res=FAIL; fi ;;
	parse-only)
		if [ $rc -ne 0 ] && [ "$got" != syntax-error ]; then res=PASS
		elif [ $rc -eq 0 ]; then res=FAIL; got="$got (should be marked ok)"
		else res=FAIL; fi ;;
	newer)
		res=INFO ;;
	*)
		res=FAIL; got="$got (bad or missing header)" ;;
	esac

	case $res in
	PASS) pass=$((pass + 1)) ;;
	INFO) info=$((info + 1)) ;;
	FAIL) fail=$((fail + 1)); failed_files+=("$name") ;;
	esac
	printf '%-6s %-40s %-11s %s\n' "$res" "$name" "$header" "$got"
	if [ $verbose -eq 1 ] && [ $res != PASS ]; then
		printf '%s\n' "$out" | sed 's/^/    | /'
	fi
done

echo
echo "files: ${#files[@]}  (ok: ${header_count[ok]:-0}, parse-only: ${header_count[parse-only]:-0}," \
	"newer: ${header_count[newer]:-0}, bad header: ${header_count[missing]:-0})"
echo "pass: $pass  fail: $fail  info (newer, not checked): $info"
if [ $fail -gt 0 ]; then
	echo "failed: ${failed_files[*]}"
	exit 1
fi
exit 0
