package synth

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/symbex/contracts"
)

// maxFacts bounds the hook points a prompt lists: enough to choose from,
// few enough to keep the prompt short.
const maxFacts = 8

// hookWords maps words people write to the words kernel hook names use.
var hookWords = map[string][]string{
	"connect": {"connect"}, "connection": {"connect", "accept"}, "connections": {"connect", "accept"},
	"accept": {"accept"}, "tcp": {"tcp"}, "udp": {"udp"}, "retransmit": {"retransmit"},
	"retransmits": {"retransmit"}, "retransmission": {"retransmit"}, "packet": {"skb", "xmit"}, "packets": {"skb", "xmit"},
	"open": {"openat", "open"}, "opens": {"openat", "open"}, "opened": {"openat", "open"}, "file": {"vfs", "openat"},
	"read": {"read"}, "reads": {"read"}, "write": {"write"}, "writes": {"write"}, "exec": {"execve", "exec"},
	"execs": {"execve", "exec"}, "executed": {"execve", "exec"}, "command": {"execve"}, "commands": {"execve"},
	"fork": {"fork", "clone"}, "exit": {"exit"}, "exits": {"exit"}, "disk": {"block_rq", "bio"}, "block": {"block_rq"},
	"io": {"block_rq", "bio"}, "schedule": {"sched"}, "scheduler": {"sched"}, "switch": {"sched_switch"},
	"runqueue": {"sched_wakeup", "sched_switch"}, "wakeup": {"wakeup"}, "signal": {"signal"}, "signals": {"signal"},
	"kill": {"kill", "signal"}, "oom": {"oom"}, "page": {"page"}, "fault": {"fault"}, "faults": {"fault"},
	"alloc": {"alloc", "kmalloc"}, "allocation": {"alloc", "kmalloc"}, "memory": {"kmalloc", "mm_page_alloc"},
	"mmap": {"mmap"}, "unlink": {"unlink"}, "delete": {"unlink"}, "rename": {"rename"}, "mkdir": {"mkdir"},
	"mount": {"mount"}, "fsync": {"fsync"}, "sync": {"sync"}, "syscall": {"sys_enter"}, "syscalls": {"sys_enter"},
	"irq": {"irq"}, "interrupt": {"irq"}, "softirq": {"softirq"}, "timer": {"timer"}, "lock": {"lock", "mutex"},
	"mutex": {"mutex"}, "dns": {"udp_sendmsg"}, "socket": {"sock", "socket"}, "bind": {"bind"}, "listen": {"listen"},
	"close": {"close"}, "reclaim": {"vmscan", "reclaim"}, "swap": {"swap"}, "cpu": {"sched_switch"},
	"capability": {"cap_capable"}, "capabilities": {"cap_capable"}, "ptrace": {"ptrace"}, "setuid": {"setuid"},
	"module": {"module"}, "modules": {"module"}, "bpf": {"bpf"}, "workqueue": {"workqueue"}, "drop": {"drop"},
	"drops": {"drop"}, "dropped": {"drop"},
}

// hookTerms are the name fragments a prompt suggests.
func hookTerms(prompt string) []string {
	var terms []string
	for _, w := range strings.FieldsFunc(strings.ToLower(prompt), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_'
	}) {
		if mapped, ok := hookWords[w]; ok {
			terms = append(terms, mapped...)
		} else if strings.Contains(w, "_") && len(w) > 4 {
			terms = append(terms, w) // a kernel name written as such
		}
	}
	slices.Sort(terms)
	return slices.Compact(terms)
}

// fact is one candidate hook point and what to say about it.
type fact struct {
	probe string
	text  string
	score int
}

// kernelFacts lists the hook points the prompt's words suggest, with their
// prototypes or fields and contracts, for the model to choose from. Only
// hooks this kernel has are listed.
func kernelFacts(k *kernel.Kernel, cs *contracts.Set, prompt string) []string {
	terms := hookTerms(prompt)
	if len(terms) == 0 || k == nil {
		return nil
	}
	var facts []fact
	if cs != nil {
		for _, f := range cs.Functions {
			if _, ok := k.Func(f.Name); ok {
				facts = appendScored(facts, terms, "kprobe:"+f.Name, f.Name, f.Doc, functionFact(f))
			}
		}
		for _, t := range cs.Tracepoints {
			category, name, _ := strings.Cut(t.Name, ":")
			if _, ok := k.Tracepoint(category, name); ok {
				facts = appendScored(facts, terms, "tracepoint:"+t.Name, t.Name, t.Doc, tracepointFact(t))
			}
		}
	}
	slices.SortStableFunc(facts, func(a, b fact) int { return cmp.Or(b.score-a.score, strings.Compare(a.probe, b.probe)) })
	var out []string
	for _, f := range facts[:min(len(facts), maxFacts)] {
		out = append(out, f.text)
	}
	return out
}

// appendScored adds a hook when the terms name it: a term in its name
// counts more than one in its description.
func appendScored(facts []fact, terms []string, probe, name, doc, text string) []fact {
	score := 0
	for _, t := range terms {
		if strings.Contains(name, t) {
			score += 3
		} else if strings.Contains(strings.ToLower(doc), t) {
			score++
		}
	}
	if score == 0 {
		return facts
	}
	return append(facts, fact{probe: probe, text: text, score: score})
}

func functionFact(f contracts.Function) string {
	var b strings.Builder
	fmt.Fprintf(&b, "kprobe:%s / kretprobe:%s", f.Name, f.Name)
	if f.Proto != "" {
		fmt.Fprintf(&b, " — %s", f.Proto)
	}
	if len(f.Params) > 0 {
		var args []string
		for i, p := range f.Params {
			args = append(args, fmt.Sprintf("arg%d = %s", i, p.Name))
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(args, ", "))
	}
	writeConditions(&b, "pre", f.Pre)
	writeConditions(&b, "post", f.Post)
	if f.Doc != "" {
		fmt.Fprintf(&b, ". %s", f.Doc)
	}
	return b.String()
}

func tracepointFact(t contracts.Tracepoint) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tracepoint:%s", t.Name)
	var fields []string
	for _, f := range t.Fields {
		field := f.Type + " " + f.Name
		if f.ByteOrder == contracts.Network {
			field += " (network byte order)"
		}
		fields = append(fields, field)
	}
	if len(fields) > 0 {
		fmt.Fprintf(&b, " — args: %s", strings.Join(fields, "; "))
	}
	writeConditions(&b, "pre", t.Pre)
	if t.Doc != "" {
		fmt.Fprintf(&b, ". %s", t.Doc)
	}
	return b.String()
}

func writeConditions(b *strings.Builder, what string, conds []string) {
	if len(conds) > 0 {
		fmt.Fprintf(b, "; %s: %s", what, strings.Join(conds, ", "))
	}
}
