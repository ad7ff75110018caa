import Foundation

/// `eksodus convert`: per cluster and wave, the objects to apply on EKS (`DIR/<cluster>/wave-N/*.yaml` and a
/// `kustomization.yaml`, so `kubectl apply -k DIR/<cluster>/wave-N` deploys a wave) and a `CHANGES.md` saying what changed
/// and why, from the plan's decisions. Wave 0 is the platform: namespaces, CRDs, cluster-wide RBAC, StorageClasses.
public struct ConvertedManifests {
    public struct Written: Sendable {
        public var cluster: String
        public var wave: Int
        public var folder: String
        public var files: [String]
    }

    public enum Failure: Error, CustomStringConvertible {
        case fileTakenTwice(file: String, object: String)
        case linkInOutput(String)

        public var description: String {
            switch self {
            case .fileTakenTwice(let file, let object):
                return "convert: \(file) would be written twice (again for \(object.visibleLine)); nothing applies it as one workload"
            case .linkInOutput(let path):
                return "convert: \(path.visibleLine) is a symbolic link; convert writes only real folders and files under --out (remove the link)"
            }
        }
    }

    public var plan: TransitionPlan
    public var reference: ReferenceData
    /// Per cluster, the workloads the stored assessment set apart (for a plan read back from the store); nil: the plan's own.
    public var setApart: [String: Set<String>]?

