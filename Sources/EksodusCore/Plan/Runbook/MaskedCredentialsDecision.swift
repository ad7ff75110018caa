/// A workload whose converted file `convert` holds back for a masked credential (`MaskedFields`), or that reads a ConfigMap
/// held back so: its deploy waits for a decision item that checks the hand-written file is there and the ConfigMap is on
/// EKS, so the runbook never starts it with the marker as a password, nor without its configuration.
enum MaskedCredentialsDecision {
    /// By workload id: what is held back for it (its own fields, the ConfigMaps it reads), for the ones with any.
    static func held(_ estate: Estate, workloads: [Estate.Workload]) -> [Int64: (fields: [String], configMaps: [String])] {
        // Only bodies holding the marker are parsed: a large estate has few (a byte search, not a parse, for the rest).
        let heldConfigMaps = Set(estate.resources(kind: "ConfigMap").filter { resource in
            resource.bodyText.containsBytes(SecretRedaction.marker) && !MaskedFields.heldFields(resource.body.replacing("status", with: nil)).isEmpty
        }.map { $0.namespace + "/" + $0.name })
        var result: [Int64: (fields: [String], configMaps: [String])] = [:]
        for workload in workloads {
            let fields = estate.resource(id: workload.resourceID).map { resource in
                resource.bodyText.containsBytes(SecretRedaction.marker) ? ownFields(resource.body, kind: workload.kind) : []
            } ?? []
            let configMaps = heldConfigMaps.isEmpty ? [] : readConfigMaps(workload).filter { heldConfigMaps.contains(workload.namespace + "/" + $0) }
            if !fields.isEmpty || !configMaps.isEmpty { result[workload.id] = (fields, configMaps) }
        }
        return result
    }

    /// The masked fields `convert` cannot turn into a Secret reference (every env value masked whole can be).
    private static func ownFields(_ body: ManifestNode, kind: String) -> [String] {
        let path = CheckSupport.podPath(kind == "DeploymentConfig" ? "Deployment" : kind).split(separator: ".").map(String.init)
        let referenced = MaskedFields.referencingSecret(body, podPath: path, secret: "-")?.node ?? body
        return MaskedFields.heldFields(referenced.replacing("status", with: nil))
    }

    /// The ConfigMaps a workload's containers and volumes name.
    private static func readConfigMaps(_ workload: Estate.Workload) -> [String] {
        var names: [String] = []
        for container in workload.containers {
            names += container.env.items.compactMap { $0["valueFrom", "configMapKeyRef", "name"]?.string }
            names += container.envFrom.items.compactMap { $0["configMapRef", "name"]?.string }
        }
        names += workload.volumes.filter { $0.type == "configMap" }.compactMap(\.reference)
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// The decision item: its commands fail until the hand-written file exists and every held ConfigMap is on EKS.
    static func item(_ workload: Estate.Workload, handle: PlanItemKey.Workload, clusterID: Int64, cluster: String, wave: Int,
                     held: (fields: [String], configMaps: [String]), files: ConvertedLayout.WorkloadFiles) -> PlanItem {
        let path = "converted/" + ConvertedLayout.workloadPath(cluster: cluster, wave: wave, label: workload.label, files: files)
        var commands: [String] = []
        var evidence: [String] = []
        if !held.fields.isEmpty {
            evidence.append("its converted file is held back: \(held.fields.prefix(8).joined(separator: ", ")) held a credential eksodus never stores")
            commands.append("test -s \(ShellQuote.word(path))  " + ShellQuote.comment("written by hand from the TODO in its wave's CHANGES.md"))
            // An `if`, not `! grep`: a negated command never stops a `set -e` script.
            // `false`, not `exit 1`: pasted into an interactive shell, exit would close it.
            commands.append("if grep -n 'redacted by eksodus' \(ShellQuote.word(path)); then echo 'the file still holds a masked value' >&2; false; fi")
        }
        for name in held.configMaps {
            evidence.append("it reads ConfigMap \(workload.namespace)/\(name), held back: a value of it holds a masked credential")
            // grep: an empty answer is no ConfigMap either.
            commands.append(Kubectl.eks(workload.namespace)("get configmap \(ShellQuote.word(name)) -o name") + " | grep -qx " + ShellQuote.word("configmap/" + name))
        }
        return PlanItem(key: .workload(.credentials, handle), title: "Decide how \(workload.label) gets the credentials eksodus masked, and write what convert held back",
                        clusterID: clusterID, wave: wave, workloadID: workload.id, evidence: evidence.joined(separator: "; "),
                        rollback: "Nothing to undo: a decision (record it in the note)", commands: commands)
    }
}
