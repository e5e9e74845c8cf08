package vm

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"

	"manx/deploy/profile"
	"manx/internal/stage"
	"manx/userland/mascot"
)

// Screenshot runs the kernel,initramfs boot check and stores its
// screendump (which passed the screen check) as a PNG at out.
func Screenshot(ctx context.Context, c Config, out string) error {
	p, err := profile.Find("kernel,initramfs")
	if err != nil {
		return err
	}
	res, err := Check(ctx, c, p)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(res.Screendump)
	if err != nil {
		return err
	}
	img, err := mascot.DecodePPM(b)
	if err != nil {
		return fmt.Errorf("%s: %w", res.Screendump, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	c.Log.Info("Screenshot from the boot check", "from", res.Screendump, "to", out)
	return stage.WriteFileAtomic(out, buf.Bytes(), 0o644)
}