    public init(plan: TransitionPlan, reference: ReferenceData, assessment: StoredAssessment? = nil) {
        self.plan = plan
        self.reference = reference
        setApart = assessment.map { stored in
            Dictionary(stored.clusters.map { ($0.cluster.name, Set($0.workloads.filter(\.setApart).map(\.label))) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// Writes the folders under `root` for the estates (one per cluster), limited to `wave` when given.
    public func write(estates: [Estate], to root: URL, wave only: Int? = nil) throws -> [Written] {
        var written: [Written] = []
        for estate in estates {
            let conversion = ConversionPlan(plan, cluster: estate.cluster.name, setApart: setApart.map { $0[estate.cluster.name] ?? [] })
            var converter = ManifestConverter(plan: conversion, reference: reference)
            converter.clusterScoped.formUnion(Self.clusterScopedCustomKinds(estate))
            converter.externalNames = UnsafeClusterAccessCheck.externalNames(estate)
            let budgets = PodDisruptionBudgets.all(in: estate)
            let budgetsByNamespace = Dictionary(grouping: budgets, by: \.resource.namespace)
            converter.budgeted = Set(estate.workloads.filter { !PodDisruptionBudgets.covering($0, in: budgetsByNamespace[$0.namespace] ?? []).isEmpty }.map(\.label))
            converter.budgetNames = Set(budgets.map { "\($0.resource.namespace)/\($0.resource.name)" })
            (converter.healthChecks, converter.readinessGateNamespaces) = ALBHealthChecks.derive(estate, network: conversion.network)
            var byWave: [Int: [(object: String, nodes: [ManifestNode], comments: [String])]] = [:]
            var notes: [Int: (changes: [String], todos: [String])] = [:]
            var generatedSecrets: [Int: [(name: String, keys: [String])]] = [:]
            let placement = WavePlacement(estate, plan: conversion)
            let workloadFiles = ConvertedLayout.WorkloadFiles(estate)
            let installedBy = Self.helmInstalled(estate, setApart: conversion.setApart)
            let setApartFronts = Self.setApartFronts(estate, setApart: conversion.setApart)
            let setApartAPIs = Self.setApartAPIServices(estate, setApart: conversion.setApart)
            for resource in estate.resources where resource.ownerKind == nil {
                let label = "\(resource.kind)/\(resource.namespace.isEmpty ? "" : resource.namespace + "/")\(resource.name)"
                if conversion.setApart.contains(label) { continue }
                guard let wave = placement.wave(of: resource), only == nil || only == wave else { continue }
                // The runbook installs it with its chart: a file to apply as well would fight Helm over the same object.
                if let release = installedBy[resource.id] {
                    notes[wave, default: ([], [])].changes.append("\(MarkdownText.code(label)) not written: installed by Helm release "
                        + MarkdownText.escape("\(release.namespace)/\(release.name) (\(release.chart ?? "unknown chart"), \(release.chartVersion ?? "version unknown"))"))
                    continue
                }
                // Its load balancer would front nothing on EKS, with the source's scheme and foreign annotations.
                if let fronted = setApartFronts[resource.id] {
                    notes[wave, default: ([], [])].changes.append("\(MarkdownText.code(label)) not written: it fronts only \(MarkdownText.escape(fronted.joined(separator: ", "))), which EKS replaces (set apart); the network plan gives it no load balancer, and its Ingresses move to the ALB")
                    continue
                }
                if let service = setApartAPIs[resource.id] {
                    notes[wave, default: ([], [])].changes.append("\(MarkdownText.code(label)) not written: its Service \(MarkdownText.escape(service)) fronts only workloads EKS replaces (set apart); what replaces them (the metrics-server add-on for metrics.k8s.io) registers the API itself, and this copy would take the group from it")
                    continue
                }
                let result = converter.convert(resource.body, kind: resource.kind, namespace: resource.namespace, name: resource.name,
                                               keys: estate.configKeys[resource.id] ?? [])
                notes[wave, default: ([], [])].changes += result.changes.map { "\(MarkdownText.code(label)) \(MarkdownText.escape($0.field)): \(MarkdownText.escape($0.why))" }
                notes[wave, default: ([], [])].todos += result.todos.map(MarkdownText.escape)
                generatedSecrets[wave, default: []] += result.secrets
                if !result.objects.isEmpty { byWave[wave, default: []].append((label, result.objects, result.changes.map { "\($0.field): \($0.why)" })) }
                for (object, node, why) in result.support {
                    byWave[wave, default: []].append((object, [node], [why]))
                }
            }
            // Every namespace an object lands in exists from the platform wave on, exported or not.
            let exported = Set(estate.resources(kind: "Namespace").map(\.name))
            let used = Set(byWave.values.flatMap { $0 }.flatMap(\.nodes).compactMap { $0["metadata", "namespace"]?.string })
                .subtracting(exported).subtracting(["default", "kube-system", "kube-public", "kube-node-lease"])
            if only == nil || only == 0 {
                for namespace in used.sorted() {
                    let gate = ALBHealthChecks.readinessGateLabel
                    let labels: [(key: String, value: ManifestNode)] = converter.readinessGateNamespaces.contains(namespace) ? [("labels", .mapping([(gate.key, .string(gate.value))]))] : []
                    byWave[0, default: []].append(("Namespace/\(namespace)", [.mapping([("apiVersion", .string("v1")), ("kind", .string("Namespace")),
                                                                                      ("metadata", .mapping([("name", .string(namespace))] + labels))])],
                                                   ["added: the namespace of converted objects, not in the export"]))
                }
                let efs = StoragePlan.needsEFS(plan.storage.entries, cluster: estate.cluster.name)
                notes[0, default: ([], [])].changes.append("`StorageClass` gp3\(efs ? " and efs" : ""): the storage plan's classes, in ../\(StoragePlan.classFileName), applied once by plan:storage"
                    + (efs ? " (which makes the EFS file system and writes its id in)" : "") + ", never by a wave: a StorageClass cannot be updated")
                let replaced = estate.storageClasses.map(\.resource.name).sorted()
                if !replaced.isEmpty {
                    notes[0, default: ([], [])].changes.append("Source StorageClasses not carried over (claims now name the plan's classes): \(replaced.map(MarkdownText.escape).joined(separator: ", "))")
                }
            }
            let clusterFolder = root.appendingPathComponent(ConvertedLayout.folderName(estate.cluster.name), isDirectory: true)
            // The stores the ExternalSecrets name, one per namespace, applied and checked Ready by plan:secrets before any wave's support/.
            let readers = plan.identity.secretReaders.map { $0.filter { $0.cluster == estate.cluster.name } } ?? SecretsStore.readers(estate)
            if only == nil || only == 0, !readers.isEmpty {
                try Self.makeFolder(clusterFolder, under: root)
                try Data(try ("# Converted by eksodus for EKS \(plan.request.target): applied by the plan:secrets item\n"
                          + SecretsStore.manifests(region: plan.request.region, readers: readers).map { try YAMLEmitter.emit($0) }.joined(separator: "---\n")).utf8)
                    .write(to: clusterFolder.appendingPathComponent(SecretsStore.fileName), options: .atomic)
            }
            if only == nil || only == 0 {
                // The cluster's StorageClasses: their one source, applied by plan:storage (never by a wave's support/), with or
                // without secret stores.
                try Self.makeFolder(clusterFolder, under: root)
                try Data(("# Written by eksodus for EKS \(plan.request.target): applied by the plan:storage item, which writes the EFS id in\n"
                          + StoragePlan.storageClassManifests(efs: StoragePlan.needsEFS(plan.storage.entries, cluster: estate.cluster.name))).utf8)
                    .write(to: clusterFolder.appendingPathComponent(StoragePlan.classFileName), options: .atomic)
            }
            for wave in Set(byWave.keys).union(notes.keys).sorted() {
                let folder = clusterFolder.appendingPathComponent("wave-\(wave)", isDirectory: true)
                // support/: what the wave's workloads use (configuration, claims, Services, RBAC), applied first; workloads/: one
                // file per workload, each applied by its runbook step. The wave's kustomization takes both.
                var files: [String] = []
                var parts: [String] = []
                for part in [ConvertedLayout.supportFolder, ConvertedLayout.workloadsFolder] {
                    let members = (byWave[wave] ?? []).filter { (part == ConvertedLayout.workloadsFolder) == Self.isWorkload($0.object) }
                        .sorted(by: { Self.order($0.object) < Self.order($1.object) })
                    guard !members.isEmpty else { continue }
                    let partFolder = folder.appendingPathComponent(part, isDirectory: true)
                    try Self.makeFolder(partFolder, under: root)
                    var used: Set<String> = []
                    var partFiles: [String] = []
                    for (object, nodes, comments) in members {
                        let file: String
                        if part == ConvertedLayout.workloadsFolder {
                            // The file its deploy step applies: a name taken twice would deploy one workload as another.
                            file = workloadFiles.name(for: object)
                            guard used.insert(file.lowercased()).inserted else { throw Failure.fileTakenTwice(file: file, object: object) }
                        } else {
                            file = ConvertedLayout.uniqueFileName(for: object, used: &used)
                        }
                        // The first document carries why each field changed (one line each: comments never carry raw line breaks).
                        let documents = try nodes.enumerated().map { index, node in try YAMLEmitter.emit(node.yamlValue, comments: index == 0 ? comments : []) }
                        try Data(("# Converted by eksodus for EKS \(plan.request.target) (see ../CHANGES.md)\n" + documents.joined(separator: "---\n")).utf8)
                            .write(to: partFolder.appendingPathComponent(file), options: .atomic)
                        partFiles.append(file)
                    }
                    try Self.writeKustomization(partFiles, in: partFolder)
                    files += partFiles.map { part + "/" + $0 }
                    parts.append(part)
                }
                try Self.makeFolder(folder, under: root)
                try Self.writeKustomization(parts, in: folder)
                try Data(changes(cluster: estate.cluster.name, wave: wave, notes: notes[wave] ?? ([], []), keys: secretKeys(estate, wave: wave, placement: placement) + (generatedSecrets[wave] ?? [])).utf8)
                    .write(to: folder.appendingPathComponent("CHANGES.md"), options: .atomic)
                written.append(Written(cluster: estate.cluster.name, wave: wave, folder: folder.path, files: files + ["kustomization.yaml", "CHANGES.md"]))
            }
        }
        return written
    }

    /// The Secrets a wave turns into ExternalSecrets, with their key names (never values).
    private func secretKeys(_ estate: Estate, wave: Int, placement: WavePlacement) -> [(name: String, keys: [String])] {
        estate.resources(kind: "Secret").filter { $0.ownerKind == nil && placement.wave(of: $0) == wave }.compactMap { secret in
            let type = secret.body["type"]?.string ?? "Opaque"
            guard type != "kubernetes.io/service-account-token", !type.hasPrefix("helm.sh/release") else { return nil }
            return ("\(estate.cluster.name)/\(secret.namespace)/\(secret.name)", estate.configKeys[secret.id] ?? [])
        }
    }

    private func changes(cluster: String, wave: Int, notes: (changes: [String], todos: [String]), keys: [(name: String, keys: [String])]) -> String {
        var text = "# \(MarkdownText.escape(cluster)), wave \(wave): what eksodus changed for EKS \(plan.request.target)\n\n"
        text += "Apply with the runbook: `support/` first (`kubectl apply -k support`), then each workload's file from `workloads/` in its step (CronJobs arrive suspended). Every change follows a decision of plan `\(MarkdownText.escape(plan.request.name))`.\n\n"
        text += "## Changes\n\n" + (notes.changes.isEmpty ? "None.\n" : notes.changes.map { "- " + $0 }.joined(separator: "\n") + "\n")
        text += "\n## To do by hand\n\n" + (notes.todos.isEmpty ? "Nothing.\n" : notes.todos.map { "- [ ] " + $0 }.joined(separator: "\n") + "\n")
        if !keys.isEmpty {
            text += "\n## Secrets Manager secrets\n\nValues come from your environment, never from eksodus. Export the variables (the comment above each command says which key each holds), then run:\n\n"
            var commands: [String] = []
            let region = ImageMigration.shellQuote(plan.request.region)
            for secret in keys {
                var arguments = ""
                var program: [String] = []
                for (index, key) in secret.keys.enumerated() {
                    let variable = Self.variableName(secret: secret.name, index: index)
                    commands.append(ShellQuote.comment("\(variable): key \(key) of \(secret.name)"))
                    arguments += " --arg n\(index) \(ImageMigration.shellQuote(key))"
                    // jq reads the value from its environment, and stops when it is not exported.
                    program.append("($n\(index)): ($ENV.\(variable) // error(\"export \(variable)\"))")
                }
                // The AWS CLI loads a file:// parameter from the file, here stdin: no value is ever an argument, which any
                // user's ps would show; printf is a shell builtin, and no upload starts when jq failed.
                commands.append("secret_json=$(jq -n\(arguments) '{\(program.joined(separator: ", "))}') && printf '%s' \"$secret_json\""
                    + " | aws secretsmanager create-secret --region \(region) --name \(ImageMigration.shellQuote(secret.name)) --secret-string file:///dev/stdin; unset secret_json")
            }
            text += MarkdownText.fence(commands.joined(separator: "\n"), language: "sh") + "\n"
        }
        return text
    }

    /// By resource: the re-installed Helm release that makes it, its workloads and the objects carrying its name.
    static func helmInstalled(_ estate: Estate, setApart: Set<String>) -> [Int64: HelmReleaseRecord] {
        var result: [Int64: HelmReleaseRecord] = [:]
        for entry in HelmReleaseItems.reinstalled(estate, isSetApart: { setApart.contains($0.label) }) {
            for workload in entry.workloads { if let id = workload.resourceID { result[id] = result[id] ?? entry.release } }
            for resource in estate.resources where resource.ownerKind == nil && HelmReleaseItems.owns(entry.release, resource) {
                result[resource.id] = result[resource.id] ?? entry.release
            }
        }
        return result
    }

    /// By resource: the LoadBalancer and NodePort Services in front of set-apart workloads only (ingress-nginx's own), with
    /// those workloads; the network plan gives them no load balancer (NetworkPlan.frontsOnlySetApart).
    static func setApartFronts(_ estate: Estate, setApart: Set<String>) -> [Int64: [String]] {
        guard !setApart.isEmpty else { return [:] }
        let workloadsByNamespace = Dictionary(grouping: estate.workloads, by: \.namespace)
        var result: [Int64: [String]] = [:]
        for service in estate.services where service.type == "LoadBalancer" || service.type == "NodePort" {
            let candidates = workloadsByNamespace[service.resource.namespace] ?? []
            if NetworkPlan.frontsOnlySetApart(service, workloads: candidates, isSetApart: { setApart.contains($0.label) }) {
                result[service.resource.id] = candidates.filter { $0.matches(service.selector) }.map(\.label).sorted()
            }
        }
        return result
    }

    /// APIServices served by a Service that fronts only set-apart workloads (the source's metrics-server behind
    /// v1beta1.metrics.k8s.io), by id, with that Service's namespace/name: applied on EKS, one would repoint the API group
    /// that the component's replacement registered (two metrics APIs, one with no backend).
    static func setApartAPIServices(_ estate: Estate, setApart: Set<String>) -> [Int64: String] {
        guard !setApart.isEmpty else { return [:] }
        let workloadsByNamespace = Dictionary(grouping: estate.workloads, by: \.namespace)
        let fronting = Set(estate.services.filter { service in
            NetworkPlan.frontsOnlySetApart(service, workloads: workloadsByNamespace[service.resource.namespace] ?? [], isSetApart: { setApart.contains($0.label) })
        }.map { "\($0.resource.namespace)/\($0.resource.name)" })
        var result: [Int64: String] = [:]
        for api in estate.resources(kind: "APIService") {
            guard let namespace = api.body["spec", "service", "namespace"]?.string, let name = api.body["spec", "service", "name"]?.string,
                  fronting.contains("\(namespace)/\(name)") else { continue }
            result[api.id] = "\(namespace)/\(name)"
        }
        return result
    }

    /// The kinds the export's CustomResourceDefinitions declare cluster-scoped (`spec.scope: Cluster`).
    static func clusterScopedCustomKinds(_ estate: Estate) -> [String] {
        estate.resources(kind: "CustomResourceDefinition").compactMap { definition in
            definition.body["spec", "scope"]?.string == "Cluster" ? definition.body["spec", "names", "kind"]?.string : nil
        }
    }

    static func isWorkload(_ object: String) -> Bool {
        ManifestConverter.workloadKinds.contains(String(object.prefix { $0 != "/" })) || object.hasPrefix("DeploymentConfig/")
    }

    /// Makes `folder` under `root`, refusing a symbolic link on the way: a link planted in a checked-in `converted/` tree
    /// (to ~/.bashrc, say) would have had a manifest written through it. Files are written atomically (a new file renamed
    /// into place), so a link where a file goes is replaced, not followed.
    static func makeFolder(_ folder: URL, under root: URL) throws {
        let rootDepth = root.standardizedFileURL.pathComponents.count
        var path = root.standardizedFileURL
        // Checked before anything is made, so nothing is created through a link either.
        for component in folder.standardizedFileURL.pathComponents.dropFirst(rootDepth) {
            path.appendPathComponent(component)
            if (try? FileManager.default.destinationOfSymbolicLink(atPath: path.path)) != nil { throw Failure.linkInOutput(path.path) }
        }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    static func writeKustomization(_ resources: [String], in folder: URL) throws {
        let kustomization = YAMLValue.mapping([("apiVersion", .string("kustomize.config.k8s.io/v1beta1")), ("kind", .string("Kustomization")),
                                               ("resources", .sequence(resources.map { .string($0) }))])
        try Data(try YAMLEmitter.emit(kustomization).utf8).write(to: folder.appendingPathComponent("kustomization.yaml"), options: .atomic)
    }

    /// The environment variable that holds the value of the `index`th key of `secret` (cluster/namespace/name). Never made
    /// from the key itself: a Secret with a key AWS_SECRET_ACCESS_KEY, PATH or GITHUB_TOKEN would have the operator's own
    /// value uploaded to Secrets Manager and synced into the workload, and `db.password` and `db_password` would share one.
    /// The hash is 80 bits of SHA-256: with ShortHash's 32-bit FNV a Secret `evil/x5u1raao0` was found in seconds to share
    /// `app/db-credentials`'s variables, so the operator's one export uploaded the victim's password into the attacker's secret.
    static func variableName(secret: String, index: Int) -> String {
        "EKSODUS_SECRET_\(DigestHex.sha256(secret, digits: 20).uppercased())_\(index)"
    }

    /// Apply order inside a wave: namespaces, then definitions and configuration, then workloads and their endpoints.
    static func order(_ object: String) -> (Int, String) {
        let kind = String(object.prefix { $0 != "/" })
        let rank = ["Namespace": 0, "CustomResourceDefinition": 1, "StorageClass": 2, "ServiceAccount": 3, "ClusterRole": 3, "Role": 3,
                    "ClusterRoleBinding": 4, "RoleBinding": 4, "ConfigMap": 5, "Secret": 5, "ExternalSecret": 5, "PersistentVolumeClaim": 6]
        return (rank[kind] ?? (ManifestConverter.workloadKinds.contains(kind) ? 8 : 7), object)
    }
}
