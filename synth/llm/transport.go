package llm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"
)

// maxReplyBytes bounds a reply body. Replies are read whole, inside the
// attempt's timeout, so that a stalled body counts as a timeout and a
// dropped one can be retried; no model reply ken asks for comes near this.
const maxReplyBytes = 16 << 20

// transport is the http.RoundTripper under every provider's langchaingo
// client. It retries, times out each attempt, adds or removes credentials,
// and records what happened in the request context's trace so that Chat and
// Embed can explain a failure that langchaingo reports only vaguely (its
// OpenAI client, for one, turns every transport error into "network error").
//
// A reply the transport gives up on is never passed up as a response: it
// returns an error instead, so no client above can retry it again.
type transport struct {
	base       http.RoundTripper
	provider   string
	model      string
	timeout    time.Duration
	maxRetries int
	keyEnv     string            // the variable named in messages; "" when none
	hasKey     bool              // whether the variable held a key
	auth       func(http.Header) // sets or removes credentials; nil leaves headers alone
	redact     *redactor
	wait       backoff
	sleep      func(context.Context, time.Duration) error
	now        func() time.Time
}

// outcome is what one attempt produced.
type outcome struct {
	resp     *http.Response // with the body read into memory; nil on error
	body     []byte
	err      error // transport or body-read error
	timedOut bool  // the attempt's own timeout fired
}

// RoundTrip sends req, retrying as the package documentation describes.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tr := traceFrom(req.Context())
	getBody, err := replayable(req)
	if err != nil {
		return nil, t.fail(tr, t.newError(req, 0, 0, ErrUnavailable, "cannot read the request body: %v", err))
	}
	for attempt := 1; ; attempt++ {
		o := t.attempt(req, getBody)
		tr.record(req, o)
		if o.err == nil && o.resp.StatusCode/100 == 2 {
			return o.resp, nil
		}
		delay, why, retry := t.retryAfter(req, o, attempt)
		if !retry {
			return nil, t.fail(tr, t.giveUp(req, o, attempt, why))
		}
		if err := t.sleep(req.Context(), delay); err != nil {
			return nil, t.fail(tr, t.cancelled(req, attempt, err))
		}
	}
}

// replayable returns a function giving a fresh copy of req's body for each
// attempt, buffering the body when the request cannot rewind itself.
func replayable(req *http.Request) (func() (io.ReadCloser, error), error) {
	if req.Body == nil || req.Body == http.NoBody {
		return func() (io.ReadCloser, error) { return http.NoBody, nil }, nil
	}
	if req.GetBody != nil {
		req.Body.Close() // a RoundTripper must close it; GetBody serves every attempt
		return req.GetBody, nil
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	if err != nil {
		return nil, err
	}
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }, nil
}

// attempt sends one copy of req under its own timeout and reads the reply.
func (t *transport) attempt(req *http.Request, getBody func() (io.ReadCloser, error)) outcome {
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	defer cancel()
	body, err := getBody()
	if err != nil {
		return outcome{err: err}
	}
	r := req.Clone(ctx)
	r.Body = body
	if t.auth != nil {
		t.auth(r.Header)
	}
	resp, err := t.base.RoundTrip(r)
	if err == nil {
		var data []byte
		data, err = readReply(resp)
		if err == nil {
			return outcome{resp: resp, body: data}
		}
	}
	return outcome{err: err, timedOut: req.Context().Err() == nil && ctx.Err() != nil}
}

// readReply reads resp's body into memory, replacing it, so that the body
// is read within the attempt's timeout and the attempt can end.
func readReply(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxReplyBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxReplyBytes {
		return nil, errTooLarge
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	resp.ContentLength = int64(len(data))
	resp.Header.Del("Content-Length")
	return data, nil
}

var errTooLarge = fmt.Errorf("the reply is larger than %d MiB", maxReplyBytes>>20)

// retryAfter decides whether a failed attempt is worth another, and after
// how long. When it is not, why says so for the error message ("" when the
// status or error speaks for itself).
func (t *transport) retryAfter(req *http.Request, o outcome, attempt int) (delay time.Duration, why string, retry bool) {
	if req.Context().Err() != nil || o.timedOut || !retryable(o) {
		return 0, "", false
	}
	delay = t.wait.delay(attempt - 1)
	if o.resp != nil {
		if d, ok := parseRetryAfter(o.resp.Header, t.now()); ok {
			if d > t.wait.maxRetryAfter {
				return 0, fmt.Sprintf("the endpoint asks to wait %v, longer than ken waits (%v)", d.Round(time.Second), t.wait.maxRetryAfter), false
			}
			delay = d
		}
	}
	if attempt > t.maxRetries {
		return 0, "", false
	}
	if dl, ok := req.Context().Deadline(); ok && t.now().Add(delay).After(dl) {
		return 0, "the caller's deadline comes before the next try", false
	}
	return delay, "", true
}

// retryable reports whether an attempt failed in a way that another try may
// cure: overload, a server fault, or a dropped connection.
func retryable(o outcome) bool {
	if o.err != nil {
		return errors.Is(o.err, syscall.ECONNRESET) || errors.Is(o.err, syscall.ECONNABORTED) ||
			errors.Is(o.err, syscall.EPIPE) || errors.Is(o.err, io.EOF) || errors.Is(o.err, io.ErrUnexpectedEOF) ||
			http2Dropped(o.err)
	}
	switch s := o.resp.StatusCode; {
	case s == http.StatusRequestTimeout, s == http.StatusTooManyRequests:
		return true
	case s == http.StatusNotImplemented: // will not change on a retry
		return false
	default:
		return s >= 500
	}
}

// http2Dropped reports an HTTP/2 stream the server refused before work
// began (REFUSED_STREAM) or a connection it shut down (GOAWAY), both safe to
// retry. net/http's HTTP/2 error types are unexported, so their text is
// matched.
func http2Dropped(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "REFUSED_STREAM") || strings.Contains(msg, "GOAWAY")
}

