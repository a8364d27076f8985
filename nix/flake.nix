{
  description = "nixdeploy: Nix library (deploy-rs compatible lib.activate.*, deployChecks, settings schema)";

  # Profiles are built with nixpkgs (runCommand, writeScript, runtimeShell), as deploy-rs's are,
  # so they build with Nix's sandbox on. Make it your own nixpkgs:
  #   inputs.nixdeploy.inputs.nixpkgs.follows = "nixpkgs";
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-unstable";

  outputs = { self, nixpkgs }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs
        (map (system: { name = system; value = f system; }) systems);

      # A small deploy to check the library against itself (`nix flake check`).
      sampleDeploy = system: lib: {
        sshUser = "admin";
        nodes.sample = {
          hostname = "sample.invalid";
          tags = [ "sample" ];
          profiles.hello = {
            user = "root";
            path = lib.activate.noop (lib.activate.custom
              (nixpkgs.legacyPackages.${system}.runCommand "sample-base" { } "mkdir -p $out/bin")
              "echo hello");
          };
        };
      };
    in
    {
      # lib.<system>.{activate, setActivate, deployChecks, validateDeploy,
      # schema, withJre, package}. Only system names as keys, so the usual
      #   checks = builtins.mapAttrs (system: lib: lib.deployChecks self.deploy) nixdeploy.lib;
      # works as it does with deploy-rs.
      lib = forAllSystems (system: import ./lib.nix { pkgs = nixpkgs.legacyPackages.${system}; });

      # The same library for any nixpkgs: `pkgs.nixdeploy.lib` once this overlay is applied.
      overlays.default = final: prev: {
        nixdeploy = (prev.nixdeploy or { }) // { lib = import ./lib.nix { pkgs = final; }; };
      };

      checks = forAllSystems (system: self.lib.${system}.deployChecks (sampleDeploy system self.lib.${system}));
    };
}
