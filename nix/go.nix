# The Go parts: the userland initramfs (Manx's own pipeline, `go run mage.go
# build:initramfs`, with MANX_TOOLCHAIN=host: the initramfs step is pure Go and
# runs no toolchain script), the unsigned UKI (cmd/manx-uki) and the unit
# tests.
#
# vendorHash is lib.fakeHash: the hash of the module download can only be
# computed by Nix with network access (a first `nix build .#userland` fails
# and prints the real value to paste here). proxyVendor keeps a module proxy,
# not a vendor/ tree: u-root's builder compiles the u-root commands by
# package path, which needs their modules, not only the packages this module
# imports.
{ lib, buildGoModule }:
{ src, version, recipe, kernel, stubPin, testPins }:
let
  common = {
    version = "0";
    inherit src;
    vendorHash = lib.fakeHash;
    proxyVendor = true;
    doCheck = false;
    env = recipe.env // {
      CGO_ENABLED = "0";
      MANX_TOOLCHAIN = "host";
      MANX_VERSION = version;
    };
  };

  userland = buildGoModule (common // {
    pname = "manx-userland";
    manxCommand = "go run mage.go build:initramfs";
    buildPhase = ''
      runHook preBuild
      export HOME="$NIX_BUILD_TOP/home" MANX_CACHE_DIR="$NIX_BUILD_TOP/cache" MANX_BUILD_DIR="$NIX_BUILD_TOP/build"
      export MAGEFILE_CACHE="$NIX_BUILD_TOP/mage"
      go run mage.go build:initramfs
      runHook postBuild
    '';
    installPhase = ''
      runHook preInstall
      install -Dm644 "$MANX_BUILD_DIR/userland/initramfs.cpio.gz" "$out/initramfs.cpio.gz"
      runHook postInstall
    '';
  });

  # The unsigned UKI only: signing needs the db key, which must never enter
  # the (world-readable) Nix store. Sign the result outside Nix.
  uki = buildGoModule (common // {
    pname = "manx-uki";
    manxCommand = "go run ./cmd/manx-uki";
    manxPins = [ stubPin.src ];
    buildPhase = ''
      runHook preBuild
      export HOME="$NIX_BUILD_TOP/home"
      go run ./cmd/manx-uki \
        -kernel ${kernel}/bzImage \
        -initrd ${userland}/initramfs.cpio.gz \
        -stub-deb ${stubPin.src} \
        -uname ${kernel.version} \
        -version ${version} \
        -out manx.efi
      runHook postBuild
    '';
    installPhase = ''
      runHook preInstall
      install -Dm644 manx.efi "$out/manx.efi"
      runHook postInstall
    '';
  });

  # go test ./... in the sandbox: tests that need podman, QEMU, the network or
  # oracles skip themselves there. Tests that need pinned reference data (the
  # test-only pins) fail without it, so those pins are fetched here and put
  # where Manx's fetcher keeps a verified download
  # ($MANX_CACHE_DIR/downloads/<sha256>/<file>, internal/fetch CachePath).
  goTest = buildGoModule (common // {
    pname = "manx-go-test";
    manxCommand = "go test ./...";
    manxPins = map (p: p.src) testPins;
    buildPhase = "true";
    doCheck = true;
    checkPhase = ''
      runHook preCheck
      export HOME="$NIX_BUILD_TOP/home" MANX_CACHE_DIR="$NIX_BUILD_TOP/cache"
      ${builtins.concatStringsSep "" (map (p: ''
        install -Dm644 ${p.src} "$MANX_CACHE_DIR/downloads/${p.sha256}/${p.fileName}"
      '') testPins)}
      go test ./...
      runHook postCheck
    '';
    installPhase = ''touch "$out"'';
  });
in
{ inherit userland uki goTest; }
