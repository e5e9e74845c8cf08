package setup

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"

	"manx/internal/fetch"
)

// RealHost describes this machine.
func RealHost() Host {
	return Host{
		Look: func(c string) bool {
			if strings.HasPrefix(c, "/") {
				_, err := os.Stat(c)
				return err == nil
			}
			_, err := exec.LookPath(c)
			return err == nil
		},
		QEMUMajor: func(c string) int {
			out, err := exec.Command(c, "--version").Output()
			if err != nil {
				return 0
			}
			return ParseQEMUMajor(string(out))
		},
		Codename: codename(),
		Root:     os.Geteuid() == 0,
		Run: func(ctx context.Context, name string, args ...string) error {
			cmd := exec.CommandContext(ctx, name, args...)
			cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
			return cmd.Run()
		},
		Mirror: func() (string, error) {
			m, err := fetch.Mirrors("debian", fetch.DefaultAptConfig)
			if err != nil {
				return "", err
			}
			return m[0], nil
		},
		SourcesD: "/etc/apt/sources.list.d",
	}
}

func codename() string {
	f, err := os.Open("/etc/os-release")
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VERSION_CODENAME="); ok {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}
