/// How each exposed Service and Ingress is reached on EKS, through the AWS Load Balancer Controller.
public struct NetworkPlan: Sendable {
    public struct Entry: Sendable {
        public var cluster: String
        public var namespace: String
        public var name: String
        public var kind: String
        public var today: String
        public var target: String
        public var annotations: [String: String]
        public var manual: [String]
    }

    public var entries: [Entry]

    static func build(estates: [Estate], reference: ReferenceData) -> NetworkPlan {
        var entries: [Entry] = []
        for estate in estates {
            for service in estate.services where service.type == "LoadBalancer" || service.type == "NodePort" {
                let internetFacing = service.resource.annotations.keys.contains { $0.hasPrefix("metallb.") } || service.type == "LoadBalancer"
                let annotations = [
                    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
                    "service.beta.kubernetes.io/aws-load-balancer-scheme": internetFacing ? "internet-facing" : "internal",
                ]
                let dropped = service.resource.annotations.keys.filter { key in ForeignLoadBalancerAnnotationCheck.foreignPrefixes.contains { key.hasPrefix($0) } }.sorted()
                entries.append(Entry(cluster: estate.cluster.name, namespace: service.resource.namespace, name: service.resource.name, kind: "Service",
                                     today: service.type, target: service.type == "NodePort" ? "LoadBalancer (NLB, ip targets), or an ALB Ingress for HTTP" : "LoadBalancer (NLB, ip targets)",
                                     annotations: annotations, manual: dropped.map { "drop \($0)" }))
            }
            for ingress in estate.ingresses {
                var annotations = [
                    "alb.ingress.kubernetes.io/scheme": "internet-facing",
                    "alb.ingress.kubernetes.io/target-type": "ip",
                    "alb.ingress.kubernetes.io/group.name": ImageMigration.ecrRepositoryName("\(estate.cluster.name)-\(ingress.resource.namespace)").replacingOccurrences(of: "/", with: "-"),
                ]
                var manual: [String] = []
                for key in ingress.resource.annotations.keys.sorted() where key.hasPrefix(NginxAnnotationWithoutALBEquivalentCheck.prefix) {
                    let name = String(key.dropFirst(NginxAnnotationWithoutALBEquivalentCheck.prefix.count))
                    guard let mapping = reference.nginxAnnotations.first(where: { $0.nginx == name }) else {
                        manual.append("\(key): no known ALB equivalent")
                        continue
                    }
                    switch (name, mapping.support) {
                    case ("ssl-redirect", _), ("force-ssl-redirect", _):
                        annotations["alb.ingress.kubernetes.io/listen-ports"] = "[{\"HTTP\": 80}, {\"HTTPS\": 443}]"
                        annotations["alb.ingress.kubernetes.io/ssl-redirect"] = "443"
                    case ("backend-protocol", _):
                        annotations["alb.ingress.kubernetes.io/backend-protocol"] = ingress.resource.annotations[key] ?? "HTTP"
                    case ("affinity", _):
                        annotations["alb.ingress.kubernetes.io/target-group-attributes"] = "stickiness.enabled=true,stickiness.lb_cookie.duration_seconds=86400"
                    case ("whitelist-source-range", _):
                        annotations["alb.ingress.kubernetes.io/inbound-cidrs"] = ingress.resource.annotations[key] ?? ""
                    case (_, "full"), (_, "partial"):
                        manual.append("\(key) → \(mapping.alb)")
                    default:
                        manual.append("\(key): \(mapping.alb)")
                    }
                }
                if !ingress.resource.annotations.keys.contains(where: { $0.hasPrefix("alb.ingress.kubernetes.io/certificate-arn") }),
                   annotations["alb.ingress.kubernetes.io/ssl-redirect"] != nil || ingress.resource.body["spec", "tls"] != nil {
                    annotations["alb.ingress.kubernetes.io/certificate-arn"] = "arn:aws:acm:REGION:ACCOUNT:certificate/REPLACE-ME"
                }
                entries.append(Entry(cluster: estate.cluster.name, namespace: ingress.resource.namespace, name: ingress.resource.name, kind: "Ingress",
                                     today: "Ingress (\(ingress.className ?? "default class"))", target: "Ingress, ingressClassName: alb",
                                     annotations: annotations, manual: manual))
            }
        }
        return NetworkPlan(entries: entries)
    }

    public var table: Table {
        Table(columns: ["cluster", "object", "today", "on_eks", "manual_work"], rows: entries.map { entry in
            [.text(entry.cluster), .text("\(entry.kind)/\(entry.namespace)/\(entry.name)"), .text(entry.today), .text(entry.target),
             .text(entry.manual.joined(separator: "; "))]
        })
    }
}
