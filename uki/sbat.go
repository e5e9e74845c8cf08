package uki

import (
	"bytes"
	"debug/pe"
	"strings"
)

// sbatHeader is the mandatory first SBAT line; it appears exactly once in the merged text.
const sbatHeader = "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md"

// DefaultSBAT is the SBAT entry ukify adds for a UKI when none is given, so that UKIs
// can be revoked as a group.
const DefaultSBAT = sbatHeader + "\nuki,1,UKI,uki,1,https://uapi-group.org/specifications/specs/unified_kernel_image/\n"

// mergeSBAT merges SBAT texts like ukify's merge_sbat: the entries (all lines but the
// leading "sbat," line) of the stub's .sbat, of the kernel's .sbat if the kernel is a PE
// with one, and of extra, in that order, under one header line, terminated by "\n\x00".
// Inputs whose first line does not start with "sbat," are skipped, as ukify does.
func mergeSBAT(stubSBAT, linux []byte, extra string) []byte {
	var entries []string
	add := func(text string) {
		text = strings.TrimRight(text, "\x00")
		lines := strings.Split(strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n"), "\n")
		if !strings.HasPrefix(lines[0], "sbat,") {
			return
		}
		entries = append(entries, lines[1:]...)
	}
	if stubSBAT != nil {
		add(string(stubSBAT))
	}
	if k := kernelSBAT(linux); k != nil {
		add(string(k))
	}
	add(extra)
	return []byte(sbatHeader + "\n" + strings.Join(entries, "\n") + "\n\x00")
}

// kernelSBAT returns the raw .sbat section of a PE kernel, or nil if linux is not a PE
// or has none. A bzImage is a PE with FileAlignment 0x20, so this uses debug/pe rather
// than the stricter stub editor.
func kernelSBAT(linux []byte) []byte {
	f, err := pe.NewFile(bytes.NewReader(linux))
	if err != nil {
		return nil
	}
	defer f.Close()
	s := f.Section(SectionSBAT)
	if s == nil {
		return nil
	}
	b, err := s.Data()
	if err != nil {
		return nil
	}
	return b
}
