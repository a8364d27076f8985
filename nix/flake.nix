{
  description = "nixdeploy: Nix library (deploy-rs compatible lib.activate.*, deployChecks, settings schema)";

  # No inputs on purpose: Nix fetches every input before evaluating any output,
  # and this library must evaluate offline. Whatever needs nixpkgs takes it as
  # an argument (lib.<system>.package).
  outputs = { self }:
    let
      systems = [ "x86_64-linux" "aarch64-linux" "x86_64-darwin" "aarch64-darwin" ];
      forAllSystems = f: builtins.listToAttrs
        (map (system: { name = system; value = f system; }) systems);

      # A small deploy to check the library against itself (`nix flake check`).
      sampleDeploy = lib: {
        sshUser = "admin";
        nodes.sample = {
          hostname = "sample.invalid";
          tags = [ "sample" ];
          profiles.hello = {
            user = "root";
            path = lib.activate.noop (lib.activate.custom
              (builtins.derivation {
                name = "sample-base";
                system = lib.system;
                builder = "/bin/sh";
                args = [ "-c" "mkdir -p $out/bin" ];
                PATH = "/usr/bin:/bin";
              })
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
      lib = forAllSystems (system: import ./lib.nix { inherit system; });

      checks = forAllSystems (system: self.lib.${system}.deployChecks (sampleDeploy self.lib.${system}));

      # No packages / apps here: building the Java tool needs nixpkgs. The
      # repository's flake.nix has them (`nix run github:...`), or use
      # `lib.<system>.package pkgs` from a flake that has nixpkgs.
    };
}
