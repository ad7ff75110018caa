/// How a source Service becomes an alias of its EKS copy's NLB without ever disappearing, and comes back as it was.
///
/// The alias had been made by `delete service && create service externalname "$EKS_ENDPOINT"`, with the endpoint read
/// once, straight after the NLB Service was created: with no hostname yet the delete succeeded, the create failed, and the
/// source consumers, still serving production, lost their Service. Now nothing touches the source Service until the NLB
/// has a hostname that is a DNS name and answers, on each of the Service's TCP ports, from a pod in the source cluster
/// (the path the consumers will take, through the NLB's source ranges). The swap is one update of the Service in place:
/// the API server wipes `clusterIP`/`clusterIPs` "when updating a Service to type ExternalName" and accepts them again
/// "when the type field is being changed from ExternalName" (Kubernetes API, ServiceSpec.clusterIP,
/// https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec), so a failed update
/// leaves the original Service. The rollback puts the saved copy back by one update in place too (a refused one leaves the
/// alias), without its cluster IP: another Service may have been given that address while it was an alias, and a copy
/// asking for it would be refused, so the API server allocates a new one (clients resolve the name, not the address).
struct RedirectSwap {
    let name: String, crossName: String, namespace: String
    /// The file the original Service is saved to.
    let file: String

    private var backup: String { ShellQuote.word(file) }
    private var source: Kubectl { Kubectl.source(namespace) }
    private var serviceRef: String { ShellQuote.word("service/" + name) }
    private var label: String { "Service \(namespace)/\(name)" }

    /// Server-set fields the saved copy drops so that it can be put back; owner references and finalizers stay.
    static let serverFields = "del(.status, .metadata.uid, .metadata.resourceVersion, .metadata.creationTimestamp, .metadata.generation, .metadata.managedFields, .metadata.selfLink)"

    /// A Service of that name that is not an alias yet: the only thing worth saving, or restoring.
    static let original = "input | .kind == \"Service\" and .metadata.name == $name and .spec.type != \"ExternalName\""

    /// The alias, made of the live Service (its resourceVersion kept, so a concurrent change fails the update): the type,
    /// the host and the ports (without node ports) are the whole spec; metadata is untouched.
    static let alias = "if .kind == \"Service\" and ($host | length) > 0 then .spec = {type: \"ExternalName\", externalName: $host}"
        + " + (if .spec.ports then {ports: (.spec.ports | map(del(.nodePort)))} else {} end) else error(\"not a Service\") end"

    /// The NLB's hostname, polled 30 × 10 s as the NodePort switch does (a new NLB takes minutes), then required to be a
    /// DNS name: `externalName` must be one, and an empty one would make nothing reachable.
    var endpoint: String {
        "EKS_ENDPOINT=; for _ in $(seq 30); do EKS_ENDPOINT=$(" + TrafficCommands.address(("service", namespace, crossName)) + " || true); test -n \"$EKS_ENDPOINT\" && break; sleep 10; done; "
            + "[[ ${#EKS_ENDPOINT} -le 253 && \"$EKS_ENDPOINT\" =~ ^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$ ]]"
            + " || { echo " + ShellQuote.word("Service \(namespace)/\(crossName) has no NLB DNS name after 5 minutes (see kubectl describe): \(label) is untouched") + " >&2; false; }"
    }

    /// Saves the live Service unless it is already the alias (a re-run), when the copy saved before it must be there.
    var save: String {
        let check = "jq -e -n --arg name \(ShellQuote.word(name)) \(ShellQuote.word(Self.original))"
        return "if SOURCE_SERVICE=$(" + source("get \(serviceRef) -o json") + ") && " + check + " <<<\"$SOURCE_SERVICE\" >/dev/null; then jq "
            + ShellQuote.word(Self.serverFields) + " <<<\"$SOURCE_SERVICE\" > \(backup); else " + check + " \(backup) >/dev/null 2>&1"
            + " || { echo " + ShellQuote.word("no saved copy of \(label) as it was (it is an alias already, or could not be read): nothing changed") + " >&2; false; }; fi"
    }

