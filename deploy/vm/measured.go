package vm

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"manx/catalog"
	"manx/deploy/profile"
	"manx/internal/atomicfile"
	"manx/tpm/eventlog"
	"manx/tpm/pcr"
	"manx/tpm/pcrsig"
	"manx/tpm/seal"
	"manx/tpm/sealdisk"
	"manx/tpm/swtpm"
	"manx/tpm/totp"
	"manx/uki"
)

// Phases are the boot phases init extends into PCR 11 before it prints
// the PCRs (manx/userland/cmd/init).
var Phases = []string{"enter-initrd", "ready"}

// secretSize is the sealed TOTP seed's length (160 bits, RFC 4226's
// recommendation for HMAC-SHA-1).
const secretSize = 20

// measured is what a measured-boot check knows before the boot.
type measured struct {
	prediction *pcr.Prediction // with PCRs: the predicted values and events
	secret     []byte          // with Sealed: the sealed secret (TOTP seed)
	disk       string          // with Sealed: the sealed-secret disk image
}

// measure predicts p's PCRs and, for a sealed-secret profile, makes sure
// a secret is sealed to its persistent TPM, and returns p with its
// expected markers completed: each PCR's "tpm: pcrN sha256 <hex>" before
// the userland marker, the secret's digest after MarkerUnsealed.
func (c Config) measure(ctx context.Context, p profile.Profile) (profile.Profile, measured, error) {
	var m measured
	if len(p.PCRs) > 0 {
		in, err := c.pcrInputs(p.UKI, p.VarStore)
		if err != nil {
			return p, m, fmt.Errorf("profile %s: %w", p.ID, err)
		}
		in.Phases = Phases
		if m.prediction, err = pcr.Predict(in); err != nil {
			return p, m, fmt.Errorf("profile %s: predicting PCRs: %w", p.ID, err)
		}
		var lines []string
		for _, n := range p.PCRs {
			v, ok := m.prediction.PCRs[n][eventlog.SHA256]
			if !ok {
				return p, m, fmt.Errorf("profile %s: no prediction for PCR %d", p.ID, n)
			}
			lines = append(lines, fmt.Sprintf("tpm: pcr%d sha256 %x", n, v))
		}
		p.Expect = insertBefore(p.Expect, profile.MarkerUserland, lines)
	}
	if p.Sealed {
		var err error
		if m.secret, m.disk, err = c.sealed(ctx, p); err != nil {
			return p, m, fmt.Errorf("profile %s: sealing the secret: %w", p.ID, err)
		}
		sum := sha256.Sum256(m.secret)
		p.Expect = slices.Clone(p.Expect)
		for i, e := range p.Expect {
			if e == profile.MarkerUnsealed {
				p.Expect[i] = fmt.Sprintf("%s%x", profile.MarkerUnsealed, sum[:6])
			}
		}
	}
	return p, m, nil
}

// pcrInputs reads the prediction inputs: the UKI artefact as booted and
// the var store of the given kind.
func (c Config) pcrInputs(ukiName, store string) (pcr.Inputs, error) {
	art, err := catalog.Find(ukiName)
	if err != nil {
		return pcr.Inputs{}, err
	}
	vars, err := catalog.VarStore(store, "fd")
	if err != nil {
		return pcr.Inputs{}, err
	}
	return pcr.ReadInputs(art.In(c.BuildDir), vars.In(c.BuildDir), eventlog.SHA256)
}

// insertBefore returns markers with lines inserted before marker (at the
// end if it is absent).
func insertBefore(markers []string, marker string, lines []string) []string {
	i := slices.Index(markers, marker)
	if i < 0 {
		i = len(markers)
	}
	return slices.Concat(markers[:i], lines, markers[i:])
}

