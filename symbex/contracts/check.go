package contracts

import (
	"fmt"

	"github.com/cilium/ebpf/btf"

	"github.com/kenlsp/ken/analysis/kernel"
	"github.com/kenlsp/ken/analysis/syntax"
)

// Check reports what in s does not match kernel k: functions, tracepoints,
// structs and members k does not have, parameters and tracepoint fields
// that are not in k's prototype or format, stated types that differ from
// k's, and names in conditions that are neither a parameter (or field),
// retval, NULL, true, false nor an enum constant of k, or members that the
// BTF type reached does not have. It returns nil or an ErrorList whose
// paths name entries of s; s must be valid (see Parse).
func (s *Set) Check(k *kernel.Kernel) error {
	c := &checker{k: k}
	for i := range s.Functions {
		c.function(fmt.Sprintf("functions[%d]", i), &s.Functions[i])
	}
	for i := range s.Tracepoints {
		c.tracepoint(fmt.Sprintf("tracepoints[%d]", i), &s.Tracepoints[i])
	}
	for i := range s.Fields {
		c.field(fmt.Sprintf("fields[%d]", i), &s.Fields[i])
	}
	if len(c.errs) == 0 {
		return nil
	}
	return c.errs
}

type checker struct {
	k    *kernel.Kernel
	errs ErrorList
}

func (c *checker) errorf(path, format string, args ...any) {
	c.errs = append(c.errs, &Error{Path: path, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid})
}

func (c *checker) function(path string, f *Function) {
	fn, ok := c.k.Func(f.Name)
	if !ok {
		c.errorf(path, "function %s is not in kernel %s", f.Name, c.k.Info().Release)
		return
	}
	proto, ok := fn.Type.(*btf.FuncProto)
	if !ok {
		c.errorf(path, "%s has no prototype in BTF", f.Name)
		return
	}
	types := make(map[string]btf.Type)
	for i, p := range proto.Params {
		name := p.Name
		if name == "" {
			name = fmt.Sprintf("arg%d", i)
		}
		types[name] = p.Type
	}
	for j, p := range f.Params {
		t, ok := types[p.Name]
		switch {
		case !ok:
			c.errorf(fmt.Sprintf("%s.params[%d]", path, j), "%s has no parameter %s (it has %s)", f.Name, p.Name, paramList(proto))
		case p.Type != "" && p.Type != typeText(t):
			c.errorf(fmt.Sprintf("%s.params[%d].type", path, j), "%s: parameter %s is %q in the kernel, not %q", f.Name, p.Name, typeText(t), p.Type)
		}
	}
	if rt := typeText(proto.Return); f.Returns.Type != "" && f.Returns.Type != rt {
		c.errorf(path+".returns.type", "%s returns %q in the kernel, not %q", f.Name, rt, f.Returns.Type)
	}
	lookup := func(name string, post bool) (btf.Type, bool) {
		if post && name == RetvalName {
			return proto.Return, true
		}
		t, ok := types[name]
		return t, ok
	}
	for k, cond := range f.Pre {
		c.condition(fmt.Sprintf("%s.pre[%d]", path, k), f.Name, cond, func(n string) (btf.Type, bool) { return lookup(n, false) })
	}
	for k, cond := range f.Post {
		c.condition(fmt.Sprintf("%s.post[%d]", path, k), f.Name, cond, func(n string) (btf.Type, bool) { return lookup(n, true) })
	}
}

