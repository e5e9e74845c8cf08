package pcr

import (
	"bytes"
	"io"
	"testing"

	"github.com/u-root/u-root/pkg/cpio"
)

// TestStubCPIO reads the archive back with u-root's newc reader.
func TestStubCPIO(t *testing.T) {
	data := []byte("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n")
	b := stubCPIO(".extra", "tpm2-pcr-public-key.pem", data)
	// Directory: 110-byte header + ".extra\0", padded to 120; file: header
	// + ".extra/tpm2-pcr-public-key.pem\0", padded to 144, then the data
	// padded to 4; trailer: 124 bytes.
	if want := 120 + 144 + (len(data)+3)&^3 + 124; len(b) != want {
		t.Errorf("archive is %d bytes, want %d", len(b), want)
	}
	rr := cpio.Newc.Reader(bytes.NewReader(b))
	type rec struct {
		name      string
		mode, ino uint64
		data      string
	}
	var got []rec
	for {
		r, err := rr.ReadRecord()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("ReadRecord() = %v", err)
		}
		content, _ := io.ReadAll(io.NewSectionReader(r.ReaderAt, 0, int64(r.FileSize)))
		got = append(got, rec{r.Name, r.Mode, r.Ino, string(content)})
	}
	want := []rec{
		{".extra", 0o040555, 1, ""},
		{".extra/tpm2-pcr-public-key.pem", 0o100444, 2, string(data)},
	}
	if len(got) != len(want) {
		t.Fatalf("archive records = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("record %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	if !bytes.HasSuffix(b, []byte("TRAILER!!!\x00\x00\x00\x00")) {
		t.Errorf("archive does not end with the trailer")
	}
}
