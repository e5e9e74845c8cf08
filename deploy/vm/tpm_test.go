package vm

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
)

// serialDump is what manx/userland/cmd/init prints for log (its
// eventLogLines, chunked at 96 characters, with the console's CR LF).
func serialDump(log []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, "noise\r\nmanx: tpm: eventlog begin %d %x\r\n", len(log), sha256.Sum256(log))
	enc := base64.StdEncoding.EncodeToString(log)
	for len(enc) > 0 {
		n := min(96, len(enc))
		b.WriteString("tpm: eventlog " + enc[:n] + "\r\n")
		enc = enc[n:]
	}
	b.WriteString("tpm: eventlog end\r\nmanx: userland ready\r\n")
	return b.String()
}

func TestEventLogFromSerial(t *testing.T) {
	log := bytes.Repeat([]byte{1, 2, 3, 250}, 300)
	got, err := EventLogFromSerial(serialDump(log))
	if err != nil || !bytes.Equal(got, log) {
		t.Fatalf("EventLogFromSerial = %d bytes, %v", len(got), err)
	}
	for name, serial := range map[string]string{
		"none":      "manx: userland ready\n",
		"truncated": strings.Split(serialDump(log), "tpm: eventlog end")[0],
		"corrupt":   strings.Replace(serialDump(log), "AQID", "AQIE", 1),
	} {
		if _, err := EventLogFromSerial(serial); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
