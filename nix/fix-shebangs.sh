# Rewrites the interpreter lines of the scripts in a freshly extracted source
# tree ($1) to store paths: the Nix build sandbox has /bin/sh and nothing else
# (no /usr/bin/env, /bin/bash or /usr/bin/python3), which the kernel's and
# EDK II's scripts name. Only line 1 of a file is touched. Run with sh.
set -eu
envbin=$(command -v env)
bashbin=$(command -v bash)
grep -rlIZ -e '^#! */usr/bin/env ' -e '^#! */bin/bash' -e '^#! */usr/bin/python3' -- "$1" |
  xargs -0r sed -i \
    -e "1s|^#! */usr/bin/env |#!$envbin |" \
    -e "1s|^#! */bin/bash|#!$bashbin|" \
    -e "1s|^#! */usr/bin/python3|#!$envbin python3|"
