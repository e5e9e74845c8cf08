# Nix twin of kernel.Check (kernel/kconfig.go): every symbol the fragments
# request (later fragments win; "# CONFIG_X is not set" means n) must have
# that value in the final .config, where a missing symbol counts as n. Blank
# lines and other comments are ignored, as kernel.ParseConfig does.
# Usage: sh kconfig-check.sh FINAL_CONFIG FRAGMENT...
# internal/nixcheck runs this against kernel.Check on the same inputs.
set -eu
final=$1
shift
awk '
function parse(line,   m) {
  sub(/^[ \t]+/, "", line); sub(/[ \t\r]+$/, "", line)
  if (line ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) { split(line, m, " "); key = m[2]; val = "n"; return 1 }
  if (line ~ /^#/ || line == "") return 0
  if (line ~ /^CONFIG_[A-Za-z0-9_]+=/) { key = substr(line, 1, index(line, "=") - 1); val = substr(line, index(line, "=") + 1); return 1 }
  printf "%s:%d: not a kconfig line: %s\n", FILENAME, FNR, line > "/dev/stderr"; bad = 1; return 0
}
{
  if (!parse($0)) next
  if (FILENAME == ARGV[1]) final[key] = val
  else { want[key] = val; if (!(key in seen)) { seen[key] = 1; order[++n] = key } }
}
END {
  if (bad) exit 2
  errs = 0
  for (i = 1; i <= n; i++) {
    k = order[i]; got = (k in final) ? final[k] : "n"
    if (got != want[k]) { printf "%s: requested %s, .config has %s\n", k, want[k], got > "/dev/stderr"; errs++ }
  }
  if (errs) { printf "kernel config: %d requested symbol(s) did not survive olddefconfig (unmet dependencies?)\n", errs > "/dev/stderr"; exit 1 }
}' "$final" "$@"
