/// A smoke test that speaks the Service port's protocol: a database answers its own client's ping (`pg_isready`,
/// `mysqladmin ping`, `redis-cli ping`, a MongoDB `ping` command), a web port an HTTP GET, anything else a TCP connect.
/// An HTTP request against a database port fails however healthy the database is.
enum SmokeProbe {
    static let busybox = "public.ecr.aws/docker/library/busybox:stable"
    /// Port names and numbers that serve HTTP when nothing else is known.
    static let httpPortNames = ["http", "web", "metrics", "http-web", "http-metrics", "ui", "api"]
    static let httpPorts: Set<Int> = [80, 8080, 8000, 3000, 5000, 9090, 9093, 8081, 8888]

    /// (image to run, arguments) for one port of a Service whose pods run `engine` (the `data/databases.yaml` name).
    static func probe(engine: String?, engineImage: String?, host: String, port: Int, portName: String?) -> (image: String, arguments: String) {
        let h = ShellQuote.word(host), p = String(port)
        if let engineImage {
            switch engine {
            case "postgres": return (engineImage, "pg_isready -h \(h) -p \(p) -t 5")
            case "mysql", "mariadb": return (engineImage, "mysqladmin ping -h \(h) -P \(p) --connect-timeout=5")
            case "redis": return (engineImage, "redis-cli -h \(h) -p \(p) ping")
            // mongosh ships with MongoDB 6 images on; older ones have the mongo shell.
            case "mongodb":
                let ping = "--quiet --host \(h) --port \(p) --eval 'db.runCommand({ ping: 1 }).ok'"
                return (engineImage, "sh -c " + ShellQuote.word("mongosh \(ping) || mongo \(ping)"))
            default: break
            }
        }
        if (engine == "elasticsearch" || engine == "opensearch") && port == 9200 {
            return (busybox, "wget -qO- -T 5 " + ShellQuote.word("http://\(host):\(port)/_cluster/health"))
        }
        let name = portName?.lowercased() ?? ""
        if engine == nil && (httpPortNames.contains(name) || name.hasPrefix("http") || httpPorts.contains(port)) {
            return (busybox, "wget -qO- -T 5 " + ShellQuote.word("http://\(host):\(port)/"))
        }
        return (busybox, "nc -z -w 5 \(h) \(p)")
    }

    /// The name of the throwaway probe pod; `kubectl run` labels it `run=` this name, which NetworkPolicies see.
    static let podName = "eksodus-smoke"

    /// What the probe pod needs to be admitted where Pod Security enforces "restricted" (runAsNonRoot, no privilege
    /// escalation, every capability dropped, a RuntimeDefault or Localhost seccomp profile:
    /// https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted), and a read-only root file system.
    /// `runAsNonRoot` alone makes the kubelet refuse an image whose user is root (busybox's, the database images'), so it
    /// runs as 65534 (nobody), which every probe client runs as; HOME is an emptyDir, where mongosh writes its log. It goes
    /// in as a strategic merge: `kubectl run`'s default JSON merge replaces the containers list whole, dropping the
    /// probe's image and arguments. It tolerates the system group's taint (`ComputePlan.systemTaint`): on an EKS cluster
    /// whose workloads are all stateful every group is tainted, and an intolerant probe stayed Pending until its step
    /// failed; on a source, whose nodes have no such taint, the toleration changes nothing.
    static let restrictedOverrides = #"{"apiVersion":"v1","spec":{"securityContext":{"runAsNonRoot":true,"runAsUser":65534,"runAsGroup":65534,"seccompProfile":{"type":"RuntimeDefault"}},"#
        + #""tolerations":["# + JSONWriter.string(ComputePlan.systemTaint.tolerationNode) + "],"
        + #""containers":[{"name":"\#(podName)","securityContext":{"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"capabilities":{"drop":["ALL"]}},"#
        + #""resources":{"requests":{"cpu":"10m","memory":"32Mi"},"limits":{"cpu":"250m","memory":"256Mi"}},"#
        + #""env":[{"name":"HOME","value":"/home/eksodus"}],"volumeMounts":[{"name":"home","mountPath":"/home/eksodus"}]}],"volumes":[{"name":"home","emptyDir":{}}]}}"#

