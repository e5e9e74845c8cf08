package deb

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type arMember struct {
	name string
	data []byte
}

// makeAr writes members in the common ar format that dpkg-deb produces.
func makeAr(members ...arMember) []byte {
	var b bytes.Buffer
	b.WriteString(arMagic)
	for _, m := range members {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8o%-10d`\n", m.name, 0, 0, 0, 0o100644, len(m.data))
		b.Write(m.data)
		if len(m.data)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

func readAll(r *ArReader) ([]arMember, error) {
	var out []arMember
	for {
		h, err := r.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return out, err
		}
		out = append(out, arMember{h.Name, b})
	}
}

func TestArReader(t *testing.T) {
	three := []arMember{{"debian-binary", []byte("2.0\n")}, {"odd/", []byte("x")}, {"empty", nil}}
	tests := []struct {
		name    string
		in      []byte
		want    []arMember
		wantErr error
	}{
		{"members", makeAr(three...), []arMember{{"debian-binary", []byte("2.0\n")}, {"odd", []byte("x")}, {"empty", []byte{}}}, nil},
		{"empty archive", []byte(arMagic), nil, nil},
		{"bad magic", []byte("!<arch>X"), nil, ErrFormat},
		{"short magic", []byte("!<ar"), nil, io.ErrUnexpectedEOF},
		{"truncated header", append([]byte(arMagic), "debian-binary   0"...), nil, io.ErrUnexpectedEOF},
		{"truncated payload", makeAr(three...)[:len(arMagic)+60+2], nil, io.ErrUnexpectedEOF},
		{"bad terminator", bytes.Replace(makeAr(three[0]), []byte("`\n"), []byte("``"), 1), nil, ErrFormat},
		{"bad size", bytes.Replace(makeAr(three[0]), []byte("4         `"), []byte("-4        `"), 1), nil, ErrFormat},
		{"gnu symbol table", makeAr(arMember{"/", []byte("xx")}), nil, ErrFormat},
		{"bsd long name", makeAr(arMember{"#1/20", []byte("xx")}), nil, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(NewArReader(bytes.NewReader(tt.in)))
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("reading ar = %v, want error %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("reading ar = %v, want nil error", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(arMember{})); diff != "" {
				t.Errorf("reading ar: members mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestArReaderSkipsUnread checks that Next skips an unread payload and its padding.
func TestArReaderSkipsUnread(t *testing.T) {
	in := makeAr(arMember{"a", []byte("abc")}, arMember{"b", []byte("de")})
	r := NewArReader(bytes.NewReader(in))
	if _, err := r.Next(); err != nil {
		t.Fatalf("Next() = %v", err)
	}
	h, err := r.Next()
	if err != nil {
		t.Fatalf("Next() = %v", err)
	}
	b, _ := io.ReadAll(r)
	if h.Name != "b" || string(b) != "de" {
		t.Errorf("second member = %q %q, want \"b\" \"de\"", h.Name, b)
	}
}

func FuzzArReader(f *testing.F) {
	f.Add(makeAr(arMember{"debian-binary", []byte("2.0\n")}, arMember{"data.tar", []byte("x")}))
	f.Add([]byte(arMagic))
	f.Add([]byte(arMagic + strings.Repeat(" ", 58) + "`\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		members, err := readAll(NewArReader(bytes.NewReader(in)))
		if err != nil {
			return
		}
		// Whatever parsed must fit inside the input.
		total := len(arMagic)
		for _, m := range members {
			total += arHeaderLen + len(m.data)
		}
		if total > len(in) {
			t.Fatalf("parsed %d bytes of members from %d bytes of input", total, len(in))
		}
	})
}
