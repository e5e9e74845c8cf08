package ovmf

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Describe writes a human-readable summary of img: size and base GPA, the footer
// table entries, the SEV metadata sections in table order, the reset address and
// the hash-table area.
func Describe(w io.Writer, img *Image) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "image size\t%#x (%d bytes)\n", img.Size, img.Size)
	fmt.Fprintf(tw, "base GPA\t%#x\n", img.BaseGPA())
	if addr, err := img.ResetAddress(); err == nil {
		fmt.Fprintf(tw, "SEV-ES AP reset address\t%#x\n", addr)
	} else {
		fmt.Fprintf(tw, "SEV-ES AP reset address\tnone\n")
	}
	if a, err := img.HashTable(); err == nil {
		fmt.Fprintf(tw, "SEV hash table\t%#x size %#x\n", a.GPA, a.Size)
	} else {
		fmt.Fprintf(tw, "SEV hash table\tnone\n")
	}
	fmt.Fprintf(tw, "\nfooter table entry\tname\toffset\tdata\n")
	for _, e := range img.Entries {
		name := e.GUID.Name()
		if name == "" {
			name = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%#x\t%x\n", e.GUID, name, e.Offset, e.Data)
	}
	if img.Metadata == nil {
		fmt.Fprintf(tw, "\nSEV metadata\tnone\n")
		return tw.Flush()
	}
	fmt.Fprintf(tw, "\nSEV metadata at %#x, version %d\n", img.Metadata.Offset, img.Metadata.Version)
	fmt.Fprintf(tw, "#\ttype\tGPA\tsize\n")
	for i, s := range img.Metadata.Sections {
		fmt.Fprintf(tw, "%d\t%s\t%#x\t%#x\n", i, s.Type, s.GPA, s.Size)
	}
	return tw.Flush()
}