    /// Every TCP port of the saved Service answers at `host` from a throwaway pod in the source cluster, retried for five
    /// minutes (the NLB registers its targets after it has a name). `host` and `what` are shell words; the pod gets the host
    /// and the port as arguments of `sh -c`, never as program text.
    ///
    /// The pod is the smoke probe's (`SmokeProbe.restrictedOverrides`: non-root, no privilege escalation, no capability,
    /// RuntimeDefault seccomp, read-only root), so a source namespace enforcing Pod Security "restricted" admits it, and
    /// its image is `$PROBE_IMAGE` (default the smoke probe's, from ECR Public, not Docker Hub) for an air-gapped source or
    /// an allow-list of registries. A probe that ran and got no answer exits `notAnswering`; any other failure (admission
    /// refused by Pod Security, Kyverno or Gatekeeper, an image that cannot be pulled, a pod that never started) is reported
    /// as "the probe could not run", which says nothing about the NLB or the alias: after the swap, it is no reason to roll
    /// back. With `--restart=Never` and attached, `kubectl run` "returns the exit code of the container process" (kubectl run
    /// reference, --attach: https://kubernetes.io/docs/reference/kubectl/generated/kubectl_run/).
    func answers(at host: String, what: String) -> String {
        let probe = "for i in $(seq 30); do nc -z -w 5 \"$0\" \"$1\" && exit 0; sleep 10; done; exit \(Self.notAnswering)"
        let podName = "eksodus-probe-" + ShortHash.hex(namespace + "/" + name)
        let pod = ShellQuote.word(podName)
        // One brace group: the shellcheck directive before it covers the whole loop.
        return "{ REDIRECT_PORTS=$(jq -r '[.spec.ports[]? | select((.protocol // \"TCP\") == \"TCP\") | .port | tostring] | join(\" \")' \(backup)); "
            + "test -n \"$REDIRECT_PORTS\" || { echo " + ShellQuote.word("no TCP port saved for \(label): nothing to probe, nothing changed") + " >&2; false; }; "
            + "down=0; norun=0; for port in $REDIRECT_PORTS; do probe=0; "
            + source("run \(pod) --image=\"${PROBE_IMAGE:-\(SmokeProbe.busybox)}\" --restart=Never --rm -i --quiet --pod-running-timeout=2m --override-type=strategic --overrides=\(ShellQuote.word(Self.overrides(podName))) --command -- sh -c \(ShellQuote.word(probe)) \(host) \"$port\"")
            + " || probe=$?; case \"$probe\" in 0) ;; \(Self.notAnswering)) echo \(what) \"does not answer on port $port from the source cluster\" >&2; down=1 ;; "
            + "*) echo " + ShellQuote.word("the probe could not run in \(namespace) (exit ") + "\"$probe\"" + ShellQuote.word("): admission refused the pod (Pod Security, Kyverno, Gatekeeper: see kubectl get events), or its image ") + "\"${PROBE_IMAGE:-\(SmokeProbe.busybox)}\"" + ShellQuote.word(" could not be pulled; this says nothing about") + " \(what)" + ShellQuote.word(": set PROBE_IMAGE to an image the source cluster pulls, or probe the port by hand, and do not roll back for this") + " >&2; norun=1 ;; esac; done; "
            + "test \"$down$norun\" = 00; }"
    }

    /// The exit status of a probe that ran and got no answer, told apart from the pod's own failures (kubectl's 1).
    static let notAnswering = 3

    /// `SmokeProbe.restrictedOverrides` for a pod of another name: a strategic merge matches the container by its name,
    /// which `kubectl run` gives the pod's.
    static func overrides(_ podName: String) -> String {
        SmokeProbe.restrictedOverrides.replacingOccurrences(of: "\"name\":\"\(SmokeProbe.podName)\"", with: "\"name\":\"\(podName)\"")
    }

    /// The probe's `$0` and `$1` are the pod's `sh -c` arguments, single-quoted on purpose.
    static let probeExpands = "# shellcheck disable=SC2016  # $0 and $1 expand in the probe pod"

    /// One update in place: a rejected one leaves the Service as it was.
    var swap: String {
        source("get \(serviceRef) -o json") + " | jq --arg host \"$EKS_ENDPOINT\" \(ShellQuote.word(Self.alias)) | " + source("replace -f -")
    }

