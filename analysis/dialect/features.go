package dialect

import "strconv"

// Feature is one language construct that not every modelled bpftrace
// version has: new syntax (since some version), old syntax a newer version
// rejects (until some version), or, where Semantic says so, a rule of the
// type checker that changed. The zero Feature is invalid.
type Feature int

// The features, oldest first. Their IDs are stable: editors, tests and
// suppression comments may key on them.
const (
	FeatureOffsetof Feature = iota + 1
	FeatureArrayCast
	FeatureConfigBlock
	FeatureConfigEmpty
	FeatureConfigTrailingSemicolon
	FeatureUserFunction
	FeatureForMap
	FeatureReturnValue
	FeatureKeywordFieldName
	FeatureLet
	FeatureTypedLet
	FeatureOffsetofNested
	FeatureLowercaseBeginEnd
	FeatureDurationLiteral
	FeatureBoolLiteral
	FeatureAddressOf
	FeatureBlockExpression
	FeatureRangeFor
	FeatureMapDeclaration
	FeatureMacro
	FeatureImport
	FeatureUnrollExpression
	FeatureUppercaseIntSuffix
	FeatureIfWithoutParens
	FeatureLoopWithoutParens
	FeatureIfExpression
	FeatureDiscard
	FeatureRecord
	FeatureShortTuple
	FeatureTypeof
	FeatureTypeinfo
	FeatureComptime
	FeatureBlockImport
	FeatureProbeName
	FeatureDotOnPointer
	FeatureStringIndex
	FeatureTupleBracketIndex
	FeatureElvis
	FeatureSemicolonAfterBlock
	FeatureMapDeclWithoutSemicolon
	FeatureImportBeforeConfig
	FeatureCStructAttribute
	FeatureSigilTernaryStatement
	featureEnd
)

// featureInfo is one row of the feature table.
type featureInfo struct {
	id    string  // stable identifier
	name  string  // how messages name the construct
	since Version // first version that accepts it; zero: every modelled version
	until Version // first version that rejects it again; zero: still accepted
	// gate is the "unstable_*" config key that must be enabled for the
	// feature to be accepted, in every version from since on.
	gate string
	// refines names the feature this one is a detail of; Check reports it
	// only in versions that have that feature, to avoid a second finding
	// on the same construct.
	refines  Feature
	semantic bool // decided by the type checker; Check does not look for it
	doc      string
}

