package main

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"manx/tpm/pcrsig"
	"manx/tpm/seal"
	"manx/tpm/sealdisk"
	"manx/tpm/totp"
)

// Where systemd-stub puts a UKI's signed PCR policy in the initrd (the
// .pcrsig and .pcrpkey sections, as cpio archives it appends).
const (
	pcrSigFile  = "/.extra/tpm2-pcr-signature.json"
	pcrPKeyFile = "/.extra/tpm2-pcr-public-key.pem"
)

// Unseal outcome lines; the boot checks wait for them (manx/deploy/profile
// MarkerUnsealed, MarkerTOTP, MarkerUnsealPolicy, MarkerUnsealSigning).
const (
	lineUnsealed      = "tpm: unsealed %x"
	lineTOTP          = "tpm: totp %s at %d"
	lineRefusedPolicy = "tpm: UNSEAL REFUSED (policy)"
	lineRefusedSig    = "tpm: UNSEAL REFUSED (signature)"
)

// unsealer unseals a blob under the signed policy.
type unsealer func(blob []byte, pubPEM, sigJSON []byte) ([]byte, error)

// unsealLines unseals blob and returns the lines to print: the secret's
// digest (first 12 hex digits) and its TOTP code at now, or the refusal.
// The secret itself is never printed.
func unsealLines(u unsealer, blob, pubPEM, sigJSON []byte, now time.Time) []string {
	secret, err := u(blob, pubPEM, sigJSON)
	switch {
	case errors.Is(err, seal.ErrPolicy):
		return []string{lineRefusedPolicy}
	case errors.Is(err, seal.ErrSignature):
		return []string{lineRefusedSig}
	case err != nil:
		return []string{"tpm: UNSEAL FAILED: " + err.Error()}
	}
	sum := sha256.Sum256(secret)
	return []string{
		fmt.Sprintf(lineUnsealed, sum[:6]),
		fmt.Sprintf(lineTOTP, totp.Code(secret, now), now.Unix()),
	}
}

// findSealed returns the blob on the first virtio disk that is a sealed-
// secret disk (manx/tpm/sealdisk), or nil if there is none.
func findSealed() ([]byte, error) {
	disks, _ := filepath.Glob("/dev/vd[a-z]")
	for _, d := range disks {
		f, err := os.Open(d)
		if err != nil {
			continue
		}
		blob, err := sealdisk.Read(f)
		f.Close()
		switch {
		case err == nil:
			return blob, nil
		case !errors.Is(err, sealdisk.ErrNoMagic):
			return nil, fmt.Errorf("%s: %w", d, err)
		}
	}
	return nil, nil
}

// unsealTPM unseals the secret on a sealed-secret disk, if the machine has
// one, with the TPM t and the UKI's signed PCR policy, and prints the
// outcome. It runs after the enter-initrd phase: the policy is signed for
// PCR 11 at that point.
func unsealTPM(con console, t tpm) {
	if t == nil {
		return
	}
	blob, err := findSealed()
	if err != nil {
		con.printf("tpm: sealed secret: %v", err)
		return
	}
	if blob == nil {
		return
	}
	pub, errPub := os.ReadFile(pcrPKeyFile)
	sigs, errSig := os.ReadFile(pcrSigFile)
	if err := errors.Join(errPub, errSig); err != nil {
		// No signed policy in this UKI: nothing can vouch for PCR 11.
		con.line(lineRefusedSig)
		con.printf("tpm: %v", err)
		return
	}
	d, ok := t.(*deviceTPM)
	if !ok {
		return
	}
	for _, l := range unsealLines(d.unseal, blob, pub, sigs, time.Now()) {
		con.line(l)
	}
}

// unseal is the unsealer of the machine's TPM.
func (d *deviceTPM) unseal(blob, pubPEM, sigJSON []byte) ([]byte, error) {
	b, err := seal.Unmarshal(blob)
	if err != nil {
		return nil, err
	}
	pub, err := pcrsig.ParsePublicKeyPEM(pubPEM)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pcrPKeyFile, err)
	}
	sigs, err := pcrsig.Parse(sigJSON)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", pcrSigFile, err)
	}
	t, err := d.open()
	if err != nil {
		return nil, err
	}
	defer t.Close()
	return seal.Unseal(t, b, pub, sigs)
}
