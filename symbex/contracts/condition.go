package contracts

import (
	"errors"
	"fmt"
	"strings"

	"github.com/kenlsp/ken/analysis/diag"
	"github.com/kenlsp/ken/analysis/source"
	"github.com/kenlsp/ken/analysis/syntax"
)

// ErrCondition is wrapped by every error of ParseCondition.
var ErrCondition = errors.New("bad condition")

// Names with a fixed meaning in conditions.
const (
	RetvalName = "retval" // the function's result, in Post only
	NullName   = "NULL"   // the null pointer, 0
	ArgsName   = "args"   // a tracepoint's record, optional before a field name
)

// condPrefix and condSuffix wrap a condition into a bpftrace program so
// that bpftrace's own parser reads it.
const (
	condPrefix = "BEGIN { if ("
	condSuffix = ") {} }"
)

// ParseCondition parses a contract condition with ken's bpftrace parser,
// as the condition of an if statement in a BEGIN probe, and returns the
// expression. Positions in it are offsets into s.
//
// Besides being bpftrace, a condition must be made of identifiers (names
// of parameters or fields, retval, NULL, enum constants), decimal or
// hexadecimal integers without suffixes, true and false, parentheses, the unary operators ! - ~, binary
// arithmetic, bitwise, comparison and logical operators, member access
// with -> and ".", and indexing. Variables ($x), maps, calls, casts,
// strings and assignments are rejected.
func ParseCondition(s string) (syntax.Expr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("%w: empty", ErrCondition)
	}
	text := condPrefix + s + condSuffix
	file, diags := syntax.Parse(source.NewFile("condition", []byte(text)))
	for _, d := range diags {
		if d.Severity == diag.Error {
			return nil, fmt.Errorf("%w: %s", ErrCondition, d.Message)
		}
	}
	x := wrappedCondition(file)
	start, end := syntax.Pos(len(condPrefix)), syntax.Pos(len(condPrefix)+len(s))
	// The expression must be all of s: text such as `a) {} } BEGIN { if (b`
	// parses, but not as one condition.
	if x == nil || x.Pos() < start || x.End() > end ||
		strings.TrimSpace(text[start:x.Pos()]) != "" || strings.TrimSpace(text[x.End():end]) != "" {
		return nil, fmt.Errorf("%w: not a single expression", ErrCondition)
	}
	if err := checkCondition(x); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCondition, err)
	}
	shift(x, -start)
	return x, nil
}

// wrappedCondition finds the condition of the if statement that
// ParseCondition wrapped, or nil when the file has another shape.
func wrappedCondition(f *syntax.File) syntax.Expr {
	if len(f.Decls) != 1 {
		return nil
	}
	p, ok := f.Decls[0].(*syntax.Probe)
	if !ok || p.Predicate != nil || p.Body == nil || len(p.Body.Stmts) != 1 {
		return nil
	}
	st, ok := p.Body.Stmts[0].(*syntax.ExprStmt)
	if !ok {
		return nil
	}
	ifx, ok := st.X.(*syntax.IfExpr)
	if !ok || ifx.Else != nil || len(ifx.Then.Stmts) != 0 || ifx.Then.Value != nil {
		return nil
	}
	return ifx.Cond
}

