package contracts

import (
	"slices"
)

// Merge combines a curated set with a generated one into a new set; either
// may be nil, and neither is modified.
//
// Entries are matched by name (field facts by struct and member). A curated
// entry overrides the generated one: its facts, conditions, doc and tags
// are the ones kept, and it is marked Curated. What the curated entry
// leaves out is taken from the generated one, which describes the kernel at
// hand: the prototype, the result type, and the parameters (or tracepoint
// fields) it does not mention, in the kernel's order; a curated parameter
// with no type gets the kernel's. Curated entries the kernel does not have
// are kept as they are. The result's Kernel is the generated set's.
func Merge(curated, generated *Set) *Set {
	if curated == nil {
		curated = &Set{}
	}
	if generated == nil {
		generated = &Set{}
	}
	out := &Set{Format: Format, Kernel: generated.Kernel}

	out.Functions = overlay(curated.Functions, generated.Functions,
		func(f Function) string { return f.Name }, mergeFunction, cloneFunction)
	out.Tracepoints = overlay(curated.Tracepoints, generated.Tracepoints,
		func(t Tracepoint) string { return t.Name }, mergeTracepoint, cloneTracepoint)
	out.Fields = overlay(curated.Fields, generated.Fields,
		func(f FieldFact) fieldKey { return fieldKey{StructName(f.Struct), f.Field} }, mergeField,
		func(f FieldFact) FieldFact { return f })

	sortSet(&out.Functions, &out.Tracepoints, &out.Fields)
	return out
}

// overlay lays the curated entries over the generated ones with the same
// key: each generated entry is kept (cloned) or replaced by merge(curated,
// &generated), and curated entries the kernel lacks are added through
// merge(curated, nil).
func overlay[T any, K comparable](curated, generated []T, key func(T) K, merge func(T, *T) T, clone func(T) T) []T {
	out := make([]T, 0, len(generated)+len(curated))
	left := make(map[K]int, len(curated))
	for i, c := range curated {
		left[key(c)] = i
	}
	for _, g := range generated {
		if i, ok := left[key(g)]; ok {
			out = append(out, merge(curated[i], &g))
			delete(left, key(g))
			continue
		}
		out = append(out, clone(g))
	}
	for _, c := range curated {
		if _, ok := left[key(c)]; ok {
			out = append(out, merge(c, nil))
		}
	}
	return out
}

// mergeField lays a curated field fact over a generated one (nil when the
// kernel lacks it), spelling the struct as the generated part does and
// taking its type when the curated fact gives none.
func mergeField(c FieldFact, g *FieldFact) FieldFact {
	c.Struct = StructName(c.Struct)
	if g != nil && c.Type == "" {
		c.Type = g.Type
	}
	return c
}

// mergeFunction lays curated c over generated g (nil when the kernel does
// not have the function).
func mergeFunction(c Function, g *Function) Function {
	c = cloneFunction(c)
	c.Curated = true
	if g == nil {
		return c
	}
	if c.Proto == "" {
		c.Proto = g.Proto
	}
	if c.Returns.Type == "" {
		c.Returns.Type = g.Returns.Type
	}
	params := make([]Param, 0, max(len(g.Params), len(c.Params)))
	used := make([]bool, len(c.Params))
	for _, gp := range g.Params {
		p := gp
		if i := slices.IndexFunc(c.Params, func(cp Param) bool { return cp.Name == gp.Name }); i >= 0 {
			p = c.Params[i]
			used[i] = true
			if p.Type == "" {
				p.Type = gp.Type
			}
			if p.ByteOrder == "" {
				p.ByteOrder = gp.ByteOrder
			}
			p.User = p.User || gp.User
		}
		params = append(params, p)
	}
	for i, cp := range c.Params {
		if !used[i] {
			params = append(params, cp)
		}
	}
	c.Params = params
	return c
}

// mergeTracepoint lays curated c over generated g (nil when the kernel
// does not have the tracepoint).
func mergeTracepoint(c Tracepoint, g *Tracepoint) Tracepoint {
	c = cloneTracepoint(c)
	c.Curated = true
	if g == nil {
		return c
	}
	fields := make([]TPField, 0, max(len(g.Fields), len(c.Fields)))
	used := make([]bool, len(c.Fields))
	for _, gf := range g.Fields {
		f := gf
		if i := slices.IndexFunc(c.Fields, func(cf TPField) bool { return cf.Name == gf.Name }); i >= 0 {
			f = c.Fields[i]
			used[i] = true
			if f.Type == "" {
				f.Type = gf.Type
			}
			if f.ByteOrder == "" {
				f.ByteOrder = gf.ByteOrder
			}
			f.User = f.User || gf.User
			if !f.Errno && f.Min == nil && f.Max == nil {
				f.Errno, f.Min, f.Max = gf.Errno, gf.Min, gf.Max
			}
		}
		fields = append(fields, f)
	}
	for i, cf := range c.Fields {
		if !used[i] {
			fields = append(fields, cf)
		}
	}
	c.Fields = fields
	return c
}

// cloneFunction copies f's slices so that the copy can be changed alone.
func cloneFunction(f Function) Function {
	f.Params = slices.Clone(f.Params)
	f.Pre = slices.Clone(f.Pre)
	f.Post = slices.Clone(f.Post)
	f.Tags = slices.Clone(f.Tags)
	return f
}

// cloneTracepoint copies t's slices so that the copy can be changed alone.
func cloneTracepoint(t Tracepoint) Tracepoint {
	t.Fields = slices.Clone(t.Fields)
	t.Pre = slices.Clone(t.Pre)
	t.Tags = slices.Clone(t.Tags)
	return t
}
