/// Workloads and Services that reach into the source's private network: private addresses and private DNS names in env values,
/// `hostAliases`, custom `dnsConfig` nameservers, ExternalName targets and pinned load balancer addresses.
struct OnPremisesDependencyCheck: Check {
    let info = CheckInfo(
        id: "NET009", title: "On-premises dependency", severity: .warning, category: .network,
        rationale: "An EKS cluster in a new VPC reaches none of the source's private network until it is connected (Site-to-Site VPN or Direct Connect) and its private names resolve (Route 53 Resolver outbound rules); pinned addresses change on AWS.",
        remediation: "Connect the VPC to the on-premises network, forward the private domains with Route 53 Resolver rules, and replace pinned addresses with DNS names (for NLBs: aws-load-balancer-private-ipv4-addresses or EIP allocations where the address must stay fixed).",
        triggering: [CheckSupport.deployment(pod: """
                  hostAliases: [{ip: 10.20.1.5, hostnames: [ldap.acme.corp]}]
                  containers:
                  - name: app
                    image: 'registry.acme.corp/shop/web:1.0'
                    env: [{name: DB_HOST, value: db01.acme.corp}, {name: CACHE_ADDR, value: '10.20.3.7:6379'}]
            """), """
            apiVersion: v1
            kind: Service
            metadata: {name: billing, namespace: shop}
            spec: {type: ExternalName, externalName: billing.acme.internal}
            """, """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {type: LoadBalancer, loadBalancerIP: 10.20.0.50, selector: {app: web}, ports: [{port: 443}]}
            """],
        nonTriggering: [CheckSupport.deployment(pod: """
                  containers:
                  - name: app
                    image: 'nginx:1.27'
                    env: [{name: CART_URL, value: 'http://cart.shop.svc.cluster.local:8080'}, {name: BIND, value: '0.0.0.0:8080'}, {name: API, value: 'https://api.stripe.com'}]
            """), """
            apiVersion: v1
            kind: Service
            metadata: {name: stripe, namespace: shop}
            spec: {type: ExternalName, externalName: api.stripe.com}
            """]
    )

    /// Services, and the workloads whose pod spec names hostAliases or dnsConfig.
    let bodies = Estate.Bodies(kinds: ["Service"], workloadsContaining: ["\"hostAliases\"", "\"dnsConfig\""])

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        let finder = OnPremisesEndpoints(reference: context.reference)
        var findings: [Finding] = []
        for workload in estate.workloads {
            var uses: [String] = []
            for container in workload.containers {
                for variable in container.env.items {
                    guard let name = variable["name"]?.string, let value = variable["value"]?.string else { continue }
                    uses += finder.endpoints(in: value).map { "env \(name) → \($0)" }
                }
            }
            // Parsing a stored body is costly: only the few that name these fields are read.
            let stored = estate.resource(id: workload.resourceID).flatMap { $0.bodyText.containsBytes("\"hostAliases\"") || $0.bodyText.containsBytes("\"dnsConfig\"") ? $0 : nil }
            let pod = CheckSupport.podPath(workload.kind).split(separator: ".").reduce(stored?.body) { node, key in node?[String(key)] }
            for alias in pod?["hostAliases"]?.items ?? [] {
                let hosts = (alias["hostnames"]?.items ?? []).compactMap(\.string).joined(separator: ", ")
                uses.append("hostAliases \(hosts) → \(alias["ip"]?.string ?? "?")")
            }
            let nameservers = (pod?["dnsConfig", "nameservers"]?.items ?? []).compactMap(\.string)
            if !nameservers.isEmpty { uses.append("dnsConfig nameservers \(nameservers.joined(separator: ", "))") }
            guard !uses.isEmpty else { continue }
            findings.append(finding(workload, field: "\(CheckSupport.podPath(workload.kind))",
                                    "\(workload.label) calls the source's private network: \(uses.joined(separator: "; "))"))
        }
        for service in estate.services {
            let text = service.resource.bodyText
            guard text.containsBytes("\"externalName\"") || text.containsBytes("\"loadBalancerIP\"") else { continue }
            let spec = service.resource.body["spec"]
            if service.type == "ExternalName", let target = spec?["externalName"]?.string, !finder.endpoints(in: target).isEmpty {
                findings.append(finding(service.resource, field: "spec.externalName",
                                        "Service \(service.resource.name) is an alias of \(target), on the source's private network"))
            }
            if let address = spec?["loadBalancerIP"]?.string, !address.isEmpty {
                findings.append(finding(service.resource, field: "spec.loadBalancerIP",
                                        "Service \(service.resource.name) pins the load balancer address \(address): on AWS the NLB gets new addresses, so clients and firewall rules that use this one must move to its DNS name"))
            }
        }
        return findings
    }
}
