package siglog

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/internal/deb/debtest"
	"manx/internal/testutil"
	"manx/ospkg"
	"manx/sign"
	"manx/sign/authenticode"
	"manx/sign/keys"
)

var testEpoch = time.Unix(1735689600, 0).UTC()

// testSet generates one key hierarchy per test binary (RSA generation is slow).
var testSet = sync.OnceValues(func() (*keys.Set, error) {
	dir, err := os.MkdirTemp("", "siglog-keys-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	return keys.Generate(dir, testEpoch, testutil.Discard())
})

func mustSet(t testing.TB) *keys.Set {
	t.Helper()
	s, err := testSet()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signAll makes the kinds of signature a Manx build makes: a db-signed PE
// and an OS-package descriptor signed by the stboot signer.
func signAll(t *testing.T, set *keys.Set, pe, zip []byte) (signedPE, desc []byte) {
	t.Helper()
	signedPE, err := authenticode.SignPE(pe, set.DB)
	if err != nil {
		t.Fatalf("SignPE() = %v", err)
	}
	d, err := ospkg.Sign(zip, "manx.zip", ospkg.Release{Label: "Manx test", Version: 1}, []sign.Signer{set.StbootSigner})
	if err != nil {
		t.Fatalf("ospkg.Sign() = %v", err)
	}
	desc, err = d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return signedPE, desc
}

// TestRecordReplay is the contract: a build with the replayed log, and no
// private key, writes the same signed bytes as the publisher's build.
func TestRecordReplay(t *testing.T) {
	set := mustSet(t)
	stub := debtest.SystemdStub(t)
	zip := []byte("the bytes of an OS package zip")

	rec, log, err := Record(set)
	if err != nil {
		t.Fatalf("Record() = %v", err)
	}
	wantPE, wantDesc := signAll(t, rec, stub, zip)
	if got := len(log.Entries()); got != 2 {
		t.Fatalf("recorded %d signatures, want 2 (db, stboot-signer)", got)
	}

	b, err := log.Marshal()
	if err != nil {
		t.Fatalf("Marshal() = %v", err)
	}
	parsed, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(Marshal()) = %v", err)
	}
	replayed, err := parsed.Replay()
	if err != nil {
		t.Fatalf("Replay() = %v", err)
	}
	gotPE, gotDesc := signAll(t, replayed, stub, zip)
	if !bytes.Equal(gotPE, wantPE) {
		t.Errorf("replayed SignPE differs from the publisher's")
	}
	if diff := cmp.Diff(string(wantDesc), string(gotDesc)); diff != "" {
		t.Errorf("replayed descriptor differs (-publisher +replay):\n%s", diff)
	}
	for _, r := range keys.Roles {
		if !replayed.Get(r).Certificate().Equal(set.Get(r).Certificate()) {
			t.Errorf("replayed %s certificate differs from the publisher's", r)
		}
	}
}

// TestReplayRefusesOtherInput: a rebuilt input that differs from the
// published one gets no signature, and the error says whose and over what.
func TestReplayRefusesOtherInput(t *testing.T) {
	rec, log, err := Record(mustSet(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ospkg.Sign([]byte("published zip"), "manx.zip", ospkg.Release{Label: "Manx test", Version: 1}, []sign.Signer{rec.StbootSigner}); err != nil {
		t.Fatal(err)
	}
	replayed, err := log.Replay()
	if err != nil {
		t.Fatal(err)
	}
	other := sha256.Sum256([]byte("rebuilt zip"))
	_, err = ospkg.Sign([]byte("rebuilt zip"), "manx.zip", ospkg.Release{Label: "Manx test", Version: 1}, []sign.Signer{replayed.StbootSigner})
	if !errors.Is(err, ErrNoSignature) {
		t.Fatalf("signing another zip with the replayed set = %v, want ErrNoSignature", err)
	}
	// The stboot signer signs the statement, whose text holds the zip's
	// hex digest; the error shows the statement's bytes in hex.
	for _, want := range []string{"stboot-signer", hex.EncodeToString([]byte(hex.EncodeToString(other[:])))} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	digest := sha256.Sum256([]byte("never signed"))
	if _, err := replayed.DB.Signer().Sign(nil, digest[:], crypto.SHA256); !errors.Is(err, ErrNoSignature) {
		t.Errorf("db Sign(unsigned digest) = %v, want ErrNoSignature", err)
	}
}

// TestMarshalDeterministic: the file does not depend on signing order, and
// writing twice gives the same bytes.
func TestMarshalDeterministic(t *testing.T) {
	set := mustSet(t)
	digests := [][]byte{}
	for _, s := range []string{"a", "b", "c"} {
		d := sha256.Sum256([]byte(s))
		digests = append(digests, d[:])
	}
	files := map[string][]byte{}
	for name, order := range map[string][]int{"forward": {0, 1, 2}, "backward": {2, 1, 0}} {
		rec, log, err := Record(set)
		if err != nil {
			t.Fatal(err)
		}
		for _, i := range order {
			if _, err := rec.DB.Signer().Sign(nil, digests[i], crypto.SHA256); err != nil {
				t.Fatal(err)
			}
			if _, err := rec.StbootSigner.Signer().Sign(nil, digests[i], crypto.Hash(0)); err != nil {
				t.Fatal(err)
			}
		}
		p := filepath.Join(t.TempDir(), "sigs.json")
		if err := Write(p, log); err != nil {
			t.Fatalf("Write() = %v", err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	if !bytes.Equal(files["forward"], files["backward"]) {
		t.Errorf("signature log depends on signing order:\n%s", cmp.Diff(string(files["forward"]), string(files["backward"])))
	}
}

func TestParseErrors(t *testing.T) {
	rec, log, err := Record(mustSet(t))
	if err != nil {
		t.Fatal(err)
	}
	d := sha256.Sum256([]byte("x"))
	if _, err := rec.DB.Signer().Sign(nil, d[:], crypto.SHA256); err != nil {
		t.Fatal(err)
	}
	good, err := log.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(good); err != nil {
		t.Fatalf("Parse(good) = %v", err)
	}
	sigStart := bytes.Index(good, []byte(`"signature": "`)) + len(`"signature": "`)
	flipped := bytes.Clone(good)
	if flipped[sigStart] == 'A' {
		flipped[sigStart] = 'B'
	} else {
		flipped[sigStart] = 'A'
	}
	firstRole := []byte(`"role": "PK"`)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "decoding"},
		{"unknown field", bytes.Replace(good, []byte(`"schema": 1`), []byte(`"schema": 1, "extra": 2`), 1), "unknown field"},
		{"schema", bytes.Replace(good, []byte(`"schema": 1`), []byte(`"schema": 2`), 1), "schema 2"},
		{"trailing", append(bytes.Clone(good), []byte("{}")...), "trailing data"},
		{"unknown role", bytes.Replace(good, firstRole, []byte(`"role": "root"`), 1), `certificates[0]: unknown role "root"`},
		{"repeated role", bytes.Replace(good, firstRole, []byte(`"role": "KEK"`), 1), "certificates[1]: role KEK twice"},
		{"bad signature", flipped, "signatures[0]: db: signature over"},
		{"bad hash", bytes.Replace(good, []byte(`"hash": "SHA-256"`), []byte(`"hash": "MD5"`), 1), `signatures[0]: db: unsupported hash "MD5"`},
		{"upper hex", bytes.Replace(good, []byte(hex.EncodeToString(d[:])), []byte(strings.ToUpper(hex.EncodeToString(d[:]))), 1), "not lowercase hex"},
		{"duplicate", dupEntry(t, good), "signatures[1]: db over"},
		{"too large", bytes.Repeat([]byte(" "), MaxSize+1), "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse() = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse() = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// dupEntry repeats the one signature entry of a log file.
func dupEntry(t *testing.T, b []byte) []byte {
	t.Helper()
	i := bytes.Index(b, []byte(`"signatures": [`)) + len(`"signatures": [`)
	j := bytes.LastIndex(b, []byte("]"))
	entry := bytes.TrimSpace(b[i:j])
	out := append(bytes.Clone(b[:i]), entry...)
	out = append(out, ',')
	out = append(out, entry...)
	return append(out, b[j:]...)
}

func TestReadNamesFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x86_64.signatures.json")
	if err := os.WriteFile(p, []byte(`{"schema": 1}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(p)
	if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "no certificate for role PK") {
		t.Errorf("Read(no certificates) = %v, want an error naming %s and the missing PK", err, p)
	}
}

func TestWriteLeavesNothingOnError(t *testing.T) {
	dir := t.TempDir()
	_, log, err := Record(mustSet(t))
	if err != nil {
		t.Fatal(err)
	}
	// The target is a non-empty directory: the final rename must fail.
	target := filepath.Join(dir, "sigs.json")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(target, log); err == nil || !strings.Contains(err.Error(), target) {
		t.Fatalf("Write(onto a directory) = %v, want an error naming %s", err, target)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("Write left %d entries behind, want only the directory", len(ents)-1)
	}
}
