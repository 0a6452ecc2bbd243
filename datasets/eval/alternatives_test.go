package eval

import "testing"

// alternatives are correct programs that take another route than the
// reference solution; the expectations must accept them too.
var alternatives = []struct{ id, src string }{
	{"tcp-connect-host-order", `tracepoint:sock:inet_sock_set_state
/args.protocol == 6 && args.newstate == 2/
{
	printf("%d %s %s %d\n", pid, comm, ntop(args.daddr), args.dport);
}`},
	{"tcp-connect-host-order", `kprobe:tcp_v4_connect
{
	$sk = (struct sock *)arg0;
	$p = $sk->__sk_common.skc_dport;
	printf("%d %s %s %d\n", pid, comm, ntop(2, $sk->__sk_common.skc_daddr), (($p & 0xff) << 8) | ($p >> 8));
}`},
	{"syscall-rate", `t:raw_syscalls:sys_enter { @++; } i:s:1 { print(@); clear(@); }`},
	{"top-syscallers", `tracepoint:syscalls:sys_enter_* { @[comm] = count(); }
interval:s:5 { print(@, 10); clear(@); }`},
	{"process-lifetime-ms", `tracepoint:sched:sched_process_fork { @born[args.child_pid] = nsecs; }
tracepoint:sched:sched_process_exit /@born[args.pid] != 0/ {
	$age = nsecs - @born[args.pid];
	printf("%d %s %d ms\n", args.pid, comm, $age / 1e6);
	delete(@born[args.pid]);
}`},
	{"read-latency-by-comm", `kprobe:ksys_read { @s[tid] = nsecs; }
kretprobe:ksys_read /@s[tid]/ { $now = nsecs; @lat[comm] = hist(($now - @s[tid]) / 1000); delete(@s[tid]); }`},
	{"openat-failures", `tracepoint:syscalls:sys_enter_openat { @path[tid] = str(args.filename); }
tracepoint:syscalls:sys_exit_openat /args.ret < 0/ {
	printf("%d %s %s %d\n", pid, comm, @path[tid], args.ret);
}
tracepoint:syscalls:sys_exit_openat { delete(@path[tid]); }`},
	{"shadow-file-opens", `tracepoint:syscalls:sys_enter_open,
tracepoint:syscalls:sys_enter_openat
/strncmp(str(args.filename), "/etc/shadow", 11) == 0/
{
	printf("%d %s %d\n", pid, comm, uid);
}`},
	{"block-io-latency-us", `kprobe:blk_mq_start_request { @start[arg0] = nsecs; }
kprobe:blk_mq_end_request /@start[arg0]/ { @usecs = hist((nsecs - @start[arg0]) / 1000); delete(@start[arg0]); }`},
	{"context-switches-by-comm", `t:sched:sched_switch { @[comm]++; } interval:ms:10000 { time(); print(@); clear(@); }`},
	{"kill-signals", `tracepoint:signal:signal_generate { printf("%d %s -> %d sig %d\n", pid, comm, args.pid, args.sig); }`},
	{"page-faults-by-process", `tracepoint:exceptions:page_fault_user { @[comm, pid] = count(); }`},
	{"write-bytes-by-process", `tracepoint:syscalls:sys_exit_write /args.ret > 0/ { @bytes[pid, comm] += args.ret; }`},
	{"vfs-ops-per-second", `kprobe:vfs_read, kprobe:vfs_write, kprobe:vfs_open, kprobe:vfs_fsync { @[probe] = count(); }
interval:s:1 { print(@); clear(@); }`},
	{"bash-commands", `uretprobe:/usr/bin/bash:readline { printf("%d %s\n", pid, str(retval)); }`},
}

func TestAlternativeSolutionsMeetExpectations(t *testing.T) {
	expects := map[string]Expect{}
	for _, p := range load(t) {
		expects[p.ID] = p.Expect
	}
	for _, alt := range alternatives {
		t.Run(alt.id, func(t *testing.T) {
			e, ok := expects[alt.id]
			if !ok {
				t.Fatalf("no prompt %q", alt.id)
			}
			for _, m := range e.Check(parse(t, alt.id+".bt", alt.src), []byte(alt.src)) {
				t.Errorf("%s\n%s", m, alt.src)
			}
		})
	}
}
