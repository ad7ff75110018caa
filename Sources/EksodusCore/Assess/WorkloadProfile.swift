/// What the assessment concludes about one workload: stateful or not, whether Fargate can run it, how hard it is to move.
public struct WorkloadProfile: Sendable {
    public var workloadID: Int64
    public var stateful: Bool
    public var statefulReason: String?
    public var fargateReasons: [String]
    public var fargateSize: String?
    public var complexityScore: Int
    public var complexity: String

    public var fargateEligible: Bool { fargateReasons.isEmpty }

    /// Points a finding adds to a workload's complexity.
    static func weight(_ severity: Severity) -> Int {
        switch severity {
        case .blocker: return 10
        case .warning: return 3
        case .info: return 1
        }
    }

    static func complexityBand(_ score: Int) -> String {
        score < 8 ? "low" : score < 20 ? "medium" : "high"
    }

    /// What one finding adds to its workload's complexity. Platform findings say what replaces a component, not how hard it is to move.
    static func points(_ finding: Finding) -> Int {
        finding.category == .platform ? 0 : weight(finding.severity)
    }

    /// `findingPoints`: the sum of `points` over the workload's findings.
    static func make(_ workload: Estate.Workload, estate: Estate, findingPoints: Int, context: CheckContext) -> WorkloadProfile {
        let (stateful, reason) = statefulness(workload, reference: context.reference)
        var score = findingPoints + (stateful ? 5 : 0)
        if workload.kind == "DaemonSet" { score += 2 }
        let fargate = fargateFit(workload, estate: estate, context: context)
        return WorkloadProfile(workloadID: workload.id, stateful: stateful, statefulReason: reason, fargateReasons: fargate.reasons,
                               fargateSize: fargate.size, complexityScore: score, complexity: complexityBand(score))
    }

    /// Stateful means data that must move with the workload: claims, node-local data, network volumes, or a data store's
    /// image (whose data, without a claim, is on an emptyDir or in the container). The kind alone decides nothing: a
    /// StatefulSet without data is stateless, and a DaemonSet's host mounts are judged like any other workload's.
    static func statefulness(_ workload: Estate.Workload, reference: ReferenceData) -> (Bool, String?) {
        if !workload.claimTemplates.isEmpty {
            return (true, "volumeClaimTemplates " + workload.claimTemplates.map(\.name).joined(separator: ", "))
        }
        let claims = workload.volumes.filter { $0.type == "persistentVolumeClaim" }.compactMap(\.reference)
        if !claims.isEmpty { return (true, "claims " + claims.joined(separator: ", ")) }
        let dataPaths = nodeLocalData(workload, reference: reference).compactMap(\.reference)
        if !dataPaths.isEmpty { return (true, "node-local data at " + dataPaths.joined(separator: ", ")) }
        let networkVolumes = workload.volumes.filter { ["nfs", "cephfs", "glusterfs", "rbd", "iscsi", "csi"].contains($0.type) }
        if !networkVolumes.isEmpty { return (true, "\(networkVolumes[0].type) volume \(networkVolumes[0].name)") }
        if let (database, container) = dataStore(workload, reference: reference) {
            let scratch = ephemeralData(container, in: workload)
            return (true, "\(database.name) image \(container.image ?? "") without a claim: its data is "
                        + (scratch.isEmpty ? "in the container's writable layer" : "on emptyDir " + scratch.map(\.name).joined(separator: ", ")))
        }
        return (false, nil)
    }

    /// The first application container running a data store's image, and that data store.
    static func dataStore(_ workload: Estate.Workload, reference: ReferenceData) -> (ReferenceData.Database, Estate.Container)? {
        for container in workload.appContainers {
            if let image = container.imageReference, let database = reference.database(image) { return (database, container) }
        }
        return nil
    }

    /// The emptyDir volumes a container writes to: where a data store without a claim keeps its data.
    static func ephemeralData(_ container: Estate.Container, in workload: Estate.Workload) -> [Estate.PodVolume] {
        let mounted = Set(container.volumeMounts.items.filter { $0["readOnly"]?.bool != true }.compactMap { $0["name"]?.string })
        return workload.volumes.filter { $0.type == "emptyDir" && mounted.contains($0.name) }
    }

