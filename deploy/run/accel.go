package run

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Accel returns "kvm" when a short KVM boot of kernel reaches the kernel's
// first message, else "tcg". MANX_ACCEL forces a choice. The answer is cached
// per host boot, because here /dev/kvm can exist and hang.
func Accel(ctx context.Context, kernel, cacheDir string, log *slog.Logger) string {
	if a := os.Getenv("MANX_ACCEL"); a != "" {
		return a
	}
	if _, err := os.Stat("/dev/kvm"); err != nil {
		return "tcg"
	}
	bootID, _ := os.ReadFile("/proc/sys/kernel/random/boot_id")
	cache := filepath.Join(cacheDir, "accel-"+strings.TrimSpace(string(bootID)))
	if b, err := os.ReadFile(cache); err == nil {
		return strings.TrimSpace(string(b))
	}
	accel := "tcg"
	if probeKVM(ctx, kernel) {
		accel = "kvm"
	}
	log.Info("Probed KVM", "accel", accel, "note", map[bool]string{true: "KVM boots", false: "KVM absent or hung: using TCG"}[accel == "kvm"])
	os.MkdirAll(cacheDir, 0o755)
	os.WriteFile(cache, []byte(accel+"\n"), 0o644)
	return accel
}

func probeKVM(ctx context.Context, kernel string) bool {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "qemu-system-x86_64", "-nodefaults", "-no-user-config", "-no-reboot",
		"-machine", "microvm", "-accel", "kvm", "-m", "256", "-display", "none", "-serial", "stdio",
		"-kernel", kernel, "-append", "console=ttyS0 panic=-1")
	var out syncBuffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		return false
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-done:
			return strings.Contains(out.String(), "Linux version")
		case <-ctx.Done():
			cmd.Process.Kill()
			<-done
			return false
		case <-t.C:
			if strings.Contains(out.String(), "Linux version") {
				cmd.Process.Kill()
				<-done
				return true
			}
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
