package symbex

// Stable diagnostic codes of the symbolic stage.
const (
	CodeByteOrder     = "ken/byte-order"        // a network-order value printed, keyed or compared as host order; a host-order one swapped
	CodeDeadCondition = "ken/dead-condition"    // a condition that can never be true (or never false)
	CodeClockWrap     = "ken/clock-wrap"        // a timestamp delta that can wrap: the start may come from another thread
	CodeAssert        = "ken/assert"            // an //@ assert that can fail
	CodeEntryKey      = "ken/entry-key"         // a return probe reads under another key than its entry probe stored
	CodeReadDeleted   = "ken/read-after-delete" // a map element read where it was just deleted: always 0
	CodeEntryMissing  = "ken/entry-missing"     // a return probe prints what its entry stored, though the entry may not have run
	CodeDivByZero     = "ken/division-by-zero"  // a divisor that is 0 wherever the division runs
	CodeIDMix         = "ken/tid-pid-mix"       // a map keyed by tid in one place and by pid in another
	CodeNullDeref     = "ken/null-deref"        // a member read through a pointer NULL on every path, or one the contract says may be NULL, untested
	CodeNeverPositive = "ken/never-positive"    // hist() or sum() of a value that is never above 0 where it runs
	CodeOverflow      = "ken/overflow"          // nanoseconds multiplied into a finer unit: the product wraps 64 bits
	CodeTruncation    = "ken/truncation"        // a cast that cuts a timestamp, a kernel address or a pid to fewer bits than it needs
	CodeAnnotation    = "ken/annotation"        // an //@ annotation that does not parse
	CodeUnknown       = "ken/verify-unknown"    // the solver gave up on an obligation
)
