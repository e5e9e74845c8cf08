package varstore

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"fmt"

	"github.com/foxboron/go-uefi/efi/signature"
)

// eslHeaderLen is sizeof(EFI_SIGNATURE_LIST) without the signature header.
const eslHeaderLen = 28

// SignatureList is one parsed EFI_SIGNATURE_LIST.
type SignatureList struct {
	Type    GUID             // e.g. CertX509GUID, CertSHA256GUID
	Header  []byte           // SignatureHeader (HeaderSize bytes; empty for X509 and SHA256)
	Entries []SignatureEntry // all of SignatureSize
}

// SignatureEntry is one EFI_SIGNATURE_DATA.
type SignatureEntry struct {
	Owner GUID
	Data  []byte // DER certificate, digest, ...
}

// x509ESL returns one EFI_SIGNATURE_LIST holding exactly cert, owned by owner.
// One certificate per list, as OVMF and virt-firmware write them: go-uefi's
// SignatureDatabase.Append would merge equal-length certificates into one
// list. go-uefi's writers only log.Fatal on bytes.Buffer errors, which cannot
// happen.
func x509ESL(owner GUID, cert *x509.Certificate) ([]byte, error) {
	if cert == nil {
		return nil, fmt.Errorf("nil certificate")
	}
	l := signature.NewSignatureList(signature.CERT_X509_GUID)
	if err := l.AppendBytes(owner, cert.Raw); err != nil {
		return nil, fmt.Errorf("certificate %q: %w", cert.Subject.String(), err)
	}
	return l.Bytes(), nil
}

// sha256ESL returns one EFI_SIGNATURE_LIST holding the given digests.
func sha256ESL(owner GUID, digests ...[sha256.Size]byte) ([]byte, error) {
	l := signature.NewSignatureList(signature.CERT_SHA256_GUID)
	for _, d := range digests {
		if err := l.AppendBytes(owner, d[:]); err != nil {
			return nil, fmt.Errorf("digest %x: %w", d, err)
		}
	}
	return l.Bytes(), nil
}

// ParseSignatureLists parses concatenated EFI_SIGNATURE_LISTs, checking every
// size against the buffer. It never panics (go-uefi's ReadSignatureDatabase
// trusts the sizes and rejects unknown types, so it is not used here).
func ParseSignatureLists(b []byte) ([]SignatureList, error) {
	var out []SignatureList
	for off := 0; off < len(b); {
		rest := len(b) - off
		if rest < eslHeaderLen {
			return out, fmt.Errorf("signature list at offset %d: %d bytes left, header needs %d", off, rest, eslHeaderLen)
		}
		h := b[off:]
		typ := getGUID(h)
		listSize := uint64(binary.LittleEndian.Uint32(h[16:]))
		headerSize := uint64(binary.LittleEndian.Uint32(h[20:]))
		sigSize := uint64(binary.LittleEndian.Uint32(h[24:]))
		switch {
		case listSize < eslHeaderLen:
			return out, fmt.Errorf("signature list at offset %d: ListSize %d smaller than its header", off, listSize)
		case listSize > uint64(rest):
			return out, fmt.Errorf("signature list at offset %d: ListSize %d exceeds the %d bytes left", off, listSize, rest)
		case headerSize > listSize-eslHeaderLen:
			return out, fmt.Errorf("signature list at offset %d: HeaderSize %d exceeds ListSize %d", off, headerSize, listSize)
		}
		body := listSize - eslHeaderLen - headerSize
		switch {
		case sigSize < guidLen && (body > 0 || sigSize != 0):
			return out, fmt.Errorf("signature list at offset %d: SignatureSize %d smaller than an owner GUID", off, sigSize)
		case sigSize != 0 && body%sigSize != 0:
			return out, fmt.Errorf("signature list at offset %d: %d bytes of signatures are not a multiple of SignatureSize %d", off, body, sigSize)
		case typ == CertSHA256GUID && sigSize != guidLen+sha256.Size:
			return out, fmt.Errorf("signature list at offset %d: SHA256 list with SignatureSize %d, want %d", off, sigSize, guidLen+sha256.Size)
		}
		l := SignatureList{Type: typ, Header: h[eslHeaderLen : eslHeaderLen+headerSize]}
		for p := eslHeaderLen + headerSize; p < listSize; p += sigSize {
			l.Entries = append(l.Entries, SignatureEntry{Owner: getGUID(h[p:]), Data: h[p+guidLen : p+sigSize]})
		}
		out = append(out, l)
		off += int(listSize)
	}
	return out, nil
}
