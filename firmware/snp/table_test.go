package snp

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/firmware/snp/snptest"
	"manx/internal/testutil"
)

// TestTableVectors computes one Table per distinct set of boot inputs of the
// reference vectors and checks that every vector appears in it.
func TestTableVectors(t *testing.T) {
	type group struct {
		in     Inputs
		vcpus  []int
		types  []string
		expect map[string]string // "type/vcpus" -> measurement
	}
	groups := map[string]*group{}
	var order []string
	for _, v := range snptest.Vectors(t) {
		key := strings.Join([]string{v.OVMF, v.Kernel, v.Initrd, v.Append, v.GuestFeatures}, "|")
		g, ok := groups[key]
		if !ok {
			g = &group{in: vectorInputs(t, v), expect: map[string]string{}}
			groups[key] = g
			order = append(order, key)
		}
		if !slices.Contains(g.vcpus, v.VCPUs) {
			g.vcpus = append(g.vcpus, v.VCPUs)
		}
		if !slices.Contains(g.types, v.VCPUType) {
			g.types = append(g.types, v.VCPUType)
		}
		g.expect[v.VCPUType+"/"+strconv.Itoa(v.VCPUs)] = v.Measurement
	}
	checked := 0
	for _, key := range order {
		g := groups[key]
		rows, err := Table(g.in, g.vcpus, g.types)
		if err != nil {
			t.Fatalf("Table(%s) error = %v", key, err)
		}
		if got, want := len(rows), len(g.vcpus)*len(g.types); got != want {
			t.Errorf("Table(%s) has %d rows, want %d", key, got, want)
		}
		for _, r := range rows {
			want, ok := g.expect[r.VCPUType+"/"+strconv.Itoa(r.VCPUs)]
			if !ok {
				continue
			}
			checked++
			if r.Measurement.String() != want {
				t.Errorf("Table(%s) row %s/%d = %s, want %s", key, r.VCPUType, r.VCPUs, r.Measurement, want)
			}
		}
	}
	if n := len(snptest.Vectors(t)); checked != n {
		t.Errorf("Table checked %d vectors, want %d", checked, n)
	}
}

func goldenInputs(t *testing.T) Inputs {
	return Inputs{
		Firmware: snptest.ReadFile(t, "OVMF.amdsev.fd"),
		Kernel:   snptest.ReadFile(t, "kernel.bin"),
		Initrd:   snptest.ReadFile(t, "initrd.img"),
		Cmdline:  "console=ttyS0 manx.test=1",
	}
}

// TestWriteJSONReproducible builds the table twice, from differently ordered
// requests, and compares the SHA-256 of the two files, then the golden file.
func TestWriteJSONReproducible(t *testing.T) {
	build := func(vcpus []int, types []string) []byte {
		rows, err := Table(goldenInputs(t), vcpus, types)
		if err != nil {
			t.Fatalf("Table() error = %v", err)
		}
		var b bytes.Buffer
		if err := WriteJSON(&b, rows); err != nil {
			t.Fatalf("WriteJSON() error = %v", err)
		}
		return b.Bytes()
	}
	first := build([]int{1, 2, 8}, []string{"EPYC-v4", "EPYC-Genoa"})
	second := build([]int{8, 1, 2, 1}, []string{"EPYC-Genoa", "EPYC-v4", "EPYC-Genoa"})
	if a, b := sha256.Sum256(first), sha256.Sum256(second); a != b {
		t.Fatalf("two builds differ: sha256 %x vs %x\n%s", a, b, cmp.Diff(string(first), string(second)))
	}
	testutil.Golden(t, filepath.Join("testdata", "table.golden.json"), first)
	// The golden rows must agree with the reference vectors they overlap.
	var rows []Row
	if err := json.Unmarshal(first, &rows); err != nil {
		t.Fatalf("json.Unmarshal(WriteJSON output) error = %v", err)
	}
	for _, v := range snptest.Vectors(t) {
		for _, r := range rows {
			if v.Kernel != "" && v.Initrd != "" && v.Append == r.Cmdline && v.GuestFeatures == r.GuestFeatures &&
				v.VCPUType == r.VCPUType && v.VCPUs == r.VCPUs && v.Measurement != r.Measurement.String() {
				t.Errorf("golden row %s/%d = %s, want vector %d %s", r.VCPUType, r.VCPUs, r.Measurement, v.ID, v.Measurement)
			}
		}
	}
}

