package oracle

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// Sbverify checks that image carries an Authenticode signature that verifies
// with the PEM certificate at certPath.
func Sbverify(ctx context.Context, certPath, image string) error {
	out, err := exec.CommandContext(ctx, "sbverify", "--cert", certPath, image).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification OK") {
		return fmt.Errorf("sbverify --cert %s %s: %v\n%s", certPath, image, err, strings.TrimSpace(string(out)))
	}
	return nil
}
