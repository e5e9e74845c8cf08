package run

import (
	"bufio"
	"io"
	"os"
	"strconv"
	"strings"
)

// HostTSCkHz estimates the host's TSC rate from /proc/cpuinfo, or returns 0
// when it cannot tell. See qemu.Runtime.TSCkHz for why a TCG guest wants it.
func HostTSCkHz() int {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	return parseTSCkHz(f)
}

// parseTSCkHz reads the first CPU's "cpu MHz" of a /proc/cpuinfo listing,
// provided its flags say the TSC ticks at a constant rate. On hosts that
// scale their clock, "cpu MHz" may be the current rather than the TSC rate;
// the guest's clock is then off by that ratio, which a boot check tolerates
// (its timeouts are kept on the host).
func parseTSCkHz(r io.Reader) int {
	var mhz float64
	constant := false
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, val = strings.TrimSpace(key), strings.TrimSpace(val)
		switch key {
		case "processor":
			if mhz != 0 || constant { // second CPU: the first one said all it had
				return result(mhz, constant)
			}
		case "cpu MHz":
			if v, err := strconv.ParseFloat(val, 64); err == nil && v > 0 && v < 100000 {
				mhz = v
			}
		case "flags":
			constant = false
			for _, fl := range strings.Fields(val) {
				if fl == "constant_tsc" {
					constant = true
				}
			}
		}
	}
	return result(mhz, constant)
}

func result(mhz float64, constant bool) int {
	if !constant {
		return 0
	}
	return int(mhz*1000 + 0.5)
}