func TestWriteJSONFormat(t *testing.T) {
	d := mustDigest(t, strings.Repeat("ab", DigestSize))
	r := Row{OVMFSHA256: "f0", VMMType: "QEMU", GuestFeatures: "0x1", VCPUType: "EPYC", VCPUSig: "0x00800f12", VCPUs: 2, Measurement: d}
	r1 := r
	r1.VCPUs = 1
	for _, tc := range []struct {
		name string
		rows []Row
		want string
	}{
		{"nil", nil, "[]\n"},
		{"sorted and deduplicated", []Row{r, r1, r}, `[
  {
    "ovmf_sha256": "f0",
    "vmm_type": "QEMU",
    "guest_features": "0x1",
    "vcpu_type": "EPYC",
    "vcpu_sig": "0x00800f12",
    "vcpus": 1,
    "measurement": "` + d.String() + `"
  },
  {
    "ovmf_sha256": "f0",
    "vmm_type": "QEMU",
    "guest_features": "0x1",
    "vcpu_type": "EPYC",
    "vcpu_sig": "0x00800f12",
    "vcpus": 2,
    "measurement": "` + d.String() + `"
  }
]
`},
	} {
		var b strings.Builder
		if err := WriteJSON(&b, tc.rows); err != nil {
			t.Fatalf("WriteJSON(%s) error = %v", tc.name, err)
		}
		if diff := cmp.Diff(tc.want, b.String()); diff != "" {
			t.Errorf("WriteJSON(%s) mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
	if err := WriteJSON(failWriter{}, []Row{r}); err == nil || !strings.Contains(err.Error(), "writing SEV-SNP measurement table") {
		t.Errorf("WriteJSON(failing writer) error = %v, want a write error", err)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }

func TestTableErrors(t *testing.T) {
	in := goldenInputs(t)
	for _, tc := range []struct {
		name    string
		in      Inputs
		vcpus   []int
		types   []string
		wantErr string
	}{
		{"no vcpus", in, nil, []string{"EPYC"}, "want at least one vCPU count and one vCPU type"},
		{"no types", in, []int{1}, nil, "want at least one vCPU count and one vCPU type"},
		{"unknown type", in, []int{1}, []string{"EPYC", "Skylake"}, `unknown vCPU type "Skylake"`},
		{"zero vcpus", in, []int{1, 0}, []string{"EPYC"}, "EPYC: vCPU count 0 is outside 1..4096"},
		{"bad firmware", Inputs{Firmware: make([]byte, 100)}, []int{1}, []string{"EPYC"}, "firmware size 100 is not a multiple of 64 KiB"},
	} {
		if _, err := Table(tc.in, tc.vcpus, tc.types); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("Table(%s) error = %v, want it to contain %q", tc.name, err, tc.wantErr)
		}
	}
}

func TestDescribe(t *testing.T) {
	d := mustDigest(t, strings.Repeat("cd", DigestSize))
	fwOnly := Row{OVMFSHA256: "f0", VMMType: "QEMU", GuestFeatures: "0x1", VCPUType: "EPYC-Milan", VCPUSig: "0x00a00f11", VCPUs: 1, Measurement: d}
	direct := fwOnly
	direct.KernelSHA256, direct.InitrdSHA256, direct.CmdlineSHA256, direct.Cmdline = "k0", "i0", "c0", "console=ttyS0"
	direct2 := direct
	direct2.VCPUType, direct2.VCPUSig, direct2.VCPUs = "EPYC", "0x00800f12", 16
	var b strings.Builder
	if err := Describe(&b, []Row{direct, fwOnly, direct2}); err != nil {
		t.Fatalf("Describe() error = %v", err)
	}
	m := d.String()
	want := `OVMF sha256 f0
firmware only (no kernel hashes)
VMM QEMU, guest features 0x1
vCPU type   signature   vCPUs  measurement
EPYC-Milan  0x00a00f11  1      ` + m + `

OVMF sha256 f0
kernel sha256 k0
initrd sha256 i0
cmdline "console=ttyS0" (sha256 c0)
VMM QEMU, guest features 0x1
vCPU type   signature   vCPUs  measurement
EPYC        0x00800f12  16     ` + m + `
EPYC-Milan  0x00a00f11  1      ` + m + `
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("Describe() mismatch (-want +got):\n%s", diff)
	}
}

func TestReadJSON(t *testing.T) {
	golden, err := os.ReadFile(filepath.Join("testdata", "table.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := ReadJSON(bytes.NewReader(golden))
	if err != nil {
		t.Fatalf("ReadJSON(table.golden.json) error = %v", err)
	}
	var back bytes.Buffer
	if err := WriteJSON(&back, rows); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(golden), back.String()); diff != "" {
		t.Errorf("ReadJSON then WriteJSON does not round-trip (-want +got):\n%s", diff)
	}
	m := strings.Repeat("ab", DigestSize)
	for _, tc := range []struct{ name, in, wantErr string }{
		{"empty", ``, "EOF"},
		{"object", `{}`, "cannot unmarshal object"},
		{"unknown field", `[{"measurement":"` + m + `","vcpu":1}]`, `unknown field "vcpu"`},
		{"trailing", `[] []`, "data after the JSON array"},
		{"no measurement", `[{"vcpus":1}]`, "row 0 has no measurement"},
		{"short measurement", `[{"measurement":"abcd"}]`, "4 hex digits, want 96"},
	} {
		if _, err := ReadJSON(strings.NewReader(tc.in)); err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ReadJSON(%s) error = %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}
