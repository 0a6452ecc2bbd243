package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/kenlsp/ken/analysis"
)

// Options configure a server.
type Options struct {
	// Log receives the server's own log lines (never document text or
	// secrets); nil discards them.
	Log io.Writer
	// Debounce is how long the server waits after an edit before it
	// analyses, so that a burst of keystrokes costs one analysis.
	Debounce time.Duration
}

// DefaultDebounce is the pause after an edit before analysis starts.
const DefaultDebounce = 5 * time.Millisecond

// Server is one language server session.
type Server struct {
	conn     jsonrpc2.Conn
	docs     *store
	log      io.Writer
	debounce time.Duration
	settings *settingsState

	requestsMu sync.Mutex
	requests   map[string]context.CancelFunc // in-flight requests by id

	timersMu sync.Mutex
	timers   map[protocol.DocumentURI]*time.Timer
	// verifying cancels the verification running for each document.
	verifying map[protocol.DocumentURI]context.CancelFunc
	// staging cancels the on-save stages running for each document.
	staging map[protocol.DocumentURI]context.CancelFunc

	shutdown atomic.Bool // shutdown was requested: only exit is served now
	exited   atomic.Bool // the client sent exit
	// clientProgress is set when the client accepts work-done progress.
	clientProgress atomic.Bool
	// initialized is closed when the client says it is initialized: the
	// server may send it requests only from then on.
	initialized     chan struct{}
	initializedOnce sync.Once
	// cancels stops work whose progress the client cancels.
	cancels progressCancels
	// runs tracks the syntheses under way.
	runs synthRuns
}

// Serve runs a server on rwc until the client exits or the connection
// breaks. It never panics: a failing handler answers with an error.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	s := &Server{
		docs:        newStore(),
		log:         opts.Log,
		debounce:    opts.Debounce,
		settings:    newSettingsState(),
		requests:    make(map[string]context.CancelFunc),
		timers:      make(map[protocol.DocumentURI]*time.Timer),
		verifying:   make(map[protocol.DocumentURI]context.CancelFunc),
		staging:     make(map[protocol.DocumentURI]context.CancelFunc),
		initialized: make(chan struct{}),
	}
	if s.log == nil {
		s.log = io.Discard
	}
	s.conn = jsonrpc2.NewConn(newStream(rwc))
	s.conn.Go(ctx, s.handle)
	select {
	case <-s.conn.Done():
	case <-ctx.Done():
		s.conn.Close()
	}
	if s.exited.Load() {
		if !s.shutdown.Load() {
			return ErrExitWithoutShutdown
		}
		return nil
	}
	if err := s.conn.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// ErrExitWithoutShutdown is Serve's result when the client sent exit
// without shutdown first; LSP asks the server to exit with status 1 then.
var ErrExitWithoutShutdown = errors.New("exit without shutdown")

// requestHandler answers one request method.
type requestHandler func(s *Server, ctx context.Context, params json.RawMessage) (any, error)

// notificationHandler handles one notification method. Notifications run
// one at a time, in the order they arrive, so that edits apply in order.
type notificationHandler func(s *Server, ctx context.Context, params json.RawMessage) error

var (
	requests      = map[string]requestHandler{}
	notifications = map[string]notificationHandler{}
)

// handleRequest registers a request method; feature files call it from init.
func handleRequest(method string, h requestHandler) { requests[method] = h }

// handleNotification registers a notification method.
func handleNotification(method string, h notificationHandler) { notifications[method] = h }

// handle is the jsonrpc2 handler. It must return quickly and never return
// an error, which would end the connection: notifications run here, in
// order; requests run on their own goroutines, cancellable by id.
func (s *Server) handle(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
	call, isCall := req.(*jsonrpc2.Call)
	if !isCall {
		s.notify(ctx, req)
		return nil
	}
	h, ok := requests[req.Method()]
	if !ok {
		return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "ken: method %q is not supported", req.Method()))
	}
	if s.shutdown.Load() && req.Method() != "shutdown" {
		return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.InvalidRequest, "ken: the server is shutting down"))
	}
	ctx, done := s.track(ctx, call.ID())
	go func() {
		defer done()
		result, err := s.safely(ctx, req.Method(), func() (any, error) { return h(s, ctx, req.Params()) })
		if ctx.Err() != nil {
			// Cancelled, whatever the handler made of it: LSP wants
			// RequestCancelled, not the failure a cancelled context causes.
			result, err = nil, jsonrpc2.NewError(requestCancelled, "ken: request cancelled")
		}
		if err := reply(ctx, result, asRPCError(err)); err != nil {
			fmt.Fprintf(s.log, "ken lsp: replying to %s: %v\n", req.Method(), err)
		}
	}()
	return nil
}