// sealed returns the secret sealed to p's persistent TPM and the path of
// the sealed-secret disk. The secret is made once per TPM (0600, next to
// its state); the blob is sealed once per policy: PolicyAuthorize(the
// .pcrpkey of catalog.UKIPCRSigned) and PolicyPCR(7 = what Manx's custom
// store with Secure Boot on measures for that UKI). Sealing runs on the
// host through swtpm's socket before the VM starts (the
// systemd-cryptenroll --tpm2-public-key model): no enrolment boot, and
// the policy names no UKI, only the key that signs UKIs' PCR 11 values.
func (c Config) sealed(ctx context.Context, p profile.Profile) ([]byte, string, error) {
	state := c.tpmState(p, "")
	if _, err := os.Stat(filepath.Join(state, swtpm.StateFile)); errors.Is(err, os.ErrNotExist) {
		// A new TPM has new seeds: blobs sealed to an earlier one at
		// this path cannot load any more.
		old, _ := filepath.Glob(state + ".blob-*")
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				return nil, "", err
			}
		}
	}
	if err := swtpm.Setup(ctx, state); err != nil {
		return nil, "", err
	}
	secret, err := readOrMakeSecret(state + ".secret")
	if err != nil {
		return nil, "", err
	}
	img, err := os.ReadFile(catalog.UKIPCRSigned.In(c.BuildDir))
	if err != nil {
		return nil, "", err
	}
	pkey, ok, err := uki.SectionData(img, uki.SectionPCRPKey)
	if err != nil || !ok {
		return nil, "", fmt.Errorf("%s: no .pcrpkey (%v)", catalog.UKIPCRSigned.Path, err)
	}
	pub, err := pcrsig.ParsePublicKeyPEM(pkey)
	if err != nil {
		return nil, "", fmt.Errorf("%s: .pcrpkey: %w", catalog.UKIPCRSigned.Path, err)
	}
	in, err := c.pcrInputs(catalog.UKIPCRSigned.Name, "custom")
	if err != nil {
		return nil, "", err
	}
	evs, err := pcr.Predict7(in)
	if err != nil {
		return nil, "", err
	}
	values, err := pcr.Replay(evs, []eventlog.Alg{eventlog.SHA256})
	if err != nil {
		return nil, "", err
	}
	pcr7 := values[7][eventlog.SHA256]
	policy := sha256.Sum256(append(append(slices.Clone(pkey), 0), pcr7...))
	blobPath := fmt.Sprintf("%s.blob-%x", state, policy[:6])
	blob, err := os.ReadFile(blobPath)
	if errors.Is(err, os.ErrNotExist) {
		if blob, err = sealTo(ctx, state, secret, pub, pcr7); err == nil {
			err = atomicfile.Write(blobPath, blob, 0o600)
		}
		if err == nil {
			c.Log.Info("Sealed a secret to the persistent TPM", "profile", p.ID, "state", state, "pcr7", fmt.Sprintf("%x", pcr7), "blob", blobPath)
		}
	}
	if err != nil {
		return nil, "", err
	}
	disk, err := sealdisk.Image(blob)
	if err != nil {
		return nil, "", err
	}
	diskPath := state + ".disk"
	if err := atomicfile.Write(diskPath, disk, 0o644); err != nil {
		return nil, "", err
	}
	return secret, diskPath, nil
}

// sealTo seals secret in the TPM whose state is state.
func sealTo(ctx context.Context, state string, secret []byte, pub *rsa.PublicKey, pcr7 []byte) ([]byte, error) {
	run, err := os.MkdirTemp("", "manx-seal-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(run)
	proc, err := swtpm.Start(ctx, state, run)
	if err != nil {
		return nil, err
	}
	defer proc.Stop()
	b, err := seal.Seal(proc.TPM(), secret, pub, pcr7)
	if err != nil {
		return nil, err
	}
	return b.Marshal()
}

// readOrMakeSecret returns the secret in path, making a random one (0600)
// if there is none. A secret readable by others is refused.
func readOrMakeSecret(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("%s: mode %v, want 0600: the sealed secret must not be readable by others", path, fi.Mode().Perm())
	case err == nil:
		b, err := os.ReadFile(path)
		if err == nil && len(b) != secretSize {
			err = fmt.Errorf("%s: %d bytes, want %d", path, len(b), secretSize)
		}
		return b, err
	case !errors.Is(err, os.ErrNotExist):
		return nil, err
	}
	b := make([]byte, secretSize)
	if _, err := rand.Read(b); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	return b, atomicfile.Write(path, b, 0o600)
}

