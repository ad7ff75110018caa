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
        /// The provisioner's volumes are hostPath PVs, which Velero's file-system backup cannot read.
        public var hostPathVolumes = false
    }

    public struct NginxAnnotation: Sendable {
        public var nginx: String
        /// full, partial or none.
        public var support: String
        public var alb: String
    }

    public struct PullThroughUpstream: Sendable {
        /// How ECR authenticates to the upstream.
        public enum Auth: String, Sendable {
            case none
            /// A Secrets Manager secret named `ecr-pullthroughcache/…`, in the rule's account and Region.
            case secret
            /// An IAM role ECR assumes (`--custom-role-arn`), when the upstream ECR registry is in another account.
            case role
        }

        /// The registry, or a pattern with `*` (`*.azurecr.io`).
        public var registry: String
        public var upstreamURL: String
        public var prefix: String
        public var auth: Auth
        /// Each registry of the pattern is its own upstream: its own URL and rule (Azure registries, other ECR registries).
        public var perRegistry: Bool

        public var credentials: Bool { auth == .secret }
    }

    /// A data store recognised by image name, and how its data moves (`data/databases.yaml`).
    public struct Database: Sendable {
        public var name: String
        public var images: [String]
        public var replication: String
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
    public var databases: [Database]
    /// hostPath locations that hold no application data (`data/node-paths.yaml`).
    public var nodeSystemPaths: [String]
    public var components: [EKSComponent]
    public var serviceExposureRules: [ExposureRule]
    public var ingressExposureRules: [ExposureRule]
    public var ingressControllerImages: [String]
    public var privateDNSSuffixes: [String]
    /// Controllers whose releases each support a range of Kubernetes versions (`data/controller-support.yaml`).
    public var controllers: [ControllerSupport]
    /// What of the source ALB's own Ingress annotations carries over (`data/alb-source-annotations.yaml`).
    public var albSourceAnnotations = SourceAnnotationRules()
    /// What of the source AWS load balancer's own Service annotations carries over (`data/nlb-source-annotations.yaml`).
    public var nlbSourceAnnotations = SourceAnnotationRules()

    public struct DataError: Error, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "data/\(file): \(message)" }
    }

    /// The embedded tables parsed once per process, for code that has no ReferenceData at hand (runbook step templates).
    static let bundled: ReferenceData? = try? ReferenceData.embedded()

    /// The tables embedded in this binary.
    public static func embedded() throws -> ReferenceData {
        func table(_ file: String, _ key: String) throws -> [ManifestNode] {
            guard let text = EmbeddedResources.files["data/" + file] else { throw DataError(file: file, message: "missing") }
            guard let root = try ManifestText.objects(text, name: "data/" + file).first, let rows = root[key]?.items else {
                throw DataError(file: file, message: "has no `\(key)` list")
            }
            return rows
        }
        func sourceAnnotationRules(_ file: String) throws -> SourceAnnotationRules {
            SourceAnnotationRules(carried: try table(file, "carried").compactMap(\.string), planned: try table(file, "planned").compactMap(\.string),
                                  bound: try table(file, "bound").map { row in (row["name"]?.string ?? "", row["why"]?.string ?? "") })
        }
        func version(_ node: ManifestNode?) -> KubernetesVersion? { node?.string.flatMap(KubernetesVersion.init) }
        func storage(_ row: ManifestNode) -> StorageTarget {
            StorageTarget(name: row["name"]?.string ?? "", kind: row["kind"]?.string ?? "", removedIn: version(row["removedIn"]),
                          target: row["target"]?.string ?? "", copy: row["copy"]?.string, hostPathVolumes: row["hostPathVolumes"]?.bool ?? false)
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
                                    prefix: row["prefix"]?.string ?? "", auth: PullThroughUpstream.Auth(rawValue: row["auth"]?.string ?? "") ?? .none,
                                    perRegistry: row["perRegistry"]?.bool ?? false)
            },
            databases: try table("databases.yaml", "databases").map { row in
                Database(name: row["name"]?.string ?? "", images: (row["images"]?.items ?? []).compactMap(\.string),
                         replication: row["replication"]?.string ?? "")
            },
            nodeSystemPaths: try table("node-paths.yaml", "paths").compactMap(\.string),
            components: components(try table("eks-components.yaml", "components")),
            serviceExposureRules: exposureRules(try table("load-balancer-exposure.yaml", "services")),
            ingressExposureRules: exposureRules(try table("load-balancer-exposure.yaml", "ingresses")),
            ingressControllerImages: try table("load-balancer-exposure.yaml", "ingressControllerImages").compactMap(\.string),
            privateDNSSuffixes: try table("private-dns-suffixes.yaml", "suffixes").compactMap(\.string),
            controllers: try controllerSupport(try table("controller-support.yaml", "controllers")),
            albSourceAnnotations: try sourceAnnotationRules("alb-source-annotations.yaml"),
            nlbSourceAnnotations: try sourceAnnotationRules("nlb-source-annotations.yaml")
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

    /// The registry's pull-through-cache upstream, if ECR supports one. A per-registry upstream comes back with the
    /// registry's own URL and a prefix of its own (`acme.azurecr.io` → `azure-acme`; an ECR registry → `ecr-ACCOUNT-REGION`).
    public func pullThroughUpstream(for registry: String) -> PullThroughUpstream? {
        guard var upstream = pullThroughUpstreams.first(where: { Self.glob($0.registry, matches: registry) }) else { return nil }
        if upstream.perRegistry {
            upstream.upstreamURL = registry
            let labels = registry.split(separator: ".").map(String.init)
            // 123456789012.dkr.ecr.eu-west-1.amazonaws.com: account and Region; acme.azurecr.io: the registry name.
            let qualifier = labels.count >= 4 && labels[1] == "dkr" && labels[2] == "ecr"
                ? labels[0] + "-" + Self.regionCode(labels[3]) : labels.first ?? registry
            upstream.prefix = Self.perRegistryPrefix(upstream.prefix, qualifier: qualifier, registry: registry, pattern: upstream.registry)
        }
        return upstream
    }

    /// ECR takes a rule prefix of 2 to 30 characters matching `(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*`
    /// (ECR API Reference, CreatePullThroughCacheRule, ecrRepositoryPrefix), and every repository under it is pulled from
    /// the rule's one upstream. So a prefix must name one registry only: the readable `azure-acme` is kept when it fits and
    /// the registry is plainly that name (lowercase, as many labels as the pattern); a longer, dotted or recased host
    /// (`contosoprodregistryweu001` against `…weu000`, `acme.evil.azurecr.io` against `acme.azurecr.io`) gets a cut name
    /// and a hash of its full host instead.
    static func perRegistryPrefix(_ base: String, qualifier: String, registry: String, pattern: String) -> String {
        let readable = ECRRepositoryName.make(base + "-" + qualifier)
        // make() left the qualifier as it was (no case, character or doubled '-' folded) and it is the host's only free label.
        let plain = readable == base + "-" + qualifier && registry == registry.lowercased()
            && registry.split(separator: ".").count == pattern.split(separator: ".").count
        if plain && readable.count <= 30 { return readable }
        let hash = DigestHex.sha256(registry)
        var cut = String(readable.prefix(30 - 1 - hash.count))
        while let last = cut.last, !(last.isLetter || last.isNumber) { cut.removeLast() }
        return cut + "-" + hash
    }

    /// `ap-northeast-2` → `apne2`: a Region short enough for a 30-character ECR prefix.
    static func regionCode(_ region: String) -> String {
        let words = ["northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw", "north": "n", "south": "s", "east": "e",
                     "west": "w", "central": "c"]
        return region.split(separator: "-").map { words[String($0)] ?? String($0) }.joined()
    }

    /// Whether `text` matches `pattern`, where each `*` stands for one or more characters other than `/`.
    static func glob(_ pattern: String, matches text: String) -> Bool {
        let parts = pattern.split(separator: "*", omittingEmptySubsequences: false).map(String.init)
        guard parts.count > 1 else { return pattern == text }
        guard text.hasPrefix(parts[0]), let last = parts.last, text.hasSuffix(last) else { return false }
        var rest = Substring(text.dropFirst(parts[0].count).dropLast(last.count))
        for middle in parts.dropFirst().dropLast() {
            guard let range = rest.range(of: middle), range.lowerBound > rest.startIndex else { return false }
            rest = rest[range.upperBound...]
        }
        return !rest.isEmpty && !rest.contains("/")
    }

    /// The data store an image runs, by the last component of its repository (`bitnami/postgresql` → postgres).
    public func database(image: String) -> Database? {
        database(ImageReference(image))
    }

    /// `database(image:)` of an image already parsed.
    public func database(_ image: ImageReference) -> Database? {
        guard let name = image.repository.lowercased().split(separator: "/").last.map(String.init) else { return nil }
        return databases.first { $0.images.contains(name) }
    }

    /// Whether a hostPath location holds no application data: node system files, runtime state, logs, CA bundles, scratch.
    /// The path is compared in its lexical normal form: `//etc/kubernetes/pki` or `/./etc/kubernetes` name the node's
    /// `/etc/kubernetes` as surely as the plain spelling. A `..` component counts as a system path: Kubernetes refuses such
    /// hostPaths (no backsteps), so no data of one is ever copied.
    public func isNodeSystemPath(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: true).filter { $0 != "." }
        if components.contains("..") { return true }
        let normal = (path.hasPrefix("/") ? "/" : "") + components.joined(separator: "/")
        if normal.hasSuffix(".sock") { return true }
        return nodeSystemPaths.contains { entry in entry == "/" ? normal == "/" : normal == entry || normal.hasPrefix(entry + "/") }
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
