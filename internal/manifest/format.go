package manifest

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// indent lines up hint and input lines under the artefact name.
const indent = "          "

// Format writes the report, one line per artefact, then a summary:
//
//	match     kernel
//	MISMATCH  initramfs  want <sha256> got <sha256>
//	          inputs differ: SOURCE_DATE_EPOCH: published 1, built 2
//	          look first: diffoscope (cpio listing) both copies; …
//	MISSING   uki  want <sha256> got (not built)
//	EXTRA     ospkg  want (not published) got <sha256>
//	keys      uki-stboot  want <sha256> got <sha256>
//	          inputs differ: key ospkg-root: published …, built …
//	1 of 5 artefacts match; 1 mismatch, 1 missing, 1 extra, 1 built with other keys
func Format(w io.Writer, diffs []Diff) error {
	bw := bufio.NewWriter(w)
	count := map[Status]int{}
	for _, d := range diffs {
		count[d.Status]++
		label := fmt.Sprintf("%-10s", d.Status)
		switch d.Status {
		case Match:
			fmt.Fprintf(bw, "%s%s\n", label, d.Name)
			continue
		case Missing:
			fmt.Fprintf(bw, "%s%s  want %s got (not built)\n", label, d.Name, d.Want)
		case Extra:
			fmt.Fprintf(bw, "%s%s  want (not published) got %s\n", label, d.Name, d.Got)
		default:
			fmt.Fprintf(bw, "%s%s  want %s got %s\n", label, d.Name, d.Want, d.Got)
		}
		if len(d.Inputs) > 0 {
			fmt.Fprintf(bw, "%sinputs differ: %s\n", indent, strings.Join(d.Inputs, "; "))
		}
		if d.Hint != "" {
			fmt.Fprintf(bw, "%slook first: %s\n", indent, d.Hint)
		}
	}
	fmt.Fprintf(bw, "%d of %d artefacts match; %d mismatch, %d missing, %d extra, %d built with other keys\n",
		count[Match], len(diffs), count[Mismatch], count[Missing], count[Extra], count[OtherKeys])
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the comparison: %w", err)
	}
	return nil
}
