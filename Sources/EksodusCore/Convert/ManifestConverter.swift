/// Turns one stored object of the source cluster into what to apply on EKS, following the plan: API versions the target
/// serves, images from ECR, EKS storage classes, AWS load balancers, IAM roles, portable placement, no cluster-specific fields.
/// Every change is recorded with the plan decision behind it; what cannot be converted safely is a TODO, never a guess.
struct ManifestConverter {
    struct Change: Sendable {
        var field: String
        var why: String
    }

    struct Result {
        /// The objects to write (a Secret becomes an ExternalSecret; an in-tree volume adds a claim); empty when nothing is written.
        var objects: [ManifestNode] = []
        var changes: [Change] = []
        var todos: [String] = []
        /// Objects of their own that the wave's support/ holds, applied before the workload (the claims of node copies,
        /// disruption budgets), each with why it is there.
        var support: [(object: String, node: ManifestNode, why: String)] = []
        /// Secrets Manager secrets (cluster/namespace/name) the written ExternalSecrets read besides exported Secrets', with their keys.
        var secrets: [(name: String, keys: [String])] = []
    }

    let plan: ConversionPlan
    let reference: ReferenceData
    /// Kinds with no namespace: Kubernetes' own and those the export's CRDs declare `scope: Cluster`.
    var clusterScoped: Set<String> = KubernetesKinds.clusterScoped
    /// The cluster's ExternalName Services (`UnsafeClusterAccessCheck.externalNames`): a webhook or APIService behind one calls outside.
    var externalNames: [String: String] = [:]
    /// Labels of the workloads a source PodDisruptionBudget selects, and `namespace/name` of every source budget.
    var budgeted: Set<String> = []
    var budgetNames: Set<String> = []
    /// `namespace/service` behind an ALB Ingress → its health check from the pods' readiness probes (`ALBHealthChecks`), and
    /// the namespaces whose pods get the controller's readiness gate.
    var healthChecks: [String: ALBHealthChecks.Derived] = [:]
    var readinessGateNamespaces: Set<String> = []

