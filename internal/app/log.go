package app

import (
	"log/slog"

	"manx/internal/logx"
)

func slogNew() *slog.Logger { return logx.New() }
