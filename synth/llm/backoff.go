package llm

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// backoff is the waiting policy between attempts.
type backoff struct {
	base          time.Duration // wait before the first retry, before jitter
	max           time.Duration // longest wait, before jitter
	maxRetryAfter time.Duration // longest Retry-After honoured; beyond it ken gives up
	jitter        func(time.Duration) time.Duration
}

// defaultBackoff waits about 0.5, 1, 2 and 4 s before retries 1 to 4:
// under 8 s in all, short enough that a person in the editor still waits.
func defaultBackoff() backoff {
	return backoff{
		base:          500 * time.Millisecond,
		max:           8 * time.Second,
		maxRetryAfter: 30 * time.Second,
		jitter:        halfJitter,
	}
}

// delay returns the wait before retry n+1 (n counts from 0).
func (b backoff) delay(n int) time.Duration {
	d := b.max
	if n < 32 && b.base<<n > 0 && b.base<<n < b.max {
		d = b.base << n
	}
	if b.jitter != nil {
		d = b.jitter(d)
	}
	return d
}

// halfJitter returns a random duration in [d/2, d], so that clients that
// failed together do not retry together.
func halfJitter(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
}

// parseRetryAfter reads how long the endpoint asks to wait: retry-after-ms
// (OpenAI, Azure) in milliseconds, else Retry-After in seconds or as an HTTP
// date. A date in the past means no wait.
func parseRetryAfter(h http.Header, now time.Time) (time.Duration, bool) {
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e12 { // also rejects NaN
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if !(s >= 0 && s < 1e9) { // also rejects NaN
			return 0, false
		}
		return time.Duration(s * float64(time.Second)), true
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(at.Sub(now), 0), true
	}
	return 0, false
}
