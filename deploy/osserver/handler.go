package osserver

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// fault returns the fault for the n-th (1-based) request to p, if any.
func (s *Server) fault(p string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[p]++
	f, ok := s.faults[p]
	if !ok || (f.Times > 0 && s.counts[p] > f.Times) {
		return Fault{}, false
	}
	return f, true
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r)
	s.mu.Unlock()
	s.log.Info("OS package server request", "method", r.Method, "path", r.Path, "status", r.Status, "bytes", r.Bytes, "fault", r.Fault)
}

// ServeHTTP serves GET and HEAD of regular files under the directory,
// applying the path's fault.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Method: r.Method, Path: r.URL.Path}
	defer func() { s.record(rec) }()

	f, faulty := s.fault(r.URL.Path)
	var applied []string
	defer func() { rec.Fault = strings.Join(applied, ", ") }()

	if faulty && f.Delay > 0 {
		applied = append(applied, "delay "+f.Delay.String())
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			rec.Status = 0 // the client went away
			return
		}
	}
	if faulty && f.Status != 0 {
		applied = append(applied, "status "+strconv.Itoa(f.Status))
		rec.Status = f.Status
		http.Error(w, http.StatusText(f.Status)+" (osserver fault)", f.Status)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rec.Status = http.StatusMethodNotAllowed
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", rec.Status)
		return
	}
	body, status, err := s.read(r.URL.Path)
	if err != nil {
		rec.Status = status
		http.Error(w, err.Error(), status)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if faulty && f.Flip && len(body) > 0 {
		applied = append(applied, "flip")
		FlipBit(body)
	}
	send := body
	if faulty && f.Truncate {
		applied = append(applied, "truncate")
		send = body[:len(body)/2]
	}
	rec.Status = http.StatusOK
	if r.Method == http.MethodHead {
		return
	}
	// A body shorter than Content-Length makes net/http close the
	// connection after the handler: the client sees an unexpected EOF.
	n, _ := w.Write(send)
	rec.Bytes = int64(n)
}

// read returns the file for URL path p, or an HTTP status and error.
func (s *Server) read(p string) ([]byte, int, error) {
	name := strings.TrimPrefix(path.Clean("/"+p), "/")
	if name == "" {
		return nil, http.StatusNotFound, errors.New("no file")
	}
	fh, err := s.root.Open(name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, http.StatusNotFound, errors.New("not found")
		}
		return nil, http.StatusForbidden, errors.New("forbidden")
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return nil, http.StatusNotFound, errors.New("not a file")
	}
	b, err := io.ReadAll(fh)
	if err != nil {
		return nil, http.StatusInternalServerError, errors.New("read error")
	}
	return b, 0, nil
}

// FlipBit alters b in place as a Flip fault alters a served file: it flips
// the lowest bit of b's middle byte (b[len(b)/2]). Deterministic, so a
// fixture can carry the SHA-256 of what the server will send.
func FlipBit(b []byte) {
	if len(b) > 0 {
		b[len(b)/2] ^= 1
	}
}

// Flipped returns a copy of b as a Flip fault serves it.
func Flipped(b []byte) []byte {
	c := bytes.Clone(b)
	FlipBit(c)
	return c
}
