package osserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// GuestHost is the host's address as seen from a QEMU user-network guest.
const GuestHost = "10.0.2.2"

// Fault is misbehaviour for one URL path. Several fields may be combined
// (a delay and then a status, say).
type Fault struct {
	Times    int           // the first Times requests to the path are affected; 0 means every request
	Status   int           // answer with this status (e.g. 503) and a short text body instead of the file
	Delay    time.Duration // wait this long before answering
	Truncate bool          // send the first half of the file with the full Content-Length, then close the connection
	Flip     bool          // flip the lowest bit of the file's middle byte (FlipBit)
}

// Faults configures a server's misbehaviour.
type Faults struct {
	Paths map[string]Fault // by URL path, e.g. "/manx.zip"
	Down  bool             // start down: the port is reserved, then closed (connections refused)
}

// Request is one line of the request log.
type Request struct {
	Method string
	Path   string
	Status int
	Bytes  int64  // body bytes written
	Fault  string // "" or which faults applied, e.g. "status 503", "delay 2s", "truncate", "flip"
}

// Server is a running file server.
type Server struct {
	root   *os.Root
	faults map[string]Fault
	log    *slog.Logger
	port   int
	srv    *http.Server
	done   chan struct{}

	mu     sync.Mutex
	counts map[string]int
	reqs   []Request
	down   bool
}

// Start serves dir on 127.0.0.1 at a free port.
func Start(dir string, faults Faults, log *slog.Logger) (*Server, error) {
	return StartAddr("127.0.0.1:0", dir, faults, log)
}

// StartAddr serves dir on addr (host:port, port 0 for a free one).
func StartAddr(addr, dir string, faults Faults, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("osserver: %w", err)
	}
	for p, f := range faults.Paths {
		if !strings.HasPrefix(p, "/") {
			root.Close()
			return nil, fmt.Errorf("osserver: fault path %q does not start with /", p)
		}
		if f.Times < 0 {
			root.Close()
			return nil, fmt.Errorf("osserver: fault for %s: Times %d < 0", p, f.Times)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		root.Close()
		return nil, fmt.Errorf("osserver: %w", err)
	}
	s := &Server{
		root:   root,
		faults: faults.Paths,
		log:    log,
		port:   ln.Addr().(*net.TCPAddr).Port,
		done:   make(chan struct{}),
		counts: map[string]int{},
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("OS package server stopped", "err", err)
		}
	}()
	log.Info("Serving OS packages", "dir", dir, "url", s.URL(), "guest_url", s.GuestURL())
	if faults.Down {
		if err := s.Down(); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// URL is the server's base URL on the host, "http://127.0.0.1:PORT".
func (s *Server) URL() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) }

// GuestURL is the base URL a QEMU user-network guest uses,
// "http://10.0.2.2:PORT".
func (s *Server) GuestURL() string { return "http://" + GuestHost + ":" + strconv.Itoa(s.port) }

// Port is the TCP port.
func (s *Server) Port() int { return s.port }

// Requests returns a copy of the request log, in arrival order of
// completion.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.reqs...)
}

// Down closes the listener and every open connection: from now on
// connections to the port are refused. Requests already logged stay.
func (s *Server) Down() error {
	s.mu.Lock()
	if s.down {
		s.mu.Unlock()
		return nil
	}
	s.down = true
	s.mu.Unlock()
	err := s.srv.Close()
	<-s.done
	s.log.Info("OS package server down", "port", s.port)
	if err != nil {
		return fmt.Errorf("osserver: closing: %w", err)
	}
	return nil
}

// Close stops the server (if still up) and releases the directory.
func (s *Server) Close() error {
	err := s.Down()
	if cerr := s.root.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("osserver: %w", cerr)
	}
	return err
}