    /// The hostPath (and local) volumes that hold data: mounted writable by some container, not a socket or device, not a
    /// node system path (`data/node-paths.yaml`: CA bundles, logs, runtime state, scratch space, kubelet and runtime files).
    static func nodeLocalData(_ workload: Estate.Workload, reference: ReferenceData) -> [Estate.PodVolume] {
        let writable = Set(workload.containers.flatMap(\.volumeMounts.items).filter { $0["readOnly"]?.bool != true }.compactMap { $0["name"]?.string })
        return workload.volumes.filter { volume in
            guard volume.type == "hostPath" || volume.type == "local", let path = volume.reference else { return false }
            let type = volume.detail["type"]?.string ?? ""
            return writable.contains(volume.name) && !["Socket", "CharDevice", "BlockDevice"].contains(type)
                && !DockerSocketCheck.socketPaths.contains(path) && !reference.isNodeSystemPath(path)
        }
    }

    static func fargateFit(_ workload: Estate.Workload, estate: Estate, context: CheckContext) -> (reasons: [String], size: String?) {
        var reasons: [String] = []
        if workload.kind == "DaemonSet" { reasons.append("DaemonSets do not run on Fargate (run it as a sidecar)") }
        if workload.containers.contains(where: \.privileged) { reasons.append("privileged container") }
        if workload.hostNetwork { reasons.append("hostNetwork") }
        if workload.containers.contains(where: { !$0.ports.items.compactMap { $0["hostPort"] }.isEmpty }) { reasons.append("hostPort") }
        if workload.hostPID || workload.hostIPC { reasons.append("hostPID/hostIPC") }
        if workload.volumes.contains(where: { $0.type == "hostPath" }) { reasons.append("hostPath volume") }
        if workload.containers.contains(where: { ($0.gpuLimit ?? 0) > 0 }) { reasons.append("GPU") }
        if let architecture = workload.requiredArchitecture, architecture != "amd64" { reasons.append("\(architecture) nodeSelector (Fargate runs x86_64 only)") }
        let classes = estate.provisioners
        let claims: [(storageClass: String?, accessModes: [String])] = workload.claimTemplates.map { ($0.storageClass, $0.accessModes) }
            + workload.volumes.filter { $0.type == "persistentVolumeClaim" }.map { volume in
                let claim = estate.volumes.first { $0.source == "pvc" && $0.name == volume.reference && $0.namespace == workload.namespace }
                return (claim?.storageClass, claim?.accessModes ?? [])
            }
        // A shared claim goes to EFS on EKS (StoragePlan), which Fargate mounts, but only from a statically provisioned
        // PersistentVolume (EKS User Guide, Fargate considerations; EFS CSI driver): the plan's efs class provisions dynamically.
        let alreadyEFS = claims.filter { $0.storageClass.flatMap { classes[$0] } == "efs.csi.aws.com" }.count
        let toEFS = claims.filter { $0.storageClass.flatMap { classes[$0] } != "efs.csi.aws.com" && ($0.accessModes.contains("ReadWriteMany") || $0.accessModes.contains("ReadOnlyMany")) }.count
        if claims.count > alreadyEFS + toEFS { reasons.append("block storage claims (Fargate mounts only EFS)") }
        if toEFS > 0 { reasons.append("EFS claims: Fargate mounts EFS only through a static PersistentVolume, and the plan's efs class provisions access points dynamically") }
        let app = workload.appContainers
        let init_ = workload.containers.filter { $0.role == "init" }
        let cpu = max(app.reduce(0) { $0.saturatingAdding($1.cpuRequest ?? 0) }, init_.map { $0.cpuRequest ?? 0 }.max() ?? 0)
        let memory = max(app.reduce(0) { $0.saturatingAdding($1.memoryRequest ?? 0) }, init_.map { $0.memoryRequest ?? 0 }.max() ?? 0)
        var size: String?
        if let fit = context.reference.fargateSize(cpuMillicores: cpu, memoryBytes: memory) {
            size = "\(format(fit.vcpu)) vCPU / \(format(fit.memoryGB)) GB"
        } else {
            reasons.append("requests above Fargate's largest size (16 vCPU / 120 GB)")
        }
        return (reasons, size)
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}
