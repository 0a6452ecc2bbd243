#!/usr/bin/env bash
# check-semantic-corpus.sh - compile every program in analysis/testdata/semantic
# with the real bpftrace 0.23 and check that it is rejected exactly as the
# file's header says. Each file starts with:
#
#   // <the request the author was trying to fulfil>
#   // bpftrace-0.23: error
#   // class: <mistake class>
#   // error: <bpftrace's first ERROR message, without the file:line:col prefix>
#
# and marks the one line holding the mistake with a trailing "// mistake".
# A file passes when bpftrace exits non-zero, reports no syntax error, and
# its first ERROR has the recorded message and is located on the marked line
# (for an attach point, bpftrace reports a line range that ends on it).
#
# Usage (as root): scripts/check-semantic-corpus.sh [-v] [file.bt ...]
#   -v   print bpftrace's output for every file that is not a PASS
#
# Environment:
#   KEN_BPFTRACE  the bpftrace 0.23 command (default bpftrace-0.23, the chroot
#                 wrapper installed by scripts/install-bpftrace.sh)
#
# Nothing is attached: bpftrace is run with --emit-elf, which only compiles in
# 0.23. Never point KEN_BPFTRACE at bpftrace 0.24 or newer, where --emit-elf
# runs the program.

set -u

bpftrace=${KEN_BPFTRACE:-bpftrace-0.23}
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=$here/analysis/testdata/semantic
classes=" unknown-tracepoint unknown-field unknown-type builtin-probe-kind call-probe-kind
	call-arity call-argument format map-type aggregation variable type other-semantic "

verbose=0
if [ "${1:-}" = "-v" ]; then
	verbose=1
	shift
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "check-semantic-corpus: must run as root (bpftrace needs it)" >&2
	exit 2
fi
if ! command -v "$bpftrace" >/dev/null; then
	echo "check-semantic-corpus: no $bpftrace; set KEN_BPFTRACE" >&2
	exit 2
fi
version=$("$bpftrace" --version 2>/dev/null)
case $version in
*v0.23.*) ;;
*)
	echo "check-semantic-corpus: $bpftrace is '$version'; the headers record" \
		"bpftrace 0.23's messages, and from 0.24 --emit-elf alone is not a dry run" >&2
	exit 2
	;;
esac

if [ $# -gt 0 ]; then
	files=("$@")
else
	files=("$corpus"/*.bt)
fi

scratch=$(mktemp -d)
trap 'rm -rf -- "$scratch"' EXIT

declare -A class_count=()
pass=0
fail=0
failed_files=()

printf '%-6s %-42s %-19s %s\n' RESULT FILE CLASS DETAIL
for f in "${files[@]}"; do
	name=$(basename "$f")
	verdict=$(sed -n '2s#^// bpftrace-0\.23: *##p' "$f")
	class=$(sed -n '3s#^// class: *##p' "$f")
	want=$(sed -n '4s#^// error: ##p' "$f")
	marks=$(grep -n '// mistake$' "$f" | cut -d: -f1)
	class_count[${class:-missing}]=$((${class_count[${class:-missing}]:-0} + 1))

	problem=""
	if [ "$verdict" != error ]; then
		problem="line 2 is not '// bpftrace-0.23: error'"
	elif [[ -z $class || $classes != *[[:space:]]"$class"[[:space:]]* ]]; then
		problem="line 3 has no known '// class:'"
	elif [ -z "$want" ]; then
		problem="line 4 has no '// error:'"
	elif [ "$(printf '%s\n' "$marks" | grep -c .)" -ne 1 ]; then
		problem="want exactly one line ending in '// mistake'"
	fi

	out=""
	if [ -z "$problem" ]; then
		out=$(timeout 120 "$bpftrace" --emit-elf "$scratch/out.o" "$f" 2>&1)
		rc=$?
		rm -f "$scratch/out.o"
		first=$(printf '%s\n' "$out" | grep -m1 'ERROR: ')
		got=${first#*ERROR: }
		loc=${first%%ERROR: *}
		# file:LINE:COL[-COL|-LINE:COL]: is a located node. bpftrace 0.23
		# locates an attach point as file:FROM-LINE: (no columns), starting
		# at the end of the previous token (the previous probe's "}" or the
		# top of the file), so its own line is the last of the range.
		line=$(printf '%s\n' "$loc" | sed -n \
			-e 's#^.*:\([0-9][0-9]*\):[0-9][0-9]*\(-[0-9:]*\)\{0,1\}: $#\1#p' \
			-e 's#^.*:[0-9][0-9]*-\([0-9][0-9]*\): $#\1#p')
		if [ $rc -eq 0 ]; then
			problem="accepted (exit status 0)"
		elif printf '%s\n' "$out" | grep -q 'syntax error'; then
			problem="syntax error: $got"
		elif [ -z "$first" ]; then
			problem="exit status $rc without an ERROR line"
		elif [ "$got" != "$want" ]; then
			problem="first ERROR is: $got"
		elif [ -z "$line" ]; then
			problem="first ERROR has no source line"
		elif [ "$line" != "$marks" ]; then
			problem="first ERROR on line $line, mistake marked on line $marks"
		fi
	fi

	if [ -z "$problem" ]; then
		pass=$((pass + 1))
		errors=$(printf '%s\n' "$out" | grep -c 'ERROR: ')
		printf '%-6s %-42s %-19s line %s, %s ERROR line(s)\n' PASS "$name" "$class" "$marks" "$errors"
	else
		fail=$((fail + 1))
		failed_files+=("$name")
		printf '%-6s %-42s %-19s %s\n' FAIL "$name" "${class:-?}" "$problem"
		if [ $verbose -eq 1 ] && [ -n "$out" ]; then
			printf '%s\n' "$out" | grep -v RLIMIT_MEMLOCK | sed 's/^/    | /'
		fi
	fi
done

echo
printf 'files: %d  pass: %d  fail: %d\n' "${#files[@]}" "$pass" "$fail"
printf 'per class:'
for c in $(printf '%s\n' "${!class_count[@]}" | sort); do
	printf ' %s=%d' "$c" "${class_count[$c]}"
done
echo
if [ $fail -gt 0 ]; then
	echo "failed: ${failed_files[*]}"
	exit 1
fi
exit 0