    var aliasReadBack: String {
        "test \"$(" + source("get \(serviceRef) -o json") + " | jq -r '\"\\(.spec.type) \\(.spec.externalName)\"')\" = \"ExternalName $EKS_ENDPOINT\""
            + " || { echo " + ShellQuote.word("\(label) is not the alias of the NLB: run the rollback") + " >&2; false; }"
    }

    var commands: [String] {
        [endpoint, save, Self.probeExpands, answers(at: "\"$EKS_ENDPOINT\"", what: "\"the NLB $EKS_ENDPOINT\"") + "  # from a pod in the source cluster, as the consumers will connect",
         swap, aliasReadBack, Self.probeExpands,
         answers(at: ShellQuote.word(name + "." + namespace), what: ShellQuote.word("the alias \(name).\(namespace)")) + "  # through the alias, as the consumers resolve it"]
    }

    /// The saved copy as it can be put back: without what the API server assigned when it was made (a headless Service's
    /// `None` is no allocation and stays). An address or health-check port given to another Service meanwhile would make
    /// the API server refuse the copy, and leave the consumers on the alias.
    static let restorable = serverFields + " | if .spec.clusterIP == \"None\" then . else del(.spec.clusterIP, .spec.clusterIPs) end | del(.spec.healthCheckNodePort)"

    /// The live Service matches the restorable copy: its type, the spec without the allocated fields, labels and annotations,
    /// and an allocated cluster IP where the copy had one.
    static let restored = "input | (.spec.clusterIP // \"\") as $ip | (.spec | del(.clusterIP, .clusterIPs, .healthCheckNodePort)) as $spec"
        + " | ($saved[0] | " + restorable + ") as $copy"
        + " | .spec.type == ($copy.spec.type // \"ClusterIP\") and $spec == ($copy.spec | del(.clusterIP, .clusterIPs))"
        + " and .metadata.labels == $copy.metadata.labels and .metadata.annotations == $copy.metadata.annotations"
        + " and (if $copy.spec.clusterIP == \"None\" then $ip == \"None\" else ($ip | test(\"^[0-9a-fA-F.:]+$\")) end)"

    /// The source pods behind it again: a ready endpoint within two minutes (its pods never stopped; the EndpointSlice
    /// controller refills the slices of a Service that selects again).
    var readyEndpoints: String {
        let slices = source("get endpointslices -l \(ShellQuote.word("kubernetes.io/service-name=" + name)) -o json")
        return "READY=0; for _ in $(seq 24); do READY=$(" + slices + " | jq '[.items[]?.endpoints[]? | select(.conditions.ready != false)] | length' || echo 0); "
            + "test \"${READY:-0}\" -gt 0 && break; sleep 5; done; test \"${READY:-0}\" -gt 0"
            + " || { echo " + ShellQuote.word("\(label) is back but has no ready endpoint in the source cluster: its source pods do not answer") + " >&2; false; }"
    }

    /// The saved copy back in place of the alias (one update again: a refused one leaves the alias, nothing to re-apply),
    /// then compared with it, and its source pods behind it.
    var rollback: [String] {
        ["jq -e -n --arg name \(ShellQuote.word(name)) \(ShellQuote.word(Self.original)) \(backup) >/dev/null || { echo " + ShellQuote.word("no saved copy of \(label) in \(file): the alias stays") + " >&2; false; }",
         // Only the alias is replaced: a re-run after a restore finds the Service back and goes on to the checks.
         "if [ \"$(" + source("get \(serviceRef) -o jsonpath='{.spec.type}'") + ")\" = ExternalName ]; then jq \(ShellQuote.word(Self.restorable)) \(backup) | " + source("replace -f -")
            + " || { echo " + ShellQuote.word("\(label) was not restored (the API server refused the saved copy): the alias stays") + " >&2; false; }; fi",
         source("get \(serviceRef) -o json") + " | jq -e -n --slurpfile saved \(backup) \(ShellQuote.word(Self.restored)) >/dev/null"
            + " || { echo " + ShellQuote.word("\(label) differs from its saved copy \(file), or has no cluster IP") + " >&2; false; }",
         readyEndpoints]
    }
}