// features is the table. Boundaries come from bpftrace's own history, in
// the repository at each release tag: src/parser.yy and src/lexer.l up to
// v0.25.0, the hand-written src/parser.cpp of v0.26.0, util/int_parser.cpp,
// probe_types.cpp and the unstable-feature pass, cross-checked with
// CHANGELOG.md. Where the changelog and the grammar disagree the grammar
// wins. Each row's comment names its source.
//
// Real binaries check every row that Check looks for, on both sides of the
// boundaries they can see: TestAgainstBpftrace023 runs the table snippets
// through bpftrace 0.23.2 (-l FILE parses and resolves attach points
// without attaching; --emit-elf FILE compiles without loading) and requires
// it to accept exactly what Has(0.23) allows; TestAgainstNewest does the
// same with bpftrace 0.27.1 --fmt (parse only) for Newest. Boundaries
// between 0.17 and 0.22 and at 0.24-0.26 have no binary here: "0.23
// accepts" or "0.23 rejects" in a comment is what was verified, the
// version itself comes from git.
var features = [featureEnd]featureInfo{
	FeatureOffsetof: { // 0.23 accepts; v0.18.0 parser.yy adds OFFSETOF (0.17 lexes it as an unknown call)
		id: "offsetof", name: "`offsetof`", since: V(0, 18),
		doc: "offsetof(struct T, field): the offset of a field",
	},
	FeatureArrayCast: { // 0.23 accepts; v0.19.0 parser.yy adds int_type "[" INT "]"
		id: "array-cast", name: "a cast to an array type", since: V(0, 19),
		doc: "(uint8[4])x: a cast between an integer and an integer array",
	},
	FeatureConfigBlock: { // 0.23 accepts; v0.20.0 parser.yy adds CONFIG ASSIGN config_block
		id: "config-block", name: "a `config` block", since: V(0, 20),
		doc: "config = { key = value; ... } before the probes",
	},
	FeatureConfigEmpty: { // 0.23 accepts; v0.21.0 config_assign_stmt_list gains %empty
		id: "config-empty", name: "an empty `config` block", since: V(0, 21), refines: FeatureConfigBlock,
		doc: "config = {} with no settings",
	},
	FeatureConfigTrailingSemicolon: { // 0.23 accepts; v0.21.0 config_assign_stmt_list gains %empty
		id: "config-trailing-semicolon", name: "a `;` after the last config setting", since: V(0, 21), refines: FeatureConfigBlock,
		doc: "config = { a = 1; }: 0.20 allowed ';' only between settings",
	},
	FeatureUserFunction: { // 0.23 -l accepts (its --emit-elf crashes on any fn); v0.21.0 adds SUBPROG
		id: "user-function", name: "`fn`", since: V(0, 21),
		doc: "fn name($arg: type): type { ... }: a user-defined function",
	},
	FeatureForMap: { // 0.23 accepts; v0.21.0 adds for_stmt
		id: "for-map", name: "`for` over a map", since: V(0, 21),
		doc: "for ($kv : @map) { ... }",
	},
	FeatureReturnValue: { // 0.23 accepts; v0.21.0 adds RETURN expr
		id: "return-value", name: "`return` with a value", since: V(0, 21),
		doc: "return expr; (0.17-0.20 had only a bare return)",
	},
	FeatureKeywordFieldName: { // 0.23 -l accepts; v0.21.0 adds external_name: keyword | ident
		id: "keyword-field-name", name: "a keyword as a field name", since: V(0, 21),
		doc: "x.if, x.for ...: keywords after '.' or '->'",
	},
	FeatureLet: { // 0.23 accepts; v0.22.0 adds var_decl_stmt
		id: "let", name: "`let`", since: V(0, 22),
		doc: "let $x; or let $x = value;: a scratch variable declaration",
	},
	FeatureTypedLet: { // 0.23 accepts; v0.22.0 adds LET var COLON type
		id: "typed-let", name: "`let` with a type", since: V(0, 22),
		doc: "let $x: type = value;",
	},
	FeatureOffsetofNested: { // 0.23 accepts; v0.23.0 adds struct_field DOT external_name
		id: "offsetof-nested", name: "`offsetof` with a nested field", since: V(0, 23), refines: FeatureOffsetof,
		doc: "offsetof(struct T, a.b)",
	},
	FeatureLowercaseBeginEnd: { // 0.23 rejects; v0.24.0 probe_types.cpp lowercases provider names
		id: "lowercase-begin-end", name: "lowercase `begin`/`end`", since: V(0, 24),
		doc: "begin and end probes spelled other than BEGIN and END",
	},
	FeatureDurationLiteral: { // 0.23 rejects; v0.24.0 lexer.l int_size gains ns|us|ms|s|m|h|d
		id: "duration-literal", name: "a duration literal", since: V(0, 24),
		doc: "10ms, 1s, 5m ...: integers in nanoseconds with a unit suffix",
	},
	FeatureBoolLiteral: { // 0.23 rejects true as a config value, accepts it in expressions; v0.24.0 lexer.l adds bool
		id: "bool-literal", name: "`true`/`false`", since: V(0, 24), refines: FeatureConfigBlock,
		doc: "the literals true and false; before 0.24 they are plain names, which the " +
			"kernel's BTF defines as enum constants, so Check reports them only as config values",
	},
	FeatureAddressOf: { // 0.23 rejects; v0.24.0 adds var_addr and map_addr (unstable_addr warns until 0.26)
		id: "address-of", name: "`&` (address of)", since: V(0, 24),
		doc: "&$var and &@map",
	},
	FeatureBlockExpression: { // 0.23 rejects; v0.24.0 adds bare_block and block_expr
		id: "block-expression", name: "a nested `{ ... }` block", since: V(0, 24),
		doc: "a block used as a statement or, ending in an expression, as a value",
	},
	FeatureRangeFor: { // 0.23 rejects; v0.24.0 adds range: postfix_expr DOT DOT postfix_expr
		id: "range-for", name: "`for` over a range", since: V(0, 24),
		doc: "for ($i : 0..n) { ... }",
	},
	FeatureMapDeclaration: { // 0.23 rejects; v0.24.0 adds map_decl_stmt (unstable_map_decl warns until 0.25)
		id: "map-declaration", name: "a map declaration", since: V(0, 24),
		doc: "let @m = hash(1024); at the top level",
	},
	FeatureMacro: { // 0.23 rejects; v0.24.0 adds MACRO (unstable_macro warns until 0.25)
		id: "macro", name: "`macro`", since: V(0, 24),
		doc: "macro name(args) { ... }",
	},
	FeatureImport: { // 0.23 rejects; v0.24.0 adds import_stmt (unstable_import warns until 0.26)
		id: "import", name: "`import`", since: V(0, 24),
		doc: "import \"file\"; at the top level",
	},
	FeatureUnrollExpression: { // 0.23 rejects; v0.24.0 has UNROLL "(" expr ")", before int or param
		id: "unroll-expression", name: "an `unroll` count that is not a literal", since: V(0, 24),
		doc: "unroll(n + 1): 0.17-0.23 took only an integer or a positional parameter",
	},
	FeatureUppercaseIntSuffix: { // 0.23 accepts, 0.27 rejects; v0.24.0 util/int_parser.cpp matches suffixes case-sensitively
		id: "uppercase-int-suffix", name: "an uppercase integer suffix", until: V(0, 24),
		doc: "10UL, 7U ...: C size suffixes in capitals",
	},
	FeatureIfWithoutParens: { // 0.23 rejects; v0.25.0 has IF cond_expr (the changelog files it under 0.24, whose grammar still needs parentheses)
		id: "if-without-parens", name: "`if` without parentheses", since: V(0, 25),
		doc: "if cond { ... } with a unary condition",
	},
	FeatureLoopWithoutParens: { // 0.23 rejects; v0.25.0 has WHILE/UNROLL cond_expr and FOR var ":"
		id: "loop-without-parens", name: "a loop header without parentheses", since: V(0, 25),
		doc: "while cond { }, unroll n { }, for $x : @m { }",
	},
	FeatureIfExpression: { // 0.23 rejects; v0.25.0 adds if_expr
		id: "if-expression", name: "`if` as an expression", since: V(0, 25),
		doc: "$x = if c { a } else { b };",
	},
	FeatureDiscard: { // 0.23 rejects; v0.25.0 adds UNDERSCORE ASSIGN expr
		id: "discard", name: "`_ =`", since: V(0, 25),
		doc: "_ = expr;: a value explicitly discarded",
	},
	FeatureRecord: { // 0.23 rejects; v0.25.0 adds record_expr
		id: "record", name: "a record", since: V(0, 25),
		doc: "(name = value, ...)",
	},
	FeatureShortTuple: { // 0.23 rejects; v0.25.0 tuple_expr gains "(" vargs "," ")" and "(" ")"
		id: "short-tuple", name: "an empty or one-element tuple", since: V(0, 25),
		doc: "() and (x,)",
	},
	FeatureTypeof: { // 0.23 rejects; v0.25.0 adds typeof_expr
		id: "typeof", name: "`typeof`", since: V(0, 25),
		doc: "typeof(expr) as a type",
	},
	FeatureTypeinfo: { // 0.23 rejects; v0.25.0 adds typeinfo_expr, unstable_typeinfo errors by default
		id: "typeinfo", name: "`typeinfo`", since: V(0, 25), gate: "unstable_typeinfo",
		doc: "typeinfo(expr): a description of a type",
	},
	FeatureComptime: { // 0.23 rejects; v0.25.0 adds comptime_expr
		id: "comptime", name: "`comptime`", since: V(0, 25),
		doc: "comptime expr: evaluated while compiling",
	},
	FeatureBlockImport: { // 0.23 rejects; v0.25.0 adds import_stmt in stmt_list, unstable_import_statement errors by default
		id: "block-import", name: "`import` inside a block", since: V(0, 25), gate: "unstable_import_statement",
		doc: "import \"file\"; as a statement",
	},
	FeatureProbeName: { // 0.23 rejects; v0.25.0 attach_point_elem gains EQ (named probes)
		id: "probe-name", name: "a probe name", since: V(0, 25),
		doc: "name=kprobe:f { }: a named attach point (reserved for future use)",
	},
	FeatureDotOnPointer: { // semantic; v0.25.0 changelog: automatic dereferencing with '.'
		id: "dot-on-pointer", name: "`.` on a pointer", since: V(0, 25), semantic: true,
		doc: "p.field on a pointer to a struct; older versions need p->field",
	},
	FeatureStringIndex: { // semantic; v0.25.0 changelog: indexing string types
		id: "string-index", name: "indexing a string", since: V(0, 25), semantic: true,
		doc: "comm[0]: a byte of a string",
	},
	FeatureTupleBracketIndex: { // semantic; v0.25.0 changelog: array-style access for tuples
		id: "tuple-bracket-index", name: "`[ ]` on a tuple", since: V(0, 25), semantic: true,
		doc: "$t[0] as well as $t.0",
	},
	FeatureElvis: { // 0.23 rejects; v0.26.0 parser.cpp parse_ternary accepts an empty second operand
		id: "elvis", name: "`?:`", since: V(0, 26),
		doc: "a ?: b: a if it is true, else b",
	},
	FeatureSemicolonAfterBlock: { // 0.23 rejects; v0.26.0 parse_block takes ';' after any expression
		id: "semicolon-after-block", name: "a `;` after an `if` or block statement", since: V(0, 26),
		doc: "if c { ... }; and { ... };",
	},
	FeatureMapDeclWithoutSemicolon: { // 0.23 rejects; v0.26.0 parse_map_decl_stmt has match(';')
		id: "map-decl-without-semicolon", name: "a map declaration without `;`", since: V(0, 26), refines: FeatureMapDeclaration,
		doc: "let @m = hash(10) without the final ';'",
	},
	FeatureImportBeforeConfig: { // 0.23 rejects; v0.26.0 parse_program takes config and imports in any order
		id: "import-before-config", name: "a `config` block after an `import`", since: V(0, 26), refines: FeatureImport,
		doc: "0.24 and 0.25 require config before imports",
	},
	FeatureCStructAttribute: { // 0.23 rejects; v0.26.0 parse_c_definition consumes __attribute__
		id: "c-struct-attribute", name: "`__attribute__` after a C struct", since: V(0, 26),
		doc: "struct S { ... } __attribute__((packed));",
	},
	FeatureSigilTernaryStatement: { // 0.23 accepts, 0.27 rejects; v0.26.0 make_assignment_or_expr stops at binary operators
		id: "sigil-ternary-statement", name: "a `?` statement that starts with a variable or map", until: V(0, 26),
		doc: "$a ? f() : g();: 0.26 reads a statement that starts with $ or @ as an assignment or a plain expression",
	},
}