// checkCondition rejects the expression kinds a condition may not use.
func checkCondition(x syntax.Expr) error {
	switch x := x.(type) {
	case *syntax.Ident, *syntax.BoolLit:
		return nil
	case *syntax.IntLit:
		if !plainInt(x.Raw) {
			return fmt.Errorf("integer %s: want plain decimal or 0x digits", x.Raw)
		}
		return nil
	case *syntax.ParenExpr:
		return checkCondition(x.X)
	case *syntax.UnaryExpr:
		switch x.Op {
		case syntax.Bang, syntax.Minus, syntax.Tilde:
			return checkCondition(x.X)
		}
		return fmt.Errorf("operator %s is not allowed", x.Op)
	case *syntax.BinaryExpr:
		switch x.Op {
		case syntax.Plus, syntax.Minus, syntax.Star, syntax.Slash, syntax.Percent,
			syntax.Amp, syntax.Pipe, syntax.Caret, syntax.Shl, syntax.Shr,
			syntax.Lt, syntax.Gt, syntax.Le, syntax.Ge, syntax.Eq, syntax.Ne,
			syntax.AndAnd, syntax.OrOr:
		default:
			return fmt.Errorf("operator %s is not allowed", x.Op)
		}
		if err := checkCondition(x.X); err != nil {
			return err
		}
		return checkCondition(x.Y)
	case *syntax.FieldExpr:
		if x.Name == nil {
			return errors.New("member name missing")
		}
		return checkCondition(x.X)
	case *syntax.IndexExpr:
		if err := checkCondition(x.X); err != nil {
			return err
		}
		return checkCondition(x.Index)
	case *syntax.Variable:
		return fmt.Errorf("variable %s: name parameters without '$'", x.Name)
	case *syntax.MapExpr:
		return fmt.Errorf("map %s is not allowed", x.Name)
	case *syntax.CallExpr:
		return fmt.Errorf("call of %s is not allowed", x.Fun.Name)
	}
	return fmt.Errorf("%s is not allowed", describeExpr(x))
}

// plainInt reports whether raw is an integer literal without a size or
// time suffix or exponent: 42, 1_000, 0x2a.
func plainInt(raw string) bool {
	digits := "0123456789_"
	if len(raw) > 2 && raw[0] == '0' && (raw[1] == 'x' || raw[1] == 'X') {
		raw, digits = raw[2:], "0123456789abcdefABCDEF_"
	}
	return raw != "" && strings.Trim(raw, digits) == ""
}

// describeExpr names an expression kind for an error message.
func describeExpr(x syntax.Expr) string {
	switch x.(type) {
	case *syntax.StringLit:
		return "a string"
	case *syntax.CastExpr:
		return "a cast"
	case *syntax.TernaryExpr:
		return "a conditional expression"
	case *syntax.TupleExpr, *syntax.RecordExpr:
		return "a tuple"
	case *syntax.ParamExpr:
		return "a positional parameter"
	case *syntax.PostfixExpr:
		return "an increment"
	}
	return "this expression"
}

// shift moves every position in a condition (as checkCondition allows it)
// by delta.
func shift(x syntax.Expr, delta syntax.Pos) {
	switch x := x.(type) {
	case *syntax.Ident:
		x.Start += delta
	case *syntax.BoolLit:
		x.Start += delta
	case *syntax.IntLit:
		x.Start += delta
	case *syntax.ParenExpr:
		x.Lparen += delta
		x.Rparen += delta
		shift(x.X, delta)
	case *syntax.UnaryExpr:
		x.OpPos += delta
		shift(x.X, delta)
	case *syntax.BinaryExpr:
		x.OpPos += delta
		shift(x.X, delta)
		shift(x.Y, delta)
	case *syntax.FieldExpr:
		x.OpPos += delta
		shift(x.X, delta)
		shift(x.Name, delta)
	case *syntax.IndexExpr:
		x.Rbrack += delta
		shift(x.X, delta)
		shift(x.Index, delta)
	}
}

// ConditionNames returns the identifiers a condition refers to as values,
// in order of appearance and without repetition: member names after -> or
// "." are not included.
func ConditionNames(x syntax.Expr) []string {
	var names []string
	var walk func(syntax.Expr)
	walk = func(x syntax.Expr) {
		switch x := x.(type) {
		case *syntax.Ident:
			for _, n := range names {
				if n == x.Name {
					return
				}
			}
			names = append(names, x.Name)
		case *syntax.ParenExpr:
			walk(x.X)
		case *syntax.UnaryExpr:
			walk(x.X)
		case *syntax.BinaryExpr:
			walk(x.X)
			walk(x.Y)
		case *syntax.FieldExpr:
			walk(x.X)
		case *syntax.IndexExpr:
			walk(x.X)
			walk(x.Index)
		}
	}
	walk(x)
	return names
}
