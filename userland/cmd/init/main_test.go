package main

import (
	"bytes"
	"testing"
	"time"
)

func TestHoldTime(t *testing.T) {
	for _, tc := range []struct {
		in      string
		set     bool
		want    time.Duration
		wantErr bool
	}{
		{"", false, 2 * time.Second, false},
		{"0", true, 0, false},
		{"10", true, 10 * time.Second, false},
		{"60", true, time.Minute, false},
		{"61", true, 2 * time.Second, true},
		{"-1", true, 2 * time.Second, true},
		{"1s", true, 2 * time.Second, true},
		{"", true, 2 * time.Second, true},
	} {
		params := map[string]string{}
		if tc.set {
			params["manx.hold"] = tc.in
		}
		got, err := holdTime(params)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("holdTime(manx.hold=%q) = %v, %v, want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestConsolePrefix(t *testing.T) {
	var b bytes.Buffer
	c := console{&b}
	c.printf("x %d", 1)
	c.line(markerReady)
	if got, want := b.String(), "manx: x 1\nmanx: userland ready\n"; got != want {
		t.Errorf("console output = %q, want %q", got, want)
	}
}