// Features returns every feature in table order.
func Features() []Feature {
	fs := make([]Feature, 0, featureEnd-1)
	for f := Feature(1); f < featureEnd; f++ {
		fs = append(fs, f)
	}
	return fs
}

// Lookup returns the feature with the given ID.
func Lookup(id string) (Feature, bool) {
	for f := Feature(1); f < featureEnd; f++ {
		if features[f].id == id {
			return f, true
		}
	}
	return 0, false
}

// valid reports whether f names a row of the table.
func (f Feature) valid() bool { return f > 0 && f < featureEnd }

func (f Feature) info() featureInfo {
	if !f.valid() {
		return featureInfo{}
	}
	return features[f]
}

// ID returns the stable identifier of f, such as "elvis".
func (f Feature) ID() string { return f.info().id }

// String returns the ID, or "Feature(n)" for an invalid feature.
func (f Feature) String() string {
	if !f.valid() {
		return "Feature(" + strconv.Itoa(int(f)) + ")"
	}
	return f.ID()
}

// Name returns how messages refer to f, such as "`?:`".
func (f Feature) Name() string { return f.info().name }

// Doc returns a one-line description of f.
func (f Feature) Doc() string { return f.info().doc }

// Since returns the first version that accepts f; the zero version means
// every modelled version.
func (f Feature) Since() Version { return f.info().since }

// Until returns the first version that rejects f again; the zero version
// means f is still accepted by Newest.
func (f Feature) Until() Version { return f.info().until }

// Gate returns the "unstable_*" config key that must be enabled for bpftrace
// to accept f, or "" when f needs none.
func (f Feature) Gate() string { return f.info().gate }

// Refines returns the feature f is a detail of, such as FeatureConfigBlock
// for FeatureConfigEmpty, or 0. Check reports f only where that feature is
// available.
func (f Feature) Refines() Feature { return f.info().refines }

// Semantic reports whether f is a rule of the type checker rather than of
// the grammar; Check does not look for semantic features.
func (f Feature) Semantic() bool { return f.info().semantic }

// Has reports whether bpftrace v has feature f. v is clamped to the
// modelled range first, so the zero version means Newest. A gated feature
// counts as present; whether its gate is open is up to the program's config.
func Has(v Version, f Feature) bool {
	if !f.valid() {
		return false
	}
	v = v.Clamp()
	i := features[f]
	return v.AtLeast(i.since) && (i.until.IsZero() || v.Less(i.until))
}
