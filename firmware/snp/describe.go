package snp

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// Describe prints rows as a table for humans: for each distinct set of boot inputs
// a header naming them, then one line per vCPU type and count.
func Describe(w io.Writer, rows []Row) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	sorted := sortRows(rows)
	for i, r := range sorted {
		if i == 0 || !sameInputs(sorted[i-1], r) {
			if i > 0 {
				fmt.Fprintln(tw)
			}
			fmt.Fprintf(tw, "OVMF sha256 %s\n", r.OVMFSHA256)
			if r.KernelSHA256 == "" {
				fmt.Fprintf(tw, "firmware only (no kernel hashes)\n")
			} else {
				fmt.Fprintf(tw, "kernel sha256 %s\ninitrd sha256 %s\ncmdline %q (sha256 %s)\n", r.KernelSHA256, r.InitrdSHA256, r.Cmdline, r.CmdlineSHA256)
			}
			fmt.Fprintf(tw, "VMM %s, guest features %s\n", r.VMMType, r.GuestFeatures)
			fmt.Fprintf(tw, "vCPU type\tsignature\tvCPUs\tmeasurement\n")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", r.VCPUType, r.VCPUSig, r.VCPUs, r.Measurement)
	}
	return tw.Flush()
}

func sameInputs(a, b Row) bool {
	return a.OVMFSHA256 == b.OVMFSHA256 && a.KernelSHA256 == b.KernelSHA256 && a.InitrdSHA256 == b.InitrdSHA256 &&
		a.CmdlineSHA256 == b.CmdlineSHA256 && a.Cmdline == b.Cmdline && a.VMMType == b.VMMType && a.GuestFeatures == b.GuestFeatures
}