    /// Kinds that are cluster state, not configuration: the target makes its own.
    static let clusterState: Set<String> = ["Event", "Endpoints", "EndpointSlice", "Node", "ControllerRevision", "Lease", "ComponentStatus",
                                            "PersistentVolume", "CertificateSigningRequest", "TokenReview", "SubjectAccessReview", "Binding"]
    static let workloadKinds: Set<String> = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod"]
    static let controllerAnnotations = ["deployment.kubernetes.io/", "pv.kubernetes.io/", "volume.beta.kubernetes.io/", "volume.kubernetes.io/",
                                        "control-plane.alpha.kubernetes.io/", "kubectl.kubernetes.io/last-applied-configuration",
                                        "autoscaling.alpha.kubernetes.io/", "endpoints.kubernetes.io/", "batch.kubernetes.io/job-tracking",
                                        TemplateExpansion.annotation]
    static let metadataFields = ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields", "selfLink", "ownerReferences",
                                 "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers"]

    func convert(_ object: ManifestNode, kind: String, namespace: String, name: String, keys: [String]) -> Result {
        // Nothing the inventory masked is ever written (MaskedValues).
        withoutMaskedValues(converted(object, kind: kind, namespace: namespace, name: name, keys: keys), kind: kind, namespace: namespace, name: name)
    }

    private func converted(_ object: ManifestNode, kind: String, namespace: String, name: String, keys: [String]) -> Result {
        var result = Result()
        if Self.clusterState.contains(kind) { return result }
        if kind == "PodSecurityPolicy" {
            result.todos.append("PodSecurityPolicy \(name) is not carried over (removed in Kubernetes 1.25): label the namespaces it covered with Pod Security Admission levels (pod-security.kubernetes.io/enforce: baseline or restricted), or write its rules for Kyverno or OPA Gatekeeper")
            return result
        }
        if let todo = Self.loadBalancerControllerObject(kind: kind, name: name, namespace: namespace) {
            result.todos.append(todo)
            return result
        }
        if let unsafe = UnsafeClusterAccessCheck.reason(object, kind: kind, externalNames: externalNames) {
            result.todos.append("\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name) not written: it \(unsafe.why) (\(UnsafeClusterAccessCheck().info.id)); on EKS, grant the role to named subjects or run the webhook behind an in-cluster Service")
            return result
        }
        // A RoleBinding to cluster-admin gives it in its own namespace only: written, SEC008 still asks for a look.
        if kind == "ClusterRoleBinding" {
            let grantees = ClusterAdminBindingCheck.grantees(object, name: name)
            if !grantees.isEmpty {
                result.todos.append("\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name) not written: it gives cluster-admin to \(grantees.map(\.label).joined(separator: ", ")) (\(ClusterAdminBindingCheck().info.id)); the plan:access item decides what replaces it (an EKS access entry, or a namespaced role)")
                return result
            }
        }
        if Self.workloadKinds.contains(kind) || kind == "DeploymentConfig",
           let held = Self.nodeTakeoverHold(object, kind: kind, namespace: namespace, name: name) {
            result.todos.append(held)
            return result
        }
        if kind == "Route", let entry = plan.network["Route/\(namespace)/\(name)"], let rule = entry.route {
            return route(object, entry: entry, rule: rule, namespace: namespace, name: name)
        }
        if kind == "DeploymentConfig", ["apps.openshift.io", ""].contains(KubernetesKinds.group(ofAPIVersion: object["apiVersion"]?.string ?? "")) {
            let deployment = deployment(fromConfig: object, namespace: namespace, name: name, result: &result)
            // The plan knows it as the DeploymentConfig (images, placement); the object written is the Deployment.
            result.objects.insert(workload(stripped(deployment, kind: "Deployment", result: &result), kind: kind, namespace: namespace, name: name, result: &result), at: 0)
            return result
        }
        if let group = object["apiVersion"]?.string?.split(separator: "/").first, group.hasSuffix(".openshift.io") {
            let equivalent = OpenShiftAPICheck.replacements[kind] ?? "a Kubernetes equivalent"
            result.todos.append("\(kind) \(namespace.isEmpty ? "" : namespace + "/")\(name) is an OpenShift object: rewrite it as \(equivalent); not written")
            return result
        }
        if kind == "Ingress" {
            let annotations = Dictionary((object["metadata", "annotations"]?.entries ?? []).compactMap { entry in entry.value.string.map { (entry.key, $0) } },
                                         uniquingKeysWith: { first, _ in first })
            let held = IngressHold.reasons(object, annotations: annotations) + (plan.network["Ingress/\(namespace)/\(name)"]?.held ?? [])
            if !held.isEmpty {
                // Applied as it is, the ALB would serve it without its login, or not match its path: the switch of its host waits for the decision.
                result.todos.append("Ingress \(namespace)/\(name) not written (held out of support/ until decided): " + held.joined(separator: "; ")
                                    + ". Write the decided Ingress (ingressClassName alb) and apply it before its host's traffic switch, which checks a request without credentials is refused")
                return result
            }
        }
        if kind == "ServiceAccount" && name == "default" && keys.isEmpty { return result }
        if kind == "ConfigMap" && name == "kube-root-ca.crt" { return result }
        if kind == "Secret" {
            return secret(object, namespace: namespace, name: name, keys: keys)
        }
        var node = stripped(object, kind: kind, result: &result)
        // An export without namespaces (a Helm template) was imported into one: written down, `kubectl apply -k` puts the
        // object where the runbook's `-n` commands look for it, not in the kubeconfig's current namespace.
        if clusterScoped.contains(kind) {
            // A namespace on a cluster-scoped object is an import default, never the object's.
            if node["metadata", "namespace"] != nil { node = node.updating(["metadata", "namespace"]) { _ in nil } }
        } else if !namespace.isEmpty, node["metadata", "namespace"] == nil {
            node = node.updating(["metadata", "namespace"]) { _ in .string(namespace) }
            result.changes.append(Change(field: "metadata.namespace", why: "the export named none; imported into \(namespace)"))
        }
        guard let upgraded = upgradeAPI(node, kind: kind, name: name, result: &result) else { return result }
        node = upgraded
        if Self.workloadKinds.contains(kind) { node = workload(node, kind: kind, namespace: namespace, name: name, result: &result) }
        if kind == "Service" || kind == "Ingress", let annotations = node["metadata", "annotations"]?.entries ?? (kind == "Ingress" ? [] : nil) {
            let held = ExternalDNSHold.apply(annotations, hosts: kind == "Ingress" ? ExternalDNSHold.ingressHosts(node) : [],
                                             object: "\(kind) \(namespace)/\(name)", result: &result)
            if held.count != annotations.count || zip(held, annotations).contains(where: { $0.key != $1.key }) {
                node = node.updating(["metadata", "annotations"]) { _ in .mapping(held) }
            }
        }
        switch kind {
        case "PersistentVolumeClaim": node = claim(node, namespace: namespace, name: name, result: &result)
        case "Service":
            node = Self.withoutExternalIPs(node, namespace: namespace, name: name, result: &result)
            node = service(node, namespace: namespace, name: name, result: &result)
            node = albHealthCheck(node, namespace: namespace, name: name, result: &result)
        case "Namespace" where readinessGateNamespaces.contains(name):
            let gate = ALBHealthChecks.readinessGateLabel
            if node["metadata", "labels", gate.key] == nil {
                node = node.updating(["metadata", "labels", gate.key]) { _ in .string(gate.value) }
                result.changes.append(Change(field: "metadata.labels[\(gate.key)]", why: "\(gate.value): its Services are ALB targets (IP), so each new pod waits for a healthy ALB target before a rollout goes on"))
            }
        case "Ingress": node = ingress(node, namespace: namespace, name: name, result: &result)
        case "ServiceAccount": node = serviceAccount(node, namespace: namespace, name: name, result: &result)
        case "PodDisruptionBudget":
            let maxUnavailable = node["spec", "maxUnavailable"].map { $0.int.map(String.init) ?? $0.string ?? "" }
            if maxUnavailable == "0" || maxUnavailable == "0%" || node["spec", "minAvailable"]?.string == "100%" {
                result.todos.append("PodDisruptionBudget \(namespace)/\(name) allows no eviction: EKS node drains (managed node group upgrades, Karpenter consolidation) stall on it; allow one (maxUnavailable: 1) with the owners")
            }
        default: break
        }
        result.objects.insert(node, at: 0)
        return result
    }

    /// IngressClasses and the AWS Load Balancer Controller's IngressClassParams and TargetGroupBindings are the platform's,
    /// not the application's: the controller applies an IngressClassParams' scheme, inboundCIDRs and group to every Ingress of
    /// its class, overriding the internal scheme the plan wrote on them, and a TargetGroupBinding registers pods in a target
    /// group named by ARN (AWS Load Balancer Controller docs, "IngressClass" and "TargetGroupBinding":
    /// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/ingress_class/,
    /// https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/targetgroupbinding/targetgroupbinding/).
    /// The EKS cluster's class `alb` comes with the controller; these are never written. nil for any other kind.
    static func loadBalancerControllerObject(kind: String, name: String, namespace: String) -> String? {
        switch kind {
        case "IngressClass", "IngressClassParams":
            return "\(kind) \(name) not written: the EKS cluster's IngressClass (alb) and its parameters are the platform's, installed with the AWS Load Balancer Controller, and apply to every Ingress of the class (scheme, inbound CIDRs, group override each Ingress's plan); set any class-wide parameter there with the platform team"
        case "TargetGroupBinding":
            return "TargetGroupBinding \(namespace)/\(name) not written: it registers pods in an existing target group by ARN; create the EKS target group with the network plan's exposure and bind it by hand"
        default:
            return nil
        }
    }

    // MARK: Cluster-specific fields

    private func stripped(_ object: ManifestNode, kind: String, result: inout Result) -> ManifestNode {
        var node = object.replacing("status", with: nil)
        var metadata = node["metadata"] ?? .mapping([])
        for field in Self.metadataFields where metadata[field] != nil { metadata = metadata.replacing(field, with: nil) }
        if let annotations = metadata["annotations"] {
            let kept = annotations.entries.filter { entry in !Self.controllerAnnotations.contains { entry.key.hasPrefix($0) } }
            metadata = metadata.replacing("annotations", with: kept.isEmpty ? nil : .mapping(kept))
        }
        node = node.replacing("metadata", with: metadata)
        switch kind {
        case "Service":
            // The cluster assigns new ClusterIPs; headless Services keep "None".
            if node["spec", "clusterIP"]?.string != "None" {
                node = node.updating(["spec", "clusterIP"]) { _ in nil }.updating(["spec", "clusterIPs"]) { _ in nil }
            }
        case "PersistentVolumeClaim":
            node = node.updating(["spec", "volumeName"]) { _ in nil }
        case "Pod":
            node = node.updating(["spec", "nodeName"]) { _ in nil }
        case "Job":
            // The Job controller writes its own selector and controller-uid labels.
            if node["spec", "manualSelector"]?.bool != true {
                node = node.updating(["spec", "selector"]) { _ in nil }
                for label in ["controller-uid", "batch.kubernetes.io/controller-uid", "job-name", "batch.kubernetes.io/job-name"] {
                    node = node.updating(["spec", "template", "metadata", "labels", label]) { _ in nil }
                }
            }
        default: break
        }
        return node
    }

    // MARK: API versions

    private func upgradeAPI(_ node: ManifestNode, kind: String, name: String, result: inout Result) -> ManifestNode? {
        guard let apiVersion = node["apiVersion"]?.string else { return node }
        guard reference.apiStatus(apiVersion: apiVersion, kind: kind, target: plan.target) != nil else { return node }
        switch reference.replacement(apiVersion: apiVersion, kind: kind, target: plan.target) {
        case .none(let advice):
            result.todos.append("\(kind) \(name): \(apiVersion) has no replacement on Kubernetes \(plan.target)\(advice.isEmpty ? "" : ": \(advice)")")
            return nil
        case .apiVersion(let replacement):
            if kind == "CustomResourceDefinition" {
                result.todos.append("CustomResourceDefinition \(name): \(apiVersion) → \(replacement) needs a structural schema per version; install the operator's current CRDs instead")
                return nil
            }
            var converted = node.replacing("apiVersion", with: .string(replacement))
            result.changes.append(Change(field: "apiVersion", why: "\(apiVersion) is not served by Kubernetes \(plan.target): \(replacement)"))
            switch kind {
            case "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet":
                if converted["spec", "selector"] == nil, let labels = converted["spec", "template", "metadata", "labels"], labels.isMapping {
                    converted = converted.updating(["spec", "selector"]) { _ in .mapping([("matchLabels", labels)]) }
                    result.changes.append(Change(field: "spec.selector", why: "apps/v1 requires a selector: the pod template's labels"))
                }
            case "Ingress":
                converted = ingressV1(converted, result: &result)
            case "HorizontalPodAutoscaler" where apiVersion == "autoscaling/v2beta1":
                converted = hpaV2(converted, result: &result)
            case "PodDisruptionBudget":
                if converted["spec", "selector"].map({ $0.entries.isEmpty }) ?? false {
                    result.todos.append("PodDisruptionBudget \(name): an empty selector selects every pod of the namespace in policy/v1 (none in v1beta1): check it")
                }
            default: break
            }
            return converted
        }
    }

    /// networking.k8s.io/v1: `serviceName`/`servicePort` become `service.name`/`service.port`, every path gets a pathType,
    /// and `spec.backend` becomes `spec.defaultBackend`.
    private func ingressV1(_ node: ManifestNode, result: inout Result) -> ManifestNode {
        func backend(_ old: ManifestNode) -> ManifestNode {
            guard let service = old["serviceName"]?.string else { return old }
            let port = old["servicePort"]
            let portNode: ManifestNode = port?.int.map { .mapping([("number", .scalar(String($0), plain: true))]) }
                ?? .mapping([("name", .string(port?.string ?? "http"))])
            return .mapping([("service", .mapping([("name", .string(service)), ("port", portNode)]))])
        }
        var node = node
        if let old = node["spec", "backend"] {
            node = node.updating(["spec", "backend"]) { _ in nil }.updating(["spec", "defaultBackend"]) { _ in backend(old) }
        }
        let rules = (node["spec", "rules"]?.items ?? []).map { rule -> ManifestNode in
            guard let paths = rule["http", "paths"]?.items else { return rule }
            let converted = paths.map { path -> ManifestNode in
                var path = path
                if let old = path["backend"] { path = path.replacing("backend", with: backend(old)) }
                if path["pathType"] == nil { path = path.replacing("pathType", with: .string("ImplementationSpecific")) }
                return path
            }
            return rule.updating(["http", "paths"]) { _ in .sequence(converted) }
        }
        if node["spec", "rules"] != nil { node = node.updating(["spec", "rules"]) { _ in .sequence(rules) } }
        result.changes.append(Change(field: "spec.rules[].http.paths[]", why: "networking.k8s.io/v1 backend shape (service.name, service.port) and pathType"))
        return node
    }

    /// autoscaling/v2: resource metrics' `targetAverageUtilization`/`targetAverageValue` move under `target`.
    private func hpaV2(_ node: ManifestNode, result: inout Result) -> ManifestNode {
        let metrics = (node["spec", "metrics"]?.items ?? []).map { metric -> ManifestNode in
            guard let resource = metric["resource"], let name = resource["name"] else { return metric }
            var target: [(key: String, value: ManifestNode)] = []
            if let utilization = resource["targetAverageUtilization"] {
                target = [("type", .string("Utilization")), ("averageUtilization", utilization)]
            } else if let value = resource["targetAverageValue"] {
                target = [("type", .string("AverageValue")), ("averageValue", value)]
            }
            return metric.replacing("resource", with: .mapping([("name", name), ("target", .mapping(target))]))
        }
        guard node["spec", "metrics"] != nil else { return node }
        result.changes.append(Change(field: "spec.metrics[].resource.target", why: "autoscaling/v2 metric target shape"))
        return node.updating(["spec", "metrics"]) { _ in .sequence(metrics) }
    }

    // MARK: Workloads

    private func podSpecPath(_ kind: String) -> [String] {
        CheckSupport.podPath(kind).split(separator: ".").map(String.init)
    }

    private func workload(_ node: ManifestNode, kind: String, namespace: String, name: String, result: inout Result) -> ManifestNode {
        let path = podSpecPath(kind)
        let source = node
        var node = node
        guard var pod = node[path[0]].flatMap({ path.dropFirst().reduce($0 as ManifestNode?) { $0?[$1] } }) else { return node }
        for list in ["initContainers", "containers"] {
            guard let containers = pod[list]?.items else { continue }
            let converted = containers.map { container -> ManifestNode in
                var container = container
                let containerName = container["name"]?.string ?? "?"
                if let image = container["image"]?.string, !image.isEmpty, let target = plan.images[ImageReference(image).normalized], target != image {
                    container = container.replacing("image", with: .string(target))
                    result.changes.append(Change(field: "\(list)[\(containerName)].image", why: "image from Amazon ECR: \(target)"))
                }
                if let env = container["env"]?.items {
                    let kept = env.filter { variable in
                        guard let variableName = variable["name"]?.string, StaticCloudCredentialsCheck.awsVariables.contains(variableName) else { return true }
                        result.changes.append(Change(field: "\(list)[\(containerName)].env[\(variableName)]",
                                                     why: "static AWS credentials removed: the ServiceAccount's IAM role (IRSA or Pod Identity) replaces them"))
                        return false
                    }
                    container = container.replacing("env", with: kept.isEmpty ? nil : .sequence(kept))
                }
                let joined = CassandraConversion.joinSourceRing(container, workload: name, field: "\(list)[\(containerName)]")
                container = joined.0
                result.changes += joined.1
                return container
            }
            pod = pod.replacing(list, with: .sequence(converted))
        }
        if let selector = pod["nodeSelector"] {
            let kept = selector.entries.filter { CheckSupport.isPortableNodeLabel($0.key) }
            if kept.count != selector.entries.count {
                let dropped = selector.entries.filter { !CheckSupport.isPortableNodeLabel($0.key) }.map(\.key)
                result.changes.append(Change(field: "nodeSelector", why: "source-only node labels removed (\(dropped.joined(separator: ", "))): EKS node groups do not carry them"))
                pod = pod.replacing("nodeSelector", with: kept.isEmpty ? nil : .mapping(kept))
            }
        }
        // Tolerations for the tainted node groups the compute plan puts the workload on.
        let label = "\(kind)/\(namespace.isEmpty ? "" : namespace + "/")\(name)"
        let toleration: ManifestNode?
        switch plan.placements[label] {
        case "spot":
            toleration = ComputePlan.spotTaint.tolerationNode
        case "every node":
            toleration = .mapping([("operator", .string("Exists"))])
        case "stateful":
            toleration = ComputePlan.statefulTaint.tolerationNode
        default:
            toleration = nil
        }
        if let toleration, !(pod["tolerations"]?.items ?? []).contains(toleration) {
            pod = pod.replacing("tolerations", with: .sequence((pod["tolerations"]?.items ?? []) + [toleration]))
            result.changes.append(Change(field: "tolerations", why: plan.placements[label] == "spot"
                ? "compute plan: interruption-tolerant, may run on the Spot group (\(ComputePlan.spotTaint.text))"
                : plan.placements[label] == "stateful" ? "compute plan: runs on the tainted stateful groups (\(ComputePlan.statefulTaint.text))"
                : "compute plan: a node agent runs on every group, the tainted system and Spot groups included"))
        }
        pod = StatefulPlacement.select(pod, placement: plan.placements[label], result: &result)
        // Tolerating every taint, a Linux agent would also be scheduled on the Windows group's nodes, where it cannot start:
        // it selects Linux unless it names an OS itself (EKS User Guide, windows-support: select the OS of the pods).
        if plan.placements[label] == "every node", plan.hasWindowsNodes, pod["nodeSelector", "kubernetes.io/os"] == nil {
            pod = pod.replacing("nodeSelector", with: .mapping((pod["nodeSelector"]?.entries ?? []) + [("kubernetes.io/os", .string("linux"))]))
            result.changes.append(Change(field: "nodeSelector", why: "kubernetes.io/os: linux: the plan has a Windows node group and this agent tolerates every taint"))
        }
        if let volumes = pod["volumes"]?.items {
            pod = pod.replacing("volumes", with: .sequence(volumes.map { inTreeVolume($0, namespace: namespace, workload: name, result: &result) }))
        }
        pod = nodeDataVolumes(pod, kind: kind, namespace: namespace, label: label, node: node, result: &result)
        // A workload that ran as `default` gets a ServiceAccount of its own for its IAM role: `default` never holds it.
        if let entry = plan.dedicatedAccounts[label] {
            pod = pod.replacing("serviceAccountName", with: .string(entry.serviceAccount)).replacing("serviceAccount", with: nil)
            var metadata: [(key: String, value: ManifestNode)] = [("name", .string(entry.serviceAccount)), ("namespace", .string(namespace))]
            if entry.mechanism == IdentityPlan.irsa {
                metadata.append(("annotations", .mapping([("eks.amazonaws.com/role-arn", .string("arn:aws:iam::\(plan.accountID):role/\(entry.roleName)"))])))
            }
            result.objects.append(.mapping([("apiVersion", .string("v1")), ("kind", .string("ServiceAccount")), ("metadata", .mapping(metadata))]))
            result.changes.append(Change(field: "serviceAccountName", why: "it ran as the default ServiceAccount: ServiceAccount \(entry.serviceAccount) of its own takes IAM role \(entry.roleName) (\(entry.mechanism)), so default never holds it"))
        }
        if kind == "CronJob" { node = cronTimeZone(node, label: label, result: &result) }
        // Docker's socket and log folder are not on EKS nodes: the mounts go, the agent's log parsing is a to-do (`DockerHostMounts`).
        let docker = DockerHostMounts.dropped(from: pod)
        if !docker.dropped.isEmpty {
            pod = docker.pod
            for volume in docker.dropped {
                result.changes.append(Change(field: "volumes[\(volume.volume)], volumeMounts[\(volume.volume)]",
                                             why: "hostPath \(volume.path) removed: EKS nodes run containerd only, and the missing path would keep the pod in ContainerCreating"))
            }
            result.todos.append(DockerHostMounts.todo(label, dropped: docker.dropped, readsNodeLogs: DockerHostMounts.mountsNodeLogs(pod)))
        }
        if kind == "StatefulSet" { pod = statefulDisruption(pod, node: node, namespace: namespace, name: name, result: &result) }
        node = node.updating(path) { _ in pod }
        // Pod annotations of kube2iam/kiam mean nothing on EKS.
        let templateAnnotations = Array(path.dropLast()) + ["metadata", "annotations"]
        if kind != "Pod", node[templateAnnotations[0]].flatMap({ templateAnnotations.dropFirst().reduce($0 as ManifestNode?) { $0?[$1] } })?["iam.amazonaws.com/role"] != nil {
            node = node.updating(templateAnnotations + ["iam.amazonaws.com/role"]) { _ in nil }
            result.changes.append(Change(field: "template annotation iam.amazonaws.com/role", why: "kube2iam/kiam role replaced by the ServiceAccount's IAM role"))
        }
        if kind == "CronJob", node["spec", "suspend"]?.bool != true {
            // Applied with its wave, it must not run beside the source's: the runbook unsuspends it after suspending the source.
            node = node.updating(["spec", "suspend"]) { _ in .scalar("true", plain: true) }
            result.changes.append(Change(field: "spec.suspend", why: "deployed suspended so it never runs twice: unsuspend it with the runbook's enable step, after the source's is suspended"))
        }
        if kind == "CronJob" { node = startingDeadline(node, result: &result) }
        if kind == "StatefulSet", let templates = node["spec", "volumeClaimTemplates"]?.items {
            let converted = templates.map { template -> ManifestNode in
                let templateName = template["metadata", "name"]?.string ?? ""
                guard let target = plan.storageClasses["\(namespace)/\(name)/\(templateName)"] else { return template }
                result.changes.append(Change(field: "spec.volumeClaimTemplates[\(templateName)].spec.storageClassName", why: "storage plan: \(target)"))
                return Self.withoutBetaStorageClass(template.updating(["spec", "storageClassName"]) { _ in .string(target) }.replacing("status", with: nil),
                                                    field: "spec.volumeClaimTemplates[\(templateName)].metadata.annotations", result: &result)
            }
            node = node.updating(["spec", "volumeClaimTemplates"]) { _ in .sequence(converted) }
        }
        if plan.unclaimedDataStores.contains(label) { node = dataStoreClaim(node, source: source, kind: kind, namespace: namespace, name: name, label: label, result: &result) }
        return node
    }

    /// A database without a claim gets one at its data directory, and an unpinned image a TODO (`DataStoreClaim`).
    /// `source` is the object as the source ran it: its images, before ECR's.
    private func dataStoreClaim(_ node: ManifestNode, source: ManifestNode, kind: String, namespace: String, name: String, label: String,
                                result: inout Result) -> ManifestNode {
        let path = podSpecPath(kind)
        func podSpec(of object: ManifestNode) -> ManifestNode? { object[path[0]].flatMap { path.dropFirst().reduce($0 as ManifestNode?) { $0?[$1] } } }
        guard var pod = podSpec(of: node), var containers = pod["containers"]?.items, let ran = podSpec(of: source)?["containers"]?.items,
              let index = ran.firstIndex(where: { $0["image"]?.string.map { reference.database(ImageReference($0)) != nil } == true }), index < containers.count,
              let image = ran[index]["image"]?.string.map(ImageReference.init), let engine = reference.database(image)?.name else { return node }
        let containerName = containers[index]["name"]?.string ?? "?"
        if DataStoreClaim.isUnpinned(image) {
            result.todos.append("\(label): its \(engine) image \(image.original) names no version: pin it (tag and digest) to the one the source runs, read from the source pod's status.containerStatuses[].imageID, before the copy: a newer major on EKS changes the on-disk format the copied data must be read in")
        }
        let replicas = node["spec", "replicas"]?.int ?? 1
        guard let directory = DataStoreClaim.dataDirectory(image), kind == "StatefulSet" || (kind == "Deployment" && replicas <= 1) else {
            result.todos.append("\(label): \(engine) keeps its data without a claim (an emptyDir or its container), lost whenever its pod is replaced: decide its data directory and mount a gp3 claim there (a StatefulSet's volumeClaimTemplate) before the copy")
            return node
        }
        let taken = Set((pod["volumes"]?.items ?? []).compactMap { $0["name"]?.string } + (node["spec", "volumeClaimTemplates"]?.items ?? []).compactMap { $0["metadata", "name"]?.string })
        let volume = DataStoreClaim.volumeName(taken: taken)
        let mounted = DataStoreClaim.mounting(containers[index], volume: volume, at: directory)
        containers[index] = mounted.container
        pod = pod.replacing("containers", with: .sequence(containers))
        // The emptyDir the data was on goes once nothing mounts it any more.
        if let replaced = mounted.replaced, let volumes = pod["volumes"]?.items,
           !(containers + (pod["initContainers"]?.items ?? [])).contains(where: { ($0["volumeMounts"]?.items ?? []).contains { $0["name"]?.string == replaced } }) {
            let kept = volumes.filter { !($0["name"]?.string == replaced && $0["emptyDir"] != nil) }
            pod = pod.replacing("volumes", with: kept.isEmpty ? nil : .sequence(kept))
        }
        let field = "containers[\(containerName)].volumeMounts[\(volume)]"
        let why = "\(engine) kept its data at \(directory) " + (mounted.replaced.map { "on volume \($0)" } ?? "in its container") + ", lost whenever its pod is replaced"
        var node = node
        if kind == "StatefulSet" {
            node = node.updating(path) { _ in pod }
            node = node.updating(["spec", "volumeClaimTemplates"]) { _ in .sequence((node["spec", "volumeClaimTemplates"]?.items ?? []) + [DataStoreClaim.template(name: volume, size: NodeDataClaim.placeholderSize)]) }
            result.changes.append(Change(field: field, why: why + ": a gp3 volumeClaimTemplate \(volume) per replica, mounted there"))
            result.todos.append("\(label): set the size of its volumeClaimTemplate \(volume) (\(NodeDataClaim.placeholderSize) written) from the source's data (du -s \(directory) in its pod) before the copy")
            return node
        }
        let claim = NodeDataClaim(volume: volume, name: NodeDataClaim.name(kind: kind, namespace: namespace, workload: name, volume: volume))
        pod = pod.replacing("volumes", with: .sequence((pod["volumes"]?.items ?? []) + [.mapping([("name", .string(volume)), ("persistentVolumeClaim", .mapping([("claimName", .string(claim.name))]))])]))
        node = node.updating(path) { _ in pod }
        node = node.updating(["spec", "strategy"]) { _ in .mapping([("type", .string("Recreate"))]) }
        result.support.append((claim.label(namespace: namespace), claim.manifest(namespace: namespace), "the data of \(label) (\(engine), at \(directory)): the copy fills it"))
        result.changes.append(Change(field: field, why: why + ": claim \(claim.name) (gp3, ReadWriteOnce) mounted there"))
        result.changes.append(Change(field: "spec.strategy", why: "Recreate: its EBS claim attaches to one node at a time, so a rolling update's new pod would wait on the old one's volume"))
        result.todos.append("\(label): set the size of claim \(claim.name) (\(NodeDataClaim.placeholderSize) written) from the source's data (du -s \(directory) in its pod) before the copy")
        return node
    }

    /// A CronJob arrives suspended, so every schedule until its enable step is a missed one, run at once on unsuspend without a
    /// starting deadline (`CronJobEnable`). The enable step patches one in when missing, but a live patch lives in that
    /// object only: one created again from this file (the deploy's rollback and a second deploy, a GitOps sync that
    /// replaces it) would come without it. The file carries it, so every copy has it; a whole deadline of 10 s or more is kept.
    private func startingDeadline(_ node: ManifestNode, result: inout Result) -> ManifestNode {
        if let held = node["spec", "startingDeadlineSeconds"]?.int, held >= 10 { return node }
        result.changes.append(Change(field: "spec.startingDeadlineSeconds",
                                     why: "\(CronJobEnable.deadline): the schedules missed while it was suspended are skipped at its enable, not all run at once (Kubernetes runs them without a deadline; one under 10 s can miss every schedule)"))
        return node.updating(["spec", "startingDeadlineSeconds"]) { _ in .scalar(String(CronJobEnable.deadline), plain: true) }
    }

    /// A CronJob without `spec.timeZone` ran in the source controller manager's zone and would run in UTC on EKS: it gets
    /// the decided zone (`CronJobTimeZone`); a zone written into the schedule (`CRON_TZ=`), which the API refuses, moves there.
    private func cronTimeZone(_ node: ManifestNode, label: String, result: inout Result) -> ManifestNode {
        switch CronJobTimeZone.conversion(node, decided: plan.cronTimeZone, target: plan.target) {
        case .kept:
            return node
        case .invalidName:
            result.todos.append("\(label): its spec.timeZone is not an IANA time zone name, which the API server refuses: write the zone it ran in (plan:cron-time-zone:\(plan.cluster))")
            return node
        case .invalidInline(let zone):
            result.todos.append("\(label): its schedule names a time zone that is not an IANA name (\(zone)); Kubernetes refuses TZ= or CRON_TZ= in a schedule: write the zone in spec.timeZone")
            return node
        case .undecided:
            result.todos.append("\(label): no spec.timeZone, so on EKS it runs in UTC, the controller manager's zone: if the source ran its schedule (\(node["spec", "schedule"]?.string ?? "?")) in local time, plan with --cron-time-zone (plan:cron-time-zone:\(plan.cluster))")
            return node
        case .unsupported(let zone):
            result.todos.append("\(label): runs in \(zone) at the source; spec.timeZone needs Kubernetes \(CronJobTimeZone.generallyAvailable) or later (target \(plan.target)): shift its schedule to UTC by hand")
            return node
        case .moved(let zone, let schedule):
            result.changes.append(Change(field: "spec.schedule", why: "the zone it named (CRON_TZ/TZ) moved to spec.timeZone: Kubernetes refuses it in a schedule since 1.29"))
            result.changes.append(Change(field: "spec.timeZone", why: "\(zone): the zone its schedule ran in at the source (CRON_TZ/TZ in its schedule)"))
            return node.updating(["spec", "schedule"]) { _ in .string(schedule) }.updating(["spec", "timeZone"]) { _ in .string(zone) }
        case .decided(let zone):
            result.changes.append(Change(field: "spec.timeZone", why: "\(zone): the zone its schedule ran in at the source (--cron-time-zone); EKS would read it in UTC"))
            return node.updating(["spec", "timeZone"]) { _ in .string(zone) }
        }
    }

    /// A replicated StatefulSet gets a zone spread and, when no source budget selects it, a budget of one member at a time
    /// (`StatefulDisruption`); the budget goes to the wave's support/, applied before the StatefulSet.
    private func statefulDisruption(_ pod: ManifestNode, node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        let replicas = StatefulDisruption.replicas(node)
        guard replicas >= 2, let selector = StatefulDisruption.podSelector(node) else { return pod }
        var pod = pod
        if !StatefulDisruption.spreadsByZone(pod) {
            pod = pod.replacing("topologySpreadConstraints", with: .sequence((pod["topologySpreadConstraints"]?.items ?? []) + [StatefulDisruption.zoneSpread(selector: selector)]))
            result.changes.append(Change(field: "topologySpreadConstraints", why: "\(replicas) replicas spread over Availability Zones (maxSkew 1, DoNotSchedule): an EKS zone loss takes one member, not the quorum; each member's EBS volume stays in the zone it is first placed in"))
        }
        if !budgeted.contains("StatefulSet/\(namespace.isEmpty ? "" : namespace + "/")\(name)") {
            let budgetName = StatefulDisruption.budgetName(name, namespace: namespace, taken: budgetNames)
            result.support.append(("PodDisruptionBudget/\(namespace)/\(budgetName)", StatefulDisruption.budget(name: budgetName, namespace: namespace, selector: selector),
                                    "added: at most one of the \(replicas) members of StatefulSet \(name) evicted at a time"))
            result.changes.append(Change(field: "PodDisruptionBudget \(budgetName)", why: "added (maxUnavailable: 1): no budget selected its \(replicas) replicas, so an EKS node drain (node group upgrade, autoscaler scale-in) could evict them all at once"))
        }
        return pod
    }

    /// A hostPath volume whose data the storage plan copies from the node becomes the claim the copy fills, under the same
    /// volume name (`NodeDataClaim`; the claim itself is written to the wave's support/ by `ConvertedManifests`).
    private func nodeDataVolumes(_ pod: ManifestNode, kind: String, namespace: String, label: String, node: ManifestNode, result: inout Result) -> ManifestNode {
        guard let claims = plan.nodeDataClaims[label], let volumes = pod["volumes"]?.items else { return pod }
        var replaced = false
        let converted = volumes.map { volume -> ManifestNode in
            guard let volumeName = volume["name"]?.string, volume["hostPath"] != nil || volume["local"] != nil,
                  let claim = claims.first(where: { $0.volume == volumeName }) else { return volume }
            replaced = true
            result.support.append((claim.label(namespace: namespace), claim.manifest(namespace: namespace), "the node copy of \(label) fills it: mounted in place of its hostPath volume"))
            result.changes.append(Change(field: "volumes[\(volumeName)]", why: "node-local data at \((volume["hostPath", "path"] ?? volume["local", "path"])?.string ?? "?"): claim \(claim.name) (gp3, ReadWriteOnce) in its place, filled by the runbook's node copy"))
            result.todos.append("Claim \(claim.name) (was hostPath volume \(volumeName) of \(label)): set its size (\(NodeDataClaim.placeholderSize) written) from the node's du -s before the copy")
            return .mapping([("name", .string(volumeName)), ("persistentVolumeClaim", .mapping([("claimName", .string(claim.name))]))])
        }
        guard replaced else { return pod }
        // EBS attaches to one node of one zone: runs that overlap on two nodes cannot both mount it.
        if kind == "CronJob", !["Forbid", "Replace"].contains(node["spec", "concurrencyPolicy"]?.string ?? "Allow") {
            result.todos.append("\(label): its node-local data is now an EBS claim (ReadWriteOnce, one Availability Zone): runs schedule in the volume's zone, and two runs at once on different nodes cannot both attach it (the second waits on a Multi-Attach error); set concurrencyPolicy: Forbid unless runs never overlap")
        } else if ["Deployment", "DeploymentConfig"].contains(kind), node["spec", "strategy", "type"]?.string != "Recreate" {
            result.todos.append("\(label): its node-local data is now an EBS claim (ReadWriteOnce, one Availability Zone): a rolling update starts the new pod before the old one lets go of it, and on another node it waits on a Multi-Attach error; set strategy type: Recreate")
        }
        return pod.replacing("volumes", with: .sequence(converted))
    }

    /// In-tree and node-specific volume sources become a claim on an EKS StorageClass (the data moves per the storage plan).
    private func inTreeVolume(_ volume: ManifestNode, namespace: String, workload: String, result: inout Result) -> ManifestNode {
        let inTree = ["gcePersistentDisk", "awsElasticBlockStore", "azureDisk", "azureFile", "cinder", "vsphereVolume", "portworxVolume",
                      "rbd", "glusterfs", "cephfs", "flocker", "quobyte", "scaleIO", "storageos", "photonPersistentDisk", "iscsi", "fc", "nfs"]
        guard let volumeName = volume["name"]?.string, let type = inTree.first(where: { volume[$0] != nil }) else { return volume }
        let shared = ["azureFile", "glusterfs", "cephfs", "nfs", "quobyte"].contains(type)
        let claimName = ImageMigration.ecrRepositoryName("\(workload)-\(volumeName)").replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "_", with: "-")
        let storageClass = shared ? "efs" : "gp3"
        result.objects.append(.mapping([
            ("apiVersion", .string("v1")), ("kind", .string("PersistentVolumeClaim")),
            ("metadata", .mapping([("name", .string(claimName)), ("namespace", .string(namespace))])),
            ("spec", .mapping([("accessModes", .sequence([.string(shared ? "ReadWriteMany" : "ReadWriteOnce")])),
                               ("storageClassName", .string(storageClass)),
                               ("resources", .mapping([("requests", .mapping([("storage", .string("10Gi"))]))]))])),
        ]))
        result.changes.append(Change(field: "volumes[\(volumeName)]", why: "in-tree \(type) volume replaced by claim \(claimName) on \(storageClass)"))
        result.todos.append("Claim \(namespace)/\(claimName) (was \(type) volume \(volumeName) of \(workload)): set its size (10Gi written) and move the data per the storage plan")
        return .mapping([("name", .string(volumeName)), ("persistentVolumeClaim", .mapping([("claimName", .string(claimName))]))])
    }

    // MARK: Storage, network, identity

    private func claim(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        guard let target = plan.storageClasses["\(namespace)/\(name)"] else { return node }
        result.changes.append(Change(field: "spec.storageClassName", why: "storage plan: \(target) (access modes kept)"))
        return Self.withoutBetaStorageClass(node.updating(["spec", "storageClassName"]) { _ in .string(target) }, field: "metadata.annotations", result: &result)
    }

    /// Kubernetes still honours the beta annotation `volume.beta.kubernetes.io/storage-class` over `spec.storageClassName`
    /// (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class): left beside the plan's class, it names the
    /// source's class, which EKS lacks, and the claim never binds (a claim template cannot be changed afterwards).
    static func withoutBetaStorageClass(_ claim: ManifestNode, field: String, result: inout Result) -> ManifestNode {
        let key = "volume.beta.kubernetes.io/storage-class"
        guard claim["metadata", "annotations"]?[key] != nil else { return claim }
        result.changes.append(Change(field: "\(field)[\(key)]", why: "dropped: it overrides spec.storageClassName and names the source's class, which EKS has not"))
        return claim.updating(["metadata", "annotations", key]) { _ in nil }
    }

    private func service(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        guard node["spec", "type"]?.string == "LoadBalancer", let entry = plan.network["Service/\(namespace)/\(name)"] else {
            if node["spec", "type"]?.string == "NodePort" {
                result.todos.append("Service \(namespace)/\(name) is a NodePort: the network plan puts it behind an NLB or an ALB Ingress; nodes' ports are not reachable from outside the VPC")
            }
            return node
        }
        var node = node
        var annotations = (node["metadata", "annotations"]?.entries ?? []).filter { entry in
            !ForeignLoadBalancerAnnotationCheck.foreignPrefixes.contains { entry.key.hasPrefix($0) } && !entry.key.hasPrefix("service.beta.kubernetes.io/aws-load-balancer-")
        }
        for (key, value) in entry.annotations.sorted(by: { $0.key < $1.key }) { annotations.append((key, .string(value))) }
        node = node.updating(["metadata", "annotations"]) { _ in .mapping(annotations) }
        node = node.updating(["spec", "loadBalancerIP"]) { _ in nil }
        result.changes.append(Change(field: "metadata.annotations", why: "network plan: NLB through the AWS Load Balancer Controller, \(entry.exposure.target.rawValue) (\(entry.exposure.evidence))"))
        result.changes += Self.inertAWSChanges(entry)
        if entry.exposure.needsDecision { result.todos.append("Service \(namespace)/\(name): decide internal or internet-facing (written internal)") }
        // What of the source ELB's own annotations was not copied, or names another account's or region's ARN (the other notes,
        // "drop" and "decide", convert has acted on or said above).
        result.todos += entry.manual.filter { !$0.hasPrefix("drop ") && !$0.hasPrefix("decide ") }.map { "Service \(namespace)/\(name): \($0)" }
        return node
    }

    /// A Service behind an ALB Ingress: the health check of its target group, from its pods' readiness probe; a to-do when
    /// none can be derived (a TCP-only probe among them).
    private func albHealthCheck(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        guard let derived = healthChecks["\(namespace)/\(name)"] else { return node }
        let existing = (node["metadata", "annotations"]?.entries ?? []).map(\.key)
        if case .unknown(let why) = derived {
            if !existing.contains(where: { $0.hasPrefix(ALBHealthChecks.prefix + "healthcheck-path") }) {
                result.todos.append("Service \(namespace)/\(name) is an ALB target, and no health check was derived: \(why). The ALB checks GET / on the traffic port for a 200 by default; give it an HTTP readiness endpoint and set \(ALBHealthChecks.prefix)healthcheck-path (and success-codes) on the Service, or check / answers 200 there")
            }
            return node
        }
        let added = ALBHealthChecks.annotations(derived, existing: existing)
        guard !added.isEmpty else { return node }
        var node = node
        for (key, value) in added { node = node.updating(["metadata", "annotations", key]) { _ in .string(value) } }
        result.changes.append(Change(field: "metadata.annotations[\(ALBHealthChecks.prefix)healthcheck-*, success-codes]",
                                     why: "ALB health check from its pods' readiness probe: " + added.map { "\($0.key.dropFirst(ALBHealthChecks.prefix.count))=\($0.value)" }.joined(separator: ", ")))
        return node
    }

    private func ingress(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        guard let entry = plan.network["Ingress/\(namespace)/\(name)"] else { return node }
        var node = node
        let annotations = (node["metadata", "annotations"]?.entries ?? []).filter { entry in
            !entry.key.hasPrefix("nginx.ingress.kubernetes.io/") && entry.key != "kubernetes.io/ingress.class" && !entry.key.hasPrefix("alb.ingress.kubernetes.io/")
        } + entry.annotations.sorted(by: { $0.key < $1.key }).map { ($0.key, ManifestNode.string($0.value)) }
        node = node.updating(["metadata", "annotations"]) { _ in .mapping(annotations) }
        node = node.updating(["spec", "ingressClassName"]) { _ in .string("alb") }
        node = albPaths(node, namespace: namespace, name: name, result: &result)
        result.changes.append(Change(field: "spec.ingressClassName, metadata.annotations",
                                     why: "network plan: ALB group \(entry.group ?? "-"), \(entry.exposure.target.rawValue) (\(entry.exposure.evidence))"))
        result.changes += Self.inertAWSChanges(entry)
        result.todos += entry.manual.map { "Ingress \(namespace)/\(name): \($0)" }
        return node
    }

    /// The source's AWS exposure annotations nothing acted on there are not carried over (the source's own `alb.*` and
    /// `aws-load-balancer-*` annotations never are: the plan's replace them); each is named in CHANGES.md, since the team
    /// may have expected them to apply (LoadBalancerExposure.inertAWSAnnotations, NET011).
    static func inertAWSChanges(_ entry: NetworkPlan.Entry) -> [Change] {
        (entry.inertAWS ?? []).map { key in
            Change(field: "metadata.annotations[\(key)]",
                   why: "dropped: an AWS annotation nothing acted on on the source (\(entry.kind == "Ingress" ? "its class was not alb" : "no ELB served it")), so it is no evidence of today's exposure; the plan's \(entry.exposure.target.rawValue) stands (NET011)")
        }
    }

    /// The AWS Load Balancer Controller passes an ImplementationSpecific path to the ALB as it is (`/` then matches only `/`):
    /// plain paths become Prefix; an Ingress with a regular expression (ingress-nginx's) is held out before (`IngressHold`).
    private func albPaths(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        guard let rules = node["spec", "rules"]?.items else { return node }
        var changed = false
        let converted = rules.map { rule -> ManifestNode in
            guard let paths = rule["http", "paths"]?.items else { return rule }
            return rule.updating(["http", "paths"]) { _ in .sequence(paths.map { path in
                guard path["pathType"]?.string == "ImplementationSpecific" || path["pathType"] == nil else { return path }
                if IngressHold.isRegex(path: path["path"]?.string ?? "/", type: path["pathType"]?.string) { return path }
                changed = true
                return path.replacing("pathType", with: .string("Prefix"))
            }) }
        }
        guard changed else { return node }
        result.changes.append(Change(field: "spec.rules[].http.paths[].pathType", why: "Prefix: the ALB matches an ImplementationSpecific path literally"))
        return node.updating(["spec", "rules"]) { _ in .sequence(converted) }
    }

    private func serviceAccount(_ node: ManifestNode, namespace: String, name: String, result: inout Result) -> ManifestNode {
        var node = node
        // The source's IRSA role trusts the source cluster's OIDC issuer only: copied, pods on EKS get AccessDenied (or keep
        // a role of another account unnoticed). It never goes over as it is; the identity plan's role takes its permissions.
        if let old = node["metadata", "annotations", IdentityPlan.irsaAnnotation] {
            node = node.updating(["metadata", "annotations", IdentityPlan.irsaAnnotation]) { _ in nil }
            let shown = String((old.string ?? "").prefix(300)).visibleLine
            if plan.identity["\(namespace)/\(name)"] == nil {
                result.todos.append("ServiceAccount \(namespace)/\(name): its source IRSA role '\(shown)' (eks.amazonaws.com/role-arn) trusts the source cluster's OIDC provider, not the new cluster's, and was left out (SEC010): no workload of the plan runs as it; if one needs it, add the new cluster's OIDC provider to that role's trust policy (aws iam get-role, aws iam update-assume-role-policy) or give it an EKS Pod Identity association, then annotate it")
            } else {
                result.changes.append(Change(field: "metadata.annotations[\(IdentityPlan.irsaAnnotation)]", why: "source IRSA role '\(shown)' dropped: it trusts the source cluster's OIDC issuer; the identity plan's role takes its permissions (plan:identity)"))
            }
        }
        guard let entry = plan.identity["\(namespace)/\(name)"] else { return node }
        guard entry.mechanism == "IRSA" else {
            result.changes.append(Change(field: "(none)", why: "EKS Pod Identity: the association for \(entry.roleName) is in the eksctl config"))
            return node
        }
        let arn = "arn:aws:iam::\(plan.accountID):role/\(entry.roleName)"
        result.changes.append(Change(field: "metadata.annotations[eks.amazonaws.com/role-arn]", why: "IRSA role \(entry.roleName)"))
        return node.updating(["metadata", "annotations", "eks.amazonaws.com/role-arn"]) { _ in .string(arn) }
    }

    // MARK: Secrets

    /// A Secret's values never reach the inventory, so it becomes an ExternalSecret (External Secrets Operator, AWS Secrets
    /// Manager store) with the same keys, read from a Secrets Manager secret the team creates.
    private func secret(_ object: ManifestNode, namespace: String, name: String, keys: [String]) -> Result {
        var result = Result()
        let type = object["type"]?.string ?? "Opaque"
        if type == "kubernetes.io/service-account-token" || type.hasPrefix("helm.sh/release") { return result }
        let remote = "\(plan.cluster)/\(namespace)/\(name)"
        var template: [(key: String, value: ManifestNode)] = [("type", .string(type))]
        if let labels = object["metadata", "labels"] { template.append(("metadata", .mapping([("labels", labels)]))) }
        let data = keys.map { key -> ManifestNode in
            .mapping([("secretKey", .string(key)), ("remoteRef", .mapping([("key", .string(remote)), ("property", .string(key))]))])
        }
        var spec: [(key: String, value: ManifestNode)] = [
            ("refreshInterval", .string("1h")),
            // Its own namespace's store (SecretsStore), which reads that namespace's prefix only.
            ("secretStoreRef", SecretsStore.reference),
            ("target", .mapping([("name", .string(name)), ("creationPolicy", .string("Owner")), ("template", .mapping(template))])),
        ]
        if !data.isEmpty { spec.append(("data", .sequence(data))) }
        result.objects = [.mapping([
            ("apiVersion", .string("external-secrets.io/v1")), ("kind", .string("ExternalSecret")),
            ("metadata", .mapping([("name", .string(name)), ("namespace", .string(namespace))])), ("spec", .mapping(spec)),
        ])]
        result.changes.append(Change(field: "kind", why: "Secret values are never exported: ExternalSecret reading Secrets Manager secret \(remote)"))
        result.todos.append("Create Secrets Manager secret \(remote) with keys \(keys.isEmpty ? "(none recorded)" : keys.joined(separator: ", ")) — values from the source, never from eksodus")
        return result
    }
}