// totpLine is init's TOTP line: the code and the guest's Unix time.
var totpLine = regexp.MustCompile(`tpm: totp ([0-9]{6}) at ([0-9]+)`)

// checkTOTP requires the TOTP code the guest printed to be the one for
// secret at the time it printed, and that time to be within a day of the
// profile's RTC base (the guest's clock started there).
func checkTOTP(serial string, secret []byte) error {
	m := totpLine.FindStringSubmatch(serial)
	if m == nil {
		return errors.New("no TOTP line (tpm: totp <code> at <time>) on the serial console")
	}
	sec, err := strconv.ParseInt(m[2], 10, 64)
	if err != nil {
		return fmt.Errorf("TOTP time %q: %w", m[2], err)
	}
	at := time.Unix(sec, 0).UTC()
	base, err := time.Parse("2006-01-02T15:04:05", profile.RTCBase)
	if err != nil {
		return err
	}
	if at.Before(base) || at.After(base.Add(24*time.Hour)) {
		return fmt.Errorf("the guest printed its TOTP code for %s, not within a day of its clock's start %s", at, base)
	}
	if want := totp.Code(secret, at); m[1] != want {
		return fmt.Errorf("TOTP code %s at %s, want %s", m[1], at.Format(time.RFC3339), want)
	}
	return nil
}

// explainPCRs names, for each PCR the profile checks, the first event of
// the guest's event log (printed on its serial console) that differs from
// the prediction.
func explainPCRs(serial string, p profile.Profile, pred *pcr.Prediction) string {
	b, err := EventLogFromSerial(serial)
	if err != nil {
		return fmt.Sprintf("no event log to compare: %v", err)
	}
	l, err := eventlog.Parse(b)
	if err != nil {
		return fmt.Sprintf("the guest's event log: %v", err)
	}
	var out []string
	for _, n := range p.PCRs {
		if err := pcr.Compare(pred.Events, l, n); err != nil {
			out = append(out, fmt.Sprintf("PCR %d: %v", n, err))
		} else {
			out = append(out, fmt.Sprintf("PCR %d: the firmware event log matches the prediction", n))
		}
	}
	return strings.Join(out, "\n")
}

// TOTPURI is the otpauth:// URI of the TOTP seed sealed to the persistent
// TPM state (profile.TPMStateSealed): what a user enrols in an
// authenticator app to check, Heads-style, the code the machine shows
// after it unsealed the seed.
func (c Config) TOTPURI(state string) (string, error) {
	path := c.tpmState(profile.Profile{TPMState: state}, "") + ".secret"
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("no secret is sealed to TPM state %q yet (%s): boot go run mage.go deploy:ukiSbPassTpmUnseal first", state, path)
	}
	secret, err := readOrMakeSecret(path)
	if err != nil {
		return "", err
	}
	return totp.URI(secret, "Manx", "manx-"+state), nil
}

// WritePCRExplain writes to path what uki,sb-pass,tpm expects: the
// predicted PCRs of the signed UKI under the custom store (Secure Boot on)
// after init's boot phases, then every event, one per line
// (manx-measure pcr --explain).
func WritePCRExplain(c Config, path string) error {
	in, err := c.pcrInputs(catalog.UKISigned.Name, "custom")
	if err != nil {
		return err
	}
	in.Phases = Phases
	pred, err := pcr.Predict(in)
	if err != nil {
		return err
	}
	var b strings.Builder
	vars, err := catalog.VarStore("custom", "fd")
	if err != nil {
		return err
	}
	fmt.Fprintf(&b, "# go run ./cmd/manx-measure pcr --uki build/%s --vars build/%s --phases %s --explain\n", catalog.UKISigned.Path, vars.Path, strings.Join(Phases, ","))
	if err := pred.WriteValues(&b, eventlog.SHA256); err != nil {
		return err
	}
	if err := pred.Describe(&b); err != nil {
		return err
	}
	return atomicfile.Write(path, []byte(b.String()), 0o644)
}
