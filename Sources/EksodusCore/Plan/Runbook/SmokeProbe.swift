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

    /// Fails (non-zero, with a message) unless the Service has a ready endpoint on EKS. `kubectl get endpoints/X` exits 0
    /// whether or not any address is behind it, and v1 Endpoints is deprecated from Kubernetes 1.33 in favour of
    /// EndpointSlices, found by their `kubernetes.io/service-name` label
    /// (https://kubernetes.io/blog/2025/04/24/endpoints-deprecation/; conditions.ready:
    /// https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions).
    static func readyEndpoints(_ service: Estate.Service) -> String {
        let name = service.resource.name, namespace = service.resource.namespace
        guard LabelSelector.isValue(name) else {
            return ShellQuote.comment("TODO: check Service \(namespace)/\(name) has a ready endpoint by hand: its name is no label value")
        }
        return Kubectl.eks(namespace)("get endpointslices -l \(ShellQuote.word("kubernetes.io/service-name=" + name)) -o jsonpath='{range .items[*].endpoints[*]}{.conditions.ready}{\"\\n\"}{end}'")
            + " | grep -qx true || { echo \(ShellQuote.word("Service \(namespace)/\(name) has no ready endpoint on EKS")) >&2; false; }"
    }

    static func commands(_ context: WorkloadSteps.Context) -> [String] {
        let workload = context.workload, eks = Kubectl.eks(workload.namespace)
        let database = context.engine?.database
        let engineContainer = context.engine?.container
        let engineImage = engineContainer.map { container in context.images.first { $0.container == container.name }?.target ?? container.image ?? "" }
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
                let host = "\(service.resource.name).\(service.resource.namespace).svc.cluster.local"
                let probe = probe(engine: database?.name, engineImage: engineImage, host: host, port: number, portName: port["name"]?.string)
                commands.append(eks("run eksodus-smoke --rm -i --restart=Never --image=\(ShellQuote.word(probe.image)) -- \(probe.arguments)"))
            }
        }
        return commands
    }
}
