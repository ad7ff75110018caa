import Foundation

/// The domain tables eksodus judges by, read from the top-level `data/` folder (embedded in the binary).
/// Each file names its source; the code holds no table of its own.
public struct ReferenceData: Sendable {
    public struct APIVersionStatus: Sendable {
        public var apiVersion: String
        public var kind: String
        public var deprecatedIn: KubernetesVersion?
        public var removedIn: KubernetesVersion?
        public var replacement: String
        /// Advice where no API version replaces this one (PodSecurityPolicy → Pod Security Admission).
        public var instead: String
    }

    public struct EKSVersion: Sendable {
        public var version: KubernetesVersion
        public var released: String
        public var endOfStandard: String
        public var endOfExtended: String
    }

    public struct FargateSize: Sendable {
        public var vcpu: Double
        public var memoryGB: [Double]
    }

    public struct StorageTarget: Sendable {
        public var name: String
        /// in-tree, node-local, network, block or aws.
        public var kind: String
        public var removedIn: KubernetesVersion?
        public var target: String
        public var copy: String?
    }

    public struct NginxAnnotation: Sendable {
        public var nginx: String
        /// full, partial or none.
        public var support: String
        public var alb: String
    }

    public struct PullThroughUpstream: Sendable {
        public var registry: String
        public var upstreamURL: String
        public var prefix: String
        public var credentials: Bool
    }

    public struct InstanceType: Sendable {
        public var type: String
        public var vcpu: Int
        public var memoryGiB: Int
        public var enis: Int
        public var ipsPerENI: Int
        /// `x86_64`, or `arm64` for Graviton.
        public var architecture: String = "x86_64"

        /// VPC CNI secondary-IP mode: ENIs × (IPs per ENI − 1) + 2, capped at 110 (≤ 30 vCPU) or 250.
        public var maxPods: Int { min(enis * (ipsPerENI - 1) + 2, vcpu <= 30 ? 110 : 250) }
        /// With prefix delegation: ENIs × ((IPs per ENI − 1) × 16) + 2, same caps.
        public var maxPodsWithPrefixDelegation: Int { min(enis * ((ipsPerENI - 1) * 16) + 2, vcpu <= 30 ? 110 : 250) }
    }

    public var apiVersions: [APIVersionStatus]
    public var instanceTypes: [InstanceType]
    public var eksVersions: [EKSVersion]
    public var fargateOverheadMiB: Int
    public var fargateSizes: [FargateSize]
    public var provisioners: [StorageTarget]
    public var volumeTypes: [StorageTarget]
    public var nginxAnnotations: [NginxAnnotation]
    public var pullThroughUpstreams: [PullThroughUpstream]
    public var components: [EKSComponent]
    public var serviceExposureRules: [ExposureRule]
    public var ingressExposureRules: [ExposureRule]
    public var ingressControllerImages: [String]

