// Package logx sets up Manx's structured logging and the per-stage log files
// that keep long tool output off the terminal.
package logx

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// New returns the terminal logger: text to stderr, debug with MANX_DEBUG=1.
func New() *slog.Logger {
	level := slog.LevelInfo
	if os.Getenv("MANX_DEBUG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}

// StageLog is a stage's log file plus a compact terminal view: every interval
// it logs one line with the elapsed time, the line count and the last line.
type StageLog struct {
	Path string

	mu    sync.Mutex
	f     *os.File
	lines int
	last  string
	part  []byte
	stop  chan struct{}
	done  chan struct{}
}

// OpenStage creates (truncating) dir/name.log and starts the compact view.
func OpenStage(log *slog.Logger, dir, name string, every time.Duration) (*StageLog, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	p := filepath.Join(dir, name+".log")
	f, err := os.Create(p)
	if err != nil {
		return nil, err
	}
	s := &StageLog{Path: p, f: f, stop: make(chan struct{}), done: make(chan struct{})}
	start := time.Now()
	go func() {
		defer close(s.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-s.stop:
				return
			case <-t.C:
				s.mu.Lock()
				n, last := s.lines, s.last
				s.mu.Unlock()
				log.Info("Working", "stage", name, "elapsed", time.Since(start).Round(time.Second), "lines", n, "last", trim(last, 100))
			}
		}
	}()
	return s, nil
}

func trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// Write appends to the log file and tracks the last complete line.
func (s *StageLog) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.part = append(s.part, b...)
	for {
		i := bytes.IndexByte(s.part, '\n')
		if i < 0 {
			break
		}
		if l := strings.TrimSpace(string(s.part[:i])); l != "" {
			s.last = l
		}
		s.lines++
		s.part = s.part[i+1:]
	}
	return s.f.Write(b)
}

// Tail returns the last n lines of the log file.
func (s *StageLog) Tail(n int) string {
	b, err := os.ReadFile(s.Path)
	if err != nil {
		return ""
	}
	return TailLines(string(b), n)
}

// TailLines returns the last n lines of s.
func TailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Close stops the compact view and closes the file.
func (s *StageLog) Close() error {
	close(s.stop)
	<-s.done
	return s.f.Close()
}

var _ io.Writer = (*StageLog)(nil)
