# A small JSON Schema validator written in Nix, for nix/schema.json.
#
# It checks a Nix value the way `builtins.toJSON` would present it (so a
# derivation or a path is a string) and returns a list of error messages, each
# starting with the location of the problem, for example
#   deploy.nodes.web.profiles.system: unknown setting 'sshUsr' (did you mean 'sshUser'?)
# An empty list means the value is valid.
#
# Supported keywords (all that schema.json uses): $ref (to "#/..." in the same
# document), type (a name or a list of names), enum, minimum, maximum,
# minItems, uniqueItems, items, properties, required, additionalProperties
# (false or a schema), oneOf (a branch's `title` names it in messages).
# Annotations (title, description, default, $schema) are ignored.
{ schema }:
let
  inherit (builtins)
    attrNames concatLists concatStringsSep elem elemAt filter foldl' genList
    head isAttrs isBool isFloat isFunction isInt isList isPath isString length
    match replaceStrings stringLength substring tail toJSON toString;

  # --- what a value looks like as JSON ----------------------------------

  # toJSON turns a derivation (an attrset with outPath) or a path into a
  # string, and anything with __toString too.
  jsonType = v:
    if isString v || isPath v then "string"
    else if isAttrs v && (v ? outPath || v ? __toString) then "string"
    else if isBool v then "boolean"
    else if isInt v then "integer"
    else if isFloat v then "number"
    else if isList v then "array"
    else if isAttrs v then "object"
    else if v == null then "null"
    else if isFunction v then "function"
    else "unknown";

  typeMatches = want: got:
    want == got || (want == "number" && got == "integer");

  # Human words for types, in Nix terms (users write Nix, not JSON).
  typeWords = {
    string = "a string";
    boolean = "a boolean (true or false)";
    integer = "an integer";
    number = "a number";
    array = "a list";
    object = "an attribute set";
    null = "null";
  };

  # "a string", "a list of strings", "an integer or a list of integers", ...
  describeSchema = s0:
    let
      s = resolve s0;
      types0 = if isList (s.type or null) then s.type else [ (s.type or "any value") ];
      # null only means "not set"; leave it out unless it is all there is.
      types = let t = filter (x: x != "null") types0; in if t == [ ] then types0 else t;
      one = t:
        if t == "array" && s ? items && (resolve s.items) ? type && isString (resolve s.items).type
        then "a list of ${plural (resolve s.items).type}"
        else typeWords.${t} or t;
    in
    concatStringsSep " or " (map one types);

  plural = t: {
    string = "strings"; boolean = "booleans"; integer = "integers"; number = "numbers";
    array = "lists"; object = "attribute sets";
  }.${t} or t;

  # Short description of a value for messages: `a string "x"`, `a function`.
  describeValue = v:
    let t = jsonType v; in
    if t == "string" then
      (if isAttrs v && v ? outPath then "a derivation"
       else if isPath v then "a path"
       else "a string ${toJSON (shorten v)}")
    else if t == "integer" || t == "number" then "${typeWords.${t}} ${toString v}"
    else if t == "boolean" then (if v then "true" else "false")
    else if t == "function" then "a function (an argument missing?)"
    else typeWords.${t} or t;

  shorten = s: if stringLength s > 40 then substring 0 37 s + "..." else s;

  # --- locations --------------------------------------------------------

  # Attribute names that are not plain identifiers are quoted, as in Nix:
  # deploy.nodes."web.example.com".profiles.system
  attrPath = loc: name:
    if match "[A-Za-z_][A-Za-z0-9_'-]*" name != null
    then "${loc}.${name}"
    else "${loc}.${toJSON name}";

  # --- $ref ---------------------------------------------------------------

  # Follow "#/definitions/x/properties/y" through the document.
  lookup = ref:
    let
      parts = filter isString (builtins.split "/" ref);
    in
    if head parts != "#" then throw "nixdeploy schema: only local $ref are supported, not ${ref}"
    else foldl' (node: key: node.${key}) schema (tail parts);

  resolve = s: if isAttrs s && s ? "$ref" then resolve (lookup s."$ref") else s;

  # --- suggestions for misspelt keys --------------------------------------

  lower = replaceStrings
    (genList (i: substring i 1 "ABCDEFGHIJKLMNOPQRSTUVWXYZ") 26)
    (genList (i: substring i 1 "abcdefghijklmnopqrstuvwxyz") 26);

  chars = s: genList (i: substring i 1 s) (stringLength s);

  min2 = a: b: if a < b then a else b;

  # Edit distance (insert, delete, substitute), row by row.
  levenshtein = a: b:
    let
      bs = chars b;
      lb = length bs;
      firstRow = genList (j: j) (lb + 1);
      nextRow = prev: ca:
        foldl'
          (row: j:
            row ++ [
              (min2
                (min2 (elemAt row j + 1) (elemAt prev (j + 1) + 1))
                (elemAt prev j + (if ca == elemAt bs j then 0 else 1)))
            ])
          [ (head prev + 1) ]
          (genList (j: j) lb);
    in
    elemAt (foldl' nextRow firstRow (chars a)) lb;

  # The known name closest to `name`, if it is close enough to be a typo.
  suggest = name: known:
    let
      scored = map (k: { inherit k; d = levenshtein (lower name) (lower k); }) known;
      best = foldl' (acc: x: if acc == null || x.d < acc.d then x else acc) null scored;
      limit = if stringLength name <= 4 then 1 else 2;
    in
    if best != null && best.d <= limit then " (did you mean '${best.k}'?)" else "";

  # --- the validator ------------------------------------------------------

  # validate :: location -> schema -> value -> [ error ]
  validate = loc: s0: v:
    let
      s = resolve s0;
      t = jsonType v;
      wanted = if isList (s.type or null) then s.type else if s ? type then [ s.type ] else null;
      typeOk = wanted == null || builtins.any (w: typeMatches w t) wanted;
    in
    if !typeOk then [ "${loc}: must be ${describeSchema s}, got ${describeValue v}" ]
    else
      enumErrors loc s v
      ++ (if t == "integer" || t == "number" then numberErrors loc s v else [ ])
      ++ (if t == "array" then arrayErrors loc s v else [ ])
      ++ (if t == "object" then objectErrors loc s v else [ ])
      ++ oneOfErrors loc s v;

  enumErrors = loc: s: v:
    if s ? enum && !(elem v s.enum)
    then [ "${loc}: must be one of ${concatStringsSep ", " (map toJSON s.enum)}, got ${describeValue v}" ]
    else [ ];

  numberErrors = loc: s: v:
    (if s ? minimum && v < s.minimum then [ "${loc}: must be at least ${toString s.minimum}, got ${toString v}" ] else [ ])
    ++ (if s ? maximum && v > s.maximum then [ "${loc}: must be at most ${toString s.maximum}, got ${toString v}" ] else [ ]);

  arrayErrors = loc: s: v:
    let
      n = length v;
      dups = filter (i: elem (elemAt v i) (genList (j: elemAt v j) i)) (genList (i: i) n);
    in
    (if s ? minItems && n < s.minItems then [ "${loc}: must have at least ${toString s.minItems} element(s), got ${toString n}" ] else [ ])
    ++ (if (s.uniqueItems or false) && dups != [ ]
        then [ "${loc}: must not repeat elements; ${toJSON (elemAt v (head dups))} appears more than once" ] else [ ])
    ++ (if s ? items
        then concatLists (genList (i: validate "${loc}[${toString i}]" s.items (elemAt v i)) n)
        else [ ]);

  objectErrors = loc: s: v:
    let
      props = s.properties or { };
      extra = s.additionalProperties or true;
      missing = filter (r: !(v ? ${r})) (s.required or [ ]);
      checkKey = k:
        if props ? ${k} then validate (attrPath loc k) props.${k} v.${k}
        else if extra == false then [ "${loc}: unknown setting '${k}'${suggest k (attrNames props)}" ]
        else if isAttrs extra then validate (attrPath loc k) extra v.${k}
        else [ ];
    in
    map (r: "${loc}: missing required setting '${r}'") missing
    ++ concatLists (map checkKey (attrNames v));

  # oneOf: exactly one branch must accept the value.
  oneOfErrors = loc: s: v:
    if !(s ? oneOf) then [ ]
    else
      let
        results = map (b: { title = (resolve b).title or "a form"; errors = validate loc b v; }) s.oneOf;
        passing = filter (r: r.errors == [ ]) results;
        titles = concatStringsSep ", or " (map (r: r.title) results);
      in
      if length passing == 1 then [ ]
      else if passing == [ ] then [ "${loc}: must be exactly one of: ${titles}" ]
      else [ "${loc}: must be exactly one of: ${titles}; it is more than one" ];

in
{
  inherit validate jsonType levenshtein;

  # All problems with a `deploy` attrset: the schema, plus the one rule JSON
  # Schema cannot say (profilesOrder must name existing profiles).
  validateDeploy = deploy:
    let
      schemaErrors = validate "deploy" schema deploy;
      nodes = if isAttrs deploy && isAttrs (deploy.nodes or null) then deploy.nodes else { };
      orderErrors = concatLists (map
        (n:
          let node = nodes.${n}; in
          if isAttrs node && isList (node.profilesOrder or null) && isAttrs (node.profiles or { })
          then map (p: "${attrPath "deploy.nodes" n}.profilesOrder: names profile '${p}', which is not in profiles")
            (filter (p: isString p && !((node.profiles or { }) ? ${p})) node.profilesOrder)
          else [ ])
        (attrNames nodes));
    in
    # Ordering problems only make sense once the structure is right.
    if schemaErrors != [ ] then schemaErrors else orderErrors;
}