    public struct DataError: Error, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "data/\(file): \(message)" }
    }

    /// The tables embedded in this binary.
    public static func embedded() throws -> ReferenceData {
        func table(_ file: String, _ key: String) throws -> [ManifestNode] {
            guard let text = EmbeddedResources.files["data/" + file] else { throw DataError(file: file, message: "missing") }
            guard let root = try ManifestText.objects(text, name: "data/" + file).first, let rows = root[key]?.items else {
                throw DataError(file: file, message: "has no `\(key)` list")
            }
            return rows
        }
        func version(_ node: ManifestNode?) -> KubernetesVersion? { node?.string.flatMap(KubernetesVersion.init) }
        func storage(_ row: ManifestNode) -> StorageTarget {
            StorageTarget(name: row["name"]?.string ?? "", kind: row["kind"]?.string ?? "", removedIn: version(row["removedIn"]),
                          target: row["target"]?.string ?? "", copy: row["copy"]?.string)
        }
        let fargate = try ManifestText.objects(EmbeddedResources.files["data/fargate.yaml"] ?? "", name: "data/fargate.yaml").first
        return ReferenceData(
            apiVersions: try table("kubernetes-api-removals.yaml", "apis").map { row in
                APIVersionStatus(apiVersion: row["apiVersion"]?.string ?? "", kind: row["kind"]?.string ?? "",
                                 deprecatedIn: version(row["deprecatedIn"]), removedIn: version(row["removedIn"]),
                                 replacement: row["replacement"]?.string ?? "", instead: row["instead"]?.string ?? "")
            },
            instanceTypes: try table("instance-types.yaml", "instances").map { row in
                InstanceType(type: row["type"]?.string ?? "", vcpu: row["vcpu"]?.int ?? 0, memoryGiB: row["memoryGiB"]?.int ?? 0,
                             enis: row["enis"]?.int ?? 0, ipsPerENI: row["ipsPerEni"]?.int ?? 0, architecture: row["arch"]?.string ?? "x86_64")
            },
            eksVersions: try table("eks-versions.yaml", "versions").compactMap { row in
                guard let v = version(row["version"]) else { return nil }
                return EKSVersion(version: v, released: row["released"]?.string ?? "", endOfStandard: row["endOfStandard"]?.string ?? "",
                                  endOfExtended: row["endOfExtended"]?.string ?? "")
            },
            fargateOverheadMiB: fargate?["overheadMemoryMiB"]?.int ?? 256,
            fargateSizes: try table("fargate.yaml", "sizes").map { row in
                FargateSize(vcpu: row["vcpu"]?.string.flatMap(Double.init) ?? 0, memoryGB: (row["memoryGB"]?.items ?? []).compactMap { $0.string.flatMap(Double.init) })
            },
            provisioners: try table("storage-provisioners.yaml", "provisioners").map(storage),
            volumeTypes: try table("storage-provisioners.yaml", "volumeTypes").map(storage),
            nginxAnnotations: try table("ingress-nginx-alb.yaml", "annotations").map { row in
                NginxAnnotation(nginx: row["nginx"]?.string ?? "", support: row["support"]?.string ?? "none", alb: row["alb"]?.string ?? "")
            },
            pullThroughUpstreams: try table("ecr-pull-through-cache.yaml", "upstreams").map { row in
                PullThroughUpstream(registry: row["registry"]?.string ?? "", upstreamURL: row["upstreamURL"]?.string ?? "",
                                    prefix: row["prefix"]?.string ?? "", credentials: row["credentials"]?.bool ?? false)
            },
            components: components(try table("eks-components.yaml", "components")),
            serviceExposureRules: exposureRules(try table("load-balancer-exposure.yaml", "services")),
            ingressExposureRules: exposureRules(try table("load-balancer-exposure.yaml", "ingresses")),
            ingressControllerImages: try table("load-balancer-exposure.yaml", "ingressControllerImages").compactMap(\.string)
        )
    }

    /// What the API table says of `apiVersion`/`kind` at `target`: nil when the pair is current.
    public func apiStatus(apiVersion: String, kind: String, target: KubernetesVersion) -> (status: APIVersionStatus, removed: Bool)? {
        guard let row = apiVersions.first(where: { $0.apiVersion == apiVersion && $0.kind == kind }) else { return nil }
        if let removed = row.removedIn, target >= removed { return (row, true) }
        if let deprecated = row.deprecatedIn, target >= deprecated { return (row, false) }
        return nil
    }

    /// What to write instead of `apiVersion`/`kind` for `target`: the replacement chain is followed past every version the target
    /// no longer serves or already deprecates, so the advice never names a removed version (flowcontrol v1beta1 → v1 on 1.33,
    /// not v1beta3). Ends in the table's `instead` advice when no API version replaces the kind.
    public func replacement(apiVersion: String, kind: String, target: KubernetesVersion) -> Replacement {
        var current = apiVersion
        var seen: Set<String> = [apiVersion]
        while let row = apiVersions.first(where: { $0.apiVersion == current && $0.kind == kind }) {
            let outdated = row.removedIn.map { target >= $0 } ?? false || row.deprecatedIn.map { target >= $0 } ?? false
            guard outdated else { break }
            guard !row.replacement.isEmpty else { return .none(advice: row.instead) }
            guard seen.insert(row.replacement).inserted else { break }
            current = row.replacement
        }
        return current == apiVersion ? .none(advice: "") : .apiVersion(current)
    }

    public enum Replacement: Equatable, Sendable, CustomStringConvertible {
        case apiVersion(String)
        case none(advice: String)

        public var description: String {
            switch self {
            case .apiVersion(let version): return version
            case .none(let advice): return advice.isEmpty ? "none" : advice
            }
        }
    }

    public func instanceType(_ name: String) -> InstanceType? {
        instanceTypes.first { $0.type == name }
    }

    public func eksVersion(_ version: KubernetesVersion) -> EKSVersion? {
        eksVersions.first { $0.version == version }
    }

    public func provisioner(_ name: String) -> StorageTarget? {
        provisioners.first { $0.name == name }
    }

    public func volumeType(_ name: String) -> StorageTarget? {
        volumeTypes.first { $0.name == name }
    }

    /// The registry's pull-through-cache upstream, if ECR supports one.
    public func pullThroughUpstream(for registry: String) -> PullThroughUpstream? {
        pullThroughUpstreams.first { upstream in
            upstream.registry.hasPrefix("*.") ? registry.hasSuffix(String(upstream.registry.dropFirst())) : upstream.registry == registry
        }
    }

    /// The smallest Fargate size that fits `cpu` millicores and `memory` bytes (plus Fargate's overhead), or nil when none does.
    public func fargateSize(cpuMillicores: Int, memoryBytes: Int) -> (vcpu: Double, memoryGB: Double)? {
        let cpu = Double(cpuMillicores) / 1000
        let memoryGB = (Double(memoryBytes) + Double(fargateOverheadMiB) * 1_048_576) / 1_073_741_824
        for size in fargateSizes.sorted(by: { $0.vcpu < $1.vcpu }) where size.vcpu >= cpu {
            if let memory = size.memoryGB.sorted().first(where: { $0 >= memoryGB - 1e-9 }) { return (size.vcpu, memory) }
        }
        return nil
    }
}
