package stboot

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseHostConfig(t *testing.T) {
	minimal := `{"descriptor_url": "http://10.0.2.2:8080/manx.json"}`
	want := DefaultHostConfig()
	want.DescriptorURL = "http://10.0.2.2:8080/manx.json"
	got, err := ParseHostConfig([]byte(minimal))
	if err != nil {
		t.Fatalf("ParseHostConfig(%s) = %v", minimal, err)
	}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("ParseHostConfig(minimal) (-want +got):\n%s", diff)
	}

	full := `{"version":1,"descriptor_url":"https://boot.example/os.json","trust_root":"/r.pem","signature_threshold":2,"distinct_roots":true,
		"request_timeout":"5s","deadline":"1m","retry_max":0,"retry_wait_min":"1s","retry_wait_max":"1s","size_cap":1000,
		"interface":"ens3","network_mode":"static","dhcp_timeout":"3s","address":"192.168.1.2/24","gateway":"",
		"on_failure":"poweroff","failure_delay":"0s"}`
	got, err = ParseHostConfig([]byte(full))
	if err != nil {
		t.Fatalf("ParseHostConfig(full) = %v", err)
	}
	want = HostConfig{Version: 1, DescriptorURL: "https://boot.example/os.json", TrustRoot: "/r.pem", SignatureThreshold: 2, DistinctRoots: true,
		RequestTimeout: Duration(5 * time.Second), Deadline: Duration(time.Minute), RetryMax: 0,
		RetryWaitMin: Duration(time.Second), RetryWaitMax: Duration(time.Second), SizeCap: 1000, Interface: "ens3",
		NetworkMode: ModeStatic, DHCPTimeout: Duration(3 * time.Second), Address: "192.168.1.2/24", OnFailure: OnFailurePowerOff}
	if diff := cmp.Diff(&want, got); diff != "" {
		t.Errorf("ParseHostConfig(full) (-want +got):\n%s", diff)
	}
}

func TestParseHostConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"no URL", `{}`, `descriptor_url "": want an absolute http or https URL`},
		{"file URL", `{"descriptor_url":"file:///x.json"}`, "want an absolute http or https URL"},
		{"relative URL", `{"descriptor_url":"x.json"}`, "want an absolute http or https URL"},
		{"unknown field", `{"descriptor_url":"http://h/x","treshold":1}`, `unknown field "treshold"`},
		{"version", `{"version":2,"descriptor_url":"http://h/x"}`, "version 2, want 1"},
		{"threshold", `{"descriptor_url":"http://h/x","signature_threshold":0}`, "signature_threshold 0, want >= 1"},
		{"duration number", `{"descriptor_url":"http://h/x","deadline":30}`, `want a string such as "30s"`},
		{"duration garbage", `{"descriptor_url":"http://h/x","deadline":"soon"}`, `invalid duration "soon"`},
		{"negative timeout", `{"descriptor_url":"http://h/x","request_timeout":"-1s"}`, "request_timeout -1s, want > 0"},
		{"waits swapped", `{"descriptor_url":"http://h/x","retry_wait_min":"2s","retry_wait_max":"1s"}`, "retry_wait_min 2s > retry_wait_max 1s"},
		{"retry_max", `{"descriptor_url":"http://h/x","retry_max":1000}`, "retry_max 1000, want 0..100"},
		{"size_cap", `{"descriptor_url":"http://h/x","size_cap":0}`, "size_cap 0, want 1.."},
		{"mode", `{"descriptor_url":"http://h/x","network_mode":"wifi"}`, `network_mode "wifi", want dhcp, static or none`},
		{"static without address", `{"descriptor_url":"http://h/x","network_mode":"static","address":""}`, "network_mode static needs an address"},
		{"address", `{"descriptor_url":"http://h/x","address":"10.0.2.15"}`, `address "10.0.2.15": want an IPv4 CIDR`},
		{"gateway", `{"descriptor_url":"http://h/x","gateway":"::1"}`, `gateway "::1": want an IPv4 address`},
		{"no interface", `{"descriptor_url":"http://h/x","interface":""}`, "interface is empty"},
		{"on_failure", `{"descriptor_url":"http://h/x","on_failure":"shell"}`, `on_failure "shell", want reboot or poweroff`},
		{"failure_delay", `{"descriptor_url":"http://h/x","failure_delay":"2m"}`, "failure_delay 2m0s, want 0..1m0s"},
		{"trailing data", `{"descriptor_url":"http://h/x"} {}`, "data after the JSON object"},
		{"all at once", `{"signature_threshold":0,"retry_max":-1}`, "descriptor_url \"\": want an absolute http or https URL\nsignature_threshold 0, want >= 1\nretry_max -1, want 0..100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseHostConfig([]byte(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseHostConfig(%s) = %v, want error containing %q", tt.json, err, tt.want)
			}
		})
	}
}

func FuzzParseHostConfig(f *testing.F) {
	f.Add([]byte(`{"descriptor_url": "http://10.0.2.2:8080/manx.json"}`))
	f.Add([]byte(`{"descriptor_url":"https://h/x","deadline":"1m","network_mode":"static","address":"10.0.0.1/8"}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseHostConfig(b)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParseHostConfig(%q) accepted a config that Validate rejects: %v", b, err)
		}
	})
}
