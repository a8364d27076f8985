{
  description = "nixdeploy: deploy Nix profiles over SSH with magic rollback (deploy-rs compatible)";

  # The library alone is the flake in ./nix (`?dir=nix`); this one adds the tool (packages, apps).
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs
        (map (system: { name = system; value = f system; }) systems);
      library = (import ./nix/flake.nix).outputs { self = library; inherit nixpkgs; };
    in
    {
      inherit (library) lib checks overlays;

      packages = forAllSystems (system: rec {
        nixdeploy = nixpkgs.legacyPackages.${system}.callPackage ./nix/package.nix { };
        default = nixdeploy;
        # the activator's Java runtime alone (NIXDEPLOY_ACTIVATOR_RUNTIME for a deployer built with Maven)
        activator-runtime = nixdeploy.activatorRuntime;
      });

      apps = forAllSystems (system: {
        default = {
          type = "app";
          program = "${self.packages.${system}.default}/bin/deploy";
        };
      });
    };
}
