// Package examples embeds ken's prompt/program pairs: English requests,
// as a person would write them in a comment, each with a bpftrace program
// that answers it. Synthesis retrieves the pairs closest to a new prompt
// and shows them to a model, and offers the closest one as the answer
// when no model is configured.
//
// Each pair is one file, NNN-short-slug.bt, that begins with a header of
// line comments, then a blank line, then the program:
//
//	// prompt: Count TCP retransmissions per remote address and port, printed every 5 seconds.
//	// category: networking
//
//	tracepoint:tcp:tcp_retransmit_skb
//	{
//	  ...
//	}
//
// The header has exactly one "// prompt:" line (the request, on one line)
// and one "// category:" line naming one of [Categories], in that order.
// Every program is written for both bpftrace 0.23 and 0.26, passes ken's
// checks without warnings and compiles with bpftrace 0.23; the tests of
// this package hold the set to that. See README.md for how to add one.
package examples
