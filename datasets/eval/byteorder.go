package eval

import "github.com/kenlsp/ken/analysis/syntax"

// netFields are kernel fields in network byte order: socket ports and
// addresses, sockaddr members, IP and TCP/UDP header fields, and the
// address byte arrays of the sock and tcp tracepoints. The tracepoints'
// sport and dport are already in host order and are not listed.
var netFields = map[string]bool{
	"skc_dport": true, "skc_daddr": true, "skc_rcv_saddr": true,
	"skc_v6_daddr": true, "skc_v6_rcv_saddr": true,
	"inet_dport": true, "inet_sport": true, "inet_daddr": true,
	"inet_saddr": true, "inet_rcv_saddr": true,
	"sin_port": true, "sin_addr": true, "s_addr": true,
	"sin6_port": true, "sin6_addr": true,
	"dest": true, "source": true, "saddr": true, "daddr": true,
	"saddr_v6": true, "daddr_v6": true,
}

// converters are the calls that turn a network-order value into something
// printable in host order.
var converters = map[string]bool{
	"bswap": true, "ntohs": true, "ntohl": true, "htons": true, "htonl": true,
	"be16toh": true, "be32toh": true, "be64toh": true, "ntop": true,
}

// rawNet finds network-order fields that reach a value unconverted,
// following variables and maps once each.
type rawNet struct {
	fs    *facts
	memos map[origin]*rawMemo
}

// rawMemo is the raw field a variable or map carries; busy breaks cycles.
type rawMemo struct {
	field string
	busy  bool
}

func newRawNet(fs *facts) *rawNet {
	return &rawNet{fs: fs, memos: map[origin]*rawMemo{}}
}

// find returns the name of a network-order field whose value reaches x
// without a conversion (a converter call, or a shift as in a hand-written
// swap), or "" when there is none. Comparing with 0 is order-independent
// and does not count.
func (r *rawNet) find(x syntax.Expr, scope int) string {
	if isNil(x) {
		return ""
	}
	switch x := x.(type) {
	case *syntax.FieldExpr:
		if !isNil(x.Name) && netFields[x.Name.Name] {
			return x.Name.Name
		}
		return ""
	case *syntax.CallExpr:
		if isNil(x.Fun) || converters[x.Fun.Name] {
			return ""
		}
		return r.first(x.Args, scope)
	case *syntax.BinaryExpr:
		return r.binary(x, scope)
	case *syntax.Variable, *syntax.MapExpr:
		return r.stored(r.fs.originOf(x, scope))
	case *syntax.ParenExpr:
		return r.find(x.X, scope)
	case *syntax.CastExpr:
		return r.find(x.X, scope)
	case *syntax.UnaryExpr:
		return r.find(x.X, scope)
	case *syntax.TernaryExpr:
		return r.first([]syntax.Expr{x.Then, x.Else}, scope)
	case *syntax.TupleExpr:
		return r.first(x.Elems, scope)
	}
	return ""
}

// binary treats shifts as conversions and comparisons with 0 as harmless.
func (r *rawNet) binary(b *syntax.BinaryExpr, scope int) string {
	switch b.Op {
	case syntax.Shl, syntax.Shr:
		return ""
	case syntax.Eq, syntax.Ne:
		if isIntLit(b.X, 0) || isIntLit(b.Y, 0) {
			return ""
		}
	}
	return r.first([]syntax.Expr{b.X, b.Y}, scope)
}

// first returns the first raw field among xs.
func (r *rawNet) first(xs []syntax.Expr, scope int) string {
	for _, x := range xs {
		if f := r.find(x, scope); f != "" {
			return f
		}
	}
	return ""
}

// stored returns the raw field any value of a variable or map carries.
func (r *rawNet) stored(src origin) string {
	if m, ok := r.memos[src]; ok {
		return m.field
	}
	m := &rawMemo{busy: true}
	r.memos[src] = m
	for _, s := range r.fs.valuesOf(src) {
		if f := r.find(s.x, s.scope); f != "" {
			m.field = f
			break
		}
	}
	m.busy = false
	return m.field
}
