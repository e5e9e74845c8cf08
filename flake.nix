# Manx as a Nix flake: the same artefacts as `go run mage.go buildAll`, from
# the same pins (pins.json) and the same recipe scripts, built by Nix instead
# of the Debian-in-Podman toolchain. docs/nix.md says what has and has not
# been exercised.
{
  description = "Manx: a reproducible, measured Linux (kernel, OVMF, Go userland, UKI) from the pins in pins.json";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";

  outputs = { self, nixpkgs }:
    let
      system = "x86_64-linux";
      pkgs = nixpkgs.legacyPackages.${system};
      inherit (nixpkgs) lib;

      # One pin list: pins.json, read at evaluation time.
      pins = import ./nix/pins.nix {
        inherit (pkgs) fetchurl;
        pinList = (builtins.fromJSON (builtins.readFile ./pins.json)).pins;
      };

      # SOURCE_DATE_EPOCH is the flake's lastModified: the commit time of the
      # locked revision (for a git checkout, the newest commit). Manx's own
      # epoch skips commits that touch only docs/, hashes/, Markdown or
      # .github/, so the two agree only when the newest commit is a build input.
      epoch = self.lastModified or 0;

      # MANX_VERSION as internal/buildenv spells it: "g" + 12 hex digits of the
      # commit, "dev" for an uncommitted tree.
      version = if self ? rev then "g" + builtins.substring 0 12 self.rev else "dev";

      recipe = import ./nix/recipe.nix { inherit epoch; };

      # Only the files the kernel and firmware recipes read, so those
      # derivations do not change with every commit.
      recipeSrc = lib.fileset.toSource {
        root = ./.;
        fileset = lib.fileset.unions [
          ./kernel/configure.sh
          ./kernel/build.sh
          ./kernel/config
          ./firmware/edk2/build.sh
          ./nix/fix-shebangs.sh
          ./nix/kconfig-check.sh
        ];
      };

      # The fragments in merge order (file name order, as kernel.Fragments).
      fragments = builtins.filter (n: builtins.match ".*\\.fragment" n != null)
        (builtins.attrNames (builtins.readDir ./kernel/config));

      kernel = pkgs.callPackage ./nix/kernel.nix {
        pin = pins.linux;
        inherit recipeSrc fragments recipe;
        # The publisher's kexec certificate (written by `go run mage.go
        # hashes`): the kernel's builtin trusted keyring holds it, so this
        # kernel is the published one.
        kexecCert = ./hashes/x86_64.kexec.pem;
      };

      ovmf = variant: pkgs.callPackage ./nix/ovmf.nix {
        pin = pins.edk2;
        inherit recipeSrc variant recipe;
        threads = "2"; # edk2.Threads
      };

      variants = builtins.listToAttrs (map
        (v: { inherit (v) name; value = ovmf v; })
        (import ./nix/ovmf-variants.nix));

      goPkgs = import ./nix/go.nix { inherit lib; inherit (pkgs) buildGoModule; } {
        src = self;
        inherit version recipe kernel;
        stubPin = pins.systemd-boot-efi;
        # Test-only pins: reference data the unit tests read (go-test check).
        testPins = [ pins.ovmf-amdsev pins.shim-signed ];
      };
    in
    {
      packages.${system} = {
        inherit kernel;
        inherit (variants) ovmf-pflash ovmf-pvvars ovmf-amdsev;
        inherit (goPkgs) userland uki;
        default = goPkgs.uki;
      };

      checks.${system} = {
        go-test = goPkgs.goTest;
        inherit kernel;
      };

      devShells.${system}.default = pkgs.mkShell {
        # By name from pkgs (not `with pkgs`, whose names the let bindings above would shadow).
        packages = map (n: pkgs.${n}) [
          # kernel and firmware recipes
          "gcc" "gnumake" "binutils" "bc" "flex" "bison" "perl" "elfutils" "openssl" "pkg-config"
          "python3" "nasm" "acpica-tools" "libuuid" "cpio" "xz" "zstd" "gawk"
          # Go userland, UKI, Mage
          "go" "git"
          # boot checks and Secure Boot oracles
          "qemu" "swtpm" "tpm2-tools" "podman" "sbsigntool" "mtools" "dosfstools"
        ];
        env = recipe.env // { MANX_TOOLCHAIN = "host"; };
      };
    };
}
