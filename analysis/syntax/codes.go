package syntax

// Stable diagnostic codes of the syntax stage. Editors and CI key on these;
// never change the meaning of one, add a new one instead.
const (
	CodeExpected            = "ken/syntax"                // a token or construct was expected and something else found
	CodeUnexpected          = "ken/unexpected"            // text that starts nothing valid here
	CodeUnterminatedString  = "ken/unterminated-string"   // a string literal without its closing quote on its line
	CodeUnterminatedComment = "ken/unterminated-comment"  // a /* comment without */
	CodeInvalidEscape       = "ken/invalid-escape"        // a string escape bpftrace rejects
	CodeInvalidInteger      = "ken/invalid-integer"       // an integer literal bpftrace rejects
	CodeInvalidAttachPoint  = "ken/invalid-attach-point"  // an attach point that cannot be split into provider and parts
	CodeMisplaced           = "ken/misplaced"             // a construct in a place bpftrace does not allow it
	CodeInvalidAssignment   = "ken/invalid-assignment"    // assignment to something that cannot be assigned
	CodeDuplicateRecordName = "ken/duplicate-record-name" // a record with the same field name twice
)
