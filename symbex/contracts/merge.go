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

	out.Functions = make([]Function, 0, len(generated.Functions)+len(curated.Functions))
	cf := make(map[string]int, len(curated.Functions))
	for i, f := range curated.Functions {
		cf[f.Name] = i
	}
	for _, g := range generated.Functions {
		if i, ok := cf[g.Name]; ok {
			out.Functions = append(out.Functions, mergeFunction(curated.Functions[i], &g))
			delete(cf, g.Name)
			continue
		}
		out.Functions = append(out.Functions, cloneFunction(g))
	}
	for _, c := range curated.Functions {
		if _, left := cf[c.Name]; left {
			out.Functions = append(out.Functions, mergeFunction(c, nil))
		}
	}

	out.Tracepoints = make([]Tracepoint, 0, len(generated.Tracepoints)+len(curated.Tracepoints))
	ct := make(map[string]int, len(curated.Tracepoints))
	for i, t := range curated.Tracepoints {
		ct[t.Name] = i
	}
	for _, g := range generated.Tracepoints {
		if i, ok := ct[g.Name]; ok {
			out.Tracepoints = append(out.Tracepoints, mergeTracepoint(curated.Tracepoints[i], &g))
			delete(ct, g.Name)
			continue
		}
		out.Tracepoints = append(out.Tracepoints, cloneTracepoint(g))
	}
	for _, c := range curated.Tracepoints {
		if _, left := ct[c.Name]; left {
			out.Tracepoints = append(out.Tracepoints, mergeTracepoint(c, nil))
		}
	}

	out.Fields = make([]FieldFact, 0, len(generated.Fields)+len(curated.Fields))
	cff := make(map[fieldKey]int, len(curated.Fields))
	for i, f := range curated.Fields {
		cff[fieldKey{StructName(f.Struct), f.Field}] = i
	}
	for _, g := range generated.Fields {
		key := fieldKey{StructName(g.Struct), g.Field}
		if i, ok := cff[key]; ok {
			c := curated.Fields[i]
			c.Struct = key.s
			if c.Type == "" {
				c.Type = g.Type
			}
			out.Fields = append(out.Fields, c)
			delete(cff, key)
			continue
		}
		out.Fields = append(out.Fields, g)
	}
	for _, c := range curated.Fields {
		key := fieldKey{StructName(c.Struct), c.Field}
		if _, left := cff[key]; left {
			c.Struct = key.s
			out.Fields = append(out.Fields, c)
		}
	}

	sortSet(&out.Functions, &out.Tracepoints, &out.Fields)
	return out
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