    /// `eksodus_probe` and `eksodus_ready_endpoints`, in the runbook library.
    static let library = """
        # eksodus_probe TOOL CONTEXT NAMESPACE IMAGE COMMAND...: COMMAND in a throwaway pod \(podName) of IMAGE (removed when it ends,
        # its exit status the probe's), admitted where Pod Security enforces "restricted" and where a ResourceQuota wants limits
        # (NAMESPACE empty: the context's own). EKSODUS_PROBE_IMAGE replaces busybox (a mirror in ECR for clusters without egress).
        eksodus_probe() {
          local tool=$1 context=$2 namespace=$3 image=$4
          shift 4
          # An earlier probe cut short leaves its pod, and the run would fail as AlreadyExists, like a probe that got no answer.
          "$tool" --context "$context" ${namespace:+-n "$namespace"} delete pod \(podName) --ignore-not-found --wait=true >/dev/null || return 1
          # --attach, not -i: the probe never reads the lines pasted after it; with --restart=Never its exit status is the probe's.
          "$tool" --context "$context" ${namespace:+-n "$namespace"} run \(podName) --rm --attach --restart=Never --image="$image" --override-type=strategic \\
            --overrides=\(ShellQuote.word(restrictedOverrides)) -- "$@" < /dev/null
        }

        # eksodus_ready_endpoints NAMESPACE SERVICE: fails unless the Service on EKS has an endpoint, and every one that is not
        # terminating is ready. READY/TERMINATING a line, either empty when unset: a `/` keeps an unset ready in its field.
        eksodus_ready_endpoints() {
          kubectl --context "$EKS_CONTEXT" -n "$1" get endpointslices -l "kubernetes.io/service-name=$2" -o jsonpath='{range .items[*].endpoints[*]}{.conditions.ready}/{.conditions.terminating}{"\\n"}{end}' \\
            | awk -F/ '$2 == "true" { next } { n++ } $1 == "false" { bad = 1 } END { exit n == 0 || bad }' \\
            || { echo "Service $1/$2 has no endpoint on EKS, or one that is not ready" >&2; return 1; }
        }

        """

    /// The probe pod's run (`eksodus_probe`), removed when it ends, its exit status the probe's; `arguments` are shell words.
    static func run(_ kubectl: Kubectl, image: String, arguments: String) -> String {
        let image = image == busybox ? "\"${EKSODUS_PROBE_IMAGE:-\(busybox)}\"" : ShellQuote.word(image)
        return ["eksodus_probe", ShellQuote.word(kubectl.tool), kubectl.side.context, ShellQuote.word(kubectl.namespace ?? ""), image, arguments].joined(separator: " ")
    }

    /// Fails (non-zero, with a message) unless every endpoint of the Service on EKS is ready, and it has one. The workload's
    /// rollout has finished by then, so each replica should be ready: one that is not fails its readiness probe on EKS (a
    /// dependency it cannot reach, a missing Secret), which is what a smoke test is for; a PodDisruptionBudget's minimum is
    /// about voluntary disruptions, not about whether the copy works. Terminating endpoints (an old ReplicaSet's pods
    /// going away, `conditions.terminating` true) are not counted, and a nil `ready` reads as ready, as the API says.
    /// `kubectl get endpoints/X` exits 0
    /// whether or not any address is behind it, and v1 Endpoints is deprecated from Kubernetes 1.33 in favour of
    /// EndpointSlices, found by their `kubernetes.io/service-name` label
    /// (https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/; conditions.ready:
    /// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions).
    static func readyEndpoints(_ service: Estate.Service) -> String {
        let name = service.resource.name, namespace = service.resource.namespace
        guard LabelSelector.isValue(name) else {
            return ShellQuote.comment("TODO: check Service \(namespace)/\(name) has a ready endpoint by hand: its name is no label value")
        }
        return "eksodus_ready_endpoints " + ShellQuote.word(namespace) + " " + ShellQuote.word(name)
    }

    /// The container port a Service port sends to (`targetPort`, by number or by a container port's name), as the number and
    /// name NetworkPolicy ports are matched against.
    static func containerPort(_ port: ManifestNode, of workload: Estate.Workload) -> (number: Int?, name: String?) {
        let declared = workload.containers.flatMap(\.ports.items)
        let target = port["targetPort"] ?? port["port"]
        if let number = target?.int {
            return (number, declared.first { $0["containerPort"]?.int == number }?["name"]?.string)
        }
        let name = target?.string
        return (declared.first { $0["name"]?.string == name }?["containerPort"]?.int, name)
    }

