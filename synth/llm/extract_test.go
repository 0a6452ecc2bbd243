package llm

import (
	"errors"
	"strings"
	"testing"
)

// nl joins lines with "\n", to keep multi-line expectations readable.
func nl(lines ...string) string { return strings.Join(lines, "\n") }

var extractTests = []struct {
	name  string
	reply string
	want  string // "" means ErrNoProgram
}{
	{
		name:  "bpftrace fence",
		reply: "```bpftrace\nkprobe:do_nanosleep { @[comm] = count(); }\n```\n",
		want:  "kprobe:do_nanosleep { @[comm] = count(); }",
	},
	{
		name:  "bt fence with prose around",
		reply: nl("Here is the program you asked for:", "", "```bt", "tracepoint:syscalls:sys_enter_openat", "{", "  printf(\"%s\\n\", str(args.filename));", "}", "```", "", "It prints every `openat` call's `{filename}`."),
		want:  nl("tracepoint:syscalls:sys_enter_openat", "{", "  printf(\"%s\\n\", str(args.filename));", "}"),
	},
	{
		name:  "untagged fence",
		reply: "Sure!\n```\nBEGIN { printf(\"hello\\n\"); exit(); }\n```",
		want:  `BEGIN { printf("hello\n"); exit(); }`,
	},
	{
		name:  "tilde fence",
		reply: "~~~bpftrace\ninterval:s:1 { exit(); }\n~~~",
		want:  "interval:s:1 { exit(); }",
	},
	{
		name:  "CRLF line endings",
		reply: "Here it is:\r\n```bpftrace\r\nkprobe:vfs_read\r\n{\r\n  @reads = count();\r\n}\r\n```\r\n",
		want:  "kprobe:vfs_read\n{\n  @reads = count();\n}",
	},
	{
		name: "think block with a longer draft",
		reply: nl("<think>", "Maybe:", "```bpftrace", "kprobe:a { @x = count(); @y = count(); @z = count(); }", "```", "No, simpler.", "</think>",
			"```bpftrace", "kprobe:b { @x = count(); }", "```"),
		want: "kprobe:b { @x = count(); }",
	},
	{
		name:  "bare closing think tag",
		reply: "the user wants kprobe:a { } maybe\n</think>\n\n```bpftrace\nkprobe:b { exit(); }\n```",
		want:  "kprobe:b { exit(); }",
	},
	{
		name:  "unfenced between prose",
		reply: nl("Here is a program that counts reads:", "", "kprobe:vfs_read {", "  @[comm] = count();", "}", "", "Run it as root; press Ctrl-C {to stop}."),
		want:  nl("kprobe:vfs_read {", "  @[comm] = count();", "}"),
	},
	{
		name: "braces in strings and comments",
		reply: nl("Program:", "kprobe:f /pid != 0/ {", `  printf("}}} {\" %d\n", pid); // } closes nothing`, "  /* { */", "}",
			"END { printf(\"{\"); }", "That's all."),
		want: nl("kprobe:f /pid != 0/ {", `  printf("}}} {\" %d\n", pid); // } closes nothing`, "  /* { */", "}", "END { printf(\"{\"); }"),
	},
	{
		name: "shell command block then the program",
		reply: nl("Quick check:", "```bash", "sudo bpftrace -e 'BEGIN { exit(); }'", "```", "The full program:",
			"```bpftrace", "tracepoint:sched:sched_process_exec { printf(\"%s\\n\", comm); }", "```"),
		want: `tracepoint:sched:sched_process_exec { printf("%s\n", comm); }`,
	},
	{
		name:  "only a shell one-liner",
		reply: "```sh\n$ sudo bpftrace -e 'kprobe:do_sys_openat2 { @opens[comm] = count(); }'\n```",
		want:  "kprobe:do_sys_openat2 { @opens[comm] = count(); }",
	},
	{
		name:  "one-liner in prose",
		reply: "Try `sudo bpftrace -v -e 'tracepoint:syscalls:sys_enter_kill { printf(\"%d\\n\", args.pid); }'` and watch.",
		want:  `tracepoint:syscalls:sys_enter_kill { printf("%d\n", args.pid); }`,
	},
	{
		name:  "double-quoted one-liner",
		reply: "```\nbpftrace -e \"profile:hz:99 { @[kstack] = count(); }\"\n```",
		want:  "profile:hz:99 { @[kstack] = count(); }",
	},
	{
		name: "shebang, include and struct without fences",
		reply: nl("Save this as opens.bt:", "#!/usr/bin/env bpftrace", "#include <linux/path.h>", "", "struct my_t {", "  int a;", "};", "",
			"kprobe:vfs_open { printf(\"%d\\n\", ((struct my_t *)arg0)->a); }", "", "Then chmod +x it."),
		want: nl("#!/usr/bin/env bpftrace", "#include <linux/path.h>", "", "struct my_t {", "  int a;", "};", "",
			"kprobe:vfs_open { printf(\"%d\\n\", ((struct my_t *)arg0)->a); }"),
	},
	{
		name:  "two tagged blocks: the longest",
		reply: nl("```bpftrace", "BEGIN { exit(); }", "```", "or, fuller:", "```bpftrace", "BEGIN { printf(\"start\\n\"); }", "END { clear(@); }", "```"),
		want:  nl(`BEGIN { printf("start\n"); }`, "END { clear(@); }"),
	},
	{
		name:  "tabs",
		reply: "Program:\n\tkretprobe:vfs_read\n\t{\n\t\t@bytes = hist(retval);\n\t}\n\nDone.",
		want:  "\tkretprobe:vfs_read\n\t{\n\t\t@bytes = hist(retval);\n\t}",
	},
	{
		name:  "unclosed fence (truncated reply)",
		reply: "```bpftrace\nkprobe:a {\n  @x = count();\n",
		want:  "kprobe:a {\n  @x = count();",
	},
	{
		name:  "truncated unfenced program runs to the end",
		reply: "Here:\nkprobe:a { @x = count(); }\nkprobe:b {\n  @y = count(",
		want:  "kprobe:a { @x = count(); }\nkprobe:b {\n  @y = count(",
	},
	{
		name:  "config block and multi-line header",
		reply: nl("Use this:", "config = {", "  max_map_keys = 1024", "}", "", "kprobe:vfs_read,", "kprobe:vfs_write", "/pid > 1/", "{", "  @[probe] = count();", "}", "", "Explanation follows."),
		want:  nl("config = {", "  max_map_keys = 1024", "}", "", "kprobe:vfs_read,", "kprobe:vfs_write", "/pid > 1/", "{", "  @[probe] = count();", "}"),
	},
	{
		name:  "comments above an unfenced program",
		reply: "Answer:\n// count reads per process\n// by name\nkprobe:vfs_read { @[comm] = count(); }\n",
		want:  "// count reads per process\n// by name\nkprobe:vfs_read { @[comm] = count(); }",
	},
	{
		name:  "fence indented in a list",
		reply: "1. Save:\n   ```bpftrace\n   BEGIN { exit(); }\n   ```\n2. Run it.",
		want:  "   BEGIN { exit(); }",
	},
	{
		name:  "a comment naming a one-liner stays inside the program",
		reply: "```bpftrace\n// like: sudo bpftrace -e 'BEGIN { exit(); }'\nkprobe:f { @[comm] = count(); }\n```",
		want:  "// like: sudo bpftrace -e 'BEGIN { exit(); }'\nkprobe:f { @[comm] = count(); }",
	},
	{
		name:  "shell block with a heredoc",
		reply: nl("```bash", "sudo bpftrace - <<'EOF'", "kprobe:vfs_read { @ = count(); }", "EOF", "```"),
		want:  "kprobe:vfs_read { @ = count(); }",
	},
	{
		name:  "tagged fragment",
		reply: "Add this to the probe body:\n```bpftrace\n@reads[comm] = count();\n```",
		want:  "@reads[comm] = count();",
	},
	{
		name:  "tagged program beats an untagged longer one",
		reply: nl("```", "kprobe:a { @x = count(); @y = count(); @z = count(); }", "```", "```bt", "kprobe:b { }", "```"),
		want:  "kprobe:b { }",
	},
	{name: "empty", reply: " \n\t\r\n"},
	{name: "only reasoning", reply: "<think>kprobe:a { }</think>"},
	{name: "unclosed reasoning", reply: "<think>\nkprobe:a { exit(); }\n"},
	{name: "python only", reply: "```python\nfrom bcc import BPF\nb = BPF(text='int kprobe__vfs_read(void *ctx) { return 0; }')\n```"},
	{name: "probe type mentioned in prose", reply: "kprobe: is a probe type.\nUse it on a kernel function."},
	{name: "apology", reply: "I'm sorry, I can't help with that."},
}

