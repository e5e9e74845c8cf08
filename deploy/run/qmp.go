package run

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"time"
)

// qmp is a minimal QEMU Machine Protocol client.
type qmp struct {
	conn net.Conn
	r    *bufio.Reader
}

func dialQMP(ctx context.Context, path string) (*qmp, error) {
	var d net.Dialer
	var conn net.Conn
	var err error
	for i := 0; i < 100; i++ {
		conn, err = d.DialContext(ctx, "unix", path)
		if err == nil {
			break
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	if err != nil {
		return nil, fmt.Errorf("connecting to QMP at %s: %w", path, err)
	}
	q := &qmp{conn: conn, r: bufio.NewReader(conn)}
	if _, err := q.read(); err != nil { // greeting
		conn.Close()
		return nil, err
	}
	if _, err := q.exec("qmp_capabilities", nil); err != nil {
		conn.Close()
		return nil, err
	}
	return q, nil
}

func (q *qmp) read() (map[string]json.RawMessage, error) {
	q.conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	line, err := q.r.ReadBytes('\n')
	if err != nil {
		return nil, fmt.Errorf("reading QMP: %w", err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return nil, fmt.Errorf("decoding QMP %q: %w", line, err)
	}
	return m, nil
}

// exec runs a command and waits for its return, skipping events.
func (q *qmp) exec(cmd string, args any) (json.RawMessage, error) {
	req := map[string]any{"execute": cmd}
	if args != nil {
		req["arguments"] = args
	}
	b, _ := json.Marshal(req)
	if _, err := q.conn.Write(append(b, '\n')); err != nil {
		return nil, fmt.Errorf("QMP %s: %w", cmd, err)
	}
	for {
		m, err := q.read()
		if err != nil {
			return nil, fmt.Errorf("QMP %s: %w", cmd, err)
		}
		if e, ok := m["error"]; ok {
			return nil, fmt.Errorf("QMP %s: %s", cmd, e)
		}
		if r, ok := m["return"]; ok {
			return r, nil
		}
	}
}

func (q *qmp) close() { q.conn.Close() }
