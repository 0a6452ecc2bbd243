#!/usr/bin/env python3
"""lsp-memory.py: drive a real `bin/ken lsp` process over stdio as an editor
would (initialize with a kernel, open a file, complete after kprobe:tcp_,
hover a __be16 field) and print the server's resident memory (VmRSS) with
the kernel loaded. Usage: scripts/lsp-memory.py [live|SNAPSHOT]  (build
bin/ken first: make build)."""
import json, subprocess, time, sys
p = subprocess.Popen(["bin/ken", "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
def send(msg):
    b = json.dumps(msg).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
def recv():
    n = 0
    while True:
        line = p.stdout.readline().strip()
        if not line: break
        if line.lower().startswith(b"content-length"): n = int(line.split(b":")[1])
    return json.loads(p.stdout.read(n))
def call(i, method, params):
    send({"jsonrpc":"2.0","id":i,"method":method,"params":params})
    while True:
        m = recv()
        if m.get("id") == i: return m
kernel = sys.argv[1] if len(sys.argv) > 1 else "live"
r = call(1, "initialize", {"capabilities":{}, "initializationOptions":{"kernel": kernel, "dialect":"0.23"}})
print("capabilities:", sorted(r["result"]["capabilities"].keys()))
send({"jsonrpc":"2.0","method":"initialized","params":{}})
while not call(2, "ken/configured", None)["result"]: time.sleep(0.01)
text = open("analysis/testdata/valid/004-tcp-connect-destinations.bt").read() + "\nkprobe:tcp_\n"
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"file:///x.bt","languageId":"bpftrace","version":1,"text":text}}})
lines = text.split("\n")
t = time.time(); r = call(3, "textDocument/completion", {"textDocument":{"uri":"file:///x.bt"},"position":{"line":len(lines)-2,"character":11}}); dt = time.time()-t
items = r["result"]["items"] if isinstance(r["result"], dict) else r["result"]
print("completion items:", len(items), "first:", items[0]["label"], "in %.1f ms" % (dt*1000))
for i, l in enumerate(lines):
    if "skc_dport" in l:
        h = call(4, "textDocument/hover", {"textDocument":{"uri":"file:///x.bt"},"position":{"line":i,"character":l.index("skc_dport")+2}})
        print("hover:", h["result"]["contents"]["value"][:200].replace("\n"," | ")); break
status = open("/proc/%d/status" % p.pid).read()
print([l for l in status.split("\n") if l.startswith(("VmRSS","VmHWM"))])
call(5, "shutdown", None); send({"jsonrpc":"2.0","method":"exit"}); p.wait(); print("exit", p.returncode)
