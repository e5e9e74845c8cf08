package oracle

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// Sbverify's own verdicts (sbsigntool 0.9.4, printed on stdout): a refused
// signature (none, a wrong certificate, or an image whose hash no longer
// matches) ends with "Signature verification failed" and exit status 1;
// failing to read the image ("Can't open image") exits 1 without it.
const (
	sbverifyOK     = "Signature verification OK"
	sbverifyFailed = "Signature verification failed"
)

// Sbverify checks that image carries an Authenticode signature that verifies
// with the PEM certificate at certPath.
func Sbverify(ctx context.Context, certPath, image string) error {
	out, err := exec.CommandContext(ctx, "sbverify", "--cert", certPath, image).CombinedOutput()
	if err != nil || !strings.Contains(string(out), sbverifyOK) {
		return fmt.Errorf("sbverify --cert %s %s: %v\n%s", certPath, image, err, strings.TrimSpace(string(out)))
	}
	return nil
}

// SbverifyRefuses checks that sbverify refuses image's signature under the
// PEM certificate at certPath: nil only when sbverify exits non-zero and
// says so in its own words ("Signature verification failed"). Any other
// failure (a missing tool, an unreadable image or certificate) is an
// error, not a refusal.
func SbverifyRefuses(ctx context.Context, certPath, image string) error {
	out, err := exec.CommandContext(ctx, "sbverify", "--cert", certPath, image).CombinedOutput()
	text := strings.TrimSpace(string(out))
	var exit *exec.ExitError
	switch {
	case err == nil:
		return fmt.Errorf("sbverify --cert %s %s accepts the image:\n%s", certPath, image, text)
	case !errors.As(err, &exit):
		return fmt.Errorf("sbverify --cert %s %s: %w", certPath, image, err)
	case !strings.Contains(text, sbverifyFailed):
		return fmt.Errorf("sbverify --cert %s %s: %v without %q, so not a refusal:\n%s", certPath, image, err, sbverifyFailed, text)
	}
	return nil
}
