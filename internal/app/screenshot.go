package app

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"manx/internal/stage"
	"manx/userland/cat"
)

// ScreenshotFile is the README's picture, taken from the boot check.
const ScreenshotFile = "docs/cat.png"

// Screenshot runs the kernel,initramfs boot check and stores its screendump
// (which passed the screen check) as docs/cat.png.
func (a *App) Screenshot(ctx context.Context) error {
	res, err := a.CheckProfile(ctx, "kernel,initramfs")
	if err != nil {
		return err
	}
	b, err := os.ReadFile(res.Screendump)
	if err != nil {
		return err
	}
	img, err := cat.DecodePPM(b)
	if err != nil {
		return fmt.Errorf("%s: %w", res.Screendump, err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return err
	}
	out := filepath.Join(a.Env.Root, ScreenshotFile)
	a.Log.Info("Screenshot from the boot check", "from", res.Screendump, "to", out)
	return stage.WriteFileAtomic(out, buf.Bytes(), 0o644)
}
