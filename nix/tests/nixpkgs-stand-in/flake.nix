# A stand-in for nixpkgs (see pkgs.nix): tests, the demo and package.sh point a flake's `nixpkgs`
# input here, with `--override-input nixpkgs path:<this folder>` or a `path:` url. Run `prepare`
# first: it puts the static busybox (and host.nix) next to this file.
{
  outputs = { self }:
    let systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
    in {
      legacyPackages = builtins.listToAttrs (map
        (system: { name = system; value = import ./pkgs.nix { inherit system; }; })
        systems);
    };
}
