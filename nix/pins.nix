# The pin list as Nix values: one attribute per entry of pins.json, each with
# the pin's fields plus `src`, the file fetched from the Debian archive by its
# pool path and checked against the same sha256 Manx's own fetcher uses.
# pins.json stays the only list of external inputs.
{ fetchurl, pinList }:
let
  # Store names allow [A-Za-z0-9+-._?=]: Debian versions may hold `~` (for
  # example 254.26-1~bpo12+1), so the store name spells it `_`. The file name
  # the recipes see (fileName) keeps the Debian spelling.
  storeName = builtins.replaceStrings [ "~" ] [ "_" ];

  withSrc = p: p // {
    fileName = baseNameOf p.path;
    src = fetchurl {
      url = "mirror://debian/${p.path}";
      inherit (p) sha256;
      name = storeName (baseNameOf p.path);
    };
  };
in
assert builtins.all (p: p.archive == "debian") pinList
  || throw "pins.json: only Debian archive pins are mapped to mirror://debian";
builtins.listToAttrs (map (p: { inherit (p) name; value = withSrc p; }) pinList)
