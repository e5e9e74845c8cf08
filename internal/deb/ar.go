package deb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// arMagic starts every ar(1) archive (the "common" format used by dpkg).
const arMagic = "!<arch>\n"

// arHeaderLen is the size of one member header: name 16, mtime 12, uid 6, gid 6,
// mode 8, size 10, terminator "`\n" 2.
const arHeaderLen = 60

// maxMemberSize bounds one member's declared size, so a corrupt header cannot make a
// caller allocate or skip absurd amounts (Debian packages are far below 16 GiB).
const maxMemberSize = 1 << 34

// ErrFormat reports a malformed ar archive or .deb.
var ErrFormat = errors.New("malformed archive")

// ArHeader describes one ar member.
type ArHeader struct {
	Name string // member name without the GNU trailing "/" and padding
	Size int64  // payload size in bytes
}

// ArReader reads the members of an ar archive in order. It understands the common
// format that dpkg writes (names up to 16 bytes, optional GNU trailing "/"); BSD long
// names and GNU name tables are rejected, as dpkg never writes them.
type ArReader struct {
	r         io.Reader
	remaining int64 // unread payload bytes of the current member
	pad       int64 // padding byte after the current member (0 or 1)
	started   bool
}

// NewArReader returns a reader for the ar archive r.
func NewArReader(r io.Reader) *ArReader {
	return &ArReader{r: r}
}

// Next advances to the next member and returns its header; it returns io.EOF at the
// end of the archive. The member payload is read with Read.
func (a *ArReader) Next() (*ArHeader, error) {
	if !a.started {
		var magic [len(arMagic)]byte
		if _, err := io.ReadFull(a.r, magic[:]); err != nil {
			return nil, fmt.Errorf("reading ar magic: %w", noEOF(err))
		}
		if string(magic[:]) != arMagic {
			return nil, fmt.Errorf("ar magic %q: %w", magic[:], ErrFormat)
		}
		a.started = true
	}
	if skip := a.remaining + a.pad; skip > 0 {
		if _, err := io.CopyN(io.Discard, a.r, skip); err != nil {
			return nil, fmt.Errorf("skipping ar member: %w", noEOF(err))
		}
		a.remaining, a.pad = 0, 0
	}

	var h [arHeaderLen]byte
	n, err := io.ReadFull(a.r, h[:])
	if n == 0 && errors.Is(err, io.EOF) {
		return nil, io.EOF
	}
	if err != nil {
		return nil, fmt.Errorf("reading ar header: %w", noEOF(err))
	}
	hdr, err := parseArHeader(h[:])
	if err != nil {
		return nil, err
	}
	a.remaining = hdr.Size
	a.pad = hdr.Size % 2
	return hdr, nil
}

// Read reads the payload of the current member.
func (a *ArReader) Read(p []byte) (int, error) {
	if a.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > a.remaining {
		p = p[:a.remaining]
	}
	n, err := a.r.Read(p)
	a.remaining -= int64(n)
	if errors.Is(err, io.EOF) && a.remaining > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func parseArHeader(h []byte) (*ArHeader, error) {
	if string(h[58:60]) != "`\n" {
		return nil, fmt.Errorf("ar header terminator %q: %w", h[58:60], ErrFormat)
	}
	name := strings.TrimRight(string(h[0:16]), " ")
	if strings.HasPrefix(name, "#1/") || name == "/" || name == "//" || strings.HasPrefix(name, "/") {
		return nil, fmt.Errorf("ar member %q: symbol tables and long names are not supported: %w", name, ErrFormat)
	}
	name = strings.TrimSuffix(name, "/")
	if name == "" {
		return nil, fmt.Errorf("ar member with empty name: %w", ErrFormat)
	}
	sizeField := string(bytes.TrimRight(h[48:58], " "))
	size, err := strconv.ParseInt(sizeField, 10, 64)
	if err != nil || size < 0 || size > maxMemberSize {
		return nil, fmt.Errorf("ar member %q size %q: %w", name, sizeField, ErrFormat)
	}
	return &ArHeader{Name: name, Size: size}, nil
}

// noEOF turns a bare io.EOF in the middle of a structure into io.ErrUnexpectedEOF.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
