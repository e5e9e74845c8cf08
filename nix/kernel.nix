# The kernel: the same two steps as kernel/build.go's stage (configure.sh,
# the requested-symbols check, build.sh) with the same fragments, on the
# pinned Debian orig tarball.
{ stdenv, bc, bison, flex, perl, python3, openssl, elfutils, zstd, xz, cpio, gawk, pkg-config
, pin, recipeSrc, fragments, recipe, kexecCert }:
stdenv.mkDerivation {
  pname = "manx-kernel";
  inherit (pin) version;
  src = pin.src;
  dontUnpack = true;
  dontConfigure = true;
  dontFixup = true; # keep bzImage exactly as built: no strip, no patchelf
  hardeningDisable = [ "all" ]; # the kernel sets its own compiler flags

  nativeBuildInputs = [ bc bison flex perl python3 openssl elfutils zstd xz cpio gawk pkg-config ];
  buildInputs = [ elfutils openssl ];

  env = recipe.env;

  # Recorded for `go test ./internal/nixcheck`: the recipe files this
  # derivation runs, relative to the repository root.
  manxScripts = [ "kernel/configure.sh" "kernel/build.sh" ];
  manxFragments = fragments;
  manxOutputs = [ "bzImage" "config" ];

  buildPhase = ''
    runHook preBuild
    ${recipe.setup pin}
    # Fragments go where kernel.Build puts them: $MANX_WORK/fragments/<name>.
    mkdir -p "$MANX_WORK/fragments"
    ${builtins.concatStringsSep "\n" (map (f: ''cp ${recipeSrc}/kernel/config/${f} "$MANX_WORK/fragments/${f}"'') fragments)}
    # The kexec certificate goes where kernel.Build puts it (kernel.KexecCertFile).
    cp ${kexecCert} "$MANX_WORK/kexec.pem"
    # configure.sh extracts the tarball unless $MANX_WORK/.extracted names it.
    # Extract here instead so the interpreter lines of the tree's scripts can
    # be pointed into the store first; the recipe then skips its own extraction.
    mkdir -p "$MANX_WORK/linux"
    tar -xf "$MANX_DL/$MANX_TARBALL" -C "$MANX_WORK/linux" --strip-components=1
    sh ${recipeSrc}/nix/fix-shebangs.sh "$MANX_WORK/linux"
    echo "$MANX_TARBALL" > "$MANX_WORK/.extracted"
    ${recipe.step "${recipeSrc}/kernel/configure.sh"}
    sh ${recipeSrc}/nix/kconfig-check.sh "$MANX_WORK/out/config" "$MANX_WORK"/fragments/*.fragment
    ${recipe.step "${recipeSrc}/kernel/build.sh"}
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    install -Dm644 "$MANX_WORK/out/bzImage" "$out/bzImage"
    install -Dm644 "$MANX_WORK/out/config" "$out/config"
    runHook postInstall
  '';
}
