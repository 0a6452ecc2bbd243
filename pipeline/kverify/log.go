package kverify

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// LogSummary is what one verifier log says about one program. The zero
// value of a field means the log does not say.
type LogSummary struct {
	// Processed is the number of instructions the verifier walked
	// ("processed N insns"), counting every path through every loop.
	Processed int
	// Limit is the kernel's bound on Processed (1,000,000 since Linux 5.2).
	Limit int
	// PeakStates is the largest number of verifier states kept at once.
	PeakStates int
	// StackDepths is the stack each function of the program uses, in bytes,
	// main program first ("stack depth 224+416").
	StackDepths []int
	// VerifyTime is the verifier's own measurement of its work.
	VerifyTime time.Duration

	// Insn is the index of the instruction the verifier stopped at, as the
	// kernel counts (a 64-bit immediate load takes two slots); -1 when the
	// log does not name one. Only a log with LogLevelBranch (or a message
	// that names its instruction, such as a back-edge) has it.
	Insn int
	// InsnText is that instruction as the verifier printed it, e.g.
	// "(79) r1 = *(u64 *)(r1 +200)".
	InsnText string
	// Message is the verifier's complaint, one or more lines joined by
	// newlines; empty when the program was accepted.
	Message string
	// File and Line are the source position the log gives for the failing
	// instruction ("; ... @ file:line"); Line is 0 when unknown. bpftrace
	// before 0.24 emits line info that always says line 0.
	File string
	Line int
}

// StackDepth returns the largest stack frame of any function of the
// program, in bytes: each frame must fit the kernel's 512 bytes.
func (s LogSummary) StackDepth() int {
	deepest := 0
	for _, d := range s.StackDepths {
		deepest = max(deepest, d)
	}
	return deepest
}

var (
	// insnLine is an instruction as LogLevelBranch prints it, with the
	// register state the kernel may append after " ; ".
	insnLine = regexp.MustCompile(`^(\d+): (\([0-9a-f]{2}\) .*?)(?:\s+; .*)?$`)
	// stateLine is a register state on its own ("12: R1=ctx() R10=fp0") or
	// a branch target ("from 12 to 15: ...").
	stateLine = regexp.MustCompile(`^(\d+: R\d|from \d+ to \d+:|\s*frame\d+:|caller:|callee:|(cur|old) state:|func#\d+ @\d+|Validating .* func#\d+)`)
	// noteLine is a remark the kernel makes on the way, such as on the
	// BTF of a function's arguments; part of the message only when there
	// is nothing else.
	noteLine = regexp.MustCompile(`^arg#\d+ `)
	// lineInfo is the source line the kernel prints before an instruction.
	lineInfo = regexp.MustCompile(`^;.* @ (\S+):(\d+)$`)
	// insnInMessage finds the instruction some messages name themselves:
	// "back-edge from insn 10 to 5", "infinite loop detected at insn 7",
	// "unreachable insn 3", "jump out of range from insn 4 to 9".
	insnInMessage = regexp.MustCompile(`\binsn (\d+)\b`)
	processedLine = regexp.MustCompile(`^processed (\d+) insns \(limit (\d+)\)(?:.*\bpeak_states (\d+))?`)
	stackLine     = regexp.MustCompile(`^stack depth ([\d+]+)$`)
	timeLine      = regexp.MustCompile(`^verification time (\d+) usec$`)
)

// ParseLog reads a verifier log, split into lines as cilium/ebpf's
// VerifierError and Program.VerifierLog give it, whatever the log level.
// It never fails: what it cannot recognise is left out of the summary.
func ParseLog(log []string) LogSummary {
	s := LogSummary{Insn: -1}
	end := len(log)
	// The statistics close the log, after the message.
	for end > 0 {
		line := strings.TrimSpace(log[end-1])
		if line != "" && !s.stat(line) {
			break
		}
		end--
	}
	if end > 0 && strings.HasPrefix(log[0], "magic: 0x") {
		// The kernel refused the program's BTF and dumped it: the
		// complaint is the last line.
		s.Message = strings.TrimSpace(log[end-1])
		return s
	}
	s.failure(log[:end])
	return s
}

// stat records line if it is one of the closing statistics lines.
func (s *LogSummary) stat(line string) bool {
	if m := processedLine.FindStringSubmatch(line); m != nil {
		s.Processed, _ = strconv.Atoi(m[1])
		s.Limit, _ = strconv.Atoi(m[2])
		s.PeakStates, _ = strconv.Atoi(m[3])
		return true
	}
	if m := stackLine.FindStringSubmatch(line); m != nil {
		s.StackDepths = s.StackDepths[:0]
		for _, part := range strings.Split(m[1], "+") {
			if n, err := strconv.Atoi(part); err == nil {
				s.StackDepths = append(s.StackDepths, n)
			}
		}
		return true
	}
	if m := timeLine.FindStringSubmatch(line); m != nil {
		usec, _ := strconv.Atoi(m[1])
		s.VerifyTime = time.Duration(usec) * time.Microsecond
		return true
	}
	return false
}

// failure finds the failing instruction and the message in body, the log
// without its statistics. The message is what follows the last instruction
// the verifier printed; line info and register states are not part of it.
func (s *LogSummary) failure(body []string) {
	from := 0
	for i := len(body) - 1; i >= 0; i-- {
		if m := insnLine.FindStringSubmatch(body[i]); m != nil {
			s.Insn, _ = strconv.Atoi(m[1])
			s.InsnText = m[2]
			s.lineBefore(body[:i])
			from = i + 1
			break
		}
	}
	var msg, notes []string
	for _, line := range body[from:] {
		if m := lineInfo.FindStringSubmatch(line); m != nil {
			// Linux 6.x repeats the failing instruction's line info after
			// the message.
			if s.Line == 0 {
				s.File, s.Line = m[1], atoi(m[2])
			}
			continue
		}
		switch {
		case strings.TrimSpace(line) == "" || stateLine.MatchString(line):
		case noteLine.MatchString(line):
			notes = append(notes, strings.TrimSpace(line))
		default:
			msg = append(msg, strings.TrimSpace(line))
		}
	}
	if len(msg) == 0 {
		msg = notes
	}
	s.Message = strings.Join(msg, "\n")
	if s.Message == "" {
		// An accepted program: the last instruction is just the last one.
		s.Insn, s.InsnText, s.File, s.Line = -1, "", "", 0
		return
	}
	if s.Insn < 0 {
		if m := insnInMessage.FindStringSubmatch(s.Message); m != nil {
			s.Insn = atoi(m[1])
		}
	}
}

// lineBefore takes the source line of the failing instruction from the
// line info above it. The kernel prints line info only when it changes from
// one instruction it walks to the next, so the last one printed is the
// failing instruction's, however far above.
func (s *LogSummary) lineBefore(above []string) {
	for i := len(above) - 1; i >= 0; i-- {
		if m := lineInfo.FindStringSubmatch(above[i]); m != nil {
			s.File, s.Line = m[1], atoi(m[2])
			return
		}
	}
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
