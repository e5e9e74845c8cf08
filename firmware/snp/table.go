package snp

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
)

// Row is one launch digest of a Table, with the inputs it binds.
type Row struct {
	// OVMFSHA256 is the SHA-256 of the -bios image.
	OVMFSHA256 string `json:"ovmf_sha256"`
	// KernelSHA256, InitrdSHA256 and CmdlineSHA256 are the entries of the
	// kernel-hashes table (empty for firmware-only launches); Cmdline is the
	// -append string they were computed from.
	KernelSHA256  string `json:"kernel_sha256,omitempty"`
	InitrdSHA256  string `json:"initrd_sha256,omitempty"`
	CmdlineSHA256 string `json:"cmdline_sha256,omitempty"`
	Cmdline       string `json:"cmdline,omitempty"`
	// VMMType is "QEMU" or "ec2".
	VMMType string `json:"vmm_type"`
	// GuestFeatures is SEV_FEATURES in hex, e.g. "0x1".
	GuestFeatures string `json:"guest_features"`
	VCPUType      string `json:"vcpu_type"`
	// VCPUSig is the vCPU signature in hex, e.g. "0x00a00f11".
	VCPUSig     string `json:"vcpu_sig"`
	VCPUs       int    `json:"vcpus"`
	Measurement Digest `json:"measurement"`
}

// Table returns the launch digests of in for every combination of vCPU count and
// vCPU type, sorted as WriteJSON writes them. in.VCPUs, in.VCPUType and in.VCPUSig
// are ignored. The firmware is parsed and hashed once.
func Table(in Inputs, vcpus []int, types []string) ([]Row, error) {
	if len(vcpus) == 0 || len(types) == 0 {
		return nil, errors.New("building SEV-SNP measurement table: want at least one vCPU count and one vCPU type")
	}
	l, err := newLaunch(in)
	if err != nil {
		return nil, fmt.Errorf("building SEV-SNP measurement table: %w", err)
	}
	proto := Row{
		OVMFSHA256:    sum256(in.Firmware),
		VMMType:       in.VMM.String(),
		GuestFeatures: fmt.Sprintf("%#x", l.features),
	}
	if l.boot != nil {
		proto.KernelSHA256 = hex.EncodeToString(l.boot.Kernel[:])
		proto.InitrdSHA256 = hex.EncodeToString(l.boot.Initrd[:])
		proto.CmdlineSHA256 = hex.EncodeToString(l.boot.Cmdline[:])
		proto.Cmdline = in.Cmdline
	}
	var rows []Row
	for _, typ := range types {
		sig, err := VCPUSignature(typ)
		if err != nil {
			return nil, fmt.Errorf("building SEV-SNP measurement table: %w", err)
		}
		for _, n := range vcpus {
			d, err := l.digest(n, sig)
			if err != nil {
				return nil, fmt.Errorf("building SEV-SNP measurement table: %s: %w", typ, err)
			}
			r := proto
			r.VCPUType, r.VCPUSig, r.VCPUs, r.Measurement = typ, fmt.Sprintf("0x%08x", sig), n, d
			rows = append(rows, r)
		}
	}
	return sortRows(rows), nil
}

func sum256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sortRows returns a sorted copy of rows without exact duplicates: by inputs, then
// vCPU type, then vCPU count.
func sortRows(rows []Row) []Row {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b Row) int {
		return cmp.Or(
			cmp.Compare(a.OVMFSHA256, b.OVMFSHA256),
			cmp.Compare(a.KernelSHA256, b.KernelSHA256),
			cmp.Compare(a.InitrdSHA256, b.InitrdSHA256),
			cmp.Compare(a.CmdlineSHA256, b.CmdlineSHA256),
			cmp.Compare(a.Cmdline, b.Cmdline),
			cmp.Compare(a.VMMType, b.VMMType),
			cmp.Compare(a.GuestFeatures, b.GuestFeatures),
			cmp.Compare(a.VCPUType, b.VCPUType),
			cmp.Compare(a.VCPUs, b.VCPUs),
			cmp.Compare(a.VCPUSig, b.VCPUSig),
			cmp.Compare(a.Measurement.String(), b.Measurement.String()),
		)
	})
	return slices.Compact(out)
}

// WriteJSON writes rows as a JSON array, sorted and without duplicates, indented
// with two spaces and ending in a newline. The output depends only on the set of
// rows, so two builds from the same inputs produce identical files.
func WriteJSON(w io.Writer, rows []Row) error {
	sorted := sortRows(rows)
	if sorted == nil {
		sorted = []Row{}
	}
	b, err := json.MarshalIndent(sorted, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding SEV-SNP measurement table: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing SEV-SNP measurement table: %w", err)
	}
	return nil
}

// ReadJSON parses a table written by WriteJSON (build/measure/snp.json). It is
// strict: unknown fields, trailing data and rows without a measurement are
// refused.
func ReadJSON(r io.Reader) ([]Row, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var rows []Row
	if err := dec.Decode(&rows); err != nil {
		return nil, fmt.Errorf("reading SEV-SNP measurement table: %w", err)
	}
	if dec.More() {
		return nil, errors.New("reading SEV-SNP measurement table: data after the JSON array")
	}
	var zero Digest
	for i, row := range rows {
		if row.Measurement == zero {
			return nil, fmt.Errorf("reading SEV-SNP measurement table: row %d has no measurement", i)
		}
	}
	return rows, nil
}
