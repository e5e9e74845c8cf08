package swtpm

import (
	"bufio"
	"bytes"
	"os"
	"strings"
)

// soAcceptCon is __SO_ACCEPTCON, the Flags bit /proc/net/unix shows for a
// listening socket.
const soAcceptCon = 0x00010000

// listening returns which of paths are listening Unix sockets, from
// /proc/net/unix ("Num RefCount Protocol Flags Type St Inode Path", hex).
// Checking there rather than connecting matters: swtpm serves one client
// at a time, and QEMU mode's --terminate ends swtpm when a client leaves.
func listening(paths []string) (map[string]bool, error) {
	b, err := os.ReadFile("/proc/net/unix")
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, p := range paths {
		want[p] = true
	}
	out := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 || !want[f[7]] {
			continue
		}
		var flags uint32
		for _, c := range f[3] {
			flags <<= 4
			switch {
			case c >= '0' && c <= '9':
				flags |= uint32(c - '0')
			case c >= 'a' && c <= 'f':
				flags |= uint32(c-'a') + 10
			case c >= 'A' && c <= 'F':
				flags |= uint32(c-'A') + 10
			}
		}
		if flags&soAcceptCon != 0 {
			out[f[7]] = true
		}
	}
	return out, sc.Err()
}
