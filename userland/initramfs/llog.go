package initramfs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/u-root/uio/llog"
)

// ulog adapts log to u-root's leveled logger. u-root's chatter (info
// level) goes to debug; its warnings and errors keep their level.
func ulog(log *slog.Logger) *llog.Logger {
	return &llog.Logger{
		Level: slog.LevelDebug,
		Sink: func(level slog.Level, format string, args ...any) {
			if level < slog.LevelWarn {
				level = slog.LevelDebug
			}
			log.Log(context.Background(), level, "u-root: "+strings.TrimSpace(fmt.Sprintf(format, args...)))
		},
	}
}
