package syntax

// Token is the kind of a lexical token.
type Token int

// Tokens. Keywords are contextual in bpftrace (a probe may be named "for"),
// so they are scanned as IDENT and recognised by the parser.
const (
	EOF Token = iota
	ILLEGAL
	IDENT      // comm, kprobe, struct
	INT        // 42, 0x2a, 1_000, 1e6, 10ms, 7u
	STRING     // "text\n"
	MAP        // @name, or @ for the anonymous map
	VAR        // $name
	PARAM      // $1
	PARAMCOUNT // $#
	DIRECTIVE  // a whole line starting with '#': #include, #define, #!

	LParen   // (
	RParen   // )
	LBrace   // {
	RBrace   // }
	LBrack   // [
	RBrack   // ]
	Semi     // ;
	Comma    // ,
	Colon    // :
	Dot      // .
	DotDot   // ..
	Arrow    // ->
	Question // ?
	Assign   // =

	Plus    // +
	Minus   // -
	Star    // *
	Slash   // /
	Percent // %
	Amp     // &
	Pipe    // |
	Caret   // ^
	Bang    // !
	Tilde   // ~
	Lt      // <
	Gt      // >
	Le      // <=
	Ge      // >=
	Eq      // ==
	Ne      // !=
	Shl     // <<
	Shr     // >>
	AndAnd  // &&
	OrOr    // ||
	Inc     // ++
	Dec     // --

	PlusAssign    // +=
	MinusAssign   // -=
	StarAssign    // *=
	SlashAssign   // /=
	PercentAssign // %=
	AmpAssign     // &=
	PipeAssign    // |=
	CaretAssign   // ^=
	ShlAssign     // <<=
	ShrAssign     // >>=
	tokenCount
)

var tokenText = [...]string{
	EOF: "end of file", ILLEGAL: "illegal character", IDENT: "identifier",
	INT: "integer", STRING: "string", MAP: "map", VAR: "variable",
	PARAM: "positional parameter", PARAMCOUNT: "$#", DIRECTIVE: "preprocessor line",
	LParen: "(", RParen: ")", LBrace: "{", RBrace: "}", LBrack: "[", RBrack: "]",
	Semi: ";", Comma: ",", Colon: ":", Dot: ".", DotDot: "..", Arrow: "->",
	Question: "?", Assign: "=",
	Plus: "+", Minus: "-", Star: "*", Slash: "/", Percent: "%", Amp: "&",
	Pipe: "|", Caret: "^", Bang: "!", Tilde: "~", Lt: "<", Gt: ">", Le: "<=",
	Ge: ">=", Eq: "==", Ne: "!=", Shl: "<<", Shr: ">>", AndAnd: "&&", OrOr: "||",
	Inc: "++", Dec: "--",
	PlusAssign: "+=", MinusAssign: "-=", StarAssign: "*=", SlashAssign: "/=",
	PercentAssign: "%=", AmpAssign: "&=", PipeAssign: "|=", CaretAssign: "^=",
	ShlAssign: "<<=", ShrAssign: ">>=",
}

// String returns the token's spelling for operators and a description for
// the others, as used in error messages.
func (t Token) String() string {
	if t >= 0 && int(t) < len(tokenText) {
		return tokenText[t]
	}
	return "unknown token"
}

// IsCompoundAssign reports whether t is an operator-assignment such as +=.
func (t Token) IsCompoundAssign() bool { return t >= PlusAssign && t <= ShrAssign }

// BinaryOp returns the binary operator a compound assignment applies:
// Plus for PlusAssign, and so on. It returns ILLEGAL for other tokens.
func (t Token) BinaryOp() Token {
	switch t {
	case PlusAssign:
		return Plus
	case MinusAssign:
		return Minus
	case StarAssign:
		return Star
	case SlashAssign:
		return Slash
	case PercentAssign:
		return Percent
	case AmpAssign:
		return Amp
	case PipeAssign:
		return Pipe
	case CaretAssign:
		return Caret
	case ShlAssign:
		return Shl
	case ShrAssign:
		return Shr
	}
	return ILLEGAL
}

// Precedence returns the binding power of a binary operator, from 1 (||) to
// 10 (* / %), or 0 when t is not a binary operator. The levels are
// bpftrace's, which are C's.
func (t Token) Precedence() int {
	switch t {
	case OrOr:
		return 1
	case AndAnd:
		return 2
	case Pipe:
		return 3
	case Caret:
		return 4
	case Amp:
		return 5
	case Eq, Ne:
		return 6
	case Lt, Gt, Le, Ge:
		return 7
	case Shl, Shr:
		return 8
	case Plus, Minus:
		return 9
	case Star, Slash, Percent:
		return 10
	}
	return 0
}