// sleepCtx waits for d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// fail records e in the trace and returns it.
func (t *transport) fail(tr *trace, e *Error) error {
	tr.fail(e)
	return e
}

// newError makes an *Error about req, redacted.
func (t *transport) newError(req *http.Request, status, attempts int, class error, format string, args ...any) *Error {
	return t.redact.redactError(&Error{
		Provider: t.provider,
		URL:      cleanURL(req.URL),
		Status:   status,
		Attempts: attempts,
		Msg:      fmt.Sprintf(format, args...),
		Err:      class,
	})
}

// cancelled is the error for a request whose caller gave up.
func (t *transport) cancelled(req *http.Request, attempts int, err error) *Error {
	return t.newError(req, 0, attempts, err, "request to %s abandoned: %v", cleanURL(req.URL), err)
}

// giveUp explains the last failed attempt.
func (t *transport) giveUp(req *http.Request, o outcome, attempts int, why string) *Error {
	u := cleanURL(req.URL)
	after := ""
	if attempts > 1 {
		after = fmt.Sprintf(" after %d attempts", attempts)
	}
	switch {
	case req.Context().Err() != nil:
		return t.cancelled(req, attempts, req.Context().Err())
	case o.timedOut:
		return t.newError(req, 0, attempts, ErrTimeout, "no complete reply from %s within %v (Config.Timeout)", u, t.timeout)
	case errors.Is(o.err, errTooLarge):
		return t.newError(req, 0, attempts, ErrBadReply, "reply from %s: %v", u, o.err)
	case o.err != nil:
		return t.newError(req, 0, attempts, ErrUnavailable, "cannot reach %s%s: %v", u, after, innerError(o.err))
	}
	status := o.resp.StatusCode
	class, hint := t.statusHint(status)
	if status/100 == 3 {
		hint = redirectHint(req, o.resp)
	}
	msg := fmt.Sprintf("%d %s from %s%s", status, http.StatusText(status), u, after)
	for _, part := range []string{why, hint} {
		if part != "" {
			msg += ": " + part
		}
	}
	if said := serverMessage(o.body); said != "" {
		msg += " (the endpoint says: " + said + ")"
	}
	return t.newError(req, status, attempts, class, "%s", msg)
}

// statusHint classifies a failing status and says what to check.
func (t *transport) statusHint(status int) (class error, hint string) {
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrAuth, t.keyHint()
	case status == http.StatusNotFound:
		return ErrRejected, fmt.Sprintf("check BaseURL and the model name %q", t.model)
	case status == http.StatusTooManyRequests:
		return ErrRateLimited, ""
	case status == http.StatusRequestTimeout || status >= 500:
		return ErrUnavailable, ""
	default:
		return ErrRejected, ""
	}
}

// redirectHint says where a 3xx reply points. Redirects are not followed:
// a POST with credentials should go where the Config says, and the fix is a
// one-line change of BaseURL.
func redirectHint(req *http.Request, resp *http.Response) string {
	loc, err := req.URL.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" {
		return "the endpoint redirects; check BaseURL"
	}
	return fmt.Sprintf("the endpoint redirects to %s; check BaseURL", cleanURL(loc))
}

// keyHint says where the key comes from, naming the variable, never the
// value.
func (t *transport) keyHint() string {
	switch {
	case t.keyEnv == "":
		return "the endpoint wants credentials: set APIKeyEnv to the variable that holds the key"
	case !t.hasKey:
		return fmt.Sprintf("check the key in $%s (it is unset or empty)", t.keyEnv)
	default:
		return fmt.Sprintf("check the key in $%s", t.keyEnv)
	}
}

// innerError drops the "Post URL:" prefix that url.Error adds, since the
// message names the URL already.
func innerError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// trace is what the transport saw while serving one Chat or Embed call. It
// travels in the request context; every method is safe on a nil trace.
type trace struct {
	mu       sync.Mutex
	attempts int
	url      string
	status   int    // of the last reply
	body     []byte // of the last reply
	err      *Error // set when the transport gave up
}

type traceKey struct{}

// withTrace returns ctx carrying tr.
func withTrace(ctx context.Context, tr *trace) context.Context {
	return context.WithValue(ctx, traceKey{}, tr)
}

// traceFrom returns the trace in ctx, or nil.
func traceFrom(ctx context.Context) *trace {
	tr, _ := ctx.Value(traceKey{}).(*trace)
	return tr
}

// record notes one attempt.
func (tr *trace) record(req *http.Request, o outcome) {
	if tr == nil {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.attempts++
	tr.url = cleanURL(req.URL)
	tr.status, tr.body = 0, nil
	if o.resp != nil {
		tr.status, tr.body = o.resp.StatusCode, o.body
	}
}

// fail notes the error the transport gave up with.
func (tr *trace) fail(e *Error) {
	if tr == nil {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.err = e
}

// snapshot returns the trace's fields under its lock.
func (tr *trace) snapshot() (attempts int, url string, status int, body []byte, err *Error) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return tr.attempts, tr.url, tr.status, tr.body, tr.err
}
