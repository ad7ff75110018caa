import Foundation
import GRDB

/// `assess -o sarif`: SARIF 2.1.0 as GitHub code scanning accepts it (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html,
/// https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning).
/// Every result has a physical location: its manifest's file and line, or for a finding about the whole cluster (the EKS
/// version, say) the stated anchor (`--sarif-anchor`), else the first file imported for that cluster, with the cluster named as
/// a logical location. URIs are relative to `--sarif-root` (default: the current folder) under the base id `%SRCROOT%`;
/// a file outside the root keeps an absolute `file://` URI.
public struct SARIFLog: Encodable {
    public struct Options: Sendable {
        /// The folder artifact URIs are relative to (a repository's checkout).
        public var root: URL
        /// The file cluster-level findings point at, when given.
        public var anchor: String?
        /// Per cluster id, the first file imported for it: the default anchor.
        public var clusterFiles: [Int64: String]
        /// The folder relative source paths were given from (the current folder).
        public var workingDirectory: URL
        /// The most results one run may carry: GitHub code scanning rejects a run of more than 25,000
        /// (https://docs.github.com/en/code-security/code-scanning/troubleshooting-sarif-uploads/results-exceed-limit).
        public var maximumResults: Int

        public init(root: URL, anchor: String? = nil, clusterFiles: [Int64: String] = [:],
                    workingDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath), maximumResults: Int = 25_000) {
            self.root = root
            self.anchor = anchor
            self.clusterFiles = clusterFiles
            self.workingDirectory = workingDirectory
            self.maximumResults = maximumResults
        }
    }

    struct Text: Encodable { var text: String }
    struct Rule: Encodable {
        struct Configuration: Encodable { var level: String }
        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text
        var help: Text
        var defaultConfiguration: Configuration
    }
    struct Driver: Encodable {
        var name = "eksodus"
        var rules: [Rule]
    }
    struct Tool: Encodable { var driver: Driver }
    struct ArtifactLocation: Encodable {
        var uri: String
        var uriBaseId: String?
    }
    struct Region: Encodable { var startLine: Int }
    struct PhysicalLocation: Encodable {
        var artifactLocation: ArtifactLocation
        var region: Region
    }
    struct LogicalLocation: Encodable {
        var name: String
        var fullyQualifiedName: String
        var kind: String
    }
    struct Location: Encodable {
        var physicalLocation: PhysicalLocation
        var logicalLocations: [LogicalLocation]
    }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Text
        var locations: [Location]
    }
    struct BaseURI: Encodable { var uri: String }
    struct Notification: Encodable {
        var level: String
        var message: Text
    }
    struct Invocation: Encodable {
        var executionSuccessful: Bool
        var toolExecutionNotifications: [Notification]
    }
    struct Run: Encodable {
        var tool: Tool
        var originalUriBaseIds: [String: BaseURI]
        var invocations: [Invocation]?
        var results: [Result]
    }

    var version = "2.1.0"
    var schema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    var runs: [Run]
    /// How many results the run leaves out to stay within `Options.maximumResults`.
    public private(set) var omitted = 0

    enum CodingKeys: String, CodingKey {
        case version, schema = "$schema", runs
    }

    public init(_ result: AssessmentResult, options: Options) {
        let used = Set(result.allFindings.map(\.checkID))
        let checks = CheckCatalog.all.filter { used.contains($0.info.id) }
        let rules = checks.map { check in
            Rule(id: check.info.id, name: check.info.title, shortDescription: Text(text: check.info.title),
                 fullDescription: Text(text: check.info.rationale), help: Text(text: check.info.remediation),
                 defaultConfiguration: .init(level: Self.level(check.info.severity)))
        }
        let ruleIndex = Dictionary(rules.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        let root = options.root.standardizedFileURL
        var results: [Result] = []
        for cluster in result.clusters {
            for finding in cluster.findings {
                let file = finding.sourceFile.flatMap { $0.isEmpty ? nil : $0 }
                let path = file ?? options.anchor ?? options.clusterFiles[finding.clusterID] ?? ".eksodus.yaml"
                let line = file == nil ? 1 : max(1, finding.sourceLine ?? 1)
                let object = AssessmentOutput.objectLabel(finding)
                var logical = [LogicalLocation(name: cluster.cluster.name, fullyQualifiedName: cluster.cluster.name, kind: "module")]
                if file != nil {
                    logical.append(LogicalLocation(name: finding.name, fullyQualifiedName: cluster.cluster.name + "/" + object, kind: "object"))
                }
                let scope = file == nil ? " (cluster \(cluster.cluster.name); anchored at \(path))" : ""
                results.append(Result(ruleId: finding.checkID, ruleIndex: ruleIndex[finding.checkID] ?? 0, level: Self.level(finding.severity),
                                      message: Text(text: "\(object) \(finding.field): \(finding.message)\(scope)"),
                                      locations: [Location(physicalLocation: PhysicalLocation(artifactLocation: Self.artifact(path, root: root, from: options.workingDirectory),
                                                                                              region: Region(startLine: line)),
                                                           logicalLocations: logical)]))
            }
        }
        // Past the upload limit, the most severe results stay (in their order) and the run says how many were left out:
        // a run GitHub rejects shows nothing at all.
        var invocations: [Invocation]?
        let limit = max(0, options.maximumResults)
        if results.count > limit {
            let rank = ["error": 0, "warning": 1, "note": 2]
            let kept = results.indices.sorted { (rank[results[$0].level] ?? 3, $0) < (rank[results[$1].level] ?? 3, $1) }.prefix(limit).sorted()
            omitted = results.count - kept.count
            results = kept.map { results[$0] }
            invocations = [Invocation(executionSuccessful: true, toolExecutionNotifications: [Notification(level: "warning", message: Text(text:
                "\(omitted) of \(omitted + kept.count) results are left out, the least severe first: GitHub code scanning accepts at most \(limit) results per run. Every finding is in `eksodus assess -o json` and in findings.csv of `eksodus report assessment`."))])]
        }
        var rootURI = root.absoluteString
        if !rootURI.hasSuffix("/") { rootURI += "/" }
        runs = [Run(tool: Tool(driver: Driver(rules: rules)), originalUriBaseIds: ["%SRCROOT%": BaseURI(uri: rootURI)], invocations: invocations, results: results)]
    }

    /// `path` relative to `root` (percent-encoded, `/`-separated), or an absolute `file://` URI when it lies outside.
    static func artifact(_ path: String, root: URL, from workingDirectory: URL) -> ArtifactLocation {
        let absolute = (path.hasPrefix("/") ? URL(fileURLWithPath: path) : workingDirectory.appendingPathComponent(path)).standardizedFileURL
        let rootComponents = root.pathComponents, components = absolute.pathComponents
        guard components.count > rootComponents.count, Array(components.prefix(rootComponents.count)) == rootComponents else {
            return ArtifactLocation(uri: absolute.absoluteString, uriBaseId: nil)
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: ";?#[]")
        let relative = components.dropFirst(rootComponents.count).map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }
        return ArtifactLocation(uri: relative.joined(separator: "/"), uriBaseId: "%SRCROOT%")
    }

    /// Per cluster, the first file imported for it (the default anchor of its cluster-level findings).
    public static func clusterFiles(_ database: AppDatabase) throws -> [Int64: String] {
        try database.writer.read { db in
            var files: [Int64: String] = [:]
            for row in try GRDB.Row.fetchAll(db, sql: """
                SELECT cluster_id, source_file FROM resource WHERE id IN (SELECT min(id) FROM resource GROUP BY cluster_id)
                """) {
                files[row[0]] = row[1]
            }
            return files
        }
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .blocker: return "error"
        case .warning: return "warning"
        case .info: return "note"
        }
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? JSONInvisibles.escaped(String(decoding: encoder.encode(self), as: UTF8.self))) ?? "{}") + "\n"
    }
}
