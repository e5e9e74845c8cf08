// Command manx runs Manx's build graph without Mage:
//
//	go run ./cmd/manx build [GROUP...]   # build artefact groups (all when none), print sha256 and path
//	go run ./cmd/manx groups             # list the artefact groups and their files
//	go run ./cmd/manx stamps             # each group's SOURCE_DATE_EPOCH and version (newest input commit)
//
// It is what verify and repro run in their copy of the repository, so a
// rebuild goes through the same pipeline as `go run mage.go buildAll`.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"

	"manx/catalog"
	"manx/internal/logx"
	"manx/pipeline"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "manx:", err)
		os.Exit(1)
	}
}

const usage = "usage: manx build [GROUP...] | manx groups | manx stamps"

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return errors.New(usage)
	}
	switch args[0] {
	case "groups":
		for _, g := range catalog.Groups {
			for _, a := range catalog.InGroup(g) {
				fmt.Fprintf(out, "%-10s %-28s build/%s\n", g, a.Name, a.Path)
			}
		}
		return nil
	case "stamps":
		p, err := pipeline.Here(logx.New())
		if err != nil {
			return err
		}
		return p.WriteStamps(ctx, out)
	case "build":
		groups := catalog.Groups
		if len(args) > 1 {
			groups = nil
			for _, s := range args[1:] {
				g, err := catalog.ParseGroup(s)
				if err != nil {
					return err
				}
				groups = append(groups, g)
			}
		}
		p, err := pipeline.Here(logx.New())
		if err != nil {
			return err
		}
		err = p.Build(ctx, groups...)
		p.Report(out, groups...)
		return err
	}
	return fmt.Errorf("unknown command %q; %s", args[0], usage)
}
