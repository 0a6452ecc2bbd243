package sema

// Stable diagnostic codes of the semantic stage. Editors, CI and the
// agreement benchmark key on these; never change the meaning of one.
const (
	CodeUnknownProbeKind    = "ken/unknown-probe-kind"    // a provider bpftrace does not have
	CodeAttachPointArity    = "ken/attach-point-arity"    // too few or too many parts after the provider
	CodeUnknownTracepoint   = "ken/unknown-tracepoint"    // no such tracepoint in the kernel
	CodeUnknownFunction     = "ken/unknown-kernel-func"   // no such kernel function (bpftrace only warns)
	CodeNoMatch             = "ken/wildcard-no-match"     // a wildcard attach point that matches nothing
	CodeProbeUnavailable    = "ken/probe-unavailable"     // the kernel cannot run this probe kind
	CodeInvalidAttachArg    = "ken/invalid-attach-arg"    // a bad unit, event name or count in an attach point
	CodeNoSuchFile          = "ken/no-such-file"          // a uprobe binary or #include file that does not exist here
	CodeBuiltinProbeKind    = "ken/builtin-probe-kind"    // a builtin variable the probe kind does not provide
	CodeCallProbeKind       = "ken/call-probe-kind"       // a builtin function the probe kind does not allow
	CodeUnknownIdentifier   = "ken/unknown-identifier"    // a bare name that is no builtin, macro or enum value
	CodeUnknownCall         = "ken/unknown-call"          // a call of a function that does not exist
	CodeCallArity           = "ken/call-arity"            // a builtin called with the wrong number of arguments
	CodeCallArgument        = "ken/call-argument"         // a builtin argument of the wrong type or form
	CodeAggregationContext  = "ken/aggregation-context"   // count(), hist()... not assigned directly to a map
	CodeNoValue             = "ken/no-value"              // the result of printf(), exit()... used as a value
	CodeFormatLiteral       = "ken/format-literal"        // a format argument that is not a string literal
	CodeFormatArity         = "ken/format-arity"          // format verbs and arguments do not pair up
	CodeFormatType          = "ken/format-type"           // an argument that does not suit its format verb
	CodeMapKeyMismatch      = "ken/map-key-mismatch"      // a map accessed with keys of another type, or with and without keys
	CodeMapValueMismatch    = "ken/map-value-mismatch"    // a map assigned values of two different types
	CodeUndefinedMap        = "ken/undefined-map"         // a map read but never written
	CodeUndefinedVariable   = "ken/undefined-variable"    // a scratch variable read before it is assigned in scope
	CodeVariableTypeChange  = "ken/variable-type-change"  // a scratch variable assigned values of two types
	CodeTypeMismatch        = "ken/type-mismatch"         // operands that do not go together
	CodeUnknownType         = "ken/unknown-type"          // a struct, union or enum the kernel does not have
	CodeUnknownField        = "ken/unknown-field"         // a field the struct or tracepoint does not have
	CodeNotAStruct          = "ken/not-a-struct"          // field access on a value that has no fields
	CodeAggregateOperand    = "ken/aggregate-operand"     // ++, -- or similar on an aggregation
	CodeUnknownKernelSymbol = "ken/unknown-kernel-symbol" // kaddr() of a symbol the kernel does not list
)

// Codes added with the bpftrace 0.23 corpus.
const (
	CodeIntegerMismatch  = "ken/integer-mismatch"   // a variable assigned an integer of another signedness or a larger size
	CodeAggregateCopy    = "ken/aggregate-copy"     // an aggregation copied from one map to another
	CodeLateDeclaration  = "ken/late-declaration"   // let after the variable was already used
	CodeJumpOutsideLoop  = "ken/jump-outside-loop"  // break or continue outside a loop
	CodeUnknownConfig    = "ken/unknown-config"     // a config block key bpftrace does not have
	CodeInvalidCast      = "ken/invalid-cast"       // a cast bpftrace cannot perform
	CodePointerOperation = "ken/pointer-arithmetic" // an operator bpftrace does not allow on pointers
	CodeWholeMapArgument = "ken/whole-map-argument" // clear(), zero() or print() given one key of a map
	CodeLiteralArgument  = "ken/literal-argument"   // an argument that must be a literal, or a literal out of range
	CodeUnsafe           = "ken/unsafe"             // a builtin that bpftrace runs only with --unsafe
)
