package swtpm

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Bounds of one exchange with the TPM.
const (
	maxResponse    = 64 << 10
	commandTimeout = 60 * time.Second
	headerSize     = 10 // tag u16, size u32, code u32
)

// conn is a TPM 2.0 command channel over a stream socket: it sends one
// command and reads exactly one response, framed by the size in the
// response header (go-tpm's transports read a response with a single
// Read, which a stream socket may split). It implements go-tpm's
// transport.TPMCloser. It dials lazily and keeps the connection, because
// swtpm serves one client at a time: a Process's Conn does not block
// other clients (tpm2-tools, systemd-measure) until its first command.
type conn struct {
	mu   sync.Mutex
	dial func() (net.Conn, error)
	c    net.Conn
}

// newConn returns a conn that reads and writes c.
func newConn(c net.Conn) *conn {
	return &conn{c: c, dial: func() (net.Conn, error) { return nil, net.ErrClosed }}
}

// dialUnix returns a conn that connects to the Unix socket path on first use.
func dialUnix(path string) *conn {
	return &conn{dial: func() (net.Conn, error) { return net.Dial("unix", path) }}
}

// Send sends one command and returns the response.
func (t *conn) Send(cmd []byte) ([]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.c == nil {
		c, err := t.dial()
		if err != nil {
			return nil, fmt.Errorf("swtpm: connecting: %w", err)
		}
		t.c = c
	}
	rsp, err := t.exchange(cmd)
	if err != nil {
		// The stream is out of step after a failed exchange.
		t.c.Close()
		t.c = nil
		return nil, fmt.Errorf("swtpm: %w", err)
	}
	return rsp, nil
}

func (t *conn) exchange(cmd []byte) ([]byte, error) {
	if err := t.c.SetDeadline(time.Now().Add(commandTimeout)); err != nil {
		return nil, err
	}
	if _, err := t.c.Write(cmd); err != nil {
		return nil, fmt.Errorf("sending command: %w", err)
	}
	hdr := make([]byte, headerSize)
	if _, err := io.ReadFull(t.c, hdr); err != nil {
		return nil, fmt.Errorf("reading response header: %w", err)
	}
	size := binary.BigEndian.Uint32(hdr[2:6])
	if size < headerSize || size > maxResponse {
		return nil, fmt.Errorf("response size %d out of range %d..%d", size, headerSize, maxResponse)
	}
	rsp := make([]byte, size)
	copy(rsp, hdr)
	if _, err := io.ReadFull(t.c, rsp[headerSize:]); err != nil {
		return nil, fmt.Errorf("reading response: %w", err)
	}
	return rsp, nil
}

// Close closes the connection, if any.
func (t *conn) Close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.dial = func() (net.Conn, error) { return nil, errors.New("connection closed") }
	if t.c == nil {
		return nil
	}
	err := t.c.Close()
	t.c = nil
	return err
}
