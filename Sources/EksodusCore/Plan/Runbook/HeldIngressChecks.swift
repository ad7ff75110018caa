/// What the decided Ingress on EKS must say before the switch of a held host (`IngressHold`) moves any weight: that it
/// exists is not enough, an Ingress applied as converted would admit everyone.
///
/// - allow-list held: `alb.ingress.kubernetes.io/inbound-cidrs` present, a comma-separated list of IPv4/IPv6 CIDRs, none of
///   them a /0 (`0.0.0.0/0`, `::/0` in any spelling). An internal ALB is checked the same way: `scheme: internal` still
///   admits the whole VPC, peered VPCs, Transit Gateway attachments and VPN/Direct Connect networks, where the source
///   admitted only its list ("inbound-cidrs", AWS Load Balancer Controller Ingress annotations:
///   https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/#inbound-cidrs).
/// - login held: `alb.ingress.kubernetes.io/auth-type` oidc or cognito, or `eksodus.io/login-decided: application`, which the
///   operator adds when the application does its own login (the HTTPS probe then checks it refuses a request without one).
/// - regex held: no ImplementationSpecific path (or one without a type) with a character an ALB path cannot take; `*` and
///   `?` are ALB wildcards and pass.
///
/// The annotations are read with `kubectl -o json` and jq; names and keys reach jq as `--arg`, never in its program.
enum HeldIngressChecks {
    /// The annotation the operator sets on the decided Ingress when the application enforces the login itself.
    static let loginDecidedKey = "eksodus.io/login-decided"
    static let loginDecidedValue = "application"

