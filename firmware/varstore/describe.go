package varstore

import (
	"bufio"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf16"
)

// Describe prints s for people (mage inspect:vars): one block per variable
// with name, GUID, attributes, size, time and value, the certificates or
// digests of every signature list, and the Secure Boot state the firmware
// would derive. Variables are printed in store order.
func Describe(w io.Writer, s *Store) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "%s; %s\n", plural(len(s.Variables), "variable"), s.SecureBootStatus())
	for _, v := range s.Variables {
		fmt.Fprintf(bw, "\n%s\n", v.Name)
		fmt.Fprintf(bw, "  guid  %s\n", describeGUID(v.GUID))
		fmt.Fprintf(bw, "  attr  %s\n", v.Attributes)
		fmt.Fprintf(bw, "  size  %s\n", plural(len(v.Data), "byte"))
		if v.Attributes.TimeBased() || v.Time != (EFITime{}) {
			fmt.Fprintf(bw, "  time  %s\n", formatEFITime(v.Time))
		}
		if len(v.Digest) > 0 {
			fmt.Fprintf(bw, "  signer digest %x\n", v.Digest)
		}
		describeValue(bw, v)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("describing varstore: %w", err)
	}
	return nil
}

func describeGUID(g GUID) string {
	if n, ok := guidNames[g]; ok {
		return FormatGUID(g) + " (" + n + ")"
	}
	return FormatGUID(g)
}

// isSignatureDatabase reports whether v holds EFI_SIGNATURE_LISTs.
func isSignatureDatabase(v Variable) bool {
	switch {
	case v.GUID == GlobalVariableGUID:
		return v.Name == NamePK || v.Name == NameKEK || v.Name == "PKDefault" || v.Name == "KEKDefault" || v.Name == "dbDefault" || v.Name == "dbxDefault"
	case v.GUID == ImageSecurityDatabaseGUID:
		return v.Name == NameDB || v.Name == NameDBX || v.Name == "dbt" || v.Name == "dbr"
	}
	return false
}

func describeValue(w io.Writer, v Variable) {
	if isSignatureDatabase(v) {
		describeESLs(w, v.Data)
		return
	}
	switch {
	case len(v.Data) == 0:
		fmt.Fprintf(w, "  value (empty)\n")
	case len(v.Data) <= 64:
		fmt.Fprintf(w, "  value %x\n", v.Data)
		if s, ok := printableUTF16(v.Data); ok {
			fmt.Fprintf(w, "        %q (UTF-16)\n", s)
		}
	default:
		sum := sha256.Sum256(v.Data)
		fmt.Fprintf(w, "  value %x... sha256 %s\n", v.Data[:32], hex.EncodeToString(sum[:]))
	}
}

func describeESLs(w io.Writer, data []byte) {
	lists, err := ParseSignatureLists(data)
	for i, l := range lists {
		typ := describeGUID(l.Type)
		fmt.Fprintf(w, "  ESL %d: type %s, %s", i, typ, plural(len(l.Entries), "entry"))
		if len(l.Header) > 0 {
			fmt.Fprintf(w, ", %d-byte header", len(l.Header))
		}
		fmt.Fprintln(w)
		for j, e := range l.Entries {
			fmt.Fprintf(w, "    [%d] owner %s\n", j, describeGUID(e.Owner))
			switch l.Type {
			case CertX509GUID:
				describeCert(w, e.Data)
			case CertSHA256GUID:
				fmt.Fprintf(w, "        sha256 %x\n", e.Data)
			default:
				fmt.Fprintf(w, "        %s\n", plural(len(e.Data), "byte"))
			}
		}
	}
	if err != nil {
		fmt.Fprintf(w, "  malformed signature lists: %v\n", err)
	}
}

func describeCert(w io.Writer, der []byte) {
	sum := sha256.Sum256(der)
	c, err := x509.ParseCertificate(der)
	if err != nil {
		fmt.Fprintf(w, "        unparsable certificate (%v), sha256 %x\n", err, sum)
		return
	}
	fmt.Fprintf(w, "        subject %s\n", c.Subject)
	if c.Issuer.String() != c.Subject.String() {
		fmt.Fprintf(w, "        issuer  %s\n", c.Issuer)
	}
	fmt.Fprintf(w, "        valid   %s .. %s\n", c.NotBefore.UTC().Format("2006-01-02"), c.NotAfter.UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "        sha256  %x\n", sum)
}

// printableUTF16 decodes b as NUL-terminated UTF-16LE if it is printable ASCII.
func printableUTF16(b []byte) (string, bool) {
	if len(b) < 4 || len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, 0, len(b)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
	}
	if u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	for _, c := range u {
		if c < 0x20 || c > 0x7e {
			return "", false
		}
	}
	return string(utf16.Decode(u)), true
}

// plural returns "1 byte", "2 bytes", "1 entry", "3 entries".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	if strings.HasSuffix(word, "y") {
		return fmt.Sprintf("%d %sies", n, strings.TrimSuffix(word, "y"))
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// DescribeFile parses the store at path (raw .fd, or uefi-vars JSON when
// the name ends in .json) and describes it.
func DescribeFile(w io.Writer, path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var s *Store
	if strings.HasSuffix(path, ".json") {
		s, err = ParseJSON(b)
	} else {
		s, err = ParseRaw(b)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(w, "== %s\n", path)
	return Describe(w, s)
}