    static func commands(_ context: WorkloadSteps.Context) -> [String] {
        let workload = context.workload, eks = Kubectl.eks(workload.namespace)
        let database = context.engine?.database
        let engineContainer = context.engine?.container
        let engineImage = engineContainer.map { container in context.images.first { $0.container == container.name }?.target ?? container.image ?? "" }
        // The policies that isolate the workload's pods, and those that limit the probe pod's own egress.
        let isolating = context.networkPolicies.filter { $0.isolatesIngress && $0.selects(workload.templateLabels) }
        let probeLabels = ["run": podName]
        let egressLimited = context.networkPolicies.filter { $0.isolatesEgress && $0.selects(probeLabels) }
        var commands: [String] = []
        for service in context.exposure.services.prefix(3) {
            commands.append(readyEndpoints(service))
            // The host is a positional argument of nc: a name that is no DNS label could be read as an option.
            guard DNSLabel.isValid(service.resource.name), DNSLabel.isValid(service.resource.namespace) else {
                commands.append("# TODO: probe this Service by hand: its name or namespace is not a DNS label")
                continue
            }
            for port in service.ports.items.prefix(2) {
                guard let number = port["port"]?.int else { continue }
                let target = containerPort(port, of: workload)
                // Policies add up: one that admits the probe pod to this port is enough.
                let admitted = isolating.isEmpty || isolating.contains { $0.admits(probeLabels, from: workload.namespace, port: target) }
                if admitted && egressLimited.isEmpty {
                    let host = "\(service.resource.name).\(service.resource.namespace).svc.cluster.local"
                    let probe = probe(engine: database?.name, engineImage: engineImage, host: host, port: number, portName: port["name"]?.string)
                    commands.append(run(eks, image: probe.image, arguments: probe.arguments))
                } else {
                    commands += portForward(service, port: number, portName: port["name"]?.string, engine: database?.name, engineImage: engineImage,
                                            why: admitted ? egressLimited.map { "NetworkPolicy \($0.name) limits the egress of a probe pod in \(workload.namespace)" }
                                                          : isolating.map { "NetworkPolicy \($0.name) selects these pods and admits only \($0.admitted)" })
                }
            }
        }
        return commands
    }

    /// A probe through `kubectl port-forward`, for a port whose NetworkPolicies would not answer a probe pod. The forward
    /// enters the pod's own network namespace and connects over its loopback, which no policy filters (a pod cannot block
    /// access to itself: https://kubernetes.io/docs/concepts/services-networking/network-policies/): it proves the pods
    /// serve the port, not that their clients are admitted. Giving a probe pod a client's labels would, but a Service that
    /// selects those labels would send it real traffic. The probe runs on this machine, so its client tool must be here;
    /// a connect through the forward always succeeds locally, so kubectl's own errors (connection refused) fail it too.
    static func portForward(_ service: Estate.Service, port: Int, portName: String?, engine: String?, engineImage: String?, why: [String]) -> [String] {
        let local = 40000 + port % 20000
        let probe = probe(engine: engine, engineImage: engineImage, host: "127.0.0.1", port: local, portName: portName)
        let first = probe.arguments.prefix { $0 != " " }
        let tool = first == "sh" ? "mongosh or mongo" : String(first)
        let forward = Kubectl.eks(service.resource.namespace)("port-forward \(ShellQuote.word("service/" + service.resource.name)) \(local):\(port)")
        return why.map(ShellQuote.comment)
            + [ShellQuote.comment("a probe pod would get no answer, so this probe goes through kubectl port-forward (the pod's loopback, which no policy filters): it proves the pods serve port \(port), not that their clients are admitted; needs \(tool) here"),
               "( log=$(mktemp); \(forward) >/dev/null 2>\"$log\" & pf=$!; trap 'kill \"$pf\" 2>/dev/null; rm -f \"$log\"' EXIT; sleep 3; \(probe.arguments) && sleep 1 && ! grep . \"$log\" >&2 )"]
    }
}
