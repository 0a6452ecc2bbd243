package catalog

import (
	"slices"
	"strings"

	"github.com/kenlsp/ken/analysis/dialect"
)

// caseFoldSince is the first release whose probe provider names are case
// insensitive (KPROBE:f works).
var caseFoldSince = dialect.V(0, 24)

// The indexes below are built once by init; the tables never change after.
var (
	allVariables []Variable
	allFunctions []Function
	kindIndex    map[string]int // Name and aliases to probeKinds index
	kindFolded   map[string]int // lower-cased names; first spelling wins
	varIndex     map[string]int
	funcIndex    map[string]int
)

func init() {
	kindIndex = make(map[string]int)
	kindFolded = make(map[string]int)
	for i, k := range probeKinds {
		kindIndex[k.Name] = i
		for _, a := range k.Aliases {
			kindIndex[a] = i
		}
	}
	// Canonical names first, so that "u" folds to uprobe as in bpftrace.
	for i, k := range probeKinds {
		addFolded(k.Name, i)
	}
	for i, k := range probeKinds {
		for _, a := range k.Aliases {
			addFolded(a, i)
		}
	}

	byName := make(map[string]Variable, len(variables))
	for _, va := range variables {
		byName[va.Name] = va
	}
	allVariables = append(slices.Clone(variables), internalVariables(byName)...)
	varIndex = make(map[string]int, len(allVariables))
	for i, va := range allVariables {
		varIndex[va.Name] = i
	}

	allFunctions = append(slices.Clone(functions), callFunctions(byName)...)
	funcIndex = make(map[string]int, len(allFunctions))
	for i, f := range allFunctions {
		funcIndex[f.Name] = i
	}
}

func addFolded(name string, i int) {
	lower := strings.ToLower(name)
	if _, ok := kindFolded[lower]; !ok {
		kindFolded[lower] = i
	}
}

// ProbeKinds returns every probe kind of every modelled version. The caller
// must not modify the slices inside the entries.
func ProbeKinds() []ProbeKind { return slices.Clone(probeKinds) }

// LookupProbeKind finds a probe kind by its name or an alias. An exact
// spelling wins; otherwise the name is matched ignoring case, as bpftrace
// does from 0.24 (use AcceptsName to check a given version).
func LookupProbeKind(nameOrAlias string) (ProbeKind, bool) {
	if i, ok := kindIndex[nameOrAlias]; ok {
		return probeKinds[i], true
	}
	if i, ok := kindFolded[strings.ToLower(nameOrAlias)]; ok {
		return probeKinds[i], true
	}
	return ProbeKind{}, false
}

// CanonicalKind returns the canonical name of a probe kind given by name or
// alias ("kfunc" gives "fentry", "BEGIN" gives "begin"), or "" if unknown.
func CanonicalKind(name string) string {
	k, ok := LookupProbeKind(name)
	if !ok {
		return ""
	}
	return k.Name
}

// AvailableIn reports whether bpftrace version ver has this probe kind.
func (k ProbeKind) AvailableIn(ver dialect.Version) bool {
	return inRange(k.Since, k.Until, ver)
}

// AcceptsName reports whether version ver accepts this exact spelling of
// the kind: "begin" only from 0.24, "fentry" from 0.20, any letter case
// from 0.24.
func (k ProbeKind) AcceptsName(name string, ver dialect.Version) bool {
	if !k.AvailableIn(ver) {
		return false
	}
	ver = ver.Clamp()
	for _, s := range k.spellings() {
		if since, ok := k.NameSince[s]; ok && ver.Less(since) {
			continue
		}
		if s == name || (ver.AtLeast(caseFoldSince) && strings.EqualFold(s, name)) {
			return true
		}
	}
	return false
}

func (k ProbeKind) spellings() []string {
	return append([]string{k.Name}, k.Aliases...)
}

// LayoutIn returns the names of the attach point parts and how many are
// required in version ver.
func (k ProbeKind) LayoutIn(ver dialect.Version) (parts []string, minParts int) {
	ver = ver.Clamp()
	for _, l := range k.OlderLayouts {
		if ver.Less(l.Until) {
			return l.Parts, l.MinParts
		}
	}
	return k.Parts, k.MinParts
}

// Variables returns every builtin variable of every modelled version,
// including the internal __builtin_ spellings. The caller must not modify
// the slices inside the entries.
func Variables() []Variable { return slices.Clone(allVariables) }

