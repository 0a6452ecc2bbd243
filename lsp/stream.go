package lsp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// maxMessage bounds one JSON-RPC message: anything larger is a broken or
// hostile client, and is skipped rather than read into memory.
const maxMessage = 64 << 20

// stream frames JSON-RPC messages with Content-Length headers, as
// jsonrpc2.NewStream does, but survives a body that is not a valid
// message: it answers with a parse error and reads on, where jsonrpc2's
// own stream would fail the whole connection.
type stream struct {
	in      *bufio.Reader
	out     io.Writer
	closer  io.Closer
	writeMu sync.Mutex
}

func newStream(rwc io.ReadWriteCloser) *stream {
	return &stream{in: bufio.NewReader(rwc), out: rwc, closer: rwc}
}

// Read returns the next well-formed message.
func (s *stream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		body, err := s.readFrame()
		if err != nil {
			return nil, 0, err
		}
		if body == nil {
			continue // an oversized frame, skipped
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err == nil {
			return msg, int64(len(body)), nil
		}
		s.replyParseError(ctx, err)
	}
}

// readFrame reads one header block and its body; a body over maxMessage is
// discarded and reported as nil.
func (s *stream) readFrame() ([]byte, error) {
	length := -1
	for {
		line, err := s.in.ReadString('\n')
		if err != nil {
			return nil, err
		}
		line = strings.TrimSpace(line)
		if line == "" {
			if length >= 0 {
				break
			}
			continue // stray blank lines between frames
		}
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		}
	}
	if length > maxMessage {
		_, err := s.in.Discard(length)
		return nil, err
	}
	body := make([]byte, length)
	_, err := io.ReadFull(s.in, body)
	return body, err
}

// replyParseError answers a message that could not be decoded, with a
// null id as JSON-RPC prescribes.
func (s *stream) replyParseError(ctx context.Context, cause error) {
	reply := map[string]any{
		"jsonrpc": "2.0",
		"id":      nil,
		"error":   map[string]any{"code": jsonrpc2.ParseError, "message": "ken: " + cause.Error()},
	}
	data, _ := json.Marshal(reply)
	s.writeFrame(data)
}

// Write sends one message.
func (s *stream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	data, err := json.Marshal(msg)
	if err != nil {
		return 0, fmt.Errorf("marshaling message: %w", err)
	}
	return s.writeFrame(data)
}

func (s *stream) writeFrame(data []byte) (int64, error) {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := fmt.Fprintf(s.out, "Content-Length: %d\r\n\r\n%s", len(data), data)
	return int64(n), err
}

// Close closes the underlying connection.
func (s *stream) Close() error { return s.closer.Close() }
