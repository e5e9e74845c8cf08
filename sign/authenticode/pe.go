package authenticode

import (
	"bytes"
	"crypto"
	"debug/pe"
	"encoding/binary"
	"errors"
	"fmt"
	"manx/sign"

	"github.com/foxboron/go-uefi/authenticode"
)

// SignPE returns in signed with s: one Authenticode signature (SHA-256, RSA PKCS#1 v1.5)
// in the certificate table. Signatures already present are removed first, because the
// Linux kexec_file_load verifier accepts only a certificate table holding exactly one
// signature; re-signing a distribution kernel with the Manx db key is therefore the same
// call as signing a UKI. The output is padded to 8 bytes as Authenticode requires, and
// the PE CheckSum is left as is (UEFI ignores it). Given the same key and input the
// output is byte-identical.
func SignPE(in []byte, s sign.Signer) ([]byte, error) {
	if s == nil || s.Signer() == nil || s.Certificate() == nil {
		return nil, errors.New("signing PE: no signer")
	}
	unsigned, err := StripSignatures(in)
	if err != nil {
		return nil, fmt.Errorf("signing PE: %w", err)
	}
	img, err := authenticode.Parse(bytes.NewReader(unsigned))
	if err != nil {
		return nil, fmt.Errorf("signing PE: %w", err)
	}
	digest := img.Hash(crypto.SHA256)
	if digest == nil {
		return nil, errors.New("signing PE: hashing image failed")
	}
	content, err := authenticode.CreateSpcIndirectDataContent(digest, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("signing PE: %w", err)
	}
	sig, err := signedData(s, content)
	if err != nil {
		return nil, fmt.Errorf("signing PE with %q: %w", s.Certificate().Subject, err)
	}
	if err := img.AppendSignature(sig); err != nil {
		return nil, fmt.Errorf("signing PE: %w", err)
	}
	out := img.Bytes()

	// Self-check with go-uefi's verifier before handing the image out.
	check, err := authenticode.Parse(bytes.NewReader(out))
	if err != nil {
		return nil, fmt.Errorf("signing PE: re-parsing signed image: %w", err)
	}
	if ok, err := check.Verify(s.Certificate()); err != nil || !ok {
		return nil, fmt.Errorf("signing PE: signed image does not verify (ok=%v): %w", ok, err)
	}
	return out, nil
}

// StripSignatures returns in without its certificate table: the table (which must end
// the file) is cut off and data directory 4 is zeroed. An unsigned image is returned
// unchanged (as a copy).
func StripSignatures(in []byte) ([]byte, error) {
	f, err := pe.NewFile(bytes.NewReader(in))
	if err != nil {
		return nil, fmt.Errorf("parsing PE: %w", err)
	}
	defer f.Close()
	var dirs []pe.DataDirectory
	var dirOff int
	lfanew := int(binary.LittleEndian.Uint32(in[0x3c:]))
	switch oh := f.OptionalHeader.(type) {
	case *pe.OptionalHeader32:
		dirs, dirOff = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, 16)], lfanew+4+20+96
	case *pe.OptionalHeader64:
		dirs, dirOff = oh.DataDirectory[:min(oh.NumberOfRvaAndSizes, 16)], lfanew+4+20+112
	default:
		return nil, errors.New("parsing PE: no optional header")
	}
	out := bytes.Clone(in)
	if len(dirs) <= 4 || dirs[4].VirtualAddress == 0 && dirs[4].Size == 0 {
		return out, nil
	}
	// The security directory's VirtualAddress is a file offset.
	start, size := uint64(dirs[4].VirtualAddress), uint64(dirs[4].Size)
	if start+size != uint64(len(in)) {
		return nil, fmt.Errorf("certificate table [%#x+%#x] does not end the file (%#x bytes)", start, size, len(in))
	}
	out = out[:start]
	clear(out[dirOff+4*8 : dirOff+5*8])
	return out, nil
}