func TestExtract(t *testing.T) {
	for _, tt := range extractTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Extract(tt.reply)
			if tt.want == "" {
				if !errors.Is(err, ErrNoProgram) {
					t.Fatalf("Extract = %q, %v; want ErrNoProgram", got, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if got != tt.want {
				t.Errorf("Extract =\n%s\n--- want\n%s", got, tt.want)
			}
		})
	}
}

func TestExtractReasons(t *testing.T) {
	for reply, want := range map[string]string{
		"":                        "empty",
		"<think>x</think>":        "only reasoning",
		"```sh\nls -l\n```":       "none of its 1 code blocks looks like bpftrace (tags: sh)",
		"I cannot do that, sorry": "no line starts a probe",
	} {
		_, err := Extract(reply)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Extract(%q) error %v, want it to mention %q", reply, err, want)
		}
	}
}

// FuzzExtract checks that Extract never panics and that a program it finds
// is a non-empty piece of the reply (line endings normalised).
func FuzzExtract(f *testing.F) {
	for _, tt := range extractTests {
		f.Add(tt.reply)
	}
	f.Add("```bpftrace\n\"\\")
	f.Add("kprobe:a {\"\n}")
	f.Add("bpftrace -e '")
	f.Add("</think><think></think>")
	f.Fuzz(func(t *testing.T, reply string) {
		got, err := Extract(reply)
		if err != nil {
			if !errors.Is(err, ErrNoProgram) {
				t.Fatalf("error %v does not wrap ErrNoProgram", err)
			}
			return
		}
		if strings.TrimSpace(got) == "" {
			t.Fatalf("empty program from %q", reply)
		}
		if !strings.Contains(normalizeNewlines(reply), got) {
			t.Fatalf("program %q is not part of the reply %q", got, reply)
		}
	})
}
