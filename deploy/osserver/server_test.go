package osserver

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/internal/testutil"
)

var payload = []byte("0123456789abcdef0123456789ABCDEF")

func start(t *testing.T, f Faults) *Server {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "manx.zip"), payload, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "manx.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := Start(dir, f, testutil.Logger(t))
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return s
}

// get returns status and body; a body read error is returned as err.
func get(t *testing.T, c *http.Client, url string) (int, []byte, error) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func TestServe(t *testing.T) {
	s := start(t, Faults{})
	c := &http.Client{Timeout: 5 * time.Second}
	tests := []struct {
		path   string
		status int
		body   []byte
	}{
		{"/manx.zip", 200, payload},
		{"/manx.json", 200, []byte("{}")},
		{"/missing.zip", 404, nil},
		{"/sub", 404, nil},
		{"/", 404, nil},
		{"/../../etc/passwd", 404, nil},
	}
	for _, tt := range tests {
		status, body, err := get(t, c, s.URL()+tt.path)
		if err != nil {
			t.Fatalf("GET %s: %v", tt.path, err)
		}
		if status != tt.status || (tt.body != nil && !bytes.Equal(body, tt.body)) {
			t.Errorf("GET %s = %d %q, want %d %q", tt.path, status, body, tt.status, tt.body)
		}
	}
	resp, err := c.Post(s.URL()+"/manx.zip", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /manx.zip = %d, want 405", resp.StatusCode)
	}
	if got, want := s.GuestURL(), "http://10.0.2.2:"+strings.TrimPrefix(s.URL(), "http://127.0.0.1:"); got != want {
		t.Errorf("GuestURL() = %q, want %q", got, want)
	}
}

func TestFaultStatusThenOK(t *testing.T) {
	s := start(t, Faults{Paths: map[string]Fault{"/manx.zip": {Times: 2, Status: 503}}})
	c := &http.Client{Timeout: 5 * time.Second}
	var got []int
	for range 3 {
		status, _, err := get(t, c, s.URL()+"/manx.zip")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, status)
	}
	if diff := cmp.Diff([]int{503, 503, 200}, got); diff != "" {
		t.Errorf("three GETs: statuses (-want +got):\n%s", diff)
	}
	want := []Request{
		{"GET", "/manx.zip", 503, 0, "status 503"},
		{"GET", "/manx.zip", 503, 0, "status 503"},
		{"GET", "/manx.zip", 200, int64(len(payload)), ""},
	}
	if diff := cmp.Diff(want, s.Requests()); diff != "" {
		t.Errorf("Requests() (-want +got):\n%s", diff)
	}
}

func TestFaultBodies(t *testing.T) {
	flipped := bytes.Clone(payload)
	flipped[len(flipped)/2] ^= 1
	if !bytes.Equal(Flipped(payload), flipped) {
		t.Fatal("Flipped() differs from the lowest bit of the middle byte flipped")
	}
	tests := []struct {
		name    string
		fault   Fault
		want    []byte
		wantErr error
	}{
		{"flip", Fault{Flip: true}, flipped, nil},
		{"truncate", Fault{Truncate: true}, payload[:len(payload)/2], io.ErrUnexpectedEOF},
		{"flip only once", Fault{Flip: true, Times: 1}, flipped, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Faults{Paths: map[string]Fault{"/manx.zip": tt.fault}})
			_, body, err := get(t, &http.Client{Timeout: 5 * time.Second}, s.URL()+"/manx.zip")
			if !errors.Is(err, tt.wantErr) || !bytes.Equal(body, tt.want) {
				t.Errorf("GET with %s = %q, %v; want %q, %v", tt.name, body, err, tt.want, tt.wantErr)
			}
			if tt.fault.Times == 1 {
				_, body, err := get(t, &http.Client{Timeout: 5 * time.Second}, s.URL()+"/manx.zip")
				if err != nil || !bytes.Equal(body, payload) {
					t.Errorf("second GET = %q, %v; want the file", body, err)
				}
			}
		})
	}
}

func TestFaultDelay(t *testing.T) {
	s := start(t, Faults{Paths: map[string]Fault{"/manx.zip": {Times: 1, Delay: 2 * time.Second}}})
	c := &http.Client{Timeout: 300 * time.Millisecond}
	if _, _, err := get(t, c, s.URL()+"/manx.zip"); err == nil {
		t.Errorf("GET with a 2s delay and a 300ms client timeout = nil error, want a timeout")
	}
	status, body, err := get(t, c, s.URL()+"/manx.zip")
	if err != nil || status != 200 || !bytes.Equal(body, payload) {
		t.Errorf("second GET = %d %q %v, want 200 and the file", status, body, err)
	}
}

func TestDown(t *testing.T) {
	s := start(t, Faults{Down: true})
	_, _, err := get(t, &http.Client{Timeout: 5 * time.Second}, s.URL()+"/manx.zip")
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("GET from a down server = %v, want connection refused", err)
	}

	up := start(t, Faults{})
	c := &http.Client{Timeout: 5 * time.Second}
	if status, _, err := get(t, c, up.URL()+"/manx.json"); err != nil || status != 200 {
		t.Fatalf("GET = %d, %v", status, err)
	}
	if err := up.Down(); err != nil {
		t.Fatalf("Down() = %v", err)
	}
	if _, _, err := get(t, c, up.URL()+"/manx.json"); err == nil {
		t.Errorf("GET after Down() = nil error, want a refused connection")
	}
	if n := len(up.Requests()); n != 1 {
		t.Errorf("len(Requests()) after Down = %d, want 1", n)
	}
}

func TestStartErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		dir  string
		f    Faults
		want string
	}{
		{"missing dir", filepath.Join(dir, "nope"), Faults{}, "no such file"},
		{"relative fault path", dir, Faults{Paths: map[string]Fault{"manx.zip": {}}}, "does not start with /"},
		{"negative times", dir, Faults{Paths: map[string]Fault{"/x": {Times: -1}}}, "Times -1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Start(tt.dir, tt.f, nil)
			if err == nil {
				s.Close()
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Start(%s) = %v, want error containing %q", tt.name, err, tt.want)
			}
		})
	}
}
