package testutil

import (
	"io"
	"log/slog"
	"strings"
	"testing"
)

// Logger returns a logger that writes to tb's log (shown with -v or when
// the test fails).
func Logger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tbWriter{tb}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tbWriter struct{ tb testing.TB }

func (w tbWriter) Write(p []byte) (int, error) {
	w.tb.Helper()
	w.tb.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// Discard is a logger that drops everything.
func Discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// LogWriter is an io.Writer into tb's log (a stage log in tests).
func LogWriter(tb testing.TB) io.Writer { return tbWriter{tb} }
