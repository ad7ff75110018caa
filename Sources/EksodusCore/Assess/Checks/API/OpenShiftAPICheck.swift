/// OpenShift-only API objects, which no EKS cluster serves.
struct OpenShiftAPICheck: Check {
    let info = CheckInfo(
        id: "API006", title: "OpenShift API with no EKS equivalent", severity: .blocker, category: .api,
        rationale: "DeploymentConfig, Route, BuildConfig, ImageStream and the other *.openshift.io kinds exist only on OpenShift.",
        remediation: "Convert them: DeploymentConfig → Deployment, Route → Ingress (AWS Load Balancer Controller), BuildConfig → your CI system, ImageStream → ECR tags.",
        triggering: ["""
            apiVersion: route.openshift.io/v1
            kind: Route
            metadata: {name: web, namespace: shop}
            spec: {to: {kind: Service, name: web}}
            """],
        nonTriggering: ["""
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web, namespace: shop}
            spec: {ingressClassName: alb, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
            """]
    )

    static let replacements = ["DeploymentConfig": "a Deployment", "Route": "an Ingress with ingressClassName alb", "BuildConfig": "a CI pipeline",
                               "Build": "a CI pipeline", "ImageStream": "ECR repositories and tags", "Template": "a Helm chart"]

    func run(_ estate: Estate, _ context: CheckContext) -> [Finding] {
        estate.resources.compactMap { resource in
            guard resource.group.hasSuffix(".openshift.io"), resource.ownerKind == nil else { return nil }
            let target = Self.replacements[resource.kind] ?? "a Kubernetes equivalent"
            return finding(resource, field: "apiVersion", "\(resource.kind) is an OpenShift API (\(resource.apiVersion)) that EKS does not serve: convert it to \(target)")
        }
    }
}
