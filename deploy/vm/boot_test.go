//go:build vm

package vm

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"manx/deploy/profile"
	"manx/deploy/run"
	"manx/internal/testutil"
)

// TestBoot is the boot matrix: one subtest per profile, each booting the
// built artefacts headless and passing only on the profile's exact markers,
// in order, within its timeout (and Manx's cat on screen where the profile
// says so). `go run mage.go test` builds everything first; by hand:
//
//	go run mage.go buildAll
//	go test -tags vm -run 'TestBoot/^uki,sb-pass$' ./deploy/...
//
// An SEV-SNP profile on a host without SNP is skipped with the MEASUREMENT
// the guest would carry.
func TestBoot(t *testing.T) {
	env := testutil.BuildEnv(t)
	c := FromEnv(env, testutil.Logger(t))
	for _, p := range profile.All() {
		t.Run(p.ID, func(t *testing.T) {
			c := c
			c.Log = testutil.Logger(t)
			res, err := Check(context.Background(), c, p)
			if errors.Is(err, ErrNoSNP) {
				t.Skip("summary: " + err.Error())
			}
			if err != nil {
				t.Fatal(err)
			}
			t.Log("summary: " + note(res.Markers, res.Screendump))
		})
	}
}

// note is the summary line: each marker and when it came.
func note(markers []run.Timed, screendump string) string {
	var marks []string
	for _, m := range markers {
		marks = append(marks, fmt.Sprintf("%q at %s", m.Marker, m.At))
	}
	s := strings.Join(marks, ", ")
	if screendump != "" {
		s += "; screen: cat (" + screendump + ")"
	}
	return s
}
