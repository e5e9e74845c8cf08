package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"manx/firmware/ovmf"
	"manx/firmware/snp/snptest"
)

// vectorArgs returns the command line sev-snp-measure was run with for v.
func vectorArgs(dir string, v snptest.Vector) []string {
	args := []string{"--mode", "snp", "--vcpus=" + strconv.Itoa(v.VCPUs), "--vcpu-type", v.VCPUType,
		"--guest-features", v.GuestFeatures, "--ovmf", filepath.Join(dir, v.OVMF)}
	if v.Kernel != "" {
		args = append(args, "--kernel", filepath.Join(dir, v.Kernel))
	}
	if v.Initrd != "" {
		args = append(args, "--initrd", filepath.Join(dir, v.Initrd))
	}
	if v.Append != "" {
		args = append(args, "--append="+v.Append)
	}
	return args
}

// TestRunVectors runs the command on every reference vector.
func TestRunVectors(t *testing.T) {
	dir := snptest.Dir(t)
	vs := snptest.Vectors(t)
	matched := 0
	for _, v := range vs {
		args := vectorArgs(dir, v)
		var stdout, stderr bytes.Buffer
		code := run(args, &stdout, &stderr)
		if code != 0 || stdout.String() != v.Measurement+"\n" || stderr.Len() != 0 {
			t.Errorf("run(vector %d: %q) = %d, stdout %q, stderr %q, want 0, %q, \"\"", v.ID, args, code, stdout.String(), stderr.String(), v.Measurement+"\n")
			continue
		}
		matched++
	}
	if matched != len(vs) {
		t.Errorf("%d of %d vectors matched, want all", matched, len(vs))
	}
}

func TestRunOutputs(t *testing.T) {
	dir := snptest.Dir(t)
	fw := filepath.Join(dir, "OVMF.amdsev.fd")
	v16 := "54a8c0dd731ffacb4980b3bf926adcbfef705146fdf443ca2a03c3104610a8add28b31c86df235618a610a94797f056d"
	raw, _ := hex.DecodeString(v16)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"decimal features and sig", []string{"--ovmf", fw, "--vcpus", "2", "--vcpu-sig", "10489617", "--guest-features", "1"}, v16 + "\n"},
		{"family/model/stepping", []string{"--ovmf", fw, "--vcpus", "2", "--vcpu-family", "25", "--vcpu-model", "1", "--vcpu-stepping", "1"}, v16 + "\n"},
		{"base64", []string{"--ovmf", fw, "--vcpus", "2", "--vcpu-type", "EPYC-Milan", "--output-format", "base64"}, base64.StdEncoding.EncodeToString(raw) + "\n"},
		{"vmm type lower case", []string{"--ovmf", fw, "--vcpus", "2", "--vcpu-type", "EPYC-Milan-v1", "--vmm-type", "qemu"}, v16 + "\n"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != 0 || stdout.String() != tc.want {
			t.Errorf("run(%s) = %d, %q (stderr %q), want 0, %q", tc.name, code, stdout.String(), stderr.String(), tc.want)
		}
	}
	// --mode snp:ovmf-hash prints the digest after the firmware pages only.
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--mode", "snp:ovmf-hash", "--ovmf", fw}, &stdout, &stderr); code != 0 ||
		!strings.HasPrefix(stdout.String(), "9d0dd8be") || !strings.HasSuffix(stdout.String(), "4806\n") {
		t.Errorf("run(snp:ovmf-hash) = %d, %q (stderr %q), want 0, 9d0dd8be…4806", code, stdout.String(), stderr.String())
	}
}

func TestRunErrors(t *testing.T) {
	dir := snptest.Dir(t)
	fw := filepath.Join(dir, "OVMF.amdsev.fd")
	kernel := filepath.Join(dir, "kernel.bin")

	// Firmware without SNP_KERNEL_HASHES: the AmdSev image with that section retyped.
	raw, err := os.ReadFile(fw)
	if err != nil {
		t.Fatal(err)
	}
	img, err := ovmf.ParseBytes(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range img.Metadata.Sections {
		if s.Type == ovmf.SectionSNPKernelHashes {
			binary.LittleEndian.PutUint32(raw[img.Metadata.Offset+16+12*int64(i)+8:], uint32(ovmf.SectionSNPSecMem))
		}
	}
	noHashes := filepath.Join(t.TempDir(), "OVMF.nohashes.fd")
	if err := os.WriteFile(noHashes, raw, 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"kernel without kernel hashes", []string{"--ovmf", noHashes, "--kernel", kernel, "--vcpus", "1", "--vcpu-type", "EPYC-v4"}, 1,
			"manx-measure: measuring SEV-SNP launch: kernel specified but OVMF metadata doesn't include an SNP_KERNEL_HASHES section"},
		{"missing ovmf", []string{"--vcpus", "1", "--vcpu-type", "EPYC"}, 2, "manx-measure: missing --ovmf"},
		{"missing vcpus", []string{"--ovmf", fw, "--vcpu-type", "EPYC"}, 2, "manx-measure: missing --vcpus N"},
		{"initrd without kernel", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--initrd", kernel}, 2, "manx-measure: --kernel required when using --initrd"},
		{"append without kernel", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--append", ""}, 2, "manx-measure: --kernel required when using --append"},
		{"two signature sources", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--vcpu-sig", "1"}, 2, "give only one of"},
		{"family without model", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-family", "25"}, 2, "--vcpu-family needs --vcpu-model and --vcpu-stepping"},
		{"unknown flag", []string{"--ovmf", fw, "--vcpu", "1"}, 2, "flag provided but not defined: -vcpu"},
		{"positional", []string{"--ovmf", fw, "extra"}, 2, `manx-measure: unexpected argument "extra"`},
		{"mode", []string{"--mode", "sev", "--ovmf", fw}, 2, `unsupported --mode "sev"`},
		{"output format", []string{"--output-format", "raw", "--ovmf", fw}, 2, `unknown --output-format "raw"`},
		{"no vcpu type", []string{"--ovmf", fw, "--vcpus", "1"}, 1, "no vCPU type or signature given"},
		{"unknown vcpu type", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "Skylake"}, 1, `unknown vCPU type "Skylake"`},
		{"bad features", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "0xzz"}, 1, `--guest-features "0xzz": want a 64-bit number`},
		{"zero features", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "0"}, 1, "--guest-features 0: bit 0 (SNPActive) must be set"},
		{"features without SNPActive", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "0x20"}, 1, "guest features 0x20 lack SNPActive"},
		{"bad sig", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-sig", "-1"}, 1, `--vcpu-sig "-1": want a 32-bit number`},
		{"vmm type", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--vmm-type", "gce"}, 1, `--vmm-type: unknown VMM type "gce"`},
		{"zero vcpus", []string{"--ovmf", fw, "--vcpus", "0", "--vcpu-type", "EPYC"}, 1, "vCPU count 0 is outside 1..4096"},
		{"missing kernel file", []string{"--ovmf", fw, "--vcpus", "1", "--vcpu-type", "EPYC", "--kernel", filepath.Join(dir, "nope")}, 1, "no such file or directory"},
		{"not OVMF", []string{"--ovmf", kernel, "--vcpus", "1", "--vcpu-type", "EPYC"}, 1, "no OVMF footer GUID table"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.wantCode || stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q, want %d, \"\", stderr containing %q", tc.args, code, stdout.String(), stderr.String(), tc.wantCode, tc.wantErr)
			}
		})
	}
}
