# lib.<system>.deployChecks: checks for a flake's `checks.<system>`, the way
# deploy-rs offers them, under deploy-rs's names (CI jobs refer to
# checks.<system>.deploy-schema and .deploy-activate):
#   checks = builtins.mapAttrs (system: lib: lib.deployChecks self.deploy) nixdeploy.lib;
{ builders, schemaLib }:
let
  inherit (builtins) attrNames concatLists concatStringsSep length map toJSON;
  inherit (builders) runSh;

  # [ { label = "web.profiles.system"; path = <derivation or string>; } ... ]
  profilesOf = deploy:
    concatLists (map
      (n: map (p: { label = "${n}.profiles.${p}"; path = deploy.nodes.${n}.profiles.${p}.path; })
        (attrNames (deploy.nodes.${n}.profiles or { })))
      (attrNames (deploy.nodes or { })));

  # `value` if the deploy is valid; otherwise an evaluation error that lists
  # every problem with its location.
  assertValid = deploy: value:
    let errors = schemaLib.validateDeploy deploy; in
    if errors == [ ] then value
    else throw ("nixdeploy: the deploy attribute does not match nixdeploy's settings schema (nix/schema.json):\n  "
      + concatStringsSep "\n  " errors);
in
{
  deployChecks = deploy: {
    # Fails at evaluation when the settings are wrong. Depends only on the
    # names, so it does not need the profiles built.
    deploy-schema = assertValid deploy
      (runSh "nixdeploy-check-schema"
        { summary = "deploy schema ok: " + toJSON (map (x: x.label) (profilesOf deploy)); }
        ''echo "$summary" > "$out"'');

    # Builds every profile and checks that each one's `deploy-rs-activate`, if
    # it has one, is an executable file. A profile with no activation script
    # is fine in nixdeploy (switching the profile is the whole deploy), and no
    # `activate-rs` is needed (deploy-rs's check requires both).
    # A malformed deploy fails with the schema's messages, not a stranger one.
    deploy-activate =
      let
        profiles = assertValid deploy (profilesOf deploy);
        # One "storepath label" line per profile; referencing the paths here
        # makes them inputs of this build.
        list = concatStringsSep "\n" (map (x: "${x.path} ${x.label}") profiles) + "\n";
      in
      runSh "nixdeploy-check-activate" { inherit list; passAsFile = [ "list" ]; } ''
        failed=0
        while read -r path label; do
          [ -n "$path" ] || continue
          if [ ! -e "$path" ]; then
            echo "deploy.nodes.$label: profile path $path does not exist" >&2
            failed=1
          elif [ -e "$path/deploy-rs-activate" ] || [ -L "$path/deploy-rs-activate" ]; then
            if [ ! -f "$path/deploy-rs-activate" ] || [ ! -x "$path/deploy-rs-activate" ]; then
              echo "deploy.nodes.$label: $path/deploy-rs-activate is not an executable file" >&2
              failed=1
            else
              echo "deploy.nodes.$label: activation script ok"
            fi
          else
            echo "deploy.nodes.$label: no activation script (switching the profile is the whole deploy)"
          fi
        done < "$listPath"
        [ "$failed" = 0 ] || exit 1
        echo "${toString (length profiles)} profile(s) checked" > "$out"
      '';
  };
}
