package main

import (
	"crypto"
	_ "crypto/sha1" // the TPM's SHA-1 bank, when allocated
	"crypto/sha256"
	_ "crypto/sha512" // the SHA-384 and SHA-512 banks
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"
	"github.com/google/go-tpm/tpm2/transport/linuxtpm"
)

// The TPM's files: the kernel's resource manager (commands), the PCR values
// it exports per bank and the firmware's event log (under securityfs).
const (
	tpmDevice   = "/dev/tpmrm0"
	tpmPCRDir   = "/sys/class/tpm/tpm0/pcr-"
	tpmEventLog = "/sys/kernel/security/tpm0/binary_bios_measurements"
)

// Boot phases init extends into PCR 11, as systemd-pcrphase does: the
// SHA-x of the word (no NUL) into every allocated bank. A PCR 11 policy
// signed for "enter-initrd" holds from then until "ready".
const (
	phaseEnterInitrd = "enter-initrd"
	phaseReady       = "ready"
	pcrPhases        = 11
)

// Kernel command line parameters of the TPM feature.
const (
	paramTPMPCRs     = "manx.tpm.pcrs"     // PCRs to print, e.g. 4,7,9,11
	paramTPMEventLog = "manx.tpm.eventlog" // 1: dump the firmware event log
)

// fwCfgEventLog is the QEMU fw_cfg item that asks for the event log dump
// like manx.tpm.eventlog=1: the host sets it without touching the signed,
// measured command line of a UKI (fw_cfg items are not measured).
const fwCfgEventLog = "/sys/firmware/qemu_fw_cfg/by_name/opt/manx/tpm-eventlog/raw"

// eventLogChunk is the base64 text per serial line of the event log dump.
const eventLogChunk = 96

// tpm is what init asks of the TPM.
type tpm interface {
	// banks lists the allocated PCR banks ("sha256", ...).
	banks() ([]string, error)
	// extend extends pcr with digest in bank.
	extend(pcr int, bank string, digest []byte) error
	// read returns pcr's value in bank.
	read(pcr int, bank string) ([]byte, error)
}

// bankHashes are the PCR banks init can extend, by sysfs name.
var bankHashes = map[string]crypto.Hash{
	"sha1": crypto.SHA1, "sha256": crypto.SHA256, "sha384": crypto.SHA384, "sha512": crypto.SHA512,
}

// extendPhase extends PCR 11 with word in every allocated bank.
func extendPhase(t tpm, word string) error {
	banks, err := t.banks()
	if err != nil {
		return err
	}
	for _, b := range banks {
		h, ok := bankHashes[b]
		if !ok {
			continue
		}
		d := h.New()
		d.Write([]byte(word))
		if err := t.extend(pcrPhases, b, d.Sum(nil)); err != nil {
			return fmt.Errorf("extending PCR %d (%s) with phase %q: %w", pcrPhases, b, word, err)
		}
	}
	return nil
}

// parsePCRList parses manx.tpm.pcrs: PCR indexes 0..23, comma-separated.
func parsePCRList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 || n > 23 {
			return nil, fmt.Errorf("%s=%q: want PCR indexes 0..23, comma-separated", paramTPMPCRs, s)
		}
		out = append(out, n)
	}
	return out, nil
}

// pcrLines returns "tpm: pcrN sha256 <hex>" for each PCR, SHA-256 bank.
func pcrLines(t tpm, pcrs []int) ([]string, error) {
	var out []string
	for _, n := range pcrs {
		v, err := t.read(n, "sha256")
		if err != nil {
			return out, err
		}
		out = append(out, fmt.Sprintf("tpm: pcr%d sha256 %x", n, v))
	}
	return out, nil
}