    /// IPv4 and IPv6 CIDRs, as the controller parses them (a prefix length is required); `verdict` prints `ok`, `absent`,
    /// `invalid` or `open`.
    static let cidrVerdict = #"""
        def octet: "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
        def v4: test("^(" + octet + "[.]){3}" + octet + "$");
        def v6: split("::") as $p | ($p | length) <= 2
          and ([$p[] | if . == "" then [] else split(":") end] | add // [] | all(test("^[0-9a-fA-F]{1,4}$"))
                 and (if ($p | length) == 2 then length <= 7 else length == 8 end));
        def cidr: split("/") as $c | ($c | length) == 2
          and ((($c[0] | v4) and ($c[1] | test("^([0-9]|[12][0-9]|3[0-2])$")))
               or (($c[0] | v6) and ($c[1] | test("^([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8])$"))));
        (.metadata.annotations[$key] // "") as $v
        | if ($v | test("^[[:space:]]*$")) then "absent"
          else ($v | split(",") | map(gsub("^[[:space:]]+|[[:space:]]+$"; ""))) as $e
          | if any($e[]; cidr | not) then "invalid"
            elif any($e[]; split("/")[1] == "0") then "open"
            else "ok" end end
        """#.split(separator: "\n").map { String($0.drop(while: { $0 == " " })) }.joined(separator: " ")

    static let loginVerdict = #"(.metadata.annotations // {}) as $a | ($a[$auth] // "") as $t | if $t == "oidc" or $t == "cognito" or ($a[$decided] // "") == $app then "ok" else "none" end"#

    /// Paths an ALB cannot match: ImplementationSpecific (or untyped) ones with a regular-expression character besides the
    /// `*` and `?` wildcards ALB path conditions take.
    static let regexVerdict = #"[.spec.rules[]?.http.paths[]? | select((.pathType // "ImplementationSpecific") == "ImplementationSpecific" and ((.path // "/") | test($chars)))] | if length == 0 then "ok" else "regex" end"#

    /// The characters of `IngressHold.regexCharacters` but the ALB wildcards, as a bracket expression.
    static var regexClass: String {
        "[" + IngressHold.regexCharacters.subtracting(["*", "?"]).sorted().map { ["[", "]", "\\", "^"].contains($0) ? "\\" + String($0) : String($0) }.joined() + "]"
    }

    /// `eksodus_held_ingress`: the decided Ingress read once, then each verdict the hold asks for.
    static let library = """
        # eksodus_held_ingress NAMESPACE INGRESS [allow-list] [login] [regex]: before the switch of a host convert held out
        # moves any weight, the decided Ingress INGRESS on EKS must say what it was held for (that it exists is not enough:
        # one applied as converted would admit everyone). Read once with kubectl -o json; names and keys reach jq as --arg.
        # - allow-list: alb.ingress.kubernetes.io/inbound-cidrs present, a comma-separated list of IPv4/IPv6 CIDRs, none a
        #   /0 in any spelling; an internal ALB as well (it still admits the VPC, peered VPCs and VPN/Direct Connect networks,
        #   where the source admitted only its list);
        # - login: alb.ingress.kubernetes.io/auth-type oidc or cognito, or \(loginDecidedKey): \(loginDecidedValue) where the
        #   application does its own login (the HTTPS probe then checks it refuses a request without one);
        # - regex: no ImplementationSpecific (or untyped) path with a character an ALB path cannot take (* and ? pass).
        eksodus_held_ingress() {
          local ns=$1 ingress=$2 json check verdict
          shift 2
          { json=$(kubectl --context "$EKS_CONTEXT" -n "$ns" get "ingress/$ingress" -o json) && test -n "$json"; } \\
            || { echo "Ingress $ns/$ingress on EKS cannot be read: apply the decided Ingress first" >&2; return 1; }
          for check in "$@"; do
            case $check in
              allow-list)
                verdict=$(printf '%s' "$json" | jq -r --arg key 'alb.ingress.kubernetes.io/inbound-cidrs' \(ShellQuote.word(cidrVerdict))) || verdict=
                [ "$verdict" = ok ] || { echo "Ingress $ns/$ingress on EKS: alb.ingress.kubernetes.io/inbound-cidrs is ${verdict:-unreadable} (it must be a comma-separated list of IPv4/IPv6 CIDRs, none /0 such as 0.0.0.0/0 or ::/0): write the source allow-list's intended CIDRs there, internal scheme or not" >&2; return 1; } ;;
              login)
                verdict=$(printf '%s' "$json" | jq -r --arg auth 'alb.ingress.kubernetes.io/auth-type' --arg decided \(ShellQuote.word(loginDecidedKey)) --arg app \(ShellQuote.word(loginDecidedValue)) \(ShellQuote.word(loginVerdict))) || verdict=
                [ "$verdict" = ok ] || { echo "Ingress $ns/$ingress on EKS enforces no decided login: set alb.ingress.kubernetes.io/auth-type to oidc or cognito (with auth-idp-oidc or auth-idp-cognito), or, when the application does its own login, annotate it \(loginDecidedKey): \(loginDecidedValue)" >&2; return 1; } ;;
              regex)
                verdict=$(printf '%s' "$json" | jq -r --arg chars \(ShellQuote.word(regexClass)) \(ShellQuote.word(regexVerdict))) || verdict=
                [ "$verdict" = ok ] || { echo "Ingress $ns/$ingress on EKS still has an ImplementationSpecific path with regular-expression characters, which an ALB cannot match: rewrite it as a Prefix path" >&2; return 1; } ;;
              *) echo "eksodus_held_ingress: no check named $check" >&2; return 1 ;;
            esac
          done
        }

        # eksodus_held_redirect NAMESPACE INGRESS HOST PATH: plain HTTP to the EKS load balancer EKS_LB, as HOST at PATH, must
        # answer with a redirect to https://HOST: ALB authentication runs on HTTPS listeners only, and the controller's
        # ssl-redirect makes every HTTP listener redirect there. A failed curl prints 000 and fails too.
        eksodus_held_redirect() {
          test -n "${EKS_LB:-}" || { echo 'no EKS load balancer name yet' >&2; return 1; }
          curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}\\n' -H "Host: $3" "http://$EKS_LB$4" | awk -v host="$3" \(ShellQuote.word(TrafficCommands.httpsRedirect)) \\
            || { echo "Ingress $1/$2 on EKS does not redirect HTTP to HTTPS: ALB authentication needs an HTTPS listener (listen-ports with HTTPS 443, ssl-redirect, a certificate from plan:certificates)" >&2; return 1; }
        }

        # eksodus_held_login NAMESPACE INGRESS HOST PATH: the EKS load balancer EKS_LB refuses a request without credentials
        # for HOST at PATH, asked over HTTPS as the host (SNI and certificate: curl --connect-to, before DNS points there; no
        # -k, a private CA's root in CA_BUNDLE): 401, or a redirect to an identity provider on another host (OIDC, Cognito);
        # where the Ingress on EKS says \(loginDecidedKey): \(loginDecidedValue), also 403 or a redirect to another path
        # (its own /login). An internal ALB: run it from inside the VPC or over the VPN.
        eksodus_held_login() {
          local app
          test -n "${EKS_LB:-}" || { echo 'no EKS load balancer name yet' >&2; return 1; }
          app=$(kubectl --context "$EKS_CONTEXT" -n "$1" get "ingress/$2" -o json | jq -r --arg k \(ShellQuote.word(loginDecidedKey)) '.metadata.annotations[$k] // ""') || app=''
          curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}\\n' ${CA_BUNDLE:+--cacert "$CA_BUNDLE"} --connect-to "$3:443:$EKS_LB:443" "https://$3$4" \\
            | awk -v host="$3" -v app="$app" -v want="$4" \(ShellQuote.word(TrafficCommands.loginProbe)) \\
            || { echo "Ingress $1/$2 on EKS answers over HTTPS without credentials, or its certificate is not valid for the host: its login is not in place (it must answer 401, or redirect to an identity provider on another host; with \(loginDecidedKey): \(loginDecidedValue) also 403 or a redirect to another path, such as its /login)" >&2; return 1; }
        }

        """

    /// The checks of one held Ingress, run after the gate that it exists (`TrafficCommands.heldGate`): one call.
    static func checks(namespace: String, ingress: String, held: Exposure.Held) -> [String] {
        let checks = [(held.allowList, "allow-list"), (held.auth, "login"), (held.regex, "regex")].filter(\.0).map(\.1)
        guard !checks.isEmpty else { return [] }
        return (held.allowList ? ["# the source admitted only its allow-list: the ALB must too, an internal ALB as well"] : [])
            + ["eksodus_held_ingress " + ([namespace, ingress] + checks).map(ShellQuote.word).joined(separator: " ")]
    }

    /// `TrafficCommands.heldGates` with each held Ingress's annotation checks after the gates that run before `$EKS_LB`.
    static func gates(_ held: [String: Exposure.Held], host: String?) -> (before: [String], after: [String]) {
        let base = TrafficCommands.heldGates(held, host: host)
        let checks = held.sorted { $0.key < $1.key }.flatMap { id, held in
            let parts = id.split(separator: "/", maxSplits: 1).map(String.init)
            return Self.checks(namespace: parts[0], ingress: parts.count > 1 ? parts[1] : "", held: held)
        }
        return (base.before + checks, base.after)
    }
}