// requestCancelled is LSP's RequestCancelled error code.
const requestCancelled jsonrpc2.Code = -32800

// notify runs a notification handler, logging what fails.
func (s *Server) notify(ctx context.Context, req jsonrpc2.Request) {
	h, ok := notifications[req.Method()]
	if !ok {
		return // unknown notifications, $/ ones included, are ignored
	}
	_, err := s.safely(ctx, req.Method(), func() (any, error) { return nil, h(s, ctx, req.Params()) })
	if err != nil {
		fmt.Fprintf(s.log, "ken lsp: %s: %v\n", req.Method(), err)
	}
}

// safely runs f, turning a panic into an error so that no input can
// crash the server.
func (s *Server) safely(ctx context.Context, method string, f func() (any, error)) (result any, err error) {
	defer func() {
		if p := recover(); p != nil {
			fmt.Fprintf(s.log, "ken lsp: panic in %s: %v\n%s", method, p, debug.Stack())
			result, err = nil, jsonrpc2.Errorf(jsonrpc2.InternalError, "ken: internal error in %s: %v", method, p)
		}
	}()
	return f()
}

// asRPCError keeps jsonrpc2 errors and wraps others as request failures.
func asRPCError(err error) error {
	var rpc *jsonrpc2.Error
	if err == nil || errors.As(err, &rpc) {
		return err
	}
	return jsonrpc2.NewError(requestFailed, "ken: "+err.Error())
}

// requestFailed is LSP's RequestFailed error code.
const requestFailed jsonrpc2.Code = -32803

// track registers a request so that $/cancelRequest can cancel it. The
// key is the id's unambiguous form (#5 or "abc"), which numeric and string
// ids both have; go.lsp.dev's own cancellation loses numeric ids.
func (s *Server) track(ctx context.Context, id jsonrpc2.ID) (context.Context, func()) {
	ctx, cancel := context.WithCancel(ctx)
	key := fmt.Sprintf("%q", id)
	s.requestsMu.Lock()
	s.requests[key] = cancel
	s.requestsMu.Unlock()
	return ctx, func() {
		s.requestsMu.Lock()
		delete(s.requests, key)
		s.requestsMu.Unlock()
		cancel()
	}
}

func init() {
	handleNotification("$/cancelRequest", func(s *Server, _ context.Context, params json.RawMessage) error {
		var p struct {
			ID jsonrpc2.ID `json:"id"`
		}
		if err := json.Unmarshal(params, &p); err != nil {
			return err
		}
		s.requestsMu.Lock()
		cancel := s.requests[fmt.Sprintf("%q", p.ID)]
		s.requestsMu.Unlock()
		if cancel != nil {
			cancel()
		}
		return nil
	})
	handleRequest("shutdown", func(s *Server, _ context.Context, _ json.RawMessage) (any, error) {
		s.shutdown.Store(true)
		return nil, nil
	})
	handleNotification("exit", func(s *Server, _ context.Context, _ json.RawMessage) error {
		s.exited.Store(true)
		s.conn.Close()
		return nil
	})
}

// decode unmarshals params into v, as an InvalidParams error.
func decode(params json.RawMessage, v any) error {
	if len(params) == 0 {
		return jsonrpc2.NewError(jsonrpc2.InvalidParams, "ken: missing params")
	}
	if err := json.Unmarshal(params, v); err != nil {
		return jsonrpc2.Errorf(jsonrpc2.InvalidParams, "ken: %v", err)
	}
	return nil
}

// documentRequest decodes params into p and returns the current, analysed
// version of the document its textDocument member names: the first step
// of every request about a document.
func (s *Server) documentRequest(ctx context.Context, params json.RawMessage, p any) (*document, error) {
	if err := decode(params, p); err != nil {
		return nil, err
	}
	var named struct {
		TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	}
	json.Unmarshal(params, &named) // the same bytes decoded into p above
	return s.snapshot(ctx, named.TextDocument.URI)
}

// snapshot returns the current version of uri, analysed.
func (s *Server) snapshot(ctx context.Context, uri protocol.DocumentURI) (*document, error) {
	d, err := s.docs.get(uri)
	if err != nil {
		return nil, err
	}
	s.analyze(d)
	return d, ctx.Err()
}

// analyze runs the analysis stage on d once; later calls return at once.
// The symbolic verifier is slower and runs after it (see verify), so that
// diagnostics of the fast stages never wait for it.
func (s *Server) analyze(d *document) *analysis.Result {
	d.once.Do(func() {
		d.result = analysis.Check(d.file, s.settings.config())
	})
	return d.result
}
