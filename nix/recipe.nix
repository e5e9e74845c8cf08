# What every Manx recipe step gets, in Nix terms. internal/toolchain runs a
# step as `bash -c "set -euo pipefail; umask 022; <script>"` with LC_ALL=C,
# LANG=C, TZ=UTC, PYTHONHASHSEED=0 and one SOURCE_DATE_EPOCH, and with the
# directories named by MANX_WORK (the stage's work tree, /manx/work in the
# container) and MANX_DL (the verified downloads, /manx/dl). Here both live
# under the derivation's build directory ($NIX_BUILD_TOP/manx/...).
{ epoch }:
{
  # Fixed environment (toolchain.baseEnv, minus PATH and HOME, which stdenv sets).
  env = {
    LC_ALL = "C";
    LANG = "C";
    TZ = "UTC";
    PYTHONHASHSEED = "0";
    SOURCE_DATE_EPOCH = toString epoch;
  };

  # Lays out MANX_WORK and MANX_DL and links the pinned file under its Debian
  # name (MANX_TARBALL), as recipe.Stage.Run does with the download cache.
  setup = pin: ''
    export MANX_WORK="$NIX_BUILD_TOP/manx/work" MANX_DL="$NIX_BUILD_TOP/manx/dl"
    export MANX_TARBALL=${pin.fileName}
    mkdir -p "$MANX_WORK" "$MANX_DL"
    ln -s ${pin.src} "$MANX_DL/$MANX_TARBALL"
  '';

  # Runs one recipe script as toolchain.Step does.
  step = script: ''
    bash -c 'set -euo pipefail; umask 022; source "$0"' ${script}
  '';
}