// LookupVariable finds a builtin variable by name. Numbered names resolve
// to their family: "arg3" gives argN, "sarg0" gives sargN, "$2" gives $N.
func LookupVariable(name string) (Variable, bool) {
	if i, ok := varIndex[name]; ok {
		return allVariables[i], true
	}
	for _, prefix := range []string{"arg", "sarg", "$"} {
		if rest, ok := strings.CutPrefix(name, prefix); ok && isDigits(rest) {
			return allVariables[varIndex[prefix+"N"]], true
		}
	}
	return Variable{}, false
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// AvailableIn reports whether bpftrace version ver has this variable.
func (va Variable) AvailableIn(ver dialect.Version) bool {
	return inRange(va.Since, va.Until, ver)
}

// KindsIn returns the canonical probe kinds where the variable is valid in
// version ver; nil means every kind.
func (va Variable) KindsIn(ver dialect.Version) []string {
	return kindsIn(va.Kinds, va.OlderKinds, ver)
}

// AllowedIn reports whether the variable may be used in probes of the
// given kind (name or alias) in the newest version.
func (va Variable) AllowedIn(kind string) bool { return allowed(va.Kinds, kind) }

// AllowedInAt reports whether the variable may be used in probes of the
// given kind (name or alias) in version ver.
func (va Variable) AllowedInAt(kind string, ver dialect.Version) bool {
	return allowed(va.KindsIn(ver), kind)
}

// TypeIn returns the variable's type in version ver.
func (va Variable) TypeIn(ver dialect.Version) string {
	return typeIn(va.Type, va.OlderTypes, ver)
}

// Functions returns every builtin function of every modelled version,
// including the call forms of builtin variables such as comm(). The caller
// must not modify the slices inside the entries.
func Functions() []Function { return slices.Clone(allFunctions) }

// LookupFunction finds a builtin function by name.
func LookupFunction(name string) (Function, bool) {
	if i, ok := funcIndex[name]; ok {
		return allFunctions[i], true
	}
	return Function{}, false
}

// AvailableIn reports whether bpftrace version ver has this function.
func (f Function) AvailableIn(ver dialect.Version) bool {
	return inRange(f.Since, f.Until, ver)
}

// KindsIn returns the canonical probe kinds where the function is valid in
// version ver; nil means every kind.
func (f Function) KindsIn(ver dialect.Version) []string {
	return kindsIn(f.Kinds, f.OlderKinds, ver)
}

// AllowedIn reports whether the function may be called in probes of the
// given kind (name or alias) in the newest version.
func (f Function) AllowedIn(kind string) bool { return allowed(f.Kinds, kind) }

// AllowedInAt reports whether the function may be called in probes of the
// given kind (name or alias) in version ver.
func (f Function) AllowedInAt(kind string, ver dialect.Version) bool {
	return allowed(f.KindsIn(ver), kind)
}

// ArgsIn returns the argument counts the function accepts in version ver;
// max is -1 for variadic functions.
func (f Function) ArgsIn(ver dialect.Version) (minArgs, maxArgs int) {
	ver = ver.Clamp()
	for _, a := range f.OlderArgs {
		if ver.Less(a.Until) {
			return a.MinArgs, a.MaxArgs
		}
	}
	return f.MinArgs, f.MaxArgs
}

// ReturnsIn returns the function's result type in version ver.
func (f Function) ReturnsIn(ver dialect.Version) string {
	return typeIn(f.Returns, f.OlderReturns, ver)
}

// StatementIn reports whether the function has no value in version ver and
// so may only be called as a statement.
func (f Function) StatementIn(ver dialect.Version) bool {
	if f.Statement {
		return true
	}
	return !f.StatementBefore.IsZero() && ver.Clamp().Less(f.StatementBefore)
}

// inRange reports whether ver (clamped to the modelled range) lies in
// [since, until), zero bounds being open.
func inRange(since, until, ver dialect.Version) bool {
	ver = ver.Clamp()
	return (since.IsZero() || ver.AtLeast(since)) && (until.IsZero() || ver.Less(until))
}

func kindsIn(current []string, older []KindsBefore, ver dialect.Version) []string {
	ver = ver.Clamp()
	for _, k := range older {
		if ver.Less(k.Until) {
			return k.Kinds
		}
	}
	return current
}

// allowed reports whether kind (any spelling) is in kinds; nil kinds allow
// every kind, even unknown ones.
func allowed(kinds []string, kind string) bool {
	if kinds == nil {
		return true
	}
	return slices.Contains(kinds, CanonicalKind(kind))
}

func typeIn(current string, older []TypeBefore, ver dialect.Version) string {
	ver = ver.Clamp()
	for _, t := range older {
		if ver.Less(t.Until) {
			return t.Type
		}
	}
	return current
}
