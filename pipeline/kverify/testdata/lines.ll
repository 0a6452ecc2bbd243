; A hand-written stand-in for what bpftrace 0.24 and newer emit for
; lines.bt: programs named and placed in sections as bpftrace names them,
; with debug locations that carry the script's lines and columns, so that
; the ELF's BTF line info does too (bpftrace 0.20-0.23 emit line 0 only).
; It leaves out the maps; no bpftrace 0.24+ with a compile-only
; --emit-elf is available on the test machines to make the real thing.
; Regenerate with: llc-14 -opaque-pointers -march=bpf -filetype=obj -O2 lines.ll -o lines.o
target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"
target triple = "bpf-pc-linux"

@LICENSE = global [4 x i8] c"GPL\00", section "license", align 1

define i64 @kprobe_do_nanosleep_1(ptr %ctx) section "s_kprobe_do_nanosleep_1" !dbg !10 {
entry:
  ret i64 0, !dbg !11
}

; Reads 8 bytes at offsets 8 (line 15) and 200 (line 16) of pt_regs, which
; is 168 bytes long: the verifier refuses the second read.
define i64 @kprobe_hrtimer_nanosleep_2(ptr %ctx) section "s_kprobe_hrtimer_nanosleep_2" !dbg !20 {
entry:
  %p = getelementptr i8, ptr %ctx, i64 8, !dbg !21
  %a = load volatile i64, ptr %p, align 8, !dbg !21
  %q = getelementptr i8, ptr %ctx, i64 200, !dbg !22
  %b = load volatile i64, ptr %q, align 8, !dbg !22
  %s = add i64 %a, %b, !dbg !22
  ret i64 %s, !dbg !23
}

!llvm.dbg.cu = !{!0}
!llvm.module.flags = !{!3, !4}

!0 = distinct !DICompileUnit(language: DW_LANG_C, file: !1, producer: "bpftrace", isOptimized: false, runtimeVersion: 0, emissionKind: FullDebug)
!1 = !DIFile(filename: "bpftrace.bpf.o", directory: ".")
!3 = !{i32 2, !"Debug Info Version", i32 3}
!4 = !{i32 7, !"Dwarf Version", i32 4}
!5 = !DIBasicType(name: "int64", size: 64, encoding: DW_ATE_signed)
!6 = !DIDerivedType(tag: DW_TAG_pointer_type, baseType: null, size: 64)
!7 = !DISubroutineType(types: !8)
!8 = !{!5, !6}
!10 = distinct !DISubprogram(name: "kprobe_do_nanosleep_1", scope: !1, file: !1, line: 8, type: !7, scopeLine: 8, flags: DIFlagPrototyped, spFlags: DISPFlagDefinition, unit: !0, retainedNodes: !12)
!11 = !DILocation(line: 10, column: 3, scope: !10)
!12 = !{!13}
!13 = !DILocalVariable(name: "ctx", arg: 1, scope: !10, file: !1, line: 8, type: !6)
!20 = distinct !DISubprogram(name: "kprobe_hrtimer_nanosleep_2", scope: !1, file: !1, line: 13, type: !7, scopeLine: 13, flags: DIFlagPrototyped, spFlags: DISPFlagDefinition, unit: !0, retainedNodes: !24)
!21 = !DILocation(line: 15, column: 3, scope: !20)
!22 = !DILocation(line: 16, column: 8, scope: !20)
!23 = !DILocation(line: 13, column: 1, scope: !20)
!24 = !{!25}
!25 = !DILocalVariable(name: "ctx", arg: 1, scope: !20, file: !1, line: 13, type: !6)