// paramList names a prototype's parameters for an error message.
func paramList(proto *btf.FuncProto) string {
	if len(proto.Params) == 0 {
		return "none"
	}
	s := ""
	for i, p := range proto.Params {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}

func (c *checker) tracepoint(path string, t *Tracepoint) {
	cat, name, _ := splitTracepoint(t.Name)
	tp, ok := c.k.Tracepoint(cat, name)
	if !ok {
		c.errorf(path, "tracepoint %s is not in kernel %s", t.Name, c.k.Info().Release)
		return
	}
	fields := make(map[string]bool)
	for _, f := range tp.Fields {
		if !f.Common {
			fields[f.Name] = true
		}
	}
	for j, f := range t.Fields {
		if !fields[f.Name] {
			c.errorf(fmt.Sprintf("%s.fields[%d]", path, j), "%s has no field %s", t.Name, f.Name)
		}
	}
	for k, cond := range t.Pre {
		c.condition(fmt.Sprintf("%s.pre[%d]", path, k), t.Name, cond, func(n string) (btf.Type, bool) {
			return nil, fields[n] || n == ArgsName
		})
	}
}

func splitTracepoint(name string) (cat, event string, ok bool) {
	for i := range len(name) {
		if name[i] == ':' {
			return name[:i], name[i+1:], true
		}
	}
	return "", name, false
}

// condition checks the names and members of one condition; lookup gives
// the BTF type of a name (nil when unknown, e.g. a tracepoint field) and
// whether the name exists at all.
func (c *checker) condition(path, owner, cond string, lookup func(string) (btf.Type, bool)) {
	x, err := ParseCondition(cond)
	if err != nil {
		c.errorf(path, "%s: condition %q: %v", owner, cond, err)
		return
	}
	if _, err := c.condType(x, lookup); err != nil {
		c.errorf(path, "%s: condition %q: %v", owner, cond, err)
	}
}

// condType checks x and returns its BTF type when x is a name or a member
// access whose type is known, else nil.
func (c *checker) condType(x syntax.Expr, lookup func(string) (btf.Type, bool)) (btf.Type, error) {
	switch x := x.(type) {
	case *syntax.Ident:
		if t, ok := lookup(x.Name); ok {
			return t, nil
		}
		switch x.Name {
		case NullName, "true", "false":
			return nil, nil
		}
		if _, ok := c.k.Enumerator(x.Name); ok {
			return nil, nil
		}
		return nil, fmt.Errorf("unknown name %s", x.Name)
	case *syntax.ParenExpr:
		return c.condType(x.X, lookup)
	case *syntax.UnaryExpr:
		_, err := c.condType(x.X, lookup)
		return nil, err
	case *syntax.BinaryExpr:
		if _, err := c.condType(x.X, lookup); err != nil {
			return nil, err
		}
		_, err := c.condType(x.Y, lookup)
		return nil, err
	case *syntax.IndexExpr:
		if _, err := c.condType(x.Index, lookup); err != nil {
			return nil, err
		}
		t, err := c.condType(x.X, lookup)
		if t == nil || err != nil {
			return nil, err
		}
		switch u := btf.UnderlyingType(t).(type) {
		case *btf.Pointer:
			return u.Target, nil
		case *btf.Array:
			return u.Type, nil
		}
		return nil, fmt.Errorf("%s is not an array or pointer", typeText(t))
	case *syntax.FieldExpr:
		if id, ok := x.X.(*syntax.Ident); ok && id.Name == ArgsName {
			if _, isName := lookup(ArgsName); isName {
				// args.field in a tracepoint condition.
				if _, ok := lookup(x.Name.Name); !ok || x.Name.Name == ArgsName {
					return nil, fmt.Errorf("unknown field %s", x.Name.Name)
				}
				return nil, nil
			}
		}
		t, err := c.condType(x.X, lookup)
		if t == nil || err != nil {
			return nil, err
		}
		return memberType(t, x.Arrow, x.Name.Name)
	}
	return nil, nil
}

// memberType returns the type of member name of t, which is a pointer to a
// struct or union when arrow is set, or one itself otherwise.
func memberType(t btf.Type, arrow bool, name string) (btf.Type, error) {
	u := btf.UnderlyingType(t)
	if arrow {
		p, ok := u.(*btf.Pointer)
		if !ok {
			return nil, fmt.Errorf("-> on %s, which is not a pointer", typeText(t))
		}
		u = btf.UnderlyingType(p.Target)
	} else if _, ok := u.(*btf.Pointer); ok {
		return nil, fmt.Errorf(". on the pointer %s: use ->", typeText(t))
	}
	switch u.(type) {
	case *btf.Struct, *btf.Union:
	default:
		return nil, fmt.Errorf("member %s of %s, which is not a struct or union", name, typeText(u))
	}
	var found btf.Type
	eachMember(u, func(m btf.Member) {
		if found == nil && m.Name == name {
			found = m.Type
		}
	})
	if found == nil {
		return nil, fmt.Errorf("%s has no member %s", typeText(u), name)
	}
	return found, nil
}

func (c *checker) field(path string, f *FieldFact) {
	name := StructName(f.Struct)
	var t btf.Type
	for _, kw := range []string{"struct ", "union "} {
		if x, ok := c.k.Type(kw + name); ok {
			t = x
			break
		}
	}
	if t == nil {
		c.errorf(path, "struct %s is not in kernel %s", name, c.k.Info().Release)
		return
	}
	var found btf.Type
	eachMember(t, func(m btf.Member) {
		if found == nil && m.Name == f.Field {
			found = m.Type
		}
	})
	if found == nil {
		c.errorf(path, "%s has no member %s", typeText(t), f.Field)
		return
	}
	if f.Type != "" && f.Type != typeText(found) {
		c.errorf(path+".type", "%s.%s is %q in the kernel, not %q", name, f.Field, typeText(found), f.Type)
	}
	if f.ByteOrder == Host && networkOrder(found) {
		c.errorf(path+".byte_order", "%s.%s is typed %s: network order, not host", name, f.Field, typeText(found))
	}
}
