package stboot

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"manx/internal/testutil"
)

func TestCappedBackoff(t *testing.T) {
	min, max := 100*time.Millisecond, time.Second
	resp503 := &http.Response{StatusCode: 503, Header: http.Header{"Retry-After": {"3600"}}}
	tests := []struct {
		attempt int
		want    time.Duration
	}{{0, 100 * time.Millisecond}, {1, 200 * time.Millisecond}, {3, 800 * time.Millisecond}, {4, time.Second}, {60, time.Second}}
	for _, tt := range tests {
		if got := cappedBackoff(min, max, tt.attempt, resp503); got != tt.want {
			t.Errorf("cappedBackoff(%v, %v, %d, Retry-After 3600) = %v, want %v", min, max, tt.attempt, got, tt.want)
		}
	}
}

func TestResolvePkgURL(t *testing.T) {
	tests := []struct {
		desc, pkg, want, wantErr string
	}{
		{"http://10.0.2.2:8080/os/manx.json", "manx.zip", "http://10.0.2.2:8080/os/manx.zip", ""},
		{"http://10.0.2.2:8080/os/manx.json", "/other/x.zip", "http://10.0.2.2:8080/other/x.zip", ""},
		{"http://10.0.2.2:8080/manx.json", "https://cdn.example/x.zip", "https://cdn.example/x.zip", ""},
		{"http://10.0.2.2:8080/manx.json", "", "", "no os_pkg_url"},
		{"http://10.0.2.2:8080/manx.json", "ftp://h/x.zip", "", "want http or https"},
	}
	for _, tt := range tests {
		got, err := resolvePkgURL(tt.desc, tt.pkg)
		if got != tt.want || (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("resolvePkgURL(%q, %q) = %q, %v; want %q, %q", tt.desc, tt.pkg, got, err, tt.want, tt.wantErr)
		}
	}
}

// TestFetchSlowThenOK: an attempt over the per-request timeout is retried.
func TestFetchSlowThenOK(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
			return
		}
		io.WriteString(w, "hello")
	}))
	defer srv.Close()
	var con bytes.Buffer
	f := &fetcher{
		client:   &http.Client{Transport: newTransport(time.Second), Timeout: 200 * time.Millisecond},
		retryMax: 2, waitMin: time.Millisecond, waitMax: time.Millisecond,
		log: testutil.Discard(), con: &console{w: &con},
	}
	got, err := f.get(context.Background(), srv.URL+"/x", 100)
	if err != nil || string(got) != "hello" {
		t.Fatalf("get() = %q, %v; want \"hello\"", got, err)
	}
	if want := "stboot: retry 1 for GET " + srv.URL + "/x: context deadline exceeded (Client.Timeout exceeded"; !strings.HasPrefix(con.String(), want) {
		t.Errorf("console = %q, want prefix %q", con.String(), want)
	}
}

// TestFetchSizeCapStreaming: a body without Content-Length is cut at the cap.
func TestFetchSizeCapStreaming(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for range 10 {
			io.WriteString(w, strings.Repeat("x", 100))
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	f := &fetcher{
		client: &http.Client{Transport: newTransport(time.Second), Timeout: time.Second}, retryMax: 3,
		waitMin: time.Millisecond, waitMax: time.Millisecond, log: testutil.Discard(), con: &console{w: io.Discard},
	}
	_, err := f.get(context.Background(), srv.URL, 500)
	if err == nil || !strings.Contains(err.Error(), "giving up after 1 attempt(s): body exceeds the size cap: more than 500 bytes") {
		t.Errorf("get(cap 500) of 1000 bytes = %v, want a size cap error after 1 attempt", err)
	}
}

func TestConsoleFail(t *testing.T) {
	var b bytes.Buffer
	c := &console{w: &b}
	c.fail(StepVerify, errors.Join(errors.New("ospkg: 0 valid signature(s), threshold 1"), errors.New("signature 0: bad")))
	if got, want := b.String(), "stboot: FAIL verify: ospkg: 0 valid signature(s), threshold 1; signature 0: bad\n"; got != want {
		t.Errorf("fail() wrote %q, want %q", got, want)
	}
}
