# One OVMF variant: firmware/edk2/build.sh with the variant's MANX_DSC,
# MANX_OUTDIR, MANX_DEFINES and MANX_THREADS, as edk2.Variant.Stage sets them.
{ stdenv, python3, nasm, acpica-tools, libuuid, bash
, pin, recipeSrc, variant, threads, recipe }:
let
  # edk2.defines: "-D A -D B", or empty.
  defines =
    if variant.defines == [ ] then ""
    else "-D " + builtins.concatStringsSep " -D " variant.defines;
  anchor = ''tar -xf "$MANX_DL/$MANX_TARBALL" -C "$src" --strip-components=1'';
in
stdenv.mkDerivation {
  pname = "manx-${variant.name}";
  inherit (pin) version;
  src = pin.src;
  dontUnpack = true;
  dontConfigure = true;
  dontFixup = true;
  hardeningDisable = [ "all" ]; # firmware: no cc-wrapper hardening flags in EDK II modules

  nativeBuildInputs = [ python3 nasm acpica-tools bash ];
  buildInputs = [ libuuid ];

  env = recipe.env // {
    MANX_DSC = variant.dsc;
    MANX_OUTDIR = variant.outDir;
    MANX_DEFINES = defines;
    MANX_THREADS = threads;
  };

  manxScripts = [ "firmware/edk2/build.sh" ];
  manxVariant = variant.name;
  manxOutputs = variant.outputs;

  buildPhase = ''
    runHook preBuild
    ${recipe.setup pin}
    # build.sh extracts the tarball itself and builds at once; a copy of it
    # gets one line after the extraction that points the tree's interpreter
    # lines into the store (the sandbox has no /usr/bin/env). Nothing else
    # in the recipe changes.
    grep -qxF '${anchor}' ${recipeSrc}/firmware/edk2/build.sh ||
      { echo "manx: firmware/edk2/build.sh no longer extracts with: ${anchor}" >&2; exit 1; }
    awk -v anchor='${anchor}' -v fix='sh ${recipeSrc}/nix/fix-shebangs.sh "$src"' \
      '{ print } $0 == anchor { print fix }' \
      ${recipeSrc}/firmware/edk2/build.sh > "$NIX_BUILD_TOP/manx-edk2-build.sh"
    ${recipe.step "$NIX_BUILD_TOP/manx-edk2-build.sh"}
    runHook postBuild
  '';

  installPhase = ''
    runHook preInstall
    ${builtins.concatStringsSep "\n" (map (f: ''install -Dm644 "$MANX_WORK/out/${f}" "$out/${f}"'') variant.outputs)}
    runHook postInstall
  '';
}
