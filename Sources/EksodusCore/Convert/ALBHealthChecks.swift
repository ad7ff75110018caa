/// The ALB health check of each Service behind an ALB Ingress, from its pods' readiness probes. The AWS Load Balancer
/// Controller checks `GET /` on the traffic port for a 200 unless told otherwise, and takes `alb.ingress.kubernetes.io/healthcheck-*`
/// and `success-codes` from the backend Service, where they win over the Ingress's and apply to that Service's target group
/// only (AWS Load Balancer Controller, "Ingress annotations", health check annotations, location ingress,service:
/// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/annotations/). An app ready on
/// /healthz would otherwise stay unhealthy in its target group. The kubelet counts 200–399 as ready (Kubernetes docs,
/// "Configure Liveness, Readiness and Startup Probes", HTTP probes), so the ALB accepts the same codes.
enum ALBHealthChecks {
    enum Derived: Hashable {
        /// `port`: `traffic-port` when the probe asks the port the Service sends to, else the container port's number.
        case http(path: String, port: String, scheme: String)
        /// What keeps it from a derived check: a TCP-only or exec probe, no probe, pods that disagree, a path the ALB refuses.
        case unknown(String)
    }

    static let prefix = "alb.ingress.kubernetes.io/"
    static let successCodes = "200-399"

    /// The namespace label that makes the controller add a readiness gate to new pods of Services behind its target groups:
    /// a rolling update then waits for each new pod to be healthy in the ALB, not only Ready in the cluster (AWS Load
    /// Balancer Controller, "Pod readiness gate": https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/deploy/pod_readiness_gate/).
    /// The gate needs IP targets, which the network plan's ALBs use.
    static let readinessGateLabel = (key: "elbv2.k8s.aws/pod-readiness-gate-inject", value: "enabled")

    /// Per `namespace/service` behind an Ingress the network plan puts on an ALB, its derived health check; and the
    /// namespaces of those Services whose ALB uses IP targets (where pods get a readiness gate).
    static func derive(_ estate: Estate, network: [String: NetworkPlan.Entry]) -> (services: [String: Derived], readinessGateNamespaces: Set<String>) {
        var ports: [String: Set<String>] = [:]
        var namespaces: Set<String> = []
        for ingress in estate.ingresses {
            let namespace = ingress.resource.namespace
            guard let entry = network["Ingress/\(namespace)/\(ingress.resource.name)"] else { continue }
            for rule in ingress.rules {
                guard let service = rule.serviceName, !service.isEmpty else { continue }
                ports["\(namespace)/\(service)", default: []].insert(rule.servicePort ?? "")
                if entry.annotations[prefix + "target-type"] == "ip" { namespaces.insert(namespace) }
            }
        }
        let services = Dictionary(estate.services.map { ("\($0.resource.namespace)/\($0.resource.name)", $0) }, uniquingKeysWith: { first, _ in first })
        let workloads = Dictionary(grouping: estate.workloads.filter(\.isService), by: \.namespace)
        var result: [String: Derived] = [:]
        for (key, used) in ports {
            guard let service = services[key] else { continue }
            let backing = (workloads[service.resource.namespace] ?? []).filter { $0.matches(service.selector) }
            guard !backing.isEmpty else { result[key] = .unknown("no workload of the export runs its pods"); continue }
            let derived = Set(used.flatMap { port in backing.map { check(service, port: port, workload: $0, estate: estate) } })
            result[key] = derived.count == 1 ? derived.first!
                : .unknown("its pods' readiness probes differ (\(backing.map(\.label).sorted().joined(separator: ", "))): one health check per target group")
        }
        return (result, namespaces)
    }

    /// The health check for one Ingress backend port of `service`, from the readiness probe of the container serving it.
    static func check(_ service: Estate.Service, port: String, workload: Estate.Workload, estate: Estate) -> Derived {
        let servicePorts = service.ports.items
        let entry = servicePorts.first { $0["port"]?.int.map(String.init) == port || $0["name"]?.string == port } ?? (servicePorts.count == 1 ? servicePorts[0] : nil)
        guard let entry else { return .unknown("the Ingress names port \(port), which the Service does not have") }
        let target = entry["targetPort"] ?? entry["port"]
        guard let body = estate.resource(id: workload.resourceID)?.body else { return .unknown("\(workload.label) is not in the export") }
        let podPath = CheckSupport.podPath(workload.kind).split(separator: ".").map(String.init)
        let pod = podPath.reduce(body as ManifestNode?) { $0?[$1] }
        let containers = pod?["containers"]?.items ?? []
        func serves(_ container: ManifestNode) -> Bool {
            (container["ports"]?.items ?? []).contains { declared in
                if let number = target?.int { return declared["containerPort"]?.int == number }
                return declared["name"]?.string == target?.string
            }
        }
        guard let container = containers.first(where: serves) ?? (containers.count == 1 ? containers[0] : nil) else {
            return .unknown("no container of \(workload.label) declares the Service's target port")
        }
        guard let probe = container["readinessProbe"] else { return .unknown("\(workload.label) has no readiness probe") }
        guard let http = probe["httpGet"] else {
            if probe["tcpSocket"] != nil { return .unknown("\(workload.label)'s readiness probe is TCP only, and an ALB health check is HTTP or HTTPS") }
            return .unknown("\(workload.label)'s readiness probe is not an HTTP request (exec or gRPC)")
        }
        let path = http["path"]?.string ?? "/"
        guard isHealthCheckPath(path) else { return .unknown("\(workload.label)'s readiness path is not one an ALB health check takes") }
        // The probe's port by number or by the container's port name; the traffic port when it is the one the Service targets.
        let probePort: Int? = http["port"]?.int ?? (container["ports"]?.items ?? []).first { $0["name"]?.string == http["port"]?.string }?["containerPort"]?.int
        guard let probePort else { return .unknown("\(workload.label)'s readiness probe names a port it does not declare") }
        let targetNumber = target?.int ?? (container["ports"]?.items ?? []).first { $0["name"]?.string == target?.string }?["containerPort"]?.int
        let scheme = (http["scheme"]?.string ?? "HTTP").uppercased()
        guard scheme == "HTTP" || scheme == "HTTPS" else { return .unknown("\(workload.label)'s readiness probe scheme is neither HTTP nor HTTPS") }
        return .http(path: path, port: probePort == targetNumber ? "traffic-port" : String(probePort), scheme: scheme)
    }

    /// An ALB health check path: starts with `/`, at most 1024 characters, printable ASCII without spaces or quotes
    /// (Elastic Load Balancing API, TargetGroup HealthCheckPath: 1–1024 characters). Anything else is left to the team.
    static func isHealthCheckPath(_ path: String) -> Bool {
        path.hasPrefix("/") && path.utf8.count <= 1024
            && path.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value < 0x7f && $0 != "\"" && $0 != "'" && $0 != "\\" && $0 != "`" }
    }

    /// The Service's annotations for `derived`: the team's own health-check annotations stay as they are.
    static func annotations(_ derived: Derived, existing: [String]) -> [(key: String, value: String)] {
        guard case .http(let path, let port, let scheme) = derived else { return [] }
        if existing.contains(where: { $0.hasPrefix(prefix + "healthcheck-") || $0 == prefix + "success-codes" }) { return [] }
        return [(prefix + "healthcheck-path", path), (prefix + "healthcheck-port", port), (prefix + "healthcheck-protocol", scheme),
                (prefix + "success-codes", successCodes)]
    }
}