// eventLogLines renders the firmware event log for the serial console: a
// header with its length and SHA-256, base64 lines, and an end line. The
// host (manx/deploy/vm) reassembles and checks it.
func eventLogLines(log []byte) []string {
	sum := sha256.Sum256(log)
	out := []string{fmt.Sprintf("tpm: eventlog begin %d %x", len(log), sum)}
	enc := base64.StdEncoding.EncodeToString(log)
	for len(enc) > 0 {
		n := min(eventLogChunk, len(enc))
		out = append(out, "tpm: eventlog "+enc[:n])
		enc = enc[n:]
	}
	return append(out, "tpm: eventlog end")
}

// bootTPM is init's TPM step at the start of the initrd: extend the
// enter-initrd phase. It returns nil when the machine has no TPM.
func bootTPM(con console) tpm {
	if _, err := os.Stat(tpmDevice); err != nil {
		return nil
	}
	t := &deviceTPM{path: tpmDevice}
	if err := extendPhase(t, phaseEnterInitrd); err != nil {
		con.printf("tpm: %v", err)
	}
	return t
}

// readyTPM extends the ready phase and prints what the command line asks
// for: PCR values and the firmware event log.
func readyTPM(con console, t tpm, params map[string]string) {
	if t == nil {
		return
	}
	if err := extendPhase(t, phaseReady); err != nil {
		con.printf("tpm: %v", err)
	}
	if s, ok := params[paramTPMPCRs]; ok {
		pcrs, err := parsePCRList(s)
		if err != nil {
			con.printf("tpm: %v", err)
		}
		lines, err := pcrLines(t, pcrs)
		for _, l := range lines {
			con.line(l)
		}
		if err != nil {
			con.printf("tpm: %v", err)
		}
	}
	if wantEventLog(params, os.ReadFile) {
		b, err := os.ReadFile(tpmEventLog)
		if err != nil {
			con.printf("tpm: event log: %v", err)
			return
		}
		for _, l := range eventLogLines(b) {
			con.line(l)
		}
	}
}

// deviceTPM is the machine's TPM: commands through the kernel's resource
// manager (go-tpm), PCR values from sysfs.
type deviceTPM struct{ path string }

func (d *deviceTPM) open() (transport.TPMCloser, error) {
	t, err := linuxtpm.Open(d.path)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", d.path, err)
	}
	return t, nil
}

func (d *deviceTPM) banks() ([]string, error) {
	entries, err := os.ReadDir("/sys/class/tpm/tpm0")
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if b, ok := strings.CutPrefix(e.Name(), "pcr-"); ok {
			out = append(out, b)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("no PCR banks under /sys/class/tpm/tpm0")
	}
	return out, nil
}

var tpmAlgs = map[string]tpm2.TPMAlgID{
	"sha1": tpm2.TPMAlgSHA1, "sha256": tpm2.TPMAlgSHA256, "sha384": tpm2.TPMAlgSHA384, "sha512": tpm2.TPMAlgSHA512,
}

func (d *deviceTPM) extend(pcr int, bank string, digest []byte) error {
	alg, ok := tpmAlgs[bank]
	if !ok {
		return fmt.Errorf("unknown PCR bank %q", bank)
	}
	t, err := d.open()
	if err != nil {
		return err
	}
	defer t.Close()
	_, err = tpm2.PCRExtend{
		PCRHandle: tpm2.AuthHandle{Handle: tpm2.TPMHandle(pcr), Auth: tpm2.PasswordAuth(nil)},
		Digests:   tpm2.TPMLDigestValues{Digests: []tpm2.TPMTHA{{HashAlg: alg, Digest: digest}}},
	}.Execute(t)
	return err
}

func (d *deviceTPM) read(pcr int, bank string) ([]byte, error) {
	p := tpmPCRDir + bank + "/" + strconv.Itoa(pcr)
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	v, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return v, nil
}

// wantEventLog reports whether the kernel command line or the host's fw_cfg
// item asks for the event log.
func wantEventLog(params map[string]string, read func(string) ([]byte, error)) bool {
	if params[paramTPMEventLog] == "1" {
		return true
	}
	b, err := read(fwCfgEventLog)
	return err == nil && strings.TrimSpace(string(b)) == "1"
}
